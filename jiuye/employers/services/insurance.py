"""The social insurance check of the quota review (人社): the disabled employees of the
declarations under review go to the social insurance office, whose answer (insured or not, the
months paid in the declaration year, the paying unit) is recorded against each declared
employee and shown on the review page beside the months the employer declared.

Who takes part: the district (administrators and district staff) and the human resources and
social security bureau's liaison (department ``rsj``). The bureau needs full ID numbers to look
the persons up, so the list goes out only to a caller allowed to receive them (the API checks
that), and every read is in the access log like an export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiuye.core.conflicts import actor
from jiuye.core.roles import Role
from jiuye.employers.models import DeclarationStatus, DeclaredEmployee, InsuranceCheck

# The department whose liaison answers for social insurance.
INSURANCE_DEPARTMENT = "rsj"


def may_check_insurance(user: Any) -> bool:
    role = getattr(user, "role", None)
    if role in (Role.ADMIN, Role.DISTRICT):
        return True
    department = getattr(user, "department", None) if role == Role.DEPARTMENT else None
    return department is not None and department.code == INSURANCE_DEPARTMENT


def insurance_pending(
    user: Any, *, year: int | None = None, answered: bool = False
) -> QuerySet[DeclaredEmployee]:
    """The declared employees of declarations waiting for review (submitted), without an answer
    yet (or, with ``answered``, every one of them, to check again)."""
    if not may_check_insurance(user):
        raise PermissionDenied
    lines = DeclaredEmployee.objects.filter(
        declaration__status=DeclarationStatus.SUBMITTED
    ).select_related("declaration__employer", "insurance_check")
    if year:
        lines = lines.filter(declaration__year=year)
    if not answered:
        lines = lines.filter(insurance_check__isnull=True)
    return lines


@dataclass(frozen=True)
class Answer:
    employee: str
    insured: bool
    months: int
    unit: str = ""
    note: str = ""


@transaction.atomic
def insurance_answers_record(*, answers: list[Answer], by: Any) -> dict[str, int]:
    """Record the office's answers, one per declared employee of a declaration under review.
    All or nothing: a wrong line (unknown employee, a declaration no longer under review,
    more than 12 months) rejects the whole set, naming the line."""
    if not may_check_insurance(by):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    ids = [a.employee for a in answers]
    lines = {
        str(e.pk): e
        for e in DeclaredEmployee.objects.filter(pk__in=ids).select_related("declaration")
    }
    seen: set[str] = set()
    for number, answer in enumerate(answers, start=1):
        where = f"answers.{number}"
        line = lines.get(answer.employee)
        if line is None:
            errors.setdefault(where, []).append(
                _("第%(n)d条：没有这名申报职工（employee 应是待核验名单中的 id）。") % {"n": number}
            )
        elif line.declaration.status != DeclarationStatus.SUBMITTED:
            errors.setdefault(where, []).append(
                _("第%(n)d条：这份申报已不在审核中，不再接收核验结果。") % {"n": number}
            )
        if answer.employee in seen:
            errors.setdefault(where, []).append(
                _("第%(n)d条：同一名职工出现了两次。") % {"n": number}
            )
        seen.add(answer.employee)
        if not 0 <= answer.months <= 12:
            errors.setdefault(where, []).append(
                _("第%(n)d条：缴费月数应在 0 到 12 之间。") % {"n": number}
            )
        if not answer.insured and answer.months:
            errors.setdefault(where, []).append(
                _("第%(n)d条：未参保时缴费月数应为 0。") % {"n": number}
            )
    if errors:
        raise ValidationError(errors)
    who = actor(by)
    existing = {str(c.employee_id): c for c in InsuranceCheck.objects.filter(employee_id__in=ids)}
    created = updated = 0
    for answer in answers:
        values = {
            "insured": answer.insured,
            "months": answer.months,
            "unit": answer.unit.strip()[:200],
            "note": answer.note.strip()[:300],
        }
        check = existing.get(answer.employee)
        if check is None:
            InsuranceCheck.objects.create(
                employee_id=answer.employee, created_by=who, updated_by=who, **values
            )
            created += 1
        else:
            for field, value in values.items():
                setattr(check, field, value)
            check.updated_by = who
            check.save()
            updated += 1
    return {"created": created, "updated": updated}
