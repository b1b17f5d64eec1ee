"""Writes of skills competitions (职业技能竞赛): the event and its entries (who took part in
which trade, with what result and award).

District staff and administrators run every competition; a town officer those of their town.
Entries are about a person: staff add, correct or remove the entries of persons in their scope.
Removing an entry is a correction (an entry typed by mistake); a competition is archived with a
reason, never deleted.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core import conflicts
from jiuye.core.scoping import region_in_scope
from jiuye.people.models import Person
from jiuye.training.models import Competition, CompetitionEntry, CompetitionLevel

FIELDS = ("name", "level", "date", "place", "organiser", "region", "trades")
ENTRY_FIELDS = ("trade", "result", "award")
STAFF_WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、赛事取消。"),
    already=gettext_lazy("这项竞赛已经归档。"),
)


def may_run(by: Any, competition: Competition | None = None, region_code: str = "") -> bool:
    """District staff and administrators run any competition; a town officer those of their
    town."""
    if conflicts.actor(by) is None:
        return True
    if by.role in (Role.ADMIN, Role.DISTRICT):
        return True
    code = competition.region_id if competition is not None else region_code
    return by.role == Role.TOWN and bool(code) and region_in_scope(by, code)


def _check_runner(by: Any, competition: Competition | None = None, region_code: str = "") -> None:
    if not may_run(by, competition, region_code):
        raise ValidationError(
            _("只有区残联工作人员，或竞赛所属镇街的专干，可以管理这项竞赛。"), code="scope"
        )


def _check(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写赛事名称。")]
    if values.get("level") not in CompetitionLevel.values:
        errors["level"] = [_("请选择竞赛级别。")]
    if values.get("date") is None:
        errors["date"] = [_("请填写举办日期。")]
    if values.get("region") is None:
        errors["region"] = [_("请选择所属地区。")]
    if not (values.get("organiser") or "").strip():
        errors["organiser"] = [_("请填写主办单位。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def competition_create(*, by: Any, **fields: Any) -> Competition:
    conflicts.known_fields(fields, FIELDS, "competition")
    fields = conflicts.stripped(fields)
    _check(fields)
    _check_runner(by, region_code=fields["region"].pk)
    competition = Competition(
        **fields, created_by=conflicts.actor(by), updated_by=conflicts.actor(by)
    )
    competition.full_clean(exclude=["region"])
    competition.save()
    return competition


def _archived_error() -> ValidationError:
    return ValidationError(_("这项竞赛已归档，不能再修改。"), code="archived")


@transaction.atomic
def competition_update(
    *, competition: Competition, by: Any, version: int | None, **fields: Any
) -> Competition:
    conflicts.known_fields(fields, FIELDS, "competition")
    fields = conflicts.stripped(fields)
    current = conflicts.locked(Competition.objects, pk=competition.pk, version=version)
    if current.is_archived:
        raise _archived_error()
    _check_runner(by, current)
    values = {name: getattr(current, name) for name in FIELDS}
    values.update(fields)
    _check(values)
    _check_runner(by, region_code=values["region"].pk)  # nor move it out of their town
    changed = conflicts.assign(current, fields)
    current.full_clean(exclude=["region"])
    return conflicts.bump(current, by=by, changed=changed) if changed else current


@transaction.atomic
def competition_archive(*, competition: Competition, by: Any, reason: str) -> Competition:
    check = partial(_check_runner, by)
    return ARCHIVING.archive(Competition.objects, competition.pk, by=by, reason=reason, check=check)


def _check_person_scope(by: Any, person: Person) -> None:
    if conflicts.actor(by) is not None and (
        by.role not in STAFF_WRITERS or not region_in_scope(by, person.region_id)
    ):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")


def _entry_values(trade: str, result: str, award: str) -> dict[str, str]:
    values = {"trade": (trade or "").strip(), "result": (result or "").strip()}
    values["award"] = (award or "").strip()
    if not values["trade"]:
        raise ValidationError({"trade": [_("请填写参赛项目，例如：盲人按摩、电子商务。")]})
    return values


def _duplicate(competition: Competition, person: Person, trade: str, exclude: Any = None) -> None:
    others = CompetitionEntry.objects.filter(competition=competition, person=person, trade=trade)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError(
            {
                "trade": [
                    _("%(name)s 已经报名了“%(trade)s”项目，请勿重复添加；要改成绩请修改原记录。")
                    % {"name": person.name, "trade": trade}
                ]
            },
            code="duplicate",
        )


@transaction.atomic
def competition_entry_add(
    *,
    competition: Competition,
    person: Person,
    by: Any,
    trade: str,
    result: str = "",
    award: str = "",
) -> CompetitionEntry:
    """Enter a person of the user's scope in one trade of the competition."""
    current = conflicts.locked(Competition.objects, pk=competition.pk, version=None)
    if current.is_archived:
        raise _archived_error()
    _check_person_scope(by, person)
    if person.is_archived:
        raise ValidationError(
            _("%(name)s 已归档，不能添加参赛记录。") % {"name": person.name}, code="person"
        )
    values = _entry_values(trade, result, award)
    _duplicate(current, person, values["trade"])
    entry = CompetitionEntry(
        competition=current,
        person=person,
        created_by=conflicts.actor(by),
        updated_by=conflicts.actor(by),
        **values,
    )
    entry.full_clean(exclude=["competition", "person"])
    entry.save()
    return entry


def _locked_entry(entry: CompetitionEntry, by: Any) -> CompetitionEntry:
    current = (
        CompetitionEntry.objects.select_for_update(of=("self",))
        .select_related("competition", "person")
        .get(pk=entry.pk)
    )
    if current.competition.is_archived:
        raise _archived_error()
    _check_person_scope(by, current.person)
    return current


@transaction.atomic
def competition_entry_update(
    *, entry: CompetitionEntry, by: Any, trade: str, result: str = "", award: str = ""
) -> CompetitionEntry:
    current = _locked_entry(entry, by)
    values = _entry_values(trade, result, award)
    _duplicate(current.competition, current.person, values["trade"], exclude=current.pk)
    changed = {name for name, value in values.items() if getattr(current, name) != value}
    if not changed:
        return current
    for name in changed:
        setattr(current, name, values[name])
    current.updated_by = conflicts.actor(by)
    current.full_clean(exclude=["competition", "person"])
    current.save(update_fields=sorted(changed | {"updated_by", "updated_at"}))
    return current


@transaction.atomic
def competition_entry_remove(*, entry: CompetitionEntry, by: Any) -> None:
    """Take out an entry typed by mistake (a correction; the audit trail keeps it)."""
    current = _locked_entry(entry, by)
    current.delete()
