"""The statutory retirement age by birth month under the 2025 reform, checked against the
decision's table (全国人大常委会关于实施渐进式延迟法定退休年龄的决定, 附件), and working age on a
date from it."""

from __future__ import annotations

import datetime as dt

import pytest

from jiuye.reference.selectors import working_age_rule
from jiuye.reference.working_age import (
    birth_bounds,
    in_working_age,
    retirement_age_months,
    retirement_date,
)

REFORM = dt.date(2025, 1, 1)


def _age(years: int, months: int = 0) -> int:
    return years * 12 + months


@pytest.mark.parametrize(
    ("birth", "base", "every", "most", "age"),
    [
        # Men, 60 → 63, a month every 4 months.
        ("1964-12", 60, 4, 36, _age(60)),  # would have retired 2024-12: before the reform
        ("1965-01", 60, 4, 36, _age(60, 1)),  # retires 2025-02
        ("1965-04", 60, 4, 36, _age(60, 1)),
        ("1965-05", 60, 4, 36, _age(60, 2)),  # retires 2025-07
        ("1970-06", 60, 4, 36, _age(61, 5)),  # retires 2031-11
        ("1976-08", 60, 4, 36, _age(62, 11)),
        ("1976-09", 60, 4, 36, _age(63)),  # the full 3 years from 1976-09
        ("1990-01", 60, 4, 36, _age(63)),
        # Women of the 55 line (cadres), 55 → 58, a month every 4 months.
        ("1969-12", 55, 4, 36, _age(55)),
        ("1970-01", 55, 4, 36, _age(55, 1)),
        ("1970-06", 55, 4, 36, _age(55, 2)),  # retires 2025-08
        ("1981-09", 55, 4, 36, _age(58)),
        # Women of the 50 line (workers), 50 → 55, a month every 2 months.
        ("1974-12", 50, 2, 60, _age(50)),
        ("1975-01", 50, 2, 60, _age(50, 1)),
        ("1975-03", 50, 2, 60, _age(50, 2)),
        ("1980-01", 50, 2, 60, _age(52, 7)),  # k = 60 → 31 months
        ("1984-10", 50, 2, 60, _age(54, 11)),
        ("1984-11", 50, 2, 60, _age(55)),
    ],
)
def test_the_retirement_age_follows_the_decisions_table(birth, base, every, most, age) -> None:  # noqa: ANN001
    born = dt.date.fromisoformat(f"{birth}-15")
    assert (
        retirement_age_months(
            born, base_years=base, reform_start=REFORM, every=every, max_delay=most
        )
        == age
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("birth", "sex", "retires"),
    [
        ("1964-12-10", "M", "2024-12-10"),
        ("1965-01-10", "M", "2025-02-10"),
        ("1965-05-31", "M", "2025-07-31"),
        ("1970-06-10", "M", "2031-11-10"),
        ("1976-09-01", "M", "2039-09-01"),
        ("1970-06-10", "F", "2025-08-10"),
        ("1981-09-30", "F", "2039-09-30"),
        ("1965-03-31", "M", "2025-04-30"),  # 60 years 1 month: April has no 31st
    ],
)
def test_the_seeded_rule_gives_each_person_their_retirement_day(
    reference, birth, sex, retires
) -> None:  # noqa: ANN001
    rule = working_age_rule(dt.date(2026, 1, 1))
    assert rule.valid_from == REFORM
    assert retirement_date(
        rule, birth=dt.date.fromisoformat(birth), sex=sex
    ) == dt.date.fromisoformat(retires)


@pytest.mark.django_db
def test_before_the_reform_the_old_ages_apply(reference) -> None:  # noqa: ANN001
    rule = working_age_rule(dt.date(2024, 6, 30))
    assert rule.valid_from < REFORM
    assert retirement_date(rule, birth=dt.date(1965, 1, 10), sex="M") == dt.date(2025, 1, 10)


@pytest.mark.django_db
def test_a_man_born_in_january_1965_stays_of_working_age_one_month_longer(reference) -> None:  # noqa: ANN001
    rule = working_age_rule(dt.date(2025, 1, 31))
    born = dt.date(1965, 1, 10)
    assert in_working_age(rule, birth=born, sex="M", on=dt.date(2025, 1, 10))
    assert in_working_age(rule, birth=born, sex="M", on=dt.date(2025, 2, 9))
    assert not in_working_age(rule, birth=born, sex="M", on=dt.date(2025, 2, 10))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "on", ["2024-12-31", "2025-02-09", "2025-02-10", "2027-06-30", "2031-11-10"]
)
def test_the_database_filter_and_the_check_of_one_person_agree(reference, on) -> None:  # noqa: ANN001
    """working_age_q (the lists, indicators and matching) and in_working_age (the declaration
    check) say the same for births around every boundary."""
    day = dt.date.fromisoformat(on)
    rule = working_age_rule(day)
    births = [dt.date(1963, 1, 1) + dt.timedelta(days=n) for n in range(0, 365 * 9, 11)]
    births += [dt.date(2008, 1, 1) + dt.timedelta(days=n) for n in range(0, 365 * 3, 17)]
    for sex in ("M", "F"):
        low, high = birth_bounds(rule, sex=sex, on=day)
        for born in births:
            expected = in_working_age(rule, birth=born, sex=sex, on=day)
            assert (low < born <= high) == expected, (sex, born)
