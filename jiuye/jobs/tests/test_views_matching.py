"""The matching pages: candidates for a posting (with the exclusions stated and the "why not
listed" lookup), postings for a person, and the weights form; who may open each, bad input,
wrong methods and query budgets."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from conftest import TOWN_A, VILLAGE_B, make_id_number
from jiuye.core.tests.responses import answer_about, assert_one_answer, error_page
from jiuye.jobs.models import MatchWeight, PostingStatus
from jiuye.jobs.services.postings import posting_create
from jiuye.jobs.tests import matching_fixtures

pytestmark = pytest.mark.django_db

match_world = matching_fixtures.match_world
make_posting = matching_fixtures.make_posting
make_seeker = matching_fixtures.make_seeker
region = matching_fixtures.region


def candidates_url(posting) -> str:  # noqa: ANN001
    return reverse("jobs:match-posting", args=[posting.pk])


def person_url(person) -> str:  # noqa: ANN001
    return reverse("jobs:match-person", args=[person.pk])


WEIGHTS = reverse("jobs:match-weights")


# --- candidates for a posting ---------------------------------------------------------------


def test_district_staff_see_ranked_candidates_with_reasons_and_a_referral_link(
    client_for, match_world
) -> None:  # noqa: ANN001
    posting = match_world["posting"]
    near = match_world["people"]["near"]
    response = client_for("district").get(candidates_url(posting))
    html = response.content.decode()
    assert response.status_code == 200
    assert "推荐人选：电商客服" in html
    for name in ("王东", "赵东", "钱西", "孙聋", "张三"):
        assert name in html
    assert "同一街道" in html and "技能匹配：电商、客服" in html
    referral = reverse("jobs:referral-create") + f"?person={near.pk}&amp;posting={posting.pk}"
    assert referral in html
    assert reverse("people:detail", args=[near.pk]) in html
    ranking = response.context["ranking"]
    assert ranking.considered == 5
    assert ranking.results[0][0].name in ("王东", "张三")


def test_a_posting_not_suited_to_hearing_disability_states_the_exclusion_on_the_page(
    client_for, match_world, employer_a
) -> None:  # noqa: ANN001
    posting = make_posting(employer_a, title="仓库管理", suitable_categories=[4])
    response = client_for("district").get(candidates_url(posting))
    html = response.content.decode()
    assert "因岗位不适合听力残疾排除 1 人" in html
    assert "孙聋" not in [p.name for p, _m in response.context["ranking"].results]


def test_a_town_officer_ranks_only_persons_of_their_town(client_for, match_world) -> None:  # noqa: ANN001
    posting = match_world["posting"]
    east = client_for("town_a").get(candidates_url(posting))
    west = client_for("town_b").get(candidates_url(posting))
    assert [p.name for p, _m in west.context["ranking"].results] == ["钱西"]
    assert "只列出西城街道的人员" in west.content.decode()
    east_names = [p.name for p, _m in east.context["ranking"].results]
    assert "钱西" not in east_names and "王东" in east_names


@pytest.mark.parametrize("persona", ["employer", "leader", "liaison", "jobseeker"])
def test_employers_leaders_liaisons_and_job_seekers_may_not_see_candidates(
    client_for, match_world, persona
) -> None:  # noqa: ANN001
    assert client_for(persona).get(candidates_url(match_world["posting"])).status_code == 403


def test_a_posting_the_user_cannot_see_is_not_found(client_for, match_world, employer_a) -> None:  # noqa: ANN001
    draft = posting_create(
        by=None, employer=employer_a, title="草稿岗位", region=region(TOWN_A), hours="full_time"
    )
    assert draft.status == PostingStatus.DRAFT
    assert client_for("town_b").get(candidates_url(draft)).status_code == 404
    assert client_for("town_a").get(candidates_url(draft)).status_code == 200
    missing = reverse("jobs:match-posting", args=[uuid.uuid4()])
    assert client_for("district").get(missing).status_code == 404


def test_a_draft_posting_ranks_but_offers_no_referral(client_for, match_world, employer_a) -> None:  # noqa: ANN001
    draft = posting_create(
        by=None, employer=employer_a, title="草稿岗位", region=region(TOWN_A), hours="full_time"
    )
    html = client_for("district").get(candidates_url(draft)).content.decode()
    assert "暂时不能推荐人员" in html
    assert reverse("jobs:referral-create") not in html


def test_the_candidates_page_refuses_other_methods(client_for, match_world) -> None:  # noqa: ANN001
    client = client_for("district")
    assert client.put(candidates_url(match_world["posting"])).status_code == 405
    assert client.delete(candidates_url(match_world["posting"])).status_code == 405


def test_why_not_listed_by_name_gives_the_hard_exclusion(
    client_for, match_world, employer_a
) -> None:  # noqa: ANN001
    posting = make_posting(employer_a, title="仓库管理", suitable_categories=[4])
    response = client_for("district").post(candidates_url(posting), {"who": "孙聋"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "岗位不适合听力残疾，不列入这个岗位的推荐名单" in html
    assert "各项得分" in html


def test_why_not_listed_by_id_number_says_when_the_person_has_a_job_or_no_wish(
    client_for, match_world
) -> None:  # noqa: ANN001
    from jiuye.people.models import WishToWork

    person = make_seeker(
        "不想", wish_to_work=WishToWork.NO, village="440199001003", birth="19910101"
    )
    person.refresh_from_db()
    response = client_for("town_a").post(
        candidates_url(match_world["posting"]), {"who": person.id_number}
    )
    html = response.content.decode()
    assert "不在求职人员范围内（未登记就业意愿" in html
    assert person.id_number not in html  # neither echoed in the form nor in any link
    assert person.masked_id_number in html


def test_why_not_listed_does_not_find_a_person_outside_the_officers_town(
    client_for, match_world
) -> None:  # noqa: ANN001
    response = client_for("town_a").post(candidates_url(match_world["posting"]), {"who": "钱西"})
    assert "在您负责的范围内没有找到这个人员" in response.content.decode()


def test_a_malformed_id_number_in_the_lookup_is_an_error_not_a_crash(
    client_for, match_world
) -> None:  # noqa: ANN001
    response = client_for("district").post(
        candidates_url(match_world["posting"]), {"who": "4401991990"}
    )
    error_page(response, "身份证号应为18位")
    empty = client_for("district").post(candidates_url(match_world["posting"]), {"who": " "})
    assert "请填写要查看的人员的姓名或18位身份证号" in empty.content.decode()


def test_the_candidates_page_stays_within_its_query_budget(
    client_for, match_world, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for n in range(25):
        make_seeker(f"候选{n:02d}", skills="电商")
    client = client_for("district")
    with django_assert_max_num_queries(15):
        response = client.post(candidates_url(match_world["posting"]), {"who": "孙聋"})
    assert len(response.context["ranking"].results) == 20


# --- postings for a person ------------------------------------------------------------------


def test_staff_see_ranked_postings_for_a_person_with_reasons(
    client_for, match_world, employer_a
) -> None:  # noqa: ANN001
    make_posting(employer_a, title="仓库管理", suitable_categories=[1])
    deaf = match_world["people"]["deaf"]
    response = client_for("town_a").get(person_url(deaf))
    html = response.content.decode()
    assert response.status_code == 200
    assert "适合孙聋的岗位" in html
    assert "电商客服" in html and "技能匹配：电商" in html
    assert "因岗位不适合听力残疾排除 1 个岗位" in html
    assert reverse("jobs:referral-create") + f"?person={deaf.pk}" in html


def test_a_job_seeker_sees_their_own_postings_and_nobody_elses(client_for, match_world) -> None:  # noqa: ANN001
    own = client_for("jobseeker").get(person_url(match_world["people"]["near"]))
    assert own.status_code == 404
    from jiuye.people.models import Person

    me = Person.objects.get(name="张三")
    response = client_for("jobseeker").get(person_url(me))
    html = response.content.decode()
    assert response.status_code == 200
    assert "适合我的岗位" in html and "电商客服" in html
    assert reverse("jobs:referral-create") not in html


def test_a_town_officer_does_not_see_another_towns_person(client_for, match_world) -> None:  # noqa: ANN001
    west = match_world["people"]["west"]
    assert west.region_id.startswith(VILLAGE_B[:9])
    assert client_for("town_a").get(person_url(west)).status_code == 404
    assert client_for("town_b").get(person_url(west)).status_code == 200
    assert (
        client_for("district").get(reverse("jobs:match-person", args=[uuid.uuid4()])).status_code
        == 404
    )


@pytest.mark.parametrize("persona", ["employer", "leader", "liaison"])
def test_employers_leaders_and_liaisons_may_not_see_postings_for_a_person(
    client_for, match_world, persona
) -> None:  # noqa: ANN001
    assert client_for(persona).get(person_url(match_world["people"]["near"])).status_code == 403


def test_the_person_page_says_when_the_person_is_not_a_job_seeker(client_for, match_world) -> None:  # noqa: ANN001
    from jiuye.people.models import WishToWork

    person = make_seeker("不想", wish_to_work=WishToWork.NO)
    html = client_for("district").get(person_url(person)).content.decode()
    assert "不会出现在岗位的推荐名单中" in html


def test_the_person_page_refuses_a_post_and_stays_within_its_query_budget(
    client_for, match_world, employer_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for n in range(25):
        make_posting(employer_a, title=f"岗位{n:02d}", skills=["电商"])
    client = client_for("district")
    near = match_world["people"]["near"]
    assert client.post(person_url(near)).status_code == 405
    with django_assert_max_num_queries(15):
        response = client.get(person_url(near))
    assert len(response.context["ranking"].results) == 20


# --- weights --------------------------------------------------------------------------------


def test_the_weights_form_shows_each_factor_and_the_total(client_for, personas) -> None:  # noqa: ANN001
    response = client_for("district").get(WEIGHTS)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_distance">距离' in html
    assert "当前保存的权重合计：100 分" in html
    assert "表中权重合计：100 分" in html


def test_saving_the_weights_changes_them_and_returns_to_the_form(client_for, personas) -> None:  # noqa: ANN001
    data = dict(MatchWeight.objects.values_list("factor", "weight"))
    data.update(distance=30, skills=10)
    response = client_for("admin").post(WEIGHTS, data)
    assert response.status_code == 302
    assert response.url == WEIGHTS
    assert MatchWeight.objects.get(factor="distance").weight == 30
    assert MatchWeight.objects.get(factor="skills").weight == 10


def test_bad_weights_are_refused_with_the_field_named_and_the_input_kept(
    client_for, personas
) -> None:  # noqa: ANN001
    data = dict(MatchWeight.objects.values_list("factor", "weight"))
    data.update(distance="101", skills="abc")
    response = client_for("district").post(WEIGHTS, data)
    error_page(
        response,
        "距离：距离的权重须在 0 到 100 之间。",
        "技能：技能的权重请填写 0 到 100 的整数。",
        'value="abc"',
    )
    assert MatchWeight.objects.get(factor="distance").weight == 20
    zeros = dict.fromkeys(data, "0")
    html = client_for("district").post(WEIGHTS, zeros).content.decode()
    assert "权重不能全部为 0" in html


@pytest.mark.parametrize("persona", ["town_a", "leader", "liaison", "employer", "jobseeker"])
def test_only_administrators_and_district_staff_may_see_or_change_the_weights(
    client_for, persona
) -> None:  # noqa: ANN001
    client = client_for(persona)
    assert client.get(WEIGHTS).status_code == 403
    assert client.post(WEIGHTS, {"distance": "50"}).status_code == 403
    assert MatchWeight.objects.get(factor="distance").weight == 20


def test_the_weights_page_refuses_other_methods(client_for, personas) -> None:  # noqa: ANN001
    assert client_for("district").put(WEIGHTS).status_code == 405


def test_why_not_listed_answers_a_number_registered_elsewhere_as_an_unregistered_one(
    client_for, match_world
) -> None:  # noqa: ANN001
    """Issue 14, security 4: the answer must not tell whether someone elsewhere is registered."""
    client = client_for("town_a")
    url = candidates_url(match_world["posting"])
    answers = [
        answer_about(client.post(url, {"who": n}).content.decode(), n)
        for n in (match_world["people"]["west"].id_number, make_id_number(seq=777))
    ]
    assert_one_answer(answers)
