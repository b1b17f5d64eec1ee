"""Writes of the annual quota declaration (年审): the draft and its staff list, verification and
computation, and the review workflow draft → submitted → returned → resubmitted → confirmed,
with corrections as new versions. Every step is in the audit trail (auditlog on the models)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import conflicts, dates
from jiuye.core.validators import (
    resident_id_birth_date,
    validate_certificate_number,
    validate_resident_id,
)
from jiuye.employers.models import (
    Declaration,
    DeclarationStatus,
    DeclaredEmployee,
    Employer,
)
from jiuye.employers.services.review import TERMS_FIELDS, declarations_compute
from jiuye.notifications import selectors as told
from jiuye.notifications.services import Event, notify
from jiuye.people.services import certificate_index, id_number_index

OPEN = (DeclarationStatus.DRAFT, DeclarationStatus.SUBMITTED, DeclarationStatus.RETURNED)

EMPLOYEE_FIELDS = (
    "name",
    "id_number",
    "certificate_number",
    *TERMS_FIELDS,
    "dispatch_agency",
    "counts_here",
)


class WorkflowError(ValidationError):
    """A step that the declaration's status does not allow."""


def _editable(declaration: Declaration) -> None:
    if not declaration.is_editable:
        raise WorkflowError(
            _("申报状态为“%(status)s”，不能再修改。") % {"status": declaration.get_status_display()}
        )


@transaction.atomic
def declaration_start(*, employer: Employer, year: int, by: Any) -> Declaration:
    """The employer's open declaration for the year, or a new draft."""
    current = Declaration.objects.filter(employer=employer, year=year, status__in=OPEN).first()
    if current is not None:
        return current
    if Declaration.objects.filter(
        employer=employer, year=year, status=DeclarationStatus.CONFIRMED
    ).exists():
        raise WorkflowError(
            _("%(year)d年度的申报已经审核确认；如需更正，请使用“更正申报”。") % {"year": year}
        )
    if year > timezone.localdate().year:
        raise ValidationError({"year": [_("不能申报未来的年度。")]})
    actor = conflicts.actor(by)
    return Declaration.objects.create(
        employer=employer, year=year, wage_total=0, created_by=actor, updated_by=actor
    )


