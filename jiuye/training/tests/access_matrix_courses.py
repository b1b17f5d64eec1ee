"""Rows of the URL × role access matrix for the provider and course pages (see
core/tests/test_url_matrix.py).

The world: a provider in 东城街道 with one course. Every staff role reads providers; every role
reads courses; district staff and 东城's officer manage this provider and its course (西城's
officer may read them but not change them: 403); leaders and liaisons never write; the exports
are for staff roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jiuye.core.tests.matrix import ALL, STAFF, Kwargs, access
from jiuye.reference.models import Region
from jiuye.training.models import Course, Provider
from jiuye.training.services import courses

WRITERS = {"admin", "district", "town_a", "town_b"}
MANAGERS = {"admin", "district", "town_a"}


def _provider(w: dict[str, Any]) -> Provider:
    found = Provider.objects.filter(name="矩阵培训学校").first()
    return found or courses.provider_create(
        by=None,
        name="矩阵培训学校",
        kind="training_org",
        region=Region.objects.get(code="440199001000"),
    )


def _course(w: dict[str, Any]) -> Course:
    found = Course.objects.filter(title="矩阵培训班").first()
    if found:
        return found
    today = timezone.localdate()
    return courses.course_create(
        by=None,
        provider=_provider(w),
        title="矩阵培训班",
        kind="vocational",
        mode="onsite",
        start_date=today,
        end_date=today + dt.timedelta(days=10),
        places=10,
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
PROVIDER: Kwargs = lambda w: {"pk": _provider(w).pk}  # noqa: E731
COURSE: Kwargs = lambda w: {"pk": _course(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "training:providers": (NONE, access(STAFF)),
    "training:provider-create": (NONE, access(WRITERS)),
    "training:provider": (PROVIDER, access(STAFF)),
    "training:provider-edit": (PROVIDER, access(MANAGERS)),
    "training:providers-export": (NONE, access(STAFF)),
    "training:courses": (NONE, access(set(ALL))),
    "training:course-create": (NONE, access(WRITERS)),
    "training:course": (COURSE, access(set(ALL))),
    "training:course-edit": (COURSE, access(MANAGERS)),
    "training:courses-export": (NONE, access(STAFF)),
}
