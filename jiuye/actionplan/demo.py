"""Demo plan data for ``manage.py load_demo``: a few progress reports of the demo department in
every state and targets of the casework indicators, so the plan dashboard has something to show.
Runs after the demo accounts (their liaison and district officer write and review them)."""

from __future__ import annotations

from decimal import Decimal

from jiuye.accounts.demo import DISTRICT_CODE
from jiuye.accounts.models import User
from jiuye.actionplan.models import IndicatorTarget, Plan, ProgressReport, Task
from jiuye.actionplan.services.reports import report_review, report_save
from jiuye.actionplan.services.targets import target_set
from jiuye.core.demo import seeder
from jiuye.reference.models import Department, Region


@seeder("plan reports and targets", order=40, command="load_demo")
def demo_plan() -> list:
    _ensure_reports(
        {u.username: u for u in User.objects.filter(username__in=["dept-rsj", "district"])}
    )
    _ensure_targets(User.objects.get(username="district"))
    return []


def _ensure_reports(users: dict[str, User]) -> None:
    """A few progress reports in every state, so the plan dashboard has something to show."""
    plan = Plan.objects.filter(is_current=True).first()
    if plan is None or ProgressReport.objects.filter(task__action__plan=plan).exists():
        return
    rsj = Department.objects.get(code="rsj")
    fair = Task.objects.filter(action__plan=plan, action__number=2, position=1).first()
    month = Task.objects.filter(action__plan=plan, action__number=5, position=4).first()
    if fair is None or month is None:
        return
    liaison, district = users["dept-rsj"], users["district"]
    periods = {p.year: p for p in plan.periods.all()}
    stories = [
        (fair, 2022, "举办残疾人专场招聘会2场，参会企业41家，达成就业意向63人。", "accept"),
        (fair, 2023, "举办专场招聘会3场（含线上1场），参会企业56家。", "accept"),
        (fair, 2024, "举办专场招聘会1场，参会企业22家。", "return"),
        (month, 2024, "就业援助月走访就业困难残疾人118人，推荐岗位74个。", None),
    ]
    for task, year, text, decision in stories:
        if year not in periods:
            continue
        report = report_save(
            task=task,
            period=periods[year],
            department=rsj,
            narrative=text,
            actual_value=None,
            figures="",
            submit=True,
            by=liaison,
        )
        if decision:
            comment = "" if decision == "accept" else "请补充招聘会达成就业意向人数。"
            report_review(report=report, accept=decision == "accept", comment=comment, by=district)


# Action 十 asks every town to verify every working-age unemployed person each year, register
# the needs of those who want work and serve each of them: 100 % is the plan's own target.
# The hard-to-employ visits of action 五 have no number in the plan table; 90 % is the demo's.
DEMO_TARGETS = {
    "casework.verified_rate": 100,
    "casework.needs_rate": 100,
    "casework.served_rate": 100,
    "casework.hte_visited_rate": 90,
}


def _ensure_targets(by: User) -> None:
    """Targets of the casework indicators for every plan year, district and towns."""
    plan = Plan.objects.filter(is_current=True).first()
    if plan is None or IndicatorTarget.objects.filter(indicator_code__in=DEMO_TARGETS).exists():
        return
    regions = Region.objects.filter(
        code__startswith=DISTRICT_CODE, level__in=[Region.Level.COUNTY, Region.Level.TOWN]
    )
    for year in plan.years:
        for region in regions:
            for code, value in DEMO_TARGETS.items():
                target_set(
                    indicator_code=code, year=year, region=region, value=Decimal(value), by=by
                )
