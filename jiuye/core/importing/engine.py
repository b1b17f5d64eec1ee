"""The run of an import: validate every row, write in chunks, count, roll back; the
background task that runs a stored batch."""

from __future__ import annotations

import io
import operator
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jiuye.core.bulk import bulk_writes
from jiuye.core.importing.base import (
    ImportCancelled,
    ImportFileError,
    ImportKind,
    RollbackError,
    RowOutcome,
    get_kind,
    join_errors,
)
from jiuye.core.importing.files import cell_errors, find_header, ignored_headers, open_table
from jiuye.core.importing.report import (
    ErrorReport,
    ImportResult,
    cancelled,
    progress_of,
    report_progress,
)
from jiuye.core.models import ImportBatch

CHUNK_ROWS = 2000
ERRORS_KEPT_ON_BATCH = 200


class _Abort(Exception):
    """Internal: roll the transaction back after counting every row."""


# --- the run --------------------------------------------------------------------------------


def run_import(
    *,
    kind: str,
    path: Path,
    original_name: str = "",
    dry_run: bool,
    valid_only: bool = False,
    by: Any = None,
    batch: ImportBatch | None = None,
    parent: Model | None = None,
    fail_after_rows: int | None = None,
) -> ImportResult:
    """Validate (and unless ``dry_run``, write) a file of one kind. Never raises for bad data:
    the result and its batch say what happened. ``parent``: the record the rows go into, for
    a kind with a ``parent_model`` (else the batch's own). ``fail_after_rows`` is for tests
    that prove a crash mid-import leaves the database as it was."""
    import_kind = get_kind(kind)
    if batch is None:
        batch = ImportBatch.objects.create(
            kind=kind,
            original_name=(original_name or path.name)[:200],
            dry_run=dry_run,
            valid_only=valid_only,
            parent=parent,
            created_by=by if getattr(by, "pk", None) else None,
        )
    elif parent is None:
        parent = batch.parent
    batch.status = ImportBatch.Status.RUNNING
    batch.started_at = timezone.now()
    batch.save(update_fields=["status", "started_at"])
    result = ImportResult(batch=batch)
    try:
        if dry_run:
            _run(
                import_kind,
                path,
                result,
                dry_run=True,
                valid_only=valid_only,
                by=by,
                parent=parent,
                fail_after_rows=fail_after_rows,
            )
        else:
            with bulk_writes(), transaction.atomic():
                _run(
                    import_kind,
                    path,
                    result,
                    dry_run=False,
                    valid_only=valid_only,
                    by=by,
                    parent=parent,
                    fail_after_rows=fail_after_rows,
                )
                if result.invalid and not valid_only:
                    raise _Abort
    except _Abort:
        result.message = _(
            "有%(n)d行错误，没有导入任何数据。请按错误报告修改后重新导入，或选择“只导入正确的行”。"
        ) % {"n": result.invalid}
        _finish(batch, result, ImportBatch.Status.FAILED)
        return result
    except ImportFileError as exc:
        result.message = str(exc)
        _finish(batch, result, ImportBatch.Status.FAILED)
        return result
    except ImportCancelled:
        result.message = _("导入已取消，没有写入任何数据。")
        _finish(batch, result, ImportBatch.Status.CANCELLED)
        return result
    except Exception:
        result.message = _("导入过程中出错，已全部撤回，数据库没有任何改变。")
        _finish(batch, result, ImportBatch.Status.FAILED)
        raise
    finally:
        import_kind.parent = None
    status = ImportBatch.Status.VALIDATED if dry_run else ImportBatch.Status.SUCCEEDED
    if result.ignored and not result.message:
        result.message = _(
            "这些列不是导入模板中的列，没有读取：%(cols)s。请确认它们不需要导入；"
            "需要导入的，请把列名改成模板中的名称后重新上传。"
        ) % {"cols": "、".join(result.ignored)}
    _finish(batch, result, status)
    return result


