"""The menu each role sees, offered to every template by a context processor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import PERSONAL_DATA_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


_ALL = frozenset(Role.values)
_STAFF = frozenset({Role.ADMIN, Role.DISTRICT, Role.DEPARTMENT, Role.TOWN, Role.LEADER})
_AUDITORS = frozenset({Role.ADMIN, Role.DISTRICT})

_PERSONAL = PERSONAL_DATA_ROLES
# Aggregates of town casework: the staff who do it and the leaders who read it.
_COVERAGE = frozenset({*PERSONAL_DATA_ROLES, Role.LEADER})
_CAMPAIGNS = _COVERAGE
# Employers are organisations: the staff who keep them and the leaders who read them.
_EMPLOYERS = frozenset({Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER})

MENU = [
    NavItem(_("首页"), "core:home", _ALL),
    NavItem(_("行动方案"), "actionplan:dashboard", _STAFF),
    NavItem(_("审核报告"), "actionplan:review-queue", _AUDITORS),
    NavItem(_("指标目标"), "actionplan:targets", _STAFF),
    NavItem(_("残疾人名单"), "people:list", _PERSONAL),
    NavItem(_("工作清单"), "casework:worklist", _PERSONAL),
    NavItem(_("服务覆盖"), "casework:coverage", _COVERAGE),
    NavItem(_("就业困难人员走访"), "casework:survey", _PERSONAL),
    NavItem(_("专项活动"), "casework:campaigns", _CAMPAIGNS),
    NavItem(_("公益性岗位"), "casework:posts", _PERSONAL),
    NavItem(_("就业记录核查"), "employment:review", _PERSONAL),
    NavItem(_("用人单位"), "employers:list", _EMPLOYERS),
    NavItem(_("政策参数"), "employers:policies", _EMPLOYERS),
    NavItem(_("年审申报"), "employers:declarations", _EMPLOYERS | {Role.EMPLOYER}),
    NavItem(_("年审审核"), "employers:review-queue", _AUDITORS),
    NavItem(_("机关事业单位统计"), "employers:statistics", _AUDITORS | {Role.LEADER}),
    NavItem(_("数据导入"), "core:import-list", _PERSONAL),
    NavItem(_("行政区划"), "reference:regions", _STAFF),
    NavItem(_("责任部门"), "reference:departments", _STAFF),
    NavItem(_("用户管理"), "accounts:user-list", frozenset({Role.ADMIN})),
    NavItem(_("变更记录"), "core:audit-changes", _AUDITORS),
    NavItem(_("访问日志"), "core:audit-access", _AUDITORS),
    NavItem(_("通知"), "core:notifications", _ALL),
    NavItem(_("个人信息"), "accounts:profile", _ALL),
]


def menu_for(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in MENU if user.role in item.roles]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or getattr(request, "second_factor_pending", False)
    ):
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {"label": item.label, "url": reverse(item.url_name), "current": item.url_name == current}
        for item in menu_for(user)
    ]
    return {"nav_items": items}
