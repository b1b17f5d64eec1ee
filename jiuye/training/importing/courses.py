"""The ``courses`` kind, and what every training kind shares: the writer roles, a course
found by title and start date, a person by ID number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, ErrorSink, actor
from jiuye.core.importing.fields import (
    Choice,
    Date,
    Int,
    Lookup,
    Money,
    Text,
    fold,
)
from jiuye.core.scoping import region_in_scope
from jiuye.people.importing import PersonByIdNumber
from jiuye.reference.importing import categories_field
from jiuye.training.models import (
    CertificateKind,
    Course,
    CourseKind,
    CourseMode,
    Provider,
)
from jiuye.training.services.courses import course_check

WRITERS = (Role.DISTRICT, Role.ADMIN, Role.TOWN)

# Short forms people write for a value, beside its label and code.
KIND_SYNONYMS = {
    **dict.fromkeys(("职业技能", "技能培训"), CourseKind.VOCATIONAL),
    **dict.fromkeys(("电商", "直播", "短视频", "电商直播"), CourseKind.ECOMMERCE),
    **dict.fromkeys(("医疗按摩", "盲人医疗按摩"), CourseKind.MEDICAL_MASSAGE),
    **dict.fromkeys(("保健按摩", "盲人保健按摩"), CourseKind.HEALTH_MASSAGE),
    "创业": CourseKind.ENTREPRENEURSHIP,
}
MODE_SYNONYMS = {
    **dict.fromkeys(("现场", "面授"), CourseMode.ONSITE),
    "网络": CourseMode.ONLINE,
    **dict.fromkeys(("混合", "线上线下"), CourseMode.MIXED),
}
CERTIFICATE_SYNONYMS = {
    "无": "",
    **dict.fromkeys(("职业技能等级", "技能等级证书"), CertificateKind.SKILL_LEVEL),
    **dict.fromkeys(("医疗按摩资格证", "医疗按摩资格证书"), CertificateKind.MEDICAL_MASSAGE),
    "保健按摩证书": CertificateKind.HEALTH_MASSAGE,
    "结业证": CertificateKind.COMPLETION,
}


class TrainingKind(DeclaredKind):
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


def course_fields(attr: str) -> tuple[Text, Date]:
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


def person_field(attr: str) -> PersonByIdNumber:
    return PersonByIdNumber(
        attr=attr, inactive=gettext_lazy("%(name)s 已归档或已不在册，不能报名。")
    )


# --- courses --------------------------------------------------------------------------------


class CoursesKind(TrainingKind):
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
        categories_field(
            "target_categories",
            "面向残疾类别",
            ("残疾类别", "面向类别"),
            blank="不填表示面向各类别",
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
        return (
            Course.objects.filter(archived_at__isnull=True)
            .select_related("provider")
            .prefetch_related("target_categories")
        )

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = self.existing_queryset()
        if filters.get("provider"):
            qs = qs.filter(provider__name=filters["provider"])
        return qs.order_by("provider__name", "start_date", "title")


register_kind(CoursesKind())
