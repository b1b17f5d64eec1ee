"""Realistic synthetic persons with disabilities, for demos, benchmarks and tests.

Every row is a plain ``dict`` keyed by the Chinese headers of the persons import template
(:data:`COLUMNS`), with every value a string, so the same rows can be written to a CSV for the
import framework or turned into model objects by the ``demo_data`` command.

The generator is a stream driven by one seeded ``random.Random``: a seed always gives the same
rows, and the first *n* rows do not depend on how many are asked for (``--persons 3000`` then
``--persons 5000`` with the same seed adds exactly 2,000). Ages and dates are taken against a
fixed reference date (:data:`REFERENCE_DATE`), not today, so the output does not drift day by
day. Memory does not grow with the number of rows beyond one counter per birth date in use.

Where the shares come from (stated so they can be argued with; none is policy):

* Category shares: 2nd China National Sample Survey on Disability (2006) bulletin — vision
  14.86%, hearing 24.16%, speech 1.53%, physical 29.07%, intellectual 6.68%, psychosocial 7.40%,
  multiple 16.30%. These are exact marginals here; age is drawn *given* the category.
* Sex: same survey, 51.55% male.
* Grades: same survey, grade 1–2 (severe) ≈ 29.6%, grade 3–4 ≈ 70.4%. The split inside each pair
  and the tilt by category (intellectual, psychosocial and multiple more often severe; hearing
  more often mild) are our assumptions, tuned so the overall severe share stays ≈ 30%.
* Age: the survey found over half of all disabled persons aged 60+; certificate holders, who are
  what a registry holds, are younger, so we use ≈ 44% aged 60+ (assumption) and tilt by category
  (hearing and vision older, intellectual and speech younger).
* Residence: the brief for the demo district asks for ≈ 60% rural hukou (the 2006 national
  figure was ≈ 75%, a Guangzhou district is more urban). Persons live more often in villages
  (村, codes x2xx) than in communities (社区, x0xx), and hukou follows the place with exceptions.
* Ethnicity: ≈ 96% Han, the rest from minorities common in Guangdong (assumption; the national
  share of Han in the 2020 census is 91.1%).
* Education: by age cohort, older persons much less schooled (assumption, shaped after the 2006
  survey's high illiteracy among the elderly disabled).
* Hard-to-employ (就业困难人员认定): ≈ 8% of all rows, all of working age (assumption).
* Poverty-return monitoring (防返贫监测): ≈ 5% of rows, mostly rural (assumption).
* 低保: ≈ 18% of rows, more among rural, severe and monitored persons (assumption, verify against
  the local civil-affairs figures).
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from jiuye.core.validators import resident_id_check_char
from jiuye.reference.working_age import in_working_age, shipped_rule

__all__ = [
    "ASSISTIVE_NEED_LABELS",
    "COLUMNS",
    "HARD_TO_EMPLOY_OFFICE",
    "REFERENCE_DATE",
    "Village",
    "generate_persons",
    "load_villages",
    "write_csv",
]

T = TypeVar("T")

# The headers of the persons import template, in template order.
COLUMNS: tuple[str, ...] = (
    "姓名",
    "身份证号",
    "残疾人证号",
    "残疾类别",
    "残疾等级",
    "联系电话",
    "民族",
    "住址",
    "村社区代码",
    "户口性质",
    "文化程度",
    "在校学生",
    "学校",
    "专业",
    "毕业年份",
    "婚姻状况",
    "防返贫监测类别",
    "纳入监测日期",
    "就业困难认定日期",
    "就业困难认定原因",
    "低保",
    "就业意愿",
    "技能特长",
    "无障碍需求",
)

REFERENCE_DATE = dt.date(2026, 1, 1)
HARD_TO_EMPLOY_OFFICE = "区人力资源和社会保障局"
REGIONS_CSV = Path(__file__).resolve().parents[2] / "reference" / "data" / "regions.csv"
DEMO_DISTRICT = "440199"

# Labels of jiuye.people.models.AssistiveNeed (a test keeps the two in step).
ASSISTIVE_NEED_LABELS: dict[str, str] = {
    "screen_reader": "读屏软件",
    "braille": "盲文",
    "sign_language": "手语翻译",
    "captions": "字幕/文字沟通",
    "wheelchair": "轮椅无障碍通道",
    "accessible_toilet": "无障碍卫生间",
    "easy_read": "简明易懂的材料",
    "job_coach": "就业辅导员",
    "flexible_hours": "弹性工作时间",
}


@dataclass(frozen=True)
class Village:
    """A village or community persons live in; names are only used to write addresses."""

    code: str
    name: str = ""
    town: str = ""
    district: str = ""

    @property
    def is_rural(self) -> bool:
        # Statistical division codes number neighbourhood committees (社区) 001–199 and village
        # committees (村) 200–399.
        return self.code[9:] >= "200"


def load_villages(district: str = DEMO_DISTRICT, path: Path = REGIONS_CSV) -> list[Village]:
    """Villages and communities of ``district`` (6-digit prefix) from a ``code,name`` CSV."""
    names: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            names[row["code"].strip()] = row["name"].strip()
    district_name = names.get(district.ljust(12, "0"), "")
    return [
        Village(code, name, names.get(code[:9] + "000", ""), district_name)
        for code, name in sorted(names.items())
        if code.startswith(district) and code[9:] != "000"
    ]


def _villages(villages: Sequence[Village | str] | None) -> list[Village]:
    if villages is None:
        found = load_villages()
    else:
        known = {v.code: v for v in load_villages()} if REGIONS_CSV.exists() else {}
        found = [
            v if isinstance(v, Village) else known.get(v, Village(v))
            for v in villages  # codes may be given alone
        ]
    if not found:
        raise ValueError("no villages to place persons in")
    for village in found:
        if len(village.code) != 12 or not village.code.isdigit() or village.code[9:] == "000":
            raise ValueError(f"{village.code!r} is not a 12-digit village or community code")
    return found


class _Pick(Generic[T]):
    """Weighted choice with precomputed cumulative weights (``random.choices`` rebuilds them)."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        values, weights = zip(*pairs, strict=True)
        self.values: tuple[T, ...] = values
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