def _decimal(value: Any, field: str, label: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[field] = [_("%(label)s应为数字。") % {"label": label}]
        return None
    if not number.is_finite() or number < 0:
        errors[field] = [_("%(label)s不能是负数。") % {"label": label}]
        return None
    return number


@transaction.atomic
def declaration_save(
    *,
    declaration: Declaration,
    by: Any,
    wage_total: Any,
    staff_annual: Any = None,
    staff_monthly: list[Any] | None = None,
) -> Declaration:
    """The employer-level figures: staff (annual average, or twelve monthly counts when the
    policy counts monthly) and the wage total."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    _editable(declaration)
    errors: dict[str, list[str]] = {}
    wages = _decimal(wage_total, "wage_total", _("工资总额"), errors)
    annual = _decimal(staff_annual, "staff_annual", _("在职职工年平均人数"), errors)
    monthly = []
    if staff_monthly:
        for number, value in enumerate(staff_monthly, start=1):
            figure = _decimal(value, "staff_monthly", _("%(m)d月人数") % {"m": number}, errors)
            if figure is None and "staff_monthly" not in errors:
                errors["staff_monthly"] = [_("请填写全部12个月的在职职工人数。")]
            monthly.append(str(figure) if figure is not None else "")
    if wages is None and "wage_total" not in errors:
        errors["wage_total"] = [_("请填写在职职工工资总额。")]
    if annual is None and not staff_monthly and "staff_annual" not in errors:
        errors["staff_annual"] = [_("请填写在职职工年平均人数，或逐月人数。")]
    if errors:
        raise ValidationError(errors)
    declaration.wage_total = wages
    declaration.staff_annual = annual
    declaration.staff_monthly = monthly
    declaration.updated_by = conflicts.actor(by)
    declaration.save()
    return declaration


def _clean_employee(
    declaration: Declaration, values: dict[str, Any], *, exclude_pk: Any = None
) -> dict[str, Any]:
    cleaned, errors = employee_check(declaration, values)
    if "id_number_index" in cleaned:
        duplicate = declaration.employees.filter(id_number_index=cleaned["id_number_index"])
        if exclude_pk:
            duplicate = duplicate.exclude(pk=exclude_pk)
        if duplicate.exists():
            errors["id_number"] = [_("这个人已经在本次申报的名单里了。")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def employee_check(
    declaration: Declaration, values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The rules of a line of a staff list, as the form, the service and the staff list
    import apply them (the import finds a person already on the list by the ID number's
    index, so the check that a person is listed once is the caller's). Returns the values
    cleaned (numbers normalised, their blind indexes added) and the problems by field."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(values)
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写姓名。")]
    try:
        cleaned["id_number"] = validate_resident_id(values.get("id_number", ""))
    except ValidationError as error:
        errors["id_number"] = error.messages
    else:
        try:
            cleaned["certificate_number"] = validate_certificate_number(
                values.get("certificate_number", ""), id_number=cleaned["id_number"]
            )
        except ValidationError as error:
            errors["certificate_number"] = error.messages
        cleaned["id_number_index"] = id_number_index(cleaned["id_number"])
        if "certificate_number" in cleaned and "certificate_number" not in errors:
            cleaned["certificate_index"] = certificate_index(cleaned["certificate_number"])
    wage = values.get("monthly_wage")
    if wage is None or wage == "":
        errors["monthly_wage"] = [_("请填写月工资。")]
    else:
        try:
            cleaned["monthly_wage"] = Decimal(str(wage))
            if cleaned["monthly_wage"] < 0:
                errors["monthly_wage"] = [_("月工资不能是负数。")]
        except InvalidOperation:
            errors["monthly_wage"] = [_("月工资应为数字。")]
    months = str(values.get("insurance_months", "")).strip()
    if not months.isdigit() or not 0 <= int(months) <= 12:
        errors["insurance_months"] = [_("缴纳社保月数应为0到12之间的整数。")]
    contract_type = values.get("contract_type") or ""
    if contract_type and contract_type not in DeclaredEmployee.ContractType.values:
        errors["contract_type"] = [
            _("合同类型“%(value)s”不是可选的类型，请从：%(choices)s 中选择。")
            % {
                "value": contract_type,
                "choices": "、".join(str(label) for label in DeclaredEmployee.ContractType.labels),
            }
        ]
    start, end = values.get("contract_start"), values.get("contract_end")
    if start and end and end < start:
        errors["contract_end"] = [_("合同结束日期不能早于开始日期。")]
    if not values.get("on_establishment") and not start:
        errors["contract_start"] = [_("请填写合同开始日期（在编人员请勾选“在编”）。")]
    if values.get("dispatched") and not (values.get("dispatch_agency") or "").strip():
        errors["dispatch_agency"] = [_("劳务派遣人员请填写派遣单位。")]
    if start and start > dt.date(declaration.year, 12, 31):
        errors["contract_start"] = [
            _("合同开始日期晚于%(year)d年底，不属于本年度。") % {"year": declaration.year}
        ]
    if end and end < dt.date(declaration.year, 1, 1):
        errors.setdefault("contract_end", []).append(
            _("合同在%(year)d年开始前已经结束，不属于本年度。") % {"year": declaration.year}
        )
    if start and "id_number" not in errors:
        birth = resident_id_birth_date(cleaned["id_number"])
        label = _("合同开始日期")
        findings = dates.in_life(
            start, birth=birth, field="contract_start", label=label, working=True
        )
        for field, messages in dates.errors(findings).items():
            errors.setdefault(field, messages)
    return cleaned, errors


@transaction.atomic
def employee_add(*, declaration: Declaration, by: Any, **values: Any) -> DeclaredEmployee:
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    _editable(declaration)
    conflicts.known_fields(values, EMPLOYEE_FIELDS, "employee")
    cleaned = _clean_employee(declaration, values)
    too_many = staff_list_too_long(declaration, adding=1)
    if too_many:
        raise ValidationError(too_many)
    actor = conflicts.actor(by)
    position = (declaration.employees.aggregate(n=Max("position"))["n"] or 0) + 1
    return DeclaredEmployee.objects.create(
        declaration=declaration, position=position, created_by=actor, updated_by=actor, **cleaned
    )


def staff_list_too_long(declaration: Declaration, *, adding: int, listed: int | None = None) -> str:
    """Why ``adding`` more lines would list more disabled employees than the declaration's
    staff, or "" when they fit (the list cannot be longer than the staff it is part of).
    ``listed``: the lines already on the list, when the caller has counted them."""
    if declaration.staff_annual is None:
        return ""
    if listed is None:
        listed = declaration.employees.count()
    if listed + adding <= declaration.staff_annual.__ceil__():
        return ""
    return _("名单将有 %(total)d 人，超过了申报的在职职工人数 %(staff)s 人：请先核对职工人数。") % {
        "total": listed + adding,
        "staff": f"{declaration.staff_annual.normalize():f}",
    }


@transaction.atomic
def employee_update(*, employee: DeclaredEmployee, by: Any, **values: Any) -> DeclaredEmployee:
    _editable(employee.declaration)
    current = {name: getattr(employee, name) for name in EMPLOYEE_FIELDS}
    current.update(values)
    cleaned = _clean_employee(employee.declaration, current, exclude_pk=employee.pk)
    for key, value in cleaned.items():
        setattr(employee, key, value)
    employee.updated_by = conflicts.actor(by)
    employee.save()
    return employee


@transaction.atomic
def employee_remove(*, employee: DeclaredEmployee, by: Any) -> None:
    """Take a line off a declaration that is still being written (a draft or a returned one;
    confirmed declarations keep every line, corrections are new versions)."""
    _editable(employee.declaration)
    employee.delete()


# --- verification and computation -----------------------------------------------------------


def declaration_compute(declaration: Declaration) -> Declaration:
    """Verify every line against the registry and compute the quota and levy under the policy
    of the employer's region for the year. Idempotent; a confirmed declaration is not
    recomputed (its figures are what was confirmed)."""
    declaration.refresh_from_db()
    if not declaration.is_locked:
        declarations_compute([declaration])
    return declaration


# --- the review workflow --------------------------------------------------------------------


@transaction.atomic
def declaration_submit(*, declaration: Declaration, by: Any) -> Declaration:
    """The employer (or staff on its behalf) sends the declaration for review."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    _editable(declaration)
    if declaration.staff_annual is None and len(declaration.staff_monthly) != 12:
        raise ValidationError(_("请先填写在职职工人数和工资总额，再提交。"))
    declaration.status = DeclarationStatus.SUBMITTED
    declaration.submitted_at = timezone.now()
    declaration.returned_reason = ""
    declaration.updated_by = conflicts.actor(by)
    declaration.save()
    declaration_compute(declaration)
    _recompute_others(declaration)
    _tell(declaration, "submitted", told.reviewers(), by)
    return declaration


_DECLARATION_TITLES = {
    "submitted": gettext_lazy("年审申报待审核：%(employer)s（%(year)s年度）"),
    "returned": gettext_lazy("年审申报被退回，请修改后再提交：%(employer)s（%(year)s年度）"),
    "confirmed": gettext_lazy("年审申报已确认：%(employer)s（%(year)s年度）"),
}


def _tell(declaration: Declaration, step: str, recipients: Any, by: Any) -> None:
    """A declaration handed over: submitted to the district, returned or confirmed to the
    employer's users."""
    stamp = declaration.updated_at.strftime("%Y%m%d%H%M%S%f")
    notify(
        event=Event(
            key=f"declaration:{declaration.pk}:{step}:{stamp}",
            kind=f"declaration_{step}",
            title=str(_DECLARATION_TITLES[step])
            % {"employer": declaration.employer.name, "year": declaration.year},
            body=declaration.returned_reason if step == "returned" else "",
            url=f"/employers/declarations/{declaration.pk}/",
        ),
        recipients=recipients,
        exclude=conflicts.actor(by),
    )


@transaction.atomic
def declaration_return(*, declaration: Declaration, by: Any, reason: str) -> Declaration:
    """Staff send the declaration back with the reasons to fix."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != DeclarationStatus.SUBMITTED:
        raise WorkflowError(_("只有待审核的申报可以退回。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明退回原因，告诉单位要改什么。")]})
    declaration.status = DeclarationStatus.RETURNED
    declaration.returned_reason = reason
    declaration.updated_by = conflicts.actor(by)
    declaration.save()
    _tell(declaration, "returned", told.employer_users(declaration.employer_id), by)
    return declaration


@transaction.atomic
def declaration_confirm(*, declaration: Declaration, by: Any) -> Declaration:
    """Staff confirm the reviewed declaration: it is locked, a previous confirmed version is
    superseded, and each counted employee gets a quota employment record (source:
    declaration)."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != DeclarationStatus.SUBMITTED:
        raise WorkflowError(_("只有待审核的申报可以确认。"))
    declaration_compute(declaration)
    unresolved = declaration.employees.filter(conflict=True, staff_decision="")
    if unresolved.exists():
        raise WorkflowError(
            _("还有 %(n)d 名职工同时被其他单位申报，请先裁定计入哪家单位。")
            % {"n": unresolved.count()}
        )
    Declaration.objects.filter(
        employer=declaration.employer_id,
        year=declaration.year,
        status=DeclarationStatus.CONFIRMED,
    ).update(status=DeclarationStatus.SUPERSEDED)
    declaration.status = DeclarationStatus.CONFIRMED
    declaration.confirmed_at = timezone.now()
    declaration.confirmed_by = conflicts.actor(by)
    declaration.updated_by = conflicts.actor(by)
    declaration.save()
    _employment_from(declaration, by)
    _tell(declaration, "confirmed", told.employer_users(declaration.employer_id), by)
    return declaration


def _employment_from(declaration: Declaration, by: Any) -> None:
    from jiuye.core.tallies import mark_dirty
    from jiuye.employment.models import ContractType, EmploymentForm, EmploymentRecord, Source

    today = timezone.localdate()
    year_start = dt.date(declaration.year, 1, 1)
    counted = declaration.employees.filter(counts__gt=0, person__isnull=False)
    # New jobs take these persons out of the unemployed population (coverage tallies, ADR 0005).
    mark_dirty(counted.values_list("person__region_id", flat=True))
    for employee in counted:
        exists = EmploymentRecord.objects.filter(
            person_id=employee.person_id,
            employer_id=declaration.employer_id,
            form=EmploymentForm.QUOTA,
            archived_at__isnull=True,
        ).exists()
        if exists:
            continue
        start = min(employee.contract_start or year_start, today)
        end = employee.contract_end
        if end is not None and end > today:
            end = None
        EmploymentRecord.objects.create(
            person_id=employee.person_id,
            form=EmploymentForm.QUOTA,
            employer_id=declaration.employer_id,
            start_date=start,
            end_date=end,
            end_reason="contract_ended" if end else "",
            contract_type=(
                ContractType.ESTABLISHMENT
                if employee.on_establishment
                else (employee.contract_type or ContractType.FIXED)
            ),
            monthly_wage=employee.monthly_wage,
            social_insurance=employee.insurance_months > 0,
            source=Source.DECLARATION,
            evidence=_("%(year)d年度按比例就业年审（第%(version)d版）")
            % {"year": declaration.year, "version": declaration.version},
            created_by=conflicts.actor(by),
            updated_by=conflicts.actor(by),
        )


@transaction.atomic
def declaration_correct(*, declaration: Declaration, by: Any, reason: str) -> Declaration:
    """A correction of a confirmed declaration: a new draft version with the same figures and
    lines; the confirmed one stands until the correction is confirmed."""
    if declaration.status != DeclarationStatus.CONFIRMED:
        raise WorkflowError(_("只有已审核确认的申报可以更正。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明更正原因。")]})
    if Declaration.objects.filter(
        employer=declaration.employer_id, year=declaration.year, status__in=OPEN
    ).exists():
        raise WorkflowError(_("这个年度已有一份正在处理的更正申报。"))
    actor = conflicts.actor(by)
    latest = Declaration.objects.filter(
        employer=declaration.employer_id, year=declaration.year
    ).aggregate(n=Max("version"))["n"]
    copy = Declaration.objects.create(
        employer_id=declaration.employer_id,
        year=declaration.year,
        version=latest + 1,
        staff_annual=declaration.staff_annual,
        staff_monthly=declaration.staff_monthly,
        wage_total=declaration.wage_total,
        correction_reason=reason,
        created_by=actor,
        updated_by=actor,
    )
    for employee in declaration.employees.all():
        employee.pk = None
        employee._state.adding = True
        employee.declaration = copy
        employee.created_by = employee.updated_by = actor
        employee.save()
    declaration_compute(copy)
    return copy


