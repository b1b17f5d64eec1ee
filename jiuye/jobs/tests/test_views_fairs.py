"""The job-fair pages: list and page per role (no personal data for employers, job seekers and
leaders; a town officer sees their town's seekers only), the fair form, participants and
postings, seekers with attendance and 现场投递, the export, bad input and query budgets."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B, make_id_number
from jiuye.core.tests.forms import posted
from jiuye.core.tests.responses import assert_one_answer, html_of, searched, searched_answers
from jiuye.jobs.models import Fair, FairSeeker, Referral
from jiuye.jobs.services import fairs as services
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.jobs.tests.referral_fixtures import consent, days_ago, make_person, make_posting, today

pytestmark = pytest.mark.django_db

posting_a, posting_b, fair_a = fx.posting_a, fx.posting_b, fx.fair_a


def _form(**override: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "2025年高校毕业生专场",
        "kind": "onsite",
        "date": "2025-05-20",
        "region": TOWN_A,
        "place": "东城文化中心",
        "organiser": "区残联",
        "target_groups": ["graduates", "blind"],
        "description": "",
    }
    return posted(data, **override)


@pytest.fixture
def seekers(fair_a, personas):  # noqa: ANN001, ANN201
    """张三 (东城) and 李四 (西城) registered; 张三 came."""
    mine = services.fair_register_seeker(fair=fair_a, person=personas["jobseeker"].person, by=None)
    services.fair_mark_attendance(seeker=mine, attended=True, by=None)
    other = make_person(950, "李四", "440199002001")
    theirs = services.fair_register_seeker(fair=fair_a, person=other, by=None)
    return mine, theirs


def test_the_list_shows_each_fair_with_its_results(client_for, fair_a, seekers) -> None:  # noqa: ANN001
    html = html_of(client_for("leader").get(reverse("jobs:fairs")))
    assert "东城残疾人专场招聘会" in html
    assert "<td>1 / 1</td>" in html  # employers / postings
    assert "<td>2 / 1</td>" in html  # registered / attended
    assert "新建招聘会" not in html


def test_the_list_filters_by_year_and_survives_a_bad_one(client_for, fair_a) -> None:  # noqa: ANN001
    client = client_for("district")
    year = fair_a.date.year
    assert "东城残疾人专场招聘会" in html_of(client.get(f"{reverse('jobs:fairs')}?year={year}"))
    assert "东城残疾人专场招聘会" not in html_of(client.get(f"{reverse('jobs:fairs')}?year=2001"))
    response = client.get(f"{reverse('jobs:fairs')}?year=明年&page=abc")
    assert response.status_code == 200 and "年度请填写四位数字" in html_of(response)


def test_an_employer_sees_only_its_fairs_and_no_seekers(
    client_for, fair_a, seekers, employer_b
) -> None:  # noqa: ANN001
    other = services.fair_create(
        by=None,
        name="西城招聘会",
        kind="online",
        date=today(),
        place="",
        region=fair_a.region,
        organiser="西城街道",
        target_groups=[],
        description="",
    )
    services.fair_add_employer(fair=other, employer=employer_b, by=None)
    client = client_for("employer")
    html = html_of(client.get(reverse("jobs:fairs")))
    assert "东城残疾人专场招聘会" in html and "西城招聘会" not in html
    assert client.get(reverse("jobs:fair", args=[other.pk])).status_code == 404
    page = html_of(client.get(reverse("jobs:fair", args=[fair_a.pk])))
    assert "网络客服" in page and "张三" not in page and "报名人员" not in page


def test_the_job_seeker_reads_fairs_without_personal_data(client_for, fair_a, seekers) -> None:  # noqa: ANN001
    page = html_of(client_for("jobseeker").get(reverse("jobs:fair", args=[fair_a.pk])))
    # (Their own name is in the page header; nobody's registration is shown.)
    assert "东城文化中心" in page and "李四" not in page and "报名人员" not in page


def test_a_town_officer_sees_only_their_towns_seekers(client_for, fair_a, seekers) -> None:  # noqa: ANN001
    page = html_of(client_for("town_a").get(reverse("jobs:fair", args=[fair_a.pk])))
    assert "张三" in page and "李四" not in page
    page = html_of(client_for("district").get(reverse("jobs:fair", args=[fair_a.pk])))
    assert "张三" in page and "李四" in page


def test_a_fair_is_created_and_edited_through_the_form(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(reverse("jobs:fair-create"), _form())
    fair = Fair.objects.get()
    assert response.url == reverse("jobs:fair", args=[fair.pk])
    assert (fair.target_groups, fair.region_id) == (["graduates", "blind"], TOWN_A)
    response = client_for("town_a").post(
        reverse("jobs:fair-edit", args=[fair.pk]),
        _form(name="改名的专场", version=fair.version),
    )
    fair.refresh_from_db()
    assert (response.status_code, fair.name, fair.version) == (302, "改名的专场", 2)
    stale = client_for("district").post(
        reverse("jobs:fair-edit", args=[fair.pk]), _form(name="旧表单", version=1)
    )
    assert "刚刚被其他人修改过" in html_of(stale)


def test_a_bad_fair_form_names_each_problem(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("jobs:fair-create"),
        _form(name="", kind="party", date="五月", region=TOWN_B, target_groups=["x"]),
    )
    html = html_of(response)
    assert "<title>错误：" in html
    for message in (
        "请填写招聘会名称",
        "举办日期请按",
        "只能选择列出的举办地",
        "无法识别的面向人群",
    ):
        assert message in html
    assert not Fair.objects.exists()


def test_a_fair_is_archived_with_a_reason(client_for, fair_a) -> None:  # noqa: ANN001
    url = reverse("jobs:fair-edit", args=[fair_a.pk])
    response = client_for("district").post(url, {"archive-reason": ""})
    assert "请填写归档原因" in html_of(response)
    client_for("district").post(url, {"archive-reason": "重复录入"})
    fair_a.refresh_from_db()
    assert fair_a.is_archived
    assert "东城残疾人专场招聘会" not in html_of(client_for("district").get(reverse("jobs:fairs")))


def test_fair_forms_are_for_those_who_run_the_fair(client_for, fair_a) -> None:  # noqa: ANN001
    edit = reverse("jobs:fair-edit", args=[fair_a.pk])
    assert client_for("town_b").get(edit).status_code == 403
    assert client_for("leader").get(reverse("jobs:fair-create")).status_code == 403
    assert client_for("employer").get(edit).status_code == 403
    assert client_for("district").delete(edit).status_code == 405
    assert client_for("district").post(reverse("jobs:fair", args=[fair_a.pk])).status_code == 405
    assert client_for("district").get("/jobs/fairs/not-a-uuid/").status_code == 404


def test_participants_are_added_given_postings_and_removed(client_for, fair_a, employer_b) -> None:  # noqa: ANN001
    url = reverse("jobs:fair-participants", args=[fair_a.pk])
    client = client_for("town_a")
    html = html_of(client.get(url + "?q=西城"))
    assert "西城示范企业" in html
    client.post(url, {"action": "add", "employer": employer_b.pk})
    posting = make_posting(employer_b, title="理货员")
    draft = make_posting(employer_b, title="草稿", status="draft")
    html = html_of(client.get(url))
    assert "理货员" in html and "草稿" not in html
    prefix = f"p-{employer_b.pk}-postings"
    client.post(url, {"action": "postings", "employer": employer_b.pk, prefix: [posting.pk]})
    assert set(fair_a.postings.filter(employer=employer_b)) == {posting}
    response = client.post(
        url, {"action": "postings", "employer": employer_b.pk, prefix: [draft.pk]}
    )
    assert "<title>错误：" in html_of(response)
    client.post(url, {"action": "remove", "employer": employer_b.pk})
    assert not fair_a.participants.filter(employer=employer_b).exists()
    assert not fair_a.postings.filter(employer=employer_b).exists()
    assert client.post(url, {"action": "add", "employer": "nope"}).status_code == 302


def test_seekers_are_found_registered_marked_and_referred_on_site(
    client_for, fair_a, personas
) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    url = reverse("jobs:fair-seekers", args=[fair_a.pk])
    client = client_for("town_a")
    html = html_of(client.get(url + "?q=张"))
    assert "张三" in html and person.masked_id_number in html and person.id_number not in html
    assert "张三" in searched(client, url, q=person.id_number)[1]
    assert "李四" not in html_of(client.get(url + "?q=李"))  # 西城: not in town_a's scope
    client.post(url, {"action": "register", "person": person.pk})
    seeker = FairSeeker.objects.get()
    client.post(url, {"action": "attend", "seeker": seeker.pk, "attended": "1"})
    seeker.refresh_from_db()
    assert seeker.attended
    posting = fair_a.postings.get()
    field = f"r-{seeker.pk}-posting"
    response = client.post(url, {"action": "refer", "seeker": seeker.pk, field: posting.pk})
    assert "还没有同意向用人单位展示求职信息" in html_of(response)
    consent(person)
    response = client.post(url, {"action": "refer", "seeker": seeker.pk, field: ""})
    assert "请选择投递的岗位" in html_of(response)
    client.post(url, {"action": "refer", "seeker": seeker.pk, field: posting.pk})
    referral = Referral.objects.get()
    assert (referral.channel, referral.fair) == ("fair", fair_a)
    assert "已投递：网络客服" in html_of(client.get(url))


def test_the_seekers_page_scope_roles_and_methods(client_for, fair_a, seekers) -> None:  # noqa: ANN001
    url = reverse("jobs:fair-seekers", args=[fair_a.pk])
    _mine, theirs = seekers
    assert "李四" not in html_of(client_for("town_a").get(url))
    response = client_for("town_a").post(
        url, {"action": "attend", "seeker": theirs.pk, "attended": "1"}
    )
    assert response.status_code == 404
    other = make_person(960, "王五", "440199002001")
    assert (
        client_for("town_a").post(url, {"action": "register", "person": other.pk}).status_code
        == 404
    )
    assert client_for("employer").get(url).status_code == 403
    assert client_for("leader").get(url).status_code == 403
    assert client_for("district").put(url).status_code == 405


def test_the_export_lists_fairs_with_their_results(client_for, fair_a, seekers) -> None:  # noqa: ANN001
    response = client_for("leader").get(reverse("jobs:fairs-export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "名称" and rows[0][-1] == "入职"
    assert rows[1][0] == "东城残疾人专场招聘会"
    assert rows[1][7:] == (1, 1, 2, 1, 0, 0, 0, 0)
    assert client_for("employer").get(reverse("jobs:fairs-export")).status_code == 403
    assert client_for("district").get(reverse("jobs:fairs-export") + "?year=x").status_code == 200


def test_fair_pages_keep_their_query_budget(
    client_for, fair_a, seekers, employer_b, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    services.fair_add_employer(fair=fair_a, employer=employer_b, by=None)
    for seq in range(970, 985):
        services.fair_register_seeker(fair=fair_a, person=make_person(seq, f"戊{seq}"), by=None)
    for n in range(5):
        services.fair_create(
            by=None,
            name=f"第{n}场",
            kind="online",
            date=days_ago(n),
            place="",
            region=fair_a.region,
            organiser="区残联",
            target_groups=[],
            description="",
        )
    client = client_for("district")
    for url in (
        reverse("jobs:fairs"),
        reverse("jobs:fair", args=[fair_a.pk]),
        reverse("jobs:fair-participants", args=[fair_a.pk]),
        reverse("jobs:fair-seekers", args=[fair_a.pk]),
    ):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_a_seeker_search_by_a_number_registered_elsewhere_answers_as_for_an_unregistered_one(
    client_for, fair_a, person_b
) -> None:  # noqa: ANN001
    """Issue 14, security 4: the answer must not tell whether someone elsewhere is registered."""
    url = reverse("jobs:fair-seekers", args=[fair_a.pk])
    numbers = (person_b.id_number, make_id_number(seq=777))
    answers = searched_answers(client_for("town_a"), url, numbers)
    assert_one_answer(answers)


def test_a_fair_more_than_two_years_ahead_asks_for_a_confirmation(client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    far = f"{today().year + 3}-05-20"
    html = html_of(client.post(reverse("jobs:fair-create"), _form(date=far)))
    assert "在两年以后，请核对年份。如果确实如此，请勾选下面的确认后再保存。" in html
    assert 'name="confirm_dates"' in html and not Fair.objects.exists()
    client.post(reverse("jobs:fair-create"), _form(date=far, confirm_dates="on"))
    assert Fair.objects.get().date.isoformat() == far
