"""Helpers of the registry tests: persons with whatever the test needs, and certificates."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from conftest import VILLAGE_A, make_id_number
from jiuye.people.models import Person
from jiuye.people.services import person_register
from jiuye.reference.models import DisabilityCategory, DisabilityGrade, Region

_sequence = itertools.count()


def certificate_for(id_number: str, category: int, grade: int) -> str:
    return f"{id_number}{category}{grade}"


def category(code: int) -> DisabilityCategory:
    return DisabilityCategory.objects.get(code=code)


def grade(code: int) -> DisabilityGrade:
    return DisabilityGrade.objects.get(code=code)


@pytest.fixture
def make_person(reference) -> Callable[..., Person]:  # noqa: ANN001
    """``make_person(name=..., village=..., birth="19900307", male=True, **fields)``."""

    def make(
        name: str = "王五",
        *,
        village: str = VILLAGE_A,
        birth: str = "19900307",
        male: bool = True,
        **fields: Any,
    ) -> Person:
        # 300–899, clear of the shared fixtures' 101 and 202; the 17th digit's parity is the sex.
        seq = 300 + (2 * next(_sequence)) % 600 + (1 if male else 0)
        return person_register(
            name=name,
            id_number=make_id_number(birth=birth, seq=seq),
            region=Region.objects.get(code=village),
            **fields,
        )

    return make
