"""Tests for jiuye.core.masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuye.core.masking import mask_certificate_number, mask_id_number, mask_name, mask_phone


def revealed(masked: str) -> int:
    return sum(1 for char in masked if char != "*")


# --------------------------------------------------------------------------------------
# mask_id_number
# --------------------------------------------------------------------------------------


def test_it_masks_an_18_character_id_keeping_first_3_and_last_4() -> None:
    assert mask_id_number("110101199003071234") == "110***********1234"
    assert mask_id_number("11010119900307123X") == "110***********123X"


def test_it_ignores_surrounding_spaces_in_an_id() -> None:
    assert mask_id_number(" 110101199003071234 ") == "110***********1234"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_it_masks_a_missing_id_as_empty(value: str | None) -> None:
    assert mask_id_number(value) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("110101900307123", "1*************3"),  # old 15-digit ID
        ("1101011990030712345", "1*****************5"),
        ("1234", "1**4"),
        ("123", "***"),
        ("1", "*"),
    ],
)
def test_it_keeps_at_most_the_first_and_last_character_of_an_odd_id(
    value: str, expected: str
) -> None:
    assert mask_id_number(value) == expected


@given(st.text(max_size=40))
def test_an_id_never_reveals_more_than_7_characters(value: str) -> None:
    masked = mask_id_number(value)
    assert revealed(masked) <= 7
    assert len(masked) == len("".join(value.split()))


# --------------------------------------------------------------------------------------
# mask_certificate_number
# --------------------------------------------------------------------------------------


def test_it_masks_a_certificate_including_category_and_grade() -> None:
    assert mask_certificate_number("11010119900307123X41") == "110***********123X**"


def test_it_masks_the_reissue_suffix_of_a_certificate() -> None:
    assert mask_certificate_number("1101011990030712344112") == "110***********1234****"


@pytest.mark.parametrize("value", [None, ""])
def test_it_masks_a_missing_certificate_as_empty(value: str | None) -> None:
    assert mask_certificate_number(value) == ""


def test_it_keeps_only_the_ends_of_a_too_short_certificate() -> None:
    assert mask_certificate_number("12345678") == "1******8"


@given(st.text(max_size=40))
def test_a_certificate_never_reveals_more_than_7_characters(value: str) -> None:
    assert revealed(mask_certificate_number(value)) <= 7


# --------------------------------------------------------------------------------------
# mask_phone
# --------------------------------------------------------------------------------------


def test_it_masks_a_mobile_number() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01012345678", "010****5678"),
        ("02112345678901", "021*******8901"),
        ("12345678", "123*5678"),
        ("1234567", "123****"),
        ("123456", "****56"),
        ("123", "*23"),
        ("12", "**"),
        ("1", "*"),
    ],
)
def test_it_masks_other_phone_lengths(value: str, expected: str) -> None:
    assert mask_phone(value) == expected


@pytest.mark.parametrize("value", [None, "", " "])
def test_it_masks_a_missing_phone_as_empty(value: str | None) -> None:
    assert mask_phone(value) == ""


@given(st.text(min_size=1, max_size=30))
def test_a_phone_always_hides_at_least_one_character(value: str) -> None:
    masked = mask_phone(value)
    if masked:
        assert "*" in masked


# --------------------------------------------------------------------------------------
# mask_name
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张*"),
        ("欧阳小明", "欧***"),
        ("李小红", "李**"),
        ("王", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_keeps_only_the_first_character_of_a_name(value: str | None, expected: str) -> None:
    assert mask_name(value) == expected
