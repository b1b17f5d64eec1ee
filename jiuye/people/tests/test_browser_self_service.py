"""The job seeker's self-service pages in Chromium (issue 18): 0 axe violations in every state,
done by keyboard alone, no sideways scrolling on a 320 px phone; and the town's worklist."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import (
    assert_accessible,
    assert_fits_phone,
    expect_errors,
    expect_path,
    open_by,
    submit,
    tab_to,
    visit,
)
from jiuye.people.models import ChangeRequest, ChangeStatus, Person
from jiuye.people.services.changes import person_self_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ME = reverse("people:me")
EDIT = reverse("people:me-edit")


def test_a_job_seeker_updates_their_information_by_keyboard_alone(
    page: Page, signed_in, personas
) -> None:  # noqa: ANN001
    base = signed_in("jobseeker")
    page.goto(base + reverse("core:home"))
    # From the menu to 我的信息, and on to its form, with Tab and Enter only.
    tab_to(page, f'nav a[href="{ME}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page, "my information")
    tab_to(page, f'main a[href="{EDIT}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page, "the form of my information")
    # A phone number too short: the error summary takes the focus and names the field.
    tab_to(page, "#id_phone")
    page.keyboard.type("12")
    tab_to(page, 'main button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_errors(page, "the form with a bad phone number")
    # The summary's link leads to the field; correct it, say what work is wanted, save.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_phone"
    page.keyboard.press("Control+A")
    page.keyboard.type("13912345678")
    tab_to(page, "#id_work_preferences")
    page.keyboard.type("电话客服")
    tab_to(page, 'main button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_path(page, ME)
    assert_accessible(page, "my information after saving")
    body = page.locator("main").inner_text()
    assert "电话客服" in body and "待审核" in body
    person = Person.objects.get(pk=personas["jobseeker"].person_id)
    assert person.work_preferences == "电话客服" and person.phone == ""
    assert ChangeRequest.objects.get().is_pending


@pytest.mark.parametrize("url", [ME, EDIT])
def test_the_self_service_pages_fit_a_320_px_phone(page: Page, signed_in, url) -> None:  # noqa: ANN001
    base = signed_in("jobseeker")
    page.goto(base + url)
    assert_fits_phone(page, width=320, height=640)


def test_the_consent_page_is_reached_from_my_information_and_fits_a_phone(
    page: Page, signed_in, personas
) -> None:  # noqa: ANN001
    base = signed_in("jobseeker")
    page.goto(base + ME)
    open_by(page, page.get_by_role("link", name="了解并同意展示求职信息"))
    expect_path(page, reverse("jobs:consent", args=[personas["jobseeker"].person_id]))
    assert_accessible(page, "the consent page of the job seeker")
    assert_fits_phone(page, width=320, height=640)


def test_the_town_reviews_a_request_on_its_worklist(page: Page, signed_in, personas) -> None:  # noqa: ANN001
    seeker = personas["jobseeker"]
    person = Person.objects.get(pk=seeker.person_id)
    _, asked = person_self_update(
        person=person, by=seeker, version=person.version, address="东城街道幸福路1号"
    )
    base = signed_in("town_a")
    visit(page, base + reverse("people:changes"), "the worklist of change requests")
    assert_fits_phone(page, width=320, height=640)
    open_by(page, page.get_by_role("link", name=person.name).first)
    assert_accessible(page, "a change request")
    assert "东城街道幸福路1号" in page.locator("main").inner_text()
    page.get_by_label("不同意").check()
    submit(page, "提交审核结果")
    expect_errors(page, "a refusal without a reason")
    page.get_by_label("同意：按申请修改").check()
    submit(page, "提交审核结果")
    assert_accessible(page, "the worklist after a decision")
    asked.refresh_from_db()
    assert asked.status == ChangeStatus.APPROVED


def test_a_job_seeker_registers_for_a_fair_by_keyboard(page: Page, signed_in, personas) -> None:  # noqa: ANN001
    from django.utils import timezone

    from jiuye.jobs.models import FairKind, FairSeeker
    from jiuye.jobs.services import fairs
    from jiuye.reference.models import Region

    fair = fairs.fair_create(
        by=None,
        name="东城专场招聘会",
        kind=FairKind.ONSITE,
        date=timezone.localdate(),
        place="东城文化中心",
        region=Region.objects.get(code="440199001000"),
        organiser="区残联",
        target_groups=[],
        description="",
    )
    base = signed_in("jobseeker")
    visit(page, base + reverse("jobs:fair", args=[fair.pk]), "a fair seen by a job seeker")
    assert_fits_phone(page, width=320, height=640)
    tab_to(page, 'main button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page, "the fair after registering")
    assert "您已于" in page.locator("main").inner_text()
    assert FairSeeker.objects.filter(fair=fair, person_id=personas["jobseeker"].person_id).exists()
