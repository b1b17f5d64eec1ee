"""Import kinds of the training app, through the one import framework (core.importing):

- ``courses``: training courses. Natural key: provider name + course title + start date. The
  provider is found by its exact name (a name not registered, or registered twice, is a row
  error). A town officer imports only courses of providers in their town.
- ``enrolments``: who enrolled in a course (course title + start date), found by ID number in
  the importing user's scope (an ID outside it, or not registered, is a row error). Natural
  key: course + person. Status 在学 / 已结业 / 中途退出. The import is the uploader's
  confirmation: it may go over a course's places (the enrol form asks instead).
- ``attendance``: one session day of one enrolment, present or not. Natural key: enrolment +
  date. A date outside the course period is a row error with the enrol service's message.

Each created or updated row remembers its batch; a batch can be rolled back unless what it
wrote was changed since (courses and enrolments have a version) or is used by later records
(a course with enrolments, an enrolment with certificates).
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
    journal_value,
    parse_bool,
    parse_date,
    register_kind,
    versioned_journal,
)
from jiuye.core.masking import mask_id_number
from jiuye.core.models import ImportBatch, ImportRecord
from jiuye.core.scoping import region_in_scope, scope_for
from jiuye.core.validators import validate_resident_id
from jiuye.people.models import LifeStatus, Person
from jiuye.people.selectors import person_by_id_number
from jiuye.reference.models import DisabilityCategory
from jiuye.training.models import (
    Attendance,
    CertificateKind,
    Course,
    CourseKind,
    CourseMode,
    DropReason,
    Enrolment,
    EnrolmentStatus,
    Provider,
)
from jiuye.training.services.courses import course_check

WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
LIST_SEPARATORS = re.compile(r"[、，,;；/\s]+")
_SPACES = re.compile(r"\s+")
CATEGORIES = "target_categories"

COURSE_LABEL = "training.Course"
ENROLMENT_LABEL = "training.Enrolment"
ATTENDANCE_LABEL = "training.Attendance"

KIND_SYNONYMS = {
    "职业技能": CourseKind.VOCATIONAL,
    "技能培训": CourseKind.VOCATIONAL,
    "电商": CourseKind.ECOMMERCE,
    "直播": CourseKind.ECOMMERCE,
    "短视频": CourseKind.ECOMMERCE,
    "电商直播": CourseKind.ECOMMERCE,
    "医疗按摩": CourseKind.MEDICAL_MASSAGE,
    "盲人医疗按摩": CourseKind.MEDICAL_MASSAGE,
    "保健按摩": CourseKind.HEALTH_MASSAGE,
    "盲人保健按摩": CourseKind.HEALTH_MASSAGE,
    "创业": CourseKind.ENTREPRENEURSHIP,
}
MODE_SYNONYMS = {
    "现场": CourseMode.ONSITE,
    "面授": CourseMode.ONSITE,
    "网络": CourseMode.ONLINE,
    "混合": CourseMode.MIXED,
    "线上线下": CourseMode.MIXED,
}
CERTIFICATE_SYNONYMS = {
    "无": "",
    "职业技能等级": CertificateKind.SKILL_LEVEL,
    "技能等级证书": CertificateKind.SKILL_LEVEL,
    "医疗按摩资格证": CertificateKind.MEDICAL_MASSAGE,
    "医疗按摩资格证书": CertificateKind.MEDICAL_MASSAGE,
    "保健按摩证书": CertificateKind.HEALTH_MASSAGE,
    "结业证": CertificateKind.COMPLETION,
}
STATUS_SYNONYMS = {
    "在学": EnrolmentStatus.ENROLLED,
    "在读": EnrolmentStatus.ENROLLED,
    "已报名": EnrolmentStatus.ENROLLED,
    "已结业": EnrolmentStatus.COMPLETED,
    "结业": EnrolmentStatus.COMPLETED,
    "中途退出": EnrolmentStatus.DROPPED,
    "退出": EnrolmentStatus.DROPPED,
}
DROP_SYNONYMS = {"身体": DropReason.HEALTH, "就业": DropReason.EMPLOYED, "家庭": DropReason.FAMILY}


def _fold(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def _table(choices: Any, synonyms: dict[str, str]) -> dict[str, str]:
    """Accepted cell text (folded) → stored value: the Chinese label whatever the language,
    the stored code, and common short forms."""
    with translation.override(None):
        table = {_fold(str(label)): value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    table.update({_fold(k): v for k, v in synonyms.items()})
    return table


def _labels(choices: Any) -> dict[str, str]:
    with translation.override(None):
        return {value: str(label) for value, label in choices.choices}


def _actor(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def course_key(provider_name: str, title: str, start: dt.date) -> str:
    return f"{_fold(provider_name)}|{_fold(title)}|{start.isoformat()}"


class _Base(ImportKind):
    """Shared look-ups: the writer check, dates, courses by title and start date, persons by
    ID number in the user's scope."""

    who = gettext_lazy("培训数据")

    def __init__(self) -> None:
        self.begin()

    def begin(self) -> None:
        self._writer_checked = False
        self._courses: dict[tuple[str, dt.date], list[Course]] = {}
        self._persons: dict[str, Person | None] = {}

    def _check_writer(self, by: Any) -> None:
        if self._writer_checked:
            return
        if _actor(by) is not None and by.role not in WRITERS:
            raise ImportFileError(
                _("只有区残联工作人员、系统管理员和镇街专干可以导入%(what)s。") % {"what": self.who}
            )
        self._writer_checked = True

    @staticmethod
    def _date(values: dict[str, str], key: str, label: str, error: Any) -> dt.date | None:
        text = (values.get(key) or "").strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            error(
                key, _("%(label)s“%(v)s”看不懂，请写成 2025-03-01。") % {"label": label, "v": text}
            )
            return None

    def _course(self, values: dict[str, str], error: Any) -> Course | None:
        title = " ".join((values.get("course") or "").split())
        if not title:
            error("course", _("请填写课程名称。"))
        start = self._date(values, "start_date", "开班日期", error)
        if not (values.get("start_date") or "").strip():
            error("start_date", _("请填写开班日期，用来区分同名的课程。"))
        if not title or start is None:
            return None
        cache_key = (_fold(title), start)
        if cache_key not in self._courses:
            self._courses[cache_key] = [
                c
                for c in Course.objects.filter(
                    start_date=start, archived_at__isnull=True, title__contains=title[:10]
                ).select_related("provider")
                if _fold(c.title) == cache_key[0]
            ]
        found = self._courses[cache_key]
        if not found:
            error(
                "course",
                _(
                    "没有开班日期为 %(day)s 的课程“%(title)s”，"
                    "请核对课程名称和开班日期，或先导入课程。"
                )
                % {"day": start.isoformat(), "title": title},
            )
            return None
        if len(found) > 1:
            error(
                "course",
                _(
                    "开班日期为 %(day)s 的“%(title)s”有 %(n)d 个（不同培训机构），"
                    "请在课程页面逐个处理。"
                )
                % {"day": start.isoformat(), "title": title, "n": len(found)},
            )
            return None
        return found[0]

    def _person(self, raw: str, by: Any, error: Any) -> Person | None:
        try:
            id_number = validate_resident_id(raw)
        except ValidationError as exc:
            error("id_number", exc.messages[0])
            return None
        if id_number not in self._persons:
            people = Person.objects.all() if _actor(by) is None else scope_for(by, Person)
            self._persons[id_number] = person_by_id_number(queryset=people, id_number=id_number)
        person = self._persons[id_number]
        if person is None:
            error(
                "id_number",
                _("身份证号 %(id)s 的人员还没有登记，或不在您负责的范围内。")
                % {"id": mask_id_number(id_number)},
            )
            return None
        if person.is_archived or person.life_status != LifeStatus.ACTIVE:
            error("id_number", _("%(name)s 已归档或已不在册，不能报名。") % {"name": person.name})
            return None
        return person


