"""The one import framework: every spreadsheet that enters the product goes through here.

A kind (persons, employers, …) declares its columns with Chinese headers and synonyms, how to
clean a row, its natural key, and how to find and write records. The framework reads the file
(.xlsx/.xls with calamine, .csv in UTF-8, UTF-8 with BOM or GBK/GB18030, streamed), maps the
headers, validates every row, reports every bad row, and commits atomically:

- a dry run writes nothing and reports created / updated / unchanged / invalid;
- a commit writes all rows or none, unless the user asked to import only the valid rows;
- re-importing the same content changes nothing (rows are matched by natural key);
- afterwards rows = valid + invalid and valid = created + updated + unchanged, or the batch
  fails loudly; each written record remembers its batch, and a batch can be rolled back.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import operator
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.files import File
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from openpyxl import Workbook

from jiuye.core.bulk import bulk_writes
from jiuye.core.downloads import formula_safe
from jiuye.core.masking import mask_id_number, mask_phone
from jiuye.core.models import ImportBatch

CHUNK_ROWS = 2000
ERRORS_KEPT_ON_BATCH = 200
_SNIFF_BYTES = 64 * 1024
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class ImportFileError(Exception):
    """The file as a whole can't be read (wrong type, encoding, missing columns)."""


class ImportCancelled(Exception):
    """The user cancelled the import while it ran."""


class _Abort(Exception):
    """Internal: roll the transaction back after counting every row."""


# --- columns and kinds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"  # text | date | int | bool | choice
    # How a value is shown in an error report: "id", "phone" or "" (as typed).
    mask: str = ""
    note: str = ""
    example: str = ""

    def names(self) -> list[str]:
        return [self.header, *self.synonyms]


@dataclass
class CellError:
    column: str  # the header as the user wrote it ("" for a row-level problem)
    message: str


def join_errors(errors: list[CellError]) -> str:
    """One readable sentence per problem: "身份证号：……。 残疾类别：……。"."""
    parts = []
    for error in errors:
        text = f"{error.column}：{error.message}" if error.column else error.message
        parts.append(text if text.endswith(("。", "！", "？")) else text + "。")
    return " ".join(parts)


@dataclass
class RowOutcome:
    """What a kind made of one row: cleaned data and a natural key, or errors."""

    data: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    errors: list[CellError] = field(default_factory=list)


class ImportKind:
    """Subclass per kind of record; register with ``register_kind``."""

    name: str = ""
    label: str = ""
    model: type[Model]
    columns: tuple[Column, ...] = ()
    key_label: str = ""  # how the natural key is named in duplicate messages
    # False for a kind that only exports (quota results) or imports into one parent record
    # from that record's own page (a declaration's staff list): not offered on the upload page.
    importable: bool = True

    def begin(self) -> None:
        """Called at the start of every run (reset caches of reference data)."""

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        raise NotImplementedError

    def existing(self, keys: list[str]) -> dict[str, Model]:
        """Records already in the database, by natural key."""
        raise NotImplementedError

    def prepare(
        self, data: dict[str, Any], current: Model | None, *, by: Any
    ) -> tuple[Model, dict[str, tuple[Any, Any]]] | None:
        """The object to write and its changes {field: (before, after)}; None if unchanged."""
        raise NotImplementedError

    def write(
        self,
        *,
        creates: list[Model],
        updates: list[tuple[Model, dict[str, tuple[Any, Any]]]],
        batch: ImportBatch,
        by: Any,
    ) -> None:
        raise NotImplementedError

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        raise NotImplementedError

    def template_rows(self) -> list[list[str]]:
        return [[c.example for c in self.columns]]

    def export_queryset(self, filters: dict[str, str]) -> Any:
        """Records to export, narrowed by ``column key=value`` filters (unscoped: callers scope)."""
        raise NotImplementedError

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        """One record in the template's columns, so an export imports back unchanged."""
        raise NotImplementedError


_KINDS: dict[str, ImportKind] = {}


