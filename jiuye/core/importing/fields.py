"""Typed fields of a declared import kind: how a cell becomes a value, with one set of
messages, and how a value goes back into a cell for an export that imports back unchanged.

A field is a ``Column`` (header, synonyms, note, example, masking) that also knows its type.
``parse`` gets the cell's text (never empty: an empty cell is answered by ``empty``) and
returns the value or raises ``FieldError`` with a message for the person who typed it.
``values`` says which model attributes the value sets; ``export`` writes it back as text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiuye.core.importing.base import Column
from jiuye.core.importing.files import parse_bool, parse_date
from jiuye.core.masking import mask_id_number, mask_phone

LIST_SEPARATORS = re.compile(r"[、，,;；/\s]+")
_SPACES = re.compile(r"\s+")


class FieldError(Exception):
    """A cell that cannot be read as its field's type; the message says why and how to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fold(text: str) -> str:
    """Text compared the way people mean it: full-width folded, spaces removed."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def choice_table(choices: Any, synonyms: dict[str, str] | None = None) -> dict[str, str]:
    """Accepted cell text (folded) → stored value: the Chinese label whatever the language,
    the stored code, and the kind's short forms."""
    with translation.override(None):
        table = {fold(str(label)): value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    table.update({fold(k): v for k, v in (synonyms or {}).items()})
    return table


def choice_labels(choices: Any) -> dict[str, str]:
    """Stored value → the Chinese label, as a template and an export write it."""
    with translation.override(None):
        return {value: str(label) for value, label in choices.choices}


@dataclass(frozen=True)
class Field(Column):
    """A column with a type. ``attr`` is the model attribute it sets (the key by default;
    ``""`` for a column that only helps find a record); ``update=False`` keeps an existing
    record's value (set on creation only)."""

    attr: str | None = None
    update: bool = True
    # The value of an empty cell (None unless the type says otherwise, e.g. "" for text).
    blank: Any = None
    # The message for a cell the type cannot read, in place of the type's own (%(v)s: what
    # was typed), where the kind's users know another wording.
    invalid: Any = ""

    @property
    def target(self) -> str:
        return self.key if self.attr is None else self.attr

    def reset(self) -> None:
        """Forget what a previous run looked up (called at the start of every run)."""

    def empty(self) -> Any:
        if self.required:
            raise FieldError(_("请填写%(header)s。") % {"header": self.header})
        return self.blank

    def parse(self, text: str, *, by: Any) -> Any:
        return text

    def values(self, value: Any) -> dict[str, Any]:
        """Model attribute values for a parsed value."""
        return {self.target: value} if self.target else {}

    def export(self, obj: Model, *, reveal: bool) -> str:
        value = getattr(obj, self.target, None) if self.target else None
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Text(Field):
    blank: Any = ""
    max_length: int = 0
    # False keeps the spaces and line breaks inside the text (notes, descriptions); only the
    # ends are trimmed.
    collapse: bool = True

    def parse(self, text: str, *, by: Any) -> Any:
        value = " ".join(text.split()) if self.collapse else text.strip()
        if self.max_length and len(value) > self.max_length:
            raise FieldError(
                _("%(header)s最多%(n)d个字，现在有%(m)d个。")
                % {"header": self.header, "n": self.max_length, "m": len(value)}
            )
        return value

    def export(self, obj: Model, *, reveal: bool) -> str:
        value = super().export(obj, reveal=reveal)
        if not reveal and self.mask == "phone":
            return mask_phone(value)
        if not reveal and self.mask == "id":
            return mask_id_number(value)
        return value


@dataclass(frozen=True)
class Int(Field):
    minimum: int | None = 0
    maximum: int | None = None
    suffixes: tuple[str, ...] = ("人", "名", "个", "课时", "月", "天")

    def parse(self, text: str, *, by: Any) -> Any:
        value = text.strip()
        for suffix in self.suffixes:
            value = value.removesuffix(suffix)
        value = value.strip().removesuffix(".0")
        if not re.fullmatch(r"-?\d+", value):
            raise FieldError(_("“%(v)s”不是整数，请填写数字，如 30。") % {"v": text.strip()})
        number = int(value)
        if self.minimum is not None and number < self.minimum:
            raise FieldError(
                _("%(header)s不能小于%(n)d。") % {"header": self.header, "n": self.minimum}
            )
        if self.maximum is not None and number > self.maximum:
            raise FieldError(
                _("%(header)s不能大于%(n)d。") % {"header": self.header, "n": self.maximum}
            )
        return number


@dataclass(frozen=True)
class Money(Field):
    """An amount of money in yuan (or any decimal with ``places`` digits after the point)."""

    places: int = 2
    minimum: Decimal | None = Decimal(0)
    maximum: Decimal | None = None

    def parse(self, text: str, *, by: Any) -> Any:
        value = text.strip().removesuffix("元").replace(",", "").replace("，", "").strip()
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise FieldError(_("“%(v)s”不是金额数字，如 3000。") % {"v": text.strip()}) from None
        step = Decimal(1).scaleb(-self.places)
        if not amount.is_finite() or amount != amount.quantize(step):
            raise FieldError(
                _("金额“%(v)s”不对：最多%(n)d位小数，请核对。")
                % {"v": text.strip(), "n": self.places}
            )
        if self.minimum is not None and amount < self.minimum:
            raise FieldError(_("%(header)s不能是负数。") % {"header": self.header})
        if self.maximum is not None and amount > self.maximum:
            raise FieldError(
                _("%(header)s不能大于%(n)s。") % {"header": self.header, "n": self.maximum}
            )
        return amount

    def export(self, obj: Model, *, reveal: bool) -> str:
        value = getattr(obj, self.target, None)
        return "" if value is None else f"{value:f}"


@dataclass(frozen=True)
class Date(Field):
    not_future: bool = False

    def parse(self, text: str, *, by: Any) -> Any:
        try:
            value = parse_date(text)
        except ValueError:
            raise FieldError(
                _("%(header)s“%(v)s”看不懂，请写成 2025-03-01。")
                % {"header": self.header, "v": text.strip()}
            ) from None
        if self.not_future and value > timezone.localdate():
            raise FieldError(
                _("%(header)s“%(v)s”晚于今天。") % {"header": self.header, "v": text.strip()}
            )
        return value

    def export(self, obj: Model, *, reveal: bool) -> str:
        value = getattr(obj, self.target, None)
        return value.isoformat() if value else ""


@dataclass(frozen=True)
class Bool(Field):
    blank: Any = False

    def parse(self, text: str, *, by: Any) -> Any:
        try:
            return parse_bool(text)
        except ValueError:
            raise FieldError(
                _("%(header)s应填“是”或“否”，当前为“%(v)s”。")
                % {"header": self.header, "v": text.strip()}
            ) from None

    def export(self, obj: Model, *, reveal: bool) -> str:
        value = getattr(obj, self.target, None)
        return "" if value is None else ("是" if value else "否")


@dataclass(frozen=True)
class Choice(Field):
    """One value of a ``TextChoices``: its Chinese label, its code or a listed short form.
    ``exclude`` leaves out values an import may not set (e.g. a status only a form sets)."""

    choices: Any = None
    # Short forms people write for a value (the header's own synonyms are ``synonyms``).
    aliases: dict[str, str] = field(default_factory=dict, hash=False)
    exclude: tuple[str, ...] = ()
    blank: Any = ""

    def table(self) -> dict[str, str]:
        table = choice_table(self.choices, self.extra_synonyms())
        excluded = set(self.exclude)
        return {text: value for text, value in table.items() if value not in excluded}

    def extra_synonyms(self) -> dict[str, str]:
        return self.aliases

    def parse(self, text: str, *, by: Any) -> Any:
        value = self.table().get(fold(text))
        if value is None:
            raise FieldError(self.unknown(text))
        return value

    def unknown(self, text: str) -> str:
        if self.note:
            return _("“%(v)s”不是可选的值。%(note)s") % {"v": text.strip(), "note": self.note}
        with translation.override(None):
            names = "、".join(
                str(label) for value, label in self.choices.choices if value not in self.exclude
            )
        return _("“%(v)s”不是可选的值，请填：%(names)s。") % {"v": text.strip(), "names": names}

    def export(self, obj: Model, *, reveal: bool) -> str:
        return choice_labels(self.choices).get(getattr(obj, self.target, "") or "", "")


@dataclass(frozen=True)
class MultiChoice(Choice):
    """Several values of a ``TextChoices`` in one cell, separated by 、 , ; or spaces; stored
    as a list (a JSON list field)."""

    blank: Any = None

    def empty(self) -> Any:
        if self.required:
            return super().empty()
        return []

    def parse(self, text: str, *, by: Any) -> Any:
        table, found = self.table(), []
        for part in LIST_SEPARATORS.split(text.strip()):
            if not part:
                continue
            value = table.get(fold(part))
            if value is None:
                raise FieldError(self.unknown(part))
            if value not in found:
                found.append(value)
        return found

    def export(self, obj: Model, *, reveal: bool) -> str:
        labels = choice_labels(self.choices)
        return "、".join(labels.get(v, v) for v in getattr(obj, self.target, None) or [])


@dataclass(frozen=True)
class Lookup(Field):
    """A record found by one of its columns (``by``: a name, a code) in ``queryset``; the
    value is the record and sets the foreign key ``attr``. An unknown or ambiguous text is
    a row error naming what was typed. The table is read once per run."""

    queryset: Any = None
    by: tuple[str, ...] = ("name",)
    # More names a record answers to (a category's name without 残疾, say).
    also: Any = None
    missing: str = ""
    _cache: dict[str, list[Model]] = field(default_factory=dict, hash=False, compare=False)

    def reset(self) -> None:
        self._cache.clear()

    def records(self) -> QuerySet[Any]:
        return self.queryset() if callable(self.queryset) else self.queryset.all()

    def _table(self) -> dict[str, list[Model]]:
        if not self._cache:
            self._cache["\0"] = []  # marks the table as read even when it is empty
            for record in self.records():
                names = [getattr(record, name, "") for name in self.by]
                names += list(self.also(record)) if self.also else []
                for value in names:
                    if value not in (None, ""):
                        found = self._cache.setdefault(fold(str(value)), [])
                        if record not in found:
                            found.append(record)
        return self._cache

    def parse(self, text: str, *, by: Any) -> Any:
        found = self._table().get(fold(text), [])
        if not found:
            raise FieldError(
                self.missing % {"v": text.strip()}
                if self.missing
                else _("没有找到“%(v)s”，请核对%(header)s。")
                % {"v": text.strip(), "header": self.header}
            )
        if len(found) > 1:
            raise FieldError(
                _("%(header)s“%(v)s”对应两条以上的记录，请改填代码或先合并。")
                % {"header": self.header, "v": text.strip()}
            )
        return found[0]

    def values(self, value: Any) -> dict[str, Any]:
        if not self.target:
            return {}
        return {f"{self.target}_id": None if value is None else value.pk}

    def export(self, obj: Model, *, reveal: bool) -> str:
        related = getattr(obj, self.target, None) if self.target else None
        return "" if related is None else str(getattr(related, self.by[0], ""))


@dataclass(frozen=True)
class ManyLookup(Lookup):
    """Several records of a many-to-many relation in one cell (separated by 、 , ; or
    spaces); the value is a sorted list of their keys, written as the relation's rows."""

    def empty(self) -> Any:
        if self.required:
            return super().empty()
        return []

    def parse(self, text: str, *, by: Any) -> Any:
        keys: list[Any] = []
        for part in LIST_SEPARATORS.split(text.strip()):
            if part:
                record = super().parse(part, by=by)
                if record.pk not in keys:
                    keys.append(record.pk)
        return sorted(keys)

    def values(self, value: Any) -> dict[str, Any]:
        return {}

    def export(self, obj: Model, *, reveal: bool) -> str:
        with translation.override(None):
            return "、".join(
                str(getattr(r, self.by[0], "")) for r in getattr(obj, self.target).all()
            )
