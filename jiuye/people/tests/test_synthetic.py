"""Tests for jiuye.people.demo.synthetic: synthetic persons that the registry would accept."""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from collections import Counter

import pytest
from django.utils import translation

from jiuye.core.validators import (
    resident_id_birth_date,
    resident_id_sex,
    validate_certificate_number,
    validate_resident_id,
)
from jiuye.people.demo.synthetic import (
    ASSISTIVE_NEED_LABELS,
    COLUMNS,
    REFERENCE_DATE,
    WORKING_AGE_RULE,
    _Sequences,
    generate_persons,
    load_villages,
    write_csv,
)
from jiuye.people.models import AssistiveNeed
from jiuye.reference.working_age import in_working_age

N = 5_000
# 2nd national sample survey on disability (2006), share of each category.
SURVEY_SHARES = {1: 0.1486, 2: 0.2416, 3: 0.0153, 4: 0.2907, 5: 0.0668, 6: 0.0740, 7: 0.1630}
# Needs a person of each single category may have (multiple disabilities may have any).
NEEDS_BY_CATEGORY = {
    1: {"读屏软件", "盲文"},
    2: {"手语翻译", "字幕/文字沟通"},
    3: {"字幕/文字沟通"},
    4: {"轮椅无障碍通道", "无障碍卫生间"},
    5: {"简明易懂的材料", "就业辅导员"},
    6: {"弹性工作时间", "就业辅导员"},
}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return list(generate_persons(N, seed=3))


def _share(rows: list[dict[str, str]], predicate) -> float:  # noqa: ANN001
    return sum(1 for row in rows if predicate(row)) / len(rows)


def _age(row: dict[str, str]) -> int:
    birth = resident_id_birth_date(row["身份证号"])
    on = REFERENCE_DATE
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def test_the_same_seed_gives_the_same_rows_and_another_seed_others() -> None:
    first = list(generate_persons(300, seed=7))
    assert first == list(generate_persons(300, seed=7))
    assert first != list(generate_persons(300, seed=8))


def test_the_first_rows_do_not_depend_on_how_many_are_asked_for() -> None:
    assert list(generate_persons(40, seed=2)) == list(generate_persons(400, seed=2))[:40]


def test_every_row_has_exactly_the_template_columns_as_strings(rows) -> None:  # noqa: ANN001
    for row in rows:
        assert tuple(row) == COLUMNS
        assert all(isinstance(value, str) for value in row.values())


def test_every_id_number_validates_and_is_unique(rows) -> None:  # noqa: ANN001
    ids = [row["身份证号"] for row in rows]
    for number in ids:
        assert validate_resident_id(number, today=REFERENCE_DATE) == number
        assert number.startswith("440199")
    assert len(set(ids)) == len(ids)


def test_every_certificate_is_the_id_number_with_category_and_grade(rows) -> None:  # noqa: ANN001
    for row in rows:
        assert validate_certificate_number(
            row["残疾人证号"],
            id_number=row["身份证号"],
            category=int(row["残疾类别"]),
            grade=int(row["残疾等级"]),
            today=REFERENCE_DATE,
        )


def test_a_day_holds_500_men_and_499_women_without_repeating_a_sequence() -> None:
    sequences, rng, day = _Sequences(), random.Random(1), dt.date(1970, 1, 1)
    men = [sequences.take(rng, "440199", day, male=True) for _ in range(500)]
    women = [sequences.take(rng, "440199", day, male=False) for _ in range(499)]
    assert len(set(men)) == 500 and all(seq % 2 == 1 and 1 <= seq <= 999 for seq in men)
    assert len(set(women)) == 499 and all(seq % 2 == 0 and 2 <= seq <= 998 for seq in women)
    assert sequences.take(rng, "440199", day, male=True) is None
    assert sequences.take(rng, "440199", day, male=False) is None


def test_age_and_sex_in_the_id_agree_with_the_rest_of_the_row(rows) -> None:  # noqa: ANN001
    for row in rows:
        age, sex = _age(row), resident_id_sex(row["身份证号"])
        assert 0 <= age <= 100
        if age < 20:
            assert row["婚姻状况"] == "未婚"
        if age < 6:
            assert row["文化程度"] == "未上学" and row["在校学生"] == "否"
        if age < 16:
            assert row["就业意愿"] == "无" and not row["毕业年份"]
        if row["就业困难认定日期"]:
            # Designated only within working age (the app's rule, with the 2025 reform).
            birth = resident_id_birth_date(row["身份证号"])
            assert 16 <= age <= (62 if sex == "M" else 57)
            assert in_working_age(WORKING_AGE_RULE, birth=birth, sex=sex, on=REFERENCE_DATE)
            designated = dt.date.fromisoformat(row["就业困难认定日期"])
            assert resident_id_birth_date(row["身份证号"]).year + 16 <= designated.year
            assert designated <= REFERENCE_DATE
        if row["毕业年份"]:
            year = int(row["毕业年份"])
            assert (year >= REFERENCE_DATE.year) == (row["在校学生"] == "是")
            assert resident_id_birth_date(row["身份证号"]).year + 15 <= year