def _finish(batch: ImportBatch, result: ImportResult, status: str) -> None:
    # Counts of a failed or cancelled commit say what it would have done; the message and the
    # status say that nothing was written.
    batch.status = status
    batch.total_rows = result.rows
    batch.valid_rows = result.valid
    batch.invalid_rows = result.invalid
    batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
    batch.message = result.message
    batch.errors_preview = result.errors[:ERRORS_KEPT_ON_BATCH]
    batch.finished_at = timezone.now()
    batch.save()
    report_progress(batch.pk, result.rows, "done")


def _run(
    kind: ImportKind,
    path: Path,
    result: ImportResult,
    *,
    dry_run: bool,
    valid_only: bool,
    by: Any,
    parent: Model | None,
    fail_after_rows: int | None,
) -> None:
    batch = result.batch
    kind.parent = _open_parent(kind, parent, by=by)
    kind.begin()
    table = open_table(
        path,
        batch.original_name,
        heartbeat=lambda: report_progress(batch.pk, result.rows, "running"),
    )
    positions = find_header(kind, table)
    result.ignored = ignored_headers(table.headers, positions)
    columns = {c.key: c for c in kind.columns}
    report = ErrorReport(kind, table.headers, positions)
    seen: dict[str, int] = {}
    chunk: list[tuple[int, list[str], RowOutcome]] = []
    # A full row's values are picked in one call; a short row (trailing cells left out) is
    # padded with empty strings.
    keys = list(positions)
    getter = operator.itemgetter(*positions.values()) if len(keys) > 1 else None
    width = max(positions.values(), default=-1) + 1

    def flush() -> None:
        if chunk:
            _apply(kind, chunk, result, report, seen, dry_run=dry_run, by=by)
            chunk.clear()
        report_progress(batch.pk, result.rows, "running")
        if cancelled(batch.pk):
            raise ImportCancelled

    for number, cells in table.rows:
        if not any(cells):
            continue
        result.rows += 1
        if result.rows % CHUNK_ROWS == 0:
            report_progress(batch.pk, result.rows, "running")
        full = cells if len(cells) >= width else cells + [""] * (width - len(cells))
        if getter is not None:
            values = dict(zip(keys, getter(full), strict=True))
        else:
            values = {key: full[pos] for key, pos in positions.items()}
        # A cell the file spoilt (a number for an ID, a formula without its result) is not
        # read at all, for every kind.
        spoilt = cell_errors(columns, values)
        outcome = (
            RowOutcome(errors=spoilt) if spoilt else kind.clean(values, row_number=number, by=by)
        )
        for error in outcome.errors:
            error.column = report.header_of(error.column)
        if outcome.errors:
            _reject(result, report, number, cells, outcome.errors)
            continue
        chunk.append((number, cells, outcome))
        if len(chunk) >= CHUNK_ROWS:
            flush()
        if fail_after_rows is not None and result.rows >= fail_after_rows:
            flush()
            raise RuntimeError("injected failure (test)")
    flush()
    report.save(batch)
    if result.rows != result.valid + result.invalid or result.valid != (
        result.created + result.updated + result.unchanged
    ):
        raise RuntimeError(
            f"import counts do not add up: rows {result.rows}, valid {result.valid}, "
            f"invalid {result.invalid}, created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}"
        )


def _open_parent(kind: ImportKind, parent: Model | None, *, by: Any) -> Any:
    if kind.parent_model is None:
        if parent is not None:
            raise ValueError(f"import kind {kind.name} takes no parent record")
        return None
    if parent is None:
        raise ImportFileError(str(kind.parent_needed))
    if not isinstance(parent, kind.parent_model):
        raise ValueError(f"import kind {kind.name} imports into a {kind.parent_model.__name__}")
    return kind.open_parent(parent, by=by)


