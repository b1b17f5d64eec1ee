"""The ``employers`` import kind: the employer registry from a spreadsheet (the market
regulator's or the tax bureau's list, last year's export), through the one import framework.

- Natural key: the unified social credit code, so importing the same file again changes nothing.
- A code that fails the check character is an error of its row: such a code can only be kept
  through the employer form, with a reason (unless the registry already holds it that way).
- Only system administrators and district staff may import employers.
- Each created or updated employer remembers its batch; a batch can be rolled back unless its
  employers were changed since (or, for new ones, are already in use).
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import Model, ProtectedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.audit import audit_bulk
from jiuye.core.importing import (
    CellError,
    Column,
    ImportFileError,
    ImportKind,
    RollbackError,
    RowOutcome,
    apply_row,
    parse_bool,
    register_kind,
)
from jiuye.core.models import ImportBatch, ImportRecord
from jiuye.core.validators import uscc_check_char, validate_uscc
from jiuye.employers.models import Employer, Industry
from jiuye.people.services import normalize_phone
from jiuye.reference.models import Region

MODEL_LABEL = "employers.Employer"
# What an import may change on an employer it matches (the code is the key; an override
# reason is only ever written through the form).
UPDATABLE = (
    "name",
    "kind",
    "industry",
    "region_id",
    "address",
    "contact_name",
    "contact_phone",
    "is_concentrated",
)
COLUMN_FIELD = {"region": "region_id"}
WRITERS = (Role.ADMIN, Role.DISTRICT)

KIND_SYNONYMS = {
    "行政机关": Employer.Kind.AGENCY,
    "党政机关": Employer.Kind.AGENCY,
    "国家机关": Employer.Kind.AGENCY,
    "国企": Employer.Kind.SOE,
    "国有独资企业": Employer.Kind.SOE,
    "国有控股企业": Employer.Kind.SOE,
    "民企": Employer.Kind.PRIVATE,
    "私营企业": Employer.Kind.PRIVATE,
    "民营": Employer.Kind.PRIVATE,
    "社会团体": Employer.Kind.SOCIAL,
    "民办非企业单位": Employer.Kind.SOCIAL,
    "基金会": Employer.Kind.SOCIAL,
    "个体工商户": Employer.Kind.SOLE_TRADER,
    "个体户": Employer.Kind.SOLE_TRADER,
}
TEXT_LIMITS = {"name": 200, "address": 200, "contact_name": 50}


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _chinese(choices: Any) -> dict[str, str]:
    with translation.override(None):
        return {value: str(label) for value, label in choices.choices}


def _journal_value(value: Any) -> Any:
    return value if isinstance(value, bool | type(None)) else str(value)


class EmployersKind(ImportKind):
    name = "employers"
    label = gettext_lazy("用人单位")
    model = Employer
    key_label = gettext_lazy("统一社会信用代码")
    columns = (
        Column(
            "name",
            "单位名称",
            ("用人单位名称", "企业名称", "用人单位"),
            required=True,
            example="东城示范科技有限公司",
        ),
        Column(
            "uscc",
            "统一社会信用代码",
            ("信用代码", "社会信用代码"),
            required=True,
            note="18位，见营业执照或登记证书；校验码不符的代码只能在单位信息页填写原因后登记",
            example="91440199MA5TEXT12X",
        ),
        Column(
            "kind",
            "单位类型",
            ("类型", "单位性质"),
            required=True,
            note="机关、事业单位、国有企业、民营企业、社会组织、个体",
            example="民营企业",
        ),
        Column(
            "industry",
            "行业",
            ("所属行业", "行业门类"),
            note="国民经济行业分类（GB/T 4754）门类字母或名称，如 C 或 制造业",
            example="C",
        ),
        Column(
            "region",
            "所在地代码",
            ("区划代码", "所在地区划代码", "行政区划代码"),
            required=True,
            note="12位行政区划代码（镇街或村社区），如 440199001000",
            example="440199001000",
        ),
        Column("address", "地址", ("单位地址", "注册地址"), example="东城街道建设路1号"),
        Column("contact_name", "联系人", ("联系人姓名",), example="王五"),
        Column(
            "contact_phone",
            "联系电话",
            ("电话", "联系方式"),
            note="手机号或带区号的固定电话",
            example="020-12345678",
        ),
        Column(
            "is_concentrated",
            "集中安置单位",
            ("是否集中安置单位", "集中安置残疾人就业单位"),
            kind="bool",
            note="是 或 否；不填为 否",
            example="否",
        ),
    )

    def __init__(self) -> None:
        self.begin()

    def begin(self) -> None:
        kinds = _chinese(Employer.Kind)
        self._kinds = {_fold(label): value for value, label in kinds.items()}
        self._kinds.update({value: value for value in kinds})
        self._kinds.update({_fold(k): v for k, v in KIND_SYNONYMS.items()})
        self._kind_labels = "、".join(kinds.values())
        industries = _chinese(Industry)
        self._industries = {_fold(label): value for value, label in industries.items()}
        self._industries.update({value: value for value in industries})
        self._regions: dict[str, Region | None] = {}
        self._existing: dict[str, Employer | None] = {}
        self._seen: dict[str, int] = {}
        self._writer_checked = False

    # --- one row ----------------------------------------------------------------------------

    def _check_writer(self, by: Any) -> None:
        if self._writer_checked:
            return
        if getattr(by, "pk", None) and by.role not in WRITERS:
            raise ImportFileError(
                _(
                    "只有区残联工作人员和系统管理员可以导入用人单位。镇街专干可以在“用人单位”页查看本镇街的单位。"
                )
            )
        self._writer_checked = True

    def _region(self, code: str) -> Region | None:
        if code not in self._regions:
            self._regions[code] = Region.objects.filter(code=code).first()
        return self._regions[code]

    def _employer(self, code: str) -> Employer | None:
        if code not in self._existing:
            self._existing[code] = Employer.objects.filter(uscc=code).first()
        return self._existing[code]

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        self._check_writer(by)
        out = RowOutcome()
        errors, data = out.errors, out.data
        headers = {c.key: c.header for c in self.columns}

        def error(key: str, message: str) -> None:
            errors.append(CellError(key if key in values else headers.get(key, ""), message))

        for key, size in TEXT_LIMITS.items():
            if key in values:
                text = " ".join(values[key].split())
                if len(text) > size:
                    error(key, _("内容太长（最多%(n)d个字）。") % {"n": size})
                data[key] = text[:size]
        if not data.get("name"):
            error("name", _("请填写单位名称。"))
        code = self._uscc(values.get("uscc", ""), error)
        if "kind" in values:
            data["kind"] = self._choice(
                values["kind"], self._kinds, self._kind_labels, "kind", error, required=True
            )
        if "industry" in values:
            data["industry"] = self._choice(
                values["industry"],
                self._industries,
                _("门类字母 A–T 或门类名称，如 C 或 制造业"),
                "industry",
                error,
            )
        region = self._clean_region(values.get("region", ""), error)
        if "contact_phone" in values:
            try:
                data["contact_phone"] = normalize_phone(values["contact_phone"])
            except ValidationError as exc:
                error("contact_phone", exc.messages[0])
        if "is_concentrated" in values:
            text = values["is_concentrated"].strip()
            try:
                data["is_concentrated"] = parse_bool(text)
            except ValueError:
                error("is_concentrated", _("应填“是”或“否”，当前为“%(v)s”。") % {"v": text})
        if errors or code is None or region is None:
            return out
        data["uscc"] = code
        data["region_id"] = region.code
        first = self._seen.get(code)
        if first is not None:
            errors.append(
                CellError(
                    "uscc",
                    _("与第%(first)d行的统一社会信用代码相同：同一单位只能出现一次。")
                    % {"first": first},
                )
            )
            return out
        self._seen[code] = row_number
        out.key = code
        return out

    def _uscc(self, raw: str, error: Any) -> str | None:
        try:
            code, warnings = validate_uscc(raw)
        except ValidationError as exc:
            error("uscc", exc.messages[0])
            return None
        if warnings:
            existing = self._employer(code)
            if existing is not None and existing.uscc_override_reason:
                return code  # staff already confirmed this code through the form
            error(
                "uscc",
                _(
                    "统一社会信用代码“%(code)s”的校验码不符（第18位应为“%(expected)s”）。"
                    "请核对是否抄错；如确与营业执照一致，只能在“用人单位”页登记该单位时"
                    "填写原因后保存，不能通过导入登记。"
                )
                % {"code": code, "expected": uscc_check_char(code[:17])},
            )
            return None
        existing = self._employer(code)
        if existing is not None and existing.is_archived:
            error(
                "uscc",
                _("这个单位（%(name)s）已归档，不能通过导入修改。如需恢复，请联系系统管理员。")
                % {"name": existing.name},
            )
            return None
        return code

    def _choice(
        self,
        text: str,
        table: dict[str, str],
        options: str,
        key: str,
        error: Any,
        *,
        required: bool = False,
    ) -> str:
        folded = _fold(text)
        if not folded:
            if required:
                error(key, _("请填写，可填：%(opts)s。") % {"opts": options})
            return ""
        value = table.get(folded) or table.get(folded.upper())
        if value is None:
            error(
                key,
                _("“%(v)s”不是可选的值，可填：%(opts)s。") % {"v": text.strip(), "opts": options},
            )
            return ""
        return value

    def _clean_region(self, raw: str, error: Any) -> Region | None:
        code = _fold(raw)
        if not code:
            error("region", _("请填写所在地的12位行政区划代码。"))
            return None
        if not (code.isdigit() and len(code) == 12):
            error("region", _("所在地代码“%(v)s”应为12位数字，如 440199001000。") % {"v": raw})
            return None
        region = self._region(code)
        if region is None or region.is_disabled:
            error(
                "region",
                _("所在地代码 %(v)s 不在本系统的行政区划中（或已停用），请核对。") % {"v": code},
            )
            return None
        if region.level < Region.Level.TOWN:
            error(
                "region",
                _("所在地代码 %(v)s 是%(name)s，请填写到镇街或村（社区）一级。")
                % {"v": code, "name": region.name},
            )
            return None
        return region

    # --- matching and writing ---------------------------------------------------------------

    def existing(self, keys: list[str]) -> dict[str, Model]:
        return {e.uscc: e for e in Employer.objects.filter(uscc__in=keys)}

    def prepare(
        self, data: dict[str, Any], current: Model | None, *, by: Any
    ) -> tuple[Model, dict[str, tuple[Any, Any]]] | None:
        actor = by if getattr(by, "pk", None) else None
        if current is None:
            fields = {k: v for k, v in data.items() if k in {*UPDATABLE, "uscc"}}
            employer = Employer(id=uuid.uuid4(), created_by=actor, updated_by=actor, **fields)
            return employer, {}
        assert isinstance(current, Employer)
        changes = apply_row(current, data, UPDATABLE)
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
        now = timezone.now()
        for employer in creates:
            employer.import_batch = batch
        # auto_now sets updated_at on each new row as it is inserted.
        Employer.objects.bulk_create(creates, batch_size=1000)
        # "_updated_at" is the state the batch left the row in: a later change blocks rollback.
        journal = [
            ImportRecord(
                batch=batch,
                model=MODEL_LABEL,
                object_id=str(e.pk),
                action=ImportRecord.Action.CREATED,
                before={"_updated_at": e.updated_at.isoformat()},
            )
            for e in creates
        ]
        for employer, diff in updates:
            journal.append(
                ImportRecord(
                    batch=batch,
                    model=MODEL_LABEL,
                    object_id=str(employer.pk),
                    action=ImportRecord.Action.UPDATED,
                    before={
                        **{k: _journal_value(before) for k, (before, _a) in diff.items()},
                        "import_batch_id": _journal_value(employer.import_batch_id),
                        "_updated_at": now.isoformat(),
                    },
                )
            )
            employer.import_batch = batch
            employer.updated_at = now  # bulk_update does not touch auto_now fields by itself
        if updates:
            fields = sorted(
                {f for _e, diff in updates for f in diff}
                | {"import_batch", "updated_by", "updated_at"}
            )
            Employer.objects.bulk_update([e for e, _d in updates], fields, batch_size=1000)
        ImportRecord.objects.bulk_create(journal, batch_size=1000)
        audit_bulk(
            model=Employer,
            changes=[
                (
                    e,
                    {
                        "uscc": (None, e.uscc),
                        "name": (None, e.name),
                        "import_batch": (None, batch.pk),
                    },
                )
                for e in creates
            ],
            action=LogEntry.Action.CREATE,
            actor=actor,
            batch=str(batch.pk),
        )
        if updates:
            audit_bulk(
                model=Employer,
                changes=updates,
                action=LogEntry.Action.UPDATE,
                actor=actor,
                batch=str(batch.pk),
            )

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        journal = list(ImportRecord.objects.filter(batch=batch, model=MODEL_LABEL))
        current = {
            str(e.pk): e for e in Employer.objects.filter(pk__in=[j.object_id for j in journal])
        }
        for entry in journal:
            employer = current.get(entry.object_id)
            if employer is not None and employer.updated_at.isoformat() != entry.before.get(
                "_updated_at"
            ):
                raise RollbackError(
                    _(
                        "这个批次导入的用人单位（%(name)s）之后又被修改过，不能自动撤销。"
                        "请先撤销后面的批次，或逐个修改。"
                    )
                    % {"name": employer.name}
                )
        actor = by if getattr(by, "pk", None) else None
        created = [
            current[e.object_id]
            for e in journal
            if e.action == ImportRecord.Action.CREATED and e.object_id in current
        ]
        audit_bulk(
            model=Employer,
            changes=[(e, {}) for e in created],
            action=LogEntry.Action.DELETE,
            actor=actor,
            batch=str(batch.pk),
        )
        try:
            # Undoing an import removes what it added: these employers did not exist before it.
            Employer.objects.filter(pk__in=[e.pk for e in created]).delete()
        except ProtectedError as exc:
            raise RollbackError(
                _(
                    "这个批次导入的用人单位已有申报或账户，不能撤销。"
                    "如导入有误，请逐个修改或归档这些单位。"
                )
            ) from exc
        restored = []
        now = timezone.now()
        for entry in journal:
            if entry.action != ImportRecord.Action.UPDATED:
                continue
            values = {k: v for k, v in entry.before.items() if not k.startswith("_")}
            Employer.objects.filter(pk=entry.object_id).update(
                updated_by=actor, updated_at=now, **values
            )
            restored.append(current[entry.object_id])
        if restored:
            audit_bulk(
                model=Employer,
                changes=[(e, {}) for e in restored],
                action=LogEntry.Action.UPDATE,
                actor=actor,
                batch=str(batch.pk),
            )

    # --- template and export ----------------------------------------------------------------

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = Employer.objects.filter(archived_at__isnull=True)
        if filters.get("region"):
            code = filters["region"].rstrip("0") or filters["region"]
            qs = qs.filter(region__code__startswith=code)
        return qs.order_by("name", "uscc")

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        assert isinstance(obj, Employer)
        kinds = _chinese(Employer.Kind)
        return [
            obj.name,
            obj.uscc,
            kinds.get(obj.kind, obj.kind),
            obj.industry,
            obj.region_id,
            obj.address,
            obj.contact_name,
            obj.contact_phone,
            "是" if obj.is_concentrated else "否",
        ]


register_kind(EmployersKind())

# The declaration staff list and the quota results are kinds of this app too (autodiscovery
# imports only ``importing``).
from jiuye.employers import declaration_importing  # noqa: E402, F401
