"""The exchanges the plan names, as endpoints the other side's system can call.

- Education bureau (action 七): the bureau's list of students with disabilities comes in
  through the ``graduates`` import kind (the same checks and save as the import page), and
  the services and placement of each matched student go out in the columns of the page's
  file back to the bureau.
- Poverty-return monitoring (action 六): the monitored persons with their employment needs
  go out in the columns of the monitoring page's export; the monitoring objects the national
  system identified come in through the ``monitoring_objects`` import kind.
- Social insurance check (人社, the quota review): the disabled employees of the declarations
  under review go out with full ID numbers to a key allowed to receive them (logged like a
  revealed export), and the bureau's answers come back, recorded against each declared
  employee and shown on the declaration's review page.

ID numbers are masked unless the caller may receive them (``may_reveal``) and asks with
``reveal=true`` and a ``reason``; every read is in the access log like the page's export."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from jiuye.api.views import imports
from jiuye.api.views.conventions import BadParameter, keyset_page, may_reveal, note_rows
from jiuye.core.roles import PERSONAL_DATA_ROLES
from jiuye.employers.models import DeclaredEmployee
from jiuye.employers.services import insurance
from jiuye.programs.selectors import graduates as graduate_selectors
from jiuye.programs.selectors import rural as rural_selectors
from jiuye.programs.services import rural as rural_services
from jiuye.programs.views import graduates as graduate_views
from jiuye.programs.views import rural as rural_views

router = Router(tags=["exchanges"])

# The keys of the JSON items, column by column as the pages' files have them.
GRADUATE_COLUMNS = (
    "name",
    "id_number",
    "school",
    "major",
    "degree_level",
    "entry_year",
    "graduation_year",
    "matched",
    "village",
    "services",
    "last_service",
    "trainings",
    "referrals",
    "employed",
    "employer",
)
MONITORING_COLUMNS = (
    "county",
    "town",
    "village",
    "name",
    "id_number",
    "monitoring_category",
    "monitoring_identified",
    "disability_category",
    "disability_grade",
    "wants_work",
    "desired_jobs",
    "training_wanted",
    "needs_registered_on",
    "employed",
    "employer",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def as_item(keys: Sequence[str], cells: Sequence[Any]) -> dict[str, Any]:
    """A file's row as a JSON item: the same cells under the columns' keys."""
    return {key: _plain(cell) for key, cell in zip(keys, cells, strict=True)}


def _personal(request: HttpRequest) -> Any:
    user = request.user
    if user.role not in PERSONAL_DATA_ROLES:
        raise PermissionDenied
    return user


def _reveal(request: HttpRequest, reveal: bool, reason: str) -> str:
    """The reason of a read with full ID numbers (``reveal``), after checking the caller may."""
    if not reveal:
        return ""
    if not may_reveal(request):
        raise HttpError(
            403,
            _("这把密钥不能取完整证件号码：请管理员在密钥上打开“可取完整证件号码”。"),
        )
    reason = reason.strip()
    if not reason:
        raise BadParameter("reason", _("取完整证件号码必须写明原因（reason 参数）。"))
    return reason


def _page(
    request: HttpRequest,
    queryset: Any,
    item: Callable[[Any], dict[str, Any]],
    *,
    kind: str,
    reason: str,
    cursor: str | None,
    limit: int | None,
    updated_since: str | None,
) -> dict[str, Any]:
    page = keyset_page(
        request,
        queryset,
        item,
        cursor=cursor,
        limit=limit,
        updated_since=updated_since,
        personal=True,
    )
    note_rows(
        request, len(page["items"]), personal=True, revealed=bool(reason), reason=reason, kind=kind
    )
    return page


# --- education bureau (action 七) -----------------------------------------------------------


@router.post(
    "/exchanges/education/graduates",
    summary="教育部门残疾学生名单导入（graduates 导入类型；?dry_run=true 只检查）",
    openapi_extra=imports._BODY,
)
def education_graduates_in(
    request: HttpRequest, dry_run: bool = False, valid_only: bool = False
) -> HttpResponse:
    """The bureau's list, a file or JSON rows in the columns of the ``graduates`` import kind;
    answered as ``POST /imports/graduates`` answers."""
    return imports.import_create(request, "graduates", dry_run=dry_run, valid_only=valid_only)


@router.get(
    "/exchanges/education/status",
    summary="回传教育部门：已匹配学生的服务和就业情况（与页面回传文件同列）",
)
def education_status_out(
    request: HttpRequest,
    year: int | None = Query(None, ge=1990, le=2100),
    reveal: bool = False,
    reason: str = "",
    updated_since: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Each matched line of the bureau's list in the caller's scope (a town: its persons'),
    with the services, trainings, referrals and placement the page's file back to the bureau
    shows, in the same columns (``columns`` names them)."""
    user = _personal(request)
    reason = _reveal(request, reveal, reason)
    lines = graduate_selectors.graduates_filtered(user, year=year).filter(person__isnull=False)
    lines = graduate_selectors.with_progress(lines, timezone.localdate())

    def item(line: Any) -> dict[str, Any]:
        cells = graduate_views._line_row(line)
        if reason:
            cells[1] = line.id_number
        return {
            "id": str(line.pk),
            "person": str(line.person_id),
            **as_item(GRADUATE_COLUMNS, cells),
        }

    page = _page(
        request,
        lines,
        item,
        kind="graduates_exchange",
        reason=reason,
        cursor=cursor,
        limit=limit,
        updated_since=updated_since,
    )
    return {"columns": _columns(GRADUATE_COLUMNS, graduate_views.LINE_HEADERS), **page}


