"""Bulk writes through the import framework: the same declared kinds, the same checks and the
same save as the import pages. A body is a spreadsheet (multipart ``file``) or JSON rows, which
are written as a CSV file with the kind's column names, so the kind reads them as it reads any
upload. A small body runs at once (200); a larger one runs as the pages' background task (202,
with a status URL), as every upload on the pages does."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router

from jiuye.api.views.conventions import BadParameter, note_rows, problem
from jiuye.core import importing
from jiuye.core.models import ImportBatch
from jiuye.core.roles import PERSONAL_DATA_ROLES
from jiuye.core.scoping import get_scoped_or_404

router = Router(tags=["imports"])

# The name of the CSV file JSON rows become (its row numbers are answered as positions).
JSON_ROWS_NAME = "api-json-rows.csv"

# As the import pages: whoever keeps persons' records may import (read-only roles may not).
IMPORTERS = tuple(PERSONAL_DATA_ROLES)

_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "rows": {
                            "type": "array",
                            "items": {"type": "object", "additionalProperties": True},
                        }
                    },
                    "required": ["rows"],
                }
            },
        },
        "required": True,
    }
}


def _importer(request: HttpRequest) -> Any:
    user = request.user
    if user.role not in IMPORTERS:
        raise PermissionDenied
    return user


def _kind(user: Any, name: str) -> importing.ImportKind:
    """The kind as the upload page offers it (404 for one that is not offered there), and a
    403 for a role its writers do not include (the page would refuse the file)."""
    try:
        kind = importing.get_kind(name)
    except importing.ImportFileError:
        raise Http404 from None
    if not kind.importable:
        raise Http404
    writers = getattr(kind, "writers", None)
    if writers is not None and user.role not in writers:
        raise PermissionDenied
    return kind


def _cell(name: str, value: Any, number: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str | int | float):
        return str(value)
    raise BadParameter(
        "rows",
        _("第%(n)d行的“%(c)s”不是文字或数字。") % {"n": number, "c": name},
    )


def rows_as_csv(rows: Any) -> bytes:
    """JSON rows (``[{column: value}]``) as the CSV file a user would upload: a header of every
    column named in any row (in the order first seen), a line per row, text as given."""
    if not isinstance(rows, list) or not rows:
        raise BadParameter("rows", _("rows 应是一个不为空的列表，每行是 {列名: 值}。"))
    columns: list[str] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise BadParameter("rows", _("第%(n)d行不是 {列名: 值} 的形式。") % {"n": number})
        columns.extend(str(c) for c in row if str(c) not in columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for number, row in enumerate(rows, start=1):
        cells = [_cell(c, row.get(c), number) for c in columns]
        # A row with every cell empty would be skipped by the reader and shift the numbers.
        if not any(cells):
            raise BadParameter("rows", _("第%(n)d行是空的。") % {"n": number})
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _upload(request: HttpRequest) -> tuple[Any, bool]:
    """The body as an uploaded file, and whether it came as JSON rows."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise BadParameter("file", _("请用 multipart 表单的 file 字段上传表格文件。"))
        if upload.size == 0:
            raise BadParameter("file", _("文件是空的。"))
        return upload, False
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or "rows" not in body:
        raise BadParameter(
            "rows",
            _('请上传表格文件（multipart 的 file 字段），或提交 JSON：{"rows": [{列名: 值}]}。'),
        )
    return SimpleUploadedFile(JSON_ROWS_NAME, rows_as_csv(body["rows"]), "text/csv"), True


def _status_url(batch: ImportBatch) -> str:
    return reverse("v1:import_status", kwargs={"batch_id": batch.pk})


def batch_answer(batch: ImportBatch) -> dict[str, Any]:
    """A batch as the API reports it: counts, and the bad rows as the import page lists them
    (row number, column, message; for JSON rows the row is the position in ``rows``)."""
    shift = 1 if batch.original_name == JSON_ROWS_NAME else 0
    answer: dict[str, Any] = {
        "batch": str(batch.pk),
        "kind": batch.kind,
        "dry_run": batch.dry_run,
        "status": batch.status,
        "status_url": _status_url(batch),
        "finished": batch.is_finished,
    }
    if not batch.is_finished:
        answer["progress"] = importing.progress_of(batch.pk)
        return answer
    errors = []
    for kept in batch.errors_preview:
        for error in kept["errors"]:
            entry = {
                "row": kept["row"] - shift,
                "column": error["column"],
                "message": error["message"],
            }
            if kept.get("sheet"):
                entry["sheet"] = kept["sheet"]
            errors.append(entry)
    answer.update(
        rows=batch.total_rows,
        created=batch.created,
        updated=batch.updated,
        unchanged=batch.unchanged,
        invalid=batch.invalid_rows,
        skipped=batch.skipped,
        written=batch.status == ImportBatch.Status.SUCCEEDED,
        message=batch.message,
        errors=errors,
        # Only the first ERRORS_KEPT_ON_BATCH bad rows are kept (as on the import page).
        errors_complete=len(batch.errors_preview) == batch.invalid_rows,
    )
    return answer


def _unreadable(batch: ImportBatch) -> bool:
    """A failed batch that reached no row: the file itself could not be read."""
    return (
        batch.status == ImportBatch.Status.FAILED
        and not batch.total_rows
        and not batch.invalid_rows
    )


@router.get("/imports/{uuid:batch_id}", summary="一次导入的进度和结果", url_name="import_status")
def import_status(request: HttpRequest, batch_id: uuid.UUID) -> dict[str, Any]:
    _importer(request)
    batch = get_scoped_or_404(request.user, ImportBatch, pk=batch_id)
    importing.batch_fail_stale(batch)
    note_rows(request, 1, personal=False)
    return batch_answer(batch)


@router.post(
    "/imports/{kind}",
    summary="批量导入（与导入页面同样的检查和保存；?dry_run=true 只检查）",
    url_name="import_create",
    openapi_extra=_BODY,
)
def import_create(
    request: HttpRequest, kind: str, dry_run: bool = False, valid_only: bool = False
) -> HttpResponse:
    user = _importer(request)
    if user.is_read_only:
        raise PermissionDenied
    _kind(user, kind)
    upload, _rows = _upload(request)
    queue = upload.size > settings.JIUYE_API_IMPORT_SYNC_BYTES
    batch = importing.batch_start(
        kind=kind, upload=upload, by=user, dry_run=dry_run, valid_only=valid_only, queue=queue
    )
    note_rows(request, batch.total_rows, personal=False)
    answer = batch_answer(batch)
    if not batch.is_finished:
        response = JsonResponse(answer, status=202, json_dumps_params={"ensure_ascii": False})
        response.headers["Location"] = answer["status_url"]
        return response
    if _unreadable(batch):
        return problem(422, _("文件无法读取"), batch.message, batch=str(batch.pk))
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
