"""The ``employment`` import kind: employment records from a spreadsheet (the HR bureau's data,
a town's own list). A row names a person by ID number among those the importing user may see,
and an employer by its unified social credit code or exact registered name (a name not
registered is kept as written). Natural key: person + start date + employer (code, else
name); the key's person is in the user's scope, so the record it matches is too. The rules
across a record's fields are ``employment_check``, as on the form, with the stored values
for the columns the file does not have. A record meeting another live record of the person
(in the database or earlier in the file) is flagged for review unless it is a second job
(是否兼职); the flags are journaled, so a rollback puts them back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, ErrorSink
from jiuye.core.importing.fields import (
    Bool,
    Choice,
    Date,
    FieldError,
    Int,
    Lookup,
    Money,
    Text,
    choice_labels,
    fold,
)
from jiuye.core.importing.journal import Changes, Undone, actor
from jiuye.core.tallies import mark_dirty
from jiuye.employment import services
from jiuye.employment.models import (
    FORMS_WITHOUT_EMPLOYER,
    ContractType,
    EmploymentForm,
    EmploymentRecord,
    EndReason,
    NewFormSubtype,
    Source,
)
from jiuye.people.importing import PersonByIdNumber
from jiuye.people.models import Person

# Employers sit above employment (a confirmed declaration opens employment records): the
# employer model is reached through the record's relation, not imported.
Employer: Any = EmploymentRecord._meta.get_field("employer").related_model

_USCC = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")
YES_NO = gettext_lazy("应填“是”或“否”，当前为“%(v)s”。")

FORM_SYNONYMS = {
    "按比例": EmploymentForm.QUOTA,
    "按比例安排就业": EmploymentForm.QUOTA,
    "集中": EmploymentForm.CONCENTRATED,
    "个体就业": EmploymentForm.SELF_EMPLOYED,
    "自主创业": EmploymentForm.SELF_EMPLOYED,
    "个体": EmploymentForm.SELF_EMPLOYED,
    "自主就业": EmploymentForm.SELF_EMPLOYED,
    "公益性岗位就业": EmploymentForm.PUBLIC_WELFARE,
    "辅助就业": EmploymentForm.AUXILIARY,
    "灵活": EmploymentForm.FLEXIBLE,
    "农村种养加": EmploymentForm.FARMING,
    "种养加": EmploymentForm.FARMING,
    "农业": EmploymentForm.FARMING,
}
SUBTYPE_SYNONYMS = {
    "直播": NewFormSubtype.LIVESTREAM,
    "电商": NewFormSubtype.ECOMMERCE,
    "网店": NewFormSubtype.ECOMMERCE,
    "快递": NewFormSubtype.DELIVERY,
    "外卖": NewFormSubtype.DELIVERY,
    "网约车": NewFormSubtype.RIDE_HAILING,
    "平台": NewFormSubtype.PLATFORM,
    "网络客服": NewFormSubtype.CLOUD_SERVICE,
    "云客服": NewFormSubtype.CLOUD_SERVICE,
    "短视频": NewFormSubtype.SHORT_VIDEO,
    "自媒体": NewFormSubtype.SHORT_VIDEO,
    "其他": NewFormSubtype.OTHER,
}
CONTRACT_SYNONYMS = {
    "固定期限": ContractType.FIXED,
    "无固定期限": ContractType.OPEN_ENDED,
    "劳务合同": ContractType.SERVICE,
    "劳务派遣": ContractType.SERVICE,
    "无": ContractType.NONE,
}
END_SYNONYMS = {
    "辞职": EndReason.RESIGNED,
    "解除": EndReason.DISMISSED,
    "到期": EndReason.CONTRACT_ENDED,
}
SOURCE_SYNONYMS = {"导入": Source.IMPORT, "走访": Source.VERIFICATION, "申报": Source.DECLARATION}


@dataclass(frozen=True)
class OneOf(Choice):
    """A choice whose unknown value is answered with every label it could have been."""

    def unknown(self, text: str) -> str:
        names = "、".join(choice_labels(self.choices).values())
        return _("“%(v)s”不是可选的值，可填：%(opts)s。") % {"v": text.strip(), "opts": names}


@dataclass(frozen=True)
class YesNo(Bool):
    """是 or 否; 兼职 (a second job) also means yes."""

    invalid: Any = YES_NO

    def parse(self, text: str, *, by: Any) -> Any:
        return text.strip() == "兼职" or super().parse(text, by=by)


@dataclass(frozen=True)
class EmployerByUscc(Lookup):
    """A registered employer (archived ones too) by its unified social credit code."""

    key: str = "uscc"
    header: str = "统一社会信用代码"
    by: tuple[str, ...] = ("uscc",)
    queryset: Any = Employer.objects.only("id", "uscc", "name", "archived_at")

    def code(self, text: str) -> str:
        code = re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).upper()
        if not _USCC.fullmatch(code):
            raise FieldError(
                _("统一社会信用代码“%(v)s”格式不对：应为18位数字或大写字母。") % {"v": code}
            )
        return code

    def parse(self, text: str, *, by: Any) -> Any:
        return super().parse(self.code(text), by=by)

    def export(self, obj: Model, *, reveal: bool) -> str:
        employer = obj.employer if obj.employer_id else None
        return employer.uscc if employer else ""


@dataclass(frozen=True)
class _Person(PersonByIdNumber):
    def parse(self, text: str, *, by: Any) -> Any:
        if "*" in text:
            raise FieldError(_("身份证号是脱敏显示的（含 *），请使用完整号码。"))
        return super().parse(text, by=by)


def employer_key(employer: Any, name: str) -> str:
    """The employer part of the natural key: the code of a registered employer, else the name
    as written (full-width forms and spaces folded)."""
    if employer is not None:
        return f"u:{employer.uscc}"
    folded = fold(name or "")
    return f"n:{folded}" if folded else "-"


def _mark_dirty(person_ids: set[Any]) -> None:
    """The coverage tallies of these persons' villages are stale (ADR 0005)."""
    regions = Person.objects.filter(pk__in=person_ids).values_list("region_id", flat=True)
    mark_dirty(regions.distinct())