def _columns(keys: Sequence[str], headers: Sequence[Any]) -> dict[str, str]:
    return {key: str(header) for key, header in zip(keys, headers, strict=True)}


# --- poverty-return monitoring (action 六) ---------------------------------------------------


@router.get(
    "/exchanges/monitoring/needs",
    summary="防返贫监测对象的就业需求（与页面导出同列）",
)
def monitoring_needs_out(
    request: HttpRequest,
    reveal: bool = False,
    reason: str = "",
    updated_since: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The monitored persons of the caller's scope with this year's needs registration and
    whether they work today, in the columns the national monitoring system takes. With full
    ID numbers (``reveal``), each person's timeline notes their needs were sent, as after the
    page's full export."""
    user = _personal(request)
    reason = _reveal(request, reveal, reason)
    if reason and user.is_read_only:
        raise PermissionDenied
    persons = rural_selectors.monitored_with_needs(user).select_related("region__parent__parent")
    row = partial(rural_views._monitoring_row, reveal=bool(reason))
    sent: list[Any] = []

    def item(person: Any) -> dict[str, Any]:
        sent.append(person)
        return {"person": str(person.pk), **as_item(MONITORING_COLUMNS, row(person))}

    page = _page(
        request,
        persons,
        item,
        kind="monitoring_needs",
        reason=reason,
        cursor=cursor,
        limit=limit,
        updated_since=updated_since,
    )
    if reason and sent:
        rural_services.exchange_exported(persons=sent, by=user)
    return {"columns": _columns(MONITORING_COLUMNS, rural_views.MONITORING_HEADERS), **page}


@router.post(
    "/exchanges/monitoring/objects",
    summary="防返贫监测对象认定结果导入（monitoring_objects 导入类型；?dry_run=true 只检查）",
    openapi_extra=imports._BODY,
)
def monitoring_objects_in(
    request: HttpRequest, dry_run: bool = False, valid_only: bool = False
) -> HttpResponse:
    """The monitoring system's identified objects (and risks eliminated), a file or JSON rows
    in the columns of the ``monitoring_objects`` import kind."""
    return imports.import_create(
        request, "monitoring_objects", dry_run=dry_run, valid_only=valid_only
    )


# --- social insurance check (人社) -----------------------------------------------------------

DEFAULT_INSURANCE_REASON = "社保核验（按比例就业年审）"


def _insurance(request: HttpRequest) -> Any:
    user = request.user
    if not insurance.may_check_insurance(user):
        raise PermissionDenied
    return user


def _employee_item(line: DeclaredEmployee) -> dict[str, Any]:
    declaration = line.declaration
    employer = declaration.employer
    check = getattr(line, "insurance_check", None)
    return {
        "employee": str(line.pk),
        "declaration": str(declaration.pk),
        "year": declaration.year,
        "employer": employer.name,
        "employer_uscc": employer.uscc,
        "name": line.name,
        "id_number": line.id_number,
        "on_establishment": line.on_establishment,
        "contract_start": _plain(line.contract_start),
        "contract_end": _plain(line.contract_end),
        "declared_insurance_months": line.insurance_months,
        "answer": None
        if check is None
        else {
            "insured": check.insured,
            "months": check.months,
            "unit": check.unit,
            "note": check.note,
            "answered_at": check.updated_at.isoformat(),
        },
    }


@router.get(
    "/exchanges/social-insurance/pending",
    summary="待社保核验的申报残疾职工（完整证件号码；需要密钥可取完整证件号码，记入访问日志）",
)
def insurance_pending(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),
    answered: bool = False,
    reason: str = DEFAULT_INSURANCE_REASON,
    updated_since: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The disabled employees of the declarations under review that have no answer yet (with
    ``answered=true``, all of them), with the full ID number the bureau looks them up by."""
    user = _insurance(request)
    reason = _reveal(request, True, reason)
    lines = insurance.insurance_pending(user, year=year, answered=answered)
    return _page(
        request,
        lines,
        _employee_item,
        kind="social_insurance_check",
        reason=reason,
        cursor=cursor,
        limit=limit,
        updated_since=updated_since,
    )


class InsuranceAnswerIn(Schema):
    employee: uuid.UUID
    insured: bool
    months: int = Field(ge=0, le=12)
    unit: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class InsuranceAnswersIn(Schema):
    answers: list[InsuranceAnswerIn] = Field(min_length=1, max_length=1000)


@router.post(
    "/exchanges/social-insurance/answers",
    summary="回传社保核验结果（按申报残疾职工逐条：是否参保、缴费月数、参保单位）",
)
def insurance_answers(request: HttpRequest, body: InsuranceAnswersIn) -> dict[str, Any]:
    """Record the bureau's answers; all or nothing (a wrong line is a 400 naming it). A second
    answer for the same employee replaces the first. The review page shows them."""
    user = _insurance(request)
    if user.is_read_only:
        raise PermissionDenied
    answers = [
        insurance.Answer(
            employee=str(a.employee), insured=a.insured, months=a.months, unit=a.unit, note=a.note
        )
        for a in body.answers
    ]
    counts = insurance.insurance_answers_record(answers=answers, by=user)
    note_rows(request, len(answers), personal=False)
    return {"received": len(answers), **counts}
