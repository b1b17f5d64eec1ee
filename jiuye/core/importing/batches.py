"""Stored batches: starting one (a check, or a commit of a check) in the background task or
at once, the task itself, retrying a batch whose worker died, ending such a batch, and deleting
the stored files of old batches."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jiuye.core.importing.base import ImportFileError, get_kind
from jiuye.core.importing.engine import run_import
from jiuye.core.importing.report import ImportResult, progress_of, report_progress
from jiuye.core.models import ImportBatch


def batch_fail_stale(batch: ImportBatch) -> bool:
    """End as failed a running batch whose worker stopped reporting (it died: killed for its
    memory, restarted), so the batch does not stay "running" forever and can be run again.
    The worker reports at least every few seconds (``report_progress``); a commit is one
    transaction, so a dead worker wrote nothing. True if the batch was failed now."""
    if batch.status != ImportBatch.Status.RUNNING:
        return False
    last = max(
        progress_of(batch.pk).get("at") or 0,
        batch.started_at.timestamp() if batch.started_at else 0,
    )
    if time.time() - last < settings.JIUYE_IMPORT_STALE_MINUTES * 60:
        return False
    message = _(
        "处理中断：负责处理这个文件的后台进程已停止（可能是服务器重启，或文件异常），"
        "没有写入任何数据。可以点“重新运行”再试一次；如果再次中断，请检查文件或联系管理员。"
    )
    finished = timezone.now()
    if not ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.RUNNING).update(
        status=ImportBatch.Status.FAILED, message=message, finished_at=finished
    ):
        return False
    batch.status, batch.message, batch.finished_at = ImportBatch.Status.FAILED, message, finished
    report_progress(batch.pk, batch.total_rows, "done")
    return True


def fail_stale_batches(batches: Any = None) -> int:
    """``batch_fail_stale`` for every running batch (of ``batches``); how many were failed."""
    running = (batches if batches is not None else ImportBatch.objects.all()).filter(
        status=ImportBatch.Status.RUNNING
    )
    return sum(batch_fail_stale(batch) for batch in running)


@task()
def import_batch_task(batch_id: str) -> str:
    """Run a queued batch (by the task worker; immediately in tests). A worker starting a
    batch first fails the batches of workers that died."""
    fail_stale_batches(ImportBatch.objects.exclude(pk=batch_id))
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.is_finished:
        return batch.status
    with (
        batch.source.open("rb") as source,
        tempfile.NamedTemporaryFile(suffix=Path(batch.original_name).suffix) as copy,
    ):
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            copy.write(chunk)
        copy.flush()
        result = run_import(
            kind=batch.kind,
            path=Path(copy.name),
            original_name=batch.original_name,
            dry_run=batch.dry_run,
            valid_only=batch.valid_only,
            by=batch.created_by,
            batch=batch,
        )
    return result.batch.status


def batch_start(
    *,
    kind: str,
    upload: Any,
    by: Any,
    dry_run: bool = True,
    valid_only: bool = False,
    checked_by: ImportBatch | None = None,
    parent: Model | None = None,
    sheets: list[str] | tuple[str, ...] = (),
    skip_hidden_rows: bool = False,
    queue: bool = True,
) -> ImportBatch:
    """Store the file, queue the batch and return it (the page then follows its progress).
    ``parent``: the record the rows go into (kinds with a ``parent_model``). ``sheets`` and
    ``skip_hidden_rows``: what to read of a workbook (see ``run_import``), kept on the batch.
    ``queue=False`` runs it now, for a page that shows the outcome at once (a short staff
    list)."""
    get_kind(kind)
    batch = ImportBatch(
        kind=kind,
        original_name=(getattr(upload, "name", "") or "upload")[:200],
        dry_run=dry_run,
        valid_only=valid_only,
        checked_by=checked_by,
        parent=parent,
        sheets=list(sheets),
        skip_hidden_rows=skip_hidden_rows,
        created_by=by,
        updated_by=by,
    )
    batch.source.save(batch.original_name, upload, save=False)
    batch.save()
    report_progress(batch.pk, 0, "queued")
    if queue:
        import_batch_task.enqueue(batch_id=str(batch.pk))
    else:
        import_batch_task.call(batch_id=str(batch.pk))
    batch.refresh_from_db()
    return batch


def batch_confirm(
    *, checked: ImportBatch, by: Any, valid_only: bool, queue: bool = True
) -> ImportBatch:
    """Commit the file of a dry run that the user has looked at (into the same parent, from
    the same sheets, with hidden rows skipped or not as checked)."""
    if checked.status != ImportBatch.Status.VALIDATED or not checked.dry_run:
        raise ImportFileError(_("只能确认已检查完成的文件。"))
    if not checked.source:
        raise ImportFileError(_("这个文件已按保留期限删除，请重新上传后再检查。"))
    if checked.invalid_rows and not valid_only:
        raise ImportFileError(_("文件中有错误行：请修改后重新上传，或选择“只导入正确的行”。"))
    return _start_again(
        checked, by=by, dry_run=False, valid_only=valid_only, checked_by=checked, queue=queue
    )


# --- a list uploaded on its record's page (a kind with a ``parent_model``) --------------------


def list_check(*, kind: str, parent: Model, upload: Any, by: Any, empty: Any) -> ImportResult:
    """Check at once a list uploaded on the page of the record it belongs to (nothing is
    saved): every bad row, or what saving would do. ``empty``: the message of a list with a
    header and no row."""
    batch = batch_start(kind=kind, upload=upload, by=by, dry_run=True, parent=parent, queue=False)
    return _list_outcome(batch, empty)


def list_save(
    *, kind: str, parent: Model, checked: Any, by: Any, empty: Any
) -> ImportResult | None:
    """Save a list this user checked against this record with no bad row: every row or none.
    None when there is no such check (``checked`` is the checked batch's id as posted)."""
    try:
        pk = uuid.UUID(str(checked))
    except ValueError:
        return None
    batch = ImportBatch.objects.filter(
        pk=pk,
        kind=kind,
        dry_run=True,
        status=ImportBatch.Status.VALIDATED,
        invalid_rows=0,
        created_by=by,
        parent_model=parent._meta.label,
        parent_id=str(parent.pk),
    ).first()
    if batch is None:
        return None
    return _list_outcome(batch_confirm(checked=batch, by=by, valid_only=False, queue=False), empty)


def _list_outcome(batch: ImportBatch, empty: Any) -> ImportResult:
    result = ImportResult.of(batch)
    if result.invalid:
        result.message = _("有%(n)d行错误，名单没有保存任何一行。请修改后重新上传。") % {
            "n": result.invalid
        }
    elif not result.rows and batch.status != ImportBatch.Status.FAILED:
        result.message = str(empty)
        batch.status, batch.message = ImportBatch.Status.FAILED, result.message
        batch.save(update_fields=["status", "message"])
    return result


def batch_can_retry(batch: ImportBatch) -> bool:
    """A batch that failed without reaching its rows (interrupted, or the file could not be
    read) can be run again on the same file; one refused for bad rows needs a new file."""
    return (
        batch.status == ImportBatch.Status.FAILED and not batch.invalid_rows and bool(batch.source)
    )


def batch_retry(*, batch: ImportBatch, by: Any, queue: bool = True) -> ImportBatch:
    """Run a failed batch again: a new batch with the same file, kind, options and parent."""
    if not batch_can_retry(batch):
        raise ImportFileError(_("只有中断或没能读取的批次可以重新运行。"))
    return _start_again(
        batch,
        by=by,
        dry_run=batch.dry_run,
        valid_only=batch.valid_only,
        checked_by=batch.checked_by,
        queue=queue,
    )


def batch_can_recheck(batch: ImportBatch) -> bool:
    """A check of a workbook whose sheets or hidden rows leave a choice: several sheets fit
    (or a hidden one does), or some rows are hidden."""
    if not batch.dry_run or not batch.is_finished or not batch.source:
        return False
    report = batch.sheet_report or {}
    fitting = [s for s in report.get("sheets", ()) if s.get("fits")]
    return (
        len(fitting) > 1
        or any(s.get("hidden") for s in fitting)
        or bool(report.get("hidden_rows"))
        or bool(batch.sheets)
    )


def batch_recheck(
    *, batch: ImportBatch, by: Any, sheets: list[str], skip_hidden_rows: bool, queue: bool = True
) -> ImportBatch:
    """Check the file of a check again, reading the sheets chosen (``[]``: every visible sheet
    that fits) and skipping hidden rows or not: a new dry run, which a confirmation follows."""
    if not batch_can_recheck(batch):
        raise ImportFileError(_("这个文件没有可以选择的工作表或隐藏的行。"))
    return _start_again(
        batch,
        by=by,
        dry_run=True,
        valid_only=False,
        sheets=sheets,
        skip_hidden_rows=skip_hidden_rows,
        queue=queue,
    )


def _start_again(batch: ImportBatch, *, by: Any, queue: bool, **options: Any) -> ImportBatch:
    """A new batch on the file a batch stored, of its kind and into its parent record, reading
    the same sheets and rows unless ``options`` say otherwise."""
    with batch.source.open("rb") as source:
        upload = File(io.BytesIO(source.read()), name=batch.original_name)
    options.setdefault("sheets", batch.sheets)
    options.setdefault("skip_hidden_rows", batch.skip_hidden_rows)
    return batch_start(
        kind=batch.kind, upload=upload, by=by, parent=batch.parent, queue=queue, **options
    )


def batches_purge_files(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete the stored file and error report of every batch older than ``days`` (default
    JIUYE_UPLOAD_RETENTION_DAYS) that is not queued or running: they hold ID numbers. The batch
    row, its counts, its error preview (masked) and its rollback journal stay; the batch is
    stamped ``files_deleted_at``. How many batches lost their files."""
    days = settings.JIUYE_UPLOAD_RETENTION_DAYS if days is None else days
    now = now or timezone.now()
    old = (
        ImportBatch.objects.filter(created_at__lt=now - dt.timedelta(days=days))
        .exclude(status__in=(ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING))
        .exclude(Q(source="") & Q(error_report=""))
    )
    purged = 0
    for batch in old.iterator():
        for stored in (batch.source, batch.error_report):
            if stored:
                stored.delete(save=False)
        batch.files_deleted_at = now
        batch.save(update_fields=["source", "error_report", "files_deleted_at"])
        purged += 1
    return purged
