"""Action 六 on the person page's timeline: work at a rural base or workshop (the employment
records at a base's operator, from their start), and each exchange with the national
poverty-return monitoring system (needs sent out, identification or risk elimination back)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.timeline import Entry, EntryKind, provider, stamp
from jiuye.programs.models.rural import MonitoringExchange, RuralBase
from jiuye.programs.selectors.rural import READERS

RURAL_BASE = EntryKind("rural_base", gettext_lazy("就业基地"))
MONITORING = EntryKind("monitoring", gettext_lazy("防返贫监测"))


def _base_reads(person: Any) -> dict[str, Any]:
    # Each live base whose operator holds a live employment record of the person.
    bases = RuralBase.objects.filter(
        archived_at__isnull=True,
        employer__employment_records__person=person,
        employer__employment_records__archived_at__isnull=True,
    ).annotate(
        job_start=F("employer__employment_records__start_date"),
        job_end=F("employer__employment_records__end_date"),
        job_created=F("employer__employment_records__created_at"),
    )
    return {"bases": bases}


@provider(concerns=((RuralBase, "employer__employment_records__person"),), reads=_base_reads)
def rural_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    # The person page is already scoped, so the person's records are in the user's scope.
    linked = getattr(user, "role", None) in READERS
    entries: list[Entry] = []
    for base in rows["bases"]:
        url = reverse("programs:rural-base", args=[base.pk]) if linked else ""
        detail = _("至 %(end)s") % {"end": f"{base.job_end:%Y-%m-%d}"} if base.job_end else ""
        title = _("在%(kind)s“%(name)s”就业") % {
            "kind": base.get_kind_display(),
            "name": base.name,
        }
        entries.append(
            RURAL_BASE.entry(
                base.job_start,
                title,
                detail=detail,
                url=url,
                sort_key=f"1{stamp(base.job_created)}",
            )
        )
    return entries


def _exchange_reads(person: Any) -> dict[str, Any]:
    return {"exchanges": MonitoringExchange.objects.filter(person=person)}


# The exchanges have their own provider: base work alone reads one model.
@provider(concerns=((MonitoringExchange, "person"),), reads=_exchange_reads)
def monitoring_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    entries: list[Entry] = []
    for exchange in rows["exchanges"]:
        detail = exchange.get_category_display() if exchange.category else ""
        entries.append(
            MONITORING.entry(
                exchange.date,
                exchange.get_direction_display(),
                detail=detail,
                sort_key=f"2{stamp(exchange.created_at)}",
            )
        )
    return entries
