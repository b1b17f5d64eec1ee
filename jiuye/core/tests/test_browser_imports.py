"""The import pages in Chromium: upload, the preview with errors, confirm — axe at 0."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from conftest import make_id_number
from jiuye.core.tests.browser import assert_accessible, expect_errors, submit, visit
from jiuye.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_town_officer_checks_a_file_sees_its_errors_and_imports_the_good_rows(
    page: Page, signed_in, tmp_path
) -> None:  # noqa: ANN001
    good = make_id_number(seq=301)
    csv = tmp_path / "名单.csv"
    csv.write_text(
        "姓名,身份证号,残疾类别,残疾等级,村社区代码\n"
        f"赵一,{good},4,3,440199001001\n"
        "钱二,12345,4,3,440199001001\n",
        encoding="utf-8",
    )
    base = signed_in("town_a")
    visit(page, f"{base}/imports/", "import list")
    visit(page, f"{base}/imports/new/", "upload form")
    submit(page, "上传并检查")
    expect_errors(page, "upload form with errors", focused=False)
    page.get_by_label("表格文件").set_input_files(str(csv))
    submit(page, "上传并检查")
    assert "检查结果" in page.content()
    assert "身份证号应为18位" in page.content()
    assert_accessible(page, "preview with errors")
    page.get_by_label("只导入正确的行，跳过有错误的行").check()
    submit(page, "确认导入")
    # The second confirmation is missing.
    expect_errors(page, "confirmation with errors", focused=False)
    page.get_by_label("只导入正确的行，跳过有错误的行").check()
    page.get_by_label("我确认：有错误的行不会导入，需要另行处理").check()
    submit(page, "确认导入")
    assert "导入结果" in page.content()
    assert_accessible(page, "result")
    assert Person.objects.filter(name="赵一").exists()
    assert not Person.objects.filter(name="钱二").exists()


def test_the_check_page_turns_into_the_result_by_itself(page: Page, signed_in, personas) -> None:  # noqa: ANN001
    from django.utils import timezone

    from jiuye.core.models import ImportBatch

    batch = ImportBatch.objects.create(
        kind="persons",
        original_name="名单.xlsx",
        status=ImportBatch.Status.RUNNING,
        started_at=timezone.now(),  # a worker has it (a batch never started reads as stale)
        created_by=personas["town_a"],
    )
    base = signed_in("town_a")
    page.goto(f"{base}/imports/{batch.pk}/")
    assert page.get_by_role("button", name="取消").is_visible()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.VALIDATED, total_rows=3, valid_rows=3, created=3
    )
    # No reload by the user: the progress poll finds the batch finished and the page follows.
    page.get_by_role("heading", name="确认导入").wait_for(timeout=10_000)
    assert page.get_by_role("button", name="取消").count() == 0
    assert_accessible(page, "finished check")
