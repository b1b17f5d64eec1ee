"""Demo data of the consultation mechanism (action 二): a district meeting each quarter of the
last year and one town meeting, with follow-up actions owned by departments and towns, some
done and some still open (one overdue), so the worklists have something in them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.employers.models import Employer
from jiuye.programs.models import ConsultationMeeting
from jiuye.programs.services import consultation as services
from jiuye.reference.models import Department, Region

MEETINGS = [
    # days ago, title, convener, participants, topics, decisions
    (
        300,
        "残疾人就业工作联席会议（第一次）",
        "cl",
        ("rsj", "gsl", "swj"),
        "按比例安排残疾人就业情况通报；民营企业吸纳残疾人就业的政策宣传。",
        "人社局牵头举办残疾人专场招聘会；工商联向会员企业转发政策解读。",
    ),
    (
        200,
        "新就业形态平台企业座谈会",
        "rsj",
        ("cl", "swj", "gxj"),
        "电商、外卖、快递平台放宽准入、减免费用和优先派单。",
        "商务局对接平台企业签订助残承诺；区残联汇总在平台就业的残疾人名单。",
    ),
    (
        90,
        "残疾人就业工作联席会议（第二次）",
        "cl",
        ("rsj", "mzj", "jyj"),
        "残疾人高校毕业生就业帮扶；公益性岗位开发。",
        "教育局提供残疾人毕业生名单；民政局梳理可开发的公益性岗位。",
    ),
]
ACTIONS = [
    # meeting index, description, owner, due (days after the meeting), done after days or None
    (0, "举办残疾人专场招聘会", "rsj", 60, 45),
    (0, "向会员企业转发残疾人就业政策解读", "gsl", 30, 20),
    (1, "与平台企业签订助残承诺书", "swj", 90, None),
    (1, "汇总在平台就业的残疾人名单", "cl", 60, 50),
    (2, "提供残疾人高校毕业生名单", "jyj", 30, None),
    (2, "梳理可开发的公益性岗位", "mzj", 120, None),
]


@seeder("programs: consultation meetings", order=102)
@transaction.atomic
def demo_consultation(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo meetings; returns how many (0 when already there)."""
    if ConsultationMeeting.objects.exists():
        return 0
    today = today or timezone.localdate()
    departments = {d.code: d for d in Department.objects.all()}
    district = Region.objects.filter(code=settings.JIUYE_DISTRICT_CODE).first()
    if district is None or not all(code in departments for code in ("cl", "rsj")):
        return 0
    employers = list(Employer.objects.filter(archived_at__isnull=True).order_by("name")[:3])
    meetings = []
    for days, title, convener, present, topics, decisions in MEETINGS:
        meetings.append(
            services.meeting_create(
                by=None,
                title=f"{(today - dt.timedelta(days=days)).year}年{title}",
                held_on=today - dt.timedelta(days=days),
                convener=departments[convener],
                region=district,
                place="区政府会议室",
                departments=[departments[c] for c in (convener, *present) if c in departments],
                employers=employers,
                other_participants="残疾人代表",
                topics=topics,
                decisions=decisions,
            )
        )
    for index, description, owner, due, done in ACTIONS:
        if owner not in departments:
            continue
        meeting = meetings[index]
        action = services.action_add(
            meeting=meeting,
            by=None,
            description=description,
            due_on=meeting.held_on + dt.timedelta(days=due),
            owner_department=departments[owner],
        )
        if done is not None:
            services.action_close(
                action=action,
                by=None,
                version=None,
                status="done",
                outcome="已按会议要求完成。",
                closed_on=min(today, meeting.held_on + dt.timedelta(days=done)),
            )
    town = Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    town_department = departments.get(f"town-{town.code}") if town else None
    if town is not None and town_department is not None:
        meeting = services.meeting_create(
            by=None,
            title=f"{town.name}残疾人就业协商会",
            held_on=today - dt.timedelta(days=30),
            convener=town_department,
            region=town,
            departments=[town_department, departments["cl"]],
            topics="辖区残疾人就业需求登记情况；社区就业岗位。",
            decisions="各社区一个月内完成就业需求登记。",
        )
        services.action_add(
            meeting=meeting,
            by=None,
            description="各社区完成就业需求登记",
            due_on=today - dt.timedelta(days=1),
            owner_department=town_department,
        )
        meetings.append(meeting)
    return len(meetings)
