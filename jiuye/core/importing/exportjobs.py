"""Exports of a declared kind from a page, small at once and large in the background (issue 19).

A page describes its export as an ``ExportRequest``: the kind (whose template columns the file
has), the dotted path of a function ``records(user, params)`` that returns the asking user's
records in scope, the JSON-able ``params`` that function needs (the search, the period), the
file name and what the access log should say. ``export_respond`` counts the records: at most
``JIUYE_EXPORT_DIRECT_MAX_ROWS`` and the file downloads at once, as before; more, and an
``ExportJob`` is queued for the task worker, and the user is sent to its page, which follows the
progress and offers the file when it is written.

The task calls the same ``records`` function with the same user and params, so a town officer's
file holds only their town, whichever way it was made; it refuses (a clear message on the job's
page) when the user may no longer export. It streams the rows into a temporary .xlsx (openpyxl's
write-only mode, ``write_export``) in constant memory, then stores the file, encrypted, in the
asking user's folder (``core.storage``) as pieces of ``PART_BYTES``, each sealed on its own, so
that neither storing nor downloading (a streamed response, piece by piece) holds more than a
piece in memory, whatever the size of the file. Only that user can see the job or download the
file, until ``JIUYE_EXPORT_KEEP_HOURS`` have passed; ``purge_uploads`` then deletes the pieces
and the job (the access log keeps who exported what, and how many rows)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from jiuye.core.audit import access_log
from jiuye.core.downloads import attachment
from jiuye.core.importing.base import get_kind
from jiuye.core.importing.exports import export_xlsx, write_export
from jiuye.core.models import AccessEvent, ExportJob
from jiuye.core.storage import encrypted_storage

logger = logging.getLogger(__name__)

# The task writes its progress to the job row every this many rows (one UPDATE each).
PROGRESS_EVERY = 2000
# The file is stored in pieces of this size, each sealed on its own (core.crypto seals a file
# whole, in memory).
PART_BYTES = 4 * 1024 * 1024


class ExportError(Exception):
    """An export that cannot be made, with the message for the person who asked (Chinese)."""


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    records: str  # dotted path of ``records(user, params) -> QuerySet`` (scoped)
    params: dict[str, Any]
    filename: str
    reveal: bool = False
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)  # more for the access log


def direct_max() -> int:
    return int(settings.JIUYE_EXPORT_DIRECT_MAX_ROWS)


def _records(source: str, user: Any, params: dict[str, Any]) -> QuerySet:
    build: Callable[[Any, dict[str, Any]], QuerySet] = import_string(source)
    return build(user, params)


def export_respond(request: HttpRequest, export: ExportRequest) -> HttpResponse:
    """The file at once when it is small, else a queued job and its page."""
    queryset = _records(export.records, request.user, export.params)
    total = queryset.count()
    if total > direct_max():
        job = export_start(user=request.user, export=export, total=total)
        return redirect("core:export-job", pk=job.pk)
    content, count = export_xlsx(get_kind(export.kind), queryset, reveal=export.reveal)
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        reason=export.reason,
        detail={"kind": export.kind, "rows": count, "revealed": export.reveal, **export.detail},
    )
    return attachment(content, export.filename)


def export_start(*, user: Any, export: ExportRequest, total: int = 0) -> ExportJob:
    """Queue ``export`` for ``user`` (``total``: the rows counted when asked, for the bar)."""
    get_kind(export.kind)
    job = ExportJob(
        kind=export.kind,
        source=export.records,
        params=json.dumps(export.params, ensure_ascii=False, sort_keys=True),
        filename=export.filename[:200],
        revealed=export.reveal,
        reason=export.reason,
        detail=export.detail,
        total_rows=total,
        expires_at=timezone.now() + dt.timedelta(hours=settings.JIUYE_EXPORT_KEEP_HOURS),
        created_by=user,
        updated_by=user,
    )
    job.full_clean(exclude=["params"])
    job.save()
    export_job_task.enqueue(job_id=str(job.pk))
    return job


def _fail(job: ExportJob, message: str) -> None:
    _delete_parts(job)  # no half file stays behind
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED,
        parts=0,
        size=0,
        message=message,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def export_fail_stale(job: ExportJob) -> bool:
    """End as failed a running job whose worker stopped reporting (it died: killed, restarted),
    so its page does not say "生成中" forever. True if the job was failed now."""
    if job.status != ExportJob.Status.RUNNING:
        return False
    if timezone.now() - job.updated_at < dt.timedelta(minutes=settings.JIUYE_IMPORT_STALE_MINUTES):
        return False
    message = _("导出中断：负责生成文件的后台进程已停止（可能是服务器重启）。请返回列表重新导出。")
    if not ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.FAILED, message=message, finished_at=timezone.now()
    ):
        return False
    job.status, job.message = ExportJob.Status.FAILED, message
    return True


@task()
def export_job_task(job_id: str) -> str:
    """Write the file of a queued export (by the task worker; immediately in tests)."""
    job = ExportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "gone"
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:  # another worker has it, or it ended
        return job.status
    try:
        count = _write(job)
    except ExportError as exc:
        _fail(job, str(exc))
        return ExportJob.Status.FAILED
    except Exception:
        logger.exception("export %s failed", job.pk)
        _fail(job, _("导出失败：系统内部错误，已记录。请稍后重新导出；仍然失败请联系管理员。"))
        return ExportJob.Status.FAILED
    job.status, job.rows_done, job.finished_at = ExportJob.Status.DONE, count, timezone.now()
    job.save(update_fields=["status", "rows_done", "finished_at", "parts", "size", "updated_at"])
    access_log(
        action=AccessEvent.Action.EXPORT,
        user=job.created_by,
        reason=job.reason,
        detail={
            "kind": job.kind,
            "rows": count,
            "revealed": job.revealed,
            **job.detail,
            "background": str(job.pk),
        },
    )
    return ExportJob.Status.DONE


def _write(job: ExportJob) -> int:
    user = job.created_by
    if user is None or not user.is_active:
        raise ExportError(_("导出失败：申请导出的账号已停用。"))
    queryset = _records(job.source, user, json.loads(job.params or "{}"))

    def progress(rows: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=rows, updated_at=timezone.now())

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        count = write_export(
            get_kind(job.kind),
            queryset,
            path,
            reveal=job.revealed,
            progress=progress,
            every=PROGRESS_EVERY,
        )
        _store(job, path)
    return count


def _store(job: ExportJob, path: Path) -> None:
    """Put the file at ``path`` into the storage as ``job``'s sealed pieces."""
    _delete_parts(job)
    job.parts = job.size = 0
    with open(path, "rb") as handle:
        for piece in iter(lambda: handle.read(PART_BYTES), b""):
            name = job.part_name(job.parts + 1)
            saved = encrypted_storage.save(name, ContentFile(piece))
            if saved != name:  # the backend chose another name: the pieces would not be found
                encrypted_storage.delete(saved)
                raise OSError(f"The storage did not keep the name {name!r} (it chose {saved!r}).")
            job.parts += 1
            job.size += len(piece)


