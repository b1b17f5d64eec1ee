"""The matching rules: the factors and their reasons, the hard exclusions (always stated), the
candidate pool, ties, weights as data, and the rankings agreeing with ``explain`` pair by pair."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import TOWN_A, VILLAGE_A
from jiuye.employment.models import EmploymentForm, Source
from jiuye.employment.services import employment_open
from jiuye.jobs.models import AccessFeature, Hours, MatchWeight, Posting
from jiuye.jobs.selectors.matching import (
    DEFAULT_WEIGHTS,
    NEEDS,
    candidates_for_posting,
    explain,
    postings_for_person,
    round_half_up,
    weights,
    why_not_candidate,
)
from jiuye.jobs.services.matching import weights_save
from jiuye.jobs.tests import matching_fixtures
from jiuye.people.models import AssistiveNeed, Education, LifeStatus, Person, WishToWork

pytestmark = pytest.mark.django_db

far_region = matching_fixtures.far_region
posting_of = matching_fixtures.posting_of
make_seeker = matching_fixtures.make_seeker
FAR_VILLAGE = matching_fixtures.FAR_VILLAGE
VILLAGE_A2 = matching_fixtures.VILLAGE_A2
VILLAGE_C = matching_fixtures.VILLAGE_C


def rank(posting: Posting, **kwargs):  # noqa: ANN003, ANN201
    return candidates_for_posting(posting=posting, persons=Person.objects.all(), **kwargs)


def names(ranking) -> list[str]:  # noqa: ANN001
    return [person.name for person, _match in ranking.results]


def reason(match, factor: str):  # noqa: ANN001, ANN201
    return next(r for r in match.reasons if r.factor == factor)


# --- the rules the issue names -------------------------------------------------------------


def online_service(posting_of, **extra):  # noqa: ANN001, ANN003, ANN201
    """A remote, part-time customer service job for grades 3 and 4, step-free and in writing."""
    return posting_of(
        title="线上客服",
        is_remote=True,
        skills=["客服", "打字"],
        accessibility=[AccessFeature.STEP_FREE, AccessFeature.WRITTEN],
        suitable_grades=[3, 4],
        hours=Hours.PART_TIME,
        **extra,
    )


def test_a_remote_job_suits_a_person_anywhere(posting_of, far_region) -> None:  # noqa: ANN001
    far = make_seeker("远方", village=FAR_VILLAGE, skills="电商")
    posting = posting_of(is_remote=True, village=VILLAGE_A, skills=["电商"])

    ranking = rank(posting)

    assert names(ranking) == ["远方"]
    match = ranking.results[0][1]
    distance = reason(match, "distance")
    assert (distance.points, distance.text) == (20, "可远程/线上工作")
    assert "可远程/线上工作" in match.summary
    assert explain(posting=posting, person=far).score == match.score


def test_the_same_person_far_away_gets_a_tenth_of_the_distance_for_an_onsite_job(
    posting_of, far_region
) -> None:  # noqa: ANN001
    far = make_seeker("远方", village=FAR_VILLAGE)
    match = explain(posting=posting_of(village=VILLAGE_A), person=far)
    distance = reason(match, "distance")
    assert (distance.points, distance.text) == (2, "距离较远")


def test_a_job_not_suited_to_hearing_disability_never_ranks_a_deaf_person_and_says_so(
    posting_of,
) -> None:  # noqa: ANN001
    deaf = make_seeker("孙聋", category=2, skills="电商客服")
    physical = make_seeker("周肢", category=4, skills="电商客服")
    posting = posting_of(suitable_categories=[4], skills=["电商"])

    ranking = rank(posting)

    assert names(ranking) == ["周肢"]
    assert ranking.considered == 2
    assert ranking.excluded == [("岗位不适合听力残疾", 1)]
    why = explain(posting=posting, person=deaf)
    assert why.excluded == "岗位不适合听力残疾"
    suits = reason(explain(posting=posting, person=physical), "suitability")
    assert (suits.points, suits.text) == (15, "适合肢体残疾")


def test_a_job_open_to_every_category_gives_two_thirds_of_suitability(posting_of) -> None:  # noqa: ANN001
    person = make_seeker("周肢")
    suits = reason(explain(posting=posting_of(), person=person), "suitability")
    assert (suits.points, suits.text) == (10, "不限残疾类别")


def test_nearer_beats_farther_when_all_else_is_equal(posting_of, far_region) -> None:  # noqa: ANN001
    # Named so that the alphabet would put them the other way round.
    make_seeker("甲远", village=FAR_VILLAGE)
    make_seeker("乙县", village=VILLAGE_C)
    make_seeker("丙镇", village=VILLAGE_A2)
    make_seeker("丁村", village=VILLAGE_A)
    posting = posting_of(village=VILLAGE_A)

    ranking = rank(posting)

    assert names(ranking) == ["丁村", "丙镇", "乙县", "甲远"]
    texts = [reason(m, "distance").text for _p, m in ranking.results]
    assert texts == ["同一村（社区）", "同一街道", "同一区县", "距离较远"]
    assert [reason(m, "distance").points for _p, m in ranking.results] == [20, 15, 10, 2]


def test_a_posting_placed_at_the_town_counts_its_villages_as_the_same_town(posting_of) -> None:  # noqa: ANN001
    person = make_seeker("丁村", village=VILLAGE_A)
    assert reason(explain(posting=posting_of(village=TOWN_A), person=person), "distance").text == (
        "同一街道"
    )


def test_explanations_match_the_scores_in_both_rankings(posting_of, far_region) -> None:  # noqa: ANN001
    """A varied population: every ranked score is its reasons' sum and explain()'s score."""
    rng = random.Random(7)
    villages = [VILLAGE_A, VILLAGE_A2, VILLAGE_C, "440199002001", FAR_VILLAGE]
    skills = ["电商 客服", "客服", "直播带货", "电脑打字", "", "按摩推拿", "Python 编程"]
    hours = ["", "any", "full_time", "part_time", "flexible"]
    for n in range(40):
        needs = None
        if n % 3:
            needs = {
                "hours": rng.choice(hours),
                "expected_wage": rng.choice([None, 2000, 3000, 4500]),
                "desired_jobs": rng.choice(["", "客服", "电商运营", "按摩", " "]),
            }
        make_seeker(
            f"人员{n:02d}",
            village=rng.choice(villages),
            category=rng.choice([1, 2, 4, 5, None]),
            grade=rng.choice([1, 2, 3, 4]),
            education=rng.choice(["", *Education.values]),
            skills=rng.choice(skills),
            work_preferences=rng.choice(["", "客服", "线上工作", "电商"]),
            assistive_needs=rng.sample(list(NEEDS), rng.choice([0, 0, 1, 2])),
            needs=needs,
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
        online_service(posting_of),
        posting_of(title="仓库管理", skills=[], education_min="college"),
    ]
    for posting in postings:
        ranking = rank(posting, limit=50)
        excluded_total = sum(n for _text, n in ranking.excluded)
        assert len(ranking.results) == ranking.considered - excluded_total
        for person, match in ranking.results:
            assert match.score == sum(r.points for r in match.reasons)
            reference = explain(posting=posting, person=person)
            assert not reference.excluded
            assert (match.score, match.reasons) == (reference.score, reference.reasons)
        scores = [m.score for _p, m in ranking.results]
        assert scores == sorted(scores, reverse=True)
    for person in Person.objects.all()[:12]:
        ranking = postings_for_person(person=person, postings=Posting.objects.all())
        assert ranking.considered == 4
        for posting, match in ranking.results:
            reference = explain(posting=posting, person=person)
            assert (match.score, match.reasons) == (reference.score, reference.reasons)
            assert match.score == sum(r.points for r in match.reasons)


def test_the_sql_score_of_every_pair_is_the_python_explained_score(posting_of, far_region) -> None:  # noqa: ANN001
    """ADR 0006: one rule set, scored in SQL for rankings and in Python for explanations. For
    every eligible pair, the score SQL ranked by (``match_score``) and the distance rank it broke
    ties with are exactly ``explain()``'s, with the shipped weights and with odd ones (rounding)."""
    rng = random.Random(13)
    villages = [VILLAGE_A, VILLAGE_A2, VILLAGE_C, "440199002001", FAR_VILLAGE]
    for n in range(36):
        needs = None
        if n % 4:
            needs = {
                "hours": rng.choice(["", "any", "full_time", "part_time", "flexible", "shifts"]),
                "expected_wage": rng.choice([None, 1800, 3000, 5200]),
                "desired_jobs": rng.choice(["", "客服", "按摩 推拿", "仓库", "电商运营"]),
                "remote_ok": rng.choice([True, False]),
            }
        make_seeker(
            f"配对{n:02d}",
            village=rng.choice(villages),
            category=rng.choice([1, 2, 3, 4, 6, None]),
            grade=rng.choice([1, 2, 3, 4, None]),
            education=rng.choice(["", *Education.values]),
            skills=rng.choice(["电商 客服", "客服 打字", "按摩推拿", "叉车 仓库", "", "Excel"]),
            work_preferences=rng.choice(["", "客服", "按摩", "仓库管理", "线上"]),
            assistive_needs=rng.sample(list(NEEDS), rng.choice([0, 0, 1, 2, 3])),
            needs=needs,
        )
    postings = [
        posting_of(skills=["电商", "客服"], education_min="junior", wage_max=3000),
        posting_of(
            title="按摩师",
            skills=["按摩", "推拿"],
            suitable_categories=[1, 4],
            accessibility=[AccessFeature.SCREEN_READER, AccessFeature.BRAILLE],
            hours=Hours.SHIFTS,
            village=VILLAGE_C,
        ),
        online_service(posting_of, wage_max=5000),
        posting_of(title="仓库管理员", skills=[], education_min="college", village=FAR_VILLAGE),
    ]
    odd = {factor: rng.randint(0, 100) for factor in weights()}
    compared = 0
    for weight_set in (None, odd):
        if weight_set:
            weights_save(values=weight_set, by=None)
        for posting in postings:
            ranking = rank(posting, limit=100)
            for person, match in ranking.results:
                reference = explain(posting=posting, person=person)
                assert (person.match_score, person.match_distance) == (
                    reference.score,
                    reference.distance_rank,
                ), person.name
                assert match.score == reference.score
                compared += 1
    # Enough eligible pairs of each posting to mean something.
    assert compared > 60


