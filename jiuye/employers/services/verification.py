"""Checking one declared disabled employee against the registry and the year's policy
(DOMAIN.md: when a disabled employee counts). Pure: the caller loads the person and the policy.

The conditions that depend on a day are read on 31 December of the declaration year (the day
the year's staff figure stands for): the certificate must still be valid then, and the person
of working age then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from jiuye.core import dates
from jiuye.core.validators import same_name
from jiuye.reference.working_age import in_working_age

OK = "ok"
FAIL = "fail"
NOTE = "note"


@dataclass(slots=True)
class Check:
    """One condition's outcome. The sentence is kept as its (Chinese) source text and values,
    and translated when it is shown, so each reader sees it in their own language."""

    code: str
    status: str  # ok | fail | note
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return said(self.template, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "template": self.template,
            "params": self.params,
        }


def said(template: str, params: dict[str, Any] | None = None) -> str:
    """A sentence in the reader's language."""
    text = gettext(template)
    return text % params if params else text


def shown(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored checks with their sentence in the reader's language (older rows kept only the
    sentence, in the language of whoever computed them)."""
    return [
        {**check, "message": said(check["template"], check.get("params"))}
        if "template" in check
        else check
        for check in checks
    ]


@dataclass
class Result:
    counts: Decimal = Decimal(0)
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.status != FAIL for c in self.checks)


def months_employed(start: dt.date | None, end: dt.date | None, year: int) -> int:
    """Calendar months of ``year`` touched by the contract period (a month counts if the
    contract covers any day of it)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    begin = max(start or first, first)
    finish = min(end or last, last)
    if finish < begin:
        return 0
    return (finish.year - begin.year) * 12 + finish.month - begin.month + 1


# What an employer is told of the registry: only whether what it entered matches. The checks
# that read the registry (is the number registered, under this name, with this certificate, is
# the certificate valid, is the person alive) are one answer to an employer, so a declaration
# cannot be used to look a stranger up (issue 14).
REGISTRY_CODES = frozenset({"registry", "certificate", "certificate_valid", "alive"})


