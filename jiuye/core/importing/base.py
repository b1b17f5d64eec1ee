"""Kinds, columns and row outcomes: what every import kind declares and returns."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.models import ImportBatch


class ImportFileError(Exception):
    """The file as a whole can't be read (wrong type, encoding, missing columns)."""


class ImportCancelled(Exception):
    """The user cancelled the import while it ran."""


class RollbackError(Exception):
    """A committed batch cannot be undone (later edits, records that depend on it)."""


# --- columns and kinds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    # How a value is shown in an error report: "id", "phone" or "" (as typed).
    mask: str = ""
    note: str = ""
    example: str = ""

    def names(self) -> list[str]:
        return [self.header, *self.synonyms]

    @property
    def text_only(self) -> bool:
        """An ID or certificate number (18–22 characters): Excel keeps 15 significant digits
        of a number, so a numeric cell in such a column is refused, never read (its last
        digits may have been changed)."""
        return self.mask == "id"


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
    # The model of the record a batch of this kind imports into (a declaration for its staff
    # list): a batch names one such record, and the kind sees it as ``self.parent`` while the
    # batch runs or is rolled back. None: batches have no parent.
    parent_model: type[Model] | None = None
    parent: Any = None
    parent_needed: Any = gettext_lazy("这类数据属于某一条记录，请在那条记录的页面上传。")
    # The message of a row that names the same record as an earlier row (None: the
    # framework's), with %(first)d and %(what)s; ``duplicate_column``: the column it is about.
    duplicate: Any = None
    duplicate_column: str = ""
    # Optional columns that take part in finding an existing record (a file without them can
    # only add new ones); every other optional column a file leaves out leaves its field alone.
    match_columns: tuple[str, ...] = ()
    # Said beside the counts of a batch (how a kind counts what is not a plain create).
    counts_note: Any = ""

    # Whether a large file's rows may be read in worker processes (core/importing/parallel.py):
    # only for a kind whose ``clean`` needs no database once ``before_fork`` has run.
    parallel: bool = False

    def begin(self) -> None:
        """Called at the start of every run (reset caches of reference data)."""

    def before_fork(self) -> None:
        """Load what ``clean`` reads from the database, before worker processes start (they
        must not use the importing process's connection)."""

    def seal(self, data: dict[str, Any]) -> None:
        """In a worker: compute what the write would otherwise compute row by row in the
        importing process (the persons kind encrypts its encrypted fields here)."""

    def open_parent(self, parent: Any, *, by: Any) -> Any:
        """The parent as the run uses it: check (and lock) it, or raise ImportFileError when
        it cannot take rows now. Called before ``begin``."""
        return parent

    def duplicate_error(self, first: int) -> CellError:
        message = self.duplicate or _(
            "与第%(first)d行重复（%(what)s相同）。同一条记录在文件中只能出现一次。"
        )
        return CellError(self.duplicate_column, message % {"first": first, "what": self.key_label})

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        raise NotImplementedError

    def check(self, data: dict[str, Any], current: Model | None, *, by: Any) -> list[CellError]:
        """Row errors that need the record as it is now (None for a new one)."""
        return []

    def existing(self, keys: list[str]) -> dict[str, Model]:
        """Records already in the database, by natural key."""
        raise NotImplementedError

    def current_records(self, outcomes: list[RowOutcome], *, by: Any) -> dict[str, Any]:
        """The records a chunk's rows name, by natural key: ``existing`` of their keys. A kind
        may answer with less than the record for a row it can tell changes nothing (``check``
        and ``prepare`` then get that stand-in)."""
        return self.existing(list({outcome.key for outcome in outcomes}))

    def as_new(self, current: Model, *, by: Any) -> bool:
        """Whether a row that found ``current`` is answered and counted as a new record: a
        record the user may not see must not show through the counts (the persons kind turns
        such a row into a transfer request, ADR 0011)."""
        return False

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