# --- the other factors and exclusions -------------------------------------------------------


def test_an_essential_need_the_job_lacks_excludes_and_a_useful_one_lowers_the_score(
    posting_of,
) -> None:  # noqa: ANN001
    wheelchair = make_seeker("轮椅", assistive_needs=[AssistiveNeed.WHEELCHAIR])
    signing = make_seeker(
        "手语", category=2, assistive_needs=[AssistiveNeed.SIGN_LANGUAGE, AssistiveNeed.WHEELCHAIR]
    )
    no_ramp = posting_of()
    ramp = posting_of(accessibility=[AccessFeature.STEP_FREE])

    assert names(rank(no_ramp)) == []
    assert rank(no_ramp).excluded == [("必需无障碍通道，岗位没有", 2)]
    assert explain(posting=no_ramp, person=wheelchair).excluded == "必需无障碍通道，岗位没有"
    access = reason(explain(posting=ramp, person=signing), "accessibility")
    assert (access.points, access.text) == (10, "需要无障碍通道：有；需要手语支持：无")
    assert reason(explain(posting=ramp, person=wheelchair), "accessibility").points == 20
    assert names(rank(ramp)) == ["轮椅", "手语"]


def test_no_assistive_needs_gives_full_accessibility(posting_of) -> None:  # noqa: ANN001
    access = reason(explain(posting=posting_of(), person=make_seeker("甲")), "accessibility")
    assert (access.points, access.text) == (20, "无特殊无障碍需求")