def employer_checks(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored checks as an employer may see them, in the reader's language: the registry's
    answer folded into one "matches / does not match what you entered", a staff ruling without
    its note."""
    seen: list[dict[str, Any]] = []
    registry = [c for c in checks if c.get("code") in REGISTRY_CODES]
    if registry:
        matches = all(c.get("status") != FAIL for c in registry)
        template = (
            _("姓名、身份证号和残疾人证号与残疾人登记库一致，证件有效。")
            if matches
            else _(
                "与残疾人登记库核对未通过：请核对填写的姓名、身份证号和残疾人证号；"
                "都无误的，请本人到区残联核实残疾人证。"
            )
        )
        seen.append({"code": "registry", "status": OK if matches else FAIL, "template": template})
    for check in checks:
        if check.get("code") in REGISTRY_CODES:
            continue
        if check.get("code") == "decision":
            check = {"code": "decision", "status": check["status"]}
            check["template"] = _("区残联裁定此人不计入本单位。")
        seen.append(check)
    return shown(seen)


def check_employee(
    employee: Any,
    *,
    person: Any | None,
    certificate_index: str,
    year: int,
    policy: Any,
    working_age_rule: Any,
    claimed_elsewhere: bool,
    grade_names: dict[int, str] | None = None,
    memo: dict | None = None,
) -> Result:
    """Every condition for one declared employee, each explained in a sentence; the number of
    persons they count as (0, 1, or 2 for the double-counting grades). ``memo``: a dict the
    caller keeps for many lines (the year's review), where answers that depend only on the
    rules and a birth date are kept."""
    result = Result()
    checks = result.checks
    year_end = dt.date(year, 12, 31)

    if person is None:
        checks.append(
            Check(
                "registry",
                FAIL,
                _("残疾人登记库中没有这个身份证号，请区残联核实后再计入。"),
            )
        )
        return result
    if same_name(person.name, employee.name):
        checks.append(Check("registry", OK, _("登记库中有此人，姓名一致。")))
    else:
        checks.append(
            Check(
                "registry",
                FAIL,
                _("姓名与登记库不一致：登记库中是“%(name)s”。"),
                {"name": person.name},
            )
        )
    if person.certificate_index != certificate_index:
        checks.append(Check("certificate", FAIL, _("残疾人证号与登记库中此人的证号不一致。")))
    else:
        # The same certificate as the registry's, whose category and grade the registry
        # checked against the number when it was recorded.
        checks.append(Check("certificate", OK, _("残疾人证号与登记库一致。")))
    valid_until = person.certificate_valid_until
    if valid_until is not None and valid_until < year_end:
        checks.append(
            Check(
                "certificate_valid",
                FAIL,
                _("残疾人证已于 %(day)s 过期，%(year)d年底不在有效期内。"),
                {"day": f"{valid_until:%Y-%m-%d}", "year": year},
            )
        )
    else:
        checks.append(
            Check("certificate_valid", OK, _("残疾人证在%(year)d年底有效。"), {"year": year})
        )
    if person.life_status == "deceased" and (
        person.life_status_date is None or person.life_status_date < dt.date(year, 1, 1)
    ):
        checks.append(Check("alive", FAIL, _("登记库记录此人已于申报年度之前去世。")))
    if working_age_rule is None:
        of_age = False
    elif memo is None:
        of_age = in_working_age(
            working_age_rule, birth=person.birth_date, sex=person.sex, on=year_end
        )
    else:
        asked = (id(working_age_rule), year_end, person.birth_date, person.sex)
        of_age = memo.get(asked)
        if of_age is None:
            of_age = memo[asked] = in_working_age(
                working_age_rule, birth=person.birth_date, sex=person.sex, on=year_end
            )
    if not of_age:
        checks.append(
            Check(
                "working_age",
                FAIL,
                _("%(year)d年12月31日不在就业年龄段内。"),
                {"year": year},
            )
        )
    else:
        checks.append(Check("working_age", OK, _("在就业年龄段内。")))

    if employee.on_establishment:
        checks.append(Check("contract", OK, _("在编人员。")))
    elif employee.contract_type in ("service", "") or employee.contract_start is None:
        checks.append(
            Check(
                "contract",
                FAIL,
                _("没有签订劳动合同（劳务协议不计入），也不是在编人员。"),
            )
        )
    elif employee.contract_end is not None and employee.contract_end < dates.years_after(
        employee.contract_start, 1
    ) - dt.timedelta(days=1):
        checks.append(
            Check(
                "contract",
                FAIL,
                _("劳动合同期限不足1年（%(start)s 至 %(end)s）。"),
                {
                    "start": f"{employee.contract_start:%Y-%m-%d}",
                    "end": f"{employee.contract_end:%Y-%m-%d}",
                },
            )
        )
    else:
        checks.append(Check("contract", OK, _("劳动合同期限1年以上。")))

    minimum = Decimal(policy.minimum_wage)
    if Decimal(employee.monthly_wage) < minimum:
        checks.append(
            Check(
                "wage",
                FAIL,
                _("月工资 %(wage)s 元低于当地最低工资标准 %(minimum)s 元。"),
                {"wage": f"{Decimal(employee.monthly_wage):,.2f}", "minimum": f"{minimum:,.2f}"},
            )
        )
    else:
        checks.append(Check("wage", OK, _("月工资不低于当地最低工资标准。")))

    due = (
        12
        if employee.on_establishment
        else months_employed(employee.contract_start, employee.contract_end, year)
    )
    if employee.insurance_months < due:
        checks.append(
            Check(
                "insurance",
                FAIL,
                _("%(year)d年在职 %(due)d 个月，社会保险只缴了 %(paid)d 个月。"),
                {"year": year, "due": due, "paid": employee.insurance_months},
            )
        )
    else:
        checks.append(Check("insurance", OK, _("社会保险按月足额缴纳。")))

    if employee.dispatched and not employee.counts_here:
        checks.append(
            Check("dispatch", NOTE, _("劳务派遣人员，按协议计入派遣单位，不计入本单位。"))
        )
        return result
    if employee.staff_decision == "exclude":
        checks.append(
            Check(
                "decision",
                NOTE,
                _("区残联裁定不计入本单位：%(note)s"),
                {"note": employee.staff_note or "—"},
            )
        )
        return result
    if claimed_elsewhere:
        if employee.staff_decision == "count":
            checks.append(Check("conflict", NOTE, _("另有单位申报了此人，区残联裁定计入本单位。")))
        else:
            checks.append(
                Check(
                    "conflict",
                    FAIL,
                    _("同一年度另有单位申报了此人；一人只能计入一家单位，待区残联裁定。"),
                )
            )
    if FAIL in {c.status for c in checks}:  # not result.passed, for every line of a year
        return result
    double = person.grade_id in (policy.double_count_grades or [])
    result.counts = Decimal(2 if double else 1)
    if double:
        grade = (grade_names or {}).get(person.grade_id) or str(person.grade)
        checks.append(Check("counts", OK, _("%(grade)s残疾，按2人计算。"), {"grade": grade}))
    else:
        checks.append(Check("counts", OK, _("按1人计算。")))
    return result
