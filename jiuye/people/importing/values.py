"""The registry import's values: its columns, the short forms staff write, the quick paths of
reading a cell (patterns compiled once) and the export of a person in the template's columns.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from jiuye.core.importing import CellError
from jiuye.core.importing.fields import Field
from jiuye.core.masking import mask_certificate_number, mask_id_number, mask_phone
from jiuye.core.validators import CERTIFICATE_CATEGORY_NAMES
from jiuye.people.models import (
    AssistiveNeed,
    Education,
    HukouType,
    MaritalStatus,
    MonitoringCategory,
    Person,
    WishToWork,
)
from jiuye.people.services.person import BACKGROUND_FIELDS

ID_PURPOSE = "person.id_number"
CERTIFICATE_PURPOSE = "person.certificate"

GRADE_NAMES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}
CATEGORY_BY_NAME = {}
for _code, _name in CERTIFICATE_CATEGORY_NAMES.items():
    CATEGORY_BY_NAME[_name] = int(_code)
    CATEGORY_BY_NAME[f"{_name}残疾"] = int(_code)
# Choices as their plain values, not the enum members: a worker process sends every row's
# values to the importing process, and unpickling an enum member costs a look-up by value
# (several µs a row for the three of them); the database stores the same text either way.
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
HUKOU = {label: value.value for label, value in HUKOU.items()}
WISH = {label: value.value for label, value in WISH.items()}
EDUCATION = {label: str(value) for label, value in EDUCATION.items()}
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
    *BACKGROUND_FIELDS,
    "hard_to_employ_date",
    "hard_to_employ_reasons",
    "low_income",
    "wish_to_work",
    "skills",
    "assistive_needs",
]
# The columns each of them comes from, where it is not the field's own name.
SOURCE = {
    "sex": ("id_number",),
    "birth_date": ("id_number",),
    "region_id": ("region",),
    "certificate_index": ("certificate_number",),
    "category_id": ("category", "certificate_number"),
    "grade_id": ("grade", "certificate_number"),
}

# Compiled once. The plain patterns recognise the common case (already normalised ASCII), which
# is decided here without the general path; anything else takes the general path, so the
# values and messages are the same either way.
_PLAIN_CERTIFICATE = re.compile(r"\d{17}[\dX][1-7][1-4]\d{0,2}", re.ASCII)
_PLAIN_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_PHONE_SEPARATORS = re.compile(r"[\s\-]")
_PHONE_COUNTRY_CODE = re.compile(r"^(\+?86)(?=1\d{10}$)", re.ASCII)
_PHONE = re.compile(r"(\+?86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}", re.ASCII)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_YEAR = re.compile(r"(19|20)\d\d")
_NEEDS_SEPARATORS = re.compile(r"[、,，;；\s]+")
_PLAIN_BOOL = {"是": True, "否": False, "": False}


def choice_of(table: dict[str, str], text: str, header: str, errors: list[CellError]) -> str:
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


def category_of(text: str, errors: list[CellError]) -> int | None:
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


def grade_of(text: str, errors: list[CellError]) -> int | None:
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


COLUMNS = (
    Field("name", "姓名", ("名字",), required=True, example="张三"),
    Field(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "证件号码"),
        required=True,
        mask="id",
        note="18位，最后一位可以是X",
        example="44019919900307123X",
    ),
    Field(
        "certificate_number",
        "残疾人证号",
        ("残疾证号", "残疾人证号码", "证号"),
        mask="id",
        note="20位：身份证号+类别+等级；补发证可多1–2位",
        example="44019919900307123X42",
    ),
    Field(
        "category",
        "残疾类别",
        ("类别",),
        note="1–7 或 视力、听力、言语、肢体、智力、精神、多重",
        example="4",
    ),
    Field("grade", "残疾等级", ("等级",), note="1–4 或 一级…四级", example="2"),
    Field(
        "phone",
        "联系电话",
        ("手机", "手机号", "电话", "联系方式"),
        mask="phone",
        example="13812345678",
    ),
    Field("ethnicity", "民族", example="汉族"),
    Field("address", "住址", ("地址", "家庭住址", "现住址"), example="建设路1号"),
    Field(
        "region",
        "村社区代码",
        ("区划代码", "所在村社区代码", "村（社区）代码"),
        required=True,
        note="12位统计用区划代码",
        example="440199001001",
    ),
    Field("hukou_type", "户口性质", ("户籍性质",), note="农业 或 非农业", example="非农业"),
    Field("education", "文化程度", ("学历",), example="初中"),
    Field("is_student", "在校学生", note="是 或 否", example="否"),
    Field("school", "学校"),
    Field("major", "专业"),
    Field("graduation_year", "毕业年份"),
    Field("marital_status", "婚姻状况", note="未婚、已婚、离婚、丧偶", example="已婚"),
    Field(
        "monitoring_category",
        "防返贫监测类别",
        ("监测类别",),
        note="脱贫不稳定户、边缘易致贫户、突发严重困难户；不是监测对象留空",
    ),
    Field("monitoring_identified", "纳入监测日期"),
    Field("hard_to_employ_date", "就业困难认定日期"),
    Field("hard_to_employ_reasons", "就业困难认定原因"),
    Field("low_income", "低保", ("低保对象",), note="是 或 否", example="否"),
    Field("wish_to_work", "就业意愿", note="有、无、不清楚", example="有"),
    Field("skills", "技能特长", ("技能",), example="电商客服"),
    Field("assistive_needs", "无障碍需求", note="用“、”分隔，如：读屏软件、手语翻译"),
)


def _label(table: dict[str, str], value: str) -> str:
    for label, code in table.items():
        if code == value and label:
            return label
    return ""


def export_row(person: Person, *, reveal: bool) -> list[str]:
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
