"""A job seeker applies to a posting by keyboard alone, through the consent it needs, with
axe-core at 0 violations on every page on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible, tab_to, visit
from jiuye.jobs.models import Referral, ReferralChannel
from jiuye.jobs.tests import referral_fixtures as fx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

posting_a = fx.posting_a


def _enter(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_job_seeker_applies_by_keyboard_alone(page: Page, signed_in, posting_a) -> None:  # noqa: ANN001
    base = signed_in("jobseeker")
    visit(page, base + reverse("jobs:posting", args=[posting_a.pk]), "posting page, job seeker")

    tab_to(page, "a[data-apply]")
    _enter(page)
    assert_accessible(page, "apply page without the consent")

    tab_to(page, "a[data-consent]")
    _enter(page)
    assert_accessible(page, "consent page on the way to applying")
    tab_to(page, "#id_agree")
    page.keyboard.press("Space")
    tab_to(page, "input[value=give] ~ button[type=submit]")
    _enter(page)  # back on the apply page, now with what the employer will see
    assert page.url.endswith(reverse("jobs:posting-apply", args=[posting_a.pk]))
    assert_accessible(page, "apply page with the consent")

    tab_to(page, "button[data-apply]")
    _enter(page)
    assert_accessible(page, "referral page after applying")
    referral = Referral.objects.get()
    assert referral.channel == ReferralChannel.APPLICATION
    assert page.url.endswith(reverse("jobs:referral", args=[referral.pk]))