def test_category_shares_follow_the_national_survey(rows) -> None:  # noqa: ANN001
    counts = Counter(int(row["残疾类别"]) for row in rows)
    for category, expected in SURVEY_SHARES.items():
        assert counts[category] / N == pytest.approx(expected, abs=0.02), category


def test_other_shares_are_close_to_their_targets(rows) -> None:  # noqa: ANN001
    assert _share(rows, lambda r: r["残疾等级"] in "12") == pytest.approx(0.30, abs=0.03)
    assert _share(rows, lambda r: resident_id_sex(r["身份证号"]) == "M") == pytest.approx(
        0.5155, abs=0.025
    )
    assert _share(rows, lambda r: r["户口性质"] == "农业") == pytest.approx(0.60, abs=0.03)
    assert _share(rows, lambda r: r["民族"] == "汉族") > 0.9
    assert _share(rows, lambda r: bool(r["就业困难认定日期"])) == pytest.approx(0.08, abs=0.015)
    assert _share(rows, lambda r: bool(r["防返贫监测类别"])) == pytest.approx(0.05, abs=0.015)
    assert _share(rows, lambda r: _age(r) >= 60) == pytest.approx(0.45, abs=0.05)
    assert _share(rows, lambda r: r["在校学生"] == "是") > 0.02
    assert _share(rows, lambda r: bool(r["毕业年份"]) and r["在校学生"] == "否") > 0.02


def test_dependent_fields_come_together(rows) -> None:  # noqa: ANN001
    for row in rows:
        assert bool(row["防返贫监测类别"]) == bool(row["纳入监测日期"])
        assert row["防返贫监测类别"] in {"", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户"}
        assert bool(row["就业困难认定日期"]) == bool(row["就业困难认定原因"])
        assert row["在校学生"] in {"是", "否"} and row["低保"] in {"是", "否"}
        assert row["就业意愿"] in {"有", "无", "不清楚"}
        assert row["户口性质"] in {"农业", "非农业"}
        assert row["婚姻状况"] in {"未婚", "已婚", "离婚", "丧偶"}
        if row["在校学生"] == "是":
            assert row["学校"]


def test_assistive_needs_fit_the_category(rows) -> None:  # noqa: ANN001
    all_labels = set(ASSISTIVE_NEED_LABELS.values())
    seen = set()
    for row in rows:
        needs = set(filter(None, row["无障碍需求"].split("、")))
        seen |= needs
        assert needs <= NEEDS_BY_CATEGORY.get(int(row["残疾类别"]), all_labels), row
    assert seen == all_labels


def test_assistive_need_labels_are_the_models() -> None:
    with translation.override("zh-hans"):
        model_labels = {value: str(label) for value, label in AssistiveNeed.choices}
    assert model_labels == ASSISTIVE_NEED_LABELS


def test_phones_look_like_mobile_numbers(rows) -> None:  # noqa: ANN001
    assert all(re.fullmatch(r"1[3-9]\d{9}", row["联系电话"]) for row in rows)


def test_persons_live_in_the_sixty_demo_villages(rows) -> None:  # noqa: ANN001
    villages = load_villages()
    codes = {village.code for village in villages}
    assert len(villages) == 60
    used = Counter(row["村社区代码"] for row in rows)
    assert set(used) == codes
    for row in rows[:200]:
        village = next(v for v in villages if v.code == row["村社区代码"])
        assert row["住址"].startswith(f"示范区{village.town}{village.name}")


def test_plain_village_codes_are_accepted_and_bad_ones_refused() -> None:
    rows = list(generate_persons(20, seed=1, villages=["440199003201"]))
    assert {row["村社区代码"] for row in rows} == {"440199003201"}
    assert rows[0]["住址"].startswith("示范区南岗镇下坪村")
    with pytest.raises(ValueError):
        list(generate_persons(1, villages=["440199003000"]))  # a town, not a village


def test_write_csv_writes_a_bom_a_header_and_the_same_rows(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "persons.csv"
    assert write_csv(path, 50, seed=4) == 50
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        assert list(reader) == list(generate_persons(50, seed=4))


def test_the_generator_reckons_working_age_with_the_retirement_reform() -> None:
    """A woman born in December 1970 would have retired at 55 in December 2025; the reform
    delays her by three months, so on the reference date (2026-01-01) she is of working age,
    and one born in June 1970 (delayed two months, to August 2025) is not."""
    assert WORKING_AGE_RULE.female_delay_every_months
    on = REFERENCE_DATE
    assert in_working_age(WORKING_AGE_RULE, birth=dt.date(1970, 12, 15), sex="F", on=on)
    assert not in_working_age(WORKING_AGE_RULE, birth=dt.date(1970, 6, 15), sex="F", on=on)
