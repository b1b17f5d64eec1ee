"""Turn a parsed task table into a plan: preview what would change, then commit atomically.

Importing the same table again changes nothing; a corrected table updates the plan in place
(every changed row is saved singly, so the audit trail shows before and after).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from jiuye.actionplan.models import (
    Action,
    ActionDepartment,
    Plan,
    ReportingPeriod,
    Task,
    TaskDepartment,
)
from jiuye.actionplan.services.plan_table import ALL_TOWNS, ParsedAction, ParsedPlan
from jiuye.core.indicators import registry
from jiuye.reference.models import Department

NEW_DEPARTMENT = "__new__"
_YEARS = re.compile(r"(20\d\d)\s*[—–\-－~至到]+\s*(20\d\d)")


class PlanImportError(Exception):
    """The table can't be imported as asked; the message says why, in Chinese."""


def years_from_title(title: str) -> tuple[int, int] | None:
    match = _YEARS.search(title)
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    return (start, end) if start <= end else None


def parse_years(text: str) -> tuple[int, int]:
    match = _YEARS.fullmatch(text.strip()) or re.fullmatch(r"(20\d\d)", text.strip())
    if not match:
        raise PlanImportError(_("年份应写成“2022-2024”，当前为“%(text)s”。") % {"text": text})
    start = int(match.group(1))
    end = int(match.group(2)) if match.lastindex and match.lastindex > 1 else start
    if end < start or end - start > 10:
        raise PlanImportError(_("年份范围“%(text)s”不合理。") % {"text": text})
    return start, end


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", name)


def department_lookup() -> dict[str, Department]:
    """Every name a department answers to (name, short name, aliases) → the department."""
    table: dict[str, Department] = {}
    for dept in Department.objects.filter(disabled_at__isnull=True):
        for name in [dept.name, dept.short_name, *dept.alias_list()]:
            if name:
                table.setdefault(_norm(name), dept)
    return table


def town_departments() -> list[Department]:
    return list(
        Department.objects.filter(kind=Department.Kind.TOWN, disabled_at__isnull=True).order_by(
            "sort_order", "code"
        )
    )


@dataclass
class ActionPreview:
    parsed: ParsedAction
    status: str  # "created" | "updated" | "unchanged"
    changed: list[str] = field(default_factory=list)
    departments: list[tuple[str, Department | None]] = field(default_factory=list)


@dataclass
class PlanPreview:
    parsed: ParsedPlan
    name: str
    start_year: int
    end_year: int
    plan: Plan | None
    actions: list[ActionPreview]
    unknown_departments: list[str]
    removed_actions: list[Action]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for action in self.actions:
            counts[action.status] += 1
        return counts

    @property
    def changes_anything(self) -> bool:
        return (
            self.plan is None
            or any(a.status != "unchanged" for a in self.actions)
            or bool(self.removed_actions)
        )


def _resolve(
    names: tuple[str, ...], lookup: dict[str, Department]
) -> list[tuple[str, Department | None]]:
    return [(name, None if name == ALL_TOWNS else lookup.get(_norm(name))) for name in names]


def _assignment_rows(
    resolved: list[tuple[str, Department | None]], towns: list[Department]
) -> list[tuple[Department, bool]]:
    """(department, via_all_towns) in order; 各镇街 expands to every town at its place."""
    rows: list[tuple[Department, bool]] = []
    seen: set[str] = set()
    for name, dept in resolved:
        group = [(t, True) for t in towns] if name == ALL_TOWNS else [(dept, False)]
        for department, via in group:
            if department is not None and department.code not in seen:
                seen.add(department.code)
                rows.append((department, via))
    return rows


def _current_assignments(action: Action) -> list[tuple[str, bool]]:
    return [(a.department_id, a.via_all_towns) for a in action.assignments.order_by("position")]


