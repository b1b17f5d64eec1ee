"""为全场招聘会匹配 (issue 19): the fair page starts the matching, the job page shows each
posting's recommended candidates with the reasons, the export has them in Excel (logged), a
town officer's matching holds only their town's seekers, and a job is its starter's alone."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuye.core.models import AccessEvent
from jiuye.core.tests.responses import html_of
from jiuye.jobs.models import FairKind
from jiuye.jobs.services import fairs as fair_services
from jiuye.jobs.tests import matching_fixtures
from jiuye.jobs.tests.matching_fixtures import make_seeker

pytestmark = pytest.mark.django_db

posting_of = matching_fixtures.posting_of


@pytest.fixture
def fair(posting_of):  # noqa: ANN001, ANN201
    """A fair with two postings; 王东 and 赵东 (东城) and 钱西 (西城) registered, 孙外 not."""
    fair = matching_fixtures.make_fair(
        "春风行动招聘会",
        [
            posting_of(title="电商客服", skills=["电商", "客服"]),
            posting_of(title="按摩师", skills=["按摩"], suitable_categories=[1]),
        ],
    )
    for name, village, skills in (
        ("王东", matching_fixtures.VILLAGE_A, "电商 客服"),
        ("赵东", matching_fixtures.VILLAGE_A2, "客服"),
        ("钱西", "440199002001", "电商 客服"),
    ):
        person = make_seeker(name, village=village, skills=skills)
        fair_services.fair_register_seeker(fair=fair, person=person, by=None)
    make_seeker("孙外", skills="电商 客服")
    return fair


def _run(client, fair):  # noqa: ANN001, ANN202
    response = client.post(reverse("jobs:fair-match", args=[fair.pk]))
    assert response.status_code == 302
    return response["Location"]


def test_the_fair_page_offers_the_matching_and_the_job_page_shows_candidates_with_reasons(
    client_for, fair
) -> None:  # noqa: ANN001
    client = client_for("district")
    page = html_of(client.get(reverse("jobs:fair", args=[fair.pk])))
    assert "为全场招聘会匹配" in page
    html = html_of(client.get(_run(client, fair)))
    assert "匹配完成：2 个岗位，报名 3 人，其中 3 人正在求职。" in html
    assert "“电商客服”的推荐人选" in html
    assert "按摩师 · " in html
    # 王东: same village, both terms; the reasons in words with their points.
    assert html.index("王东") < html.index("赵东")
    assert "技能匹配：电商、客服（20/20）" in html
    assert "孙外" not in html
    # Nobody of category 1 registered: the 按摩师 posting recommends no one, and says why.
    assert "岗位不适合肢体残疾 3 人" in html
    assert "没有可推荐的人选。" in html


def test_the_export_lists_each_posting_candidates_with_the_explanation_and_is_logged(
    client_for, fair
) -> None:  # noqa: ANN001
    client = client_for("district")
    job = _run(client, fair)
    export = [u for u in html_of(client.get(job)).split('"') if u.endswith("candidates.xlsx")][0]
    response = client.get(export)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("用人单位", "岗位", "名次", "姓名")
    assert [row[1:4] for row in rows[1:]] == [
        ("电商客服", 1, "王东"),
        ("电商客服", 2, "钱西"),
        ("电商客服", 3, "赵东"),
    ]
    assert "技能匹配：电商、客服（20/20）" in rows[1][7]
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.detail["kind"] == "fair_matching" and event.detail["rows"] == 3


def test_a_fair_without_seekers_says_so_instead_of_empty_lists(client_for, posting_of) -> None:  # noqa: ANN001
    fair = matching_fixtures.make_fair(
        "无人报名的招聘会", [posting_of(title="电商客服", skills=["电商"])]
    )
    client = client_for("district")
    html = html_of(client.get(_run(client, fair)))
    assert "报名这场招聘会的人员中还没有正在求职的人，暂时无法推荐。" in html
    assert "“电商客服”的推荐人选" not in html and "导出推荐人选" not in html


def test_a_long_result_is_shown_a_page_of_postings_at_a_time(client_for, fair, monkeypatch) -> None:  # noqa: ANN001
    """A 500-employer fair would list ~5,000 candidates on one page: the postings are paged."""
    from jiuye.jobs.views import fair_matching as views

    monkeypatch.setattr(views, "POSTINGS_PER_PAGE", 1)
    client = client_for("district")
    job = _run(client, fair)
    first = html_of(client.get(job))
    second = html_of(client.get(job + "?page=2"))
    assert "下面是第 1–1 个岗位；全部人选请导出 Excel。" in first
    assert "第 1 页，共 2 页" in first and "page=2" in first
    assert ("“电商客服”的推荐人选" in first) != ("“电商客服”的推荐人选" in second)
    assert ("按摩师 · " in first) != ("按摩师 · " in second)
    assert "第 2 页，共 2 页" in second


def test_a_town_officer_matches_only_the_seekers_of_their_town(client_for, fair) -> None:  # noqa: ANN001
    client = client_for("town_a")
    page = html_of(client.get(reverse("jobs:fair", args=[fair.pk])))
    assert "从东城街道报名这场招聘会的求职者中推荐" in page
    html = html_of(client.get(_run(client, fair)))
    assert "报名 2 人，其中 2 人正在求职" in html
    assert "王东" in html and "赵东" in html and "钱西" not in html
    west = html_of(client_for("town_b").get(_run(client_for("town_b"), fair)))
    assert "钱西" in west and "王东" not in west


def test_a_job_is_only_its_starters_and_only_under_its_fair(client_for, fair, posting_of) -> None:  # noqa: ANN001
    job = _run(client_for("district"), fair)
    assert client_for("admin").get(job).status_code == 404
    other = fair_services.fair_create(
        by=None,
        name="另一场",
        kind=FairKind.ONLINE,
        date=fair.date,
        place="",
        region=fair.region,
        organiser="区残联",
        target_groups=[],
        description="",
    )
    moved = job.replace(str(fair.pk), str(other.pk))
    assert client_for("district").get(moved).status_code == 404


def test_only_staff_with_personal_data_match_and_only_by_post(client_for, fair) -> None:  # noqa: ANN001
    url = reverse("jobs:fair-match", args=[fair.pk])
    for role in ("leader", "liaison", "employer", "jobseeker"):
        assert client_for(role).post(url).status_code == 403
    assert client_for("district").get(url).status_code == 405
    assert "为全场招聘会匹配" not in html_of(
        client_for("leader").get(reverse("jobs:fair", args=[fair.pk]))
    )


def test_an_unknown_or_expired_job_is_a_404(client_for, fair) -> None:  # noqa: ANN001
    url = reverse("jobs:fair-match-job", args=[fair.pk, "00000000-0000-0000-0000-000000000000"])
    assert client_for("district").get(url).status_code == 404