def _delete_parts(job: ExportJob) -> None:
    for name in encrypted_storage.walk(job.folder):
        encrypted_storage.delete(name)


def job_for_user(pk: Any, user: Any) -> ExportJob | None:
    """The export ``pk`` if ``user`` asked for it (anyone else: None); a running job whose
    worker died is ended as failed first."""
    job = ExportJob.objects.filter(pk=pk, created_by=user).first()
    if job is not None:
        export_fail_stale(job)
    return job


def export_chunks(job: ExportJob) -> Iterator[bytes] | None:
    """The finished file's content, piece by piece, or None when it is not (or no longer)
    there, or when its asker may no longer make this export (a role taken away after the file
    was written: the same check the task made, by the same records function)."""
    if job.status != ExportJob.Status.DONE or job.is_expired or not job.parts:
        return None
    try:
        _records(job.source, job.created_by, json.loads(job.params or "{}"))
    except ExportError:
        return None
    names = [job.part_name(number) for number in range(1, job.parts + 1)]
    if not all(encrypted_storage.exists(name) for name in names):
        return None
    return (encrypted_storage.read_bytes(name) for name in names)


def exports_purge(now: dt.datetime | None = None) -> int:
    """Delete the expired exports, their files first. How many were deleted."""
    expired = ExportJob.objects.filter(expires_at__lte=now or timezone.now())
    count = 0
    for job in expired.iterator():
        _delete_parts(job)
        job.delete()
        count += 1
    return count