def apply_row(current: Model, data: dict[str, Any], fields: Any) -> dict[str, tuple[Any, Any]]:
    """Set on ``current`` the values of ``data`` that differ, for the ``fields`` a row may
    change; a column the file does not have (a key missing from ``data``) leaves its field as
    it is. Returns ``{field: (before, after)}`` — empty when the row changes nothing."""
    changes = {}
    for key in fields:
        if key not in data:
            continue
        before, after = getattr(current, key), data[key]
        if before != after:
            changes[key] = (before, after)
            setattr(current, key, after)
    return changes


def journal_value(value: Any) -> Any:
    """A field value as the rollback journal keeps it (JSON: dates, decimals and ids as text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def versioned_journal(
    *,
    batch: ImportBatch,
    model_label: str,
    creates: list[Model],
    updates: list[tuple[Model, dict[str, tuple[Any, Any]]]],
) -> list[Any]:
    """The rollback journal of a committed chunk of rows that carry a ``version``: each
    created row, and for each updated row its values before and the version it will have.
    Marks the updated rows too (their batch, and ``version + 1``, so an edit form opened
    before the import sees a conflict); the caller saves them and the journal."""
    from jiuye.core.models import ImportRecord

    journal = [
        ImportRecord(
            batch=batch,
            model=model_label,
            object_id=str(row.pk),
            action=ImportRecord.Action.CREATED,
            before={"_version": 1},
        )
        for row in creates
    ]
    for row, diff in updates:
        journal.append(
            ImportRecord(
                batch=batch,
                model=model_label,
                object_id=str(row.pk),
                action=ImportRecord.Action.UPDATED,
                before={
                    **{k: journal_value(before) for k, (before, _after) in diff.items()},
                    "import_batch_id": journal_value(row.import_batch_id),
                    "_version": row.version + 1,
                },
            )
        )
        row.import_batch = batch
        row.version += 1
    return journal


def register_kind(kind: ImportKind) -> ImportKind:
    _KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> ImportKind:
    _discover()
    try:
        return _KINDS[name]
    except KeyError:
        raise ImportFileError(
            _("没有“%(name)s”这种导入类型。可用的有：%(names)s")
            % {"name": name, "names": "、".join(sorted(_KINDS))}
        ) from None


def kinds(*, importable_only: bool = False) -> list[ImportKind]:
    _discover()
    found = [_KINDS[name] for name in sorted(_KINDS)]
    return [k for k in found if k.importable] if importable_only else found


def _discover() -> None:
    # Kinds live in each app's ``importing`` module; core's ready() imports them all
    # (autodiscover_modules), so nothing here names an app.
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("importing")


# --- reading files --------------------------------------------------------------------------


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = re.sub(r"[\s*＊]", "", text)
    return re.sub(r"[（(](必填|选填)[）)]$", "", text)


def cell_text(value: Any) -> str:
    """A cell as the text the user sees: 12.0 → "12", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    file_type: str


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # A cut in the middle of a multi-byte character at the end of the sample is not an error.
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别文件的文字编码。请另存为 UTF-8 编码的 CSV 或 Excel 文件。"))


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head[:4096]:
        return True
    controls = sum(1 for b in head[:4096] if b < 9 or 13 < b < 32)
    return controls > 10


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    with open(path, encoding=encoding, newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for number, row in enumerate(reader, start=1):
                yield number, [cell.strip() for cell in row]
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _(
                    "文件第%(row)d行附近有无法识别的字符（编码不一致）。"
                    "请另存为 UTF-8 编码后再导入。"
                )
                % {"row": reader.line_num + 1}
            ) from exc
        except csv.Error as exc:
            raise ImportFileError(
                _("第%(row)d行的格式有误：%(err)s") % {"row": reader.line_num, "err": exc}
            ) from exc


def _excel_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # noqa: BLE001 - calamine raises many kinds for a broken file
        raise ImportFileError(
            _("这个 Excel 文件已损坏或不完整，无法读取。请在 Excel 中打开确认后重新保存再导入。")
        ) from exc
    for number, row in enumerate(rows, start=1):
        yield number, [cell_text(value) for value in row]


