"""The annual report page in Chromium: choose, start, watch the progress, download — axe at 0
on every step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from jiuye.core.tests.browser import assert_accessible, submit, visit
from jiuye.dashboards.tests.conftest import YEAR, read_docx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_starts_the_report_sees_its_progress_and_downloads_it(
    page: Page, signed_in, personas, report_world, settings, tmp_path
) -> None:  # noqa: ANN001
    from jiuye.dashboards.services.report import annual_report_task, report_file

    # A queue nobody works on yet, so the page shows the job waiting first.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    base = signed_in("leader")
    visit(page, f"{base}/dashboards/report/", "annual report form")
    page.get_by_label("年度").select_option(str(YEAR))
    page.get_by_label("范围").select_option(label="东城街道")
    submit(page, "生成年度报告")
    expect(page.get_by_role("status")).to_contain_text("排队中")
    expect(page.get_by_label("生成进度")).to_be_visible()
    assert_accessible(page, "report queued")
    token = page.url.rstrip("/").rsplit("/", 1)[1]
    assert report_file(token=token, user=personas["leader"]) is None  # not written yet
    # The worker runs it; the page follows by itself (no reload by the user).
    annual_report_task.call(token=token)
    link = page.get_by_role("link", name=f"下载东城街道{YEAR}年度报告（Word）")
    link.wait_for(timeout=10_000)
    assert_accessible(page, "report ready")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "report.docx"
    download.value.save_as(saved)
    document = read_docx(saved.read_bytes())
    assert document.paragraphs[0].text == f"东城街道{YEAR}年度残疾人就业促进行动工作报告"