def test_a_grade_the_job_does_not_suit_excludes_with_its_name(posting_of) -> None:  # noqa: ANN001
    make_seeker("一级", grade=1)
    make_seeker("三级", grade=3)
    posting = posting_of(suitable_grades=[3, 4])
    ranking = rank(posting)
    assert names(ranking) == ["三级"]
    assert ranking.excluded == [("岗位不适合一级残疾", 1)]


def test_each_excluded_person_is_counted_once_under_the_first_reason(posting_of) -> None:  # noqa: ANN001
    make_seeker("聋轮椅", category=2, grade=1, assistive_needs=[AssistiveNeed.WHEELCHAIR])
    make_seeker("肢轮椅", category=4, grade=1, assistive_needs=[AssistiveNeed.WHEELCHAIR])
    make_seeker("肢轮椅三", category=4, grade=3, assistive_needs=[AssistiveNeed.WHEELCHAIR])
    make_seeker("未登记", category=None)
    ranking = rank(posting_of(suitable_categories=[4], suitable_grades=[3]))
    assert ranking.considered == 4
    assert ranking.excluded == [
        ("岗位只面向部分残疾类别，登记信息里还没有残疾类别", 1),
        ("岗位不适合听力残疾", 1),
        ("岗位不适合一级残疾", 1),
        ("必需无障碍通道，岗位没有", 1),
    ]
    assert ranking.results == []


