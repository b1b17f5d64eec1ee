"""The ``enrolments`` and ``attendance`` kinds."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import dates
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import ErrorSink
from jiuye.core.importing.fields import (
    Bool,
    Choice,
    Date,
    Text,
)
from jiuye.training.importing.courses import (
    TrainingKind,
    course_fields,
    person_field,
)
from jiuye.training.models import (
    Attendance,
    DropReason,
    Enrolment,
    EnrolmentStatus,
)
from jiuye.training.services.enrolments import attendance_date_error, enrolment_change_errors

STATUS_SYNONYMS = {
    **dict.fromkeys(("在学", "在读", "已报名"), EnrolmentStatus.ENROLLED),
    **dict.fromkeys(("已结业", "结业"), EnrolmentStatus.COMPLETED),
    **dict.fromkeys(("中途退出", "退出"), EnrolmentStatus.DROPPED),
}
DROP_SYNONYMS = {"身体": DropReason.HEALTH, "就业": DropReason.EMPLOYED, "家庭": DropReason.FAMILY}


# --- enrolments -----------------------------------------------------------------------------


class EnrolmentsKind(TrainingKind):
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
        *course_fields("course"),
        person_field("person"),
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
        else:
            label, today = _("报名日期"), timezone.localdate()
            for finding in dates.past(data["enrolled_on"], field="", label=label, today=today):
                error("enrolled_on", finding.message)

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


class AttendanceKind(TrainingKind):
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
        *course_fields(""),
        person_field(""),
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
            person_field("person").export(enrolment, reveal=reveal),
            obj.date.isoformat(),
            "是" if obj.present else "否",
        ]


register_kind(EnrolmentsKind())
register_kind(AttendanceKind())