# --- Disability ----------------------------------------------------------------------------

CATEGORY = _Pick([(4, 29.07), (2, 24.16), (7, 16.30), (1, 14.86), (6, 7.40), (5, 6.68), (3, 1.53)])
# Grade 1..4 weights by category; overall severe (1–2) share ≈ 30%.
GRADE = {
    1: _Pick(zip((1, 2, 3, 4), (15, 17, 25, 43), strict=True)),
    2: _Pick(zip((1, 2, 3, 4), (8, 14, 30, 48), strict=True)),
    3: _Pick(zip((1, 2, 3, 4), (10, 20, 35, 35), strict=True)),
    4: _Pick(zip((1, 2, 3, 4), (10, 17, 30, 43), strict=True)),
    5: _Pick(zip((1, 2, 3, 4), (12, 25, 38, 25), strict=True)),
    6: _Pick(zip((1, 2, 3, 4), (10, 28, 40, 22), strict=True)),
    7: _Pick(zip((1, 2, 3, 4), (18, 22, 30, 30), strict=True)),
}

# --- Age (in completed years at REFERENCE_DATE) --------------------------------------------

AGE_BANDS = (
    (0, 15),
    (16, 24),
    (25, 34),
    (35, 44),
    (45, 54),
    (55, 59),
    (60, 69),
    (70, 79),
    (80, 95),
)
_AGE_BASE = (4, 6, 9, 12, 15, 10, 20, 15, 9)
_AGE_TILT = {
    1: (0.7, 0.8, 0.8, 0.9, 1.0, 1.0, 1.1, 1.3, 1.5),
    2: (0.6, 0.6, 0.6, 0.7, 0.8, 1.0, 1.2, 1.5, 1.9),
    3: (2.5, 2.0, 1.5, 1.2, 1.0, 0.8, 0.6, 0.5, 0.4),
    4: (0.5, 0.8, 1.0, 1.1, 1.2, 1.1, 1.1, 0.9, 0.7),
    5: (3.0, 2.5, 1.8, 1.3, 1.0, 0.7, 0.5, 0.3, 0.2),
    6: (0.3, 1.2, 1.6, 1.6, 1.4, 1.0, 0.7, 0.5, 0.3),
    7: (1.2, 0.8, 0.8, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4),
}
AGE_BAND = {
    category: _Pick(
        zip(AGE_BANDS, (b * t for b, t in zip(_AGE_BASE, tilt, strict=True)), strict=True)
    )
    for category, tilt in _AGE_TILT.items()
}
MALE_SHARE = 0.5155
# Working age: the app's one rule (jiuye.reference.working_age), as shipped and in force on the
# reference date (the 2025 retirement reform: the retirement age rises by birth month).
WORKING_AGE_RULE = shipped_rule(REFERENCE_DATE)

