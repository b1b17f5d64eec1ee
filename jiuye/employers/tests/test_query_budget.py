"""Query budgets of the declaration pages: the number of queries does not grow with the number
of declared employees or declarations (QUALITY.md: ≤ 15 per page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiuye.employers import services
from jiuye.employers.tests.declaration_fixtures import declare, line, person

pytestmark = [pytest.mark.django_db, pytest.mark.query_budget]


def _queries(client, url: str) -> int:  # noqa: ANN001
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_declaration_page_does_not_grow_with_its_staff_list(
    client_for, employer_a, reference
) -> None:  # noqa: ANN001
    small = declare(employer_a, [line(person(seq)) for seq in (11, 13)])
    client = client_for("district")
    url = reverse("employers:declaration", args=[small.pk])
    few = _queries(client, url)
    for seq in range(21, 60, 2):
        services.employee_add(declaration=small, by=None, **line(person(seq)))
    services.declaration_compute(small)
    many = _queries(client, url)
    assert many == few
    assert many <= 15


def test_the_review_queue_and_statistics_do_not_grow_with_declarations(
    client_for, employer_a, employer_b, reference
) -> None:  # noqa: ANN001
    declare(employer_a, [line(person(71))], submit=True)
    client = client_for("district")
    queue, statistics = reverse("employers:review-queue"), reverse("employers:statistics")
    before = (_queries(client, queue), _queries(client, statistics))
    declare(employer_b, [line(person(73)), line(person(75))], submit=True)
    after = (_queries(client, queue), _queries(client, statistics))
    assert after == before
    assert max(after) <= 15
