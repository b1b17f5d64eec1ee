"""Rows of the URL × role access matrix for the employers' own sign-up (issue 18).

The worklist and its decisions are for administrators and district staff; "本单位账户" is for
an employer's administrator only, and the employer persona is not one (403). The applicant's
status page opens for any signed-in user (each sees only their own application)."""

from __future__ import annotations

from typing import Any

from jiuye.core.tests.matrix import ALL, Kwargs, access
from jiuye.employers.models import EmployerApplication

DECIDERS = {"admin", "district"}


def _application(w: dict[str, Any]) -> dict[str, Any]:
    from jiuye.employers.tests.test_signup import submit

    application = EmployerApplication.objects.first() or submit(username="matrix-applicant")
    return {"pk": application.pk}


NONE: Kwargs = lambda w: {}  # noqa: E731
COLLEAGUE: Kwargs = lambda w: {"pk": w["personas"]["employer"].pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "employers:signup-status": (NONE, access(set(ALL))),
    "employers:applications": (NONE, access(DECIDERS)),
    "employers:application": (_application, access(DECIDERS)),
    "employers:application-link": (_application, access(DECIDERS, ok=405)),
    "employers:application-create": (_application, access(DECIDERS, ok=405)),
    "employers:application-refuse": (_application, access(DECIDERS, ok=405)),
    "employers:unit-accounts": (NONE, access(set())),
    "employers:unit-account-invite": (NONE, access(set())),
    # A GET is the wrong method before the admin check (a POST by a non-admin: 403, tested).
    "employers:unit-account-active": (COLLEAGUE, access(set(), employer=405)),
}
