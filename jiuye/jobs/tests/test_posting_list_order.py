"""The postings list at more than a page (issue 19): newest published first, the same rows in
the same order as the list's query sorted in full, ≤ 15 queries and one count; on PostgreSQL
the order is read off the index ``posting_published_order`` instead of sorting every posting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiuye.jobs.models import Posting
from jiuye.jobs.selectors.postings import posting_search, postings_for_list
from jiuye.jobs.tests.posting_fixtures import make_posting

pytestmark = pytest.mark.django_db


def test_the_list_pages_newest_first_as_before(client_for, employer_a) -> None:  # noqa: ANN001
    now = timezone.now()
    for n in range(30):
        posting = make_posting(employer_a, title=f"岗位{n}", status="published")
        # Some published at the same moment, ordered then by creation.
        Posting.objects.filter(pk=posting.pk).update(
            published_at=now - dt.timedelta(hours=n // 3), created_at=now - dt.timedelta(minutes=n)
        )
    make_posting(employer_a, title="草稿", status="draft")
    past = make_posting(employer_a, title="过期")
    Posting.objects.filter(pk=past.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    everything = sorted(
        posting_search(Posting.objects.all(), on=timezone.localdate()),
        key=lambda p: (p.published_at, p.created_at),
        reverse=True,
    )
    assert len(everything) == 30
    client, url = client_for("district"), reverse("jobs:postings")
    client.get(url)
    shown = []
    for number in (1, 2):
        with CaptureQueriesContext(connection) as context:
            response = client.get(f"{url}?page={number}")
        assert response.status_code == 200
        sql = [q["sql"].upper() for q in context.captured_queries]
        assert len(sql) <= 15
        assert sum(s.startswith("SELECT COUNT(") for s in sql) == 1
        shown += [p.pk for p in response.context["page"]]
    assert shown == [p.pk for p in everything]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_postgresql_reads_the_list_order_off_its_index(employer_a) -> None:  # noqa: ANN001
    listed = postings_for_list(posting_search(Posting.objects.all(), on=timezone.localdate()))
    sql, params = listed[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "posting_published_order" in plan
