""" "Jobs for me" scores only the postings that can still reach the top list (issue 19): the
pruned ranking is the full ranking, posting for posting and in the same order, for persons with
and without words, needs, wages and hours, at several list lengths and with odd weights."""

from __future__ import annotations

import random

import pytest
from django.db.models.functions import Trim

from conftest import VILLAGE_A
from jiuye.jobs.models import AccessFeature, Hours, Posting
from jiuye.jobs.selectors.matching import (
    NEEDS,
    PersonFacts,
    _listing,
    _posting_bounds,
    explain,
    latest_needs,
    postings_for_person,
    weights,
)
from jiuye.jobs.services.matching import weights_save
from jiuye.jobs.tests import matching_fixtures
from jiuye.people.models import Education, Person

pytestmark = pytest.mark.django_db

far_region = matching_fixtures.far_region
posting_of = matching_fixtures.posting_of
make_seeker = matching_fixtures.make_seeker
VILLAGES = [
    VILLAGE_A,
    matching_fixtures.VILLAGE_A2,
    matching_fixtures.VILLAGE_C,
    "440199002001",
    matching_fixtures.FAR_VILLAGE,
]
SKILLS = [["电商", "客服"], ["按摩", "推拿"], ["客服"], [], ["仓库"], ["直播", "带货"], ["打字"]]
TITLES = ["电商客服", "按摩师", "仓库管理员", "文员", "直播助理"]


def _world(posting_of, rng: random.Random) -> list[Person]:  # noqa: ANN001
    """36 postings and 24 job seekers, varied on every factor (many ties on purpose)."""
    for n in range(36):
        posting_of(
            title=rng.choice(TITLES),
            village=rng.choice(VILLAGES),
            is_remote=n % 9 == 0,
            skills=rng.choice(SKILLS),
            hours=rng.choice(list(Hours.values)),
            wage_max=rng.choice([None, 2500, 3000, 5000]),
            education_min=rng.choice(["", "", "junior", "senior", "college"]),
            accessibility=rng.choice(
                [
                    [],
                    [AccessFeature.STEP_FREE],
                    [AccessFeature.SCREEN_READER, AccessFeature.BRAILLE],
                    [AccessFeature.WRITTEN, AccessFeature.FLEXIBLE_HOURS],
                ]
            ),
            suitable_categories=rng.choice([[], [], [1, 4], [2]]),
        )
    persons = []
    for n in range(24):
        needs = None
        if n % 3:
            needs = {
                "hours": rng.choice(["", "any", *Hours.values]),
                "expected_wage": rng.choice([None, 1800, 3000, 5200]),
                "desired_jobs": rng.choice(["", "客服", "按摩", " ", "电商运营"]),
            }
        persons.append(
            make_seeker(
                f"求职{n:02d}",
                village=rng.choice(VILLAGES),
                category=rng.choice([1, 2, 4, None]),
                grade=rng.choice([1, 2, 3, 4]),
                education=rng.choice(["", *Education.values]),
                # Half without any words: their skills and preferences are known exactly.
                skills=rng.choice(["", "", "电商 客服", "按摩推拿", "仓库 打字"]),
                work_preferences=rng.choice(["", "", "客服", "直播"]),
                assistive_needs=rng.sample(list(NEEDS), rng.choice([0, 0, 1, 2])),
                needs=needs,
            )
        )
    return persons


def _ranked(ranking) -> list[tuple[str, int, list]]:  # noqa: ANN001
    return [(str(p.pk), m.score, m.reasons) for p, m in ranking.results]


def test_the_pruned_ranking_is_the_full_ranking(posting_of, far_region) -> None:  # noqa: ANN001
    persons = _world(posting_of, random.Random(19))
    odd = {factor: random.Random(5).randint(0, 40) for factor in weights()}
    odd["skills"], odd["preferences"] = 37, 9  # rounding of shares, and text worth a lot
    compared = 0
    for weight_set in (None, odd):
        if weight_set:
            weights_save(values=weight_set, by=None)
        for person in persons:
            for limit in (1, 4, 20):
                full = postings_for_person(
                    person=person, postings=Posting.objects.all(), limit=limit, prune=False
                )
                pruned = postings_for_person(
                    person=person, postings=Posting.objects.all(), limit=limit
                )
                assert _ranked(pruned) == _ranked(full), (person.name, limit)
                assert (pruned.considered, pruned.excluded) == (full.considered, full.excluded)
                compared += len(full.results)
    assert compared > 300


def test_each_bound_holds_the_python_score(posting_of, far_region) -> None:  # noqa: ANN001
    """The SQL least and most of every eligible pair enclose ``explain``'s score, and meet it
    for a person without words."""

    persons = _world(posting_of, random.Random(23))
    w = weights()
    exact_pairs = 0
    for person in persons:
        needs = latest_needs([person.pk]).get(person.pk)
        who = PersonFacts.of(person, needs)
        listing = _listing(person)
        _exact, low, high = _posting_bounds(
            who, w, listing, text=who.text, preference_text=who.preference_text
        )
        rows = Posting.objects.alias(
            terms_trim=Trim("terms"), title_terms_trim=Trim("title_terms")
        ).annotate(least=low, most=high)
        for posting in rows:
            match = explain(posting=posting, person=person)
            if match.excluded:
                continue
            assert posting.least <= match.score <= posting.most, (person.name, posting.title)
            if not who.text.strip() and not who.preference_text:
                assert posting.least == match.score == posting.most
                exact_pairs += 1
    assert exact_pairs > 20


@pytest.mark.parametrize(
    ("skills", "preferences"), [("", ""), ("电商 客服 按摩", "客服"), ("", "仓库")]
)
def test_only_the_postings_that_can_reach_the_list_are_scored(
    posting_of, far_region, skills, preferences
) -> None:  # noqa: ANN001
    """Pruning prunes: of 36 postings, only those that can reach the list (the best scores
    and their ties) are scored in full, with or without words; the list is still the full
    one."""
    _world(posting_of, random.Random(19))
    person = make_seeker("某人", village=VILLAGE_A, skills=skills, work_preferences=preferences)

    pruned = postings_for_person(person=person, postings=Posting.objects.all(), limit=3)
    full = postings_for_person(person=person, postings=Posting.objects.all(), limit=3, prune=False)

    assert _ranked(pruned) == _ranked(full)
    eligible = full.considered - full.excluded_total
    assert full.scored == eligible > 10
    assert 3 <= pruned.scored < eligible / 2
