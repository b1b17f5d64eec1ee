"""The import pages in Chromium: upload, the preview with errors, confirm — axe at 0."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from conftest import make_id_number
from jiuye.core.tests.browser import assert_accessible, expect_errors, submit, visit
from jiuye.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.also_on_postgresql
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


@pytest.mark.also_on_postgresql
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


def test_the_check_of_a_workbook_offers_its_sheets_and_hidden_rows_by_keyboard(
    page: Page, signed_in, personas, tmp_path
) -> None:  # noqa: ANN001
    from django.core.files import File
    from openpyxl import Workbook

    from jiuye.core import importing
    from jiuye.core.models import ImportBatch

    header = ["姓名", "身份证号", "残疾类别", "残疾等级", "村社区代码"]
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["每个镇街一个工作表"])
    for at, town in enumerate(("东城", "西城")):
        sheet = book.create_sheet(town)
        sheet.append(header)
        for i in range(2):
            sheet.append(
                [f"{town}{i}", make_id_number(seq=700 + at * 10 + i), "4", "3", "440199001001"]
            )
    book["东城"].append(["东城坏", "12345", "4", "3", "440199001001"])
    book["西城"].row_dimensions[3].hidden = True
    book.save(tmp_path / "两镇.xlsx")
    with open(tmp_path / "两镇.xlsx", "rb") as handle:
        batch = importing.batch_start(
            kind="persons",
            upload=File(handle, name="两镇.xlsx"),
            by=personas["town_a"],
            queue=False,
        )
    base = signed_in("town_a")
    visit(page, f"{base}/imports/{batch.pk}/", "check of a workbook with two town sheets")
    content = page.content()
    assert "东城、西城" in content and "东城，第4行" in content and "西城，第3行" in content
    assert "“说明”不是数据表" in content
    # By keyboard alone: to the choice of sheets, the arrow keys to "西城", the box to skip
    # hidden rows, and the button.
    for _step in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "sheet":
            break
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("只读取“西城”").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.get_by_label("跳过 Excel 中隐藏的行（不检查，也不导入）").is_checked()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rechecked = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert rechecked.sheets == ["西城"] and rechecked.skip_hidden_rows
    page.get_by_role("heading", name="确认导入").wait_for(timeout=10_000)
    assert_accessible(page, "check of one chosen sheet, hidden rows skipped")
    assert page.get_by_label("只读取“西城”").is_checked()
    assert "按您的选择，这些行已跳过" in page.content()
    submit(page, "确认导入")
    assert Person.objects.filter(name="西城0").exists()
    assert not Person.objects.filter(name__in=["西城1", "东城0"]).exists()
