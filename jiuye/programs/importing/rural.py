"""Import kinds of action 六:

- ``rural_bases``: rural bases and workshops. Natural key: the place (town or village) and the
  name. The operator is a registered employer named by its unified social credit code, or a
  name as written. The rules across a base's fields are ``base_check``, as on the form.
- ``monitoring_objects``: the monitoring objects the national monitoring system identified,
  brought back: ID number, category, date identified and (when the risk is eliminated) the date
  it was. Each row sets or clears the person's 防返贫监测 flag; it never registers a person.
  Each changed person gets a row on their timeline (``MonitoringExchange``), taken away again
  by a rollback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, ErrorSink, actor
from jiuye.core.importing.fields import Choice, Date, FieldError, Int, Text
from jiuye.core.importing.journal import Changes, Undone
from jiuye.core.masking import mask_id_number
from jiuye.core.scoping import region_in_scope
from jiuye.employment.importing import EmployerByUscc
from jiuye.people.importing import PersonByIdNumber
from jiuye.people.models import MonitoringCategory, Person
from jiuye.programs.models.rural import (
    BaseKind,
    ExchangeDirection,
    Industry,
    MonitoringExchange,
    RuralBase,
)
from jiuye.programs.services.rural import base_check
from jiuye.reference.importing import Place

WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)

KIND_SYNONYMS = {
    "帮扶车间": BaseKind.WORKSHOP,
    "就业车间": BaseKind.WORKSHOP,
    "扶贫车间": BaseKind.WORKSHOP,
    "扶贫基地": BaseKind.POVERTY_BASE,
    "残疾人扶贫示范基地": BaseKind.POVERTY_BASE,
    "就业基地": BaseKind.RURAL_BASE,
    "农村就业基地": BaseKind.RURAL_BASE,
}
INDUSTRY_SYNONYMS = {
    "种植业": Industry.PLANTING,
    "养殖业": Industry.BREEDING,
    "农产品加工": Industry.PROCESSING,
    "旅游": Industry.TOURISM,
    "电商": Industry.ECOMMERCE,
    "物流": Industry.LOGISTICS,
    "寄递物流": Industry.LOGISTICS,
    "手工": Industry.HANDICRAFT,
}
CATEGORY_SYNONYMS = {
    "脱贫不稳定": MonitoringCategory.UNSTABLE,
    "边缘易致贫": MonitoringCategory.EDGE,
    "突发严重困难": MonitoringCategory.SUDDEN,
}


@dataclass(frozen=True)
class BasePlace(Place):
    def empty(self) -> Any:
        raise FieldError(_("请填写所在地（12位区划代码、镇街名称或村社区名称）。"))


class RuralBasesKind(DeclaredKind):
    name = "rural_bases"
    label = gettext_lazy("农村就业基地和帮扶车间")
    who = gettext_lazy("农村就业基地和帮扶车间")
    model = RuralBase
    writers = WRITERS
    key_label = gettext_lazy("所在地和名称")
    natural_key = ("region", "name")
    changed_since = gettext_lazy(
        "这个批次导入的基地（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy(
        "这个批次导入的基地已有扶持记录，不能撤销。如导入有误，请逐个修改或归档。"
    )
    fields = (
        BasePlace(
            "region",
            "所在地",
            ("所在镇街", "所在村", "区划代码"),
            required=True,
            note="12位区划代码、镇街名称，或“镇街名称 村社区名称”",
            example="东城街道",
        ),
        Text(
            "name",
            "名称",
            ("基地名称", "车间名称", "基地（车间）名称"),
            required=True,
            max_length=200,
            example="东城蔬菜种植基地",
        ),
        Choice(
            "kind",
            "类型",
            ("基地类型",),
            required=True,
            choices=BaseKind,
            aliases=KIND_SYNONYMS,
            note="就业帮扶车间、残疾人扶贫基地、农村残疾人就业基地",
            example="农村残疾人就业基地",
        ),
        Choice(
            "industry",
            "产业",
            ("产业类型", "行业"),
            required=True,
            choices=Industry,
            aliases=INDUSTRY_SYNONYMS,
            note="种植、养殖、加工、乡村旅游、农村电商、农村寄递物流、手工编织、其他",
            example="种植",
        ),
        Text("address", "地址", ("详细地址",), max_length=200),
        EmployerByUscc(
            attr="employer",
            synonyms=("运营单位统一社会信用代码", "社会信用代码", "信用代码"),
            missing=gettext_lazy(
                "用人单位库中没有统一社会信用代码为“%(v)s”的单位。"
                "请核对代码；未登记的运营主体只填写运营主体名称。"
            ),
            note="运营单位已登记为用人单位时填写；在岗残疾人从这家单位的就业记录统计",
        ),
        Text(
            "operator_name",
            "运营主体",
            ("运营主体名称", "经营主体"),
            max_length=200,
            note="合作社、家庭农场等未登记为用人单位时填写；已填统一社会信用代码时留空",
            example="东城蔬菜专业合作社",
        ),
        Text("contact_name", "联系人", ("负责人",), max_length=50),
        Text("contact_phone", "联系电话", ("电话",), max_length=20),
        Date(
            "established_on",
            "认定或建立日期",
            ("认定日期", "建立日期"),
            not_future=True,
            example="2023-05-01",
        ),
        Int(
            "driven",
            "带动残疾人数",
            ("带动人数", "带动残疾人"),
            blank=0,
            maximum=100_000,
            note="不在基地就业、但由基地带动增收的残疾人数；不填为 0",
            example="12",
        ),
        Text("note", "备注", ("说明",), max_length=300),
    )

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        region = data.get("region")
        if actor(by) is not None and (
            by.role not in WRITERS or not region_in_scope(by, region.code)
        ):
            error("region", _("您只能导入本镇街的基地。"))

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        values = self.merged(data, current)
        values["employer"] = values.get("uscc")
        problems = base_check(values)
        if "employer" in problems:
            problems["uscc"] = problems.pop("employer")
        return problems

    def existing_queryset(self) -> Any:
        return RuralBase.objects.select_related("employer")

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = RuralBase.objects.filter(archived_at__isnull=True).select_related("employer")
        if filters.get("region"):
            code = filters["region"].rstrip("0") or filters["region"]
            qs = qs.filter(region__code__startswith=code)
        return qs.order_by("region_id", "name")


register_kind(RuralBasesKind())


# --- monitoring objects ----------------------------------------------------------------------


@dataclass(frozen=True)
class _MonitoredPerson(PersonByIdNumber):
    """The person the row is about; the record written is the person."""

    attr: str | None = ""

    def export(self, obj: Model, *, reveal: bool) -> str:
        return obj.id_number if reveal else mask_id_number(obj.id_number)


class MonitoringObjectsKind(DeclaredKind):
    name = "monitoring_objects"
    label = gettext_lazy("防返贫监测对象（监测系统认定结果）")
    who = gettext_lazy("防返贫监测对象")
    model = Person
    writers = WRITERS
    key_label = gettext_lazy("身份证号")
    natural_key = ("id_number",)
    changed_since = gettext_lazy(
        "这个批次导入的人员（%(record)s）之后又被修改过，不能自动撤销。请先撤销后面的批次，或逐个修改。"
    )
    fields = (
        _MonitoredPerson(
            synonyms=("身份证号码", "公民身份号码", "证件号码", "监测对象证件号码"),
            note="18位；须是已登记的残疾人，且在您负责的范围内",
            example="44019919900307123X",
        ),
        Text("name", "姓名", ("监测对象姓名",), attr="", note="可不填；须与登记的姓名一致"),
        Choice(
            "monitoring_category",
            "监测对象类别",
            ("监测类别", "防返贫监测类别"),
            required=True,
            choices=MonitoringCategory,
            aliases=CATEGORY_SYNONYMS,
            note="脱贫不稳定户、边缘易致贫户、突发严重困难户",
            example="边缘易致贫户",
        ),
        Date(
            "monitoring_identified",
            "识别监测时间",
            ("纳入监测日期", "识别时间", "认定日期"),
            required=True,
            not_future=True,
            example="2025-04-01",
        ),
        Date(
            "monitoring_risk_eliminated",
            "风险消除时间",
            ("风险消除日期", "消除风险时间"),
            not_future=True,
            note="风险已消除的填写（清除监测标记）；仍在监测的留空",
        ),
    )

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        person: Person = data["id_number"]
        if person.is_archived:
            error("id_number", _("这个人员已归档，不能再导入监测信息。"))
        if data.get("name") and data["name"] != person.name:
            error(
                "name",
                _("姓名“%(typed)s”与该身份证号登记的姓名不一致，请核对身份证号或姓名。")
                % {"typed": data["name"]},
            )

    def key_of(self, data: dict[str, Any]) -> str:
        return str(data["id_number"].pk)

    def record_key(self, record: Model) -> str:
        return str(record.pk)

    def existing(self, keys: list[str]) -> dict[str, Model]:
        return {str(p.pk): p for p in Person.objects.filter(pk__in=keys)}

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        values = self.merged(data, current)
        identified = values.get("monitoring_identified")
        eliminated = values.get("monitoring_risk_eliminated")
        if identified and eliminated and eliminated < identified:
            return {"monitoring_risk_eliminated": [_("风险消除时间不能早于识别监测时间。")]}
        return {}

    def after_write(
        self, *, creates: list[Model], updates: list[tuple[Model, Changes]], batch: Any, by: Any
    ) -> None:
        who = actor(by)
        today = timezone.localdate()
        rows = []
        for person, _diff in [*((p, {}) for p in creates), *updates]:
            cleared = person.monitoring_risk_eliminated is not None
            rows.append(
                MonitoringExchange(
                    person_id=person.pk,
                    direction=ExchangeDirection.CLEARED
                    if cleared
                    else ExchangeDirection.IDENTIFIED,
                    date=person.monitoring_risk_eliminated if cleared else today,
                    category=person.monitoring_category,
                    import_batch=batch,
                    created_by=who,
                    updated_by=who,
                )
            )
        MonitoringExchange.objects.bulk_create(rows, batch_size=1000)

    def after_rollback(self, undone: Undone) -> None:
        MonitoringExchange.objects.filter(import_batch=undone.batch).delete()

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = Person.objects.filter(archived_at__isnull=True).exclude(monitoring_category="")
        if filters.get("region"):
            code = filters["region"].rstrip("0") or filters["region"]
            qs = qs.filter(region__code__startswith=code)
        return qs.order_by("region_id", "name")

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        row = super().export_row(obj, reveal=reveal)
        row[1] = obj.name
        return row


register_kind(MonitoringObjectsKind())
