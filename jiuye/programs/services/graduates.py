"""Writes of action 七: matching the education bureau's lines to the registry, registering an
unmatched line's person through the normal registration, and rejecting a line.

The lines themselves come in only through the ``graduates`` import kind (the bureau's list);
the district decides what becomes of an unmatched line, so every write here is the district's
(the views admit only administrators and district staff)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.conflicts import Archiving, actor, bump, locked
from jiuye.notifications.services import Event, notify
from jiuye.people.models import Person
from jiuye.people.services import person_register
from jiuye.programs.models.graduates import GraduateRecord
from jiuye.reference.models import Region

REJECTING = Archiving(
    required=gettext_lazy("请填写不予登记的原因。"),
    already=gettext_lazy("这条记录已经处理（不予登记），不能再修改。"),
)


def persons_by_index(indexes: set[str]) -> dict[str, Person]:
    """Registered persons by the blind index of their ID number (archived ones too: a line
    names the person whatever their state; the pages say it)."""
    if not indexes:
        return {}
    found = Person.objects.filter(id_number_index__in=indexes)
    return {p.id_number_index: p for p in found.only("pk", "id_number_index")}


def graduates_match(*, by: Any) -> int:
    """Link every open unmatched line whose person has been registered since; the number
    linked. Run after each import and from the unmatched list."""
    open_lines = GraduateRecord.objects.filter(person__isnull=True, archived_at__isnull=True)
    lines = list(open_lines.only("pk", "id_number_index", "version"))
    persons = persons_by_index({line.id_number_index for line in lines})
    linked = 0
    for line in lines:
        person = persons.get(line.id_number_index)
        if person is not None:
            line.person = person
            bump(line, by=by, changed={"person"})
            linked += 1
    return linked


def _open_unmatched(pk: Any) -> GraduateRecord:
    line = locked(GraduateRecord.objects.all(), pk=pk, version=None)
    if line.is_archived:
        raise ValidationError(str(REJECTING.already), code="archived")
    if line.person_id is not None:
        raise ValidationError(_("这条记录已与残疾人名单匹配，无需登记。"), code="matched")
    return line


@transaction.atomic
def graduate_register(*, pk: Any, region: Region, by: Any = None) -> GraduateRecord:
    """Register the unmatched line's person in ``region`` with the normal registration
    (``person_register``: the same checks as the person form), with the line's study data, and
    link the line. A person registered meanwhile is linked, not registered twice."""
    line = _open_unmatched(pk)
    existing = persons_by_index({line.id_number_index}).get(line.id_number_index)
    if existing is None:
        existing = person_register(
            name=line.name,
            id_number=line.id_number,
            region=region,
            by=actor(by),
            phone=line.phone,
            is_student=True,
            school=line.school,
            major=line.major,
            graduation_year=line.graduation_year,
        )
    line.person = existing
    return bump(line, by=by, changed={"person"})


@transaction.atomic
def graduate_reject(*, pk: Any, reason: str, by: Any = None) -> GraduateRecord:
    """Set an unmatched line aside (archived with the reason: kept, listed as rejected, and a
    later import of the same line leaves it rejected)."""
    line = _open_unmatched(pk)
    rejected = REJECTING.archive(GraduateRecord.objects.all(), pk, by=by, reason=reason)
    _tell_rejected(line, rejected, by)
    return rejected


def _tell_rejected(line: GraduateRecord, rejected: GraduateRecord, by: Any) -> None:
    """Who hears that the district set a line aside. An unmatched line has no town (no person,
    and the bureau's list carries no address), so no town officer can be told; the staff
    member who brought the list in (the import batch's starter, else the line's creator) is,
    unless they rejected it themself. A list the bureau sent through the API was started by
    the key's account, which reads no notifications: nobody is told then (the rejection is
    listed as rejected on the unmatched list)."""
    from jiuye.accounts.selectors import people_accounts

    starter_id = (
        line.import_batch.created_by_id if line.import_batch_id else None
    ) or line.created_by_id
    recipients = people_accounts().filter(pk=starter_id, is_active=True)
    notify(
        event=Event(
            key=f"graduate:{line.pk}:rejected",
            kind="graduate_rejected",
            title=_("毕业生名单中的 %(name)s（%(school)s）不予登记")
            % {"name": line.name, "school": line.school},
            body=_("原因：%(reason)s") % {"reason": rejected.archived_reason},
            url="/programs/graduates/unmatched/",
        ),
        recipients=recipients,
        exclude=actor(by),
    )
