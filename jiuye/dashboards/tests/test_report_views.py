"""The annual report page: start, follow, download; the file is the asker's alone, and a town
officer gets their town's report."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiuye.core.models import AccessEvent
from jiuye.dashboards.tests.conftest import YEAR, read_docx

pytestmark = pytest.mark.django_db

PAGE = "/dashboards/report/"


def _start(client, **data: str):  # noqa: ANN001, ANN202
    return client.post(PAGE, {"year": str(YEAR), **data})


def test_district_staff_start_a_towns_report_follow_it_and_download_it(
    report_world, client_for
) -> None:  # noqa: ANN001
    client = client_for("district")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "生成年度报告" in page.content.decode()
    response = _start(client, region="440199002000")
    assert response.status_code == 302
    job = response.url
    # Tasks run at once in tests: the job page offers the file.
    content = client.get(job).content.decode()
    assert "西城街道2024年度报告已生成" in content
    token = job.rstrip("/").rsplit("/", 1)[1]
    download = client.get(reverse("dashboards:report-download", args=[token]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    document = read_docx(download.content)
    assert document.paragraphs[0].text == f"西城街道{YEAR}年度残疾人就业促进行动工作报告"
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.EXPORT, detail__kind="annual_report"
    ).exists()
    # The page lists the user's recent reports.
    assert "下载西城街道2024年度报告" in client.get(PAGE).content.decode()
    # Someone else — a leader, another district user — gets 404 for the job and its file.
    other = client_for("leader")
    assert other.get(job).status_code == 404
    assert other.get(reverse("dashboards:report-progress", args=[token])).status_code == 404
    assert other.get(reverse("dashboards:report-download", args=[token])).status_code == 404


def test_a_town_officer_gets_their_towns_report_whatever_they_post(
    report_world, client_for
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    assert 'name="region"' not in client.get(PAGE).content.decode()
    response = _start(client, region="440199000000")  # the district: ignored
    token = response.url.rstrip("/").rsplit("/", 1)[1]
    download = client.get(reverse("dashboards:report-download", args=[token]))
    document = read_docx(download.content)
    assert document.paragraphs[0].text.startswith("东城街道2024年度")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "区人社局全年开展就业服务。" not in text


def test_a_leader_may_start_a_report_though_read_only(report_world, client_for) -> None:  # noqa: ANN001
    response = _start(client_for("leader"), region="440199000000")
    assert response.status_code == 302
    assert "年度报告已生成" in client_for("leader").get(response.url).content.decode()


def test_a_year_outside_the_plans_is_an_error_on_the_form(report_world, client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(PAGE, {"year": "2019", "region": "440199000000"})
    assert response.status_code == 200
    assert "2019" in response.content.decode() and "error-summary" in response.content.decode()


def test_a_failed_job_says_why(report_world, client_for, settings) -> None:  # noqa: ANN001
    client = client_for("district")
    settings.JIUYE_REPORT_TEMPLATE = "/nowhere/template.docx"
    response = _start(client, region="440199000000")
    content = client.get(response.url).content.decode()
    assert "找不到年度报告模板 /nowhere/template.docx" in content
    token = response.url.rstrip("/").rsplit("/", 1)[1]
    assert client.get(reverse("dashboards:report-download", args=[token])).status_code == 404


def test_the_report_page_answers_in_few_queries(report_world, client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    _start(client, region="440199000000")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    assert len(queries) <= 15