class EmploymentKind(DeclaredKind):
    name = "employment"
    label = gettext_lazy("就业记录")
    who = gettext_lazy("就业记录")
    model = EmploymentRecord
    key_label = gettext_lazy("身份证号、开始日期和用人单位")
    natural_key = ("id_number", "start_date", "employer")
    match_columns = ("uscc", "employer_name")
    create_defaults = {"source": Source.DEPARTMENT}
    changed_since = gettext_lazy(
        "这个批次导入的就业记录（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐条修改。"
    )
    in_use = gettext_lazy("这个批次导入的就业记录已被其他记录引用（如公益性岗位安置），不能撤销。")
    fields = (
        _Person(note="18位，最后一位可以是X；须是已登记的残疾人", example="44019919900307123X"),
        Text("name", "姓名", ("名字",), attr="", note="可不填；须与登记的姓名一致", example="张三"),
        OneOf(
            "form",
            "就业形式",
            ("就业类型",),
            required=True,
            choices=EmploymentForm,
            aliases=FORM_SYNONYMS,
            note="按比例就业、集中就业、个体就业/自主创业、公益性岗位、辅助性就业、灵活就业、农业种养加",
            example="按比例就业",
        ),
        OneOf(
            "new_form_subtype",
            "新就业形态",
            ("新就业形态类型",),
            choices=NewFormSubtype,
            aliases=SUBTYPE_SYNONYMS,
            note="只在灵活就业时填写：直播带货、电商/网店、快递外卖配送、网约车、平台用工、"
            "网络客服/云客服、短视频/自媒体、其他新就业形态",
        ),
        Text(
            "employer_name",
            "用人单位",
            ("单位名称", "工作单位", "用人单位名称"),
            update=False,
            max_length=200,
            collapse=False,
            note="个体就业/自主创业、农业种养加可不填；灵活就业可不填",
            example="东城示范企业",
        ),
        EmployerByUscc(
            synonyms=("社会信用代码", "信用代码", "单位信用代码"),
            attr="",
            missing=gettext_lazy(
                "用人单位库中没有统一社会信用代码为“%(v)s”的单位。"
                "请核对代码；未登记的单位只填写单位名称。"
            ),
            note="可不填；填写时须是用人单位库中的单位",
        ),
        Text(
            "job_title",
            "岗位",
            ("工作岗位", "职位", "工种"),
            max_length=100,
            collapse=False,
            example="客服专员",
        ),
        Date(
            "start_date",
            "开始日期",
            ("入职日期", "就业日期", "开始时间"),
            required=True,
            invalid=gettext_lazy("日期“%(v)s”看不懂，请写成 2024-05-01。"),
            note="如 2024-03-01",
            example="2024-03-01",
        ),
        Date(
            "end_date",
            "结束日期",
            ("离职日期", "结束时间"),
            invalid=gettext_lazy("日期“%(v)s”看不懂，请写成 2024-05-01。"),
            note="仍在职的留空；写最后一天工作的日期",
        ),
        OneOf(
            "end_reason",
            "结束原因",
            ("离职原因",),
            choices=EndReason,
            aliases=END_SYNONYMS,
            note="合同到期、本人辞职、单位解除、停业/歇业、身体原因、退休、其他",
        ),
        OneOf(
            "contract_type",
            "合同类型",
            ("劳动合同类型",),
            choices=ContractType,
            aliases=CONTRACT_SYNONYMS,
            note="固定期限劳动合同、无固定期限劳动合同、以完成一定工作任务为期限、劳务协议、在编、无合同",
            example="固定期限劳动合同",
        ),
        Int(
            "contract_months",
            "合同期限（月）",
            ("合同期限", "合同月数"),
            minimum=1,
            maximum=600,
            suffixes=("个月", "月"),
            invalid=gettext_lazy("合同期限应为1–600之间的整数月数，如 36。"),
            example="36",
        ),
        Money(
            "monthly_wage",
            "月工资",
            ("月工资（元）", "工资", "月收入"),
            minimum=None,  # a negative wage is refused by employment_check
            maximum=Decimal("99999999.99"),
            invalid=gettext_lazy("月工资“%(v)s”不是金额数字（最多两位小数），如 3500。"),
            note="元",
            example="3500",
        ),
        YesNo(
            "social_insurance",
            "是否缴纳社保",
            ("缴纳社保", "社保", "是否缴纳社会保险"),
            note="是 或 否",
            example="是",
        ),
        YesNo(
            "second_job",
            "是否兼职",
            ("兼职",),
            note="是：本人同时另有工作，时间重叠不列入待核查",
            example="否",
        ),
        OneOf(
            "source",
            "来源",
            ("信息来源", "数据来源"),
            choices=Source,
            aliases=SOURCE_SYNONYMS,
            blank=Source.DEPARTMENT,
            update=False,  # the source stays who first recorded it
            note="核实走访、用人单位申报、推荐就业、批量导入、部门数据、工作人员登记；"
            "不填时为 部门数据",
            example="部门数据",
        ),
        Text(
            "evidence",
            "依据",
            ("证明材料", "备注"),
            max_length=300,
            collapse=False,
            example="社保缴费记录",
        ),
    )

    def begin(self) -> None:
        super().begin()
        self._named: dict[str, list[Any]] = {}

    def registered(self, name: str) -> list[Any]:
        """The registered employers (not archived) of exactly this name, two at most."""
        if name not in self._named:
            found = Employer.objects.filter(name=name, archived_at__isnull=True)
            self._named[name] = list(found[:2])
        return self._named[name]

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        person: Person = data["id_number"]
        if person.is_archived:
            error("id_number", _("这个人员已归档，不能再导入就业记录。"))
            return
        if data.get("name") and data["name"] != person.name:
            error(
                "name",
                _("姓名“%(typed)s”与该身份证号登记的姓名不一致，请核对身份证号或姓名。")
                % {"typed": data["name"]},
            )
        employer, name = data.get("uscc"), data.get("employer_name", "")
        if employer is None and name:
            named = self.registered(name)
            if len(named) > 1:
                error(
                    "employer_name",
                    _("用人单位库中有多个单位叫“%(v)s”，请同时填写统一社会信用代码。")
                    % {"v": name},
                )
                return
            employer = named[0] if named else None
        if data.get("form") in FORMS_WITHOUT_EMPLOYER:
            employer = None  # the person works for themselves, as employment_open keeps it
        data["employer"] = employer
        data["employer_name"] = "" if employer else name

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        # As employment_update: the stored values, then what the row changes.
        values = {n: getattr(current, n) for n in services.FIELDS} if current is not None else {}
        values.update({n: data[n] for n in services.FIELDS if n in data})
        problems: dict[str, list[str]] = {}
        for key, message in services.employment_check(values, person=data["id_number"]).items():
            if key == "employer":
                key = "employer_name"
                message = _("这种就业形式需要填写用人单位（名称或统一社会信用代码）。")
            problems.setdefault(key, []).append(message)
        return problems

    def key_of(self, data: dict[str, Any]) -> str:
        part = employer_key(data["employer"], data["employer_name"])
        return f"{data['id_number'].pk}|{data['start_date'].isoformat()}|{part}"

    def record_key(self, record: Model) -> str:
        # A name kept as written that is now a registered employer's is found by either.
        employer = record.employer if record.employer_id else None
        if employer is None and record.employer_name and record.form not in FORMS_WITHOUT_EMPLOYER:
            named = self.registered(record.employer_name)
            employer = named[0] if len(named) == 1 else None
        part = employer_key(employer, record.employer_name)
        return f"{record.person_id}|{record.start_date.isoformat()}|{part}"

    def existing(self, keys: list[str]) -> dict[str, Model]:
        wanted, found = set(keys), {}
        person_ids = {key.split("|", 1)[0] for key in keys}
        records = EmploymentRecord.objects.filter(person_id__in=person_ids)
        for record in records.select_related("employer"):
            key = self.record_key(record)
            # A live record wins over an archived one with the same key.
            if key in wanted and (
                key not in found or (found[key].is_archived and not record.is_archived)
            ):
                found[key] = record
        return found

    def prepare(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        if current is not None and current.is_archived:
            # Staff archived it as entered in error: a re-import does not bring it back.
            return None
        return super().prepare(data, current, by=by)

    def before_write(
        self, *, creates: list[Model], updates: list[tuple[Model, Changes]], by: Any
    ) -> None:
        # The overlap flags, over the whole chunk; an update's changed flags are journaled.
        was = {r.pk: (r.needs_review, r.review_note) for r, _diff in updates}
        services.flag_overlaps(created=creates, updated=[r for r, _diff in updates])
        for record, diff in updates:
            before = was[record.pk]
            if (record.needs_review, record.review_note) != before:
                diff["needs_review"] = (before[0], record.needs_review)
                diff["review_note"] = (before[1], record.review_note)

    def after_write(
        self, *, creates: list[Model], updates: list[tuple[Model, Changes]], batch: Any, by: Any
    ) -> None:
        _mark_dirty({r.person_id for r in creates} | {r.person_id for r, _d in updates})

    def after_rollback(self, undone: Undone) -> None:
        person_ids = {r.person_id for r in undone.created} | {
            r.person_id for r, _d in undone.restored
        }
        _mark_dirty(person_ids)
        # A flag whose overlap went with the batch's records is cleared.
        services.employment_recheck_overlaps(person_ids=person_ids, by=actor(undone.by))

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = EmploymentRecord.objects.filter(archived_at__isnull=True).select_related(
            "person", "employer"
        )
        if filters.get("region"):
            code = filters["region"].rstrip("0") or filters["region"]
            qs = qs.filter(person__region__code__startswith=code)
        return qs.order_by("person__region_id", "person__name", "person_id", "start_date")

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        row = super().export_row(obj, reveal=reveal)
        row[1] = obj.person.name
        row[4] = obj.employer.name if obj.employer_id else obj.employer_name
        return row


register_kind(EmploymentKind())
