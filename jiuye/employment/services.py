"""Writes to employment records. Every path that makes or ends a job — a verification visit,
a placement, a declaration, an import, a staff entry — goes through here."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import conflicts, dates
from jiuye.core.scoping import region_in_scope
from jiuye.core.tallies import stepping
from jiuye.employment.models import (
    FORMS_WITHOUT_EMPLOYER,
    EmploymentForm,
    EmploymentRecord,
)
from jiuye.people.models import Person

# What employment_open and employment_update accept.
FIELDS = (
    "form",
    "new_form_subtype",
    "employer",
    "employer_name",
    "job_title",
    "start_date",
    "end_date",
    "end_reason",
    "contract_type",
    "contract_months",
    "monthly_wage",
    "social_insurance",
    "evidence",
    "second_job",
)


def employment_check(
    values: dict[str, Any], *, person: Person, today: dt.date | None = None
) -> dict[str, str]:
    """Rules across the fields of one record: ``{field: message}`` for each broken one."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    form = values.get("form")
    if form not in EmploymentForm.values:
        errors["form"] = _("请选择就业形式。")
    start = values.get("start_date")
    end = values.get("end_date")
    if start is None:
        errors["start_date"] = _("请填写开始日期。")
    label = _("开始日期")
    for finding in [
        *dates.past(start, field="start_date", label=label, today=today),
        *dates.in_life(
            start, birth=person.birth_date, field="start_date", label=label, working=True
        ),
        *dates.in_order(start, end, field="end_date"),
    ]:
        errors.setdefault(finding.field, finding.message)
    if end is not None and end > today:
        errors.setdefault("end_date", _("结束日期不能晚于今天；合同到期日请写在“依据”里。"))
    if end is None and values.get("end_reason"):
        errors["end_reason"] = _("还没有结束日期，不需要填写结束原因。")
    needs_employer = form and form not in FORMS_WITHOUT_EMPLOYER and form != EmploymentForm.FLEXIBLE
    if (
        needs_employer
        and not values.get("employer")
        and not (values.get("employer_name") or "").strip()
    ):
        errors["employer"] = _("请选择用人单位，或填写未登记单位的名称。")
    if values.get("new_form_subtype") and form != EmploymentForm.FLEXIBLE:
        errors["new_form_subtype"] = _("新就业形态属于灵活就业，请把就业形式选为“灵活就业”。")
    wage = values.get("monthly_wage")
    if wage is not None and Decimal(wage) < 0:
        errors["monthly_wage"] = _("月工资不能是负数。")
    return errors


def _overlapping(record: EmploymentRecord) -> list[EmploymentRecord]:
    """Other live records of the person whose period meets this one's."""
    qs = EmploymentRecord.objects.filter(person_id=record.person_id, archived_at__isnull=True)
    if record.pk:
        qs = qs.exclude(pk=record.pk)
    if record.end_date is not None:
        qs = qs.filter(start_date__lte=record.end_date)
    return list(qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=record.start_date)))


def overlap_note(other: EmploymentRecord) -> str:
    """Why a record is flagged: it meets ``other`` (the import kind writes the same note)."""
    return _(
        "与 %(start)s 开始的另一条就业记录（%(form)s）时间重叠："
        "如是兼职请勾选“兼职/第二份工作”，否则请结束或归档其中一条。"
    ) % {"start": f"{other.start_date:%Y-%m-%d}", "form": other.get_form_display()}


def _flag_overlap(record: EmploymentRecord) -> None:
    """Two records of one person over the same days must be meant (a second job) or be
    checked: the newer one is flagged with a note naming the other."""
    if record.second_job:
        record.needs_review = False
        record.review_note = ""
        return
    others = _overlapping(record)
    if others:
        record.needs_review = True
        record.review_note = overlap_note(others[0])
    else:
        record.needs_review = False
        record.review_note = ""


