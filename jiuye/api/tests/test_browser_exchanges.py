"""The social insurance office's answers on the declaration's review page in Chromium: axe-core
at 0 violations with an answer that agrees and one that does not, and the page fits a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import visit
from jiuye.employers.services.insurance import Answer, insurance_answers_record
from jiuye.employers.tests.declaration_fixtures import declare, line, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_review_page_shows_the_insurance_answers_accessibly(
    page: Page, signed_in, personas, employer_a
) -> None:  # noqa: ANN001
    first, second = person(401, name="核验甲"), person(402, name="核验乙")
    declaration = declare(employer_a, [line(first), line(second)], submit=True)
    lines = {e.name: e for e in declaration.employees.all()}
    insurance_answers_record(
        answers=[
            Answer(str(lines["核验甲"].pk), True, 12, employer_a.name),
            Answer(str(lines["核验乙"].pk), True, 6, "别的公司"),
        ],
        by=personas["district"],
    )
    url = signed_in("district") + reverse("employers:declaration", args=[declaration.pk])
    visit(page, url, "declaration review with insurance answers")
    text = page.locator("main").inner_text()
    assert "人社局社保核验：已参保，缴费 12 个月" in text
    assert "与申报不一致，请核实" in text
    page.set_viewport_size({"width": 320, "height": 800})
    visit(page, url, "declaration review with insurance answers on a phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
