"""The ``employment`` import kind: employment records from a spreadsheet (the HR bureau's data,
a town's own list), through the one import framework (core.importing).

- A row names a person by ID number (looked up through the blind index); a person not in the
  registry, archived, or outside the importing user's scope is an error of that row.
- Natural key: person + start date + employer (its unified social credit code when the employer
  is registered, else its name), so importing the same file again changes nothing.
- Overlap rule (as ``services.employment_open``): a record whose period meets another live
  record of the same person — in the database or earlier in the file — is flagged for review,
  unless the row marks it a second job (是否兼职).
- Each created or updated record remembers its batch; a batch can be rolled back unless its
  records were changed since.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import F, Model, ProtectedError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.audit import audit_bulk
from jiuye.core.importing import (
    CellError,
    Column,
    ImportKind,
    RollbackError,
    RowOutcome,
    apply_row,
    parse_bool,
    parse_date,
    register_kind,
    versioned_journal,
)
from jiuye.core.masking import mask_id_number
from jiuye.core.models import ImportBatch, ImportRecord
from jiuye.core.scoping import region_in_scope
from jiuye.core.tallies import mark_dirty
from jiuye.core.validators import validate_resident_id
from jiuye.employers.models import Employer
from jiuye.employment.models import (
    FORMS_WITHOUT_EMPLOYER,
    ContractType,
    EmploymentForm,
    EmploymentRecord,
    EndReason,
    NewFormSubtype,
    Source,
)
from jiuye.employment.services import employment_check, employment_recheck_overlaps, overlap_note
from jiuye.people.models import Person
from jiuye.people.services import id_number_index

MODEL_LABEL = "employment.EmploymentRecord"
# What an import may change on a record it matches (the source stays who first recorded it).
UPDATABLE = (
    "form",
    "new_form_subtype",
    "job_title",
    "end_date",
    "end_reason",
    "contract_type",
    "contract_months",
    "monthly_wage",
    "social_insurance",
    "second_job",
    "evidence",
)
_USCC = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")
_SPACES = re.compile(r"\s+")

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


def _table(choices: Any, synonyms: dict[str, str]) -> dict[str, str]:
    """Accepted cell text → stored value: the Chinese label (whatever the UI language), the
    stored code itself, and common short forms."""
    with translation.override(None):
        table = {str(label): value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    table.update(synonyms)
    return table


def _labels(choices: Any) -> dict[str, str]:
    with translation.override(None):
        return {value: str(label) for value, label in choices.choices}


CHOICES = {
    "form": (EmploymentForm, FORM_SYNONYMS),
    "new_form_subtype": (NewFormSubtype, SUBTYPE_SYNONYMS),
    "end_reason": (EndReason, END_SYNONYMS),
    "contract_type": (ContractType, CONTRACT_SYNONYMS),
    "source": (Source, SOURCE_SYNONYMS),
}


def _fold(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def employer_key(employer_uscc: str, name: str) -> str:
    """The employer part of the natural key: the code of a registered employer, else the name
    as written (full-width forms and spaces folded)."""
    if employer_uscc:
        return f"u:{employer_uscc}"
    folded = _fold(name or "")
    return f"n:{folded}" if folded else "-"


def record_key(person_id: Any, start: dt.date, employer_part: str) -> str:
    return f"{person_id}|{start.isoformat()}|{employer_part}"


def _key_of(record: EmploymentRecord) -> str:
    uscc = record.employer.uscc if record.employer_id else ""
    return record_key(record.person_id, record.start_date, employer_key(uscc, record.employer_name))


def _meets(a: EmploymentRecord, b: EmploymentRecord) -> bool:
    far = dt.date.max
    return a.start_date <= (b.end_date or far) and b.start_date <= (a.end_date or far)


DATE_FIELDS = {"start_date", "end_date"}


def _restore(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in DATE_FIELDS:
        return dt.date.fromisoformat(value)
    if key == "monthly_wage":
        return Decimal(value)
    return value


class EmploymentKind(ImportKind):
    name = "employment"
    label = gettext_lazy("就业记录")
    model = EmploymentRecord
    key_label = gettext_lazy("身份证号、开始日期和用人单位")
    columns = (
        Column(
            "id_number",
            "身份证号",
            ("身份证号码", "公民身份号码", "证件号码"),
            required=True,
            mask="id",
            note="18位，最后一位可以是X；须是已登记的残疾人",
            example="44019919900307123X",
        ),
        Column("name", "姓名", ("名字",), note="可不填；填写时须与登记的姓名一致", example="张三"),
        Column(
            "form",
            "就业形式",
            ("就业类型",),
            required=True,
            note="按比例就业、集中就业、个体就业/自主创业、公益性岗位、辅助性就业、灵活就业、农业种养加",
            example="按比例就业",
        ),
        Column(
            "new_form_subtype",
            "新就业形态",
            ("新就业形态类型",),
            note="只在灵活就业时填写：直播带货、电商/网店、快递外卖配送、网约车、平台用工、"
            "网络客服/云客服、短视频/自媒体、其他新就业形态",
        ),
        Column(
            "employer_name",
            "用人单位",
            ("单位名称", "工作单位", "用人单位名称"),
            note="个体就业/自主创业、农业种养加可不填；灵活就业可不填",
            example="东城示范企业",
        ),
        Column(
            "uscc",
            "统一社会信用代码",
            ("社会信用代码", "信用代码", "单位信用代码"),
            note="可不填；填写时须是用人单位库中的单位",
        ),
        Column("job_title", "岗位", ("工作岗位", "职位", "工种"), example="客服专员"),
        Column(
            "start_date",
            "开始日期",
            ("入职日期", "就业日期", "开始时间"),
            required=True,
            kind="date",
            note="如 2024-03-01",
            example="2024-03-01",
        ),
        Column(
            "end_date",
            "结束日期",
            ("离职日期", "结束时间"),
            kind="date",
            note="仍在职的留空；写最后一天工作的日期",
        ),
        Column(
            "end_reason",
            "结束原因",
            ("离职原因",),
            note="合同到期、本人辞职、单位解除、停业/歇业、身体原因、退休、其他",
        ),
        Column(
            "contract_type",
            "合同类型",
            ("劳动合同类型",),
            note="固定期限劳动合同、无固定期限劳动合同、以完成一定工作任务为期限、劳务协议、在编、无合同",
            example="固定期限劳动合同",
        ),
        Column(
            "contract_months",
            "合同期限（月）",
            ("合同期限", "合同月数"),
            kind="int",
            example="36",
        ),
        Column(
            "monthly_wage", "月工资", ("月工资（元）", "工资", "月收入"), note="元", example="3500"
        ),
        Column(
            "social_insurance",
            "是否缴纳社保",
            ("缴纳社保", "社保", "是否缴纳社会保险"),
            kind="bool",
            note="是 或 否",
            example="是",
        ),
        Column(
            "second_job",
            "是否兼职",
            ("兼职",),
            kind="bool",
            note="是：本人同时另有工作，时间重叠不列入待核查",
            example="否",
        ),
        Column(
            "source",
            "来源",
            ("信息来源", "数据来源"),
            note="核实走访、用人单位申报、推荐就业、批量导入、部门数据、工作人员登记；"
            "不填时为 部门数据",
            example="部门数据",
        ),
        Column("evidence", "依据", ("证明材料", "备注"), example="社保缴费记录"),
    )

    def __init__(self) -> None:
        self.begin()

    def begin(self) -> None:
        # Per run: look-ups are cached, the in-file duplicate check starts afresh.
        self._persons: dict[str, Person | None] = {}
        self._by_uscc: dict[str, Employer | None] = {}
        self._by_name: dict[str, list[Employer]] = {}
        self._seen: dict[str, int] = {}
        # Labels hold full-width slashes and brackets: both sides are folded the same way.
        self._tables = {
            key: {_fold(text): value for text, value in _table(choices, synonyms).items()}
            for key, (choices, synonyms) in CHOICES.items()
        }
        self._labels = {key: _labels(choices) for key, (choices, _s) in CHOICES.items()}

    # --- look-ups ---------------------------------------------------------------------------

    def _person(self, index: str) -> Person | None:
        if index not in self._persons:
            self._persons[index] = (
                Person.objects.filter(id_number_index=index)
                .only("id", "name", "region_id", "birth_date", "archived_at")
                .first()
            )
        return self._persons[index]

    def _employer_by_uscc(self, code: str) -> Employer | None:
        if code not in self._by_uscc:
            self._by_uscc[code] = (
                Employer.objects.filter(uscc=code).only("id", "uscc", "name").first()
            )
        return self._by_uscc[code]

    def _employers_named(self, name: str) -> list[Employer]:
        if name not in self._by_name:
            self._by_name[name] = list(
                Employer.objects.filter(name=name, archived_at__isnull=True).only(
                    "id", "uscc", "name"
                )[:2]
            )
        return self._by_name[name]

    # --- one row ----------------------------------------------------------------------------

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        out = RowOutcome()
        errors = out.errors
        headers = {c.key: c.header for c in self.columns}

        def error(key: str, message: str) -> None:
            # A column the file does not have is named by its template header.
            errors.append(CellError(key if key in values else headers.get(key, ""), message))

        data = out.data
        person = self._clean_person(values, error, by)
        for key in ("form", "new_form_subtype", "end_reason", "contract_type", "source"):
            if key in values:
                data[key] = self._choice(key, values[key], error)
        if not data.get("source"):
            data["source"] = Source.DEPARTMENT
        for key in ("start_date", "end_date"):
            if key in values:
                data[key] = self._date(values[key], key, error)
        for key, size in (("job_title", 100), ("evidence", 300)):
            if key in values:
                text = values[key].strip()
                if len(text) > size:
                    error(key, _("内容太长（最多%(n)d个字）。") % {"n": size})
                data[key] = text[:size]
        for key in ("social_insurance", "second_job"):
            if key in values:
                text = values[key].strip()
                try:
                    data[key] = True if text == "兼职" else parse_bool(text)
                except ValueError:
                    error(key, _("应填“是”或“否”，当前为“%(v)s”。") % {"v": text})
        if "contract_months" in values:
            data["contract_months"] = self._months(values["contract_months"], error)
        if "monthly_wage" in values:
            data["monthly_wage"] = self._wage(values["monthly_wage"], error)
        employer, employer_name = self._clean_employer(values, error)
        if data.get("form") in FORMS_WITHOUT_EMPLOYER:
            employer = None  # the person works for themselves, as employment_open keeps it
        data["employer_id"] = employer.pk if employer else None
        data["employer_name"] = "" if employer else employer_name
        data["_employer"] = employer
        if person is None or errors:
            return out
        checked = {**data, "employer": employer}
        for key, message in employment_check(checked, person=person).items():
            if key == "employer":
                error(
                    "employer_name",
                    _("这种就业形式需要填写用人单位（名称或统一社会信用代码）。"),
                )
            elif key in headers:
                error(key, message)
            else:
                errors.append(CellError("", message))
        if errors:
            return out
        data["person_id"] = person.pk
        uscc = employer.uscc if employer else ""
        out.key = record_key(
            person.pk, data["start_date"], employer_key(uscc, data["employer_name"])
        )
        first = self._seen.get(out.key)
        if first is not None:
            errors.append(
                CellError(
                    "",
                    _(
                        "与第%(first)d行重复：同一人、同一开始日期、同一用人单位只能有一行。"
                        "如确有两段工作，请核对开始日期。"
                    )
                    % {"first": first},
                )
            )
        else:
            self._seen[out.key] = row_number
        return out

    def _clean_person(self, values: dict[str, str], error: Any, by: Any) -> Person | None:
        raw = values.get("id_number", "")
        try:
            number = validate_resident_id(raw)
        except ValidationError as exc:
            if "*" in raw:
                error("id_number", _("身份证号是脱敏显示的（含 *），请使用完整号码。"))
            else:
                error("id_number", exc.messages[0])
            return None
        person = self._person(id_number_index(number))
        if person is None:
            error(
                "id_number",
                _("残疾人名单中没有身份证号为 %(id)s 的人员。请先登记该人员，或核对号码。")
                % {"id": mask_id_number(number)},
            )
            return None
        if person.is_archived:
            error("id_number", _("这个人员已归档，不能再导入就业记录。"))
            return None
        if getattr(by, "pk", None) and not region_in_scope(by, person.region_id):
            error(
                "id_number",
                _("这个人员不在您负责的范围内（属于其他镇街），不能导入其就业记录。"),
            )
            return None
        name = values.get("name", "").strip()
        if name and name != person.name:
            error(
                "name",
                _("姓名“%(typed)s”与该身份证号登记的姓名不一致，请核对身份证号或姓名。")
                % {"typed": name},
            )
        return person

    def _clean_employer(self, values: dict[str, str], error: Any) -> tuple[Employer | None, str]:
        name = values.get("employer_name", "").strip()
        if len(name) > 200:
            error("employer_name", _("单位名称太长（最多200个字）。"))
            name = name[:200]
        code = re.sub(r"\s", "", unicodedata.normalize("NFKC", values.get("uscc", ""))).upper()
        if code:
            if not _USCC.fullmatch(code):
                error(
                    "uscc",
                    _("统一社会信用代码“%(v)s”格式不对：应为18位数字或大写字母。") % {"v": code},
                )
                return None, name
            employer = self._employer_by_uscc(code)
            if employer is None:
                error(
                    "uscc",
                    _(
                        "用人单位库中没有统一社会信用代码为“%(v)s”的单位。"
                        "请核对代码；未登记的单位只填写单位名称。"
                    )
                    % {"v": code},
                )
            return employer, name
        if name:
            named = self._employers_named(name)
            if len(named) > 1:
                error(
                    "employer_name",
                    _("用人单位库中有多个单位叫“%(v)s”，请同时填写统一社会信用代码。")
                    % {"v": name},
                )
                return None, name
            if named:
                return named[0], name
        return None, name

    def _choice(self, key: str, text: str, error: Any) -> str:
        text = text.strip()
        if not text:
            return ""
        value = self._tables[key].get(_fold(text))
        if value is None:
            labels = "、".join(self._labels[key].values())
            error(key, _("“%(v)s”不是可选的值，可填：%(opts)s。") % {"v": text, "opts": labels})
            return ""
        return value

    @staticmethod
    def _date(text: str, key: str, error: Any) -> dt.date | None:
        text = text.strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            error(key, _("日期“%(v)s”看不懂，请写成 2024-05-01。") % {"v": text})
            return None

    @staticmethod
    def _months(text: str, error: Any) -> int | None:
        text = text.strip().removesuffix("个月").removesuffix("月")
        if not text:
            return None
        if not text.isdigit() or not 1 <= int(text) <= 600:
            error("contract_months", _("合同期限应为1–600之间的整数月数，如 36。"))
            return None
        return int(text)

    @staticmethod
    def _wage(text: str, error: Any) -> Decimal | None:
        text = text.strip().removesuffix("元").replace(",", "").replace("，", "")
        if not text:
            return None
        try:
            wage = Decimal(text)
        except InvalidOperation:
            error("monthly_wage", _("月工资“%(v)s”不是金额数字，如 3500。") % {"v": text})
            return None
        if (
            not wage.is_finite()
            or wage >= Decimal("100000000")
            or wage != wage.quantize(Decimal("0.01"))
        ):
            error("monthly_wage", _("月工资“%(v)s”不对：最多两位小数，请核对。") % {"v": text})
            return None
        return wage

    # --- matching and writing ---------------------------------------------------------------

    def existing(self, keys: list[str]) -> dict[str, Model]:
        person_ids = {key.split("|", 1)[0] for key in keys}
        found: dict[str, Model] = {}
        records = EmploymentRecord.objects.filter(person_id__in=person_ids).select_related(
            "employer"
        )
        wanted = set(keys)
        for record in records:
            key = _key_of(record)
            if key not in wanted:
                continue
            # A live record wins over an archived one with the same key.
            if key not in found or (found[key].is_archived and not record.is_archived):
                found[key] = record
        return found

    def prepare(
        self, data: dict[str, Any], current: Model | None, *, by: Any
    ) -> tuple[Model, dict[str, tuple[Any, Any]]] | None:
        actor = by if getattr(by, "pk", None) else None
        if current is None:
            fields = {k: v for k, v in data.items() if k in {f.attname for f in _FIELDS}}
            for key in ("new_form_subtype", "end_reason", "contract_type", "job_title",
                        "evidence", "employer_name"):  # fmt: skip
                fields[key] = fields.get(key) or ""
            record = EmploymentRecord(id=uuid.uuid4(), created_by=actor, updated_by=actor, **fields)
            if data.get("_employer") is not None:
                record.employer = data["_employer"]  # its name is shown without a query
            return record, {}
        assert isinstance(current, EmploymentRecord)
        if current.is_archived:
            # Staff archived it as entered in error: a re-import does not bring it back.
            return None
        blanks = {
            key: ""
            for key in ("new_form_subtype", "end_reason", "contract_type")
            if key in data and data[key] is None
        }
        changes = apply_row(current, {**data, **blanks}, UPDATABLE)
        if not changes:
            return None
        current.updated_by = actor
        return current, changes

    def write(
        self,
        *,
        creates: list[Model],
        updates: list[tuple[Model, dict[str, tuple[Any, Any]]]],
        batch: ImportBatch,
        by: Any,
    ) -> None:
        actor = by if getattr(by, "pk", None) else None
        updated = [record for record, _diff in updates]
        # The coverage tallies of these persons' villages are stale (ADR 0005).
        person_ids = {r.person_id for r in creates} | {r.person_id for r in updated}
        mark_dirty(
            Person.objects.filter(pk__in=person_ids).values_list("region_id", flat=True).distinct()
        )
        self._flag_overlaps(creates, updates)
        for record in creates:
            record.import_batch = batch
        EmploymentRecord.objects.bulk_create(creates, batch_size=1000)
        journal = versioned_journal(
            batch=batch, model_label=MODEL_LABEL, creates=creates, updates=updates
        )
        if updates:
            fields = sorted(
                {f for _r, diff in updates for f in diff}
                | {"import_batch", "updated_by", "updated_at", "version"}
            )
            EmploymentRecord.objects.bulk_update(updated, fields, batch_size=1000)
        ImportRecord.objects.bulk_create(journal, batch_size=1000)
        audit_bulk(
            model=EmploymentRecord,
            changes=[
                (r, {"import_batch": (None, batch.pk), "start_date": (None, r.start_date)})
                for r in creates
            ],
            action=LogEntry.Action.CREATE,
            actor=actor,
            batch=str(batch.pk),
        )
        if updates:
            audit_bulk(
                model=EmploymentRecord,
                changes=updates,
                action=LogEntry.Action.UPDATE,
                actor=actor,
                batch=str(batch.pk),
            )

    @staticmethod
    def _flag_overlaps(
        creates: list[Model], updates: list[tuple[Model, dict[str, tuple[Any, Any]]]]
    ) -> None:
        """The service's overlap rule over a whole chunk with one query: an updated record is
        checked against every other live record of the person, a new one against what existed
        before it (the database, then earlier rows of the file)."""
        updated = {record.pk: record for record, _diff in updates}
        person_ids = {r.person_id for r in creates} | {r.person_id for r in updated.values()}
        live: dict[Any, list[EmploymentRecord]] = {}
        for record in EmploymentRecord.objects.filter(
            person_id__in=person_ids, archived_at__isnull=True
        ).order_by("start_date", "created_at"):
            live.setdefault(record.person_id, []).append(updated.get(record.pk, record))

        def flag(record: EmploymentRecord) -> tuple[bool, str]:
            if record.second_job:
                return False, ""
            others = [o for o in live.get(record.person_id, []) if o.pk != record.pk]
            meets = [o for o in others if _meets(o, record)]
            return (True, overlap_note(meets[0])) if meets else (False, "")

        for record, diff in updates:
            flagged, note = flag(record)
            if (flagged, note) != (record.needs_review, record.review_note):
                diff["needs_review"] = (record.needs_review, flagged)
                diff["review_note"] = (record.review_note, note)
                record.needs_review, record.review_note = flagged, note
        for record in creates:
            record.needs_review, record.review_note = flag(record)
            live.setdefault(record.person_id, []).append(record)

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        journal = list(ImportRecord.objects.filter(batch=batch, model=MODEL_LABEL))
        ids = [uuid.UUID(entry.object_id) for entry in journal]
        current = {r.pk: r for r in EmploymentRecord.objects.filter(pk__in=ids)}
        for entry in journal:
            record = current.get(uuid.UUID(entry.object_id))
            if record is not None and record.version != entry.before.get("_version"):
                raise RollbackError(
                    _(
                        "这个批次导入的就业记录（%(name)s）之后又被修改过，不能自动撤销。"
                        "请先撤销后面的批次，或逐条修改。"
                    )
                    % {"name": record}
                )
        actor = by if getattr(by, "pk", None) else None
        created = [
            current[uuid.UUID(e.object_id)]
            for e in journal
            if e.action == ImportRecord.Action.CREATED and uuid.UUID(e.object_id) in current
        ]
        person_ids = {r.person_id for r in current.values()}
        mark_dirty(
            Person.objects.filter(pk__in=person_ids).values_list("region_id", flat=True).distinct()
        )
        audit_bulk(
            model=EmploymentRecord,
            changes=[(r, {}) for r in created],
            action=LogEntry.Action.DELETE,
            actor=actor,
            batch=str(batch.pk),
        )
        try:
            # Undoing an import removes what it added: these records did not exist before it.
            EmploymentRecord.objects.filter(pk__in=[r.pk for r in created]).delete()
        except ProtectedError as exc:
            raise RollbackError(
                _("这个批次导入的就业记录已被其他记录引用（如公益性岗位安置），不能撤销。")
            ) from exc
        restored = []
        for entry in journal:
            if entry.action != ImportRecord.Action.UPDATED:
                continue
            values = {k: _restore(k, v) for k, v in entry.before.items() if not k.startswith("_")}
            EmploymentRecord.objects.filter(pk=entry.object_id).update(
                version=F("version") + 1, updated_by=actor, **values
            )
            restored.append(current[uuid.UUID(entry.object_id)])
        if restored:
            audit_bulk(
                model=EmploymentRecord,
                changes=[(r, {}) for r in restored],
                action=LogEntry.Action.UPDATE,
                actor=actor,
                batch=str(batch.pk),
            )
        employment_recheck_overlaps(person_ids=person_ids, by=actor)

    # --- export -----------------------------------------------------------------------------

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = EmploymentRecord.objects.filter(archived_at__isnull=True).select_related(
            "person", "employer"
        )
        if filters.get("region"):
            code = filters["region"].rstrip("0") or filters["region"]
            qs = qs.filter(person__region__code__startswith=code)
        return qs.order_by("person__region_id", "person__name", "person_id", "start_date")

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        assert isinstance(obj, EmploymentRecord)
        person = obj.person
        labels = self._labels
        return [
            person.id_number if reveal else mask_id_number(person.id_number),
            person.name,
            labels["form"].get(obj.form, obj.form),
            labels["new_form_subtype"].get(obj.new_form_subtype, ""),
            obj.employer.name if obj.employer_id else obj.employer_name,
            obj.employer.uscc if obj.employer_id else "",
            obj.job_title,
            obj.start_date.isoformat(),
            obj.end_date.isoformat() if obj.end_date else "",
            labels["end_reason"].get(obj.end_reason, ""),
            labels["contract_type"].get(obj.contract_type, ""),
            str(obj.contract_months or ""),
            "" if obj.monthly_wage is None else f"{obj.monthly_wage:f}",
            "是" if obj.social_insurance else "否",
            "是" if obj.second_job else "否",
            labels["source"].get(obj.source, ""),
            obj.evidence,
        ]


_FIELDS = list(EmploymentRecord._meta.concrete_fields)

register_kind(EmploymentKind())
