"""Training course pages (培训课程): the list and search, a course's page, the course form and
the export.

Who may do what:
- list, page: every role. Employers and job seekers see courses that are not archived and
  never who enrolled; a job seeker may request enrolment from the page (helper view
  ``training:request-enrolment``).
- a course's enrolments: administrators and district staff all of them, a town officer those
  of their town's persons; leaders and liaisons only the counts.
- create, edit: administrators and district staff; a town officer for courses whose provider
  is in their town (another town's course: 403).
- export: staff roles (figures only, no personal data).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jiuye.accounts.models import Role
from jiuye.core import crud
from jiuye.core.access import roles_required
from jiuye.core.downloads import formula_safe
from jiuye.core.roles import PERSONAL_DATA_ROLES, STAFF_ROLES, VERIFIED_ROLES
from jiuye.core.scoping import scope_for
from jiuye.training.forms.courses import CourseForm, CourseSearchForm
from jiuye.training.models import Course, Enrolment, EnrolmentStatus
from jiuye.training.selectors import courses as selectors
from jiuye.training.services import courses as services

RUNNERS = PERSONAL = PERSONAL_DATA_ROLES
STAFF = STAFF_ROLES
READERS = VERIFIED_ROLES


def _course(request: HttpRequest, pk: uuid.UUID) -> Course:
    queryset = selectors.courses_visible(request.user).select_related("provider__region")
    return get_object_or_404(queryset, pk=pk)


def managed(request: HttpRequest, region_code: str) -> None:
    """Raise PermissionDenied unless the user manages the providers and courses of the place."""
    if not services.may_manage(request.user, region_code):
        raise PermissionDenied


def _managed(request: HttpRequest, pk: uuid.UUID) -> Course:
    course = _course(request, pk)
    managed(request, course.provider.region_id)
    return course


_searched = crud.searching(CourseSearchForm, selectors.course_search, selectors.courses_for_list)


def _rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    rows, context = _searched(request, records)
    context.update(can_export=request.user.role in STAFF, today=timezone.localdate())
    return rows, context


def _outcomes(course: Course) -> Any:
    """Conversion figures of the course (computed by ``training.selectors.outcomes`` when that
    module is there), for staff roles only."""
    try:
        from jiuye.training.selectors.outcomes import conversion
    except ImportError:
        return None
    return conversion(Enrolment.objects.filter(course=course))


def _can_request(request: HttpRequest, course: Course, mine: Enrolment | None) -> bool:
    return (
        request.user.role == Role.JOBSEEKER
        and bool(request.user.person_id)
        and not course.is_archived
        and course.end_date >= timezone.localdate()
        and mine is None
    )


@roles_required(*READERS)
@require_GET
def course_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    course = _course(request, pk)
    role = request.user.role
    counts = selectors.enrolment_counts(course)
    seated = counts[EnrolmentStatus.ENROLLED] + counts[EnrolmentStatus.COMPLETED]
    enrolments = None
    if role in PERSONAL:
        enrolments = list(
            scope_for(request.user, Enrolment)
            .filter(course=course)
            .select_related("person__region", "person__category")
            .order_by("person__name", "pk")
        )
    mine = None
    if role == Role.JOBSEEKER and request.user.person_id:
        mine = Enrolment.objects.filter(course=course, person_id=request.user.person_id).first()
    context = {
        "course": course,
        "categories": list(course.target_categories.all()),
        "counts": counts,
        "seated": seated,
        "free": max(course.places - seated, 0),
        "staff": role in STAFF,
        "personal": role in PERSONAL,
        "enrolments": enrolments,
        "mine": mine,
        "can_request": _can_request(request, course, mine),
        "can_run": role in RUNNERS and services.may_manage(request.user, course.provider.region_id),
        "outcomes": _outcomes(course) if role in STAFF else None,
        "own_town": request.user.town if role == Role.TOWN else None,
    }
    return render(request, "training/course_detail.html", context)


PAGES = crud.EditPages(
    name="course",
    form_class=CourseForm,
    template="training/course_form.html",
    create=services.course_create,
    update=services.course_update,
    archive=services.course_archive,
    detail="training:course",
    listing="training:courses",
    saved=gettext_lazy("已保存课程：%(title)s。"),
    archived=gettext_lazy("已归档课程：%(title)s。"),
    refused=gettext_lazy("这个课程已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、已取消。归档后不再出现在列表中，记录仍然保留。"),
    label="title",
    initial_from=("provider",),
)


EXPORT_HEADERS = (
    "培训机构",
    "课程名称",
    "培训类型",
    "培训方式",
    "面向残疾类别",
    "开班日期",
    "结业日期",
    "课时",
    "名额",
    "资金来源",
    "经费",
    "可获证书",
    "证书等级",
    "说明",
    "已报名（在学和已结业）",
)


def _export_rows(courses: Any, context: dict[str, Any]) -> Iterable[list[Any]]:
    for c in courses.prefetch_related("target_categories").iterator(chunk_size=2000):
        yield [
            formula_safe(c.provider.name),
            formula_safe(c.title),
            c.get_kind_display(),
            c.get_mode_display(),
            "、".join(cat.name for cat in c.target_categories.all()),
            c.start_date,
            c.end_date,
            c.hours,
            c.places,
            formula_safe(c.funding_source),
            c.funding_amount,
            c.get_certificate_kind_display(),
            formula_safe(c.certificate_level),
            formula_safe(c.description),
            c.n_seated,
        ]


# The export is in the columns of the ``courses`` import (so a corrected export imports back)
# plus the places taken. Figures only: no person, no access log; for staff roles.
COURSES = crud.RecordPages(
    edit=PAGES,
    readers=READERS,
    keepers=RUNNERS,
    exporters=STAFF,
    visible=selectors.courses_visible,
    rows=_rows,
    export=crud.Export(
        title=gettext_lazy("培训课程"),
        headers=EXPORT_HEADERS,
        rows=_export_rows,
        widths=(30, 30),
        width=14,
    ),
    detail=course_detail,
    get=_managed,
)
