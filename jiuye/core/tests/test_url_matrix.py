"""Every URL × every role: who may open what. A new URL must be added here to pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ALL = {"admin", "district", "liaison", "town_a", "town_b", "leader", "employer", "jobseeker"}
STAFF = {"admin", "district", "liaison", "town_a", "town_b", "leader"}
AUDITORS = {"admin", "district"}
ADMIN = {"admin"}

# url name -> (kwargs builder, roles that get 200 on GET, status for everyone else,
#              status the allowed roles get when it is not a plain 200)
Kwargs = Callable[[dict], dict]
NONE: Kwargs = lambda p: {}  # noqa: E731
USER: Kwargs = lambda p: {"pk": p["leader"].pk}  # noqa: E731
MATRIX: dict[str, tuple[Kwargs, set[str], int, int]] = {
    "core:home": (NONE, ALL, 403, 200),
    "core:audit-changes": (NONE, AUDITORS, 403, 200),
    "core:audit-access": (NONE, AUDITORS, 403, 200),
    "accounts:profile": (NONE, ALL, 403, 200),
    "accounts:password-change": (NONE, ALL, 403, 200),
    "accounts:otp-verify": (NONE, ALL, 403, 302),  # already verified: sent home
    "accounts:otp-setup": (NONE, ALL, 403, 200),
    "accounts:recovery-codes": (NONE, ALL, 403, 200),
    "accounts:logout-everywhere": (NONE, ALL, 403, 405),
    "accounts:user-list": (NONE, ADMIN, 403, 200),
    "accounts:user-create": (NONE, ADMIN, 403, 200),
    "accounts:user-detail": (USER, ADMIN, 403, 200),
    "accounts:user-edit": (USER, ADMIN, 403, 200),
    "accounts:user-toggle-active": (USER, ADMIN, 403, 405),
    "accounts:user-reset-2fa": (USER, ADMIN, 403, 405),
    "accounts:user-reset-password": (USER, ADMIN, 403, 405),
    "reference:regions": (NONE, STAFF, 403, 200),
    "reference:region": (lambda p: {"code": "440199001000"}, STAFF, 403, 200),
    "reference:departments": (NONE, STAFF, 403, 200),
}
# Open to everyone, signed in or not.
PUBLIC = {"accounts:login", "accounts:logout", "core:healthz", "set_language"}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def test_every_url_is_in_the_matrix() -> None:
    missing = _names(get_resolver()) - set(MATRIX) - PUBLIC
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_users_are_sent_to_login(name: str, personas) -> None:  # noqa: ANN001
    kwargs, *_ = MATRIX[name]
    response = Client().get(reverse(name, kwargs=kwargs(personas)))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_exactly_its_access(name: str, personas, client_for) -> None:  # noqa: ANN001
    kwargs, allowed, denied_status, allowed_status = MATRIX[name]
    url = reverse(name, kwargs=kwargs(personas))
    got = {persona: client_for(persona).get(url).status_code for persona in sorted(ALL)}
    expected = {p: (allowed_status if p in allowed else denied_status) for p in sorted(ALL)}
    assert got == expected


@pytest.mark.django_db
def test_the_public_pages_open_without_login() -> None:
    assert Client().get(reverse("accounts:login")).status_code == 200
    assert Client().get(reverse("core:healthz")).json() == {"status": "ok"}
