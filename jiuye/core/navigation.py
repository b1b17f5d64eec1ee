"""The menu each role sees, offered to every template by a context processor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiuye.core.roles import PERSONAL_DATA_ROLES, VERIFIED_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    group: str = "system"
    # A flag the user must also have (an attribute of the account), e.g. "employer_admin".
    flag: str = ""


# Sections of the menu, in order (grouped by task area; see top_level).
GROUPS = {
    "plan": _("行动方案"),
    "people": _("人员与服务"),
    "jobs": _("岗位与招聘"),
    "training": _("培训与技能"),
    "employers": _("用人单位"),
    "programs": _("专项工作"),
    "system": _("数据与系统"),
}


# Accounts waiting for verification see only their application (an employer's has its item).
_ALL = frozenset(VERIFIED_ROLES)
_STAFF = frozenset({Role.ADMIN, Role.DISTRICT, Role.DEPARTMENT, Role.TOWN, Role.LEADER})
_AUDITORS = frozenset({Role.ADMIN, Role.DISTRICT})
# The annual report in Word: district staff and leaders for any scope, town staff their town.
_REPORT = frozenset({Role.ADMIN, Role.DISTRICT, Role.LEADER, Role.TOWN})

_PERSONAL = PERSONAL_DATA_ROLES
# Aggregates of town casework: the staff who do it and the leaders who read it.
_COVERAGE = frozenset({*PERSONAL_DATA_ROLES, Role.LEADER})
_CAMPAIGNS = _COVERAGE
# Employers are organisations: the staff who keep them and the leaders who read them.
_EMPLOYERS = frozenset({Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER})
# Job fairs: every staff role, the employers taking part and job seekers (no personal data).
_JOBS_FAIRS = _ALL
# Complaints and suggestions are answered by the unit they are routed to (a town, a department).
_GRIEVANCE_HANDLERS = frozenset({Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.DEPARTMENT})

MENU = [
    # The leaders' overview (issue 16) comes first in a leader's menu (menu_for).
    NavItem(_("总览"), "dashboards:overview", _STAFF, "plan"),
    NavItem(_("首页"), "core:home", _ALL),
    NavItem(_("行动方案"), "actionplan:dashboard", _STAFF, "plan"),
    NavItem(_("审核报告"), "actionplan:review-queue", _AUDITORS, "plan"),
    NavItem(_("指标目标"), "actionplan:targets", _STAFF, "plan"),
    NavItem(_("年度报告"), "dashboards:report", _REPORT, "plan"),
    NavItem(_("指标地图"), "dashboards:map", _COVERAGE, "plan"),
    # Issue 18: a job seeker's own information, consents and timeline; the town's worklist of
    # the changes they ask for.
    NavItem(_("我的信息"), "people:me", frozenset({Role.JOBSEEKER}), "people"),
    NavItem(_("残疾人名单"), "people:list", _PERSONAL, "people"),
    NavItem(_("注册申请"), "people:applications", _PERSONAL, "people"),
    NavItem(_("信息变更申请"), "people:changes", _PERSONAL, "people"),
    NavItem(_("迁入申请"), "people:transfers", _AUDITORS, "people"),
    NavItem(_("重复人员"), "people:duplicates", _PERSONAL, "people"),
    NavItem(_("工作清单"), "casework:worklist", _PERSONAL, "people"),
    NavItem(_("服务覆盖"), "casework:coverage", _COVERAGE, "people"),
    NavItem(_("就业困难人员走访"), "casework:survey", _PERSONAL, "people"),
    NavItem(_("专项活动"), "casework:campaigns", _CAMPAIGNS, "people"),
    NavItem(_("公益性岗位"), "casework:posts", _PERSONAL, "people"),
    NavItem(_("就业记录核查"), "employment:review", _PERSONAL, "people"),
    # Issue 18: each unit's complaints and suggestions; the district's counts and overdue ones.
    NavItem(_("投诉建议"), "grievances:queue", _GRIEVANCE_HANDLERS, "people"),
    NavItem(_("投诉建议统计"), "grievances:report", _AUDITORS, "people"),
    NavItem(_("招聘岗位"), "jobs:postings", _ALL, "jobs"),
    NavItem(_("岗位审核"), "jobs:posting-review-queue", _AUDITORS, "jobs"),
    NavItem(_("招聘会"), "jobs:fairs", _JOBS_FAIRS, "jobs"),
    NavItem(_("推荐进度"), "jobs:referrals", _PERSONAL | {Role.JOBSEEKER}, "jobs"),
    NavItem(_("求职申请"), "jobs:applicants", frozenset({Role.EMPLOYER}), "jobs"),
    NavItem(_("跟踪回访"), "jobs:follow-ups", _PERSONAL, "jobs"),
    NavItem(_("匹配权重"), "jobs:match-weights", _AUDITORS, "jobs"),
    NavItem(_("培训课程"), "training:courses", _ALL, "training"),
    NavItem(_("培训机构"), "training:providers", _STAFF, "training"),
    NavItem(_("培训证书"), "training:certificates", _PERSONAL, "training"),
    NavItem(_("职业技能竞赛"), "training:competitions", _STAFF, "training"),
    NavItem(_("盲人按摩机构"), "training:establishments", _EMPLOYERS, "training"),
    NavItem(_("用人单位"), "employers:list", _EMPLOYERS, "employers"),
    NavItem(_("政策参数"), "employers:policies", _EMPLOYERS, "employers"),
    NavItem(_("年审申报"), "employers:declarations", _EMPLOYERS | {Role.EMPLOYER}, "employers"),
    NavItem(_("年审审核"), "employers:review-queue", _AUDITORS, "employers"),
    NavItem(_("机关事业单位统计"), "employers:statistics", _AUDITORS | {Role.LEADER}, "employers"),
    # Issue 18: employers' own sign-up, verified by the district; the unit admin's accounts.
    NavItem(_("单位注册申请"), "employers:applications", _AUDITORS, "employers"),
    NavItem(
        _("本单位账户"),
        "employers:unit-accounts",
        frozenset({Role.EMPLOYER}),
        "employers",
        flag="employer_admin",
    ),
    NavItem(
        _("我的注册申请"),
        "employers:signup-status",
        frozenset({Role.EMPLOYER_APPLICANT}),
        "employers",
    ),
    # --- programs 三 (charity): organizations, charity projects, leaders ---
    NavItem(_("残疾人组织和助残组织"), "programs:organizations", _STAFF, "programs"),
    NavItem(_("公益慈善项目和活动"), "programs:charity-projects", _STAFF, "programs"),
    NavItem(_("就业创业带头人"), "programs:leaders", _PERSONAL, "programs"),
    # 五 auxiliary employment and the labour-project bank
    NavItem(_("辅助性就业机构"), "programs:aux-institutions", _EMPLOYERS, "programs"),
    NavItem(_("劳动项目库"), "programs:labour-projects", _EMPLOYERS, "programs"),
    # 七 graduates
    NavItem(_("残疾学生名单"), "programs:graduates", _PERSONAL, "programs"),
    NavItem(_("毕业生工作清单"), "programs:graduates-worklist", _PERSONAL, "programs"),
    # --- programs: rural (action 六) ---
    NavItem(_("农村就业基地"), "programs:rural-bases", _EMPLOYERS, "programs"),
    NavItem(_("防返贫监测对象"), "programs:rural-monitoring", _PERSONAL, "programs"),
    # 二 consultation mechanism (programs)
    NavItem(_("就业会商"), "programs:consultation-meetings", _STAFF, "programs"),
    NavItem(_("我的待办"), "programs:consultation-todo", _STAFF, "programs"),
    # 四 platform partners (programs)
    NavItem(_("助残合作平台"), "programs:platform-partners", _EMPLOYERS, "programs"),
    # 八 medical massage (programs)
    NavItem(_("医疗机构和按摩就业"), "programs:medical-institutions", _EMPLOYERS, "programs"),
    NavItem(_("医疗按摩审批"), "programs:massage-applications", _PERSONAL, "programs"),
    # 十 service institutions (programs)
    NavItem(_("就业服务机构"), "programs:service-institutions", _EMPLOYERS, "programs"),
    NavItem(_("服务交流和竞赛"), "programs:service-events", _EMPLOYERS, "programs"),
    NavItem(_("数据导入"), "core:import-list", _PERSONAL),
    NavItem(_("行政区划"), "reference:regions", _STAFF),
    NavItem(_("责任部门"), "reference:departments", _STAFF),
    NavItem(_("区划边界"), "reference:boundaries", _AUDITORS),
    NavItem(_("用户管理"), "accounts:user-list", frozenset({Role.ADMIN})),
    NavItem(_("接口密钥"), "api:key-list", frozenset({Role.ADMIN})),
    NavItem(_("变更记录"), "core:audit-changes", _AUDITORS),
    NavItem(_("访问日志"), "core:audit-access", _AUDITORS),
]
# The notification centre and the profile sit in the header beside the user's name
# (base.html), not in the menu.

# No role sees more than this many entries at the top of the menu (issue 18): past it, the
# menu shows one disclosure button per section, each opening its pages.
TOP_LEVEL_MAX = 8


def _lead(user: Any) -> tuple[str, ...]:
    # Home leads for everyone but a leader, whose first item is the overview they read (their
    # home page stays one step away: the site name in the header leads there).
    if user.role == Role.LEADER:
        return ("dashboards:overview",)
    return ("core:home",)


def menu_for(user: Any) -> list[NavItem]:
    """The role's menu in the order it is shown: the leading entry, then section by section
    (GROUPS' order, MENU's order within a section)."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = [
        item
        for item in MENU
        if user.role in item.roles and (not item.flag or getattr(user, item.flag, False))
    ]
    if user.role == Role.LEADER:
        items = [item for item in items if item.url_name != "core:home"]
    lead = sorted(
        (item for item in items if item.url_name in _lead(user)),
        key=lambda item: _lead(user).index(item.url_name),
    )
    rest = [item for item in items if item not in lead]
    order = list(GROUPS)
    rest.sort(key=lambda item: order.index(item.group))
    return lead + rest


