"""Candidate pruning (issue 19): ``candidates_for_posting`` scores in SQL only the groups of
the pool (by village and education) that can reach its top rows, and returns exactly what
ranking everyone returns."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiuye.casework.models import NeedsRecord
from jiuye.core.crypto import encrypt
from jiuye.jobs.models import AccessFeature, Hours
from jiuye.jobs.selectors.matching import FACTORS, candidates_for_posting, explain
from jiuye.jobs.services.matching import weights_save
from jiuye.jobs.tests import matching_fixtures
from jiuye.jobs.tests.matching_fixtures import FAR_VILLAGE, VILLAGE_A2, VILLAGE_C
from jiuye.people.models import Education, Person
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

posting_of = matching_fixtures.posting_of
far_region = matching_fixtures.far_region

SKILLS = ["电商 客服", "客服 打字", "按摩推拿", "叉车 仓库", "", "Excel", "电商", "客服"]


def _seekers(count: int, seed: int) -> None:
    """``count`` varied job seekers in a few villages of three towns and one far county, two
    in three with a needs registration (made in bulk: the pool must be larger than a page)."""
    rng = random.Random(seed)
    villages = [
        matching_fixtures.VILLAGE_A,
        VILLAGE_A2,
        VILLAGE_C,
        "440199002001",
        FAR_VILLAGE,
    ]
    villages += list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="440199")
        .order_by("code")
        .values_list("code", flat=True)[:8]
    )
    cipher = encrypt("440199199001011234")
    today = timezone.localdate()
    people, needs = [], []
    for n in range(count):
        pk = uuid.uuid4()
        people.append(
            Person(
                id=pk,
                name=f"剪枝{n:03d}",
                id_number=cipher,
                id_number_index=f"prune-{seed}-{n}",
                sex="M" if n % 2 else "F",
                birth_date=dt.date(1975 + n % 25, 1 + n % 12, 1 + n % 28),
                region_id=rng.choice(villages),
                category_id=rng.choice([1, 2, 4, 5, None]),
                grade_id=rng.choice([1, 2, 3, 4]),
                education=rng.choice(["", *Education.values]),
                wish_to_work="yes",
                skills=rng.choice(SKILLS),
                work_preferences=rng.choice(["", "客服", "线上工作", "电商", "按摩"]),
                assistive_needs=rng.choice(
                    [[], [], [], ["wheelchair"], ["sign_language"], ["captions", "braille"]]
                ),
            )
        )
        if n % 3:
            needs.append(
                NeedsRecord(
                    person_id=pk,
                    year=today.year - (n % 2),
                    registered_on=today.replace(month=1, day=2),
                    wants_work="yes",
                    desired_jobs=rng.choice(["", "客服", "电商运营", "按摩", "仓库"]),
                    hours=rng.choice(["", "any", "full_time", "part_time", "flexible"]),
                    expected_wage=rng.choice([None, Decimal(2500), Decimal(3000), Decimal(4000)]),
                )
            )
    Person.objects.bulk_create(people)
    NeedsRecord.objects.bulk_create(needs)


def _postings(posting_of) -> list:  # noqa: ANN001
    return [
        posting_of(skills=["电商", "客服"], education_min="junior", wage_max=3000),
        posting_of(title="客服专员", skills=["客服"], village=VILLAGE_C, education_min="senior"),
        posting_of(
            title="按摩师",
            skills=["按摩", "推拿"],
            suitable_categories=[1, 4],
            accessibility=[AccessFeature.SIGN_LANGUAGE, AccessFeature.STEP_FREE],
            hours=Hours.SHIFTS,
            village="440199002001",
        ),
        posting_of(title="线上客服", skills=["客服"], is_remote=True, education_min="primary"),
        posting_of(title="仓库管理员", skills=[], village=FAR_VILLAGE),
        posting_of(title="文员", skills=["Excel"], education_min="college"),
    ]


def _everyone(posting, limit: int) -> list[tuple]:  # noqa: ANN001
    """The reference: every person of the pool explained in Python, sorted as the ranking
    sorts (score, distance, name, id)."""
    pool = candidates_for_posting(posting=posting, persons=Person.objects.all(), limit=10_000)
    rows = []
    for person, match in pool.results:
        reference = explain(posting=posting, person=person)
        assert match.score == reference.score
        rows.append((-reference.score, reference.distance_rank, person.name, str(person.pk)))
    return sorted(rows)[:limit]


def test_the_pruned_ranking_is_the_ranking_of_everyone(posting_of, far_region) -> None:  # noqa: ANN001
    """Same top list, scores and reasons as scoring every eligible person (``prune=False``)
    and as explaining every person in Python, for postings on site, remote, with a category
    list and an education minimum, with the shipped weights and odd ones; and the pruning
    did leave persons unscored for most postings."""
    _seekers(260, seed=3)
    postings = _postings(posting_of)
    rng = random.Random(11)
    pruned_somewhere = 0
    for weight_set in (None, {f: rng.randint(0, 40) for f in FACTORS}):
        if weight_set:
            weights_save(values=weight_set, by=None)
        for posting in postings:
            for limit in (1, 5, 12):
                with CaptureQueriesContext(connection) as queries:
                    pruned = candidates_for_posting(
                        posting=posting, persons=Person.objects.all(), limit=limit
                    )
                full = candidates_for_posting(
                    posting=posting, persons=Person.objects.all(), limit=limit, prune=False
                )
                got = [(p.pk, m.score, m.reasons) for p, m in pruned.results]
                assert got == [(p.pk, m.score, m.reasons) for p, m in full.results]
                assert (pruned.considered, pruned.excluded) == (full.considered, full.excluded)
                reference = _everyone(posting, limit)
                assert [str(p.pk) for p, _m in pruned.results] == [row[3] for row in reference]
                assert len(pruned.results) == limit
                ranking_sql = [q["sql"] for q in queries if "match_score" in q["sql"]]
                # A ranking restricted to the groups near the posting's village.
                pruned_somewhere += any('"region_id" >=' in sql for sql in ranking_sql)
    assert pruned_somewhere >= 6
