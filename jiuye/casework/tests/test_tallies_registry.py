"""Registry and employment writes move the coverage tallies by their own delta (ADR 0005,
``registry_step``): after each, the stored tallies equal a full recount with no village
marked dirty; a move moves both villages, every year the village has tallies of follows, and
a village with nothing to move (no tally yet, or already marked) is left to the recount."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from conftest import VILLAGE_B, make_id_number
from jiuye.casework import selectors
from jiuye.casework.models import CoverageTally
from jiuye.casework.selectors import TALLY_COUNTS, counts_by_village
from jiuye.casework.services.tallies import STEP_PERSONS, registry_step
from jiuye.casework.tests.test_coverage import (
    TODAY,
    VILLAGE_A,
    VILLAGE_A2,
    YEAR,
    _person,
    town,  # noqa: F401 - the hand-counted fixture
)
from jiuye.casework.tests.test_tallies import (
    DISTRICT,
    _archive_a_job,
    _end_a_job,
    assert_tallies_are_live,
    open_a_job_for,
)
from jiuye.core import tallies as core_tallies
from jiuye.core.models import DirtyRegion
from jiuye.core.periods import reference_date
from jiuye.people.models import LifeStatus, Person
from jiuye.people.services import person_archive, person_set_life_status, person_update
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db


def _stored(year: int = YEAR) -> dict[str, dict[str, int]]:
    """The tallies as stored (not through a read, which would refresh what is marked)."""
    return {
        row["village_id"]: {key: row[key] for key in TALLY_COUNTS}
        for row in CoverageTally.objects.filter(year=year).values("village_id", *TALLY_COUNTS)
        if any(row[key] for key in TALLY_COUNTS)
    }


def _recount(year: int = YEAR) -> dict[str, dict[str, int]]:
    """Every village counted from scratch, as of the day the tallies were computed for."""
    on = reference_date(year, TODAY)
    found = counts_by_village(
        codes=None, region=Region.objects.get(code=DISTRICT), year=year, on=on
    )
    return {code: dict(counts) for code, counts in found.items() if any(counts.values())}


def _fresh(p: dict) -> Person:
    return Person.objects.get(pk=p.pk)


def _register(p: dict) -> None:
    _person(61, VILLAGE_A2, wish_to_work="yes")


def _change_birth_date(p: dict) -> None:
    # An ID number of someone over working age: the person leaves the population.
    person = _fresh(p[9])
    person_update(
        person=person,
        by=None,
        version=person.version,
        id_number=make_id_number(seq=9, birth="19400101"),
    )


def _change_wish(p: dict) -> None:
    person = _fresh(p[9])
    person_update(person=person, by=None, version=person.version, wish_to_work="yes")


def _move_within_the_town(p: dict) -> None:
    person = _fresh(p[1])
    person_update(
        person=person, by=None, version=person.version, region=Region.objects.get(code=VILLAGE_A2)
    )


def _move_to_another_town(p: dict) -> None:
    person = _fresh(p[8])
    person_update(
        person=person, by=None, version=person.version, region=Region.objects.get(code=VILLAGE_B)
    )


def _archive(p: dict) -> None:
    person_archive(person=p[7], reason="重复登记", by=None)


def _move_away(p: dict) -> None:
    person_set_life_status(person=p[10], status=LifeStatus.MOVED, on=dt.date(YEAR, 5, 1))


def _open_a_job(p: dict) -> None:
    open_a_job_for(p[2])


WRITES = [
    _register,
    _change_birth_date,
    _change_wish,
    _move_within_the_town,
    _move_to_another_town,
    _archive,
    _move_away,
    _open_a_job,
    _end_a_job,
    _archive_a_job,
]


@pytest.mark.parametrize("write", WRITES)
def test_the_stored_tallies_equal_a_recount_after_each_write(town, write: Callable) -> None:  # noqa: ANN001, F811
    assert_tallies_are_live()  # every village's tally computed, nothing marked
    before = _stored()
    assert before == _recount()
    write(town)
    assert not DirtyRegion.objects.exists()  # nothing left for a recount
    after = _stored()
    assert after == _recount()
    assert after != before  # the write did change a count (else this test could not fail)
    assert_tallies_are_live()


def test_a_move_moves_both_villages(town) -> None:  # noqa: ANN001, F811
    assert_tallies_are_live()
    before = _stored()
    _move_within_the_town(town)
    after = _stored()
    assert not DirtyRegion.objects.exists()
    assert after[VILLAGE_A]["unemployed"] == before[VILLAGE_A]["unemployed"] - 1
    assert after[VILLAGE_A2]["unemployed"] == before[VILLAGE_A2]["unemployed"] + 1
    assert after == _recount()


def test_every_year_the_village_has_tallies_of_follows(town) -> None:  # noqa: ANN001, F811
    assert_tallies_are_live()
    # Read last year too: the villages now have tallies of two years.
    selectors.coverage(region=Region.objects.get(code=DISTRICT), year=YEAR - 1, today=TODAY)
    assert _stored(YEAR - 1) == _recount(YEAR - 1)
    before = _stored(YEAR - 1)
    _archive(town)
    assert not DirtyRegion.objects.exists()
    assert _stored(YEAR - 1) == _recount(YEAR - 1) != before
    assert _stored() == _recount()


def test_a_village_without_a_tally_is_marked(town) -> None:  # noqa: ANN001, F811
    assert_tallies_are_live()
    CoverageTally.objects.filter(village_id=VILLAGE_B).delete()
    _move_to_another_town(town)
    assert list(DirtyRegion.objects.values_list("code", flat=True)) == [VILLAGE_B]
    assert _stored()[VILLAGE_A2] == _recount()[VILLAGE_A2]  # the village left was moved
    assert_tallies_are_live()


def test_a_write_in_a_marked_village_is_left_to_the_recount(town) -> None:  # noqa: ANN001, F811
    assert_tallies_are_live()
    core_tallies.mark_dirty([VILLAGE_A2])  # an import wrote there and was not recounted yet
    before = _stored()
    _archive(town)
    assert _stored() == before  # not moved from a count that may not hold the person
    assert DirtyRegion.objects.filter(code=VILLAGE_A2).count() == 2  # marked again
    assert_tallies_are_live()
    assert not DirtyRegion.objects.exists()


def test_a_large_write_is_not_stepped(town) -> None:  # noqa: ANN001, F811
    assert_tallies_are_live()  # nothing marked
    many = [f"{n:032x}" for n in range(STEP_PERSONS + 1)]  # more persons than a step takes
    assert registry_step(many, [VILLAGE_A]) is None
    with core_tallies.stepping(person_ids=many, regions=[VILLAGE_A]):
        pass
    assert list(DirtyRegion.objects.values_list("code", flat=True)) == [VILLAGE_A]
