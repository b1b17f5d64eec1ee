"""Rows of the URL × role access matrix for the annual report (see
core/tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from jiuye.core.tests.matrix import Kwargs, access, alike
from jiuye.reference.selectors import district_and_towns

REPORT = {"admin", "district", "leader", "town_a", "town_b"}


def _job(w: dict[str, Any]) -> dict[str, Any]:
    """A finished report of the district user (tasks run at once in tests)."""
    from jiuye.dashboards.services.report import report_start

    if "report_token" not in w:
        district, _towns = district_and_towns()
        w["report_token"] = report_start(user=w["personas"]["district"], year=2024, region=district)
    return {"token": w["report_token"]}


NONE: Kwargs = lambda w: {}  # noqa: E731

MATRIX = {
    "dashboards:report": (NONE, access(REPORT)),
    # A report belongs to the user who asked for it: the other report roles get 404.
    **alike(
        _job,
        access(REPORT, admin=404, leader=404, town_a=404, town_b=404),
        "dashboards:report-job",
        "dashboards:report-progress",
        "dashboards:report-download",
    ),
}
