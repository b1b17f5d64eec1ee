"""Ranking a whole fair (``rank_fair``, issue 19): the batch scorer gives ``_match``'s score
for every pair, and each posting's ranking is ``candidates_for_posting``'s over the fair's
seekers, within the caller's scope."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from conftest import TOWN_A
from jiuye.jobs.models import AccessFeature, Fair, Hours
from jiuye.jobs.selectors.fair_matching import _PairScorer, rank_fair
from jiuye.jobs.selectors.matching import (
    DEFAULT_WEIGHTS,
    NEEDS,
    PersonFacts,
    PostingFacts,
    _exclusion,
    _match,
    candidates_for_posting,
)
from jiuye.jobs.tests import matching_fixtures
from jiuye.jobs.tests.matching_fixtures import FAR_VILLAGE, VILLAGE_A2, VILLAGE_C, make_seeker
from jiuye.people.models import Education, Person
from jiuye.people.services import person_archive

posting_of = matching_fixtures.posting_of
far_region = matching_fixtures.far_region


PLACES = ["440199001001", "440199001002", "440199003200", "440199002001", "440106001001"]
TERMS = ["电商", "客服", "按摩", "推拿", "仓库", "excel"]


def _person(rng: random.Random) -> PersonFacts:
    return PersonFacts(
        region_id=rng.choice(
            ["440199001001", "440199001002", "440199003200", "440199002001", "440106001001"]
        ),
        category_id=rng.choice([1, 2, 3, 4, 6, None]),
        category_name="类别",
        grade_id=rng.choice([1, 2, 3, 4, None]),
        grade_name="等级",
        education=rng.choice(["", *Education.values]),
        needs=tuple(c for c in NEEDS if rng.random() < 0.15),
        skills=rng.choice(["电商 客服", "客服 打字", "按摩推拿", "叉车 仓库", "", "Excel"]),
        work_preferences=rng.choice(["", "客服", "按摩", "仓库管理", "线上", "  "]),
        desired_jobs=rng.choice(["", "客服", "按摩 推拿", "仓库", "电商运营", " "]),
        hours=rng.choice(["", "any", "full_time", "part_time", "flexible", "shifts"]),
        expected_wage=rng.choice([None, Decimal("1800"), Decimal("3000"), Decimal("5200.50")]),
    )


def _posting(rng: random.Random) -> PostingFacts:
    features = list(AccessFeature.values)
    return PostingFacts(
        region_id=rng.choice(["440199001001", "440199001000", "440199003200", "440106001001"]),
        is_remote=rng.random() < 0.2,
        hours=rng.choice(list(Hours.values)),
        wage_max=rng.choice([None, Decimal("3000"), Decimal("5200.50")]),
        education_min=rng.choice(["", *Education.values]),
        accessibility=frozenset(f for f in features if rng.random() < 0.4),
        terms=tuple(
            rng.sample(["电商", "客服", "按摩", "推拿", "仓库", "excel"], rng.randint(0, 3))
        ),
        title_terms=tuple(rng.sample(["客服", "按摩", "仓库", "运营"], rng.randint(0, 2))),
        categories=rng.choice([None, frozenset([1, 4]), frozenset([2])]),
        grades=rng.choice([None, None, frozenset([3, 4])]),
    )


def test_the_batch_scorer_gives_the_explained_score_of_every_pair() -> None:
    """``_PairScorer`` against ``_match`` (the reference) on 200 × 60 varied pairs, with the
    shipped weights and odd ones (rounding): same score and distance rank, and None exactly
    for the pairs ``_exclusion`` keeps out."""
    rng = random.Random(19)
    persons = [_person(rng) for _ in range(200)]
    postings = [_posting(rng) for _ in range(60)]
    odd = {factor: rng.randint(0, 100) for factor in DEFAULT_WEIGHTS}
    excluded = scored = 0
    for w in (dict(DEFAULT_WEIGHTS), odd):
        for posting in postings:
            scorer = _PairScorer(posting, w)
            for person in persons:
                got = scorer.score(person, person.text, person.preference_text, {})
                reference = _match(posting, person, w)
                if _exclusion(posting, person):
                    assert got is None
                    assert scorer.exclusion(person) == _exclusion(posting, person)
                    excluded += 1
                else:
                    assert got == (reference.score, reference.distance_rank)
                    scored += 1
    assert excluded > 1000 and scored > 5000


def _fair(postings: list, persons: list) -> Fair:  # noqa: ANN001
    return matching_fixtures.make_fair("全区残疾人专场招聘会", postings, persons)


def _varied_world(posting_of, rng: random.Random) -> tuple[Fair, list]:  # noqa: ANN001
    villages = [matching_fixtures.VILLAGE_A, VILLAGE_A2, VILLAGE_C, "440199002001", FAR_VILLAGE]
    persons = []
    for n in range(40):
        needs = None
        if n % 3:
            needs = {
                "hours": rng.choice(["", "any", "full_time", "part_time", "flexible"]),
                "expected_wage": rng.choice([None, 2000, 3000, 4500]),
                "desired_jobs": rng.choice(["", "客服", "电商运营", "按摩", " "]),
            }
        persons.append(
            make_seeker(
                f"求职{n:02d}",
                village=rng.choice(villages),
                category=rng.choice([1, 2, 4, 5, None]),
                grade=rng.choice([1, 2, 3, 4]),
                education=rng.choice(["", *Education.values]),
                skills=rng.choice(["电商 客服", "客服", "直播带货", "按摩推拿", ""]),
                work_preferences=rng.choice(["", "客服", "线上工作", "电商"]),
                assistive_needs=rng.sample(list(NEEDS), rng.choice([0, 0, 1, 2])),
                needs=needs,
            )
        )
    postings = [
        posting_of(skills=["电商", "客服"], education_min="junior", wage_max=3000),
        posting_of(
            title="盲人按摩师",
            skills=["按摩"],
            suitable_categories=[1],
            accessibility=[AccessFeature.SCREEN_READER, AccessFeature.BRAILLE],
            hours=Hours.SHIFTS,
            village=VILLAGE_C,
        ),
        posting_of(title="线上客服", skills=["客服"], is_remote=True, hours=Hours.FLEXIBLE),
        posting_of(title="仓库管理", skills=[], education_min="college", suitable_grades=[3, 4]),
    ]
    return _fair(postings, persons[:34]), persons


@pytest.mark.django_db
def test_each_posting_of_the_fair_ranks_as_candidates_for_posting_over_the_fair_seekers(
    posting_of, far_region
) -> None:  # noqa: ANN001
    fair, persons = _varied_world(posting_of, random.Random(5))
    # Registered but outside every pool: archived.
    person_archive(person=persons[0], by=None, reason="重复录入")
    seekers = Person.objects.filter(pk__in=fair.seekers.values("person_id"))
    ranking = rank_fair(fair=fair, persons=Person.objects.all(), limit=8)
    assert ranking.registered == 34 and ranking.seekers == 33
    assert len(ranking.rows) == 4
    compared = 0
    for posting, got in ranking.rows:
        expected = candidates_for_posting(posting=posting, persons=seekers, limit=8)
        assert [(p.pk, m.score, m.reasons) for p, m in got.results] == [
            (p.pk, m.score, m.reasons) for p, m in expected.results
        ]
        assert got.considered == expected.considered == 33
        assert dict(got.excluded) == dict(expected.excluded)
        compared += len(got.results)
    assert compared >= 20
    # Persons not registered for the fair are never ranked.
    ranked = {p.pk for _posting, r in ranking.rows for p, _m in r.results}
    assert ranked <= set(seekers.values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_town_officer_ranks_only_the_fair_seekers_of_their_town(
    posting_of, far_region, personas
) -> None:  # noqa: ANN001
    from jiuye.core.scoping import scope_for

    fair, _persons = _varied_world(posting_of, random.Random(6))
    town = rank_fair(fair=fair, persons=scope_for(personas["town_a"], Person))
    district = rank_fair(fair=fair, persons=scope_for(personas["district"], Person))
    towns = {p.region_id[:9] for _posting, r in town.rows for p, _m in r.results}
    assert towns == {TOWN_A[:9]}
    assert town.seekers < district.seekers
    assert (
        town.registered
        == Person.objects.filter(
            pk__in=fair.seekers.values("person_id"), region__code__startswith=TOWN_A[:9]
        ).count()
    )
    district_towns = {p.region_id[:9] for _posting, r in district.rows for p, _m in r.results}
    assert len(district_towns) > 1
