"""Optimistic locking, the same for every record a form edits.

A form carries the ``version`` it was opened at; the service locks the row, compares
(``locked``) and saves with the version bumped (``bump``). A save by someone else in between is a
``ConflictError``: never a silent overwrite. The form shows it with ``show_conflict`` (an error at
the top with a link that reloads the latest content); an API answers 409.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiuye.core.scoping import check_keeper

M = TypeVar("M", bound=Model)


class ConflictError(Exception):
    """Someone else saved the record after this user opened it. Not a ValidationError: the
    input is fine, the record moved on (an API answers 409 Conflict, not 400)."""

    default_message = _("这条记录刚刚被其他人修改过，您的修改没有保存。")

    def __init__(self, message: Any = None) -> None:
        # Lazy: translated when shown, in the language of the request that shows it.
        self.message = message or self.default_message
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


def actor(by: Any) -> Any:
    """The user to record as ``created_by``/``updated_by``: None for a system caller (an import
    run from a command, a test passing no user)."""
    return by if getattr(by, "pk", None) else None


def locked(queryset: QuerySet[M], *, pk: Any, version: int | None) -> M:
    """The row, locked for the rest of the transaction, when it still has the ``version`` the
    form was opened at (None skips the check); a later save is a ConflictError. Only the row
    itself is locked (PostgreSQL can't lock the nullable side of a join)."""
    current = queryset.select_for_update(of=("self",)).get(pk=pk)
    check_version(current, version)
    return current


def locked_pending(queryset: QuerySet[M], *, pk: Any, what: Any = None) -> M:
    """A request that waits for a decision (its ``is_pending``), locked for the rest of the
    transaction; one already decided is refused, naming its status, so two officers deciding
    at once decide it once."""
    current = queryset.select_for_update(of=("self",)).get(pk=pk)
    if not current.is_pending:
        raise ValidationError(
            gettext("%(what)s已经处理过（%(status)s）。")
            % {"what": what or gettext("这份申请"), "status": current.get_status_display()},
            code="decided",
        )
    return current


def check_version(current: Model | None, version: int | None) -> None:
    """A ConflictError unless the locked row (None: there is none yet, version 0) still has the
    ``version`` the form was opened at; None skips the check (a system caller)."""
    seen = current.version if current is not None else 0
    if version is not None and seen != version:
        raise ConflictError


def bump(obj: M, *, by: Any, changed: Iterable[str] = ()) -> M:
    """Save the ``changed`` fields with the version one up and who changed it; returns the
    row as saved (the new version read back)."""
    obj.updated_by = actor(by)
    obj.version = F("version") + 1
    obj.save(update_fields=sorted({*changed, "version", "updated_by", "updated_at"}))
    obj.refresh_from_db()
    return obj


def assign(obj: Model, fields: dict[str, Any]) -> set[str]:
    """Set the ``fields`` whose value differs from the row's; returns their names (what
    ``bump`` saves: an unchanged row is not saved and keeps its version)."""
    changed = {name for name, value in fields.items() if getattr(obj, name) != value}
    for name in changed:
        setattr(obj, name, fields[name])
    return changed


def refuse(errors: dict[str, Any]) -> None:
    """A ValidationError naming each bad field, when a check found any."""
    if errors:
        raise ValidationError(errors)


def created(model: type[M], fields: dict[str, Any], *, by: Any, exclude: Iterable[str] = ()) -> M:
    """A new row of ``model`` with ``fields``, created and last changed by ``by``, validated
    (the ``exclude``d fields were checked by the service) and saved."""
    who = actor(by)
    obj = model(**fields, created_by=who, updated_by=who)
    obj.full_clean(exclude=list(exclude))
    obj.save()
    return obj


def editable(queryset: QuerySet[M], *, pk: Any, version: int | None, archived: Any) -> M:
    """The row to change, locked at the ``version`` the form was opened at (see ``locked``);
    an archived row is refused with the message ``archived``."""
    current = locked(queryset, pk=pk, version=version)
    if current.is_archived:
        raise ValidationError(str(archived), code="archived")
    return current


def saved(current: M, fields: dict[str, Any], *, by: Any, exclude: Iterable[str] = ()) -> M:
    """The locked row with the ``fields`` that differ set, validated, and saved with the
    version one up (an unchanged row is not saved and keeps its version)."""
    changed = assign(current, fields)
    current.full_clean(exclude=list(exclude))
    return bump(current, by=by, changed=changed) if changed else current


def bump_archived(obj: M, *, by: Any, reason: str) -> M:
    """Archive the locked row with the reason (an archived record is kept, never deleted)."""
    obj.archived_at = timezone.now()
    obj.archived_by = actor(by)
    obj.archived_reason = reason
    return bump(obj, by=by, changed={"archived_at", "archived_by", "archived_reason"})


def known_fields(fields: Iterable[str], allowed: Iterable[str], what: str) -> None:
    """A service takes only the fields it knows: anything else is a programming error."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {sorted(unknown)}")


def stripped(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields with the white space around text values taken off."""
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@dataclass(frozen=True)
class Archiving:
    """How one kind of record is archived with a reason: what to say when the reason is
    missing (``required``), when the record is archived already (``already``) and when an
    archived record is to be changed (``refused``)."""

    required: Any
    already: Any
    refused: Any = ""  # the record is archived: it is not changed any more

    def editable(self, queryset: QuerySet[M], pk: Any, *, version: int | None) -> M:
        """The row to change, locked at ``version`` (see ``editable``); an archived row is
        refused with ``refused``."""
        return editable(queryset, pk=pk, version=version, archived=self.refused)

    def archive(
        self,
        queryset: QuerySet[M],
        pk: Any,
        *,
        by: Any,
        reason: str,
        check: Callable[[M], None] | None = None,
    ) -> M:
        """Archive the row ``pk`` of ``queryset``, locked; ``check(row)`` first refuses a user
        who may not."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": [str(self.required)]})
        current = locked(queryset, pk=pk, version=None)
        if check is not None:
            check(current)
        if current.is_archived:
            raise ValidationError(str(self.already), code="archived")
        return bump_archived(current, by=by, reason=reason)


def show_conflict(form: forms.BaseForm, error: ConflictError, reload_url: str) -> None:
    """The conflict at the top of the form (the error summary lists it), with a link that
    reloads the edit page with the latest content. What the user typed stays in the form."""
    form.add_error(
        None,
        format_html(
            '{}{}<a href="{}">{}</a>{}',
            str(error),
            gettext("您填写的内容仍保留在下面，请先记下，再"),
            reload_url,
            gettext("重新载入最新内容"),
            gettext("。"),
        ),
    )


@dataclass(frozen=True)
class Kept:
    """The create, update and archive services of one kind of record that the officers of its
    region keep (``core.scoping.may_keep``) and whose values one check judges (the form, the
    service and the import share it): ``check(values, by, current)`` returns
    ``{field: [messages]}`` (``current`` is None on create).

    ``name`` is the record's keyword (``update(<name>=, by=, version=, **fields)``,
    ``archive(<name>=, by=, reason=)``), ``fields`` the fields a caller may give, ``region``
    where the record is kept (its ``region_id`` by default), ``related`` the relations read
    with it and left by ``full_clean`` to the check. Call them inside a transaction."""

    model: type[Model]
    name: str
    fields: tuple[str, ...]
    check: Callable[[dict[str, Any], Any, Any], dict[str, Any]]
    archiving: Archiving
    out_of_scope: Any  # a user who may not keep the record changes it
    related: tuple[str, ...] = ()
    region: Callable[[Any], str] = lambda record: record.region_id

    def keeper(self, by: Any, record: Any) -> None:
        """Refuse (code ``scope``) a user who may not keep ``record``."""
        check_keeper(by, self.region(record), self.out_of_scope)

    def _rows(self) -> QuerySet[Any]:
        objects = self.model.objects
        return objects.select_related(*self.related) if self.related else objects.all()

    def create(self, *, by: Any, **fields: Any) -> Any:
        known_fields(fields, self.fields, self.name)
        fields = stripped(fields)
        refuse(self.check(fields, by, None))
        return created(self.model, fields, by=by, exclude=self.related)

    def update(self, *, by: Any, version: int | None, **fields: Any) -> Any:
        record = fields.pop(self.name)
        known_fields(fields, self.fields, self.name)
        fields = stripped(fields)
        current = self.archiving.editable(self._rows(), record.pk, version=version)
        self.keeper(by, current)
        values = {name: getattr(current, name) for name in self.fields}
        values.update(fields)
        refuse(self.check(values, by, current))
        return saved(current, fields, by=by, exclude=self.related)

    def archive(self, *, by: Any, reason: str, **record: Any) -> Any:
        (current,) = record.values()
        return self.archiving.archive(
            self._rows(), current.pk, by=by, reason=reason, check=lambda row: self.keeper(by, row)
        )
