"""The staff pages of grievances in the URL × role access matrix (core/tests/test_url_matrix.py);
the public pages are in its PUBLIC set. The grievance is routed to town A (东城街道)."""

from __future__ import annotations

from typing import Any

from jiuye.core.tests.matrix import ALL, Kwargs, Row, access
from jiuye.grievances.models import Grievance

HANDLERS = {"admin", "district", "liaison", "town_a", "town_b"}
DISTRICT = {"admin", "district"}


def _grievance(w: dict[str, Any]) -> Grievance:
    from jiuye.grievances.tests.factories import file_grievance

    found = Grievance.objects.first()
    return found or file_grievance().grievance


GRIEVANCE: Kwargs = lambda w: {"pk": _grievance(w).pk}  # noqa: E731
NONE: Kwargs = lambda w: {}  # noqa: E731
# Town B and the liaison do not handle a grievance routed to town A.
_OUT = {"town_b": 404, "liaison": 404}

MATRIX: dict[str, Row] = {
    "grievances:queue": (NONE, access(HANDLERS)),
    "grievances:queue-export": (NONE, access(HANDLERS)),
    "grievances:report": (NONE, access(DISTRICT)),
    "grievances:detail": (GRIEVANCE, access(HANDLERS, **_OUT)),
    "grievances:reply": (GRIEVANCE, access(HANDLERS, ok=405)),
    "grievances:reassign": (GRIEVANCE, access(DISTRICT, ok=405)),
    # No attachment on the matrix's grievance: 404 for those who may see it.
    "grievances:attachment": (GRIEVANCE, access(HANDLERS, ok=404, **_OUT)),
}
assert set(ALL) >= HANDLERS
