"""Reads of skills competitions. A competition is organisational data (every staff role may
read it); its entries are about persons and are scoped like persons, so roles without personal
data (and a town officer, for other towns' entrants) see counts only."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from jiuye.accounts.models import Role
from jiuye.core.scoping import scope_for
from jiuye.training.models import Competition, CompetitionEntry

READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER, Role.DEPARTMENT)
PERSONAL = (Role.ADMIN, Role.DISTRICT, Role.TOWN)


def competitions_visible(user: Any) -> QuerySet[Competition]:
    """Every staff role reads every competition; nobody else any."""
    if getattr(user, "role", None) in READERS:
        return Competition.objects.all()
    return Competition.objects.none()


def _count(**filters: Any) -> Coalesce:
    sub = (
        CompetitionEntry.objects.filter(competition=OuterRef("pk"), **filters)
        .order_by()
        .values("competition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def competitions_for_list(
    queryset: QuerySet[Competition], *, level: str = "", year: int | None = None
) -> QuerySet[Competition]:
    """Filtered competitions with ``n_entries`` and ``n_awards`` (entries with an award)."""
    qs = queryset.select_related("region")
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(date__year=year)
    return qs.annotate(n_entries=_count(), n_awards=_count(award__gt="")).order_by("-date", "name")


def entry_figures(competition: Competition) -> dict[str, int]:
    """Entries, distinct entrants and entries with an award, in one query."""
    return CompetitionEntry.objects.filter(competition=competition).aggregate(
        entries=Count("pk"),
        entrants=Count("person", distinct=True),
        awards=Count("pk", filter=Q(award__gt="")),
    )


def entries_visible(user: Any, competition: Competition) -> QuerySet[CompetitionEntry]:
    """The entries whose entrant the user may see by name (none for roles without personal
    data)."""
    if getattr(user, "role", None) not in PERSONAL:
        return CompetitionEntry.objects.none()
    return (
        scope_for(user, CompetitionEntry)
        .filter(competition=competition)
        .select_related("person__region")
        .order_by("trade", "person__name")
    )