def test_education_below_the_minimum_scores_nothing_and_names_the_level(posting_of) -> None:  # noqa: ANN001
    posting = posting_of(education_min="senior")
    low = reason(
        explain(posting=posting, person=make_seeker("初中", education="junior")), "education"
    )
    high = reason(
        explain(posting=posting, person=make_seeker("大专", education="college")), "education"
    )
    unknown = reason(explain(posting=posting, person=make_seeker("空")), "education")
    assert (low.points, low.text) == (0, "学历低于要求：高中")
    assert (high.points, high.text) == (10, "学历符合要求")
    assert (unknown.points, unknown.text) == (0, "未登记学历，岗位要求：高中")


def test_skills_score_the_share_of_the_posting_terms_found(posting_of) -> None:  # noqa: ANN001
    posting = posting_of(skills=["电商", "客服", "直播"])
    assert posting.terms.split() == ["电商", "客服", "直播"]
    half = reason(
        explain(posting=posting, person=make_seeker("甲", skills="做过电商客服")), "skills"
    )
    assert half.points == round_half_up(20, 2, 3) == 13
    assert half.text == "技能匹配：电商、客服（未匹配：直播）"
    none = reason(explain(posting=posting, person=make_seeker("乙", skills="木工")), "skills")
    assert (none.points, none.text) == (0, "技能未匹配（岗位要求：电商、客服、直播）")
    free = reason(explain(posting=posting_of(skills=[]), person=make_seeker("丙")), "skills")
    assert (free.points, free.text) == (20, "岗位无技能要求")


def test_the_desired_jobs_of_the_latest_current_needs_registration_count(posting_of) -> None:  # noqa: ANN001
    year = timezone.localdate().year
    person = make_seeker("甲", needs={"desired_jobs": "直播", "year": year - 1})
    from jiuye.casework.models import NeedsRecord, WantsWork

    NeedsRecord.objects.create(
        person=person,
        year=year,
        registered_on=dt.date(year, 1, 2),
        wants_work=WantsWork.YES,
        desired_jobs="电商客服",
        hours="part_time",
        expected_wage=3000,
    )
    NeedsRecord.objects.create(
        person=person,
        year=year + 1,
        registered_on=dt.date(year, 1, 3),
        wants_work=WantsWork.YES,
        desired_jobs="木工",
        is_current=False,
    )
    posting = posting_of(skills=["电商"], wage_max=2500, hours=Hours.FULL_TIME)
    match = explain(posting=posting, person=person)
    assert reason(match, "skills").text == "技能匹配：电商"
    assert reason(match, "preferences").text == "符合求职意向：电商"
    wage = reason(match, "wage")
    assert (wage.points, wage.text) == (0, "期望月薪3000元，高于岗位上限2500元")
    hours = reason(match, "hours")
    assert (hours.points, hours.text) == (0, "希望兼职，岗位为全职")
    assert rank(posting).results[0][1].score == match.score


def test_no_stated_preferences_give_half_and_unrelated_ones_nothing(posting_of) -> None:  # noqa: ANN001
    posting = posting_of(title="电商客服")
    silent = reason(explain(posting=posting, person=make_seeker("甲")), "preferences")
    other = reason(
        explain(posting=posting, person=make_seeker("乙", work_preferences="木工")), "preferences"
    )
    assert (silent.points, silent.text) == (3, "未说明求职意向")
    assert (other.points, other.text) == (0, "与求职意向不符")


