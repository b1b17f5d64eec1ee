"""Writes of town casework: service records (verification, needs registration, services),
campaigns and public-welfare posts. Each write keeps the person's ``AnnualCase`` in step in the
same transaction (ADR 0004)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.casework.models import (
    NEEDS_REGISTRATION,
    VERIFICATION,
    AnnualCase,
    Campaign,
    CampaignQuota,
    Channel,
    NeedsRecord,
    Outcome,
    PostPlacement,
    PublicWelfarePost,
    ServiceKind,
    ServiceRecord,
    ServiceType,
    TargetGroup,
    WantsWork,
)
from jiuye.core.scoping import region_in_scope
from jiuye.core.tallies import mark_dirty
from jiuye.employment import services as employment_services
from jiuye.employment.models import EmploymentForm, Source
from jiuye.people import services as people_services
from jiuye.people.models import Person, WishToWork

ATTACHMENT_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
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


def _actor(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def check_service_date(person: Person, day: dt.date | None, *, field: str = "date") -> None:
    """A service happens on a real day of the person's life, not in the future."""
    today = timezone.localdate()
    if day is None:
        raise ValidationError({field: [_("请填写日期。")]})
    if day > today:
        raise ValidationError(
            {field: [_("日期不能晚于今天（%(today)s）。") % {"today": f"{today:%Y-%m-%d}"}]}
        )
    if day < person.birth_date:
        raise ValidationError(
            {
                field: [
                    _("日期早于本人出生日期（%(birth)s），请核对。")
                    % {"birth": f"{person.birth_date:%Y-%m-%d}"}
                ]
            }
        )


def _check_person(person: Person, by: Any) -> None:
    if person.is_archived:
        raise ValidationError(_("这个人员已归档，不能再登记服务。"), code="archived")
    actor = _actor(by)
    if actor is not None and not region_in_scope(actor, person.region_id):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")


def check_attachment(upload: UploadedFile | None) -> None:
    if upload is None:
        return
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"attachment": [_("附件不能超过 10 MB，请压缩照片后再上传。")]}, code="too_big"
        )
    if upload.content_type not in ATTACHMENT_TYPES:
        raise ValidationError(
            {"attachment": [_("附件只能是 JPG、PNG、WebP 图片或 PDF 文件。")]}, code="type"
        )


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
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("请选择服务方式。")]})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("请选择服务结果。")]})
    if service_type.is_disabled:
        raise ValidationError({"service_type": [_("这个服务类型已停用。")]})
    check_service_date(person, date)
    if follow_up_date is not None and follow_up_date < date:
        raise ValidationError({"follow_up_date": [_("下次跟进日期不能早于服务日期。")]})
    check_attachment(attachment)
    actor = _actor(by)
    record = ServiceRecord(
        person=person,
        service_type=service_type,
        date=date,
        channel=channel,
        notes=notes,
        outcome=outcome,
        follow_up_date=follow_up_date,
        officer=actor,
        officer_name=officer_name or (actor.get_full_name() or actor.username if actor else ""),
        idempotency_key=idempotency_key or None,
        import_batch=import_batch,
        created_by=actor,
        updated_by=actor,
    )
    if attachment is not None:
        record.attachment_name = attachment.name[:200]
        record.attachment.save(attachment.name, attachment, save=False)
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
    unknown = set(fields) - set(NEEDS_FIELDS)
    if unknown:
        raise TypeError(f"unknown needs fields: {sorted(unknown)}")
    if (found := _existing(idempotency_key)) is not None:
        return found.needs
    _check_person(person, by)
    if wants_work not in WantsWork.values:
        raise ValidationError({"wants_work": [_("请选择是否有就业意愿。")]})
    if wants_work == WantsWork.NO and not fields.get("not_wanting_reason"):
        raise ValidationError({"not_wanting_reason": [_("请选择暂无就业意愿的原因。")]})
    wage = fields.get("expected_wage")
    if wage is not None and wage < 0:
        raise ValidationError({"expected_wage": [_("期望月薪不能是负数。")]})
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
    actor = _actor(by)
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
    current.archived_by = _actor(by)
    current.archived_reason = reason
    current.updated_by = _actor(by)
    current.save(update_fields=["archived_at", "archived_by", "archived_reason", "updated_by"])
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


