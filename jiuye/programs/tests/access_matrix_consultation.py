"""Rows of the URL × role access matrix for the consultation pages (action 二; see
core/tests/test_url_matrix.py).

The world: a meeting of 东城街道 (kept by district staff, administrators and 东城's officer)
with one follow-up action owned by 人社局 (the liaison's department). Every staff role reads
meetings and has a worklist; the liaison may close the action (its owner) but not change the
meeting; 西城's officer and leaders may read but not change (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuye.core.tests.matrix import STAFF, Kwargs, access
from jiuye.programs.models import ConsultationMeeting, FollowUpAction
from jiuye.programs.services import consultation
from jiuye.reference.models import Department, Region

KEEPERS_A = {"admin", "district", "town_a"}


def _meeting(w: dict[str, Any]) -> ConsultationMeeting:
    found = ConsultationMeeting.objects.filter(title="矩阵会商会").first()
    return found or consultation.meeting_create(
        by=None,
        title="矩阵会商会",
        held_on=dt.date(2025, 3, 1),
        convener=Department.objects.get(code="rsj"),
        region=Region.objects.get(code="440199001000"),
        topics="残疾人招聘",
    )


def _action(w: dict[str, Any]) -> FollowUpAction:
    meeting = _meeting(w)
    found = meeting.actions.first()
    return found or consultation.action_add(
        meeting=meeting,
        by=None,
        description="组织专场招聘会",
        due_on=dt.date(2025, 6, 30),
        owner_department=Department.objects.get(code="rsj"),
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
MEETING: Kwargs = lambda w: {"pk": _meeting(w).pk}  # noqa: E731
ACTION: Kwargs = lambda w: {"pk": _action(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "programs:consultation-meetings": (NONE, access(STAFF)),
    "programs:consultation-meeting-create": (
        NONE,
        access({"admin", "district", "town_a", "town_b"}),
    ),
    "programs:consultation-meetings-export": (NONE, access(STAFF)),
    "programs:consultation-meeting": (MEETING, access(STAFF)),
    "programs:consultation-meeting-edit": (MEETING, access(KEEPERS_A)),
    "programs:consultation-action-add": (MEETING, access(KEEPERS_A)),
    "programs:consultation-action-close": (ACTION, access(KEEPERS_A | {"liaison"})),
    "programs:consultation-todo": (NONE, access(STAFF)),
    "programs:consultation-todo-export": (NONE, access(STAFF)),
}
