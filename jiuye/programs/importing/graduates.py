"""The ``graduates`` kind: the education bureau's list of students with disabilities.

Natural key: ID number (its blind index) + school + year of entry, so the list of next term
updates the lines it already sent (a new major, a later graduation year, a new phone) and adds
only new students. Every row that is right is kept, registered or not: a row whose ID number is
not in the registry is imported as an unmatched line, which the district registers or rejects
on the unmatched list (never dropped). A line matched once stays matched; an unmatched line is
matched by a later import, or from the list, once its person is registered. A rejected line
stays rejected when the list comes again. Only district staff import it: the list is the
district's exchange with the bureau, and its unmatched rows are the district's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, ErrorSink
from jiuye.core.importing.fields import Choice, Int, Text
from jiuye.core.validators import validate_resident_id
from jiuye.people.importing.person_field import masked_id_message
from jiuye.people.services import id_number_index
from jiuye.programs.models.graduates import DegreeLevel, GraduateRecord
from jiuye.programs.services.graduates import persons_by_index

DEGREE_SYNONYMS = {
    **dict.fromkeys(("中专", "中职", "职高", "技校"), DegreeLevel.SECONDARY),
    **dict.fromkeys(("专科", "大专", "高职", "高职专科"), DegreeLevel.JUNIOR_COLLEGE),
    **dict.fromkeys(("大学本科", "学士"), DegreeLevel.BACHELOR),
    **dict.fromkeys(("硕士", "研究生"), DegreeLevel.MASTER),
    **dict.fromkeys(("博士",), DegreeLevel.DOCTOR),
}


def study_check(values: dict[str, Any]) -> dict[str, list[str]]:
    """The rule of a line's years: graduation not before entry, and entry not in the future."""
    problems: dict[str, list[str]] = {}
    entry, graduation = values.get("entry_year"), values.get("graduation_year")
    if entry and entry > timezone.localdate().year:
        problems["entry_year"] = [_("入学年份不能晚于今年。")]
    if entry and graduation and graduation < entry:
        problems["graduation_year"] = [_("预计毕业年份不能早于入学年份。")]
    return problems


class GraduatesKind(DeclaredKind):
    name = "graduates"
    label = gettext_lazy("教育部门残疾学生名单")
    who = gettext_lazy("教育部门残疾学生名单")
    model = GraduateRecord
    key_label = gettext_lazy("身份证号、学校和入学年份")
    natural_key = ("id_number_index", "school", "entry_year")
    writers = (Role.ADMIN, Role.DISTRICT)
    also_updates = ("person_id",)
    changed_since = gettext_lazy(
        "这个批次导入的“%(record)s”之后又被匹配、登记或处理过，不能自动撤销。请逐个核对。"
    )
    fields = (
        Text("name", "姓名", ("学生姓名",), required=True, max_length=50, example="王小明"),
        Text(
            "id_number",
            "身份证号",
            ("身份证号码", "公民身份号码", "证件号码"),
            required=True,
            mask="id",
            note="18位；残疾人名单中没有的，导入后列入“待匹配”由区残联登记或不予登记",
            example="440199200401011234",
        ),
        Text(
            "school",
            "学校",
            ("学校名称", "院校", "院校名称", "就读学校"),
            required=True,
            max_length=100,
            example="广州职业技术学院",
        ),
        Text("major", "专业", ("所学专业", "专业名称"), max_length=100, example="软件技术"),
        Choice(
            "degree_level",
            "学历层次",
            ("学历", "培养层次", "层次"),
            choices=DegreeLevel,
            aliases=DEGREE_SYNONYMS,
            note="中职、高职（专科）、本科、硕士研究生、博士研究生、其他",
            example="高职（专科）",
        ),
        Int(
            "entry_year",
            "入学年份",
            ("入学年度", "入学时间", "年级"),
            required=True,
            minimum=1990,
            maximum=2100,
            example="2023",
        ),
        Int(
            "graduation_year",
            "预计毕业年份",
            ("毕业年份", "预计毕业时间", "毕业年度"),
            required=True,
            minimum=1990,
            maximum=2100,
            example="2026",
        ),
        Text(
            "phone",
            "联系电话",
            ("联系方式", "手机号", "手机号码"),
            max_length=30,
            mask="phone",
            example="13800138000",
        ),
    )

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        text = data.get("id_number", "")
        try:
            data["id_number"] = validate_resident_id(text)
        except ValidationError as exc:
            error("id_number", masked_id_message() if "*" in text else exc.messages[0])
            return
        data["id_number_index"] = id_number_index(data["id_number"])

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        if current is not None and current.person_id is None and not current.is_archived:
            # An unmatched line whose person has been registered since is linked now.
            person = persons_by_index({data["id_number_index"]}).get(data["id_number_index"])
            if person is not None:
                data["_person_id"] = person.pk
        return study_check(self.merged(data, current))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        values = super().model_values(data)
        if "_person_id" in data:
            values["person_id"] = data["_person_id"]
        return values

    def existing(self, keys: list[str]) -> dict[str, Model]:
        indexes = {key.split("|", 1)[0] for key in keys}
        wanted, found = set(keys), {}
        for record in GraduateRecord.objects.filter(id_number_index__in=indexes):
            key = self.record_key(record)
            if key in wanted:
                found[key] = record
        return found

    def before_write(self, *, creates: list[Model], updates: list[Any], by: Any) -> None:
        # Link new lines to the registry; an existing unmatched line is linked afterwards.
        persons = persons_by_index({r.id_number_index for r in creates})
        for record in creates:
            person = persons.get(record.id_number_index)
            record.person_id = person.pk if person is not None else None

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = GraduateRecord.objects.filter(archived_at__isnull=True)
        if filters.get("graduation_year"):
            qs = qs.filter(graduation_year=filters["graduation_year"])
        return qs.order_by("graduation_year", "school", "name")


register_kind(GraduatesKind())
