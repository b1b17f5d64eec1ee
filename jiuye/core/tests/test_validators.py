"""Tests for jiuye.core.validators.

Valid numbers are built here with an independent implementation of the check
algorithms (cross-checked against python-stdnum), so the tests do not trust the
code under test to generate its own fixtures.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from jiuye.core.dates import MAX_AGE, years_after
from jiuye.core.validators import (
    ValidationWarning,
    certificate_category_grade,
    normalize_resident_id,
    resident_id_birth_date,
    resident_id_sex,
    resident_id_warnings,
    validate_certificate_number,
    validate_resident_id,
    validate_uscc,
)

TODAY = datetime.date(2025, 6, 15)

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
PROVINCES = (
    list(range(11, 16))
    + list(range(21, 24))
    + list(range(31, 38))
    + list(range(41, 47))
    + list(range(50, 55))
    + list(range(61, 66))
    + [71, 81, 82]
)


def make_id(first17: str) -> str:
    """Append the GB 11643 check character to 17 digits."""
    total = 0
    for digit, weight in zip(first17, ID_WEIGHTS, strict=True):
        total += int(digit) * weight
    return first17 + "10X98765432"[total % 11]


def build_id(region: str, birth: datetime.date, sequence: int) -> str:
    return make_id(f"{region}{birth:%Y%m%d}{sequence:03d}")


def make_uscc(first17: str) -> str:
    """Append the GB 32100 check character to 17 code characters."""
    total = 0
    for char, weight in zip(first17, USCC_WEIGHTS, strict=True):
        total += USCC_CHARS.index(char) * weight
    return first17 + USCC_CHARS[(31 - total % 31) % 31]


def error_of(func: Callable[[], object]) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        func()
    return excinfo.value


# A fixed, hand-checked valid ID (Beijing Dongcheng, born 1990-03-07, male).
VALID_ID = make_id("11010119900307123")  # -> "110101199003071233"
# An ID whose check character is X (female, born 1985-11-02).
X_ID = make_id("44030519851102006")


# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------

regions = st.builds(
    lambda province, rest: f"{province:02d}{rest:04d}",
    st.sampled_from(PROVINCES),
    st.integers(min_value=0, max_value=9999),
)
any_regions = st.integers(min_value=0, max_value=999999).map(lambda n: f"{n:06d}")
# Not older than 120 on the real today either (some checks run without a pinned today).
birth_dates = st.dates(min_value=years_after(datetime.date.today(), -MAX_AGE), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)
valid_ids = st.builds(build_id, any_regions, birth_dates, sequences)


# --------------------------------------------------------------------------------------
# Helpers' own sanity
# --------------------------------------------------------------------------------------


def test_the_test_helpers_agree_with_python_stdnum() -> None:
    assert VALID_ID == "110101199003071233"
    assert X_ID.endswith("X")
    for first17 in ["11010119900307123", "44030519851102006", "65010220000229001"]:
        # stdnum's ric.calc_check_digit expects a placeholder check character.
        assert make_id(first17)[-1] == stdnum_ric.calc_check_digit(first17 + "0")
    for first17 in ["91110000MA0000000", "12100000400000123", "Y1440300MA5DXXXXX"]:
        assert make_uscc(first17)[-1] == stdnum_uscc.calc_check_digit(first17)


# --------------------------------------------------------------------------------------
# normalize_resident_id
# --------------------------------------------------------------------------------------


def test_it_normalizes_spaces_fullwidth_characters_and_lowercase_x() -> None:
    assert normalize_resident_id(" 110101 19900307 123x ") == "11010119900307123X"
    assert (
        normalize_resident_id("１１０１０１\u3000１９９００３０７１２３ｘ") == "11010119900307123X"
    )
    assert normalize_resident_id("") == ""


# --------------------------------------------------------------------------------------
# validate_resident_id: accepted values
# --------------------------------------------------------------------------------------


def test_it_accepts_a_valid_id_and_returns_it() -> None:
    assert validate_resident_id(VALID_ID, today=TODAY) == VALID_ID


def test_it_accepts_a_lowercase_check_x_and_returns_it_upper_cased() -> None:
    assert validate_resident_id(X_ID.lower(), today=TODAY) == X_ID


def test_it_accepts_full_width_digits_and_spaces() -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID)
    assert validate_resident_id(f"\u3000{fullwidth[:6]} {fullwidth[6:]} ", today=TODAY) == VALID_ID


def test_it_uses_the_real_today_by_default() -> None:
    assert validate_resident_id(VALID_ID) == VALID_ID
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert error_of(lambda: validate_resident_id(build_id("110101", tomorrow, 1))).code == (
        "birth_date_future"
    )


def test_it_accepts_a_person_born_today_and_one_aged_120() -> None:
    assert validate_resident_id(build_id("110101", TODAY, 1), today=TODAY)
    assert validate_resident_id(build_id("110101", datetime.date(1905, 6, 15), 1), today=TODAY)


# --------------------------------------------------------------------------------------
# validate_resident_id: one test per error code
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "   ", "\u3000", None])
def test_it_requires_a_value(value: str) -> None:
    error = error_of(lambda: validate_resident_id(value, today=TODAY))
    assert error.code == "required"
    assert error.messages == ["请填写身份证号。"]


def test_it_rejects_a_wrong_length_and_says_how_long_it_is() -> None:
    error = error_of(lambda: validate_resident_id(VALID_ID[:17], today=TODAY))
    assert error.code == "length"
    assert error.messages == ["身份证号应为18位，当前为17位。"]

    error = error_of(lambda: validate_resident_id(VALID_ID + "1", today=TODAY))
    assert error.messages == ["身份证号应为18位，当前为19位。"]


def test_it_rejects_a_letter_among_the_first_17_and_names_its_position() -> None:
    error = error_of(lambda: validate_resident_id("1101A119900307123X", today=TODAY))
    assert error.code == "digits"
    assert error.messages == ["身份证号前17位只能是数字，第5位是“A”。"]


def test_it_rejects_a_last_character_that_is_neither_digit_nor_x() -> None:
    error = error_of(lambda: validate_resident_id(VALID_ID[:17] + "Y", today=TODAY))
    assert error.code == "digits"
    assert error.messages == ["身份证号第18位只能是数字或X，当前为“Y”。"]


def test_it_rejects_an_impossible_birth_date() -> None:
    value = make_id("11010120230231001")
    error = error_of(lambda: validate_resident_id(value, today=TODAY))
    assert error.code == "birth_date_invalid"
    assert error.messages == ["身份证号中的出生日期“20230231”不是有效日期。"]


def test_it_rejects_a_birth_date_in_the_future() -> None:
    value = make_id("11010120300101001")
    error = error_of(lambda: validate_resident_id(value, today=TODAY))
    assert error.code == "birth_date_future"
    assert error.messages == ["身份证号中的出生日期“20300101”晚于今天。"]


def test_it_rejects_a_birth_date_one_day_after_today() -> None:
    value = build_id("110101", TODAY + datetime.timedelta(days=1), 1)
    assert error_of(lambda: validate_resident_id(value, today=TODAY)).code == "birth_date_future"


def test_it_rejects_a_birth_date_before_1900() -> None:
    value = make_id("11010118991231001")
    error = error_of(lambda: validate_resident_id(value, today=TODAY))
    assert error.code == "birth_date_too_early"
    assert error.messages == ["身份证号中的出生日期“18991231”表示年龄超过120岁，请核对。"]


def test_it_rejects_a_birth_date_giving_an_age_over_120() -> None:
    assert (
        error_of(
            lambda: validate_resident_id(
                build_id("110101", datetime.date(1905, 6, 14), 1), today=TODAY
            )
        ).code
        == "birth_date_too_early"
    )
    too_old = build_id("110101", datetime.date(TODAY.year - 121, 1, 1), 1)
    assert (
        error_of(lambda: validate_resident_id(too_old, today=TODAY)).code == "birth_date_too_early"
    )
    just_120 = build_id("110101", datetime.date(TODAY.year - 120, TODAY.month, TODAY.day), 1)
    assert validate_resident_id(just_120, today=TODAY) == just_120


def test_it_rejects_a_wrong_check_character() -> None:
    assert X_ID[-1] == "X"
    error = error_of(lambda: validate_resident_id(X_ID[:17] + "5", today=TODAY))
    assert error.code == "checksum"
    assert error.messages == [
        "身份证号校验码错误：按前17位计算，第18位应为“X”，当前为“5”。请核对是否抄错。"
    ]


# --------------------------------------------------------------------------------------
# Derived facts and warnings
# --------------------------------------------------------------------------------------


def test_it_reads_birth_date_and_sex() -> None:
    assert resident_id_birth_date(VALID_ID) == datetime.date(1990, 3, 7)
    assert resident_id_sex(VALID_ID) == "M"
    assert resident_id_birth_date(X_ID) == datetime.date(1985, 11, 2)
    assert resident_id_sex(X_ID) == "F"
    assert resident_id_sex(X_ID.lower()) == "F"


def test_it_gives_no_warning_for_a_known_province() -> None:
    assert resident_id_warnings(VALID_ID) == []
    for province in PROVINCES:
        assert resident_id_warnings(make_id(f"{province:02d}010119900307123")) == []


@pytest.mark.parametrize(
    "prefix", ["00", "10", "16", "20", "24", "30", "38", "47", "55", "66", "99"]
)
def test_it_warns_about_an_unknown_region(prefix: str) -> None:
    value = make_id(f"{prefix}010119900307123")
    assert validate_resident_id(value, today=TODAY) == value
    warnings = resident_id_warnings(value)
    assert [warning.code for warning in warnings] == ["unknown_region"]
    assert isinstance(warnings[0], ValidationWarning)
    assert f"{prefix}0101" in warnings[0].message


def test_warnings_are_immutable() -> None:
    warning = ValidationWarning(code="x", message="y")
    with pytest.raises(AttributeError):
        warning.code = "z"  # type: ignore[misc]


# --------------------------------------------------------------------------------------
# Resident ID properties
# --------------------------------------------------------------------------------------


@given(region=any_regions, birth=birth_dates, sequence=sequences)
def test_every_generated_valid_id_validates_and_round_trips(
    region: str, birth: datetime.date, sequence: int
) -> None:
    value = build_id(region, birth, sequence)
    assert validate_resident_id(value, today=TODAY) == value
    assert resident_id_birth_date(value) == birth
    assert resident_id_sex(value) == ("M" if sequence % 2 else "F")


@given(
    value=valid_ids,
    position=st.integers(min_value=0, max_value=16),
    shift=st.integers(min_value=1, max_value=9),
)
def test_changing_any_one_of_the_first_17_digits_makes_it_fail(
    value: str, position: int, shift: int
) -> None:
    new_digit = str((int(value[position]) + shift) % 10)
    changed = value[:position] + new_digit + value[position + 1 :]
    assert changed != value
    with pytest.raises(ValidationError):
        validate_resident_id(changed, today=TODAY)


@given(region=regions, birth=birth_dates, sequence=sequences)
def test_ids_from_known_provinces_have_no_warnings(
    region: str, birth: datetime.date, sequence: int
) -> None:
    assert resident_id_warnings(build_id(region, birth, sequence)) == []


@given(value=valid_ids)
def test_lowercase_x_normalises(value: str) -> None:
    assert validate_resident_id(value.lower(), today=TODAY) == value
    assert normalize_resident_id(value.lower()) == value


# --------------------------------------------------------------------------------------
# validate_certificate_number
# --------------------------------------------------------------------------------------


def test_it_accepts_a_certificate_and_reads_category_and_grade() -> None:
    certificate = X_ID + "41"
    assert (
        validate_certificate_number(
            certificate.lower(), id_number=X_ID, category=4, grade=1, today=TODAY
        )
        == certificate
    )
    assert certificate_category_grade(certificate) == (4, 1)


@pytest.mark.parametrize("suffix", ["1", "12"])
def test_it_accepts_a_reissued_certificate_with_a_digit_suffix(suffix: str) -> None:
    certificate = VALID_ID + "23" + suffix
    assert validate_certificate_number(certificate, today=TODAY) == certificate
    assert certificate_category_grade(certificate) == (2, 3)


def test_it_requires_a_certificate_number() -> None:
    error = error_of(lambda: validate_certificate_number(" ", today=TODAY))
    assert error.code == "required"
    assert error.messages == ["请填写残疾人证号。"]


@pytest.mark.parametrize("value", [VALID_ID, VALID_ID + "4", VALID_ID + "41123"])
def test_it_rejects_a_certificate_of_the_wrong_length(value: str) -> None:
    error = error_of(lambda: validate_certificate_number(value, today=TODAY))
    assert error.code == "length"
    assert f"当前为{len(value)}位" in error.messages[0]


def test_it_rejects_a_certificate_whose_id_part_is_invalid_and_says_why() -> None:
    error = error_of(lambda: validate_certificate_number(X_ID[:17] + "541", today=TODAY))
    assert error.code == "id_checksum"
    assert error.messages == [
        "残疾人证号前18位应为持证人身份证号："
        "身份证号校验码错误：按前17位计算，第18位应为“X”，当前为“5”。请核对是否抄错。"
    ]


def test_it_rejects_a_certificate_whose_id_part_has_a_letter() -> None:
    error = error_of(lambda: validate_certificate_number("1101A119900307123X41", today=TODAY))
    assert error.code == "id_digits"
    assert error.messages[0].endswith("身份证号前17位只能是数字，第5位是“A”。")


@pytest.mark.parametrize("char", ["0", "8", "9", "A"])
def test_it_rejects_a_category_digit_outside_1_to_7(char: str) -> None:
    error = error_of(lambda: validate_certificate_number(VALID_ID + char + "1", today=TODAY))
    assert error.code == "category"
    assert error.messages == [f"残疾人证号第19位表示残疾类别，只能是1至7，当前为“{char}”。"]


@pytest.mark.parametrize("char", ["0", "5", "9", "X"])
def test_it_rejects_a_grade_digit_outside_1_to_4(char: str) -> None:
    error = error_of(lambda: validate_certificate_number(VALID_ID + "1" + char, today=TODAY))
    assert error.code == "grade"
    assert error.messages == [f"残疾人证号第20位表示残疾等级，只能是1至4，当前为“{char}”。"]


def test_it_rejects_a_non_digit_reissue_suffix() -> None:
    error = error_of(lambda: validate_certificate_number(VALID_ID + "411A", today=TODAY))
    assert error.code == "suffix"
    assert error.messages == ["残疾人证号第21位起为补发序号，只能是数字，第22位是“A”。"]


def test_it_rejects_a_certificate_that_belongs_to_another_id() -> None:
    error = error_of(
        lambda: validate_certificate_number(VALID_ID + "41", id_number=X_ID, today=TODAY)
    )
    assert error.code == "id_mismatch"
    assert error.messages == ["残疾人证号前18位与身份证号不一致。"]


def test_it_compares_with_the_id_after_normalising_it() -> None:
    certificate = X_ID + "41"
    assert (
        validate_certificate_number(certificate, id_number=f" {X_ID.lower()} ", today=TODAY)
        == certificate
    )


def test_it_rejects_a_category_that_differs_from_the_registered_one() -> None:
    error = error_of(lambda: validate_certificate_number(VALID_ID + "41", category=1, today=TODAY))
    assert error.code == "category_mismatch"
    assert error.messages == [
        "残疾人证号第19位表示残疾类别，为“4”（肢体），与登记的类别“1”（视力）不一致。"
    ]


def test_it_rejects_a_grade_that_differs_from_the_registered_one() -> None:
    error = error_of(lambda: validate_certificate_number(VALID_ID + "72", grade=4, today=TODAY))
    assert error.code == "grade_mismatch"
    assert error.messages == [
        "残疾人证号第20位表示残疾等级，为“2”（二级），与登记的等级“4”（四级）不一致。"
    ]


def test_it_checks_the_birth_date_of_the_certificate_against_today() -> None:
    future = build_id("110101", TODAY + datetime.timedelta(days=1), 1)
    error = error_of(lambda: validate_certificate_number(future + "11", today=TODAY))
    assert error.code == "id_birth_date_future"


@given(
    value=valid_ids,
    category=st.integers(min_value=1, max_value=7),
    grade=st.integers(min_value=1, max_value=4),
    suffix=st.sampled_from(["", "1", "23"]),
)
def test_id_plus_category_plus_grade_is_a_valid_certificate(
    value: str, category: int, grade: int, suffix: str
) -> None:
    certificate = f"{value}{category}{grade}{suffix}"
    assert (
        validate_certificate_number(
            certificate, id_number=value, category=category, grade=grade, today=TODAY
        )
        == certificate
    )
    assert certificate_category_grade(certificate) == (category, grade)


@given(
    value=valid_ids,
    category=st.integers(min_value=1, max_value=7),
    other_category=st.integers(min_value=1, max_value=7),
    grade=st.integers(min_value=1, max_value=4),
    other_grade=st.integers(min_value=1, max_value=4),
)
def test_a_category_or_grade_mismatch_fails(
    value: str, category: int, other_category: int, grade: int, other_grade: int
) -> None:
    certificate = f"{value}{category}{grade}"
    if other_category != category:
        with pytest.raises(ValidationError) as excinfo:
            validate_certificate_number(certificate, category=other_category, today=TODAY)
        assert excinfo.value.code == "category_mismatch"
    if other_grade != grade:
        with pytest.raises(ValidationError) as excinfo:
            validate_certificate_number(certificate, grade=other_grade, today=TODAY)
        assert excinfo.value.code == "grade_mismatch"


# --------------------------------------------------------------------------------------
# validate_uscc
# --------------------------------------------------------------------------------------

VALID_USCC = make_uscc("91110000MA0000000")


def test_it_accepts_a_valid_uscc_without_warnings() -> None:
    assert validate_uscc(VALID_USCC) == (VALID_USCC, [])


def test_it_normalises_a_uscc_to_upper_case_without_spaces() -> None:
    assert validate_uscc(f"  {VALID_USCC.lower()} ") == (VALID_USCC, [])


def test_it_requires_a_uscc() -> None:
    error = error_of(lambda: validate_uscc(""))
    assert error.code == "required"
    assert error.messages == ["请填写统一社会信用代码。"]


def test_it_rejects_a_uscc_of_the_wrong_length() -> None:
    error = error_of(lambda: validate_uscc(VALID_USCC[:15]))
    assert error.code == "length"
    assert error.messages == ["统一社会信用代码应为18位，当前为15位。"]


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z", "-"])
def test_it_rejects_a_uscc_character_outside_the_charset_and_names_its_position(
    char: str,
) -> None:
    value = VALID_USCC[:9] + char + VALID_USCC[10:]
    error = error_of(lambda: validate_uscc(value))
    assert error.code == "charset"
    assert error.messages[0].startswith(f"统一社会信用代码第10位“{char}”不是有效字符")


def test_a_wrong_uscc_check_character_is_only_a_warning() -> None:
    expected = VALID_USCC[-1]
    wrong = "0" if expected != "0" else "1"
    normalized, warnings = validate_uscc(VALID_USCC[:17] + wrong)
    assert normalized == VALID_USCC[:17] + wrong
    assert [warning.code for warning in warnings] == ["uscc_checksum"]
    assert f"第18位应为“{expected}”，当前为“{wrong}”" in warnings[0].message


# Registering authority and kind (2), region code (6 digits), organisation code (9).
uscc_bodies = st.builds(
    "".join,
    st.tuples(
        st.text(alphabet=USCC_CHARS, min_size=2, max_size=2),
        st.text(alphabet="0123456789", min_size=6, max_size=6),
        st.text(alphabet=USCC_CHARS, min_size=9, max_size=9),
    ),
)


@pytest.mark.parametrize("region", ["11A000", "1100MA", "ABCDEF"])
def test_it_rejects_letters_in_the_region_code_of_a_uscc(region: str) -> None:
    value = make_uscc("91" + region + "MA0000000")
    error = error_of(lambda: validate_uscc(value))
    assert error.code == "region"
    assert f"当前为“{region}”" in error.messages[0]


@given(body=uscc_bodies)
def test_a_generated_uscc_with_the_correct_check_passes_without_warning(body: str) -> None:
    value = make_uscc(body)
    assert validate_uscc(value) == (value, [])
    assert validate_uscc(value.lower()) == (value, [])


@given(body=uscc_bodies, wrong=st.sampled_from(USCC_CHARS))
def test_a_generated_uscc_with_a_wrong_check_gives_exactly_the_warning(
    body: str, wrong: str
) -> None:
    assume(wrong != make_uscc(body)[-1])
    normalized, warnings = validate_uscc(body + wrong)
    assert normalized == body + wrong
    assert len(warnings) == 1
    assert warnings[0].code == "uscc_checksum"
