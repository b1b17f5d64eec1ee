"""Rows of the URL × role access matrix for the platform pages (action 四; see
core/tests/test_url_matrix.py).

The world: 东城示范企业 (东城街道) is a platform with one commitment. Administrators, district
staff, leaders and 东城's officer read it; 西城's officer gets 404 for it; liaisons, employers
and job seekers may not open platform pages (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.employers.models import Employer
from jiuye.programs.models import PlatformCommitment, PlatformPartner
from jiuye.programs.services import platforms

READERS = {"admin", "district", "town_a", "town_b", "leader"}
KEEPERS = {"admin", "district", "town_a", "town_b"}
KEEPERS_A = {"admin", "district", "town_a"}


def _partner(w: dict[str, Any]) -> PlatformPartner:
    employer = Employer.objects.get(name="东城示范企业")
    found = PlatformPartner.objects.filter(employer=employer).first()
    return found or platforms.partner_create(
        by=None, employer=employer, platform_kinds=["express"], since=dt.date(2024, 1, 1)
    )


def _commitment(w: dict[str, Any]) -> PlatformCommitment:
    partner = _partner(w)
    found = partner.commitments.first()
    return found or platforms.commitment_add(
        partner=partner,
        by=None,
        kind="fee_waiver",
        description="免收押金",
        since=dt.date(2024, 1, 1),
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
PARTNER: Kwargs = lambda w: {"pk": _partner(w).pk}  # noqa: E731
COMMITMENT: Kwargs = lambda w: {"pk": _commitment(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "programs:platform-partners": (NONE, access(READERS)),
    "programs:platform-partner-create": (NONE, access(KEEPERS)),
    "programs:platform-partners-export": (NONE, access(READERS)),
    "programs:platform-partner": (PARTNER, access(KEEPERS_A | {"leader"}, town_b=404)),
    "programs:platform-partner-edit": (PARTNER, access(KEEPERS_A, town_b=404)),
    "programs:platform-commitment-add": (PARTNER, access(KEEPERS_A, town_b=404)),
    "programs:platform-commitment-end": (COMMITMENT, access(KEEPERS_A, town_b=404)),
}
