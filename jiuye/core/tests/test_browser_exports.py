"""A large export in Chromium: ask for it from the list, see it queued with its progress, the
page follows by itself and offers the file — axe at 0 on every step."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from conftest import VILLAGE_B, register_person
from jiuye.core.tests.browser import assert_accessible, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_town_officer_exports_a_large_result_in_the_background_and_downloads_it(
    page: Page, signed_in, personas, settings, tmp_path
) -> None:  # noqa: ANN001
    from jiuye.core.importing.exportjobs import export_job_task
    from jiuye.core.models import ExportJob

    for seq, name in enumerate(("张一", "张二")):  # and 张三, the personas' person_a
        register_person(400 + seq, name)
    register_person(410, "张西", village=VILLAGE_B)
    settings.JIUYE_EXPORT_DIRECT_MAX_ROWS = 2
    # A queue nobody works on yet, so the page shows the export waiting first.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    base = signed_in("town_a")
    visit(page, f"{base}/people/?name=张", "person search")
    page.get_by_role("link", name="导出 Excel（证件号和电话脱敏）").click()
    expect(page.get_by_role("heading", name="导出文件")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("排队中")
    expect(page.get_by_label("导出进度")).to_be_visible()
    assert_accessible(page, "export queued")
    job = ExportJob.objects.get()
    # The worker runs it; the page follows by itself (no reload by the user).
    export_job_task.call(job_id=str(job.pk))
    link = page.get_by_role("link", name="下载 残疾人名单.xlsx")
    link.wait_for(timeout=10_000)
    expect(page.get_by_role("status")).to_contain_text("共 3 条记录")
    assert_accessible(page, "export ready")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "export.xlsx"
    download.value.save_as(saved)
    rows = list(load_workbook(io.BytesIO(saved.read_bytes())).active.values)
    names = sorted(row[rows[0].index("姓名")] for row in rows[1:])
    assert names == ["张一", "张三", "张二"]  # town A only: 张西 lives in 西城
