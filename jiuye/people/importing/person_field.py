"""A column that names a registered person by ID number, within the importing user's scope:
the field every kind that records something about a person uses (enrolments, services…)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from jiuye.core.importing.fields import Field, FieldError
from jiuye.core.masking import mask_id_number
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE
from jiuye.core.validators import validate_resident_id
from jiuye.people.models import LifeStatus, Person
from jiuye.people.selectors import person_by_id_number, person_in_scope


@dataclass(frozen=True)
class PersonByIdNumber(Field):
    """A registered person found by ID number among those the importing user may see (all,
    for a command run without a user). One message for "not registered" and "not yours", so
    an import does not tell whether someone elsewhere is registered. ``inactive``: the
    message for an archived or deceased person (empty: they are accepted)."""

    key: str = "id_number"
    header: str = "身份证号"
    synonyms: tuple[str, ...] = ("身份证号码", "公民身份号码", "证件号码")
    required: bool = True
    mask: str = "id"
    attr: str | None = "person"
    note: str = "18位；人员须已登记，且在您负责的范围内"
    inactive: str = ""
    _cache: dict[Any, Any] = field(default_factory=dict, hash=False, compare=False)

    def reset(self) -> None:
        self._cache.clear()

    def parse(self, text: str, *, by: Any) -> Any:
        try:
            id_number = validate_resident_id(text)
        except ValidationError as exc:
            if "*" in text:  # an export of masked numbers fed back in: say so plainly
                raise FieldError(masked_id_message()) from None
            raise FieldError(exc.messages[0]) from None
        cache_key = (getattr(by, "pk", None), id_number)
        if cache_key not in self._cache:
            self._cache[cache_key] = _lookup(by, id_number)
        person = self._cache[cache_key]
        if person is None:
            # The same words for "registered in another town" and "not registered" (ADR 0011).
            raise FieldError(str(NOT_FOUND_IN_SCOPE))
        if self.inactive and (person.is_archived or person.life_status != LifeStatus.ACTIVE):
            raise FieldError(self.inactive % {"name": person.name})
        return person

    def values(self, value: Any) -> dict[str, Any]:
        return {f"{self.target}_id": None if value is None else value.pk} if self.target else {}

    def export(self, obj: Model, *, reveal: bool) -> str:
        person = getattr(obj, self.target)
        return person.id_number if reveal else mask_id_number(person.id_number)


def _lookup(by: Any, id_number: str) -> Person | None:
    """The person a command run (no user) finds in the whole registry, a user in their scope."""
    if getattr(by, "pk", None) is None:
        return person_by_id_number(queryset=Person.objects.all(), id_number=id_number)
    try:
        return person_in_scope(by, id_number, include_archived=True)
    except ValidationError:
        return None


def masked_id_message() -> str:
    return _("身份证号是脱敏显示的（含 *），请使用完整号码。")
