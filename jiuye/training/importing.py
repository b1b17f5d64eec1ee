"""Import kinds of the training app, declared for the one import framework:

- ``courses``: training courses. Natural key: start date + provider + course title. The
  provider is found by its exact name (a name not registered, or registered twice, is a row
  error). A town officer imports only courses of providers in their town. The course rules
  are ``course_check``, as on the form.
- ``enrolments``: who enrolled in a course (course title + start date), found by ID number in
  the importing user's scope. Natural key: course + person. Status 在学 / 已结业 / 中途退出,
  changed only the ways the enrolment services allow (``enrolment_change_errors``). The import
  is the uploader's confirmation: it may go over a course's places (the enrol form asks).
- ``attendance``: one session day of one enrolment, present or not. Natural key: enrolment +
  date. A date outside the course period is a row error with the service's message.

A batch can be rolled back unless what it wrote was changed since or is used by later records
(a course with enrolments, an enrolment with certificates).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, ErrorSink, actor
from jiuye.core.importing.fields import (
    Bool,
    Choice,
    Date,
    Int,
    Lookup,
    ManyLookup,
    Money,
    Text,
    fold,
)
from jiuye.core.scoping import region_in_scope
from jiuye.people.importing import PersonByIdNumber
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
from jiuye.training.services.enrolments import attendance_date_error, enrolment_change_errors

WRITERS = (Role.DISTRICT, Role.ADMIN, Role.TOWN)

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


class _TrainingKind(DeclaredKind):
    writers = WRITERS

    def begin(self) -> None:
        super().begin()
        self._courses: dict[tuple[str, dt.date], list[Course]] = {}

    def find_course(self, data: dict[str, Any], error: ErrorSink) -> Course | None:
        """The course named by title and start date (the columns every training file has)."""
        title, start = data.get("course") or "", data.get("start_date")
        if not title or start is None:
            return None
        cache_key = (fold(title), start)
        if cache_key not in self._courses:
            self._courses[cache_key] = [
                c
                for c in Course.objects.filter(
                    start_date=start, archived_at__isnull=True, title__contains=title[:10]
                ).select_related("provider")
                if fold(c.title) == cache_key[0]
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


def _course_fields(attr: str) -> tuple[Text, Date]:
    return (
        Text(
            "course",
            "课程名称",
            ("课程", "培训班名称"),
            required=True,
            attr=attr,
            example="电商直播培训班（第一期）",
        ),
        Date(
            "start_date",
            "开班日期",
            ("开课日期",),
            required=True,
            attr="",
            note="课程的开班日期，用来区分同名的课程",
            example="2025-03-01",
        ),
    )


def _person_field(attr: str) -> PersonByIdNumber:
    return PersonByIdNumber(
        attr=attr, inactive=gettext_lazy("%(name)s 已归档或已不在册，不能报名。")
    )


def _category_names(category: DisabilityCategory) -> list[str]:
    return [str(category.code), category.name.removesuffix("残疾")]


# --- courses --------------------------------------------------------------------------------


class CoursesKind(_TrainingKind):
    name = "courses"
    label = gettext_lazy("培训课程")
    who = gettext_lazy("培训课程")
    model = Course
    key_label = gettext_lazy("培训机构、课程名称和开班日期")
    natural_key = ("start_date", "provider", "title")
    create_defaults = {"mode": CourseMode.ONSITE, "hours": 0}
    changed_since = gettext_lazy(
        "这个批次导入的课程（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy(
        "这个批次导入的课程已有报名记录，不能撤销。如导入有误，请逐个修改或归档这些课程。"
    )
    fields = (
        Lookup(
            "provider",
            "培训机构",
            ("培训机构名称", "机构名称", "承办机构"),
            required=True,
            queryset=lambda: Provider.objects.filter(archived_at__isnull=True),
            missing=gettext_lazy(
                "没有名为“%(v)s”的培训机构，请核对名称，或先在“培训机构和基地”中登记。"
            ),
            note="须与“培训机构和基地”中登记的名称完全一致",
            example="东城职业技能培训学校",
        ),
        Text(
            "title",
            "课程名称",
            ("课程", "培训班名称", "班级名称"),
            required=True,
            example="电商直播培训班（第一期）",
        ),
        Choice(
            "kind",
            "培训类型",
            ("类型", "培训类别"),
            required=True,
            choices=CourseKind,
            aliases=KIND_SYNONYMS,
            note="职业技能培训、电商直播短视频培训、盲人医疗按摩培训、盲人保健按摩培训、"
            "创业培训、其他",
            example="电商、直播、短视频培训",
        ),
        Choice(
            "mode",
            "培训方式",
            ("方式",),
            choices=CourseMode,
            aliases=MODE_SYNONYMS,
            blank=CourseMode.ONSITE,
            note="线下、线上、线上线下结合；不填为 线下",
            example="线下",
        ),
        ManyLookup(
            "target_categories",
            "面向残疾类别",
            ("残疾类别", "面向类别"),
            queryset=lambda: DisabilityCategory.objects.filter(disabled_at__isnull=True),
            also=_category_names,
            missing=gettext_lazy(
                "“%(v)s”不是残疾类别。可填：视力、听力、言语、肢体、智力、精神、多重。"
            ),
            note="视力、听力、言语、肢体、智力、精神、多重（或代码 1–7），用顿号分开；"
            "不填表示面向各类别",
            example="肢体、听力",
        ),
        Date(
            "start_date", "开班日期", ("开始日期", "开课日期"), required=True, example="2025-03-01"
        ),
        Date("end_date", "结业日期", ("结束日期",), required=True, example="2025-03-20"),
        Int("hours", "课时", ("学时",), blank=0, note="不填为 0", example="80"),
        Int("places", "名额", ("计划人数", "招生人数"), required=True, example="30"),
        Text("funding_source", "资金来源", ("经费来源",), example="残疾人就业保障金"),
        Money(
            "funding_amount",
            "经费",
            ("经费（元）", "金额"),
            note="元，最多两位小数",
            example="30000",
        ),
        Choice(
            "certificate_kind",
            "可获证书",
            ("证书", "证书类型"),
            choices=CertificateKind,
            aliases=CERTIFICATE_SYNONYMS,
            note="职业技能等级证书、盲人医疗按摩人员从事医疗按摩资格证书、保健按摩职业技能等级证书、"
            "结业证书；没有的留空",
            example="结业证书",
        ),
        Text("certificate_level", "证书等级", ("等级",)),
        Text("description", "说明", ("备注", "培训内容")),
    )

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        provider = data.get("provider")
        town = actor(by) is not None and by.role == Role.TOWN
        if town and not region_in_scope(by, provider.region_id):
            error("provider", _("您只能导入本镇街培训机构的课程。"))

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        return course_check({**self.create_defaults, **self.merged(data, current)})

    def existing_queryset(self) -> Any:
        return Course.objects.filter(archived_at__isnull=True).prefetch_related("target_categories")

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = self.existing_queryset()
        if filters.get("provider"):
            qs = qs.filter(provider__name=filters["provider"])
        return qs.order_by("provider__name", "start_date", "title")


# --- enrolments -----------------------------------------------------------------------------


class EnrolmentsKind(_TrainingKind):
    name = "enrolments"
    label = gettext_lazy("培训报名")
    who = gettext_lazy("培训报名")
    model = Enrolment
    key_label = gettext_lazy("课程和身份证号")
    natural_key = ("course", "id_number")
    also_updates = ("completed_on", "dropped_on")
    changed_since = gettext_lazy(
        "这个批次导入的报名之后又被修改过，不能自动撤销。请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy("这个批次导入的报名已有证书记录，不能撤销。如导入有误，请逐个修改。")
    fields = (
        *_course_fields("course"),
        _person_field("person"),
        Date("enrolled_on", "报名日期", (), note="不填为开班日期"),
        Choice(
            "status",
            "状态",
            ("学习状态",),
            choices=EnrolmentStatus,
            aliases=STATUS_SYNONYMS,
            exclude=(EnrolmentStatus.REQUESTED,),
            blank=EnrolmentStatus.ENROLLED,
            note="在学、已结业、中途退出；不填为 在学",
            example="在学",
        ),
        Date(
            "day",
            "结业日期",
            ("结业或退出日期", "退出日期"),
            attr="",
            note="已结业的填结业日期，中途退出的填退出日期；不填为课程的结业日期",
        ),
        Choice(
            "drop_reason",
            "退出原因",
            (),
            choices=DropReason,
            aliases=DROP_SYNONYMS,
            note="身体原因、已就业、家庭原因、交通不便、课程不适合、其他；中途退出的必填",
        ),
        Text("note", "备注", ("说明",), max_length=300, note="退出原因为“其他”的必填"),
    )

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        course = self.find_course(data, error)
        if course is not None:
            data["course"] = course
        if data.get("enrolled_on") is None:
            data.pop("enrolled_on", None)  # empty: a new one dates from the start
        elif data["enrolled_on"] > timezone.localdate():
            error(
                "enrolled_on",
                _("报名日期不能晚于今天（%(today)s）。")
                % {"today": timezone.localdate().isoformat()},
            )

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        course, today = data["course"], timezone.localdate()
        before = current.status if current is not None else EnrolmentStatus.ENROLLED
        status = data.get("status", before)
        enrolled_on = data.get("enrolled_on") or (
            current.enrolled_on if current is not None else min(course.start_date, today)
        )
        derived: dict[str, Any] = {"enrolled_on": enrolled_on} if current is None else {}
        speaks = any(k in data for k in ("status", "day", "drop_reason"))
        if speaks:
            day = data.get("day")
            if day is None and current is not None and status == before:
                day = current.completed_on or current.dropped_on
            if status == EnrolmentStatus.COMPLETED:
                day = day or course.end_date
            elif status == EnrolmentStatus.DROPPED:
                day = day or min(course.end_date, today)
            else:
                day = None
            dropped = status == EnrolmentStatus.DROPPED
            derived.update(
                status=status,
                completed_on=day if status == EnrolmentStatus.COMPLETED else None,
                dropped_on=day if dropped else None,
                drop_reason=data.get("drop_reason", "") if dropped else "",
            )
        data["_derived"] = derived
        if current is not None and not speaks:
            return {}
        merged = self.merged(data, current)
        errors = enrolment_change_errors(
            before=before,
            status=status,
            on=derived.get("completed_on") or derived.get("dropped_on"),
            start=course.start_date,
            enrolled_on=enrolled_on,
            reason=merged.get("drop_reason") or "",
            note=merged.get("note") or "",
        )
        problems = {
            "status": errors.pop("", []),
            "day": errors.pop("on", []),
            "drop_reason": errors.pop("reason", []),
            "note": errors.pop("note", []),
        }
        if data.get("drop_reason") and status != EnrolmentStatus.DROPPED:
            problems["drop_reason"].append(_("只有中途退出的才填退出原因。"))
        return {key: messages for key, messages in problems.items() if messages}

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**super().model_values(data), **data.get("_derived", {})}

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return Enrolment.objects.select_related("course", "person").order_by(
            "course__start_date", "course__title", "person__name"
        )

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        row = super().export_row(obj, reveal=reveal)
        day = obj.completed_on or obj.dropped_on
        row[0], row[1] = obj.course.title, obj.course.start_date.isoformat()
        row[5] = day.isoformat() if day else ""
        return row


# --- attendance -----------------------------------------------------------------------------


class AttendanceKind(_TrainingKind):
    name = "attendance"
    label = gettext_lazy("培训考勤")
    who = gettext_lazy("培训考勤")
    model = Attendance
    key_label = gettext_lazy("课程、身份证号和上课日期")
    natural_key = ("enrolment", "date")
    changed_since = gettext_lazy(
        "这个批次导入的考勤之后又在考勤表上修改过，不能自动撤销。请逐个修改。"
    )
    fields = (
        *_course_fields(""),
        _person_field(""),
        Date("date", "上课日期", ("日期", "考勤日期"), required=True, example="2025-03-02"),
        Bool(
            "present",
            "出勤",
            ("是否出勤", "到课"),
            blank=True,
            note="是 或 否；不填为 是",
            example="是",
        ),
    )

    def begin(self) -> None:
        super().begin()
        self._enrolments: dict[Any, dict[Any, Enrolment]] = {}

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        course, person = self.find_course(data, error), data["id_number"]
        if course is None:
            return
        message = attendance_date_error(course, data["date"])
        if message:
            error("date", message)
            return
        if course.pk not in self._enrolments:
            self._enrolments[course.pk] = {
                e.person_id: e for e in Enrolment.objects.filter(course=course)
            }
        enrolment = self._enrolments[course.pk].get(person.pk)
        if enrolment is None:
            error(
                "id_number",
                _("%(name)s 没有报名这个课程，请先为其报名或导入报名。") % {"name": person.name},
            )
        elif enrolment.status == EnrolmentStatus.REQUESTED:
            error("id_number", _("待确认的申请还不能记录考勤，请先确认报名。"))
        else:
            data["enrolment"] = enrolment

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return Attendance.objects.select_related("enrolment__course", "enrolment__person").order_by(
            "enrolment__course__start_date", "date"
        )

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        enrolment = obj.enrolment
        return [
            enrolment.course.title,
            enrolment.course.start_date.isoformat(),
            _person_field("person").export(enrolment, reveal=reveal),
            obj.date.isoformat(),
            "是" if obj.present else "否",
        ]


register_kind(CoursesKind())
register_kind(EnrolmentsKind())
register_kind(AttendanceKind())
