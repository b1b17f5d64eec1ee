"""The scorecard (figures for staff roles, links to names only for the roles that handle
personal data, another town's provider 404), the list behind the numbers (scoped, filtered,
bad filters reported) and its export (logged), wrong methods and query budgets."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import VILLAGE_B
from jiuye.core.indicators import registry
from jiuye.core.models import AccessEvent
from jiuye.reference.models import Region
from jiuye.training.models import EnrolmentStatus
from jiuye.training.tests import outcome_fixtures as fx
from jiuye.training.tests.outcome_fixtures import YEAR

pytestmark = pytest.mark.django_db

provider_a, provider_b, course_a, completer_a = (
    fx.provider_a,
    fx.provider_b,
    fx.course_a,
    fx.completer_a,
)


def _html(response) -> str:  # noqa: ANN001
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def world(personas, provider_a, course_a, completer_a):  # noqa: ANN001, ANN201
    """course_a: 张三 (东城) converted; 李四 (西城) completed without a job; one dropped out.
    A second course of the provider: its one completer converted (100%)."""
    other = fx.make_person(801, "李四", village=VILLAGE_B)
    fx.enrol(course_a, other)
    fx.enrol(
        course_a,
        fx.make_person(802, "王五"),
        status=EnrolmentStatus.DROPPED,
        dropped_on=dt.date(YEAR, 4, 1),
    )
    best = fx.make_course(provider_a, "直播带货班", kind="ecommerce")
    star = fx.make_person(803, "赵六")
    fx.job(star, dt.date(YEAR, 6, 15), employer=None)
    fx.enrol(best, star)
    return {"other": other, "best": best, "star": star}


def test_the_scorecard_ranks_the_courses_and_sums_up_in_words(
    client_for, provider_a, world
) -> None:  # noqa: ANN001
    html = _html(client_for("district").get(reverse("training:scorecard", args=[provider_a.pk])))
    assert html.index("直播带货班") < html.index("电商客服培训班")
    assert "结业 3 人，其中 2 人在结业后 6 个月内就业（转化率 66.7%）" in html
    assert "<td>50.0%</td>" in html  # 电商客服培训班: 1 of 2 converted
    assert "<td>66.7%</td>" in html  # its completion rate: 2 of 3
    assert f"{reverse('training:outcomes')}?course={world['best'].pk}" in html


def test_a_leader_and_a_liaison_see_figures_without_links_to_names(
    client_for, provider_a, world
) -> None:  # noqa: ANN001
    for persona in ("leader", "liaison"):
        html = _html(client_for(persona).get(reverse("training:scorecard", args=[provider_a.pk])))
        assert "直播带货班" in html
        assert reverse("training:outcomes") not in html
        assert "张三" not in html and "赵六" not in html


def test_a_town_officer_reads_their_towns_provider_only(client_for, provider_a, provider_b) -> None:  # noqa: ANN001
    assert (
        client_for("town_a").get(reverse("training:scorecard", args=[provider_a.pk])).status_code
        == 200
    )
    assert (
        client_for("town_a").get(reverse("training:scorecard", args=[provider_b.pk])).status_code
        == 404
    )
    assert (
        client_for("town_b").get(reverse("training:scorecard", args=[provider_a.pk])).status_code
        == 404
    )


def test_the_scorecard_refuses_employers_job_seekers_and_posts(client_for, provider_a) -> None:  # noqa: ANN001
    url = reverse("training:scorecard", args=[provider_a.pk])
    assert client_for("employer").get(url).status_code == 403
    assert client_for("jobseeker").get(url).status_code == 403
    assert client_for("district").post(url).status_code == 405
    assert (
        client_for("district").get("/training/providers/not-a-uuid/scorecard/").status_code == 404
    )


def test_the_scorecard_of_a_provider_without_courses_says_so(client_for, provider_b) -> None:  # noqa: ANN001
    html = _html(client_for("admin").get(reverse("training:scorecard", args=[provider_b.pk])))
    assert "这个机构还没有课程" in html
    assert "结业 0 人" in html


def test_the_list_shows_each_completer_with_that_job_and_stability(client_for, world) -> None:  # noqa: ANN001
    html = _html(client_for("district").get(reverse("training:outcomes")))
    assert "张三" in html and "李四" in html and "赵六" in html
    assert "王五" not in html  # dropped out: not a completer
    assert "某某物流公司 · 2024-07-01" in html
    assert "2025-01-01" in html  # 张三's stability date (job from 1 July YEAR)
    assert reverse("people:detail", args=[world["star"].pk]) in html


def test_a_town_officer_sees_only_their_towns_persons(client_for, world) -> None:  # noqa: ANN001
    html = _html(client_for("town_a").get(reverse("training:outcomes")))
    assert "张三" in html and "赵六" in html
    assert "李四" not in html
    html = _html(client_for("town_b").get(reverse("training:outcomes")))
    assert "李四" in html and "张三" not in html


def test_the_list_filters_by_course_provider_kind_and_year(
    client_for, provider_a, course_a, world
) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("training:outcomes")
    by_course = _html(client.get(url, {"course": str(world["best"].pk)}))
    assert "赵六" in by_course and "张三" not in by_course
    by_provider = _html(client.get(url, {"provider": str(provider_a.pk)}))
    assert "张三" in by_provider and "赵六" in by_provider
    assert "赵六" in _html(client.get(url, {"kind": "ecommerce", "year": YEAR}))
    assert "赵六" not in _html(client.get(url, {"year": YEAR - 1}))


def test_the_list_of_a_year_gives_the_plan_indicators_figures(client_for, world) -> None:  # noqa: ANN001
    html = _html(client_for("district").get(reverse("training:outcomes"), {"year": YEAR}))
    district = Region.objects.get(code="440199000000")
    rate = registry.get("training.conversion_rate").value(district, YEAR)
    assert f"结业 3 人，其中 2 人在结业后 6 个月内就业（转化率 {rate}%）" in html
    # 张三's job from 1 July: stability on 1 January next year, after the year's last day.
    assert f"稳定就业按 {YEAR}-12-31 判定" in html
    assert "未到期" in html


def test_bad_filters_are_reported_and_ignored(client_for, world) -> None:  # noqa: ANN001
    client = client_for("district")
    html = _html(
        client.get(reverse("training:outcomes"), {"year": "二〇二四", "kind": "x", "course": "1"})
    )
    assert "<title>错误：" in html
    assert "年度请填写四位数字，例如 2025。" in html
    assert "无法识别的培训类型" in html
    assert "链接中的课程编号无效" in html
    assert "张三" in html  # the bad filters were dropped
    unknown = "5d3f4a52-8a5a-4c39-9d40-000000000000"
    assert client.get(reverse("training:outcomes"), {"course": unknown}).status_code == 404


def test_the_list_and_export_refuse_roles_without_personal_data_and_posts(client_for) -> None:  # noqa: ANN001
    for name in ("training:outcomes", "training:outcomes-export"):
        for persona in ("leader", "liaison", "employer", "jobseeker"):
            assert client_for(persona).get(reverse(name)).status_code == 403
        assert client_for("district").post(reverse(name)).status_code == 405


def test_the_export_holds_the_list_and_is_logged(client_for, personas, world) -> None:  # noqa: ANN001
    response = client_for("town_a").get(reverse("training:outcomes-export"), {"year": YEAR})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名"
    names = {row[0] for row in rows[1:]}
    assert names == {"张三", "赵六"}  # 李四 lives in 西城
    zhang = next(row for row in rows[1:] if row[0] == "张三")
    assert zhang[7] == "某某物流公司" and zhang[10] == "是"
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.user == personas["town_a"]
    assert event.detail["kind"] == "training_outcomes" and event.detail["rows"] == 2


def test_the_pages_stay_within_their_query_budget(
    client_for, provider_a, world, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    client = client_for("district")
    client.get(reverse("training:outcomes"))  # warm the session
    with django_assert_max_num_queries(10):
        _html(client.get(reverse("training:scorecard", args=[provider_a.pk])))
    with django_assert_max_num_queries(10):
        _html(client.get(reverse("training:outcomes"), {"provider": str(provider_a.pk)}))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("training:outcomes-export")).status_code == 200