# --- courses --------------------------------------------------------------------------------

COURSE_UPDATABLE = (
    "kind",
    "mode",
    "end_date",
    "hours",
    "places",
    "funding_source",
    "funding_amount",
    "certificate_kind",
    "certificate_level",
    "description",
)


def _restore_course(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key == "end_date":
        return dt.date.fromisoformat(value)
    if key == "funding_amount":
        return Decimal(value)
    return value


class CoursesKind(_Base):
    name = "courses"
    label = gettext_lazy("培训课程")
    who = gettext_lazy("培训课程")
    model = Course
    key_label = gettext_lazy("培训机构、课程名称和开班日期")
    columns = (
        Column(
            "provider",
            "培训机构",
            ("培训机构名称", "机构名称", "承办机构"),
            required=True,
            note="须与“培训机构和基地”中登记的名称完全一致",
            example="东城职业技能培训学校",
        ),
        Column(
            "title",
            "课程名称",
            ("课程", "培训班名称", "班级名称"),
            required=True,
            example="电商直播培训班（第一期）",
        ),  # fmt: skip
        Column(
            "kind",
            "培训类型",
            ("类型", "培训类别"),
            required=True,
            note="职业技能培训、电商直播短视频培训、盲人医疗按摩培训、盲人保健按摩培训、"
            "创业培训、其他",
            example="电商、直播、短视频培训",
        ),
        Column(
            "mode",
            "培训方式",
            ("方式",),
            note="线下、线上、线上线下结合；不填为 线下",
            example="线下",
        ),  # fmt: skip
        Column(
            CATEGORIES,
            "面向残疾类别",
            ("残疾类别", "面向类别"),
            note="视力、听力、言语、肢体、智力、精神、多重（或代码 1–7），用顿号分开；"
            "不填表示面向各类别",
            example="肢体、听力",
        ),
        Column(
            "start_date",
            "开班日期",
            ("开始日期", "开课日期"),
            required=True,
            kind="date",
            example="2025-03-01",
        ),  # fmt: skip
        Column(
            "end_date", "结业日期", ("结束日期",), required=True, kind="date", example="2025-03-20"
        ),  # fmt: skip
        Column("hours", "课时", ("学时",), kind="int", note="不填为 0", example="80"),
        Column(
            "places", "名额", ("计划人数", "招生人数"), required=True, kind="int", example="30"
        ),  # fmt: skip
        Column("funding_source", "资金来源", ("经费来源",), example="残疾人就业保障金"),
        Column(
            "funding_amount",
            "经费",
            ("经费（元）", "金额"),
            note="元，最多两位小数",
            example="30000",
        ),  # fmt: skip
        Column(
            "certificate_kind",
            "可获证书",
            ("证书", "证书类型"),
            note="职业技能等级证书、盲人医疗按摩人员从事医疗按摩资格证书、保健按摩职业技能等级证书、"
            "结业证书；没有的留空",
            example="结业证书",
        ),
        Column("certificate_level", "证书等级", ("等级",), example=""),
        Column("description", "说明", ("备注", "培训内容")),
    )

    def begin(self) -> None:
        super().begin()
        self._providers: dict[str, list[Provider]] | None = None
        self._category_table: dict[str, int] | None = None
        self._tables = {
            "kind": _table(CourseKind, KIND_SYNONYMS),
            "mode": _table(CourseMode, MODE_SYNONYMS),
            "certificate_kind": _table(CertificateKind, CERTIFICATE_SYNONYMS),
        }

    def _provider(self, raw: str, by: Any, error: Any) -> Provider | None:
        if self._providers is None:
            self._providers = {}
            for provider in Provider.objects.filter(archived_at__isnull=True):
                self._providers.setdefault(_fold(provider.name), []).append(provider)
        name = raw.strip()
        if not name:
            error("provider", _("请填写培训机构名称。"))
            return None
        found = self._providers.get(_fold(name), [])
        if not found:
            error(
                "provider",
                _("没有名为“%(name)s”的培训机构，请核对名称，或先在“培训机构和基地”中登记。")
                % {"name": name},
            )
            return None
        if len(found) > 1:
            error(
                "provider",
                _("名为“%(name)s”的培训机构有两个以上，请先合并或改名。") % {"name": name},
            )
            return None
        provider = found[0]
        town = _actor(by) is not None and by.role == Role.TOWN
        if town and not region_in_scope(by, provider.region_id):
            error("provider", _("您只能导入本镇街培训机构的课程。"))
            return None
        return provider

    def _choice(self, key: str, text: str, error: Any) -> str | None:
        folded = _fold(text)
        if not folded:
            return ""
        value = self._tables[key].get(folded)
        if value is None:
            note = next(c.note for c in self.columns if c.key == key)
            error(key, _("“%(v)s”不是可选的值。%(note)s") % {"v": text.strip(), "note": note})
        return value

    def _categories(self, text: str, error: Any) -> list[int]:
        if self._category_table is None:
            table: dict[str, int] = {}
            for category in DisabilityCategory.objects.filter(disabled_at__isnull=True):
                table[str(category.code)] = category.code
                table[_fold(category.name)] = category.code
                table[_fold(category.name).removesuffix("残疾")] = category.code
            self._category_table = table
        found: list[int] = []
        for part in LIST_SEPARATORS.split(text.strip()):
            if not part:
                continue
            code = self._category_table.get(_fold(part))
            if code is None:
                error(
                    CATEGORIES,
                    _("“%(v)s”不是残疾类别。可填：视力、听力、言语、肢体、智力、精神、多重。")
                    % {"v": part},
                )
            elif code not in found:
                found.append(code)
        return sorted(found)

    @staticmethod
    def _int(text: str, key: str, error: Any, *, default: int | None) -> int | None:
        text = text.strip().removesuffix("人").removesuffix("名").removesuffix("课时")
        if not text:
            return default
        if not text.isdigit():
            error(key, _("“%(v)s”不是整数，请填写数字，如 30。") % {"v": text})
            return None
        return int(text)

    @staticmethod
    def _money(text: str, error: Any) -> Decimal | None:
        text = text.strip().removesuffix("元").replace(",", "").replace("，", "")
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            error("funding_amount", _("“%(v)s”不是金额数字，如 30000。") % {"v": text})
            return None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            error("funding_amount", _("金额“%(v)s”不对：最多两位小数，请核对。") % {"v": text})
            return None
        return amount

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        self._check_writer(by)
        out = RowOutcome()
        errors, data = out.errors, out.data

        def error(key: str, message: str) -> None:
            errors.append(CellError(key, message))

        provider = self._provider(values.get("provider", ""), by, error)
        data["title"] = " ".join((values.get("title") or "").split())
        data["kind"] = self._choice("kind", values.get("kind", ""), error)
        if "mode" in values:
            data["mode"] = self._choice("mode", values["mode"], error) or CourseMode.ONSITE
        if CATEGORIES in values:
            data[CATEGORIES] = self._categories(values[CATEGORIES], error)
        for key, label in (("start_date", "开班日期"), ("end_date", "结业日期")):
            data[key] = self._date(values, key, label, error)
        if "hours" in values:
            data["hours"] = self._int(values["hours"], "hours", error, default=0)
        data["places"] = self._int(values.get("places", ""), "places", error, default=None)
        for key in ("funding_source", "certificate_level", "description"):
            if key in values:
                data[key] = values[key].strip()
        if "funding_amount" in values:
            data["funding_amount"] = self._money(values["funding_amount"], error)
        if "certificate_kind" in values:
            data["certificate_kind"] = self._choice(
                "certificate_kind", values["certificate_kind"], error
            )
        if errors or provider is None:
            return out
        checked = {"mode": CourseMode.ONSITE, "hours": 0, **data, "provider": provider}
        for key, messages in course_check(checked).items():
            for message in messages:
                error(key if key in values else "", message)
        if errors:
            return out
        data["provider_id"] = provider.pk
        data["_provider"] = provider
        out.key = course_key(provider.name, data["title"], data["start_date"])
        return out

    def existing(self, keys: list[str]) -> dict[str, Model]:
        starts = {dt.date.fromisoformat(key.rsplit("|", 1)[1]) for key in keys}
        wanted = set(keys)
        found: dict[str, Model] = {}
        courses = (
            Course.objects.filter(start_date__in=starts, archived_at__isnull=True)
            .select_related("provider")
            .prefetch_related(CATEGORIES)
            .order_by("-created_at")
        )
        for course in courses:
            key = course_key(course.provider.name, course.title, course.start_date)
            if key in wanted and key not in found:
                found[key] = course
        return found

    def prepare(
        self, data: dict[str, Any], current: Model | None, *, by: Any
    ) -> tuple[Model, dict[str, tuple[Any, Any]]] | None:
        actor = _actor(by)
        fields = {k: v for k, v in data.items() if not k.startswith("_") and k != CATEGORIES}
        if current is None:
            fields = {"mode": CourseMode.ONSITE, "hours": 0, **fields}
            course = Course(id=uuid.uuid4(), created_by=actor, updated_by=actor, **fields)
            course.provider = data["_provider"]
            course._categories = data.get(CATEGORIES, [])  # type: ignore[attr-defined]
            return course, {}
        assert isinstance(current, Course)
        changes = apply_row(current, fields, COURSE_UPDATABLE)
        before = sorted(c.pk for c in current.target_categories.all())
        if CATEGORIES in data and data[CATEGORIES] != before:
            changes[CATEGORIES] = (before, data[CATEGORIES])
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
        actor = _actor(by)
        through = Course.target_categories.through
        for course in creates:
            course.import_batch = batch
        Course.objects.bulk_create(creates, batch_size=1000)
        links = [
            through(course_id=c.pk, disabilitycategory_id=code)
            for c in creates
            for code in getattr(c, "_categories", [])
        ]
        journal = versioned_journal(
            batch=batch, model_label=COURSE_LABEL, creates=creates, updates=updates
        )
        now = timezone.now()
        for course, diff in updates:
            course.updated_at = now
            if CATEGORIES in diff:
                through.objects.filter(course_id=course.pk).delete()
                links.extend(
                    through(course_id=course.pk, disabilitycategory_id=code)
                    for code in diff[CATEGORIES][1]
                )
        if updates:
            fields = sorted(
                {f for _c, diff in updates for f in diff if f != CATEGORIES}
                | {"import_batch", "updated_by", "updated_at", "version"}
            )
            Course.objects.bulk_update([c for c, _d in updates], fields, batch_size=1000)
        through.objects.bulk_create(links, batch_size=1000)
        ImportRecord.objects.bulk_create(journal, batch_size=1000)
        audit_bulk(
            model=Course,
            changes=[
                (c, {"title": (None, c.title), "import_batch": (None, batch.pk)}) for c in creates
            ],
            action=LogEntry.Action.CREATE,
            actor=actor,
            batch=str(batch.pk),
        )
        if updates:
            audit_bulk(
                model=Course, changes=updates, action=LogEntry.Action.UPDATE, actor=actor,
                batch=str(batch.pk),
            )  # fmt: skip

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        journal = list(ImportRecord.objects.filter(batch=batch, model=COURSE_LABEL))
        current = {
            str(c.pk): c for c in Course.objects.filter(pk__in=[e.object_id for e in journal])
        }
        for entry in journal:
            course = current.get(entry.object_id)
            if course is not None and course.version != entry.before.get("_version"):
                raise RollbackError(
                    _(
                        "这个批次导入的课程（%(title)s）之后又被修改过，不能自动撤销。"
                        "请先撤销后面的批次，或逐个修改。"
                    )
                    % {"title": course.title}
                )
        actor = _actor(by)
        created = [
            current[e.object_id]
            for e in journal
            if e.action == ImportRecord.Action.CREATED and e.object_id in current
        ]
        audit_bulk(
            model=Course, changes=[(c, {}) for c in created], action=LogEntry.Action.DELETE,
            actor=actor, batch=str(batch.pk),
        )  # fmt: skip
        through = Course.target_categories.through
        try:
            through.objects.filter(course_id__in=[c.pk for c in created]).delete()
            Course.objects.filter(pk__in=[c.pk for c in created]).delete()
        except ProtectedError as exc:
            raise RollbackError(
                _(
                    "这个批次导入的课程已有报名记录，不能撤销。如导入有误，请逐个修改或归档这些课程。"
                )
            ) from exc
        restored = []
        for entry in journal:
            if entry.action != ImportRecord.Action.UPDATED:
                continue
            values = {
                k: _restore_course(k, v)
                for k, v in entry.before.items()
                if not k.startswith("_") and k != CATEGORIES
            }
            if CATEGORIES in entry.before:
                through.objects.filter(course_id=entry.object_id).delete()
                through.objects.bulk_create(
                    through(course_id=entry.object_id, disabilitycategory_id=code)
                    for code in entry.before[CATEGORIES]
                )
            Course.objects.filter(pk=entry.object_id).update(
                version=entry.before["_version"] - 1,
                updated_by=actor,
                updated_at=timezone.now(),
                **values,
            )
            restored.append(current[entry.object_id])
        if restored:
            audit_bulk(
                model=Course, changes=[(c, {}) for c in restored], action=LogEntry.Action.UPDATE,
                actor=actor, batch=str(batch.pk),
            )  # fmt: skip

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = (
            Course.objects.filter(archived_at__isnull=True)
            .select_related("provider")
            .prefetch_related(CATEGORIES)
        )
        if filters.get("provider"):
            qs = qs.filter(provider__name=filters["provider"])
        return qs.order_by("provider__name", "start_date", "title")

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        assert isinstance(obj, Course)
        kinds, modes, certificates = (
            _labels(CourseKind),
            _labels(CourseMode),
            _labels(CertificateKind),
        )
        with translation.override(None):
            categories = "、".join(c.name for c in obj.target_categories.all())
        return [
            obj.provider.name,
            obj.title,
            kinds.get(obj.kind, ""),
            modes.get(obj.mode, ""),
            categories,
            obj.start_date.isoformat(),
            obj.end_date.isoformat(),
            str(obj.hours),
            str(obj.places),
            obj.funding_source,
            "" if obj.funding_amount is None else f"{obj.funding_amount:f}",
            certificates.get(obj.certificate_kind, ""),
            obj.certificate_level,
            obj.description,
        ]


# --- enrolments -----------------------------------------------------------------------------

ENROLMENT_UPDATABLE = ("status", "enrolled_on", "completed_on", "dropped_on", "drop_reason")


def _restore_enrolment(key: str, value: Any) -> Any:
    if value is not None and key in ("enrolled_on", "completed_on", "dropped_on"):
        return dt.date.fromisoformat(value)
    return value


def _course_columns() -> tuple[Column, Column, Column]:
    return (
        Column(
            "course",
            "课程名称",
            ("课程", "培训班名称"),
            required=True,
            example="电商直播培训班（第一期）",
        ),  # fmt: skip
        Column(
            "start_date",
            "开班日期",
            ("开课日期",),
            required=True,
            kind="date",
            note="课程的开班日期，用来区分同名的课程",
            example="2025-03-01",
        ),  # fmt: skip
        Column(
            "id_number",
            "身份证号",
            ("身份证号码", "公民身份号码", "证件号码"),
            required=True,
            mask="id",
            note="18位；人员须已登记，且在您负责的范围内",
        ),  # fmt: skip
    )


class EnrolmentsKind(_Base):
    name = "enrolments"
    label = gettext_lazy("培训报名")
    who = gettext_lazy("培训报名")
    model = Enrolment
    key_label = gettext_lazy("课程和身份证号")
    columns = (
        *_course_columns(),
        Column("enrolled_on", "报名日期", (), kind="date", note="不填为开班日期"),
        Column(
            "status",
            "状态",
            ("学习状态",),
            note="在学、已结业、中途退出；不填为 在学",
            example="在学",
        ),
        Column(
            "completed_on",
            "结业日期",
            ("结业或退出日期", "退出日期"),
            kind="date",
            note="已结业的填结业日期，中途退出的填退出日期；不填为课程的结业日期",
        ),
        Column(
            "drop_reason",
            "退出原因",
            (),
            note="身体原因、已就业、家庭原因、交通不便、课程不适合、其他；中途退出的必填",
        ),
    )

    def begin(self) -> None:
        super().begin()
        self._status = _table(EnrolmentStatus, STATUS_SYNONYMS)
        self._status.pop(_fold(str(EnrolmentStatus.REQUESTED.label)), None)
        self._status.pop(EnrolmentStatus.REQUESTED.value, None)
        self._reasons = _table(DropReason, DROP_SYNONYMS)

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        self._check_writer(by)
        out = RowOutcome()
        errors, data = out.errors, out.data

        def error(key: str, message: str) -> None:
            errors.append(CellError(key, message))

        course = self._course(values, error)
        person = self._person(values.get("id_number", ""), by, error)
        enrolled_on = self._date(values, "enrolled_on", "报名日期", error)
        day = self._date(values, "completed_on", "结业日期", error)
        status_text = values.get("status", "")
        status = self._status.get(_fold(status_text)) if _fold(status_text) else None
        if _fold(status_text) and status is None:
            error(
                "status",
                _("“%(v)s”不是可选的状态，请填 在学、已结业 或 中途退出。")
                % {"v": status_text.strip()},
            )
        reason_text = values.get("drop_reason", "")
        reason = self._reasons.get(_fold(reason_text), "") if _fold(reason_text) else ""
        if _fold(reason_text) and not reason:
            note = self.columns[-1].note
            error(
                "drop_reason",
                _("“%(v)s”不是可选的退出原因。%(note)s") % {"v": reason_text.strip(), "note": note},
            )
        if errors or course is None or person is None:
            return out
        today = timezone.localdate()
        status = status or EnrolmentStatus.ENROLLED
        if enrolled_on is None:
            # Left empty: a new enrolment dates from the course start; an existing one keeps its.
            enrolled_on = data["_enrolled_default"] = min(course.start_date, today)
        else:
            data["enrolled_on"] = enrolled_on
        if enrolled_on > today:
            error(
                "enrolled_on",
                _("报名日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()},
            )
        data.update(status=status, completed_on=None, dropped_on=None, drop_reason="")
        if status == EnrolmentStatus.COMPLETED:
            day = day or course.end_date
            if day < course.start_date or day > today:
                error(
                    "completed_on",
                    _("结业日期 %(day)s 应在开班日期（%(start)s）之后、今天之前。")
                    % {"day": day.isoformat(), "start": course.start_date.isoformat()},
                )
            data["completed_on"] = day
        elif status == EnrolmentStatus.DROPPED:
            if not reason:
                error("drop_reason", _("中途退出的请填写退出原因。"))
            day = day or min(course.end_date, today)
            if day < enrolled_on or day > today:
                error(
                    "completed_on",
                    _("退出日期 %(day)s 应在报名日期（%(start)s）之后、今天之前。")
                    % {"day": day.isoformat(), "start": enrolled_on.isoformat()},
                )
            data["dropped_on"], data["drop_reason"] = day, reason
        elif reason:
            error("drop_reason", _("只有中途退出的才填退出原因。"))
        if errors:
            return out
        data["course_id"], data["person_id"] = course.pk, person.pk
        data["_course"], data["_person"] = course, person
        out.key = f"{course.pk}|{person.pk}"
        return out

    def existing(self, keys: list[str]) -> dict[str, Model]:
        courses = {key.split("|")[0] for key in keys}
        persons = {key.split("|")[1] for key in keys}
        rows = Enrolment.objects.filter(course_id__in=courses, person_id__in=persons)
        return {f"{e.course_id}|{e.person_id}": e for e in rows}

    def prepare(
        self, data: dict[str, Any], current: Model | None, *, by: Any
    ) -> tuple[Model, dict[str, tuple[Any, Any]]] | None:
        actor = _actor(by)
        fields = {k: v for k, v in data.items() if not k.startswith("_")}
        if current is None:
            fields.setdefault("enrolled_on", data.get("_enrolled_default"))
            enrolment = Enrolment(id=uuid.uuid4(), created_by=actor, updated_by=actor, **fields)
            return enrolment, {}
        assert isinstance(current, Enrolment)
        changes = apply_row(current, fields, ENROLMENT_UPDATABLE)
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
        actor = _actor(by)
        for enrolment in creates:
            enrolment.import_batch = batch
        Enrolment.objects.bulk_create(creates, batch_size=1000)
        journal = versioned_journal(
            batch=batch, model_label=ENROLMENT_LABEL, creates=creates, updates=updates
        )
        now = timezone.now()
        for enrolment, _diff in updates:
            enrolment.updated_at = now
        if updates:
            fields = sorted(
                {f for _e, diff in updates for f in diff}
                | {"import_batch", "updated_by", "updated_at", "version"}
            )
            Enrolment.objects.bulk_update([e for e, _d in updates], fields, batch_size=1000)
        ImportRecord.objects.bulk_create(journal, batch_size=1000)
        audit_bulk(
            model=Enrolment,
            changes=[
                (e, {"status": (None, e.status), "import_batch": (None, batch.pk)}) for e in creates
            ],
            action=LogEntry.Action.CREATE,
            actor=actor,
            batch=str(batch.pk),
        )
        if updates:
            audit_bulk(
                model=Enrolment, changes=updates, action=LogEntry.Action.UPDATE, actor=actor,
                batch=str(batch.pk),
            )  # fmt: skip

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        journal = list(ImportRecord.objects.filter(batch=batch, model=ENROLMENT_LABEL))
        current = {
            str(e.pk): e for e in Enrolment.objects.filter(pk__in=[j.object_id for j in journal])
        }
        for entry in journal:
            enrolment = current.get(entry.object_id)
            if enrolment is not None and enrolment.version != entry.before.get("_version"):
                raise RollbackError(
                    _(
                        "这个批次导入的报名之后又被修改过，不能自动撤销。请先撤销后面的批次，或逐个修改。"
                    )
                )
        actor = _actor(by)
        created = [
            current[e.object_id]
            for e in journal
            if e.action == ImportRecord.Action.CREATED and e.object_id in current
        ]
        audit_bulk(
            model=Enrolment, changes=[(e, {}) for e in created], action=LogEntry.Action.DELETE,
            actor=actor, batch=str(batch.pk),
        )  # fmt: skip
        try:
            Enrolment.objects.filter(pk__in=[e.pk for e in created]).delete()
        except ProtectedError as exc:
            raise RollbackError(
                _("这个批次导入的报名已有证书记录，不能撤销。如导入有误，请逐个修改。")
            ) from exc
        restored = []
        for entry in journal:
            if entry.action != ImportRecord.Action.UPDATED:
                continue
            values = {
                k: _restore_enrolment(k, v)
                for k, v in entry.before.items()
                if not k.startswith("_")
            }
            Enrolment.objects.filter(pk=entry.object_id).update(
                version=entry.before["_version"] - 1,
                updated_by=actor,
                updated_at=timezone.now(),
                **values,
            )
            restored.append(current[entry.object_id])
        if restored:
            audit_bulk(
                model=Enrolment, changes=[(e, {}) for e in restored],
                action=LogEntry.Action.UPDATE, actor=actor, batch=str(batch.pk),
            )  # fmt: skip

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return Enrolment.objects.select_related("course", "person").order_by(
            "course__start_date", "course__title", "person__name"
        )

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        assert isinstance(obj, Enrolment)
        statuses, reasons = _labels(EnrolmentStatus), _labels(DropReason)
        day = obj.completed_on or obj.dropped_on
        id_number = obj.person.id_number if reveal else mask_id_number(obj.person.id_number)
        return [
            obj.course.title,
            obj.course.start_date.isoformat(),
            id_number,
            obj.enrolled_on.isoformat(),
            statuses.get(obj.status, ""),
            day.isoformat() if day else "",
            reasons.get(obj.drop_reason, ""),
        ]


# --- attendance -----------------------------------------------------------------------------


class AttendanceKind(_Base):
    name = "attendance"
    label = gettext_lazy("培训考勤")
    who = gettext_lazy("培训考勤")
    model = Attendance
    key_label = gettext_lazy("课程、身份证号和上课日期")
    columns = (
        *_course_columns(),
        Column(
            "date",
            "上课日期",
            ("日期", "考勤日期"),
            required=True,
            kind="date",
            example="2025-03-02",
        ),  # fmt: skip
        Column(
            "present",
            "出勤",
            ("是否出勤", "到课"),
            kind="bool",
            note="是 或 否；不填为 是",
            example="是",
        ),  # fmt: skip
    )

    def begin(self) -> None:
        super().begin()
        self._enrolments: dict[Any, dict[Any, Enrolment]] = {}

    def _enrolment(self, course: Course, person: Person) -> Enrolment | None:
        if course.pk not in self._enrolments:
            self._enrolments[course.pk] = {
                e.person_id: e for e in Enrolment.objects.filter(course=course)
            }
        return self._enrolments[course.pk].get(person.pk)

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        from jiuye.training.services.enrolments import attendance_date_error

        self._check_writer(by)
        out = RowOutcome()
        errors, data = out.errors, out.data

        def error(key: str, message: str) -> None:
            errors.append(CellError(key, message))

        course = self._course(values, error)
        person = self._person(values.get("id_number", ""), by, error)
        day = self._date(values, "date", "上课日期", error)
        if not (values.get("date") or "").strip():
            error("date", _("请填写上课日期。"))
        text = (values.get("present") or "").strip()
        try:
            present = parse_bool(text) if text else True
        except ValueError:
            error("present", _("出勤应填“是”或“否”，当前为“%(v)s”。") % {"v": text})
            present = True
        if errors or course is None or person is None or day is None:
            return out
        message = attendance_date_error(course, day)
        if message:
            error("date", message)
            return out
        enrolment = self._enrolment(course, person)
        if enrolment is None:
            error(
                "id_number",
                _("%(name)s 没有报名这个课程，请先为其报名或导入报名。") % {"name": person.name},
            )
            return out
        if enrolment.status == EnrolmentStatus.REQUESTED:
            error("id_number", _("待确认的申请还不能记录考勤，请先确认报名。"))
            return out
        data.update(enrolment_id=enrolment.pk, date=day, present=present)
        out.key = f"{enrolment.pk}|{day.isoformat()}"
        return out

    def existing(self, keys: list[str]) -> dict[str, Model]:
        enrolments = {key.split("|")[0] for key in keys}
        dates = {dt.date.fromisoformat(key.split("|")[1]) for key in keys}
        rows = Attendance.objects.filter(enrolment_id__in=enrolments, date__in=dates)
        return {f"{a.enrolment_id}|{a.date.isoformat()}": a for a in rows}

    def prepare(
        self, data: dict[str, Any], current: Model | None, *, by: Any
    ) -> tuple[Model, dict[str, tuple[Any, Any]]] | None:
        actor = _actor(by)
        if current is None:
            row = Attendance(id=uuid.uuid4(), created_by=actor, updated_by=actor, **data)
            return row, {}
        assert isinstance(current, Attendance)
        changes = apply_row(current, data, ("present",))
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
        actor = _actor(by)
        for row in creates:
            row.import_batch = batch
        Attendance.objects.bulk_create(creates, batch_size=1000)
        journal = [
            ImportRecord(
                batch=batch,
                model=ATTENDANCE_LABEL,
                object_id=str(row.pk),
                action=ImportRecord.Action.CREATED,
                before={},
            )  # fmt: skip
            for row in creates
        ]
        now = timezone.now()
        for row, diff in updates:
            journal.append(
                ImportRecord(
                    batch=batch,
                    model=ATTENDANCE_LABEL,
                    object_id=str(row.pk),
                    action=ImportRecord.Action.UPDATED,
                    before={
                        **{k: journal_value(b) for k, (b, _a) in diff.items()},
                        "import_batch_id": journal_value(row.import_batch_id),
                    },
                )
            )
            row.import_batch = batch
            row.updated_at = now
        if updates:
            Attendance.objects.bulk_update(
                [r for r, _d in updates],
                ["present", "import_batch", "updated_by", "updated_at"],
                batch_size=1000,
            )
        ImportRecord.objects.bulk_create(journal, batch_size=1000)
        audit_bulk(
            model=Attendance,
            changes=[(r, {"present": (None, r.present)}) for r in creates],
            action=LogEntry.Action.CREATE,
            actor=actor,
            batch=str(batch.pk),
        )
        if updates:
            audit_bulk(
                model=Attendance, changes=updates, action=LogEntry.Action.UPDATE, actor=actor,
                batch=str(batch.pk),
            )  # fmt: skip

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        journal = list(ImportRecord.objects.filter(batch=batch, model=ATTENDANCE_LABEL))
        actor = _actor(by)
        created = [e.object_id for e in journal if e.action == ImportRecord.Action.CREATED]
        rows = list(Attendance.objects.filter(pk__in=created))
        audit_bulk(
            model=Attendance, changes=[(r, {}) for r in rows], action=LogEntry.Action.DELETE,
            actor=actor, batch=str(batch.pk),
        )  # fmt: skip
        Attendance.objects.filter(pk__in=created).delete()
        for entry in journal:
            if entry.action == ImportRecord.Action.UPDATED:
                Attendance.objects.filter(pk=entry.object_id).update(
                    updated_by=actor, updated_at=timezone.now(), **entry.before
                )

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return Attendance.objects.select_related("enrolment__course", "enrolment__person").order_by(
            "enrolment__course__start_date", "date"
        )

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        assert isinstance(obj, Attendance)
        person = obj.enrolment.person
        return [
            obj.enrolment.course.title,
            obj.enrolment.course.start_date.isoformat(),
            person.id_number if reveal else mask_id_number(person.id_number),
            obj.date.isoformat(),
            "是" if obj.present else "否",
        ]


register_kind(CoursesKind())
register_kind(EnrolmentsKind())
register_kind(AttendanceKind())
