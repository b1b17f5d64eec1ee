"""Duplicate persons in Chromium: the queue, the side-by-side review and merge, and the undo
page, at 0 axe violations, by keyboard alone, and on a 320 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from conftest import VILLAGE_A, make_id_number
from jiuye.core.tests.browser import assert_accessible, expect_errors, fits, tab_to, visit
from jiuye.core.validators import resident_id_check_char
from jiuye.people.models import DuplicatePair, DuplicateStatus, Person, PersonMerge
from jiuye.people.services import person_register
from jiuye.people.services.duplicates import duplicates_scan
from jiuye.reference.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pair(personas) -> DuplicatePair:  # noqa: ANN001
    village = Region.objects.get(code=VILLAGE_A)
    number = make_id_number(seq=611)
    other = number[:16] + "9"
    person_register(name="吴十", id_number=number, region=village, phone="13800000001")
    person_register(
        name="吴十",
        id_number=other + resident_id_check_char(other),
        region=village,
        address="东城路1号",
    )
    duplicates_scan()
    return DuplicatePair.objects.get()


def _keyboard_press(page: Page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    if key != "Enter":
        page.keyboard.press(key)
        return
    with page.expect_navigation():
        page.keyboard.press(key)


def test_review_merge_and_undo_by_keyboard_with_no_axe_violations(
    page: Page, signed_in, pair
) -> None:  # noqa: ANN001
    base = signed_in("town_a")
    visit(page, base + reverse("people:duplicates"), "the queue of likely duplicates")
    _keyboard_press(page, f'a[href="{reverse("people:duplicate", args=[pair.pk])}"]')
    assert_accessible(page, "a pair side by side")
    # Submitting with no decision: the error summary, focused.
    _keyboard_press(page, "form.form button[type=submit]")
    expect_errors(page, "a decision left out")
    _keyboard_press(page, 'input[name="decision"][value="merge"]', "Space")
    _keyboard_press(page, "form.form button[type=submit]")
    assert "已合并" in page.locator("body").inner_text()
    assert_accessible(page, "the undo page after a merge")
    merge = PersonMerge.objects.get()
    assert Person.objects.get(pk=merge.merged_id).is_archived
    _keyboard_press(page, "main form button[type=submit]")
    assert "已撤销合并" in page.locator("body").inner_text()
    assert_accessible(page, "the queue after an undo")
    assert not Person.objects.filter(archived_at__isnull=False).exists()
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_the_pages_fit_a_320_px_phone(on_phone, pair) -> None:  # noqa: ANN001
    with on_phone("town_a", 320) as (page, base):
        for url, what in (
            (reverse("people:duplicates"), "queue"),
            (reverse("people:duplicate", args=[pair.pk]), "review"),
        ):
            visit(page, base + url, what)
            assert fits(page), f"{what} scrolls sideways at 320 px"
