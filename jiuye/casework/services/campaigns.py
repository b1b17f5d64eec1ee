"""Writes of campaigns (quotas by town) and public-welfare posts (placing a person opens an
employment record and a service record, in one transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.casework.models import (
    Campaign,
    CampaignQuota,
    Channel,
    PostPlacement,
    PublicWelfarePost,
    ServiceType,
    TargetGroup,
)
from jiuye.casework.services.records import (
    _check_person,
    _create_record,
    _existing,
    recompute_cases,
)
from jiuye.core import conflicts
from jiuye.core.scoping import region_in_scope
from jiuye.employment import services as employment_services
from jiuye.employment.models import EmploymentForm, Source
from jiuye.people.models import Person

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
    actor = conflicts.actor(by)
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
    actor = conflicts.actor(by)
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
    campaign.archived_by = conflicts.actor(by)
    campaign.archived_reason = reason
    campaign.save(update_fields=["archived_at", "archived_by", "archived_reason", "updated_at"])
    return campaign


# --- public-welfare posts -------------------------------------------------------------------


@transaction.atomic
def post_save(
    *, by: Any, post: PublicWelfarePost | None = None, **fields: Any
) -> PublicWelfarePost:
    actor = conflicts.actor(by)
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
        created_by=conflicts.actor(by),
        updated_by=conflicts.actor(by),
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
    actor = conflicts.actor(by)
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
