"""Import kinds of action 三, declared for the one import framework:

- ``organizations``: disability associations, the relatives' association, social organizations
  and service platforms. Natural key: the name. The unified social credit code, where given,
  must be well formed with the right check character (``organization_check``, as on the form).
- ``charity_projects``: charity projects and activities. Natural key: start date + name. The
  organiser is an organization (by its exact name) or a department (by its name or short name),
  one of the two (``project_check``, as on the form).

Administrators and district staff import anywhere; a town officer only records located in their
town. Beneficiaries are added on a project's page (they are persons found by ID number).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, actor
from jiuye.core.importing.fields import Choice, Date, Lookup, Money, Text
from jiuye.core.scoping import region_in_scope
from jiuye.employers.importing.registry import Phone, RegionCode, UsccField
from jiuye.programs.models.charity import (
    CharityProject,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    ProjectKind,
)
from jiuye.programs.services.charity import organization_check, project_check
from jiuye.reference.models import Department

WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)

ORGANIZATION_SYNONYMS = {
    **dict.fromkeys(("盲协", "盲人协会"), OrganizationKind.BLIND),
    **dict.fromkeys(("聋协", "聋人协会"), OrganizationKind.DEAF),
    **dict.fromkeys(("肢协", "肢残人协会", "肢残协会"), OrganizationKind.PHYSICAL),
    **dict.fromkeys(("智协", "智力残疾人协会", "智残协会"), OrganizationKind.INTELLECTUAL),
    **dict.fromkeys(("精协", "精神残疾人协会", "精残协会"), OrganizationKind.PSYCHIATRIC),
    **dict.fromkeys(("亲友会", "亲友协会"), OrganizationKind.RELATIVES),
    **dict.fromkeys(("社会组织", "助残组织"), OrganizationKind.SOCIAL),
    **dict.fromkeys(("服务平台", "创业就业平台", "就业服务平台"), OrganizationKind.PLATFORM),
}
STATUS_SYNONYMS = {
    **dict.fromkeys(("正常", "活跃", "在运行", "是"), OrganizationStatus.ACTIVE),
    **dict.fromkeys(("暂停", "停止活动", "不活跃", "否"), OrganizationStatus.INACTIVE),
}
PROJECT_SYNONYMS = {"项目": ProjectKind.PROJECT, "活动": ProjectKind.ACTIVITY}


def _scope_problems(by: Any, data: dict[str, Any], current: Model | None) -> dict[str, Any]:
    """A town officer imports only records located in their town (as they are and as the row
    would put them)."""
    regions = [current.region_id] if current is not None else []
    regions += [data["region"]] if data.get("region") else []
    if actor(by) is not None and not all(region_in_scope(by, code) for code in regions):
        return {"region": [_("只能导入位于您负责的镇街的记录。")]}
    return {}


class OrganizationsKind(DeclaredKind):
    name = "organizations"
    label = gettext_lazy("残疾人组织和助残组织")
    who = gettext_lazy("残疾人组织和助残组织")
    model = Organization
    key_label = gettext_lazy("组织名称")
    natural_key = ("name",)
    writers = WRITERS
    create_defaults = {"status": OrganizationStatus.ACTIVE}
    changed_since = gettext_lazy(
        "这个批次导入的组织（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy(
        "这个批次导入的组织已主办项目，不能撤销。如导入有误，请逐个修改或归档这些组织。"
    )
    fields = (
        Text(
            "name",
            "组织名称",
            ("名称", "协会名称", "机构名称"),
            required=True,
            max_length=200,
            example="示范区盲人协会",
        ),
        Choice(
            "kind",
            "组织类型",
            ("类型",),
            required=True,
            choices=OrganizationKind,
            aliases=ORGANIZATION_SYNONYMS,
            note="盲协、聋协、肢协、智协、精协、亲友会、助残社会组织、残疾人创业就业服务平台",
            example="盲协",
        ),
        UsccField(
            "uscc",
            "统一社会信用代码",
            ("信用代码", "社会信用代码", "登记证号"),
            note="18位，见登记证书；没有登记的留空",
            blank="",
        ),
        RegionCode(
            "region",
            "所在地代码",
            ("区划代码", "所在地区划代码"),
            required=True,
            note="12位行政区划代码（镇街或村社区），如 440199001000",
            example="440199001000",
        ),
        Text("address", "地址", ("办公地址",), max_length=200),
        Text("contact_name", "联系人", ("负责人",), max_length=50, example="王五"),
        Phone(
            "contact_phone",
            "联系电话",
            ("电话", "联系方式"),
            note="手机号或带区号的固定电话",
            example="13800138000",
        ),
        Choice(
            "status",
            "状态",
            ("活动状态",),
            choices=OrganizationStatus,
            aliases=STATUS_SYNONYMS,
            blank=OrganizationStatus.ACTIVE,
            note="正常开展活动 或 暂停活动；不填为 正常开展活动",
            example="正常开展活动",
        ),
        Text("note", "说明", ("备注",), collapse=False),
    )

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        problems = _scope_problems(by, data, current)
        if problems:
            return problems
        try:
            organization_check({**self.create_defaults, **self.merged(data, current)})
        except ValidationError as exc:
            return exc.message_dict
        return {}

    def existing_queryset(self) -> Any:
        return Organization.objects.filter(archived_at__isnull=True)

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return self.existing_queryset().order_by("name")


def _department_names(department: Department) -> list[str]:
    return [department.short_name, *department.alias_list()]


class CharityProjectsKind(DeclaredKind):
    name = "charity_projects"
    label = gettext_lazy("公益慈善项目和活动")
    who = gettext_lazy("公益慈善项目和活动")
    model = CharityProject
    key_label = gettext_lazy("开始日期和项目名称")
    natural_key = ("start_date", "name")
    writers = WRITERS
    changed_since = gettext_lazy(
        "这个批次导入的项目（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy(
        "这个批次导入的项目已登记受益人，不能撤销。如导入有误，请逐个修改或归档这些项目。"
    )
    fields = (
        Text(
            "name",
            "项目名称",
            ("名称", "活动名称", "项目或活动名称"),
            required=True,
            max_length=200,
            example="助残就业公益创投项目",
        ),
        Choice(
            "kind",
            "类别",
            ("项目类别",),
            required=True,
            choices=ProjectKind,
            aliases=PROJECT_SYNONYMS,
            note="公益慈善项目 或 公益慈善活动（可简写为 项目、活动）",
            example="项目",
        ),
        Lookup(
            "organiser_organization",
            "主办组织",
            ("主办协会",),
            queryset=lambda: Organization.objects.filter(archived_at__isnull=True),
            missing=gettext_lazy(
                "没有名为“%(v)s”的组织，请核对名称，或先在“残疾人组织和助残组织”中登记。"
            ),
            note="须与登记的组织名称一致；由部门主办时留空，填主办部门",
            example="示范区盲人协会",
        ),
        Lookup(
            "organiser_department",
            "主办部门",
            ("主办单位（部门）",),
            queryset=lambda: Department.objects.filter(disabled_at__isnull=True),
            by=("name",),
            also=_department_names,
            missing=gettext_lazy("没有名为“%(v)s”的部门，请核对部门名称或简称。"),
            note="主办组织和主办部门二选一",
        ),
        Text("funding_source", "资金来源", ("经费来源",), max_length=100, example="福彩公益金"),
        Money("funding_amount", "资金", ("资金（元）", "金额", "经费"), note="元，最多两位小数"),
        Date(
            "start_date", "开始日期", ("开展日期", "活动日期"), required=True, example="2025-03-01"
        ),
        Date("end_date", "结束日期", (), note="一天的活动可以留空", example="2025-06-30"),
        RegionCode(
            "region",
            "所属地区代码",
            ("区划代码", "所在地代码"),
            required=True,
            note="12位行政区划代码（镇街或村社区），如 440199001000",
            example="440199001000",
        ),
        Text("place", "地点", ("开展地点",), max_length=200),
        Text("target_group", "面向对象", ("服务对象",), max_length=200),
        Text("description", "内容", ("说明", "项目内容"), collapse=False),
    )

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        return _scope_problems(by, data, current) or project_check(self.merged(data, current))

    def existing_queryset(self) -> Any:
        return CharityProject.objects.filter(archived_at__isnull=True).select_related(
            "organiser_organization", "organiser_department"
        )

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return self.existing_queryset().order_by("start_date", "name")


register_kind(OrganizationsKind())
register_kind(CharityProjectsKind())
