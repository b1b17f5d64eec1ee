"""Searches by ID number keep the number out of every address (issue 14, security 6): the
search forms that take 姓名或身份证号 send by POST and land on an address with an opaque token,
and an old bookmark with the number in it is moved onto a token too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jiuye.core.listing import holds_number
from jiuye.core.tests.responses import addresses_in, html_of, searched
from jiuye.jobs.tests import referral_fixtures as jobs_fx
from jiuye.people.models import Person
from jiuye.training.tests import competition_fixtures as competition_fx
from jiuye.training.tests import enrolment_fixtures as enrolment_fx

pytestmark = pytest.mark.django_db

course_a, posting_a, fair_a = enrolment_fx.course_a, jobs_fx.posting_a, jobs_fx.fair_a
competition_a = competition_fx.competition_a

# Each search page: (URL name, fixture of the record in its address or None, field, what the
# page shows once it has found 张三).
PAGES = {
    "person list": ("people:list", None, "name", 'scope="row"><a href="/people/'),
    "course enrolment": ("training:enrol", "course_a", "q", " 张三（440"),
    "fair seekers": ("jobs:fair-seekers", "fair_a", "q", "为 张三 报名"),
    "competition entrants": ("training:competition", "competition_a", "q", "为 张三"),
}


@pytest.fixture(params=list(PAGES))
def search_page(request, personas) -> tuple[str, str, str]:  # noqa: ANN001
    """The page's address, its search field and what it shows once it has found 张三."""
    name, record, field, found = PAGES[request.param]
    args = [request.getfixturevalue(record).pk] if record else []
    return reverse(name, args=args), field, found


def _no_number_in_addresses(html: str, number: str) -> None:
    leaked = [address for address in addresses_in(html) if number in address]
    assert not leaked, leaked


def test_a_search_by_id_number_finds_the_person_without_the_number_in_any_address(
    client_for, person_a: Person, search_page
) -> None:  # noqa: ANN001
    url, field, found = search_page
    client = client_for("town_a")
    spaced = f"{person_a.id_number[:6]} {person_a.id_number[6:14]} {person_a.id_number[14:]}"
    for typed in (person_a.id_number, spaced):
        location, html = searched(client, url, **{field: typed})
        assert person_a.id_number not in location and person_a.id_number[:15] not in location
        assert "?s=" in location
        assert found in html
        _no_number_in_addresses(html, person_a.id_number)


def test_a_search_by_name_stays_a_plain_address(client_for, person_a, search_page) -> None:  # noqa: ANN001
    url, field, found = search_page
    location, html = searched(client_for("town_a"), url, **{field: "张"})
    assert location == f"{url}?{field}=%E5%BC%A0"
    assert found in html


def test_an_old_bookmark_with_the_number_is_moved_onto_a_token(
    client_for, person_a, search_page
) -> None:  # noqa: ANN001
    url, field, found = search_page
    client = client_for("town_a")
    response = client.get(f"{url}?{field}={person_a.id_number}&page=2")
    assert response.status_code == 302
    assert person_a.id_number not in response["Location"] and "?s=" in response["Location"]
    html = html_of(client.get(response["Location"]))
    assert found in html
    _no_number_in_addresses(html, person_a.id_number)


def test_a_token_works_only_in_the_session_that_made_it(client_for, person_a, search_page) -> None:  # noqa: ANN001
    url, field, _found = search_page
    location, _html = searched(client_for("town_a"), url, **{field: person_a.id_number})
    other = client_for("town_a")  # signed in again: a new session
    response = other.get(location)
    assert response.status_code == 302 and response["Location"] == url
    assert "查找条件已过期" in html_of(other.get(url))


def test_paging_keeps_the_token(client_for, person_a) -> None:  # noqa: ANN001
    client = client_for("district")
    location, html = searched(client, reverse("people:list"), name=person_a.id_number)
    token = location.split("?s=")[1]
    page_two = html_of(client.get(f"{location}&page=2"))
    assert "张三" in page_two and f"s={token}" in page_two
    _no_number_in_addresses(page_two, person_a.id_number)


def test_the_person_list_refuses_a_mistyped_number_in_chinese(client_for, person_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    location, html = searched(client, reverse("people:list"), name=person_a.id_number[:-1] + "0")
    assert person_a.id_number[:15] not in location
    assert "<title>错误：" in html and "校验码" in html


def test_the_export_of_a_search_by_number_reads_the_token(client_for, person_a) -> None:  # noqa: ANN001
    client = client_for("district")
    location, _html = searched(client, reverse("people:list"), name=person_a.id_number)
    response = client.get(reverse("people:export") + "?" + location.split("?")[1])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("typed", "holds"),
    [
        ("440199199003071012", True),
        ("４４０１９９ １９９００３０７ １０１２", True),  # full-width, with spaces
        ("440199-19900307-1012", True),
        ("44019919900307101201", True),  # a certificate number
        ("440199900307101", True),  # an old 15-digit number
        ("张三", False),
        ("4401991990", False),
        ("", False),
    ],
)
def test_it_tells_a_number_from_a_name(typed: str, holds: bool) -> None:
    assert holds_number(typed) is holds


def test_a_search_post_without_the_mark_is_still_refused_where_only_get_is_allowed(
    client_for, personas
) -> None:  # noqa: ANN001
    assert client_for("town_a").post(reverse("people:list"), {"name": "张"}).status_code == 405


def test_an_outsider_cannot_store_a_search(personas) -> None:  # noqa: ANN001
    response = Client().post(reverse("people:list"), {"number_search": "1", "name": "x"})
    assert response.status_code == 302 and "/login" in response["Location"]