def recompute_cases(person_ids: Iterable[Any], years: Iterable[int]) -> int:
    """Rebuild the ``AnnualCase`` rows of these persons and years from their records. Returns
    the number of rows written. Cheap for one person; used in bulk by imports and demo data."""
    ids = list(dict.fromkeys(person_ids))
    # Every casework write passes here: the coverage tallies of these villages are stale.
    villages: set[str] = set()
    for start in range(0, len(ids), 2000):
        villages.update(
            Person.objects.filter(pk__in=ids[start : start + 2000]).values_list(
                "region_id", flat=True
            )
        )
    mark_dirty(villages)
    written = 0
    for year in sorted(set(years)):
        for start in range(0, len(ids), 2000):
            written += _recompute_chunk(ids[start : start + 2000], year)
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


# --- campaigns ------------------------------------------------------------------------------


def _check_campaign(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写活动名称。")]
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [_("结束日期不能早于开始日期。")]
    groups = values.get("target_groups") or []
    if not groups:
        errors["target_groups"] = [_("请至少选择一类服务对象。")]
    elif set(groups) - set(TargetGroup.values):
        errors["target_groups"] = [_("无法识别的服务对象。")]
    if errors:
        raise ValidationError(errors)


def _set_quotas(campaign: Campaign, quotas: dict[str, int], by: Any) -> None:
    """``quotas`` maps a town code to its target number of persons (0 or missing: none)."""
    actor = _actor(by)
    if any(number < 0 for number in quotas.values()):
        raise ValidationError({"quotas": [_("目标人数不能是负数。")]})
    campaign.quotas.exclude(town_id__in=[c for c, n in quotas.items() if n]).delete()
    for code, number in quotas.items():
        if number:
            CampaignQuota.objects.update_or_create(
                campaign=campaign,
                town_id=code,
                defaults={"quota": number, "updated_by": actor},
                create_defaults={"quota": number, "created_by": actor, "updated_by": actor},
            )


@transaction.atomic
def campaign_save(
    *,
    by: Any,
    campaign: Campaign | None = None,
    service_types: Iterable[ServiceType] = (),
    quotas: dict[str, int] | None = None,
    **fields: Any,
) -> Campaign:
    """Create or change a campaign, its counted service types and its per-town quotas."""
    _check_campaign(fields)
    actor = _actor(by)
    if campaign is None:
        campaign = Campaign(created_by=actor)
    for key, value in fields.items():
        setattr(campaign, key, value)
    campaign.updated_by = actor
    campaign.save()
    campaign.service_types.set(list(service_types))
    if quotas is not None:
        _set_quotas(campaign, quotas, by)
    return campaign


@transaction.atomic
def campaign_archive(*, campaign: Campaign, reason: str, by: Any) -> Campaign:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写归档原因。")]})
    campaign.archived_at = timezone.now()
    campaign.archived_by = _actor(by)
    campaign.archived_reason = reason
    campaign.save(update_fields=["archived_at", "archived_by", "archived_reason", "updated_at"])
    return campaign


# --- public-welfare posts -------------------------------------------------------------------


@transaction.atomic
def post_save(
    *, by: Any, post: PublicWelfarePost | None = None, **fields: Any
) -> PublicWelfarePost:
    actor = _actor(by)
    errors: dict[str, list[str]] = {}
    start, end = fields.get("funding_start"), fields.get("funding_end")
    if start and end and end < start:
        errors["funding_end"] = [_("资助结束日期不能早于开始日期。")]
    if not fields.get("count"):
        errors["count"] = [_("岗位数至少为 1。")]
    region = fields.get("region")
    if region is not None and actor is not None and not region_in_scope(actor, region.pk):
        errors["region"] = [_("只能登记本镇街的岗位。")]
    if post is not None:
        taken = post.placements.filter(employment_record__end_date__isnull=True).count()
        if fields.get("count") and fields["count"] < taken:
            errors["count"] = [
                _("岗位上已有 %(n)d 人在岗，岗位数不能少于在岗人数。") % {"n": taken}
            ]
    if errors:
        raise ValidationError(errors)
    if post is None:
        post = PublicWelfarePost(created_by=actor)
    for key, value in fields.items():
        setattr(post, key, value)
    post.updated_by = actor
    post.full_clean(exclude=["created_by", "updated_by", "archived_by"])
    post.save()
    return post


def post_occupied(post: PublicWelfarePost, on: dt.date) -> int:
    return post.placements.filter(
        Q(employment_record__end_date__isnull=True) | Q(employment_record__end_date__gte=on),
        employment_record__archived_at__isnull=True,
        employment_record__start_date__lte=on,
    ).count()


@transaction.atomic
def post_place(
    *,
    post: PublicWelfarePost,
    person: Person,
    start_date: dt.date,
    by: Any,
    monthly_wage: Any = None,
    idempotency_key: str | None = None,
) -> PostPlacement:
    """Place a person into a post: an employment record of the public-welfare form and a
    placement service on the person's record."""
    if (found := _existing(idempotency_key)) is not None:
        placement = PostPlacement.objects.filter(
            person=found.person, post=post, employment_record__start_date=found.date
        ).first()
        if placement is not None:
            return placement
    post = PublicWelfarePost.objects.select_for_update().get(pk=post.pk)
    _check_person(person, by)
    if post.is_archived:
        raise ValidationError(_("这个岗位已归档，不能再安置。"))
    if not post.funding_start <= start_date <= post.funding_end:
        raise ValidationError(
            {
                "start_date": [
                    _("上岗日期应在岗位资助期内（%(start)s 至 %(end)s）。")
                    % {
                        "start": f"{post.funding_start:%Y-%m-%d}",
                        "end": f"{post.funding_end:%Y-%m-%d}",
                    }
                ]
            }
        )
    if post_occupied(post, start_date) >= post.count:
        raise ValidationError(
            _("这个岗位的 %(n)d 个名额已满，请先为离岗人员登记离岗。") % {"n": post.count}
        )
    if post.placements.filter(person=person, employment_record__end_date__isnull=True).exists():
        raise ValidationError(_("这个人员已经在这个岗位上。"))
    record = employment_services.employment_open(
        person=person,
        by=by,
        source=Source.PLACEMENT,
        form=EmploymentForm.PUBLIC_WELFARE,
        employer_name=post.unit,
        job_title=post.title,
        start_date=start_date,
        monthly_wage=monthly_wage,
        evidence=_("公益性岗位：%(post)s") % {"post": str(post)},
    )
    placement = PostPlacement.objects.create(
        post=post,
        person=person,
        employment_record=record,
        created_by=_actor(by),
        updated_by=_actor(by),
    )
    _create_record(
        person=person,
        service_type=ServiceType.objects.get(pk="public_welfare_placement"),
        date=start_date,
        channel=Channel.WINDOW,
        by=by,
        notes=str(post),
        idempotency_key=idempotency_key,
    )
    recompute_cases([person.pk], [start_date.year])
    return placement


def posts_with_occupancy(queryset: Any, on: dt.date) -> Any:
    return queryset.annotate(
        occupied=Count(
            "placements",
            filter=Q(placements__employment_record__start_date__lte=on)
            & Q(placements__employment_record__archived_at__isnull=True)
            & (
                Q(placements__employment_record__end_date__isnull=True)
                | Q(placements__employment_record__end_date__gte=on)
            ),
        )
    )


@transaction.atomic
def post_archive(*, post: PublicWelfarePost, reason: str, by: Any) -> PublicWelfarePost:
    """Close a post (entered in error, or its funding ended): kept with the reason, no longer
    listed or open to placements. Persons still on it must be recorded as having left first."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写归档原因，例如：资助已结束、重复录入。")]})
    current = PublicWelfarePost.objects.select_for_update().get(pk=post.pk)
    if current.is_archived:
        raise ValidationError(_("这个岗位已经归档。"), code="archived")
    actor = _actor(by)
    if actor is not None and not region_in_scope(actor, current.region_id):
        raise ValidationError(_("只能归档本镇街的岗位。"), code="scope")
    on = current.placements.filter(
        employment_record__end_date__isnull=True, employment_record__archived_at__isnull=True
    ).count()
    if on:
        raise ValidationError(
            _("岗位上还有 %(n)d 人在岗，请先为他们登记离岗，再归档岗位。") % {"n": on},
            code="occupied",
        )
    current.archived_at = timezone.now()
    current.archived_by = actor
    current.archived_reason = reason
    current.updated_by = actor
    current.save(update_fields=["archived_at", "archived_by", "archived_reason", "updated_by"])
    return current
