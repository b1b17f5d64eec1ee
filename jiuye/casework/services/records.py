"""Writes of town casework records: service records (verification, needs registration,
services) and their archiving. Each write keeps the person's ``AnnualCase`` in step in the same
transaction (ADR 0004)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.casework.models import (
    NEEDS_REGISTRATION,
    VERIFICATION,
    AnnualCase,
    Channel,
    NeedsRecord,
    Outcome,
    ServiceKind,
    ServiceRecord,
    ServiceType,
    WantsWork,
)
from jiuye.casework.services.tallies import tally_step_after, tally_step_before
from jiuye.core import conflicts, dates
from jiuye.core.scoping import region_in_scope
from jiuye.core.tallies import mark_dirty
from jiuye.core.uploads import FileType, detect
from jiuye.employment import services as employment_services
from jiuye.employment.models import Source
from jiuye.people import services as people_services
from jiuye.people.models import Person, WishToWork

# What a service record's attachment may be, read from its content (core.uploads).
ATTACHMENT_TYPES = ("jpeg", "png", "webp", "pdf")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# What needs_register accepts besides person, date, wants_work and the record's own fields.
NEEDS_FIELDS = (
    "not_wanting_reason",
    "desired_jobs",
    "desired_region",
    "remote_ok",
    "hours",
    "expected_wage",
    "training_wanted",
    "support_needed",
    "notes",
)


def service_date_findings(
    person: Person, day: dt.date, *, field: str = "date", today: dt.date | None = None
) -> list[dates.Finding]:
    """A service happens on a real day of the person's life, not in the future; one more
    than a year back is a doubt (jiuye.core.dates)."""
    label = _("日期")
    today = today or timezone.localdate()
    return [
        *dates.past(day, field=field, label=label, today=today, long_ago=True),
        *dates.in_life(day, birth=person.birth_date, field=field, label=label),
    ]


def check_service_date(person: Person, day: dt.date | None, *, field: str = "date") -> None:
    """The errors of ``service_date_findings`` (doubts are the form's to ask about)."""
    if day is None:
        raise ValidationError({field: [_("请填写日期。")]})
    problems = dates.errors(service_date_findings(person, day, field=field))
    if problems:
        raise ValidationError(problems)


def person_service_error(person: Person, by: Any) -> ValidationError | None:
    """Why ``by`` may not record a service for ``person`` (None: they may)."""
    if person.is_archived:
        return ValidationError(_("这个人员已归档，不能再登记服务。"), code="archived")
    actor = conflicts.actor(by)
    if actor is not None and not region_in_scope(actor, person.region_id):
        return ValidationError(_("这个人员不在您负责的范围内。"), code="scope")
    return None


def _check_person(person: Person, by: Any) -> None:
    if (error := person_service_error(person, by)) is not None:
        raise error


def service_record_errors(
    *,
    person: Person,
    service_type: ServiceType,
    date: dt.date | None,
    channel: str,
    outcome: str,
    follow_up_date: dt.date | None,
) -> dict[str, list[str]]:
    """The rules of one service record, as the forms and the import check them."""
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("请选择服务方式。")]
    if outcome not in Outcome.values:
        errors["outcome"] = [_("请选择服务结果。")]
    if service_type.is_disabled:
        errors["service_type"] = [_("这个服务类型已停用。")]
    try:
        check_service_date(person, date)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if (message := follow_up_error(date, follow_up_date)) is not None:
        errors["follow_up_date"] = [message]
    return errors


def follow_up_error(day: dt.date | None, follow_up: dt.date | None) -> str | None:
    if day is not None and follow_up is not None and follow_up < day:
        return _("下次跟进日期不能早于服务日期。")
    return None


