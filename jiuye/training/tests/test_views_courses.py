"""The provider and course pages: lists with filters (a bad filter never breaks the page),
pages per role (enrolments scoped to the town officer's persons, counts only for leaders, no
personal data for employers and job seekers), the forms with their errors and conflicts, the
exports, read-only and wrong-method refusals, and query budgets."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B
from jiuye.core.tests.forms import posted
from jiuye.core.tests.responses import html_of
from jiuye.training.models import Course, EnrolmentStatus, Provider
from jiuye.training.tests import course_fixtures as fx
from jiuye.training.tests.course_fixtures import enrol, make_course, make_provider, today

pytestmark = pytest.mark.django_db

provider_a, provider_b, course_a, course_b = fx.provider_a, fx.provider_b, fx.course_a, fx.course_b


def _course_form(provider: Provider, **override: object) -> dict[str, object]:
    data: dict[str, object] = {
        "provider": str(provider.pk),
        "title": "盲人医疗按摩提高班",
        "kind": "medical_massage",
        "mode": "mixed",
        "target_categories": ["1"],
        "start_date": "2025-04-01",
        "end_date": "2025-06-30",
        "hours": "120",
        "places": "20",
        "funding_source": "就业补助资金",
        "funding_amount": "45000.50",
        "certificate_kind": "medical_massage",
        "certificate_level": "",
        "description": "",
    }
    return posted(data, **override)


def _provider_form(**override: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "东城盲人按摩实训基地",
        "kind": "massage_base",
        "uscc": "",
        "region": TOWN_A,
        "accessibility": ["braille", "step_free"],
        "designated_year": "2023",
    }
    return posted(data, **override)


@pytest.fixture
def enrolled(course_a, personas, person_b):  # noqa: ANN001, ANN201
    """张三 (东城, the job seeker) enrolled and 李四 (西城) completed course_a."""
    return enrol(course_a, personas["jobseeker"].person), enrol(
        course_a, person_b, EnrolmentStatus.COMPLETED
    )


# --- providers ------------------------------------------------------------------------------


def test_the_provider_list_filters_by_kind_and_town(client_for, provider_a, provider_b) -> None:  # noqa: ANN001
    client = client_for("leader")
    html = html_of(client.get(reverse("training:providers")))
    assert "东城职业技能培训学校" in html and "西城盲人按摩实训基地" in html
    assert "登记培训机构" not in html
    html = html_of(client.get(reverse("training:providers"), {"kind": "massage_base"}))
    assert "东城职业技能培训学校" not in html and "西城盲人按摩实训基地" in html
    html = html_of(client.get(reverse("training:providers"), {"town": TOWN_A}))
    assert "东城职业技能培训学校" in html and "西城盲人按摩实训基地" not in html


def test_a_bad_provider_filter_is_named_and_the_list_still_shows(client_for, provider_a) -> None:  # noqa: ANN001
    response = client_for("district").get(
        reverse("training:providers"), {"kind": "nope", "town": "x", "page": "abc"}
    )
    html = html_of(response)
    assert response.status_code == 200 and "东城职业技能培训学校" in html
    assert "error-summary" in html


def test_the_provider_page_lists_its_courses(client_for, provider_a, course_a) -> None:  # noqa: ANN001
    html = html_of(client_for("liaison").get(reverse("training:provider", args=[provider_a.pk])))
    assert "电商直播培训班" in html and "无障碍通道" in html and "2024年" in html
    assert "修改培训机构信息" not in html
    assert reverse("training:scorecard", args=[provider_a.pk]) in html


def test_a_provider_is_registered_and_edited_through_the_form(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").post(reverse("training:provider-create"), _provider_form())
    provider = Provider.objects.get()
    assert response.url == reverse("training:provider", args=[provider.pk])
    assert provider.accessibility == ["step_free", "braille"]
    response = client_for("district").post(
        reverse("training:provider-edit", args=[provider.pk]),
        _provider_form(name="改名的基地", version=provider.version),
    )
    provider.refresh_from_db()
    assert (response.status_code, provider.name, provider.version) == (302, "改名的基地", 2)
    stale = client_for("district").post(
        reverse("training:provider-edit", args=[provider.pk]), _provider_form(version=1)
    )
    assert "刚刚被其他人修改过" in html_of(stale)


def test_the_provider_form_names_each_error(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("training:provider-create"),
        _provider_form(name="", kind="", designated_year="去年", uscc="123"),
    )
    html = html_of(response)
    assert response.status_code == 200 and "<title>错误：" in html
    assert "请填写培训机构名称。" in html and "请选择机构类型。" in html
    assert "残联认定年度请填写四位年份" in html
    assert not Provider.objects.exists()


def test_a_town_officer_may_not_register_a_provider_in_another_town(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("training:provider-create"), _provider_form(region=TOWN_B)
    )
    assert response.status_code == 200 and "只能选择列出的所在地" in html_of(response)


def test_another_towns_officer_may_read_but_not_edit_a_provider(client_for, provider_a) -> None:  # noqa: ANN001
    client = client_for("town_b")
    assert client.get(reverse("training:provider", args=[provider_a.pk])).status_code == 200
    edit = reverse("training:provider-edit", args=[provider_a.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _provider_form()).status_code == 403


def test_an_unknown_provider_is_404(client_for) -> None:  # noqa: ANN001
    url = reverse("training:provider", args=["00000000-0000-0000-0000-000000000000"])
    assert client_for("district").get(url).status_code == 404


def test_read_only_roles_cannot_post_provider_or_course_forms(client_for, course_a) -> None:  # noqa: ANN001
    for role in ("leader", "liaison"):
        client = client_for(role)
        assert client.post(reverse("training:provider-create"), _provider_form()).status_code == 403
        form = _course_form(course_a.provider)
        assert client.post(reverse("training:course-create"), form).status_code == 403
    assert Provider.objects.count() == 1 and Course.objects.count() == 1


def test_wrong_methods_are_refused(client_for, provider_a, course_a) -> None:  # noqa: ANN001
    client = client_for("district")
    assert client.post(reverse("training:providers")).status_code == 405
    assert client.post(reverse("training:courses")).status_code == 405
    assert client.post(reverse("training:course", args=[course_a.pk])).status_code == 405
    assert client.delete(reverse("training:course-edit", args=[course_a.pk])).status_code == 405
    assert client.post(reverse("training:courses-export")).status_code == 405


def test_the_provider_export_is_a_workbook_of_the_filtered_list(
    client_for, provider_a, provider_b, course_a
) -> None:  # noqa: ANN001
    response = client_for("leader").get(reverse("training:providers-export"), {"town": TOWN_A})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "名称" and len(rows) == 2
    assert rows[1][0] == "东城职业技能培训学校" and rows[1][-1] == 1


# --- courses --------------------------------------------------------------------------------


def test_the_course_list_searches_and_survives_bad_filters(client_for, course_a, course_b) -> None:  # noqa: ANN001
    client = client_for("jobseeker")
    html = html_of(client.get(reverse("training:courses")))
    assert "电商直播培训班" in html and "盲人保健按摩培训班" in html
    assert "新建培训课程" not in html and "导出这些课程" not in html
    html = html_of(client.get(reverse("training:courses"), {"q": "按摩"}))
    assert "电商直播培训班" not in html and "盲人保健按摩培训班" in html
    html = html_of(client.get(reverse("training:courses"), {"provider": str(course_a.provider.pk)}))
    assert "电商直播培训班" in html and "盲人保健按摩培训班" not in html
    response = client.get(
        reverse("training:courses"),
        {"year": "明年", "provider": "not-a-uuid", "kind": "x", "page": "-1"},
    )
    html = html_of(response)
    assert response.status_code == 200 and "年度请填写四位数字" in html
    assert "电商直播培训班" in html


def test_the_course_list_fits_the_query_budget(
    client_for, course_a, provider_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for n in range(12):
        make_course(provider_a, f"课程{n}")
    client = client_for("district")
    with django_assert_max_num_queries(15):
        client.get(reverse("training:courses"), {"town": TOWN_A, "year": today().year})
    with django_assert_max_num_queries(15):
        client.get(reverse("training:providers"))


def test_the_course_page_shows_every_field_in_plain_words(client_for, course_a, enrolled) -> None:  # noqa: ANN001
    html = html_of(client_for("district").get(reverse("training:course", args=[course_a.pk])))
    for text in ("电商、直播、短视频培训", "线下", "听力残疾", "肢体残疾", "80 课时", "结业证书",
                 "共 2 个，已报名 2 人，还剩 0 个", "残疾人就业保障金"):  # fmt: skip
        assert text in html, text
    assert "张三" in html and "李四" in html


def test_a_town_officer_sees_only_their_towns_enrolments(client_for, course_a, enrolled) -> None:  # noqa: ANN001
    html = html_of(client_for("town_a").get(reverse("training:course", args=[course_a.pk])))
    assert "张三" in html and "李四" not in html
    assert reverse("training:enrol", args=[course_a.pk]) in html
    assert reverse("training:attendance", args=[course_a.pk]) in html
    assert f"{reverse('training:outcomes')}?course={course_a.pk}" in html


def test_leaders_and_liaisons_see_counts_but_no_person(client_for, course_a, enrolled) -> None:  # noqa: ANN001
    for role in ("leader", "liaison"):
        html = html_of(client_for(role).get(reverse("training:course", args=[course_a.pk])))
        assert "报名和结业人数" in html and "张三" not in html and "李四" not in html
        assert "报名人员" not in html and "结业后就业（转化）" in html
        assert reverse("training:enrol", args=[course_a.pk]) not in html
        # The list of completers' jobs names persons: no link to a page that would say 403.
        assert reverse("training:outcomes") not in html
    html = html_of(client_for("district").get(reverse("training:course", args=[course_a.pk])))
    assert reverse("training:outcomes") in html


def test_the_employer_sees_the_course_without_personal_data(client_for, course_a, enrolled) -> None:  # noqa: ANN001
    html = html_of(client_for("employer").get(reverse("training:course", args=[course_a.pk])))
    assert "电商直播培训班" in html and "李四" not in html and "报名和结业人数" not in html


def test_a_job_seeker_may_request_an_open_course_once(client_for, personas, course_a) -> None:  # noqa: ANN001
    client = client_for("jobseeker")
    url = reverse("training:course", args=[course_a.pk])
    request_url = reverse("training:request-enrolment", args=[course_a.pk])
    assert f'action="{request_url}"' in html_of(client.get(url))
    enrol(course_a, personas["jobseeker"].person, EnrolmentStatus.REQUESTED)
    html = html_of(client.get(url))
    assert f'action="{request_url}"' not in html and "本人申请，待确认" in html


def test_a_finished_course_offers_no_request(client_for, provider_a) -> None:  # noqa: ANN001
    old = make_course(
        provider_a,
        "往期培训班",
        start_date=today() - dt.timedelta(days=60),
        end_date=today() - dt.timedelta(days=1),
    )
    html = html_of(client_for("jobseeker").get(reverse("training:course", args=[old.pk])))
    assert "申请报名这个课程" not in html


def test_the_course_page_fits_the_query_budget(
    client_for, course_a, enrolled, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for role in ("district", "town_a", "leader", "jobseeker"):
        client = client_for(role)
        with django_assert_max_num_queries(15):
            assert client.get(reverse("training:course", args=[course_a.pk])).status_code == 200


def test_a_course_is_created_and_edited_through_the_form(client_for, provider_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("training:course-create"), _course_form(provider_a)
    )
    course = Course.objects.get()
    assert response.url == reverse("training:course", args=[course.pk])
    assert (course.kind, course.mode, course.hours, course.places) == (
        "medical_massage",
        "mixed",
        120,
        20,
    )
    assert str(course.funding_amount) == "45000.50"
    assert [c.pk for c in course.target_categories.all()] == [1]
    response = client_for("district").post(
        reverse("training:course-edit", args=[course.pk]),
        _course_form(provider_a, title="改名的课程", target_categories=[], version=course.version),
    )
    course.refresh_from_db()
    assert (response.status_code, course.title, course.version) == (302, "改名的课程", 2)
    assert not course.target_categories.exists()
    stale = client_for("district").post(
        reverse("training:course-edit", args=[course.pk]), _course_form(provider_a, version=1)
    )
    assert "刚刚被其他人修改过" in html_of(stale)


def test_the_course_form_names_each_error_in_chinese(client_for, provider_a) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("training:course-create"),
        _course_form(
            provider_a,
            title="",
            start_date="2025-05-01",
            end_date="2025-04-01",
            places="0",
            hours="-3",
            funding_amount="很多",
        ),  # fmt: skip
    )
    html = html_of(response)
    assert response.status_code == 200 and "<title>错误：" in html
    assert "请填写课程名称。" in html
    assert "名额至少为 1" in html and "课时请填写 0 到 10000" in html
    assert "经费请填写金额数字" in html
    assert 'aria-invalid="true"' in html
    assert not Course.objects.exists()
    response = client_for("district").post(
        reverse("training:course-create"),
        _course_form(provider_a, start_date="2025-05-01", end_date="2025-04-01"),
    )
    assert "结业日期（2025-04-01）早于开班日期（2025-05-01）" in html_of(response)
    response = client_for("district").post(
        reverse("training:course-create"), _course_form(provider_a, start_date="五月一日")
    )
    assert "开班日期请按“年-月-日”填写" in html_of(response)


def test_the_course_form_keeps_what_was_typed(client_for, provider_a) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("training:course-create"), _course_form(provider_a, places="0")
    )
    assert 'value="盲人医疗按摩提高班"' in html_of(response)


def test_a_town_officer_cannot_open_a_course_at_another_towns_provider(
    client_for, provider_b, course_b
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    response = client.post(reverse("training:course-create"), _course_form(provider_b))
    assert response.status_code == 200 and "只能选择列出的培训机构" in html_of(response)
    assert client.get(reverse("training:course-edit", args=[course_b.pk])).status_code == 403


def test_a_course_is_archived_with_a_reason(client_for, course_a) -> None:  # noqa: ANN001
    url = reverse("training:course-edit", args=[course_a.pk])
    client = client_for("district")
    response = client.post(url, {"archive-reason": ""})
    assert "请填写归档原因" in html_of(response)
    response = client.post(url, {"archive-reason": "重复录入"})
    assert response.url == reverse("training:courses")
    course_a.refresh_from_db()
    assert course_a.is_archived
    assert (
        client_for("jobseeker").get(reverse("training:course", args=[course_a.pk])).status_code
        == 404
    )


def test_an_unknown_or_malformed_course_is_404(client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    assert client.get("/training/courses/not-a-uuid/").status_code == 404
    url = reverse("training:course", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_the_course_export_imports_back_and_carries_seats(
    client_for, course_a, course_b, enrolled
) -> None:  # noqa: ANN001
    response = client_for("town_b").get(reverse("training:courses-export"), {"q": "电商"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("培训机构", "课程名称") and len(rows) == 2
    assert rows[1][1] == "电商直播培训班" and rows[1][-1] == 2
    assert client_for("employer").get(reverse("training:courses-export")).status_code == 403


def test_the_new_course_form_preselects_the_provider(client_for, provider_a) -> None:  # noqa: ANN001
    other = make_provider("东城第二培训学校")
    html = html_of(
        client_for("district").get(reverse("training:course-create"), {"provider": str(other.pk)})
    )
    assert f'<option value="{other.pk}" selected>' in html


def test_a_course_longer_than_a_year_asks_for_a_confirmation(client_for, provider_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    form = _course_form(provider_a, start_date="2025-04-01", end_date="2026-06-30")
    response = client.post(reverse("training:course-create"), form)
    assert "培训期从 2025-04-01 到 2026-06-30，超过一年，请核对年份。" in html_of(response)
    assert not Course.objects.exists()
    client.post(reverse("training:course-create"), {**form, "confirm_dates": "on"})
    assert Course.objects.get().end_date.isoformat() == "2026-06-30"


def test_the_provider_page_links_its_scorecard_only_where_the_viewer_may_open_it(
    client_for, provider_a
) -> None:  # noqa: ANN001
    """东城's provider: its scorecard is 东城's officer's and the district's, not 西城's officer's
    (who reads the provider's page but would get a 404 from the scorecard)."""
    url = reverse("training:scorecard", args=[provider_a.pk])
    page = reverse("training:provider", args=[provider_a.pk])
    for name, linked in (("district", True), ("town_a", True), ("town_b", False)):
        client = client_for(name)
        body = client.get(page).content.decode()
        assert (url in body) is linked, name
        if linked:
            assert client.get(url).status_code == 200, name
