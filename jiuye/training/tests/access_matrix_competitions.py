"""Rows of the URL × role access matrix for the competition and blind massage pages (see
core/tests/test_url_matrix.py).

The world: a competition held in 东城街道 with person_a (张三, 东城) entered; a massage
establishment in a 东城 village. Every staff role reads competitions (liaisons and leaders
without names); district staff and 东城's officer run this one (西城's officer may read it but not
change it: 403). Entries and qualifications are personal: 西城's officer gets 404 for 张三.
Establishments are read by administrators, district staff, leaders and the town officer of
their town (西城's officer: 404)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.reference.models import Region
from jiuye.training.models import Competition, CompetitionEntry, MassageEstablishment
from jiuye.training.services import competitions, massage

STAFF = {"admin", "district", "liaison", "town_a", "town_b", "leader"}
PERSONAL = {"admin", "district", "town_a", "town_b"}
RUNNERS_A = {"admin", "district", "town_a"}
ESTABLISHMENT_READERS = {"admin", "district", "town_a", "town_b", "leader"}


def _competition(w: dict[str, Any]) -> Competition:
    found = Competition.objects.filter(name="矩阵竞赛").first()
    if found:
        return found
    return competitions.competition_create(
        by=None,
        name="矩阵竞赛",
        level="district",
        date=timezone.localdate(),
        place="",
        organiser="区残联",
        region=Region.objects.get(code="440199001000"),
        trades="盲人按摩",
    )


def _entry(w: dict[str, Any]) -> CompetitionEntry:
    competition = _competition(w)
    person = w["personas"]["jobseeker"].person
    found = CompetitionEntry.objects.filter(competition=competition, person=person).first()
    return found or competitions.competition_entry_add(
        competition=competition, person=person, by=None, trade="盲人按摩"
    )


def _establishment(w: dict[str, Any]) -> MassageEstablishment:
    found = MassageEstablishment.objects.filter(name="矩阵按摩所").first()
    return found or massage.establishment_create(
        by=None,
        name="矩阵按摩所",
        kind="health_venue",
        licence_number="",
        region=Region.objects.get(code="440199001001"),
        address="",
        owner=None,
        owner_name="",
        employer=None,
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
COMPETITION: Kwargs = lambda w: {"pk": _competition(w).pk}  # noqa: E731
ENTRY_ADD: Kwargs = lambda w: {  # noqa: E731
    "pk": _competition(w).pk,
    "person_pk": w["personas"]["jobseeker"].person_id,
}
ENTRY: Kwargs = lambda w: {"pk": _entry(w).pk}  # noqa: E731
ESTABLISHMENT: Kwargs = lambda w: {"pk": _establishment(w).pk}  # noqa: E731
PERSON: Kwargs = lambda w: {"pk": w["personas"]["jobseeker"].person_id}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "training:competitions": (NONE, access(STAFF)),
    "training:competition-create": (NONE, access(PERSONAL)),
    "training:competitions-export": (NONE, access(STAFF)),
    "training:competition": (COMPETITION, access(STAFF)),
    "training:competition-edit": (COMPETITION, access(RUNNERS_A)),
    "training:competition-entry-add": (ENTRY_ADD, access(RUNNERS_A, town_b=404)),
    "training:competition-entry": (ENTRY, access(RUNNERS_A, town_b=404)),
    "training:establishments": (NONE, access(ESTABLISHMENT_READERS)),
    "training:establishment-create": (NONE, access(PERSONAL)),
    "training:establishments-export": (NONE, access(ESTABLISHMENT_READERS)),
    "training:establishment": (ESTABLISHMENT, access(RUNNERS_A | {"leader"}, town_b=404)),
    "training:establishment-edit": (ESTABLISHMENT, access(RUNNERS_A, town_b=404)),
    "training:qualification": (PERSON, access(RUNNERS_A, town_b=404)),
}