@dataclass(frozen=True)
class MenuEntry:
    """One entry at the top of the menu: a page (``item``) or a section of pages."""

    label: str | Promise
    item: NavItem | None = None
    children: tuple[NavItem, ...] = ()
    key: str = ""


def top_level(user: Any) -> list[MenuEntry]:
    """The top of the role's menu: every page when they fit in TOP_LEVEL_MAX, else the leading
    page and one section per group (a section of one page is that page)."""
    items = menu_for(user)
    if len(items) <= TOP_LEVEL_MAX:
        return [MenuEntry(item.label, item=item) for item in items]
    lead = [item for item in items if item.url_name in _lead(user)]
    entries = [MenuEntry(item.label, item=item) for item in lead]
    for key, label in GROUPS.items():
        members = tuple(item for item in items if item.group == key and item not in lead)
        if len(members) == 1:
            entries.append(MenuEntry(members[0].label, item=members[0]))
        elif members:
            entries.append(MenuEntry(label, children=members, key=key))
    return entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or getattr(request, "second_factor_pending", False)
        # An applicant's account reaches only its own application (accounts' gate).
        or user.role == Role.APPLICANT
    ):
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""

    def link(item: NavItem) -> dict[str, Any]:
        return {
            "label": item.label,
            "url": reverse(item.url_name),
            "current": item.url_name == current,
        }

    entries = []
    for entry in top_level(user):
        if entry.item is not None:
            entries.append(link(entry.item))
        else:
            children = [link(item) for item in entry.children]
            entries.append(
                {
                    "label": entry.label,
                    "key": entry.key,
                    "children": children,
                    "current": any(child["current"] for child in children),
                }
            )
    return {"nav_items": entries}
