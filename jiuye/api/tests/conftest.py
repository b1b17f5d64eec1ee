from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jiuye.api.services import apikey_create

# One key per role a key may have (and per town for town officers), built like the personas.
KEY_SPECS = {
    "district": ("district", {}),
    "liaison": ("department", {"department": "rsj"}),
    "town_a": ("town", {"town": "440199001000"}),
    "town_b": ("town", {"town": "440199002000"}),
    "leader": ("leader", {}),
    "employer": ("employer", {"employer": None}),
}


@pytest.fixture
def api_keys(personas, employer_a) -> dict[str, str]:  # noqa: ANN001
    return api_keys_create(personas, employer_a)


def api_keys_create(personas: dict, employer_a: object) -> dict[str, str]:
    from jiuye.reference.models import Department, Region

    tokens = {}
    for name, (role, binding) in KEY_SPECS.items():
        bound = {}
        if "department" in binding:
            bound["department"] = Department.objects.get(code=binding["department"])
        if "town" in binding:
            bound["town"] = Region.objects.get(code=binding["town"])
        if "employer" in binding:
            bound["employer"] = employer_a
        _key, tokens[name] = apikey_create(
            name=f"{name} system", owner=personas["admin"], role=role, by=personas["admin"], **bound
        )
    return tokens


@pytest.fixture
def call(api_keys) -> Callable[..., object]:  # noqa: ANN001
    """``call("town_a", "get", "/api/v1/persons", data=...)`` with that key."""

    def make(name: str, method: str, path: str, *args: object, **kwargs: object) -> object:
        client = Client()
        return getattr(client, method)(
            path, *args, HTTP_AUTHORIZATION=f"Bearer {api_keys[name]}", **kwargs
        )

    return make