def open_table(path: Path, original_name: str = "") -> Table:
    """Open a spreadsheet; the first non-empty row is the header."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise ImportFileError(_("无法读取上传的文件。")) from exc
    if not head.strip():
        raise ImportFileError(_("文件是空的。"))
    if head.startswith(b"PK\x03\x04"):
        rows, file_type = _excel_rows(path), "xlsx"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        rows, file_type = _excel_rows(path), "xls"
    else:
        if _looks_binary(head):
            raise ImportFileError(_("这不是表格文件。请上传 Excel（.xlsx、.xls）或 CSV 文件。"))
        rows, file_type = _csv_rows(path, _detect_encoding(head)), "csv"
    for _number, cells in rows:
        if any(cells):
            return Table(headers=cells, rows=rows, file_type=file_type)
    raise ImportFileError(_("文件中没有任何内容。"))


def map_headers(kind: ImportKind, headers: list[str]) -> dict[str, int]:
    """Column key → position. Unknown columns are ignored; missing required ones are an error."""
    by_name: dict[str, Column] = {}
    for column in kind.columns:
        for name in column.names():
            by_name[normalise_header(name)] = column
    positions: dict[str, int] = {}
    repeated: list[str] = []
    for index, header in enumerate(headers):
        column = by_name.get(normalise_header(header))
        if column is None:
            continue
        if column.key in positions:
            repeated.append(header)
            continue
        positions[column.key] = index
    if repeated:
        raise ImportFileError(
            _("表头中这些列重复了：%(cols)s。每一列只能出现一次。") % {"cols": "、".join(repeated)}
        )
    missing = [c.header for c in kind.columns if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("第1行（表头）缺少必填列：%(cols)s。请下载导入模板对照列名。")
            % {"cols": "、".join(missing)}
        )
    return positions


# --- values ---------------------------------------------------------------------------------

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(text: str) -> dt.date:
    """A date typed in any of the ways staff type them, or an Excel serial number."""
    text = text.strip().split(" ")[0]
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = int(float(text))
        if 1 <= serial < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=serial)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    raise ValueError(text)


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"是", "有", "y", "yes", "true", "1", "√", "✓"}:
        return True
    if value in {"否", "无", "没有", "n", "no", "false", "0", ""}:
        return False
    raise ValueError(text)


def masked(column: Column | None, value: str) -> str:
    if column is None or not value:
        return value
    if column.mask == "id":
        return mask_id_number(value)
    if column.mask == "phone":
        return mask_phone(value)
    return value


# --- progress and cancelling ----------------------------------------------------------------


def _progress_cache() -> Any:
    return caches["progress"]


def progress_of(batch_id: Any) -> dict[str, Any]:
    return _progress_cache().get(f"import:{batch_id}:progress") or {}


def request_cancel(batch_id: Any) -> None:
    _progress_cache().set(f"import:{batch_id}:cancel", True, 24 * 3600)


def _cancelled(batch_id: Any) -> bool:
    return bool(_progress_cache().get(f"import:{batch_id}:cancel"))


def _report_progress(batch_id: Any, rows: int, phase: str) -> None:
    _progress_cache().set(f"import:{batch_id}:progress", {"rows": rows, "phase": phase}, 24 * 3600)


# --- the run --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    batch: ImportBatch
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""

    @property
    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, invalid {self.invalid}"
        )

    @property
    def ok(self) -> bool:
        return self.batch.status in (ImportBatch.Status.SUCCEEDED, ImportBatch.Status.VALIDATED)


class _ErrorReport:
    """Bad rows with their original columns plus an error column, streamed into an .xlsx."""

    def __init__(self, kind: ImportKind, headers: list[str], positions: dict[str, int]) -> None:
        # Made on the first bad row: an unsaved write-only workbook complains when collected.
        self.book: Any = None
        self.sheet: Any = None
        self.headers = headers
        by_position = {pos: key for key, pos in positions.items()}
        columns = {c.key: c for c in kind.columns}
        self.columns = [columns.get(by_position.get(i, "")) for i in range(len(headers))]
        self.count = 0

    def add(self, number: int, cells: list[str], errors: list[CellError]) -> None:
        if self.book is None:
            self.book = Workbook(write_only=True)
            self.sheet = self.book.create_sheet(_("错误行"))
            self.sheet.append([_("行号"), *self.headers, _("错误说明")])
        shown = [
            masked(self.columns[i] if i < len(self.columns) else None, value)
            for i, value in enumerate(cells[: len(self.headers)])
        ]
        message = join_errors(errors)
        self.sheet.append([number, *[formula_safe(v) for v in shown], message])
        self.count += 1

    def save(self, batch: ImportBatch) -> None:
        if not self.count:
            return
        with tempfile.TemporaryFile() as handle:
            self.book.save(handle)
            handle.seek(0)
            batch.error_report.save("errors.xlsx", File(handle), save=False)


def run_import(
    *,
    kind: str,
    path: Path,
    original_name: str = "",
    dry_run: bool,
    valid_only: bool = False,
    by: Any = None,
    batch: ImportBatch | None = None,
    fail_after_rows: int | None = None,
) -> ImportResult:
    """Validate (and unless ``dry_run``, write) a file of one kind. Never raises for bad data:
    the result and its batch say what happened. ``fail_after_rows`` is for tests that prove a
    crash mid-import leaves the database as it was."""
    import_kind = get_kind(kind)
    if batch is None:
        batch = ImportBatch.objects.create(
            kind=kind,
            original_name=(original_name or path.name)[:200],
            dry_run=dry_run,
            valid_only=valid_only,
            created_by=by if getattr(by, "pk", None) else None,
        )
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
    status = ImportBatch.Status.VALIDATED if dry_run else ImportBatch.Status.SUCCEEDED
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
    _report_progress(batch.pk, result.rows, "done")


def _run(
    kind: ImportKind,
    path: Path,
    result: ImportResult,
    *,
    dry_run: bool,
    valid_only: bool,
    by: Any,
    fail_after_rows: int | None,
) -> None:
    batch = result.batch
    kind.begin()
    table = open_table(path, batch.original_name)
    positions = map_headers(kind, table.headers)
    headers_by_key = {key: table.headers[pos] for key, pos in positions.items()}
    report = _ErrorReport(kind, table.headers, positions)
    seen: dict[str, int] = {}
    chunk: list[tuple[int, RowOutcome]] = []
    # A full row's values are picked in one call; a short row (trailing cells left out) is
    # padded with empty strings.
    keys = list(positions)
    getter = operator.itemgetter(*positions.values()) if len(keys) > 1 else None
    width = max(positions.values(), default=-1) + 1

    def flush() -> None:
        if chunk:
            _apply(kind, chunk, result, dry_run=dry_run, by=by)
            chunk.clear()
        _report_progress(batch.pk, result.rows, "running")
        if _cancelled(batch.pk):
            raise ImportCancelled

    for number, cells in table.rows:
        if not any(cells):
            continue
        result.rows += 1
        full = cells if len(cells) >= width else cells + [""] * (width - len(cells))
        if getter is not None:
            values = dict(zip(keys, getter(full), strict=True))
        else:
            values = {key: full[pos] for key, pos in positions.items()}
        outcome = kind.clean(values, row_number=number, by=by)
        for error in outcome.errors:
            if error.column in headers_by_key:  # a column key: show the header the user wrote
                error.column = headers_by_key[error.column]
        if not outcome.errors and outcome.key:
            first = seen.get(outcome.key)
            if first is not None:
                outcome.errors.append(
                    CellError(
                        "",
                        _("与第%(first)d行重复（%(what)s相同）。同一人只能出现一次。")
                        % {"first": first, "what": kind.key_label},
                    )
                )
            else:
                seen[outcome.key] = number
        if outcome.errors:
            result.invalid += 1
            report.add(number, cells, outcome.errors)
            if len(result.errors) < ERRORS_KEPT_ON_BATCH:
                result.errors.append(
                    {
                        "row": number,
                        "errors": [
                            {"column": e.column, "message": e.message} for e in outcome.errors
                        ],
                    }
                )
            continue
        result.valid += 1
        chunk.append((number, outcome))
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


def _apply(
    kind: ImportKind,
    chunk: list[tuple[int, RowOutcome]],
    result: ImportResult,
    *,
    dry_run: bool,
    by: Any,
) -> None:
    current = kind.existing([outcome.key for _n, outcome in chunk])
    creates: list[Model] = []
    updates: list[tuple[Model, dict[str, tuple[Any, Any]]]] = []
    for _number, outcome in chunk:
        prepared = kind.prepare(outcome.data, current.get(outcome.key), by=by)
        if prepared is None:
            result.unchanged += 1
        elif outcome.key in current:
            updates.append(prepared)
            result.updated += 1
        else:
            creates.append(prepared[0])
            result.created += 1
    if not dry_run and (creates or updates):
        kind.write(creates=creates, updates=updates, batch=result.batch, by=by)


# --- rollback, templates, exports -----------------------------------------------------------


class RollbackError(Exception):
    pass


@transaction.atomic
def batch_rollback(*, batch: ImportBatch, by: Any) -> None:
    """Undo a committed batch: remove what it created, put back what it changed."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.SUCCEEDED or batch.dry_run:
        raise RollbackError(_("只有已成功导入的批次可以撤销。"))
    get_kind(batch.kind).rollback(batch, by=by)
    batch.status = ImportBatch.Status.ROLLED_BACK
    batch.message = _("已由%(user)s撤销。") % {"user": by}
    batch.updated_by = by if getattr(by, "pk", None) else None
    batch.save(update_fields=["status", "message", "updated_by", "updated_at"])