def test_only_job_seekers_of_working_age_without_a_job_are_considered(posting_of) -> None:  # noqa: ANN001
    today = timezone.localdate()
    make_seeker("求职")
    make_seeker("无意愿", wish_to_work=WishToWork.NO)
    make_seeker("超龄", birth="19500101")
    archived = make_seeker("已归档")
    Person.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    dead = make_seeker("已故")
    Person.objects.filter(pk=dead.pk).update(
        life_status=LifeStatus.DECEASED, life_status_date=today - dt.timedelta(days=3)
    )
    working = make_seeker("在职")
    employment_open(
        person=working,
        by=None,
        source=Source.STAFF,
        form=EmploymentForm.FLEXIBLE,
        start_date=today - dt.timedelta(days=30),
    )

    ranking = rank(posting_of())

    assert names(ranking) == ["求职"]
    assert ranking.considered == 1
    assert why_not_candidate(working, today) == "目前已就业"
    assert why_not_candidate(Person.objects.get(name="无意愿"), today).startswith("未登记就业意愿")
    assert why_not_candidate(Person.objects.get(name="超龄"), today) == "不在就业年龄段"
    assert why_not_candidate(Person.objects.get(pk=dead.pk), today) == "人员已故或已迁出"
    assert why_not_candidate(Person.objects.get(pk=archived.pk), today) == "档案已归档"
    assert why_not_candidate(Person.objects.get(name="求职"), today) == ""


def test_ties_are_broken_by_name_then_the_limit_applies(posting_of) -> None:  # noqa: ANN001
    for name in ["丙", "甲", "乙", "丁"]:
        make_seeker(name)
    ranking = rank(posting_of(), limit=3)
    assert names(ranking) == sorted(["丙", "甲", "乙", "丁"])[:3]
    assert ranking.considered == 4


def test_the_town_officers_pool_holds_only_their_town(posting_of, personas) -> None:  # noqa: ANN001
    from jiuye.core.scoping import scope_for

    make_seeker("东城", village=VILLAGE_A)
    make_seeker("西城", village="440199002001")
    ranking = candidates_for_posting(
        posting=posting_of(), persons=scope_for(personas["town_a"], Person)
    )
    assert "西城" not in names(ranking)
    assert "东城" in names(ranking)


# --- weights are data -----------------------------------------------------------------------


def test_the_weights_come_from_the_table_and_change_the_score(posting_of) -> None:  # noqa: ANN001
    # The table the data migration fills holds the documented defaults.
    assert weights() == DEFAULT_WEIGHTS
    person = make_seeker("甲", village=VILLAGE_A2)
    posting = posting_of(village=VILLAGE_A)
    before = explain(posting=posting, person=person)
    weights_save(values={**weights(), "distance": 40}, by=None)
    after = explain(posting=posting, person=person)
    assert reason(after, "distance").points == 30
    assert after.score == before.score + 15
    assert MatchWeight.objects.get(factor="distance").weight == 40


def test_weights_outside_0_to_100_or_not_whole_numbers_are_refused() -> None:
    with pytest.raises(ValidationError) as error:
        weights_save(values={**weights(), "distance": "101", "skills": "2.5"}, by=None)
    messages = error.value.message_dict
    assert messages["distance"] == ["距离的权重须在 0 到 100 之间。"]
    assert messages["skills"] == ["技能的权重请填写 0 到 100 的整数。"]
    with pytest.raises(ValidationError):
        weights_save(values=dict.fromkeys(weights(), 0), by=None)
    assert weights()["distance"] == 20


# --- a person's ranked postings -------------------------------------------------------------


def test_postings_for_a_person_rank_and_count_the_exclusions(posting_of) -> None:  # noqa: ANN001
    deaf = make_seeker("孙聋", category=2, skills="电商")
    posting_of(title="电商运营", skills=["电商"])
    posting_of(title="客服专员", skills=["客服"])
    posting_of(title="电话客服", suitable_categories=[4, 1])
    posting_of(title="仓库", accessibility=[], suitable_grades=[1])

    ranking = postings_for_person(person=deaf, postings=Posting.objects.all())

    assert [p.title for p, _m in ranking.results] == ["电商运营", "客服专员"]
    assert ranking.considered == 4
    assert sorted(ranking.excluded) == [("岗位不适合三级残疾", 1), ("岗位不适合听力残疾", 1)]


def test_postings_for_a_wheelchair_user_skip_jobs_without_step_free_access(posting_of) -> None:  # noqa: ANN001
    person = make_seeker("轮椅", assistive_needs=[AssistiveNeed.WHEELCHAIR])
    posting_of(title="有坡道", accessibility=[AccessFeature.STEP_FREE])
    posting_of(title="无坡道")
    ranking = postings_for_person(person=person, postings=Posting.objects.all())
    assert [p.title for p, _m in ranking.results] == ["有坡道"]
    assert ranking.excluded == [("必需无障碍通道，岗位没有", 1)]
