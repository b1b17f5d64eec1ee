"""Rows of the URL × role access matrix for the enrolment, attendance and certificate pages (see
core/tests/test_url_matrix.py).

The world: the course of the course rows (access_matrix_courses.py: a 东城 provider's, running
now), with person_a (东城, the job seeker's person) enrolled. The pages hold personal data:
administrators, district staff and town officers only; 西城's officer may open the course's
sheet and export (their own persons: none) but not 张三's enrolment (404). The job seeker may
only POST a request for themself (GET: 405)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiuye.core.tests.matrix import PERSONAL, Kwargs, access
from jiuye.training.models import Enrolment
from jiuye.training.tests.access_matrix_courses import COURSE, NONE, _course


def _enrolment(w: dict[str, Any]) -> Enrolment:
    course = _course(w)
    person = w["personas"]["jobseeker"].person
    enrolment, _ = Enrolment.objects.get_or_create(
        course=course, person=person, defaults={"enrolled_on": timezone.localdate()}
    )
    return enrolment


ENROLMENT: Kwargs = lambda w: {"pk": _enrolment(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "training:enrol": (COURSE, access(PERSONAL)),
    "training:attendance": (COURSE, access(PERSONAL)),
    "training:enrolments-export": (COURSE, access(PERSONAL)),
    "training:enrolment": (ENROLMENT, access(PERSONAL, town_b=404)),
    "training:certificates": (NONE, access(PERSONAL)),
    "training:request-enrolment": (COURSE, access({"jobseeker"}, ok=405)),
}