def template_xlsx(kind: ImportKind) -> bytes:
    """The kind's template: the header row, one example row, and a notes sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = kind.label[:30] or kind.name
    sheet.append([c.header + ("*" if c.required else "") for c in kind.columns])
    for row in kind.template_rows():
        sheet.append(row)
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            12, len(column.header) * 2 + 4
        )
    notes = book.create_sheet(_("填写说明"))
    notes.append([_("列名"), _("是否必填"), _("也可以写作"), _("说明")])
    for column in kind.columns:
        notes.append(
            [
                column.header,
                _("必填") if column.required else _("选填"),
                "、".join(column.synonyms),
                column.note,
            ]
        )
    notes.append([])
    notes.append([_("带 * 的列必须填写。第一行是表头，不要改动列名；示例行导入前请删除。")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_rows(kind: ImportKind, queryset: Any, *, reveal: bool) -> Iterator[list[str]]:
    yield [c.header for c in kind.columns]
    for obj in queryset.iterator(chunk_size=2000):
        yield kind.export_row(obj, reveal=reveal)


def write_export(kind: ImportKind, queryset: Any, path: Path, *, reveal: bool) -> int:
    """Write .xlsx or .csv (by extension), streaming. Returns the number of records."""
    count = -1
    if path.suffix.lower() == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            for row in export_rows(kind, queryset, reveal=reveal):
                writer.writerow([formula_safe(v) for v in row])
                count += 1
        return count
    if path.suffix.lower() != ".xlsx":
        raise ImportFileError(_("只能导出为 .xlsx 或 .csv 文件。"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind.label[:30] or kind.name)
    for row in export_rows(kind, queryset, reveal=reveal):
        sheet.append([formula_safe(v) for v in row])
        count += 1
    book.save(path)
    return count


@task()
def import_batch_task(batch_id: str) -> str:
    """Run a queued batch (by the task worker; immediately in tests)."""
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
) -> ImportBatch:
    """Store the file, queue the batch and return it (the page then follows its progress)."""
    get_kind(kind)
    batch = ImportBatch(
        kind=kind,
        original_name=(getattr(upload, "name", "") or "upload")[:200],
        dry_run=dry_run,
        valid_only=valid_only,
        checked_by=checked_by,
        created_by=by,
        updated_by=by,
    )
    batch.source.save(batch.original_name, upload, save=False)
    batch.save()
    _report_progress(batch.pk, 0, "queued")
    import_batch_task.enqueue(batch_id=str(batch.pk))
    batch.refresh_from_db()
    return batch


def batch_confirm(*, checked: ImportBatch, by: Any, valid_only: bool) -> ImportBatch:
    """Commit the file of a dry run that the user has looked at."""
    if checked.status != ImportBatch.Status.VALIDATED or not checked.dry_run:
        raise ImportFileError(_("只能确认已检查完成的文件。"))
    if checked.invalid_rows and not valid_only:
        raise ImportFileError(_("文件中有错误行：请修改后重新上传，或选择“只导入正确的行”。"))
    with checked.source.open("rb") as source:
        upload = File(io.BytesIO(source.read()), name=checked.original_name)
    return batch_start(
        kind=checked.kind,
        upload=upload,
        by=by,
        dry_run=False,
        valid_only=valid_only,
        checked_by=checked,
    )