# --- Names ----------------------------------------------------------------------------------

# Surnames weighted towards Guangdong's most common (陈, 李, 黄, 张, 梁, 林 …).
SURNAME = _Pick(
    [
        ("陈", 10), ("李", 8), ("黄", 7), ("张", 6), ("梁", 5), ("林", 5), ("刘", 5),
        ("吴", 4), ("罗", 3.5), ("何", 3.5), ("郑", 3), ("杨", 3), ("王", 3), ("谢", 2.5),
        ("郭", 2), ("周", 2), ("邓", 2), ("冯", 2), ("曾", 2), ("蔡", 1.5), ("许", 1.5),
        ("叶", 1.5), ("彭", 1.2), ("苏", 1.2), ("潘", 1.2), ("钟", 1.2), ("卢", 1.2),
        ("朱", 1), ("马", 1), ("胡", 1), ("赖", 1), ("余", 1), ("方", 0.8), ("邱", 0.8),
        ("江", 0.8), ("徐", 0.8), ("孙", 0.6), ("赵", 0.6), ("欧阳", 0.3), ("司徒", 0.15),
    ]
)  # fmt: skip
GIVEN_MALE = "伟强磊军勇杰涛明超华建国志文斌辉俊峰浩鹏宇轩泽晨博嘉家振海永德荣锦添耀健彬龙坤锋"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玉兰梅婷雪琳欣怡佳颖慧萍燕红凤桂淑诗雨梓晓思月彤妍琪倩洁"
GIVEN_ANY = "子文晓嘉明俊思诗家永宇安"

# --- Household and situation ------------------------------------------------------------------

ETHNICITY = _Pick(
    [
        ("汉族", 96.0), ("壮族", 1.2), ("瑶族", 0.6), ("土家族", 0.6), ("苗族", 0.5),
        ("侗族", 0.3), ("畲族", 0.2), ("回族", 0.2), ("满族", 0.2), ("蒙古族", 0.1),
        ("布依族", 0.1),
    ]
)  # fmt: skip
# Mobile number prefixes in use by the three carriers (and 19x).
PHONE_PREFIX = tuple(
    str(prefix)
    for prefix in (*range(130, 140), 150, 151, 152, 153, *range(155, 160), 166, 173)
    + (*range(175, 179), *range(180, 190), 191, 195, 198, 199)
)
# Persons are spread unevenly: villages (村) weigh more than urban communities (社区).
RURAL_VILLAGE_WEIGHT = 1.7
RURAL_HUKOU_SHARE = {True: 0.92, False: 0.22}  # by "lives in a 村"

EDUCATION_BY_AGE = (
    # (min age, weights over 未上学 小学 初中 高中 中专/职高 大专 本科 研究生)
    (60, (35, 40, 17, 5, 2, 1, 0, 0)),
    (45, (12, 33, 35, 11, 5, 3, 1, 0)),
    (30, (6, 18, 38, 15, 12, 7, 4, 0)),
    (16, (5, 10, 30, 15, 20, 12, 7, 1)),
)
EDUCATION_LABELS = ("未上学", "小学", "初中", "高中", "中专/职高", "大专", "本科", "研究生")
EDUCATION = [
    (min_age, _Pick(zip(EDUCATION_LABELS, weights, strict=True)))
    for min_age, weights in EDUCATION_BY_AGE
]
GRADUATION_AGE = {"高中": 18, "中专/职高": 18, "大专": 21, "本科": 22, "研究生": 25}

SPECIAL_SCHOOL = "示范区特殊教育学校"
SCHOOLS = {
    "高中": ("示范区第一中学", "示范区第二中学", SPECIAL_SCHOOL),
    "中专/职高": ("广州市启聪学校", "广州市启明学校", "示范区职业技术学校", "广州市残疾人职业学校"),
    "大专": ("广东轻工职业技术学院", "广州番禺职业技术学院", "广东科学技术职业学院"),
    "本科": ("广州大学", "华南师范大学", "长春大学特殊教育学院", "北京联合大学特殊教育学院"),
    "研究生": ("华南师范大学", "中山大学", "广州大学"),
}
MAJORS = {
    1: ("针灸推拿", "中医康复技术", "音乐表演", "钢琴调律"),
    2: ("视觉传达设计", "服装与服饰设计", "动漫制作技术", "计算机应用技术", "工艺美术"),
    0: ("计算机应用技术", "电子商务", "会计", "市场营销", "社会工作", "软件技术", "康复治疗技术"),
}
MARITAL_BY_AGE = (
    # (min age, weights over 未婚 已婚 离婚 丧偶)
    (60, (6, 62, 3, 29)),
    (45, (12, 75, 7, 6)),
    (30, (25, 68, 6, 1)),
    (20, (70, 28, 2, 0)),
)
MARITAL_LABELS = ("未婚", "已婚", "离婚", "丧偶")
MARITAL = [
    (min_age, _Pick(zip(MARITAL_LABELS, weights, strict=True)))
    for min_age, weights in MARITAL_BY_AGE
]
# Intellectual, psychosocial and multiple disabilities marry much less often.
MARITAL_SINGLE_BOOST = {5: 0.45, 6: 0.3, 7: 0.2}

