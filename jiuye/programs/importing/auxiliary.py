"""Import kinds of auxiliary employment and the labour-project bank (action 五):

- ``aux_institutions``: institutions by name (natural key), at a town or village.
- ``aux_members``: who attends which institution from when (institution + ID number + start
  date). Each written membership keeps its auxiliary employment record in step through the
  employment services (``services.auxiliary.sync_employment``); a rollback archives the
  employment records of the memberships it removes and re-syncs the ones it puts back.
- ``labour_projects``: projects of the bank by project number.
- ``labour_allocations``: a project's volume given to an institution (project number +
  institution + date). The rows of a file and the allocations already made never exceed a
  project's volume: each row is checked against both, and the write locks the projects and
  checks the totals again before it commits.

Each kind's rules are the service's check functions, as on the forms.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.base import ImportFileError
from jiuye.core.importing.declared import DeclaredKind
from jiuye.core.importing.fields import Choice, Date, Int, Lookup, Money, MultiChoice, Text
from jiuye.core.importing.journal import Undone
from jiuye.employers.models import Employer
from jiuye.employment import services as employment
from jiuye.employment.models import EmploymentRecord, Source
from jiuye.jobs.models import AccessFeature
from jiuye.people.importing import PersonByIdNumber
from jiuye.programs.models.auxiliary import (
    AuxInstitution,
    AuxMembership,
    InstitutionKind,
    InstitutionStatus,
    LabourAllocation,
    LabourProject,
)
from jiuye.programs.services import auxiliary as services
from jiuye.reference.importing import Place, categories_field
from jiuye.reference.models import Region

WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)


def _employers() -> Any:
    return Employer.objects.filter(archived_at__isnull=True).exclude(uscc="")


def _institutions() -> Any:
    return AuxInstitution.objects.filter(archived_at__isnull=True)


INSTITUTION_LOOKUP: dict[str, Any] = {
    "queryset": _institutions,
    "missing": gettext_lazy("没有名为“%(v)s”的机构，请核对名称，或先导入辅助性就业机构。"),
    "note": "须与辅助性就业机构的名称完全一致",
    "example": "东城阳光家园",
}


class AuxKind(DeclaredKind):
    writers = WRITERS


# --- institutions ---------------------------------------------------------------------------


class InstitutionsKind(AuxKind):
    name = "aux_institutions"
    label = gettext_lazy("辅助性就业机构")
    who = gettext_lazy("辅助性就业机构")
    model = AuxInstitution
    key_label = gettext_lazy("机构名称")
    natural_key = ("name",)
    fields = (
        Text(
            "name",
            "机构名称",
            ("名称", "机构"),
            required=True,
            max_length=200,
            example="东城阳光家园",
        ),
        Choice(
            "kind",
            "机构类型",
            ("类型",),
            required=True,
            choices=InstitutionKind,
            note="阳光家园、残疾人之家、托养机构、辅助性就业机构、职业康复机构",
            example="阳光家园",
        ),
        Place(
            "region",
            "所在地",
            ("所在地代码", "区划代码", "镇街"),
            required=True,
            note="12位区划代码，或镇街名称、“镇街名称 村社区名称”",
            example="440199001000",
        ),
        Text("address", "地址", (), max_length=200),
        Int("capacity", "可容纳人数", ("容纳人数", "床位数"), required=True, example="30"),
        MultiChoice(
            "accessibility",
            "无障碍设施",
            ("无障碍条件",),
            choices=AccessFeature,
            note="可多选，用顿号分开；没有的留空",
            example="无障碍通道（无台阶）、无障碍卫生间",
        ),
        Text("operator", "运营主体", ("运营单位", "举办单位"), max_length=200),
        Lookup(
            "employer",
            "运营主体统一社会信用代码",
            ("统一社会信用代码",),
            queryset=_employers,
            by=("uscc",),
            missing=gettext_lazy("没有统一社会信用代码为“%(v)s”的用人单位，请核对或先登记。"),
            note="运营主体已作为用人单位登记时填写",
        ),
        Choice(
            "status",
            "运营状态",
            ("状态",),
            choices=InstitutionStatus,
            blank=InstitutionStatus.OPERATING,
            note="运营中、暂停运营、筹建中；不填为 运营中",
            example="运营中",
        ),
        Date("opened_on", "成立日期", ("成立时间",), example="2020-06-01"),
        Text("contact_name", "联系人", (), max_length=50),
        Text("contact_phone", "联系电话", ("电话",), max_length=30),
    )

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        values = self.merged(data, current)
        values.setdefault("status", InstitutionStatus.OPERATING)
        return services.institution_check(values, by=by)

    def existing_queryset(self) -> Any:
        return AuxInstitution.objects.filter(archived_at__isnull=True)

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return self.existing_queryset().select_related("employer").order_by("name")


# --- members --------------------------------------------------------------------------------


class MembersKind(AuxKind):
    name = "aux_members"
    label = gettext_lazy("辅助性就业人员")
    who = gettext_lazy("辅助性就业人员")
    model = AuxMembership
    key_label = gettext_lazy("机构、身份证号和进入日期")
    natural_key = ("institution", "id_number", "start_date")
    changed_since = gettext_lazy(
        "这个批次导入的在册记录（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy(
        "这个批次导入的在册记录已登记了收入，不能撤销。如导入有误，请逐个修改或归档。"
    )
    fields = (
        Lookup("institution", "机构名称", ("机构",), required=True, **INSTITUTION_LOOKUP),
        PersonByIdNumber(
            attr="person", inactive=gettext_lazy("%(name)s 已归档或已不在册，不能登记。")
        ),
        Date("start_date", "进入日期", ("开始日期",), required=True, example="2025-03-01"),
        Date("end_date", "离开日期", ("结束日期",), note="仍在机构的留空"),
        Money(
            "hours_per_week",
            "每周工作小时",
            ("周工作时间", "每周小时"),
            places=1,
            note="最多一位小数",
            example="20",
        ),
        Money("monthly_income", "月收入", ("月收入（元）",), note="元", example="800"),
    )

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        values = self.merged(data, current)
        return services.membership_check(
            values,
            person=values.get("id_number") or getattr(current, "person", None),
            institution=values.get("institution"),
            by=by,
            current=current,
        )

    def merged(self, data: dict[str, Any], current: Model | None) -> dict[str, Any]:
        values = super().merged(data, current)
        if current is not None and "id_number" not in data:
            values["id_number"] = current.person
        return values

    def existing_queryset(self) -> Any:
        return AuxMembership.objects.filter(archived_at__isnull=True).select_related(
            "person", "institution"
        )

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return self.existing_queryset().order_by("institution__name", "start_date", "person_id")

    def after_write(
        self, *, creates: list[Model], updates: list[tuple[Model, Any]], batch: Any, by: Any
    ) -> None:
        for membership in [*creates, *(m for m, _diff in updates)]:
            services.sync_employment(membership, by=by, source=Source.IMPORT)

    def before_rollback(self, *, batch: Any, created: list[Model], by: Any) -> None:
        self._orphans = [m.employment_id for m in created if m.employment_id]

    def after_rollback(self, undone: Undone) -> None:
        for record in EmploymentRecord.objects.filter(
            pk__in=self._orphans, archived_at__isnull=True
        ):
            employment.employment_archive(
                record=record, reason=_("辅助性就业人员导入已撤销"), by=undone.by
            )
        for membership, _diff in undone.restored:
            services.sync_employment(membership, by=undone.by, source=Source.IMPORT)


# --- labour projects ------------------------------------------------------------------------


def _project_regions() -> Any:
    district = getattr(settings, "JIUYE_DISTRICT_CODE", "")
    return Region.objects.filter(disabled_at__isnull=True).filter(
        Q(code=district) | Q(level=Region.Level.TOWN)
    )


class ProjectsKind(AuxKind):
    name = "labour_projects"
    label = gettext_lazy("劳动项目")
    who = gettext_lazy("劳动项目")
    model = LabourProject
    key_label = gettext_lazy("项目编号")
    natural_key = ("code",)
    create_defaults = {"unit": "件"}
    in_use = gettext_lazy(
        "这个批次导入的劳动项目已有调配记录，不能撤销。如导入有误，请逐个修改或归档。"
    )
    fields = (
        Text("code", "项目编号", ("编号",), required=True, max_length=30, example="LX2025-001"),
        Text("name", "项目名称", ("项目",), required=True, max_length=200, example="手工串珠"),
        Lookup(
            "source_employer",
            "来源企业统一社会信用代码",
            ("统一社会信用代码",),
            queryset=_employers,
            by=("uscc",),
            missing=gettext_lazy("没有统一社会信用代码为“%(v)s”的用人单位，请核对或先登记。"),
            note="企业已登记时填写；否则填写来源企业名称",
        ),
        Text("source_name", "来源企业", ("来源企业名称", "企业名称"), max_length=200),
        Text("work_content", "工作内容", ("内容",), required=True, collapse=False),
        Text("unit", "计量单位", ("单位",), blank="件", max_length=20, note="不填为 件"),
        Money("unit_price", "单价", ("单价（元）",), required=True, example="0.50"),
        Int("volume", "总量", ("数量", "项目总量"), required=True, minimum=1, example="10000"),
        Date("start_date", "开始日期", (), required=True, example="2025-03-01"),
        Date("end_date", "结束日期", (), required=True, example="2025-06-30"),
        Text("skills", "技能要求", (), max_length=300),
        categories_field(
            "suitable_categories",
            "适合残疾类别",
            ("残疾类别",),
            blank="不填表示适合各类别",
            example="智力、精神",
        ),
        Lookup(
            "region",
            "收集地区",
            ("收集地区代码",),
            required=True,
            queryset=_project_regions,
            by=("code", "name"),
            note="全区统一收集的填区的区划代码，镇街收集的填镇街代码或名称",
            example="440199001000",
        ),
        Date("collected_on", "入库日期", (), required=True, example="2025-02-20"),
    )

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        values = {**self.create_defaults, **self.merged(data, current)}
        return services.project_check(values, by=by, current=current)

    def existing_queryset(self) -> Any:
        return LabourProject.objects.filter(archived_at__isnull=True).prefetch_related(
            "suitable_categories"
        )

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return self.existing_queryset().select_related("source_employer").order_by("code")


# --- allocations ----------------------------------------------------------------------------


class AllocationsKind(AuxKind):
    name = "labour_allocations"
    label = gettext_lazy("劳动项目调配")
    who = gettext_lazy("劳动项目调配")
    model = LabourAllocation
    key_label = gettext_lazy("项目编号、承接机构和调配日期")
    natural_key = ("project", "institution", "allocated_on")
    in_use = gettext_lazy("这个批次导入的调配已有交付记录，不能撤销。如导入有误，请逐个修改。")
    fields = (
        Lookup(
            "project",
            "项目编号",
            ("编号",),
            required=True,
            queryset=lambda: LabourProject.objects.filter(archived_at__isnull=True),
            by=("code",),
            missing=gettext_lazy("没有编号为“%(v)s”的劳动项目，请核对，或先导入劳动项目。"),
            example="LX2025-001",
        ),
        Lookup(
            "institution", "承接机构", ("机构名称", "机构"), required=True, **INSTITUTION_LOOKUP
        ),
        Int("quantity", "调配数量", ("数量",), required=True, minimum=1, example="2000"),
        Date("allocated_on", "调配日期", ("日期",), required=True, example="2025-03-05"),
        Text("note", "备注", (), max_length=300),
    )

    def begin(self) -> None:
        super().begin()
        # project pk → {row identity: (quantity in the file, quantity stored before)}
        self._seen: dict[Any, dict[Any, tuple[int, int]]] = {}

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        values = self.merged(data, current)
        project, quantity = values.get("project"), values.get("quantity")
        if project is None or not quantity:
            return services.allocation_check(values, by=by)
        seen = self._seen.setdefault(project.pk, {})
        ident = current.pk if current is not None else ("new", self.key_of(data))
        stored = current.quantity if current is not None else 0
        replaced = sum(was for _q, was in seen.values())
        if ident not in seen:
            replaced += stored
        earlier = sum(q for key, (q, _was) in seen.items() if key != ident)
        allocated = services.allocated_total(project) - replaced + earlier
        errors = services.allocation_check(values, by=by, allocated=allocated)
        if not errors:
            seen[ident] = (quantity, stored)
        return errors

    def existing_queryset(self) -> Any:
        return LabourAllocation.objects.filter(archived_at__isnull=True).select_related(
            "project", "institution"
        )

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return self.existing_queryset().order_by(
            "project__code", "allocated_on", "institution__name"
        )

    def before_write(
        self, *, creates: list[Model], updates: list[tuple[Model, Any]], by: Any
    ) -> None:
        # Whoever allocates from these projects meanwhile waits for this import (or this
        # import for them); after_write then checks the totals with every write counted.
        self._touched = {r.project_id for r in creates} | {r.project_id for r, _d in updates}
        services.lock_projects(self._touched)

    def after_write(
        self, *, creates: list[Model], updates: list[tuple[Model, Any]], batch: Any, by: Any
    ) -> None:
        for project in LabourProject.objects.filter(pk__in=self._touched):
            allocated = services.allocated_total(project)
            if allocated > project.volume:
                raise ImportFileError(
                    _(
                        "劳动项目“%(name)s”的调配合计 %(n)d%(unit)s 超过了项目总量 "
                        "%(volume)d%(unit)s（可能有人同时在调配），没有导入。请核对后重新导入。"
                    )
                    % {
                        "name": project.name,
                        "n": allocated,
                        "volume": project.volume,
                        "unit": project.unit,
                    }
                )


register_kind(InstitutionsKind())
register_kind(MembersKind())
register_kind(ProjectsKind())
register_kind(AllocationsKind())
