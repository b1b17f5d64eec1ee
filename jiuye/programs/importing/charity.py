"""Import kinds of action 三, declared for the one import framework:

- ``organizations``: disability associations, the relatives' association, social organizations
  and service platforms. Natural key: the name. The unified social credit code, where given,
  must be well formed with the right check character (``organization_check``, as on the form).
- ``charity_projects``: charity projects and activities. Natural key: start date + name. The
  organiser is an organization (by its exact name) or a department (by its name or short name),
  one of the two (``project_check``, as on the form).

Administrators and district staff import anywhere; a town officer only records located in their
town.

- ``charity_beneficiaries``: a project's beneficiaries, uploaded on the project's page (the batch
  names the project as its parent, as a declaration's staff list does). Natural key: the
  project + the person, found by ID number among the persons the importer keeps.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import (
    ImportFileError,
    ImportResult,
    list_check,
    list_save,
    register_kind,
    template_xlsx,
)
from jiuye.core.importing.declared import DeclaredKind, ErrorSink, actor
from jiuye.core.importing.fields import Bool, Choice, Date, Lookup, Money, Text
from jiuye.core.scoping import region_in_scope, scope_for
from jiuye.employers.importing.registry import Phone, RegionCode, UsccField
from jiuye.people.importing import PersonByIdNumber
from jiuye.programs.models.charity import (
    CharityBeneficiary,
    CharityProject,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    ProjectKind,
)
from jiuye.programs.services.charity import (
    beneficiary_errors,
    organization_check,
    project_check,
)
from jiuye.reference.models import Department

WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
KIND_BENEFICIARIES = "charity_beneficiaries"
EMPTY = gettext_lazy("名单中只有表头，没有任何受益人。")

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


# --- a project's beneficiaries --------------------------------------------------------------


@dataclass(frozen=True)
class _Name(Text):
    """The person's name as registered: a help for the reader of the file, checked against the
    registry when it is filled in (only for a person the importer may see), never written."""

    def export(self, obj: Model, *, reveal: bool) -> str:
        return obj.person.name


class CharityBeneficiariesKind(DeclaredKind):
    """The beneficiaries of one charity project, uploaded on the project's page. A person is
    found by ID number among those the importer keeps; a number outside their scope gets the
    same answer as an unregistered one. The outcomes are the beneficiary form's; a person
    taken off the project before and listed again counts again (as on the form)."""

    name = KIND_BENEFICIARIES
    label = gettext_lazy("公益慈善项目受益人")
    who = gettext_lazy("项目受益人")
    model = CharityBeneficiary
    parent_model = CharityProject
    parent_needed = gettext_lazy(
        "受益人名单属于某一个公益慈善项目：请在该项目的页面上传，不能在这里导入。"
    )
    importable = False
    key_label = gettext_lazy("身份证号")
    natural_key = ("project", "id_number")
    writers = WRITERS
    also_updates = ("archived_at", "archived_by_id", "archived_reason")
    changed_since = gettext_lazy(
        "这个批次导入的受益人（%(record)s）之后又在项目页面修改过，不能自动撤销。请逐个修改。"
    )
    fields = (
        PersonByIdNumber(
            inactive=gettext_lazy("%(name)s 已归档或已不在册，不能登记为受益人。"),
            example="440199199003071235",
        ),
        _Name("name", "姓名", ("受益人姓名",), attr="", note="可不填；填写时须与登记的姓名一致"),
        Date(
            "joined_on",
            "受益日期",
            ("日期",),
            note="在项目起止日期内；不填时新登记的人为项目开始日期，已登记的人不变",
            example="2025-03-01",
        ),
        Bool("trained", "参加培训", ("培训",), note="是 或 否；不填为否", example="是"),
        Bool("placed", "实现就业", ("就业",), note="是 或 否；不填为否", example="否"),
        Bool("started_business", "自主创业", ("创业",), note="是 或 否；不填为否", example="否"),
        Text("note", "备注", ("说明",), max_length=300),
    )

    def open_parent(self, parent: Any, *, by: Any) -> Any:
        visible = scope_for(by, CharityProject) if actor(by) is not None else None
        if visible is not None and not visible.filter(pk=parent.pk).exists():
            raise ImportFileError(_("找不到这个项目，或您不能修改它。"))
        projects = CharityProject.objects.all()
        if transaction.get_connection().in_atomic_block:
            projects = projects.select_for_update()
        project = projects.get(pk=parent.pk)
        if project.is_archived:
            raise ImportFileError(_("这个项目已归档，不能再登记受益人。"))
        return project

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        data["project"] = self.parent
        person, typed = data.get("id_number"), (data.get("name") or "").strip()
        if person is not None and typed and typed != person.name:
            error("name", _("姓名“%(v)s”与这个身份证号登记的姓名不一致，请核对。") % {"v": typed})

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        if data.get("joined_on") is None and ("joined_on" in data or current is None):
            # A blank day keeps a listed person's, and is the project's start for a new one.
            data["joined_on"] = current.joined_on if current else self.parent.start_date
        return beneficiary_errors(self.parent, self.merged(data, current))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        # Listed again after a removal: the row counts again (as on the form).
        restored = {"archived_at": None, "archived_by_id": None, "archived_reason": ""}
        return {**super().model_values(data), **restored}

    def existing_queryset(self) -> Any:
        return CharityBeneficiary.objects.filter(project=self.parent).select_related("person")

    def export_queryset(self, filters: dict[str, str]) -> Any:
        project = CharityProject.objects.filter(pk=_uuid(filters.get("project", ""))).first()
        if project is None:
            raise ImportFileError(_("请指定项目，如 --filter project=<项目编号>。"))
        return (
            CharityBeneficiary.objects.filter(project=project, archived_at__isnull=True)
            .select_related("person")
            .order_by("created_at")
        )


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


beneficiaries_kind = register_kind(CharityBeneficiariesKind())


# --- the project page -----------------------------------------------------------------------


def beneficiaries_check(*, project: CharityProject, upload: Any, by: Any) -> ImportResult:
    """Check an uploaded list against a project (nothing is saved): every bad row, or what
    saving would do."""
    return list_check(kind=KIND_BENEFICIARIES, parent=project, upload=upload, by=by, empty=EMPTY)


def beneficiaries_save(*, project: CharityProject, checked: Any, by: Any) -> ImportResult | None:
    """Save a list this user checked against this project with no bad row: every row or
    none. None when there is no such check."""
    return list_save(kind=KIND_BENEFICIARIES, parent=project, checked=checked, by=by, empty=EMPTY)


def beneficiaries_template() -> bytes:
    return template_xlsx(beneficiaries_kind)