def plan_preview(
    *,
    parsed: ParsedPlan,
    name: str | None = None,
    years: tuple[int, int] | None = None,
    mapping: dict[str, str] | None = None,
) -> PlanPreview:
    """What importing would do. Writes nothing."""
    years = years or years_from_title(parsed.title)
    if years is None:
        raise PlanImportError(_("无法从表格标题判断方案年份，请填写年份，如“2022-2024”。"))
    # The default name is stored and looked up, so it is not translated.
    name = name or parsed.title or f"{years[0]}—{years[1]}年行动方案"
    name = name.strip()[:200]
    plan = Plan.objects.filter(name=name).first()
    lookup = department_lookup()
    for raw, code in (mapping or {}).items():
        if code and code != NEW_DEPARTMENT:
            dept = Department.objects.filter(code=code).first()
            if dept is not None:
                lookup[_norm(raw)] = dept
    towns = town_departments()
    existing = {a.number: a for a in plan.actions.all()} if plan else {}
    previews: list[ActionPreview] = []
    unknown: list[str] = []
    for parsed_action in parsed.actions:
        resolved = _resolve(parsed_action.departments, lookup)
        for raw, dept in resolved:
            if dept is None and raw != ALL_TOWNS and raw not in unknown:
                unknown.append(raw)
        current = existing.get(parsed_action.number)
        if current is None:
            previews.append(ActionPreview(parsed_action, "created", departments=resolved))
            continue
        changed = [
            label
            for label, old, new in (
                (_("行动"), current.title, parsed_action.title),
                (_("工作任务目标"), current.targets, parsed_action.targets),
                (_("完成时限"), current.deadline, parsed_action.deadline),
            )
            if old != new
        ]
        wanted = [(d.code, via) for d, via in _assignment_rows(resolved, towns)]
        if wanted != _current_assignments(current):
            changed.append(_("责任部门"))
        previews.append(
            ActionPreview(parsed_action, "updated" if changed else "unchanged", changed, resolved)
        )
    numbers = {a.number for a in parsed.actions}
    removed = [a for n, a in sorted(existing.items()) if n not in numbers]
    if plan is not None and (plan.start_year, plan.end_year) != years:
        previews = [
            p
            if p.status != "unchanged"
            else ActionPreview(p.parsed, "updated", [_("方案年份")], p.departments)
            for p in previews
        ]
    return PlanPreview(parsed, name, years[0], years[1], plan, previews, unknown, removed)


@dataclass
class PlanImportResult:
    plan: Plan
    created: int
    updated: int
    unchanged: int
    departments_created: list[str]


def _ensure_periods(plan: Plan) -> None:
    for year in plan.years:
        ReportingPeriod.objects.get_or_create(
            plan=plan,
            # Stored data, so never translated: the period is found by this name.
            name=f"{year}年",
            defaults={
                "year": year,
                "start_date": dt.date(year, 1, 1),
                "end_date": dt.date(year, 12, 31),
                "due_date": dt.date(year, 12, 31),
            },
        )


def _sync_assignments(action: Action, rows: list[tuple[Department, bool]], *, new: bool) -> None:
    """Make the action's departments ``rows``; a ``new`` action has none to read yet."""
    wanted = {
        dept.code: (dept, position, via) for position, (dept, via) in enumerate(rows, start=1)
    }
    current: dict[str, ActionDepartment] = {}
    if not new:
        for assignment in list(action.assignments.all()):
            if assignment.department_id not in wanted:
                assignment.delete()
        current = {a.department_id: a for a in action.assignments.all()}
    for code, (dept, position, via) in wanted.items():
        is_lead = position == 1
        assignment = current.get(code)
        if assignment is None:
            ActionDepartment.objects.create(
                action=action,
                department=dept,
                position=position,
                is_lead=is_lead,
                via_all_towns=via,
            )
        elif (assignment.position, assignment.is_lead, assignment.via_all_towns) != (
            position,
            is_lead,
            via,
        ):
            assignment.position, assignment.is_lead, assignment.via_all_towns = (
                position,
                is_lead,
                via,
            )
            assignment.save(update_fields=["position", "is_lead", "via_all_towns"])


@transaction.atomic
def plan_import_commit(
    *,
    parsed: ParsedPlan,
    name: str | None = None,
    years: tuple[int, int] | None = None,
    mapping: dict[str, str] | None = None,
    by=None,  # noqa: ANN001
) -> PlanImportResult:
    """Import (or update) a plan from a parsed table. ``mapping`` maps each department name
    unknown to the system to an existing department code, or to NEW_DEPARTMENT to create it."""
    mapping = dict(mapping or {})
    unknown = plan_preview(parsed=parsed, name=name, years=years).unknown_departments
    missing = [n for n in unknown if n not in mapping]
    if missing:
        raise PlanImportError(
            _("以下部门系统中没有，请先对应到已有部门或新建：%(names)s")
            % {"names": "、".join(missing)}
        )
    created_depts: list[str] = []
    for raw in unknown:
        target = mapping[raw]
        if target == NEW_DEPARTMENT:
            dept = Department.objects.filter(name=raw).first()
            if dept is None:
                code = f"d{Department.objects.count() + 1:03d}"
                while Department.objects.filter(code=code).exists():
                    code = f"{code}x"
                dept = Department(
                    code=code,
                    name=raw,
                    short_name=raw,
                    kind=Department.Kind.DEPARTMENT,
                    sort_order=500,
                )
                dept.full_clean()
                dept.save()
                created_depts.append(raw)
        else:
            dept = Department.objects.filter(code=target).first()
            if dept is None:
                raise PlanImportError(_("部门代码“%(code)s”不存在。") % {"code": target})
            if _norm(raw) not in {
                _norm(n) for n in [dept.name, dept.short_name, *dept.alias_list()]
            }:
                # Remember the spelling, so the next table with it needs no mapping.
                dept.aliases = "、".join([*dept.alias_list(), raw])
                dept.save(update_fields=["aliases"])
    # Departments are settled now: what remains unknown was mapped or created above.
    preview = plan_preview(parsed=parsed, name=name, years=years)
    plan = preview.plan
    if plan is None:
        plan = Plan(
            name=preview.name,
            start_year=preview.start_year,
            end_year=preview.end_year,
            source_title=parsed.title[:300],
            created_by=by,
            updated_by=by,
        )
        plan.full_clean()
        plan.save()
    elif (plan.start_year, plan.end_year) != (preview.start_year, preview.end_year):
        plan.start_year, plan.end_year, plan.updated_by = preview.start_year, preview.end_year, by
        plan.full_clean()
        plan.save(update_fields=["start_year", "end_year", "updated_by", "updated_at"])
    _ensure_periods(plan)
    lookup = department_lookup()
    towns = town_departments()
    # The plan's actions, read once (a new plan has none); each action saved below joins them.
    actions = {a.number: a for a in plan.actions.all()} if preview.plan is not None else {}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for item in preview.actions:
        parsed_action = item.parsed
        counts[item.status] += 1
        if item.status == "unchanged":
            continue
        values = {
            "numeral": parsed_action.numeral,
            "title": parsed_action.title,
            "targets": parsed_action.targets,
            "deadline": parsed_action.deadline,
        }
        action = actions.get(parsed_action.number)
        new = action is None
        if action is None:
            action = Action(plan=plan, number=parsed_action.number, created_by=by, **values)
        else:
            for key, value in values.items():
                setattr(action, key, value)
        action.updated_by = by
        # Not ``plan``: it is the row saved or read above, and the number's uniqueness in the
        # plan is what ``actions`` holds; nor ``id``, a new random UUID (three queries a new
        # action fewer; the database's constraints stay).
        action.full_clean(exclude=["plan", "id"])
        action.save()
        actions[action.number] = action
        resolved = _resolve(parsed_action.departments, lookup)
        _sync_assignments(action, _assignment_rows(resolved, towns), new=new)
    return PlanImportResult(
        plan, counts["created"], counts["updated"], counts["unchanged"], created_depts
    )