def _meets(a: EmploymentRecord, b: EmploymentRecord) -> bool:
    far = dt.date.max
    return a.start_date <= (b.end_date or far) and b.start_date <= (a.end_date or far)


def flag_overlaps(*, created: list[EmploymentRecord], updated: list[EmploymentRecord]) -> None:
    """``_flag_overlap`` over many records with one query (an import's chunk, not yet saved):
    an updated record is checked against every other live record of its person, a new one
    against what existed before it (the database, then the new records before it)."""
    changed = {record.pk: record for record in updated}
    person_ids = {r.person_id for r in created} | {r.person_id for r in updated}
    live: dict[Any, list[EmploymentRecord]] = {}
    for record in EmploymentRecord.objects.filter(
        person_id__in=person_ids, archived_at__isnull=True
    ).order_by("start_date", "created_at"):
        live.setdefault(record.person_id, []).append(changed.get(record.pk, record))

    def flag(record: EmploymentRecord) -> None:
        others = [o for o in live.get(record.person_id, []) if o.pk != record.pk]
        meets = [] if record.second_job else [o for o in others if _meets(o, record)]
        record.needs_review = bool(meets)
        record.review_note = overlap_note(meets[0]) if meets else ""

    for record in updated:
        flag(record)
    for record in created:
        flag(record)
        live.setdefault(record.person_id, []).append(record)


def _check_scope(by: Any, person: Person) -> None:
    if by is not None and getattr(by, "pk", None) and not region_in_scope(by, person.region_id):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


@transaction.atomic
def employment_open(
    *, person: Person, by: Any, source: str, import_batch: Any = None, **fields: Any
) -> EmploymentRecord:
    """Record a job (or self-employment, farming…) of a person."""
    conflicts.known_fields(fields, FIELDS, "employment")
    if person.is_archived:
        raise ValidationError(_("这个人员已归档，不能再登记就业。"), code="archived")
    _check_scope(by, person)
    _raise(employment_check(fields, person=person))
    actor = conflicts.actor(by)
    record = EmploymentRecord(
        person=person,
        source=source,
        created_by=actor,
        updated_by=actor,
        import_batch=import_batch,
        **fields,
    )
    if record.form in FORMS_WITHOUT_EMPLOYER:
        record.employer = None
    _flag_overlap(record)
    record.full_clean(exclude=["person", "employer", "import_batch"])
    with _stepping(person):  # the village's coverage tallies follow (ADR 0005)
        record.save()
    return record


def _stepping(person: Person) -> AbstractContextManager[list[Any]]:
    """The coverage tallies of the person's village move by what the write changes (ADR
    0005): whether they are employed on each tally's day."""
    return stepping(person_ids=[person.pk], regions=[person.region_id])


def _locked(record: EmploymentRecord, version: int | None) -> EmploymentRecord:
    queryset = EmploymentRecord.objects.select_related("person")
    return conflicts.locked(queryset, pk=record.pk, version=version)


def _save(record: EmploymentRecord, by: Any, changed: set[str]) -> EmploymentRecord:
    # The coverage tallies count a record by its dates and archiving only: the callers that
    # change those save inside ``_stepping`` (a review flag or second job changes no count).
    return conflicts.bump(record, by=by, changed=changed)


@transaction.atomic
def employment_update(
    *, record: EmploymentRecord, by: Any, version: int | None, **fields: Any
) -> EmploymentRecord:
    """Correct a record (optimistic locking by ``version``; None skips the check)."""
    conflicts.known_fields(fields, FIELDS, "employment")
    current = _locked(record, version)
    if current.is_archived:
        raise ValidationError(_("这条就业记录已归档，不能再修改。"), code="archived")
    _check_scope(by, current.person)
    values = {name: getattr(current, name) for name in FIELDS}
    values.update(fields)
    _raise(employment_check(values, person=current.person))
    changed = conflicts.assign(current, fields)
    if not changed:
        return current
    if current.form in FORMS_WITHOUT_EMPLOYER and current.employer_id:
        current.employer = None
        changed.add("employer")
    _flag_overlap(current)
    with _stepping(current.person):
        return _save(current, by, changed | {"needs_review", "review_note"})