def _reject(
    result: ImportResult, report: ErrorReport, number: int, cells: list[str], errors: Any
) -> None:
    result.invalid += 1
    report.add(number, cells, errors)
    if len(result.errors) < ERRORS_KEPT_ON_BATCH:
        shown = [
            {"column": e.column, "message": e.message, "value": report.value_of(e.column, cells)}
            for e in errors
        ]
        result.errors.append({"row": number, "errors": shown, "text": join_errors(errors)})


def _apply(
    kind: ImportKind,
    chunk: list[tuple[int, list[str], RowOutcome]],
    result: ImportResult,
    report: ErrorReport,
    seen: dict[str, int],
    *,
    dry_run: bool,
    by: Any,
) -> None:
    current = kind.existing(list({outcome.key for _n, _c, outcome in chunk}))
    creates: list[Model] = []
    updates: list[tuple[Model, dict[str, tuple[Any, Any]]]] = []
    for number, cells, outcome in chunk:
        record = current.get(outcome.key)
        errors = kind.check(outcome.data, record, by=by)
        for error in errors:
            error.column = report.header_of(error.column)
        # A row that is right in itself but names the same record as an earlier one.
        first = seen.get(outcome.key) if outcome.key else None
        if not errors and first is not None:
            errors = [kind.duplicate_error(first)]
            errors[0].column = report.header_of(errors[0].column)
        if errors:
            _reject(result, report, number, cells, errors)
            continue
        if outcome.key:
            seen[outcome.key] = number
        result.valid += 1
        prepared = kind.prepare(outcome.data, record, by=by)
        if prepared is None:
            result.unchanged += 1
        elif record is not None:
            updates.append(prepared)
            result.updated += 1
        else:
            creates.append(prepared[0])
            result.created += 1
    if not dry_run and (creates or updates):
        kind.write(creates=creates, updates=updates, batch=result.batch, by=by)


# --- rollback and the background run ----------------------------------------------------


@transaction.atomic
def batch_rollback(*, batch: ImportBatch, by: Any) -> None:
    """Undo a committed batch: remove what it created, put back what it changed."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.SUCCEEDED or batch.dry_run:
        raise RollbackError(_("只有已成功导入的批次可以撤销。"))
    kind = get_kind(batch.kind)
    kind.parent = batch.parent
    try:
        kind.rollback(batch, by=by)
    finally:
        kind.parent = None
    batch.status = ImportBatch.Status.ROLLED_BACK
    batch.message = _("已由%(user)s撤销。") % {"user": by}
    batch.updated_by = by if getattr(by, "pk", None) else None
    batch.save(update_fields=["status", "message", "updated_by", "updated_at"])


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
    queue: bool = True,
) -> ImportBatch:
    """Store the file, queue the batch and return it (the page then follows its progress).
    ``parent``: the record the rows go into (kinds with a ``parent_model``). ``queue=False``
    runs it now, for a page that shows the outcome at once (a short staff list)."""
    get_kind(kind)
    batch = ImportBatch(
        kind=kind,
        original_name=(getattr(upload, "name", "") or "upload")[:200],
        dry_run=dry_run,
        valid_only=valid_only,
        checked_by=checked_by,
        parent=parent,
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
    """Commit the file of a dry run that the user has looked at (into the same parent)."""
    if checked.status != ImportBatch.Status.VALIDATED or not checked.dry_run:
        raise ImportFileError(_("只能确认已检查完成的文件。"))
    if checked.invalid_rows and not valid_only:
        raise ImportFileError(_("文件中有错误行：请修改后重新上传，或选择“只导入正确的行”。"))
    return _start_again(
        checked, by=by, dry_run=False, valid_only=valid_only, checked_by=checked, queue=queue
    )


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


def _start_again(batch: ImportBatch, *, by: Any, queue: bool, **options: Any) -> ImportBatch:
    """A new batch on the file a batch stored, of its kind and into its parent record."""
    with batch.source.open("rb") as source:
        upload = File(io.BytesIO(source.read()), name=batch.original_name)
    return batch_start(
        kind=batch.kind, upload=upload, by=by, parent=batch.parent, queue=queue, **options
    )
