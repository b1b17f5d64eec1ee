"""Reads of campaigns (the tally by town of the services they count) and public-welfare posts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.db.models.functions import Substr

from jiuye.casework.models import (
    Campaign,
    CampaignQuota,
    ServiceKind,
    ServiceRecord,
    TargetGroup,
)
from jiuye.casework.selectors.worklist import _rate
from jiuye.people.models import HukouType, Person
from jiuye.reference.models import Region

# The statuses the worklist can be narrowed to (each is a gap of the coverage dashboard).
# --- campaigns ------------------------------------------------------------------------------


def target_group_q(groups: list[str], *, on: dt.date) -> Q:
    """Persons in any of the target groups (as the registry says today)."""
    q = Q(pk__in=[])
    for group in groups:
        if group == TargetGroup.ALL:
            return Q()
        if group == TargetGroup.HARD_TO_EMPLOY:
            q |= Q(hard_to_employ_date__isnull=False, hard_to_employ_date__lte=on)
        elif group == TargetGroup.MONITORED:
            q |= ~Q(monitoring_category="") & Q(monitoring_risk_eliminated__isnull=True)
        elif group == TargetGroup.GRADUATES:
            q |= Q(graduation_year__isnull=False, graduation_year__gte=on.year - 2)
        elif group == TargetGroup.RURAL:
            q |= Q(hukou_type=HukouType.RURAL)
        elif group == TargetGroup.LOW_INCOME:
            q |= Q(low_income=True)
    return q


def campaign_services(campaign: Campaign) -> QuerySet[ServiceRecord]:
    """The service records that count toward a campaign: in its period, of its types (any
    service when it names none), to a person of its target groups."""
    # .all() rather than values_list: a list page prefetches the types (no query a row).
    types = [t.pk for t in campaign.service_types.all()]
    qs = ServiceRecord.objects.filter(
        archived_at__isnull=True,
        date__gte=campaign.start_date,
        date__lte=campaign.end_date,
        person__in=Person.objects.filter(
            target_group_q(campaign.target_groups, on=campaign.end_date)
        ),
    )
    if types:
        qs = qs.filter(service_type__in=types)
    else:
        qs = qs.filter(service_type__kind=ServiceKind.SERVICE)
    return qs


@dataclass
class TallyRow:
    code: str
    name: str
    quota: int | None
    persons: int = 0
    services: int = 0

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.persons, self.quota) if self.quota else None


def campaign_tally(campaign: Campaign, *, towns: QuerySet[Region] | None = None) -> list[TallyRow]:
    """Per town: persons served (distinct) and services given toward the campaign, against the
    town's quota."""
    counted = (
        campaign_services(campaign)
        .annotate(town=Substr("person__region_id", 1, 9))
        .values("town")
        .order_by("town")
        .annotate(persons=Count("person", distinct=True), services=Count("pk"))
    )
    by_town = {row["town"]: row for row in counted}
    quotas = dict(CampaignQuota.objects.filter(campaign=campaign).values_list("town_id", "quota"))
    if towns is None:
        towns = Region.objects.filter(level=Region.Level.TOWN)
    rows = []
    for town in towns.order_by("code"):
        found = by_town.get(town.prefix, {})
        rows.append(
            TallyRow(
                town.code,
                town.name,
                quotas.get(town.code),
                found.get("persons", 0),
                found.get("services", 0),
            )
        )
    return rows


# --- campaign and post pages ----------------------------------------------------------------


def campaigns_for_list(queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns with what the list shows (counted types, quotas) fetched up front."""
    return queryset.prefetch_related("service_types", "quotas")


def campaigns_served(campaigns: list[Campaign], *, prefix: str = "") -> dict[object, int]:
    """Distinct persons served toward each campaign (under a region prefix when given), all in
    one query: one filtered count per campaign over the records of any of them."""
    if not campaigns:
        return {}
    counts = {}
    for campaign in campaigns:
        types = [t.pk for t in campaign.service_types.all()]
        q = Q(
            date__gte=campaign.start_date,
            date__lte=campaign.end_date,
            person__in=Person.objects.filter(
                target_group_q(campaign.target_groups, on=campaign.end_date)
            ),
        )
        q &= Q(service_type__in=types) if types else Q(service_type__kind=ServiceKind.SERVICE)
        counts[f"c{len(counts)}"] = (campaign.pk, Count("person", distinct=True, filter=q))
    qs = ServiceRecord.objects.filter(archived_at__isnull=True)
    if prefix:
        qs = qs.filter(person__region__code__startswith=prefix)
    first = min(c.start_date for c in campaigns)
    last = max(c.end_date for c in campaigns)
    found = qs.filter(date__gte=first, date__lte=last).aggregate(
        **{key: aggregate for key, (_pk, aggregate) in counts.items()}
    )
    return {pk: found[key] or 0 for key, (pk, _agg) in counts.items()}


def campaign_quota_total(campaign: Campaign, *, town_code: str = "") -> int:
    """The sum of the campaign's town quotas (one town's when given), from prefetched quotas."""
    return sum(q.quota for q in campaign.quotas.all() if not town_code or q.town_id == town_code)


def campaign_town_services(campaign: Campaign, *, town: Region) -> QuerySet[ServiceRecord]:
    """The records counted toward a campaign for persons of one town, newest first."""
    return (
        campaign_services(campaign)
        .filter(person__region__code__startswith=town.prefix)
        .select_related("person", "person__region", "service_type")
        .order_by("-date", "-created_at")
    )


def posts_for_list(queryset: QuerySet, *, on: dt.date) -> QuerySet:
    """Public-welfare posts with their region and the number of persons on them on a day."""
    from jiuye.casework.services import posts_with_occupancy

    return posts_with_occupancy(queryset.select_related("region"), on).order_by(
        "-funding_start", "unit", "title"
    )


def post_placements(queryset: QuerySet) -> QuerySet:
    """Placements with the person and the employment record they created, newest first."""
    return queryset.select_related("person", "person__region", "employment_record").order_by(
        "-employment_record__start_date", "-created_at"
    )