# --- default task split -------------------------------------------------------------------


def _departments_from_codes(
    text: str, towns: list[Department], by_code: dict[str, Department]
) -> list[Department]:
    out: list[Department] = []
    for code in [c.strip() for c in text.split("|") if c.strip()]:
        if code == ALL_TOWNS:
            out.extend(towns)
            continue
        dept = by_code.get(code)
        if dept is None:
            raise PlanImportError(_("任务文件中的部门代码“%(code)s”不存在。") % {"code": code})
        out.append(dept)
    return out


@transaction.atomic
def tasks_load(*, plan: Plan, path: Path, by=None) -> dict[str, int]:  # noqa: ANN001
    """Load a default split of the plan's actions into tasks. Existing tasks (by action and
    position) are left as staff edited them; only missing ones are created."""
    text = path.read_text(encoding="utf-8-sig")
    towns = town_departments()
    # Read once for the whole file: every department by code (disabled ones too, as a code
    # names them), the plan's actions and the positions their tasks already take.
    by_code = {dept.code: dept for dept in Department.objects.all()}
    actions = {action.number: action for action in plan.actions.all()}
    taken = set(Task.objects.filter(action__plan=plan).values_list("action_id", "position"))
    counts = {"created": 0, "unchanged": 0}
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        where = _("%(file)s 第%(row)d行") % {"file": path.name, "row": number}
        action = actions.get(int(row["action"]))
        if action is None:
            raise PlanImportError(
                _("%(where)s：方案中没有第%(n)s项行动。") % {"where": where, "n": row["action"]}
            )
        position = int(row["position"])
        if (action.pk, position) in taken:
            counts["unchanged"] += 1
            continue
        code = row.get("indicator_code", "").strip()
        if code and registry.get(code) is None:
            raise PlanImportError(
                _("%(where)s：指标“%(code)s”不存在。") % {"where": where, "code": code}
            )
        try:
            target = Decimal(row["target_value"]) if row["target_value"].strip() else None
        except InvalidOperation as exc:
            raise PlanImportError(_("%(where)s：目标值应为数字。") % {"where": where}) from exc
        task = Task(
            action=action,
            position=position,
            title=row["title"].strip(),
            description=row.get("description", "").strip(),
            target_value=target,
            target_unit=row["target_unit"].strip(),
            indicator_code=code,
            deadline=action.deadline,
            created_by=by,
            updated_by=by,
        )
        # Not ``action``: it is a row read above, and its positions are in ``taken``; nor
        # ``id``, a new random UUID (three queries a task fewer; the database's constraints
        # stay).
        task.full_clean(exclude=["action", "id"])
        task.save()
        taken.add((action.pk, position))
        lead = _departments_from_codes(row["lead"], towns, by_code)
        co = _departments_from_codes(row["co"], towns, by_code)
        seen: set[str] = set()
        for index, dept in enumerate([*lead, *co]):
            if dept.code in seen:
                continue
            seen.add(dept.code)
            TaskDepartment.objects.create(task=task, department=dept, is_lead=index == 0)
        counts["created"] += 1
    return counts
