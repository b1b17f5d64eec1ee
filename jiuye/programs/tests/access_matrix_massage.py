"""Rows of the URL × role access matrix for the medical massage pages (action 八; see
core/tests/test_url_matrix.py).

The world: 东城示范企业 (东城街道) is a medical institution; 张三 (东城, the job seeker's
person) applied for the practitioner qualification. Institutions are read by administrators,
district staff, leaders and 东城's officer (西城's: 404); applications are personal data, kept
by administrators, district staff and the town officer of the person's town (西城's: 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.employers.models import Employer
from jiuye.programs.models import MassageApplication, MedicalInstitution
from jiuye.programs.services import massage

READERS = {"admin", "district", "town_a", "town_b", "leader"}
KEEPERS = {"admin", "district", "town_a", "town_b"}
KEEPERS_A = {"admin", "district", "town_a"}


def _institution(w: dict[str, Any]) -> MedicalInstitution:
    employer = Employer.objects.get(name="东城示范企业")
    found = MedicalInstitution.objects.filter(employer=employer).first()
    return found or massage.institution_create(by=None, employer=employer, kind="hospital")


def _application(w: dict[str, Any]) -> MassageApplication:
    person = w["personas"]["jobseeker"].person
    found = MassageApplication.objects.filter(person=person).first()
    return found or massage.application_submit(
        by=None, kind="qualification", person=person, submitted_on=dt.date(2025, 3, 1)
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
INSTITUTION: Kwargs = lambda w: {"pk": _institution(w).pk}  # noqa: E731
APPLICATION: Kwargs = lambda w: {"pk": _application(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "programs:medical-institutions": (NONE, access(READERS)),
    "programs:medical-institution-create": (NONE, access(KEEPERS)),
    "programs:medical-institutions-export": (NONE, access(READERS)),
    "programs:medical-institution": (INSTITUTION, access(KEEPERS_A | {"leader"}, town_b=404)),
    "programs:medical-institution-edit": (INSTITUTION, access(KEEPERS_A, town_b=404)),
    "programs:massage-applications": (NONE, access(KEEPERS)),
    "programs:massage-application-create": (NONE, access(KEEPERS)),
    "programs:massage-applications-export": (NONE, access(KEEPERS)),
    "programs:massage-application": (APPLICATION, access(KEEPERS_A, town_b=404)),
}