MONITORING = _Pick([("脱贫不稳定户", 35), ("边缘易致贫户", 45), ("突发严重困难户", 20)])
MONITORING_SHARE = {"农业": 0.075, "非农业": 0.0125}  # ≈ 5% at 60% rural
MONITORING_START = dt.date(2021, 1, 1)  # the monitoring mechanism as it runs now
# ≈ 8% of all rows; only working-age, non-student persons qualify (≈ 47% of rows).
HARD_TO_EMPLOY_SHARE = 0.18
LOW_INCOME_SHARE = {"农业": 0.2, "非农业": 0.13}

WISH = {
    "working": _Pick([("有", 45), ("无", 30), ("不清楚", 25)]),
    "working_severe": _Pick([("有", 28), ("无", 47), ("不清楚", 25)]),
    "student": _Pick([("有", 60), ("无", 10), ("不清楚", 30)]),
    "older": _Pick([("有", 3), ("无", 80), ("不清楚", 17)]),
}
SKILLS = {
    1: ("盲人按摩", "保健按摩", "钢琴调律", "有声读物录制", "电话客服"),
    2: ("手工编织", "服装缝纫", "平面设计", "电脑操作", "烘焙", "摄影"),
    3: ("电脑操作", "平面设计", "烘焙", "手工艺品制作"),
    4: ("电脑操作", "电商运营", "网络直播", "手工艺品制作", "会计", "家电维修", "客服"),
    5: ("清洁保洁", "手工串珠", "简单包装", "园艺"),
    6: ("手工艺品制作", "园艺", "电脑打字", "清洁保洁"),
    7: ("手工艺品制作", "简单包装", "园艺"),
}
RURAL_SKILLS = ("种植", "养殖", "农产品加工", "农村电商")
ADDRESS_ROADS = ("文明路", "建设路", "人民路", "中山路", "解放路", "新华街", "青年路", "滨江路")


class _Sequences:
    """Hands out unique 3-digit sequence numbers per (region, birth date) with the sex parity.

    Odd numbers are men's, even women's (GB 11643-1999). Within a day the numbers step by a
    stride coprime with the pool size from a random start, so they look scattered yet never
    repeat; a full day (500 men or 499 women born the same day) is reported as ``None``.
    """

    STRIDE = 37

    def __init__(self) -> None:
        self._days: dict[tuple[str, int], list[int]] = {}
        self._digits: dict[int, str] = {}  # birth date ordinal -> "YYYYMMDD" (strftime is slow)

    def first17(self, region6: str, birth: dt.date, seq: int) -> str:
        ordinal = birth.toordinal()
        digits = self._digits.get(ordinal)
        if digits is None:
            digits = self._digits[ordinal] = f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
        return f"{region6}{digits}{seq:03d}"

    def take(self, rng: random.Random, region6: str, birth: dt.date, male: bool) -> int | None:
        key = (region6, birth.toordinal())
        day = self._days.get(key)
        if day is None:
            day = self._days[key] = [rng.randrange(500), 0, 0]
        slot = 1 if male else 2
        used = day[slot]
        size = 500 if male else 499
        if used >= size:
            return None
        day[slot] = used + 1
        index = (day[0] + used * self.STRIDE) % size
        return index * 2 + 1 if male else index * 2 + 2  # 001–999 odd, 002–998 even


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _pick_for_age(table: list[tuple[int, _Pick[str]]], age: int, rng: random.Random) -> str:
    for min_age, pick in table:
        if age >= min_age:
            return pick(rng)
    return table[-1][1](rng)


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = (end - start).days
    return start + dt.timedelta(days=rng.randint(0, max(span, 0)))