def needs_errors(
    *, wants_work: str, not_wanting_reason: str = "", expected_wage: Any = None
) -> dict[str, list[str]]:
    """The rules of a needs registration's answers, as the form and the import check them."""
    errors: dict[str, list[str]] = {}
    if wants_work not in WantsWork.values:
        errors["wants_work"] = [_("请选择是否有就业意愿。")]
    elif wants_work == WantsWork.NO and not not_wanting_reason:
        errors["not_wanting_reason"] = [_("请选择暂无就业意愿的原因。")]
    if expected_wage is not None and expected_wage < 0:
        errors["expected_wage"] = [_("期望月薪不能是负数。")]
    return errors


def check_attachment(upload: UploadedFile | None) -> FileType | None:
    """The attachment's type read from its content, or a ValidationError under "attachment"."""
    if upload is None:
        return None
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"attachment": [_("附件不能超过 10 MB，请压缩照片后再上传。")]}, code="too_big"
        )
    return detect(upload, ATTACHMENT_TYPES, field="attachment")


def _existing(key: str | None) -> ServiceRecord | None:
    if not key:
        return None
    return ServiceRecord.objects.filter(idempotency_key=key).first()


def _create_record(
    *,
    person: Person,
    service_type: ServiceType,
    date: dt.date,
    channel: str,
    by: Any,
    notes: str = "",
    outcome: str = Outcome.DONE,
    follow_up_date: dt.date | None = None,
    attachment: UploadedFile | None = None,
    idempotency_key: str | None = None,
    officer_name: str = "",
    import_batch: Any = None,
) -> tuple[ServiceRecord, bool]:
    """The record and whether it is new (False: this form was already submitted)."""
    if (found := _existing(idempotency_key)) is not None:
        return found, False
    errors = service_record_errors(
        person=person,
        service_type=service_type,
        date=date,
        channel=channel,
        outcome=outcome,
        follow_up_date=follow_up_date,
    )
    if errors:
        raise ValidationError(errors)
    attachment_type = check_attachment(attachment)
    actor = conflicts.actor(by)
    record = ServiceRecord(
        person=person,
        service_type=service_type,
        date=date,
        channel=channel,
        notes=notes,
        outcome=outcome,
        follow_up_date=follow_up_date,
        officer=actor,
        officer_name=officer_name or (actor.display_name or actor.username if actor else ""),
        idempotency_key=idempotency_key or None,
        import_batch=import_batch,
        created_by=actor,
        updated_by=actor,
    )
    if attachment is not None and attachment_type is not None:
        # Stored under a generated name with the extension of what the file really is.
        record.attachment_name = Path(attachment.name).stem[:190] + attachment_type.extension
        record.attachment.save(
            f"{uuid.uuid4().hex}{attachment_type.extension}", attachment, save=False
        )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # The same form arrived twice at once: the other request saved it.
        if (found := _existing(idempotency_key)) is not None:
            return found, False
        raise
    return record, True


@transaction.atomic
def service_record_create(
    *, person: Person, service_type: ServiceType, by: Any, **fields: Any
) -> ServiceRecord:
    """A service given to a person (any type; verification and needs registration have their
    own services below because they also change the registry)."""
    _check_person(person, by)
    if service_type.kind != ServiceKind.SERVICE:
        raise ValidationError(
            {"service_type": [_("核对和需求登记请使用各自的登记表。")]}, code="kind"
        )
    record, created = _create_record(person=person, service_type=service_type, by=by, **fields)
    if created:
        recompute_cases([person.pk], [record.date.year])
    return record


