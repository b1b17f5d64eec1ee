"""The persons import kind: the registry spreadsheet the federation and towns keep."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import crypto
from jiuye.core.audit import audit_bulk
from jiuye.core.bulk import fast_insert, fast_insert_values
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
)
from jiuye.core.importing.fields import Field, FieldError
from jiuye.core.masking import mask_certificate_number, mask_id_number, mask_phone
from jiuye.core.models import ImportBatch, ImportRecord
from jiuye.core.scoping import region_in_scope, scope_for
from jiuye.core.tallies import mark_dirty
from jiuye.core.validators import (
    CERTIFICATE_CATEGORY_NAMES,
    validate_certificate_number,
    validate_resident_id,
)
from jiuye.people.models import (
    AssistiveNeed,
    Education,
    HukouType,
    LifeStatus,
    MaritalStatus,
    MonitoringCategory,
    Person,
    WishToWork,
)
from jiuye.people.selectors import person_by_id_number
from jiuye.reference.models import Region

ID_PURPOSE = "person.id_number"
CERTIFICATE_PURPOSE = "person.certificate"

GRADE_NAMES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}
CATEGORY_BY_NAME = {}
for _code, _name in CERTIFICATE_CATEGORY_NAMES.items():
    CATEGORY_BY_NAME[_name] = int(_code)
    CATEGORY_BY_NAME[f"{_name}残疾"] = int(_code)
HUKOU = {
    "农业": HukouType.RURAL,
    "农业户口": HukouType.RURAL,
    "农村": HukouType.RURAL,
    "非农业": HukouType.URBAN,
    "非农业户口": HukouType.URBAN,
    "城镇": HukouType.URBAN,
}
WISH = {
    "有": WishToWork.YES,
    "是": WishToWork.YES,
    "有就业意愿": WishToWork.YES,
    "无": WishToWork.NO,
    "否": WishToWork.NO,
    "没有": WishToWork.NO,
    "无就业意愿": WishToWork.NO,
    "不清楚": WishToWork.UNKNOWN,
    "": WishToWork.UNKNOWN,
}
EDUCATION = {str(label): value for value, label in Education.choices}
EDUCATION.update(
    {
        "中专": Education.VOCATIONAL,
        "职高": Education.VOCATIONAL,
        "大学本科": Education.BACHELOR,
        "硕士": Education.POSTGRADUATE,
        "博士": Education.POSTGRADUATE,
        "文盲": Education.NONE,
    }
)
MARITAL = {str(label): value for value, label in MaritalStatus.choices}
MONITORING = {str(label): value for value, label in MonitoringCategory.choices}
NEEDS = {str(label): value for value, label in AssistiveNeed.choices}

# Fields an import may set, in the order they are compared.
FIELDS = [
    "name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "phone",
    "address",
    "region_id",
    "certificate_number",
    "certificate_index",
    "category_id",
    "grade_id",
    "hukou_type",
    "education",
    "is_student",
    "school",
    "major",
    "graduation_year",
    "marital_status",
    "monitoring_category",
    "monitoring_identified",
    "hard_to_employ_date",
    "hard_to_employ_reasons",
    "low_income",
    "wish_to_work",
    "skills",
    "assistive_needs",
]
ENCRYPTED = {"id_number", "phone", "certificate_number"}

# Compiled once. The plain patterns recognise the common case (already normalised ASCII), which
# is decided here without the general path; anything else takes the general path, so the
# values and messages are the same either way.
_PLAIN_CERTIFICATE = re.compile(r"\d{17}[\dX][1-7][1-4]\d{0,2}", re.ASCII)
_PLAIN_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_PHONE_SEPARATORS = re.compile(r"[\s\-]")
_PHONE_COUNTRY_CODE = re.compile(r"^(\+?86)(?=1\d{10}$)")
_PHONE = re.compile(r"(\+?86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_YEAR = re.compile(r"(19|20)\d\d")
_NEEDS_SEPARATORS = re.compile(r"[、,，;；\s]+")
_PLAIN_BOOL = {"是": True, "否": False, "": False}


def _choice(table: dict[str, str], text: str, header: str, errors: list[CellError]) -> str:
    if not text:
        return ""
    value = table.get(text)
    if value is None:
        errors.append(
            CellError(
                header,
                _("“%(v)s”不是可选的值，可填：%(opts)s")
                % {"v": text, "opts": "、".join(k for k in table if k)},
            )
        )
        return ""
    return value


class PersonsKind(ImportKind):
    name = "persons"
    label = _("残疾人信息")
    model = Person
    key_label = _("身份证号")
    columns = (
        Column("name", "姓名", ("名字",), required=True, example="张三"),
        Column(
            "id_number",
            "身份证号",
            ("身份证号码", "公民身份号码", "证件号码"),
            required=True,
            mask="id",
            note="18位，最后一位可以是X",
            example="44019919900307123X",
        ),
        Column(
            "certificate_number",
            "残疾人证号",
            ("残疾证号", "残疾人证号码", "证号"),
            mask="id",
            note="20位：身份证号+类别+等级；补发证可多1–2位",
            example="44019919900307123X42",
        ),
        Column(
            "category",
            "残疾类别",
            ("类别",),
            note="1–7 或 视力、听力、言语、肢体、智力、精神、多重",
            example="4",
        ),
        Column("grade", "残疾等级", ("等级",), note="1–4 或 一级…四级", example="2"),
        Column(
            "phone",
            "联系电话",
            ("手机", "手机号", "电话", "联系方式"),
            mask="phone",
            example="13812345678",
        ),
        Column("ethnicity", "民族", example="汉族"),
        Column("address", "住址", ("地址", "家庭住址", "现住址"), example="建设路1号"),
        Column(
            "region",
            "村社区代码",
            ("区划代码", "所在村社区代码", "村（社区）代码"),
            required=True,
            note="12位统计用区划代码",
            example="440199001001",
        ),
        Column("hukou_type", "户口性质", ("户籍性质",), note="农业 或 非农业", example="非农业"),
        Column("education", "文化程度", ("学历",), example="初中"),
        Column("is_student", "在校学生", kind="bool", note="是 或 否", example="否"),
        Column("school", "学校"),
        Column("major", "专业"),
        Column("graduation_year", "毕业年份", kind="int"),
        Column("marital_status", "婚姻状况", note="未婚、已婚、离婚、丧偶", example="已婚"),
        Column(
            "monitoring_category",
            "防返贫监测类别",
            ("监测类别",),
            note="脱贫不稳定户、边缘易致贫户、突发严重困难户；不是监测对象留空",
        ),
        Column("monitoring_identified", "纳入监测日期", kind="date"),
        Column("hard_to_employ_date", "就业困难认定日期", kind="date"),
        Column("hard_to_employ_reasons", "就业困难认定原因"),
        Column("low_income", "低保", ("低保对象",), kind="bool", note="是 或 否", example="否"),
        Column("wish_to_work", "就业意愿", note="有、无、不清楚", example="有"),
        Column("skills", "技能特长", ("技能",), example="电商客服"),
        Column("assistive_needs", "无障碍需求", note="用“、”分隔，如：读屏软件、手语翻译"),
    )

    def __init__(self) -> None:
        self._regions: dict[str, Region] | None = None
        self._in_scope: dict[tuple[Any, str], bool] = {}
        self._today: dt.date | None = None

    def begin(self) -> None:
        # Reference data and "today" are read once per run, not once per row.
        self._regions = None
        self._in_scope = {}
        self._today = timezone.localdate()

    def _region(self, code: str) -> Region | None:
        if self._regions is None:
            self._regions = {r.code: r for r in Region.objects.filter(level=Region.Level.VILLAGE)}
        return self._regions.get(code)

    def _region_in_scope(self, by: Any, code: str) -> bool:
        key = (by.pk, code)
        allowed = self._in_scope.get(key)
        if allowed is None:
            allowed = self._in_scope[key] = region_in_scope(by, code)
        return allowed

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        out = RowOutcome()
        errors = out.errors
        data = out.data
        data["name"] = values.get("name", "").strip()
        if not data["name"]:
            errors.append(CellError("name", _("请填写姓名。")))
        elif len(data["name"]) > 50:
            errors.append(CellError("name", _("姓名太长（最多50个字）。")))
        raw_id = values.get("id_number", "")
        try:
            id_number = validate_resident_id(raw_id)
        except ValidationError as exc:
            message = exc.messages[0]
            if "*" in raw_id:
                # An export of masked numbers fed back in: say so plainly.
                message = _("身份证号是脱敏显示的（含 *），请使用完整号码。")
            errors.append(CellError("id_number", message))
            id_number = ""
        if id_number:
            data["id_number"] = id_number
            # Already normalised by the validator: read the digits without normalising again.
            data["sex"] = "M" if int(id_number[16]) % 2 else "F"
            data["birth_date"] = dt.date(
                int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
            )
            out.key = data["id_number_index"] = crypto.blind_index(id_number, purpose=ID_PURPOSE)
        category = self._category(values.get("category", ""), errors)
        grade = self._grade(values.get("grade", ""), errors)
        certificate = values.get("certificate_number", "").strip()
        data["certificate_number"] = ""
        data["certificate_index"] = ""
        if certificate:
            if (
                id_number
                and _PLAIN_CERTIFICATE.fullmatch(certificate)
                and certificate.startswith(id_number)
                and (category is None or str(category) == certificate[18])
                and (grade is None or str(grade) == certificate[19])
            ):
                # The usual card: the ID number just validated plus category and grade digits
                # that agree with the columns. validate_certificate_number would check the ID
                # part a second time and find the same.
                valid_certificate = True
            else:
                try:
                    certificate = validate_certificate_number(
                        certificate, id_number=id_number or None, category=category, grade=grade
                    )
                    valid_certificate = True
                except ValidationError as exc:
                    errors.append(CellError("certificate_number", exc.messages[0]))
                    valid_certificate = False
            if valid_certificate:
                # Normalised by now: the 19th and 20th characters are category and grade digits.
                cert_category, cert_grade = int(certificate[18]), int(certificate[19])
                category = category or cert_category
                grade = grade or cert_grade
                data["certificate_number"] = certificate
                data["certificate_index"] = crypto.blind_index(
                    certificate, purpose=CERTIFICATE_PURPOSE
                )
        if category is None and "category" not in {e.column for e in errors}:
            errors.append(CellError("category", _("请填写残疾类别（或填写残疾人证号）。")))
        if grade is None and "grade" not in {e.column for e in errors}:
            errors.append(CellError("grade", _("请填写残疾等级（或填写残疾人证号）。")))
        data["category_id"], data["grade_id"] = category, grade
        code = values.get("region", "").strip()
        region = self._region(code)
        if region is None:
            errors.append(
                CellError(
                    "region",
                    _("区划代码“%(v)s”不是系统中的村（社区）代码，应为12位村社区代码。")
                    % {"v": code},
                )
            )
        elif by is not None and getattr(by, "pk", None) and not self._region_in_scope(by, code):
            errors.append(CellError("region", _("“%(v)s”不在您负责的区域内。") % {"v": code}))
        else:
            data["region_id"] = code
        phone = values.get("phone", "")
        if phone and not _PLAIN_MOBILE.fullmatch(phone):
            phone = _PHONE_SEPARATORS.sub("", phone)
            # Stored as the digits a person would dial at home, like the forms store them.
            phone = _PHONE_COUNTRY_CODE.sub("", phone)
        if phone and not _PHONE.fullmatch(phone):
            errors.append(
                CellError(
                    "phone",
                    _("电话号码“%(v)s”不对：手机为11位，座机如 02012345678。") % {"v": phone},
                )
            )
        data["phone"] = phone
        data["ethnicity"] = values.get("ethnicity", "").strip() or "汉族"
        data["address"] = values.get("address", "").strip()[:200]
        data["hukou_type"] = _choice(
            HUKOU, values.get("hukou_type", "").strip(), "hukou_type", errors
        )
        data["education"] = _choice(
            EDUCATION, values.get("education", "").strip(), "education", errors
        )
        data["marital_status"] = _choice(
            MARITAL, values.get("marital_status", "").strip(), "marital_status", errors
        )
        data["monitoring_category"] = _choice(
            MONITORING, values.get("monitoring_category", "").strip(), "monitoring_category", errors
        )
        data["wish_to_work"] = (
            _choice(WISH, values.get("wish_to_work", "").strip(), "wish_to_work", errors)
            or WishToWork.UNKNOWN
        )
        for key in ("is_student", "low_income"):
            text = values.get(key, "")
            if text in _PLAIN_BOOL:
                data[key] = _PLAIN_BOOL[text]
                continue
            try:
                data[key] = parse_bool(text)
            except ValueError:
                errors.append(
                    CellError(key, _("应填“是”或“否”，当前为“%(v)s”。") % {"v": values.get(key)})
                )
        for key in ("monitoring_identified", "hard_to_employ_date"):
            data[key] = self._date(values.get(key, ""), key, errors)
        if data.get("monitoring_category") and not data.get("monitoring_identified"):
            errors.append(
                CellError("monitoring_identified", _("填写了监测类别，请同时填写纳入监测日期。"))
            )
        year = values.get("graduation_year", "").strip()
        data["graduation_year"] = None
        if year:
            if _YEAR.fullmatch(year):
                data["graduation_year"] = int(year)
            else:
                errors.append(CellError("graduation_year", _("毕业年份应为四位年份，如 2023。")))
        for key in ("school", "major", "skills"):
            data[key] = values.get(key, "").strip()[: 100 if key != "skills" else 300]
        data["hard_to_employ_reasons"] = values.get("hard_to_employ_reasons", "").strip()[:200]
        needs = []
        raw_needs = values.get("assistive_needs", "").strip()
        for label in _NEEDS_SEPARATORS.split(raw_needs) if raw_needs else ():
            if not label:
                continue
            if label not in NEEDS:
                errors.append(
                    CellError(
                        "assistive_needs",
                        _("无障碍需求“%(v)s”不在可选范围内：%(opts)s")
                        % {"v": label, "opts": "、".join(NEEDS)},
                    )
                )
            else:
                needs.append(NEEDS[label])
        data["assistive_needs"] = needs
        return out

    @staticmethod
    def _category(text: str, errors: list[CellError]) -> int | None:
        text = text.strip()
        if not text:
            return None
        if text.isdigit() and 1 <= int(text) <= 7:
            return int(text)
        if text in CATEGORY_BY_NAME:
            return CATEGORY_BY_NAME[text]
        errors.append(
            CellError(
                "category",
                _("残疾类别“%(v)s”不存在：应为1–7，或 视力、听力、言语、肢体、智力、精神、多重。")
                % {"v": text},
            )
        )
        return None

    @staticmethod
    def _grade(text: str, errors: list[CellError]) -> int | None:
        text = text.strip()
        if not text:
            return None
        if text.isdigit() and 1 <= int(text) <= 4:
            return int(text)
        if text in GRADE_NAMES:
            return GRADE_NAMES[text]
        errors.append(
            CellError("grade", _("残疾等级“%(v)s”不存在：应为1–4或一级至四级。") % {"v": text})
        )
        return None

    def _date(self, text: str, key: str, errors: list[CellError]) -> dt.date | None:
        text = text.strip()
        if not text:
            return None
        try:
            # 2023-05-01 is how most files write dates; parse_date reads every other way.
            value = dt.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else parse_date(text)
        except ValueError:
            errors.append(CellError(key, _("日期“%(v)s”看不懂，请写成 2023-05-01。") % {"v": text}))
            return None
        if value > (self._today or timezone.localdate()):
            errors.append(CellError(key, _("日期“%(v)s”晚于今天。") % {"v": text}))
            return None
        return value

    def existing(self, keys: list[str]) -> dict[str, Model]:
        # Which keys are there is answered from the unique index alone, in plain SQL (the ORM
        # prepares each of the thousands of parameters one by one); only the persons found are
        # loaded, so a file of new persons loads none.
        if not keys:
            return {}
        table = connection.ops.quote_name(Person._meta.db_table)
        column = connection.ops.quote_name("id_number_index")
        placeholders = ", ".join(["%s"] * len(keys))
        # Identifiers from the model's metadata, quoted; the keys are parameters.
        sql = f"SELECT {column} FROM {table} WHERE {column} IN ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, keys)
            present = [key for (key,) in cursor.fetchall()]
        if not present:
            return {}
        return {p.id_number_index: p for p in Person.objects.filter(id_number_index__in=present)}

    def prepare(
        self, data: dict[str, Any], current: Model | None, *, by: Any
    ) -> tuple[Model, dict[str, tuple[Any, Any]]] | None:
        actor = by if getattr(by, "pk", None) else None
        if current is None:
            # A new person is a plain row: building a model instance costs more than inserting.
            # The cleaned data holds only Person attnames (and the blind index made in clean).
            row = data
            row["id"] = uuid.uuid4()
            if "id_number_index" not in row:
                row["id_number_index"] = crypto.blind_index(data["id_number"], purpose=ID_PURPOSE)
            row["created_by_id"] = row["updated_by_id"] = actor.pk if actor else None
            return _NewPerson(row), {}
        changes = apply_row(current, data, FIELDS)
        if not changes:
            return None
        current.updated_by = actor
        # An edit form opened before the import must now see a conflict, not overwrite it.
        current.version += 1
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
        rows = []
        for new in creates:
            new.row.update(import_batch_id=batch.pk, created_at=now, updated_at=now)
            rows.append(new.row)
        fast_insert_values(Person, rows)
        if updates:
            fields = sorted(
                {f for _obj, diff in updates for f in diff}
                | {"import_batch", "updated_by", "updated_at", "version"}
            )
            records = []
            for person, diff in updates:
                person.import_batch = batch
                person.updated_at = now
                records.append(
                    ImportRecord(
                        batch=batch,
                        model="people.Person",
                        object_id=str(person.pk),
                        action=ImportRecord.Action.UPDATED,
                        before={k: _stored(k, before) for k, (before, _after) in diff.items()},
                    )
                )
            Person.objects.bulk_update([p for p, _d in updates], fields, batch_size=1000)
            fast_insert(ImportRecord, records)
        if creates:
            # One entry per write of new persons rather than one per person: each of them
            # carries its batch (import_batch, created_at/by), and the entry lists their ids,
            # so the trail still says who created which records, when, through which file.
            audit_bulk(
                model=Person,
                changes=[
                    (
                        _CreatedByBatch(batch, len(creates)),
                        {"import_batch": (None, batch.pk), "created": (None, len(creates))},
                    )
                ],
                action=LogEntry.Action.CREATE,
                actor=actor,
                batch=str(batch.pk),
                additional_data={"created_ids": [str(p.pk) for p in creates]},
            )
        if updates:
            audit_bulk(
                model=Person,
                changes=updates,
                action=LogEntry.Action.UPDATE,
                actor=actor,
                batch=str(batch.pk),
            )
        # The villages whose coverage tallies now count differently (ADR 0005): where new
        # persons live, where updated ones live, and the village a moved person left.
        mark_dirty(
            {new.row["region_id"] for new in creates}
            | {person.region_id for person, _diff in updates}
            | {diff["region_id"][0] for _person, diff in updates if "region_id" in diff}
        )

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = Person.objects.filter(archived_at__isnull=True).order_by("region_id", "name")
        if filters.get("region"):
            qs = qs.filter(
                region__code__startswith=filters["region"].rstrip("0") or filters["region"]
            )
        return qs

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        return _export_row(obj, reveal=reveal)

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        updated = {
            uuid.UUID(object_id)
            for object_id in ImportRecord.objects.filter(batch=batch).values_list(
                "object_id", flat=True
            )
        }
        if Person.objects.filter(pk__in=updated).exclude(import_batch=batch).exists():
            raise RollbackError(_("这个批次之后又有导入修改了其中的人员，请先撤销后面的批次。"))
        actor = by if getattr(by, "pk", None) else None
        created = Person.objects.filter(import_batch=batch).exclude(pk__in=updated)
        audit_bulk(
            model=Person,
            changes=[(p, {}) for p in created],
            action=LogEntry.Action.DELETE,
            actor=actor,
            batch=str(batch.pk),
        )
        touched = set(
            Person.objects.filter(Q(import_batch=batch) | Q(pk__in=updated)).values_list(
                "region_id", flat=True
            )
        )
        # Undoing an import removes what it added: these rows did not exist before it.
        created.delete()
        for record in ImportRecord.objects.filter(batch=batch, action=ImportRecord.Action.UPDATED):
            values = {k: _restore(k, v) for k, v in record.before.items()}
            Person.objects.filter(pk=record.object_id).update(
                import_batch=None, version=F("version") + 1, **values
            )
        audit_bulk(
            model=Person,
            changes=[(p, {}) for p in Person.objects.filter(pk__in=updated)],
            action=LogEntry.Action.UPDATE,
            actor=actor,
            batch=str(batch.pk),
        )
        touched |= set(Person.objects.filter(pk__in=updated).values_list("region_id", flat=True))
        mark_dirty(touched)


class _CreatedByBatch:
    """The persons one write of a batch created, as the object of its one audit entry."""

    __slots__ = ("batch", "count")

    def __init__(self, batch: ImportBatch, count: int) -> None:
        self.batch, self.count = batch, count

    @property
    def pk(self) -> uuid.UUID:
        return self.batch.pk

    def __str__(self) -> str:
        return _("导入批次“%(name)s”新增%(n)d人") % {
            "name": self.batch.original_name,
            "n": self.count,
        }


class _NewPerson:
    """A person to insert, as a row of values; looks enough like a model for the audit."""

    __slots__ = ("row",)

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row

    @property
    def pk(self) -> uuid.UUID:
        return self.row["id"]

    def __str__(self) -> str:
        return f"{self.row['name']}（{mask_id_number(self.row['id_number'])}）"


def _stored(key: str, value: Any) -> Any:
    """A value as kept for rollback: encrypted fields as ciphertext, dates as text."""
    if key in ENCRYPTED:
        return crypto.encrypt(value) if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _restore(key: str, value: Any) -> Any:
    if value and key in {"birth_date", "monitoring_identified", "hard_to_employ_date"}:
        return dt.date.fromisoformat(value)
    return value


def _label(table: dict[str, str], value: str) -> str:
    for label, code in table.items():
        if code == value and label:
            return label
    return ""


def _export_row(person: Person, *, reveal: bool) -> list[str]:
    id_number = person.id_number if reveal else mask_id_number(person.id_number)
    certificate = (
        person.certificate_number if reveal else mask_certificate_number(person.certificate_number)
    )
    needs = {code: label for label, code in NEEDS.items()}
    return [
        person.name,
        id_number,
        certificate,
        str(person.category_id or ""),
        str(person.grade_id or ""),
        person.phone if reveal else mask_phone(person.phone),
        person.ethnicity,
        person.address,
        person.region_id,
        {"rural": "农业", "urban": "非农业"}.get(person.hukou_type, ""),
        _label(EDUCATION, person.education),
        "是" if person.is_student else "否",
        person.school,
        person.major,
        str(person.graduation_year or ""),
        _label(MARITAL, person.marital_status),
        _label(MONITORING, person.monitoring_category),
        person.monitoring_identified.isoformat() if person.monitoring_identified else "",
        person.hard_to_employ_date.isoformat() if person.hard_to_employ_date else "",
        person.hard_to_employ_reasons,
        "是" if person.low_income else "否",
        {"yes": "有", "no": "无", "unknown": "不清楚"}.get(person.wish_to_work, ""),
        person.skills,
        "、".join(needs.get(code, code) for code in person.assistive_needs),
    ]


register_kind(PersonsKind())


@dataclass(frozen=True)
class PersonByIdNumber(Field):
    """A registered person found by ID number among those the importing user may see (all,
    for a command run without a user). One message for "not registered" and "not yours", so
    an import does not tell whether someone elsewhere is registered. ``inactive``: the
    message for an archived or deceased person (empty: they are accepted)."""

    key: str = "id_number"
    header: str = "身份证号"
    synonyms: tuple[str, ...] = ("身份证号码", "公民身份号码", "证件号码")
    required: bool = True
    mask: str = "id"
    attr: str | None = "person"
    note: str = "18位；人员须已登记，且在您负责的范围内"
    inactive: str = ""
    _cache: dict[Any, Any] = field(default_factory=dict, hash=False, compare=False)

    def reset(self) -> None:
        self._cache.clear()

    def parse(self, text: str, *, by: Any) -> Any:
        try:
            id_number = validate_resident_id(text)
        except ValidationError as exc:
            raise FieldError(exc.messages[0]) from None
        cache_key = (getattr(by, "pk", None), id_number)
        if cache_key not in self._cache:
            people = Person.objects.all() if getattr(by, "pk", None) is None else None
            if people is None:
                people = scope_for(by, Person)
            self._cache[cache_key] = person_by_id_number(queryset=people, id_number=id_number)
        person = self._cache[cache_key]
        if person is None:
            raise FieldError(
                _("身份证号 %(id)s 的人员还没有登记，或不在您负责的范围内。")
                % {"id": mask_id_number(id_number)}
            )
        if self.inactive and (person.is_archived or person.life_status != LifeStatus.ACTIVE):
            raise FieldError(self.inactive % {"name": person.name})
        return person

    def values(self, value: Any) -> dict[str, Any]:
        return {f"{self.target}_id": None if value is None else value.pk} if self.target else {}

    def export(self, obj: Model, *, reveal: bool) -> str:
        person = getattr(obj, self.target)
        return person.id_number if reveal else mask_id_number(person.id_number)
