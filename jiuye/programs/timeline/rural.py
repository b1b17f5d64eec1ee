"""Action 六 on the person page's timeline: work at a rural base or workshop (the employment
records at a base's operator, from their start), and each exchange with the national
poverty-return monitoring system (needs sent out, identification or risk elimination back)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.timeline import Entry, EntryKind, provider, stamp
from jiuye.employment.models import EmploymentRecord
from jiuye.programs.models.rural import MonitoringExchange, RuralBase
from jiuye.programs.selectors.rural import READERS

RURAL_BASE = EntryKind("rural_base", gettext_lazy("就业基地"))
MONITORING = EntryKind("monitoring", gettext_lazy("防返贫监测"))


@provider
def rural_entries(person: Any, user: Any) -> list[Entry]:
    # The person page is already scoped, so the person's records are in the user's scope.
    linked = getattr(user, "role", None) in READERS
    entries: list[Entry] = []
    records = list(
        EmploymentRecord.objects.filter(
            person=person, archived_at__isnull=True, employer__isnull=False
        )
    )
    bases: dict[Any, list[RuralBase]] = {}
    employer_ids = {r.employer_id for r in records}
    if employer_ids:
        for base in RuralBase.objects.filter(
            employer_id__in=employer_ids, archived_at__isnull=True
        ):
            bases.setdefault(base.employer_id, []).append(base)
    for record in records:
        for base in bases.get(record.employer_id, []):
            url = reverse("programs:rural-base", args=[base.pk]) if linked else ""
            detail = (
                _("至 %(end)s") % {"end": f"{record.end_date:%Y-%m-%d}"} if record.end_date else ""
            )
            title = _("在%(kind)s“%(name)s”就业") % {
                "kind": base.get_kind_display(),
                "name": base.name,
            }
            entries.append(
                RURAL_BASE.entry(
                    record.start_date,
                    title,
                    detail=detail,
                    url=url,
                    sort_key=f"1{stamp(record.created_at)}",
                )
            )
    for exchange in MonitoringExchange.objects.filter(person=person):
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
