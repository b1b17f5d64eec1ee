"""Demo plan data for ``manage.py load_demo``: progress reports of the demo departments for every
period of every plan that has begun (approved, returned, awaiting review, drafts; with their
problems and next steps) and targets of the casework indicators, so the plan dashboard and the
annual report have something to show. Runs after the demo accounts (their liaison, town officers
and district officer write and review the reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from jiuye.accounts.demo import DISTRICT_CODE
from jiuye.accounts.models import User
from jiuye.actionplan.models import (
    IndicatorTarget,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Task,
)
from jiuye.actionplan.services.reports import report_review, report_save
from jiuye.actionplan.services.targets import target_set
from jiuye.core.demo import seeder
from jiuye.reference.models import Department, Region
from jiuye.reference.selectors import department_of_town


@seeder("plan reports and targets", order=40, command="load_demo")
def demo_plan() -> list:
    _ensure_reports(
        {u.username: u for u in User.objects.filter(username__in=[*AUTHORS.values(), "district"])},
        today=timezone.localdate(),
    )
    _ensure_targets(User.objects.get(username="district"))
    return []


@dataclass(frozen=True)
class Story:
    """A department's yearly report on one task; ``{…}`` in the narrative takes the year's
    figures (``step`` = years since 2022, so each year reads a little differently)."""

    action: int
    position: int
    department: str  # a department code, or a town's region code
    narrative: str
    figures: str
    problems: str
    next_steps: str


STORIES = [
    Story(
        2,
        1,
        "rsj",
        "{year}年举办残疾人专场招聘会{fairs}场（含线上1场），参会企业{firms}家，"
        "提供岗位{posts}个，达成就业意向{intents}人。",
        "专场招聘会{fairs}场，参会企业{firms}家，达成意向{intents}人",
        "参会企业以餐饮、物业等服务业为主，适合中重度残疾人的岗位偏少；"
        "部分就业意向未能转化为签约。",
        "联合工商联动员制造业、信息技术企业参会；招聘会后一个月内逐一回访达成意向的求职者。",
    ),
    Story(
        5,
        4,
        "rsj",
        "“就业援助月”期间走访就业困难残疾人{visits}人，推荐岗位{posts}个，实现就业{placed}人。",
        "走访{visits}人，推荐岗位{posts}个，就业{placed}人",
        "部分就业困难残疾人及家属顾虑较多，求职意愿不强；可安置的公益性岗位不足。",
        "对走访对象建立一人一档、跟踪服务；协调新增公益性岗位，优先安置就业困难残疾人。",
    ),
    Story(
        7,
        3,
        "rsj",
        "将残疾人高校毕业生纳入校园招聘等专项活动{fairs}场，{graduates}名毕业生参加，"
        "签约{placed}人。",
        "专项活动{fairs}场，参加{graduates}人，签约{placed}人",
        "教育部门推送的毕业生名单与残联登记信息仍有不一致，个别毕业生未能及时联系。",
        "每年3月前与区教育局完成毕业生信息比对，为未就业毕业生逐一安排岗位推介。",
    ),
    Story(
        10,
        1,
        "440199001000",
        "完成辖区就业年龄段未就业残疾人基础信息核对{visits}人，逐户更新了联系方式和就业状态。",
        "核对{visits}人",
        "人户分离人员较多，部分人员多次上门仍未能见面核对。",
        "与社区网格员配合，通过电话、视频等方式补核，年底前完成剩余人员核对。",
    ),
    Story(
        10,
        2,
        "440199002000",
        "登记有就业需求的残疾人{intents}人，建立需求台账并推送区残联和区人社局。",
        "登记就业需求{intents}人",
        "就业需求登记后变化较快，台账更新不够及时。",
        "每季度电话回访一次，及时更新需求台账，按需求推荐匹配岗位。",
    ),
]
# Who writes a department's reports (the demo accounts); district staff review them.
AUTHORS = {"rsj": "dept-rsj", "440199001000": "town-dongcheng", "440199002000": "town-xicheng"}
RETURN_COMMENT = "请补充具体数据（场次、人数），并写明存在的问题和下一步打算。"


def _figures(year: int) -> dict[str, int]:
    step = year - 2022
    return {
        "year": year,
        "fairs": 2 + step % 3,
        "firms": 38 + 6 * step,
        "posts": 160 + 25 * step,
        "intents": 55 + 8 * step,
        "visits": 110 + 12 * step,
        "placed": 18 + 3 * step,
        "graduates": 14 + 2 * step,
    }


def _decision(index: int, period: ReportingPeriod, today: dt.date) -> str:
    """What happens to a story's report: in a period that has ended, all approved but one
    (returned for revision, a different story each year); in the period under way, two
    approved, one awaiting review, one returned and one still a draft."""
    if period.has_ended(today):
        return "return" if index == period.year % len(STORIES) else "accept"
    return ("accept", "accept", "submit", "return", "draft")[index % 5]


def _ensure_reports(users: dict[str, User], *, today: dt.date) -> None:
    """Reports of every period begun by ``today``, on the plan the period belongs to; a period
    that already has reports is left as it is."""
    district = users.get("district")
    periods = ReportingPeriod.objects.filter(start_date__lte=today).exclude(
        pk__in=ProgressReport.objects.values("period")
    )
    for period in periods.select_related("plan").order_by("start_date", "plan__start_year"):
        for index, story in enumerate(STORIES):
            _report(story, index, period, users, district, today)


def _report(
    story: Story,
    index: int,
    period: ReportingPeriod,
    users: dict[str, User],
    district: User | None,
    today: dt.date,
) -> None:
    task = Task.objects.filter(
        action__plan=period.plan_id, action__number=story.action, position=story.position
    ).first()
    department = (
        department_of_town(story.department)
        or Department.objects.filter(code=story.department).first()
    )
    author = users.get(AUTHORS[story.department])
    if task is None or department is None or author is None or district is None:
        return
    if not task.assignments.filter(department=department).exists():
        return
    decision = _decision(index, period, today)
    values = _figures(period.year)
    report = report_save(
        task=task,
        period=period,
        department=department,
        narrative=story.narrative.format(**values),
        actual_value=None,
        figures=story.figures.format(**values),
        problems=story.problems,
        next_steps=story.next_steps,
        submit=decision != "draft",
        by=author,
    )
    if decision in ("accept", "return"):
        comment = "" if decision == "accept" else RETURN_COMMENT
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
