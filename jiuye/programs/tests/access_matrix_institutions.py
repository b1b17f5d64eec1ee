"""Rows of the URL × role access matrix for the service institution pages (action 十; see
core/tests/test_url_matrix.py). The world: a federation service station of 东城街道, read by
administrators, district staff, leaders and 东城's officer (西城's: 404); an exchange event
held in 东城街道, read and kept the same way, with the station taking part (its removal page
opens for the event's keepers only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.programs.models import ServiceEvent, ServiceInstitution
from jiuye.programs.services import institutions
from jiuye.reference.models import Department, Region

READERS = {"admin", "district", "town_a", "town_b", "leader"}
KEEPERS = {"admin", "district", "town_a", "town_b"}
KEEPERS_A = {"admin", "district", "town_a"}


def _institution(w: dict[str, Any]) -> ServiceInstitution:
    found = ServiceInstitution.objects.filter(name="矩阵服务站").first()
    return found or institutions.institution_create(
        by=None,
        name="矩阵服务站",
        owner="federation",
        region=Region.objects.get(code="440199001000"),
    )


def _event(w: dict[str, Any]) -> ServiceEvent:
    found = ServiceEvent.objects.filter(name="矩阵交流会").first()
    return found or institutions.event_create(
        by=None,
        date=dt.date(2025, 5, 20),
        kind="exchange",
        name="矩阵交流会",
        organiser=Department.objects.get(code="rsj"),
        region=Region.objects.get(code="440199001000"),
    )


def _participant(w: dict[str, Any]) -> Any:
    event = _event(w)
    found = event.participants.first()
    return found or institutions.participant_add(
        event=event, by=None, institution=_institution(w), result="一等奖"
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
INSTITUTION: Kwargs = lambda w: {"pk": _institution(w).pk}  # noqa: E731
EVENT: Kwargs = lambda w: {"pk": _event(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "programs:service-institutions": (NONE, access(READERS)),
    "programs:service-institution-create": (NONE, access(KEEPERS)),
    "programs:service-institutions-export": (NONE, access(READERS)),
    "programs:service-institution": (INSTITUTION, access(KEEPERS_A | {"leader"}, town_b=404)),
    "programs:service-institution-edit": (INSTITUTION, access(KEEPERS_A, town_b=404)),
    "programs:service-institution-checklist": (INSTITUTION, access(KEEPERS_A, town_b=404)),
    "programs:service-events": (NONE, access(READERS)),
    "programs:service-event-create": (NONE, access(KEEPERS)),
    "programs:service-events-export": (NONE, access(READERS)),
    "programs:service-event": (EVENT, access(KEEPERS_A | {"leader"}, town_b=404)),
    "programs:service-event-edit": (EVENT, access(KEEPERS_A, town_b=404)),
    "programs:service-event-participant-remove": (
        lambda w: {"pk": _participant(w).pk},
        access(KEEPERS_A, town_b=404),
    ),
}