@transaction.atomic
def verification_record(
    *,
    person: Person,
    by: Any,
    date: dt.date,
    channel: str,
    version: int | None = None,
    changes: dict[str, Any] | None = None,
    notes: str = "",
    outcome: str = Outcome.DONE,
    attachment: UploadedFile | None = None,
    idempotency_key: str | None = None,
    open_employment: dict[str, Any] | None = None,
    end_employment: tuple[Any, dt.date, str] | None = None,
    officer_name: str = "",
    import_batch: Any = None,
) -> ServiceRecord:
    """Basic-information verification (核对): the officer checked the person's record with
    them, corrected what changed (through the registry services, so the version check, audit
    and validation apply), and may record a job found or ended."""
    if (found := _existing(idempotency_key)) is not None:
        return found
    _check_person(person, by)
    if changes:
        if version is None:
            version = person.version
        people_services.person_update(person=person, by=by, version=version, **changes)
        person.refresh_from_db()
    if open_employment:
        employment_services.employment_open(
            person=person, by=by, source=Source.VERIFICATION, **open_employment
        )
    if end_employment:
        record, end_date, reason = end_employment
        if record.person_id != person.pk:
            raise ValidationError(_("要结束的就业记录不属于这个人员。"))
        employment_services.employment_end(
            record=record, end_date=end_date, end_reason=reason, by=by
        )
    service, _created = _create_record(
        person=person,
        service_type=ServiceType.objects.get(pk=VERIFICATION),
        date=date,
        channel=channel,
        by=by,
        notes=notes,
        outcome=outcome,
        attachment=attachment,
        idempotency_key=idempotency_key,
        officer_name=officer_name,
        import_batch=import_batch,
    )
    recompute_cases([person.pk], [date.year])
    return service


