"""For the walks in this folder: the personas, employer A, the plan and a key per role, built
once for each test module (its tests are all plain ``django_db``; each test's rows are rolled
back around them), in place of the per-test fixtures of the same names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import (
    employer_a_create,
    person_a_create,
    personas_create,
    plan_create,
    rows_for_the_module,
)
from jiuye.api.tests.conftest import api_keys_create
from jiuye.core.ratelimit import limits_cache


def _build() -> dict[str, Any]:
    person, employer = person_a_create(), employer_a_create()
    personas = personas_create(person, employer)
    return {
        "person_a": person,
        "employer_a": employer,
        "personas": personas,
        "plan": plan_create(),
        "api_keys": api_keys_create(personas, employer),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:  # noqa: ANN001
    yield from rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("api"), _build)


@pytest.fixture(autouse=True)
def _fresh_rate_counts(built) -> None:  # noqa: ANN001
    # The keys live for the module: each test starts with no calls counted against them.
    limits_cache().clear()


@pytest.fixture
def person_a(built):  # noqa: ANN001, ANN201
    return built["person_a"]


@pytest.fixture
def employer_a(built):  # noqa: ANN001, ANN201
    return built["employer_a"]


@pytest.fixture
def personas(built):  # noqa: ANN001, ANN201
    return built["personas"]


@pytest.fixture
def plan(built):  # noqa: ANN001, ANN201
    return built["plan"]


@pytest.fixture
def api_keys(built):  # noqa: ANN001, ANN201
    return built["api_keys"]