def employment_end(
    *, record: EmploymentRecord, end_date: dt.date, end_reason: str, by: Any
) -> EmploymentRecord:
    """The person left the job: the end date is their last day."""
    if not end_reason:
        raise ValidationError({"end_reason": [_("请选择结束原因。")]})
    return employment_update(
        record=record, by=by, version=None, end_date=end_date, end_reason=end_reason
    )


@transaction.atomic
def employment_archive(*, record: EmploymentRecord, reason: str, by: Any) -> EmploymentRecord:
    """Take a record entered in error out of every count (it stays, marked, on the page)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写归档原因，例如：重复录入、信息有误。")]})
    current = _locked(record, None)
    if current.is_archived:
        raise ValidationError(_("这条就业记录已经归档。"), code="archived")
    _check_scope(by, current.person)
    current.archived_at = timezone.now()
    current.archived_by = by if getattr(by, "pk", None) else None
    current.archived_reason = reason
    current.needs_review = False
    changed = {"archived_at", "archived_by", "archived_reason", "needs_review"}
    with _stepping(current.person):
        record = _save(current, by, changed)
    # The record it overlapped may no longer overlap anything.
    for other in EmploymentRecord.objects.filter(
        person_id=current.person_id, needs_review=True, archived_at__isnull=True
    ):
        _recheck(other, by)
    return record


def _recheck(record: EmploymentRecord, by: Any) -> None:
    before = (record.needs_review, record.review_note)
    _flag_overlap(record)
    if (record.needs_review, record.review_note) != before:
        _save(record, by, {"needs_review", "review_note"})


@transaction.atomic
def employment_resolve_review(
    *, record: EmploymentRecord, second_job: bool, by: Any
) -> EmploymentRecord:
    """Staff checked a flagged overlap: mark it a second job (intended), or re-check it after
    the other record was ended or archived."""
    current = _locked(record, None)
    _check_scope(by, current.person)
    current.second_job = second_job
    _flag_overlap(current)
    if current.needs_review:
        raise ValidationError(current.review_note, code="overlap")
    saved = _save(current, by, {"second_job", "needs_review", "review_note"})
    _tell_resolved(saved, by)
    return saved


def _tell_resolved(record: EmploymentRecord, by: Any) -> None:
    """The flag goes back to whoever owns the record: the staff member who entered it (their
    import or their form raised the flag), else the officers of the person's town (a record
    from an employer's declaration, a referral's hire recorded by a command, an import run
    without a user). Whoever resolved it is not told."""
    from jiuye.notifications import selectors as told
    from jiuye.notifications.services import Event, notify

    person = record.person
    what = _("确认为同时从事的第二份工作") if record.second_job else _("重叠已消除")
    notify(
        event=Event(
            key=f"employment:{record.pk}:resolved:{record.version}",
            kind="employment_review_resolved",
            title=_("%(name)s 的就业记录已核查：%(what)s") % {"name": person.name, "what": what},
            body=record.job_title or record.employer_name or "",
            url=f"/employment/{record.pk}/",
        ),
        recipients=told.staff_owner(record.created_by, person.region_id),
        exclude=conflicts.actor(by),
    )


@transaction.atomic
def employment_recheck_overlaps(*, person_ids: Any, by: Any) -> int:
    """Re-check the flagged records of these persons after other records went away (a rolled
    back import): a flag whose overlap is gone is cleared. Returns how many were cleared."""
    cleared = 0
    for record in EmploymentRecord.objects.filter(
        person_id__in=list(person_ids), needs_review=True, archived_at__isnull=True
    ).select_for_update(of=("self",)):
        _recheck(record, by)
        cleared += not record.needs_review
    return cleared
