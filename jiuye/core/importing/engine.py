"""The run of an import: validate every row, write in chunks, count; a batch's rollback.
Starting, confirming, retrying and the background task of stored batches are ``batches``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

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
from jiuye.core.importing.files import Table, open_tables
from jiuye.core.importing.headers import (
    choose_sheets,
    fit_sheets,
    ignored_headers,
    sheet_report,
)
from jiuye.core.importing.parallel import RowReader, read_outcomes
from jiuye.core.importing.report import (
    ErrorReport,
    ImportResult,
    cancelled,
    report_progress,
)
from jiuye.core.importing.seen import SeenKeys
from jiuye.core.models import ImportBatch

CHUNK_ROWS = 2000
ERRORS_KEPT_ON_BATCH = 200
# How many hidden rows a batch names (all are counted).
HIDDEN_ROWS_NAMED = 200


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
    sheets: list[str] | tuple[str, ...] = (),
    all_sheets: bool = False,
    skip_hidden_rows: bool = False,
    fail_after_rows: int | None = None,
) -> ImportResult:
    """Validate (and unless ``dry_run``, write) a file of one kind. Never raises for bad data:
    the result and its batch say what happened. ``parent``: the record the rows go into, for
    a kind with a ``parent_model`` (else the batch's own). ``sheets``: the worksheets to read
    (default: every visible sheet whose header fits the kind; ``all_sheets``: hidden ones
    too); ``skip_hidden_rows``: leave out the rows Excel hides (they are counted as skipped).
    A given ``batch`` brings its own choice. ``fail_after_rows`` is for tests that prove a
    crash mid-import leaves the database as it was."""
    import_kind = get_kind(kind)
    if batch is None:
        batch = ImportBatch.objects.create(
            kind=kind,
            original_name=(original_name or path.name)[:200],
            dry_run=dry_run,
            valid_only=valid_only,
            parent=parent,
            sheets=list(sheets),
            skip_hidden_rows=skip_hidden_rows,
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
                all_sheets=all_sheets,
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
                    all_sheets=all_sheets,
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
    batch.skipped = result.skipped
    batch.sheet_report = result.sheets
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
    all_sheets: bool,
    fail_after_rows: int | None,
) -> None:
    batch = result.batch
    kind.parent = _open_parent(kind, parent, by=by)
    kind.begin()
    with open_tables(
        path,
        batch.original_name,
        heartbeat=lambda: report_progress(batch.pk, result.rows, "running"),
    ) as tables:
        fits = fit_sheets(kind, tables)
        result.sheets = sheet_report(fits)
        read = choose_sheets(fits, batch.sheets, all_sheets=all_sheets)
        if all_sheets and not batch.sheets:
            # Kept on the batch, so a confirmation or a retry reads the same sheets.
            batch.sheets = [fit.name for fit in read]
            batch.save(update_fields=["sheets"])
        for entry in result.sheets.get("sheets", ()):
            entry["read"] = any(fit.name == entry["name"] for fit in read)
        report = ErrorReport(kind, several=len(read) > 1)
        seen = SeenKeys()
        for fit in read:
            assert fit.positions is not None  # noqa: S101 - choose_sheets reads only those
            result.ignored.extend(
                h
                for h in ignored_headers(fit.table.headers, fit.positions)
                if h not in result.ignored
            )
            report.use(fit.table.headers, fit.positions, fit.name)
            _read_table(
                kind,
                fit.table,
                fit.positions,
                result,
                report,
                seen,
                dry_run=dry_run,
                by=by,
                fail_after_rows=fail_after_rows,
            )
    report.save(batch)
    if result.rows != result.valid + result.invalid + result.skipped or result.valid != (
        result.created + result.updated + result.unchanged
    ):
        raise RuntimeError(
            f"import counts do not add up: rows {result.rows}, valid {result.valid}, "
            f"invalid {result.invalid}, skipped {result.skipped}, created {result.created}, "
            f"updated {result.updated}, unchanged {result.unchanged}"
        )


def _read_table(
    kind: ImportKind,
    table: Table,
    positions: dict[str, int],
    result: ImportResult,
    report: ErrorReport,
    seen: SeenKeys,
    *,
    dry_run: bool,
    by: Any,
    fail_after_rows: int | None,
) -> None:
    """Check (and keep for writing) every row of one table below its header."""
    batch = result.batch
    chunk: list[tuple[int, list[str], RowOutcome]] = []
    hidden_rows, skip_hidden = table.hidden_rows, batch.skip_hidden_rows
    hidden_at = result.sheets.get("hidden_at")

    def flush() -> None:
        if chunk:
            created, valid = result.created, result.valid
            _apply(kind, chunk, result, report, seen, dry_run=dry_run, by=by)
            chunk.clear()
            # Worker processes prepare a new record's write ahead while most rows are new.
            reader.ahead = (result.created - created) * 2 >= result.valid - valid
        report_progress(batch.pk, result.rows, "running")
        if cancelled(batch.pk):
            raise ImportCancelled

    def skipped(number: int) -> bool:
        return bool(skip_hidden and hidden_rows and number in hidden_rows)

    # Each row's outcome (cells picked, spoilt cells, the kind's clean) comes from
    # ``parallel``: in this process for a small file, from worker processes for a large one,
    # always in file order.
    reader = RowReader(kind, positions, by=by)
    nonempty = ((number, cells) for number, cells in table.rows if any(cells))
    for number, cells, outcome in read_outcomes(reader, nonempty, skip=skipped):
        result.rows += 1
        if result.rows % CHUNK_ROWS == 0:
            report_progress(batch.pk, result.rows, "running")
        if hidden_rows and number in hidden_rows:
            # Never left out silently: counted, named, and skipped only when asked.
            result.sheets["hidden_rows"] += 1
            if len(hidden_at) < HIDDEN_ROWS_NAMED:
                hidden_at.append([table.sheet, number])
            if skip_hidden:
                result.skipped += 1
                continue
        assert outcome is not None  # noqa: S101 - only skipped rows have none
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
    # A chunk never spans two sheets: the report names the rows of one sheet at a time.
    flush()


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
        kept = {"row": number, "errors": shown, "text": join_errors(errors)}
        if report.sheet_name:
            kept["sheet"] = report.sheet_name
        result.errors.append(kept)


def _apply(
    kind: ImportKind,
    chunk: list[tuple[int, list[str], RowOutcome]],
    result: ImportResult,
    report: ErrorReport,
    seen: SeenKeys,
    *,
    dry_run: bool,
    by: Any,
) -> None:
    current = kind.current_records([outcome for _n, _c, outcome in chunk], by=by)
    creates: list[Model] = []
    updates: list[tuple[Model, dict[str, tuple[Any, Any]]]] = []
    for number, cells, outcome in chunk:
        record = current.get(outcome.key)
        errors = kind.check(outcome.data, record, by=by)
        for error in errors:
            error.column = report.header_of(error.column)
        # A row that is right in itself but names the same record as an earlier one (a row
        # that is right and new is remembered by the same call).
        first = (
            seen.first(outcome.key, report.sheet_name, number)
            if outcome.key and not errors
            else None
        )
        if first is not None:
            errors = [kind.duplicate_error(first[1])]
            if first[0] != report.sheet_name:
                errors[0].message += _("（第%(n)d行在工作表“%(s)s”）") % {
                    "n": first[1],
                    "s": first[0],
                }
            errors[0].column = report.header_of(errors[0].column)
        if errors:
            _reject(result, report, number, cells, errors)
            continue
        result.valid += 1
        prepared = kind.prepare(outcome.data, record, by=by)
        if prepared is None:
            result.unchanged += 1
        elif record is not None and not kind.as_new(record, by=by):
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
