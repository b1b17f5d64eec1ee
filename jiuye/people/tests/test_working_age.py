"""The registry's working-age lists follow the 2025 retirement reform (reference.working_age)."""

from __future__ import annotations

import datetime as dt

import pytest

from jiuye.people.models import Person
from jiuye.people.selectors import working_age_q

pytestmark = pytest.mark.django_db


def test_working_age_lists_use_the_reformed_retirement_age(make_person) -> None:  # noqa: ANN001
    make_person(name="甲", birth="19650110")  # retires at 60 years 1 month: 2025-02-10
    make_person(name="乙", birth="19641210")  # before the reform: 60 on 2024-12-10
    make_person(name="丙", birth="19700610", male=False)  # 55 years 2 months: 2025-08-10
    names = set(
        Person.objects.filter(working_age_q(dt.date(2025, 2, 9))).values_list("name", flat=True)
    )
    assert names >= {"甲", "丙"} and "乙" not in names
    names = set(
        Person.objects.filter(working_age_q(dt.date(2025, 2, 10))).values_list("name", flat=True)
    )
    assert "甲" not in names and "丙" in names
    names = set(
        Person.objects.filter(working_age_q(dt.date(2025, 8, 10))).values_list("name", flat=True)
    )
    assert "丙" not in names