def _name(rng: random.Random, male: bool) -> str:
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    first = rng.choice(pool if rng.random() < 0.75 else GIVEN_ANY)
    if rng.random() < 0.2:
        return SURNAME(rng) + first
    return SURNAME(rng) + first + rng.choice(pool)


def _assistive_needs(rng: random.Random, category: int, grade: int) -> list[str]:
    severe = grade <= 2
    needs: list[str] = []

    def maybe(code: str, chance: float) -> None:
        if code not in needs and rng.random() < chance:
            needs.append(code)

    components = [category]
    if category == 7:
        # A multiple disability combines two others, physical and hearing the most often.
        first = rng.choice((4, 4, 2, 2, 1, 5, 6, 3))
        second = rng.choice([c for c in (4, 2, 1, 5, 6, 3) if c != first])
        components = [first, second]
    for part in components:
        if part == 1:
            maybe("screen_reader", 0.8 if severe else 0.45)
            maybe("braille", 0.5 if severe else 0.1)
        elif part == 2:
            maybe("sign_language", 0.7 if severe else 0.25)
            maybe("captions", 0.7 if severe else 0.5)
        elif part == 3:
            maybe("captions", 0.6)
        elif part == 4:
            maybe("wheelchair", 0.8 if severe else (0.3 if grade == 3 else 0.1))
            maybe("accessible_toilet", 0.6 if severe else 0.15)
        elif part == 5:
            maybe("easy_read", 0.8)
            maybe("job_coach", 0.5)
        elif part == 6:
            maybe("flexible_hours", 0.6)
            maybe("job_coach", 0.4)
    return needs


