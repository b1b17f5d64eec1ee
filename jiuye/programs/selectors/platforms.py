"""Reads of platform partners (action 四). A platform is organisational data at its employer's
region: district staff, administrators and leaders see every one, a town officer those of
their town. The persons working through a platform are computed: the employment records
covering the day at the platform's employer with a new-form-of-employment subtype; their names
only for roles that see persons, within their scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator, page_url
from jiuye.core.periods import reference_date
from jiuye.core.scoping import scope_for
from jiuye.employment.models import EmploymentRecord, covering_q
from jiuye.people.models import Person
from jiuye.programs.models import PlatformCommitment, PlatformPartner
from jiuye.programs.models.platforms import in_force_q
from jiuye.reference.models import Region

READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)


def partners_visible(user: Any) -> QuerySet[PlatformPartner]:
    if getattr(user, "role", None) not in READERS:
        return PlatformPartner.objects.none()
    return scope_for(user, PlatformPartner)


def _worker_records(on: dt.date) -> QuerySet[EmploymentRecord]:
    return EmploymentRecord.objects.filter(covering_q(on)).exclude(new_form_subtype="")


def platform_workers(
    partner: PlatformPartner, on: dt.date | None = None
) -> QuerySet[EmploymentRecord]:
    """The open new-form employment records at the platform's employer on the day."""
    return (
        _worker_records(on or timezone.localdate())
        .filter(employer_id=partner.employer_id)
        .select_related("person__region")
        .order_by("person__name", "start_date")
    )


def commitments_of(partner: PlatformPartner) -> QuerySet[PlatformCommitment]:
    return partner.commitments.order_by("until", "kind", "since")


def partners_for_list(
    queryset: QuerySet[PlatformPartner],
    *,
    kind: str = "",
    town: str = "",
    on: dt.date | None = None,
) -> QuerySet[PlatformPartner]:
    """Filtered platforms with ``n_workers`` (persons working through it on the day) and
    ``n_commitments`` (commitments in force on the day)."""
    on = on or timezone.localdate()
    qs = queryset.select_related("employer__region")
    if kind:
        # A JSON list holds the code as a quoted string; contains on the text is portable.
        qs = qs.filter(platform_kinds__icontains=f'"{kind}"')
    if town:
        qs = qs.filter(employer__region__code__startswith=town[:9])
    workers = (
        _worker_records(on)
        .filter(employer_id=OuterRef("employer_id"))
        .order_by()
        .values("employer_id")
        .annotate(n=Count("person", distinct=True))
        .values("n")
    )
    commitments = (
        PlatformCommitment.objects.filter(in_force_q(on), partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        n_workers=Coalesce(Subquery(workers, output_field=IntegerField()), Value(0)),
        n_commitments=Coalesce(Subquery(commitments, output_field=IntegerField()), Value(0)),
    ).order_by("employer__name")


# --- plan indicators (action 四) -------------------------------------------------------------


@declare_figures("programs.platforms")
def _figures(region: Region, year: int) -> dict[str, Any]:
    """Platforms (not archived) whose employer is at the region or under it and that took
    part by the end of the year; persons of the region working through one on the year's
    reference date (a new-form record at a platform's employer covering that day)."""
    on = reference_date(year)
    live = PlatformPartner.objects.filter(archived_at__isnull=True)
    partners = live.filter(
        employer__region__code__startswith=region.prefix, since__lte=dt.date(year, 12, 31)
    )
    working = _worker_records(on).filter(
        person=OuterRef("pk"), employer_id__in=live.values("employer_id")
    )
    workers = Person.objects.filter(region__code__startswith=region.prefix).filter(Exists(working))
    return {"partners": CountOf(partners.values("pk")), "workers": CountOf(workers.values("pk"))}


@indicator(
    code="programs.platform_partners",
    name=gettext_lazy("助残合作平台企业数"),
    name_en="Platform companies partnering for the employment of persons with disabilities",
    unit=gettext_lazy("家"),
    action=4,
    records_url=page_url("programs:platform-partners"),
)
def platform_partners(region: Region, year: int) -> int:
    return figures_of(region, year, "programs.platforms")["partners"] or 0


@indicator(
    code="programs.platform_workers",
    name=gettext_lazy("通过合作平台实现新就业形态就业的残疾人数"),
    name_en="Persons with disabilities working through partner platforms",
    unit=gettext_lazy("人"),
    action=4,
    records_url=page_url("programs:platform-partners"),
)
def platform_workers_indicator(region: Region, year: int) -> int:
    return figures_of(region, year, "programs.platforms")["workers"] or 0
