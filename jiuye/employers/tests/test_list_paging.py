"""The review queue and the employer list page before they compute (issue 19): the same rows
in the same order as the former queries, their figures the same, at most 15 queries, one
count; on PostgreSQL the indexes that serve them are there and chosen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import TOWN_A, TOWN_B, make_uscc
from jiuye.employers.models import Declaration, DeclarationStatus, Employer
from jiuye.employers.tests.declaration_fixtures import YEAR, declare, line, person
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db


def _employers(count: int, name: str = "测试单位", first: int = 0) -> list[Employer]:
    towns = [Region.objects.get(code=TOWN_A), Region.objects.get(code=TOWN_B)]
    return Employer.objects.bulk_create(
        Employer(
            name=f"{name}{first + n:03d}",
            uscc=make_uscc(f"91440199MA5Q{first + n:05d}"),
            kind=Employer.Kind.PRIVATE,
            region=towns[n % 2],
        )
        for n in range(count)
    )


def _get(client, url: str):  # noqa: ANN001, ANN202
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in context.captured_queries]
    assert len(sql) <= 15
    return response, sql


def _counts(sql: list[str]) -> int:
    return sum(s.upper().startswith("SELECT COUNT(") for s in sql)


def _former_queue(year: int | None = None) -> list[tuple]:
    """The queue as it was computed before: every submitted declaration grouped with its lines,
    then ordered (ties by id, which the page now also uses)."""
    qs = Declaration.objects.filter(status=DeclarationStatus.SUBMITTED)
    if year:
        qs = qs.filter(year=year)
    qs = qs.annotate(
        conflicts=Count(
            "employees", filter=Q(employees__conflict=True, employees__staff_decision="")
        ),
        unknown=Count("employees", filter=Q(employees__person__isnull=True)),
    ).order_by("submitted_at", "pk")
    return [(d.pk, d.conflicts, d.unknown) for d in qs]


def test_the_review_queue_pages_the_same_rows_and_figures(
    client_for, employer_a, employer_b
) -> None:  # noqa: ANN001
    from conftest import make_id_number

    shared, stranger = person(11), make_id_number(seq=13)
    declare(employer_b, [line(shared)], submit=True)
    declare(
        employer_a,
        [
            line(shared),
            {
                **line(person(15)),
                "name": "未登记",
                "id_number": stranger,
                "certificate_number": f"{stranger}43",
            },
        ],
        submit=True,
    )
    # 70 more submitted declarations (two pages), some submitted at the same moment, and
    # drafts and another year's that the queue leaves out or filters.
    moment = timezone.now() - dt.timedelta(days=3)
    Declaration.objects.bulk_create(
        Declaration(
            employer=employer,
            year=YEAR if n % 7 else YEAR - 1,
            status=DeclarationStatus.DRAFT if n % 11 == 0 else DeclarationStatus.SUBMITTED,
            wage_total=Decimal("100000"),
            levy_payable=Decimal(n),
            submitted_at=moment + dt.timedelta(minutes=n // 3),
        )
        for n, employer in enumerate(_employers(76))
    )
    expected = _former_queue()
    assert len(expected) > 60 and any(c or u for _, c, u in expected)
    client, url = client_for("district"), reverse("employers:review-queue")
    shown = []
    for number in (1, 2):
        response, sql = _get(client, f"{url}?page={number}")
        assert _counts(sql) == 1
        shown += [(d.pk, d.conflicts, d.unknown) for d in response.context["page"]]
        assert response.context["page"].paginator.count == len(expected)
    assert shown == expected
    response, _sql = _get(client, f"{url}?year={YEAR - 1}")
    assert [(d.pk, d.conflicts, d.unknown) for d in response.context["page"]] == _former_queue(
        YEAR - 1
    )


def _former_search(text: str) -> list:
    return list(
        Employer.objects.filter(archived_at__isnull=True)
        .filter(Q(name__contains=text) | Q(uscc__iexact=text))
        .order_by("name")
        .values_list("pk", flat=True)
    )


def test_the_employer_search_lists_the_same_rows_counted_once(client_for, employer_a) -> None:  # noqa: ANN001
    made = _employers(60, name="华南物流")
    _employers(3, name="物_流%", first=200)  # LIKE's wildcards are plain characters here
    _employers(5, name="其他公司", first=100)  # names without the word
    client, url = client_for("district"), reverse("employers:list")
    # 1 and 2 characters (their own index on PostgreSQL), 3 and more (the trigram index).
    texts = ("物流", "物", "司", "南物", "0", "9", "_", "%", "华南物流01", "没有这家", "无")
    for text in (*texts, made[7].uscc.lower(), made[7].uscc):
        expected = _former_search(text)
        response, sql = _get(client, f"{url}?q={text}")
        assert [e.pk for e in response.context["page"]] == expected[:50], text
        assert response.context["page"].paginator.count == len(expected)
        assert _counts(sql) <= 1
    assert len(_former_search("物流")) == 60
    assert len(_former_search("_")) == len(_former_search("%")) == 3
    assert _former_search(made[7].uscc.lower()) == [made[7].pk]


def test_a_search_of_one_or_two_characters_lists_and_counts_no_further_than_its_cap(
    client_for, employer_a, monkeypatch
) -> None:  # noqa: ANN001
    """Past SHORT_CAP employers a 1–2 character search says "more than" and pages through the
    first SHORT_CAP (by name, the same rows as before); a longer text is counted whole."""
    from jiuye.employers import selectors

    monkeypatch.setattr(selectors, "SHORT_CAP", 60)
    _employers(130, name="华南物流")
    client, url = client_for("district"), reverse("employers:list")
    expected = _former_search("物流")
    response, sql = _get(client, f"{url}?q=物流")
    page = response.context["page"]
    assert [e.pk for e in page] == expected[:50]
    assert (page.paginator.count, page.paginator.more_than, page.paginator.num_pages) == (60, 60, 2)
    assert "超过 60 个单位，只列出按名称排在前面的 60 个" in response.content.decode()
    assert _counts(sql) == 1
    response, _sql = _get(client, f"{url}?q=物流&page=2")
    assert [e.pk for e in response.context["page"]] == expected[50:60]
    response, _sql = _get(client, f"{url}?q=华南物流")
    assert response.context["page"].paginator.count == 130
    assert "共 130 个单位" in response.content.decode()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the indexes are chosen on PostgreSQL"
)


def _plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
def test_postgresql_serves_the_queue_and_the_name_search_from_indexes(employer_a) -> None:  # noqa: ANN001
    from jiuye.employers import selectors

    queue = selectors.review_queue(queryset=Declaration.objects.all())[:50]
    assert "declaration_review_order" in _plan(*queue.query.sql_with_params())
    listed = selectors.employers_search(queryset=Employer.objects.all(), filters={})[:50]
    assert "employer_name" in _plan(*listed.query.sql_with_params())
    # The search's condition can be served by the trigram index. Which index a tiny test table
    # gets is the planner's choice (it may walk the name order and filter), so plain index
    # scans are turned off here: the trigram index is then the only way besides a scan.
    found = selectors.employers_search(queryset=Employer.objects.all(), filters={"q": "示范企业"})
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
    assert "employer_name_trgm" in _plan(*found.order_by().query.sql_with_params())


@postgres_only
def test_postgresql_serves_a_name_search_of_one_or_two_characters_from_an_index(employer_a) -> None:  # noqa: ANN001
    """A text shorter than a trigram is looked up by its characters (``employer_name_chars``),
    not read in every name."""
    from jiuye.employers import selectors

    for text in ("华", "华南"):
        found = selectors.employers_search(queryset=Employer.objects.all(), filters={"q": text})
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
        assert "employer_name_chars" in _plan(*found.order_by().query.sql_with_params()), text