@transaction.atomic
def conflict_resolve(
    *, employee: DeclaredEmployee, by: Any, decision: str, note: str = ""
) -> DeclaredEmployee:
    """District staff rule on a person claimed by two employers: count them at this one
    ("count", and every other claim of the year is excluded) or not ("exclude")."""
    if decision not in ("count", "exclude"):
        raise ValidationError({"decision": [_("请选择计入本单位或不计入本单位。")]})
    employee.staff_decision = decision
    employee.staff_note = (note or "").strip()
    employee.updated_by = conflicts.actor(by)
    employee.save()
    if decision == "count":
        others = DeclaredEmployee.objects.filter(
            id_number_index=employee.id_number_index,
            declaration__year=employee.declaration.year,
        ).exclude(declaration__employer_id=employee.declaration.employer_id)
        for other in others.select_related("declaration__employer"):
            other.staff_decision = "exclude"
            # Neutral on purpose: the note reaches the other employer, who must not learn
            # where the person works.
            other.staff_note = _("区残联裁定此人计入另一家单位。")
            other.updated_by = conflicts.actor(by)
            other.save()
            declaration_compute(other.declaration)
    declaration_compute(employee.declaration)
    return employee


def _recompute_others(declaration: Declaration) -> None:
    """Open declarations of other employers claiming the same persons see the conflict too."""
    indexes = list(declaration.employees.values_list("id_number_index", flat=True))
    others = (
        Declaration.objects.filter(
            year=declaration.year,
            status__in=OPEN,
            employees__id_number_index__in=indexes,
        )
        .exclude(employer_id=declaration.employer_id)
        .distinct()
        .select_related("employer")
    )
    for other in others:
        declaration_compute(other)


# --- public disclosure (action 一) -----------------------------------------------------------


@transaction.atomic
def disclosure_publish(*, year: int, by: Any, publish: bool = True) -> Any:
    """Publish a year's disclosure of agencies' and institutions' compliance (or withdraw it:
    ``publish=False``). Publishing again after a withdrawal publishes it anew."""
    from jiuye.employers.models import Disclosure

    if not 2000 <= int(year) <= timezone.localdate().year:
        raise ValidationError({"year": [_("请选择一个已经过去或当前的年度。")]})
    actor = conflicts.actor(by)
    disclosure, _created = Disclosure.objects.select_for_update().get_or_create(
        year=year, defaults={"created_by": actor, "updated_by": actor}
    )
    if publish:
        disclosure.published_at = timezone.now()
        disclosure.published_by = actor
        disclosure.withdrawn_at = None
    else:
        if not disclosure.is_published:
            raise WorkflowError(_("%(year)d年度的公示尚未公开，无需撤回。") % {"year": year})
        disclosure.withdrawn_at = timezone.now()
    disclosure.updated_by = actor
    disclosure.save()
    return disclosure
