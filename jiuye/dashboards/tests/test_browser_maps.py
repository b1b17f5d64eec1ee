"""The map page and the boundaries upload in Chromium: axe-core, a phone's width, the keyboard."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    expect_path,
    fits,
    submit,
    tab_to,
    visit,
)
from jiuye.reference.demo import demo_boundaries
from jiuye.reference.models import RegionBoundary
from jiuye.reference.tests.test_boundaries import all_towns, collection, feature


def test_the_map_page_draws_the_towns_passes_axe_and_fits_320_px(page: Page, signed_in) -> None:  # noqa: ANN001
    base = signed_in("leader")
    visit(page, f"{base}/dashboards/map/", "map page without boundaries")
    expect(page.get_by_text("还没有导入镇街边界")).to_be_visible()
    demo_boundaries()
    visit(page, f"{base}/dashboards/map/?indicator=people.working_age&year=2024", "map page")
    expect(page.locator("#town-map canvas")).to_have_count(1)
    # The container keeps the page's summary for screen readers, not ECharts' own text.
    summary = page.inner_text("#map-summary")
    assert summary
    assert page.get_attribute("#town-map", "aria-label") == summary
    expect(page.locator(".map-table tbody tr")).to_have_count(10)
    page.set_viewport_size({"width": 320, "height": 700})
    assert fits(page), "the map page scrolls sideways at 320 px"
    assert page.locator("#town-map").bounding_box()["width"] <= 320
    assert_accessible(page, "map page at 320 px")


def test_the_boundaries_upload_checks_then_confirms_and_passes_axe(
    page: Page, signed_in, tmp_path: Path
) -> None:  # noqa: ANN001
    base = signed_in("district")
    visit(page, f"{base}/reference/boundaries/", "boundaries upload page")
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(collection(feature(code="440199"), feature(ring=[[0, 0], [1, 1], [0, 0]])))
    page.get_by_label("GeoJSON 文件").set_input_files(str(bad))
    submit(page, "上传并检查")
    expect_errors(page, "boundaries upload with problems")
    expect(page.get_by_text("区划代码“440199”不是12位数字")).to_be_visible()
    good = tmp_path / "towns.geojson"
    good.write_text(json.dumps(json.loads(all_towns())))
    page.get_by_label("GeoJSON 文件").set_input_files(str(good))
    submit(page, "上传并检查")
    expect_path(page, "/reference/boundaries/confirm/")
    assert_accessible(page, "boundaries confirmation")
    submit(page, "确认导入")
    expect_path(page, "/reference/boundaries/")
    expect(page.get_by_text("边界已导入：新增 10 个")).to_be_visible()
    assert RegionBoundary.objects.count() == 10


def test_a_leader_changes_the_indicator_and_reads_the_table_by_keyboard(
    page: Page, signed_in
) -> None:  # noqa: ANN001
    base = signed_in("leader")
    demo_boundaries()
    page.goto(f"{base}/dashboards/map/?indicator=people.registered&year=2024")
    tab_to(page, "#id_indicator")
    page.keyboard.press("ArrowDown")  # the next indicator in the list
    chosen = page.eval_on_selector("#id_indicator", "el => el.value")
    assert chosen != "people.registered"
    tab_to(page, "#id_year")
    page.keyboard.press("ArrowDown")  # the year before
    tab_to(page, "form.filter button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"indicator={chosen}" in page.url and "year=2023" in page.url
    tab_to(page, ".map-table")  # the table's region scrolls by keyboard
    caption = page.locator("#map-caption").inner_text()
    assert caption.startswith("2023年各镇街")
    assert_accessible(page, "map page after a keyboard choice")