def generate_persons(
    n: int | None = None,
    *,
    seed: int = 1,
    villages: Sequence[Village | str] | None = None,
    as_of: dt.date = REFERENCE_DATE,
) -> Iterator[dict[str, str]]:
    """Yield ``n`` persons (endlessly when ``n`` is None) as rows keyed by :data:`COLUMNS`.

    ``villages`` defaults to every village and community of the demo district in the shipped
    regions CSV; the ID numbers carry the first six digits of each person's village code.
    """
    rng = random.Random(seed)
    places = _villages(villages)
    village_pick = _Pick(
        (village, RURAL_VILLAGE_WEIGHT if village.is_rural else 1.0) for village in places
    )
    sequences = _Sequences()
    as_of_ordinal = as_of.toordinal()
    earliest = dt.date(1900, 1, 1)
    count = itertools.count() if n is None else range(n)
    for _ in count:
        category: int = CATEGORY(rng)
        grade: int = GRADE[category](rng)
        severe = grade <= 2
        male = rng.random() < MALE_SHARE
        sex = "M" if male else "F"
        low, high = AGE_BAND[category](rng)
        age_years = rng.randint(low, high)
        # About age_years old, the birthday anywhere in the year (the exact age follows below).
        birth = dt.date.fromordinal(
            max(
                as_of_ordinal - age_years * 365 - age_years // 4 - rng.randint(1, 365),
                earliest.toordinal(),
            )
        )
        village: Village = village_pick(rng)
        region6 = village.code[:6]
        seq = sequences.take(rng, region6, birth, male)
        while seq is None:  # a full day: move to the day before
            birth -= dt.timedelta(days=1)
            seq = sequences.take(rng, region6, birth, male)
        first17 = sequences.first17(region6, birth, seq)
        id_number = first17 + resident_id_check_char(first17)
        age = _age_on(birth, as_of)
        adult = age >= 16
        working_age = in_working_age(WORKING_AGE_RULE, birth=birth, sex=sex, on=as_of)

        rural_place = village.is_rural
        hukou = "农业" if rng.random() < RURAL_HUKOU_SHARE[rural_place] else "非农业"

        # Schooling: children mostly at school, some young adults studying, the rest by cohort.
        student = False
        school = major = graduation = ""
        if age < 6:
            education = "未上学"
        elif age < 16:
            student = rng.random() < 0.9
            if student:
                education = "小学" if age < 12 else "初中"
                school = SPECIAL_SCHOOL if rng.random() < 0.4 else f"{village.town}中心学校"
            else:
                education = "未上学" if rng.random() < 0.6 else "小学"
        else:
            if age <= 18 and rng.random() < 0.55:
                student, education = True, rng.choice(("高中", "中专/职高", "中专/职高"))
            elif 19 <= age <= 24 and rng.random() < 0.18:
                student, education = True, rng.choice(("大专", "大专", "本科"))
            elif 23 <= age <= 28 and rng.random() < 0.03:
                student, education = True, "研究生"
            else:
                education = _pick_for_age(EDUCATION, age, rng)
                if age < 25 and education == "研究生":
                    education = "本科"
            finish_age = GRADUATION_AGE.get(education)
            if finish_age is not None and (student or age <= 35):
                school = rng.choice(SCHOOLS[education])
                if education != "高中":
                    major = rng.choice(MAJORS.get(category, MAJORS[0]) + MAJORS[0])
                year = birth.year + finish_age
                if student:
                    year = max(year, as_of.year)
                elif year >= as_of.year:
                    year = as_of.year - 1
                graduation = str(year)

        marital = "未婚"
        if age >= 20:
            marital = _pick_for_age(MARITAL, age, rng)
            if rng.random() < MARITAL_SINGLE_BOOST.get(category, 0.0):
                marital = "未婚"

        monitoring = monitored_on = ""
        if rng.random() < MONITORING_SHARE[hukou]:
            monitoring = MONITORING(rng)
            monitored_on = _date_between(
                rng, MONITORING_START, as_of - dt.timedelta(days=1)
            ).isoformat()

        low_income_chance = LOW_INCOME_SHARE[hukou] * (1.4 if severe else 1.0)
        low_income = rng.random() < (0.6 if monitoring else low_income_chance)

        hard_on = hard_reasons = ""
        if working_age and not student and rng.random() < HARD_TO_EMPLOY_SHARE:
            sixteenth = dt.date(birth.year + 16, birth.month, 1)
            hard_on = _date_between(
                rng, max(sixteenth, as_of - dt.timedelta(days=5 * 365)), as_of
            ).isoformat()
            reasons = ["持证残疾人"]
            if low_income:
                reasons.append("享受城乡最低生活保障")
            if age >= (50 if male else 40):
                reasons.append("大龄失业人员")
            if rng.random() < 0.35:
                reasons.append("连续失业一年以上")
            hard_reasons = "、".join(reasons)

        if not adult:
            wish = "无"
        elif student:
            wish = WISH["student"](rng)
        elif working_age:
            wish = WISH["working_severe" if severe else "working"](rng)
        else:
            wish = WISH["older"](rng)

        skills = ""
        if adult and (working_age or student) and rng.random() < 0.55:
            pool = SKILLS[category] + (RURAL_SKILLS if hukou == "农业" else ())
            skills = "、".join(rng.sample(pool, k=rng.choice((1, 1, 2))))

        needs = _assistive_needs(rng, category, grade)

        if village.is_rural:
            address = f"{village.district}{village.town}{village.name}{rng.randint(1, 12)}巷"
        else:
            address = f"{village.district}{village.town}{village.name}{rng.choice(ADDRESS_ROADS)}"
        address += f"{rng.randint(1, 188)}号"

        yield {
            "姓名": _name(rng, male),
            "身份证号": id_number,
            "残疾人证号": f"{id_number}{category}{grade}",
            "残疾类别": str(category),
            "残疾等级": str(grade),
            "联系电话": f"{rng.choice(PHONE_PREFIX)}{rng.randrange(100_000_000):08d}",
            "民族": ETHNICITY(rng),
            "住址": address,
            "村社区代码": village.code,
            "户口性质": hukou,
            "文化程度": education,
            "在校学生": "是" if student else "否",
            "学校": school,
            "专业": major,
            "毕业年份": graduation,
            "婚姻状况": marital,
            "防返贫监测类别": monitoring,
            "纳入监测日期": monitored_on,
            "就业困难认定日期": hard_on,
            "就业困难认定原因": hard_reasons,
            "低保": "是" if low_income else "否",
            "就业意愿": wish,
            "技能特长": skills,
            "无障碍需求": "、".join(ASSISTIVE_NEED_LABELS[code] for code in needs),
        }


def write_csv(
    path: Path | str,
    n: int,
    seed: int = 1,
    *,
    villages: Sequence[Village | str] | None = None,
    as_of: dt.date = REFERENCE_DATE,
) -> int:
    """Write ``n`` persons to ``path`` as UTF-8 CSV with a BOM and a header row.

    Rows are written as they are generated, so memory stays flat for any ``n``. Returns the
    number of data rows written.
    """
    written = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in generate_persons(n, seed=seed, villages=villages, as_of=as_of):
            writer.writerow([row[column] for column in COLUMNS])
            written += 1
    return written
