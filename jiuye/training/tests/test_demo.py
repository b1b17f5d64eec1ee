"""Tests for jiuye.training.demo: the demo's trainees, some of whom it gives a job."""

from __future__ import annotations

import datetime as dt

from conftest import VILLAGE_A, make_id_number
from jiuye.people.services import person_register
from jiuye.reference.models import Region
from jiuye.training.demo import _learners

TODAY = dt.date(2026, 12, 5)


def _person(birth: str, seq: int, name: str):  # noqa: ANN202
    return person_register(
        name=name,
        id_number=make_id_number(birth=birth, seq=seq),
        region=Region.objects.get(code=VILLAGE_A),
    )


def test_the_demo_trains_and_employs_only_persons_of_working_age_by_the_reform(reference) -> None:  # noqa: ANN001
    """Trainees may get a job up to today, so they are of working age today under the one rule:
    a woman born March 1971 reached 55 years 4 months (her reformed retirement age) in July
    2026 and is out; a man born June 1968 (58, retiring at 60 years and some months) is in."""
    retired = _person("19710310", 902, "退休女")  # even sequence: a woman
    working = _person("19680615", 901, "在龄男")  # odd sequence: a man
    adult = _person("19900307", 903, "青年")
    learners = {p.pk for p in _learners([], TODAY)}
    assert retired.pk not in learners
    assert {working.pk, adult.pk} <= learners
