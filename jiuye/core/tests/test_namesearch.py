"""A search by part of a name (``core.namesearch``): a text of one or two characters finds the
same rows as ``LIKE`` alone, on both databases; on PostgreSQL every search by a person's or an
employer's name over a large table asks the index of the names' characters for it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import TOWN_A, make_uscc, persona_user, register_person
from jiuye.accounts.models import Role
from jiuye.core import namesearch
from jiuye.employers import selectors as employer_selectors
from jiuye.employers import services as employer_services
from jiuye.employers.models import Declaration, Employer
from jiuye.employment.forms import EmployerField
from jiuye.jobs.views.fairs import _employer_search
from jiuye.people import selectors as people_selectors
from jiuye.people.models import Person
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

# Side by side, apart (王小芳 holds 王 and 芳 but not 王芳), reversed, in the middle of four.
NAMES = ["王芳", "李王芳", "欧阳王芳子", "王小芳", "芳王", "张三"]
TEXTS = ["王", "芳", "王芳", "芳王", "阳王", "王芳子", "无"]


@pytest.fixture
def named(reference) -> None:  # noqa: ANN001
    town = Region.objects.get(code=TOWN_A)
    for n, name in enumerate(NAMES):
        register_person(700 + n, name)
        employer = Employer.objects.create(
            name=name, uscc=make_uscc(f"91440199MA8N{n:04d}X"), kind="private", region=town
        )
        employer_services.declaration_start(employer=employer, year=2024, by=None)


def _names(rows: Any) -> set[str]:
    return {getattr(row, "name", None) or row.employer.name for row in rows}


@pytest.mark.parametrize("text", TEXTS)
def test_a_search_finds_the_names_that_hold_the_text(named, text) -> None:  # noqa: ANN001
    expected = {name for name in NAMES if text in name}
    assert _names(namesearch.name_contains(Person.objects.all(), text)) == expected
    assert _names(namesearch.name_contains(Employer.objects.all(), text)) == expected
    declarations = Declaration.objects.select_related("employer")
    found = namesearch.name_contains(declarations, text, "employer__name")
    assert _names(found) == expected


def _searches(text: str) -> dict[str, Any]:
    """Every search by a person's or an employer's name, each a function of no arguments; the
    record's employer field lists similar names when no employer is called ``text``."""
    district = persona_user("d", Role.DISTRICT)

    def suggestions() -> list[str]:
        from django import forms

        try:
            EmployerField().clean(text)
        except forms.ValidationError as error:
            return error.messages
        return []

    return {
        "registry search": lambda: list(
            people_selectors.persons_search(queryset=Person.objects.all(), filters={"name": text})
        ),
        "person picker": lambda: people_selectors.person_search(district, text),
        "employer list": lambda: list(
            employer_selectors.employers_search(
                queryset=Employer.objects.all(), filters={"q": text}
            )
        ),
        "declarations": lambda: list(
            employer_selectors.declarations_search(Declaration.objects.all(), {"q": text})
        ),
        "fair's employers": lambda: _employer_search(text),
        "record's employer": suggestions,
    }


@pytest.mark.parametrize("text", ["王", "小芳"])
def test_every_name_search_asks_the_characters_index_on_postgresql(named, text) -> None:  # noqa: ANN001
    for where, search in _searches(text).items():
        with CaptureQueriesContext(connection) as queries:
            found = search()
        asked = any("string_to_array" in query["sql"] for query in queries.captured_queries)
        assert asked == (connection.vendor == "postgresql"), where
        assert found, where


def test_a_longer_text_is_left_to_the_trigram_index(named) -> None:  # noqa: ANN001
    filters = {"name": "王芳子"}
    with CaptureQueriesContext(connection) as queries:
        found = people_selectors.persons_search(queryset=Person.objects.all(), filters=filters)
        assert _names(found) == {"欧阳王芳子"}
    assert not any("string_to_array" in query["sql"] for query in queries.captured_queries)