@transaction.atomic
def needs_register(
    *,
    person: Person,
    by: Any,
    date: dt.date,
    channel: str,
    wants_work: str,
    idempotency_key: str | None = None,
    officer_name: str = "",
    import_batch: Any = None,
    **fields: Any,
) -> NeedsRecord:
    """Register (or re-register) the person's employment needs for the year of ``date``.
    The year's earlier registration stays as history; the person's wish to work in the
    registry follows the answer."""
    conflicts.known_fields(fields, NEEDS_FIELDS, "needs")
    if (found := _existing(idempotency_key)) is not None:
        return found.needs
    _check_person(person, by)
    errors = needs_errors(
        wants_work=wants_work,
        not_wanting_reason=fields.get("not_wanting_reason") or "",
        expected_wage=fields.get("expected_wage"),
    )
    if errors:
        raise ValidationError(errors)
    service, _created = _create_record(
        person=person,
        service_type=ServiceType.objects.get(pk=NEEDS_REGISTRATION),
        date=date,
        channel=channel,
        by=by,
        notes=fields.get("notes", ""),
        idempotency_key=idempotency_key,
        officer_name=officer_name,
        import_batch=import_batch,
    )
    NeedsRecord.objects.filter(person=person, year=date.year, is_current=True).update(
        is_current=False
    )
    actor = conflicts.actor(by)
    needs = NeedsRecord.objects.create(
        person=person,
        year=date.year,
        registered_on=date,
        wants_work=wants_work,
        service_record=service,
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    wish = WishToWork.YES if wants_work == WantsWork.YES else WishToWork.NO
    if person.wish_to_work != wish:
        current = Person.objects.get(pk=person.pk)
        people_services.person_update(
            person=current, by=by, version=current.version, wish_to_work=wish
        )
    recompute_cases([person.pk], [date.year])
    return needs


@transaction.atomic
def service_archive(*, record: ServiceRecord, reason: str, by: Any) -> ServiceRecord:
    """Take a record entered in error out of the counts (kept, marked, with the reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写归档原因，例如：重复录入、录错了人。")]})
    current = ServiceRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if current.is_archived:
        raise ValidationError(_("这条服务记录已经归档。"), code="archived")
    _check_person(current.person, by)
    current.archived_at = timezone.now()
    current.archived_by = conflicts.actor(by)
    current.archived_reason = reason
    current.updated_by = conflicts.actor(by)
    # updated_at too: an import batch that wrote the record must not be undone over this.
    current.save(
        update_fields=["archived_at", "archived_by", "archived_reason", "updated_by", "updated_at"]
    )
    if hasattr(current, "needs") and current.needs.is_current:
        # The registration it carried is void: the previous one of the year (if any) is back.
        needs = current.needs
        needs.is_current = False
        needs.save(update_fields=["is_current"])
        previous = (
            NeedsRecord.objects.filter(
                person_id=needs.person_id,
                year=needs.year,
                service_record__archived_at__isnull=True,
            )
            .exclude(pk=needs.pk)
            .order_by("-registered_on", "-created_at")
            .first()
        )
        if previous is not None:
            previous.is_current = True
            previous.save(update_fields=["is_current"])
    recompute_cases([current.person_id], [current.date.year])
    return current


# --- the yearly case ------------------------------------------------------------------------


@transaction.atomic
def recompute_cases(person_ids: Iterable[Any], years: Iterable[int]) -> int:
    """Rebuild the ``AnnualCase`` rows of these persons and years from their records. Returns
    the number of rows written. Cheap for one person; used in bulk by imports and demo data.

    Every casework write passes here, so the coverage tallies follow: a write of a few persons
    moves its villages' tallies by its own delta in this transaction (ADR 0005, TallyStep);
    a larger one marks the villages for a recount."""
    ids = list(dict.fromkeys(person_ids))
    years = sorted(set(years))
    step = tally_step_before(ids, years)
    if step is None:
        villages: set[str] = set()
        for start in range(0, len(ids), 2000):
            villages.update(
                Person.objects.filter(pk__in=ids[start : start + 2000]).values_list(
                    "region_id", flat=True
                )
            )
        mark_dirty(villages)
    written = 0
    for year in years:
        for start in range(0, len(ids), 2000):
            written += _recompute_chunk(ids[start : start + 2000], year)
    if step is not None:
        tally_step_after(step)
    return written


def _recompute_chunk(ids: list[Any], year: int) -> int:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    services = (
        ServiceRecord.objects.filter(
            person_id__in=ids, date__gte=first, date__lte=last, archived_at__isnull=True
        )
        .values_list("person_id", "date", "service_type__kind", "service_type__is_visit")
        .order_by("date")
    )
    by_person: dict[Any, list[tuple[dt.date, str, bool]]] = defaultdict(list)
    for person_id, day, kind, is_visit in services:
        by_person[person_id].append((day, kind, is_visit))
    needs = dict(
        NeedsRecord.objects.filter(person_id__in=ids, year=year, is_current=True).values_list(
            "person_id", "registered_on"
        )
    )
    wants = dict(
        NeedsRecord.objects.filter(person_id__in=ids, year=year, is_current=True).values_list(
            "person_id", "wants_work"
        )
    )
    existing = {
        case.person_id: case for case in AnnualCase.objects.filter(person_id__in=ids, year=year)
    }
    creates, updates = [], []
    for person_id in ids:
        rows = by_person.get(person_id, [])
        registered = needs.get(person_id)
        values = {
            "verified_on": next((d for d, k, _v in rows if k == ServiceKind.VERIFICATION), None),
            "needs_registered_on": registered,
            "wants_work": wants.get(person_id, ""),
            "served_on": (
                next(
                    (d for d, k, _v in rows if k == ServiceKind.SERVICE and d >= registered),
                    None,
                )
                if registered is not None
                else None
            ),
            "last_service_on": rows[-1][0] if rows else None,
            "last_visit_on": max((d for d, _k, v in rows if v), default=None),
        }
        case = existing.get(person_id)
        if case is None:
            if rows or registered:
                creates.append(AnnualCase(person_id=person_id, year=year, **values))
        elif any(getattr(case, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(case, key, value)
            updates.append(case)
    AnnualCase.objects.bulk_create(creates, batch_size=1000)
    AnnualCase.objects.bulk_update(updates, list(_CASE_FIELDS), batch_size=1000)
    return len(creates) + len(updates)


_CASE_FIELDS = (
    "verified_on",
    "needs_registered_on",
    "wants_work",
    "served_on",
    "last_service_on",
    "last_visit_on",
)
