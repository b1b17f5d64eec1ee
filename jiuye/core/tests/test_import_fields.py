"""The typed fields of declared import kinds: each reads the ways staff type a value, and
says in one sentence what is wrong with a cell it cannot read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import models
from django.utils import translation

from jiuye.core.importing.fields import (
    Bool,
    Choice,
    Date,
    FieldError,
    Int,
    Money,
    MultiChoice,
    Text,
    choice_labels,
    choice_table,
    fold,
)


class Colour(models.TextChoices):
    RED = "red", "红色"
    DEEP_BLUE = "deep_blue", "深蓝色"


def error_of(field, text: str) -> str:  # noqa: ANN001
    with pytest.raises(FieldError) as info:
        field.parse(text, by=None)
    return info.value.message


def test_fold_ignores_full_width_forms_and_spaces() -> None:
    assert fold(" 电商 直播\u3000ＡＢ ") == "电商直播AB"


def test_a_required_field_left_empty_says_which_one() -> None:
    with pytest.raises(FieldError, match="请填写名额。"):
        Int("places", "名额", required=True).empty()
    assert Int("hours", "课时", blank=0).empty() == 0
    assert Text("note", "备注").empty() == ""


def test_text_collapses_spaces_and_counts_characters() -> None:
    assert Text("t", "名称").parse("  电商   直播 ", by=None) == "电商 直播"
    assert error_of(Text("t", "名称", max_length=3), "一二三四") == "名称最多3个字，现在有4个。"


def test_integers_take_units_people_add_and_keep_to_their_range() -> None:
    places = Int("places", "名额", maximum=100)
    assert places.parse("30人", by=None) == 30
    assert places.parse("12.0", by=None) == 12
    assert error_of(places, "三十") == "“三十”不是整数，请填写数字，如 30。"
    assert error_of(places, "-1") == "名额不能小于0。"
    assert error_of(places, "101") == "名额不能大于100。"


def test_money_takes_yuan_and_thousands_separators_but_not_fractions_of_a_fen() -> None:
    amount = Money("amount", "经费")
    assert amount.parse("30,000元", by=None) == Decimal("30000")
    assert amount.parse("12.5", by=None) == Decimal("12.5")
    assert "最多2位小数" in error_of(amount, "1.234")
    assert error_of(amount, "很多") == "“很多”不是金额数字，如 3000。"
    assert error_of(amount, "-5") == "经费不能是负数。"


def test_dates_are_read_in_every_way_staff_write_them() -> None:
    day = Date("d", "开班日期")
    for text in ("2025-03-01", "2025/3/1", "2025.03.01", "2025年3月1日", "20250301", "45717"):
        assert day.parse(text, by=None) == dt.date(2025, 3, 1), text
    assert error_of(day, "下周一") == "开班日期“下周一”看不懂，请写成 2025-03-01。"
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert "晚于今天" in error_of(Date("d", "服务日期", not_future=True), tomorrow)


def test_yes_and_no_in_chinese_and_english() -> None:
    present = Bool("p", "出勤")
    assert [present.parse(t, by=None) for t in ("是", "有", "yes", "√", "否", "无", "0")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert error_of(present, "也许") == "出勤应填“是”或“否”，当前为“也许”。"


def test_a_choice_is_its_chinese_label_its_code_or_a_short_form_in_any_language() -> None:
    colour = Choice("c", "颜色", choices=Colour, aliases={"蓝": Colour.DEEP_BLUE})
    with translation.override("en"):
        assert colour.parse("深蓝色", by=None) == "deep_blue"
    assert colour.parse("red", by=None) == "red"
    assert colour.parse("蓝", by=None) == "deep_blue"
    assert error_of(colour, "绿") == "“绿”不是可选的值，请填：红色、深蓝色。"
    noted = Choice("c", "颜色", choices=Colour, note="红色或深蓝色")
    assert error_of(noted, "绿") == "“绿”不是可选的值。红色或深蓝色"
    assert "red" not in Choice("c", "颜色", choices=Colour, exclude=("red",)).table().values()


def test_several_choices_in_one_cell_keep_their_order_without_repeats() -> None:
    colours = MultiChoice("c", "颜色", choices=Colour)
    assert colours.parse("深蓝色、红色，深蓝色", by=None) == ["deep_blue", "red"]
    assert colours.empty() == []
    assert error_of(colours, "红色、绿") == "“绿”不是可选的值，请填：红色、深蓝色。"


def test_the_tables_name_values_by_their_chinese_labels() -> None:
    with translation.override("en"):
        assert choice_labels(Colour) == {"red": "红色", "deep_blue": "深蓝色"}
    assert choice_table(Colour)["深蓝色"] == "deep_blue"
