"""Working age (就业年龄段) and the statutory retirement age, in months: the one place that
says whether a person is of working age on a date (DOMAIN.md, "Working age").

A person is of working age on a day from their ``min_age`` birthday (16) up to the day before
they reach their statutory retirement age. Before the reform that age is ``max_age + 1`` whole
years (men 60, women 55). The reform (全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的
决定, 2024-09-13, in force 2025-01-01) raises it gradually, by birth month:

    R = the month the person would have retired under the old age (birth month + base years)
    S = the month the reform starts (the rule's ``valid_from``: 2025-01)
    delay = 0                                    if R is before S
          = min((R − S) // every + 1, max_delay)  otherwise (months)
    retirement age = base years × 12 + delay months; the person retires on the day they
                     reach it (birth date + that many months).

With the decision's figures: men (base 60) and women of the 55 line one month every 4 months
up to 36 (63 and 58 years): men born 1965-01…1965-04 retire at 60 years 1 month, 1965-05…08
at 60 years 2 months, from 1976-09 at 63; women of the 50 line (female workers) one month every
2 months up to 60 (55 years): born 1975-01…02 at 50 years 1 month, from 1984-11 at 55.

Women's category: the registry does not record whether a woman's post is a cadre (55) or a
worker (50) post, and most persons it counts are not employed, so a woman is reckoned on the 55
line (the rule's ``female_max_age`` 54, as DOMAIN.md's default); the function itself takes any
base age, step and maximum.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jiuye.core.dates import years_after
from jiuye.core.periods import add_months

MALE = "M"
# The rules the reference data ships (loaded into WorkingAgeRule by reference.services).
SHIPPED_CSV = Path(__file__).resolve().parent / "data" / "working_age.csv"
DELAY_FIELDS = (
    "male_delay_every_months",
    "male_delay_max_months",
    "female_delay_every_months",
    "female_delay_max_months",
)


def rule_values(row: dict[str, str]) -> dict[str, Any]:
    """A WorkingAgeRule's fields from a row of working_age.csv (``ValueError`` when a number
    or the date is not one)."""

    def optional(name: str) -> int | None:
        text = (row.get(name) or "").strip()
        return int(text) if text else None

    return {
        "valid_from": dt.date.fromisoformat(row["valid_from"]),
        "min_age": int(row["min_age"]),
        "male_max_age": int(row["male_max_age"]),
        "female_max_age": int(row["female_max_age"]),
        **{name: optional(name) for name in DELAY_FIELDS},
        "note": row.get("note", ""),
    }


def shipped_rule(on: dt.date, *, path: Path = SHIPPED_CSV) -> SimpleNamespace:
    """The shipped rule in force on ``on``, without the database (for generators such as
    people.demo.synthetic, which run before any reference data is loaded)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rules = [rule_values(row) for row in csv.DictReader(handle)]
    in_force = max((r for r in rules if r["valid_from"] <= on), key=lambda r: r["valid_from"])
    return SimpleNamespace(**in_force)


def retirement_age_months(
    birth: dt.date,
    *,
    base_years: int,
    reform_start: dt.date | None = None,
    every: int | None = None,
    max_delay: int | None = None,
) -> int:
    """The statutory retirement age, in months, of a person born in ``birth``'s month whose
    retirement age before the reform was ``base_years`` (the formula in the module docstring)."""
    base = base_years * 12
    if reform_start is None or not every or not max_delay:
        return base
    old_month = birth.year * 12 + birth.month - 1 + base
    start = reform_start.year * 12 + reform_start.month - 1
    if old_month < start:
        return base
    return base + min((old_month - start) // every + 1, max_delay)


def _parameters(rule: Any, sex: str) -> dict[str, Any]:
    male = sex == MALE
    every = rule.male_delay_every_months if male else rule.female_delay_every_months
    return {
        "base_years": (rule.male_max_age if male else rule.female_max_age) + 1,
        "reform_start": rule.valid_from if every else None,
        "every": every,
        "max_delay": rule.male_delay_max_months if male else rule.female_delay_max_months,
    }


def retirement_date(rule: Any, *, birth: dt.date, sex: str) -> dt.date:
    """The day a person reaches the statutory retirement age under ``rule`` (a WorkingAgeRule)."""
    return add_months(birth, retirement_age_months(birth, **_parameters(rule, sex)))


def in_working_age(rule: Any, *, birth: dt.date, sex: str, on: dt.date) -> bool:
    """Whether a person is of working age on ``on``: at least ``min_age`` and not yet at the
    statutory retirement age."""
    return years_after(birth, rule.min_age) <= on < retirement_date(rule, birth=birth, sex=sex)


def birth_bounds(rule: Any, *, sex: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """``(oldest_exclusive, youngest)``: a person of ``sex`` is of working age on ``on`` exactly
    when oldest_exclusive < birth date ≤ youngest. The retirement date grows with the birth date
    (a month of delay for every two or more months of birth), so the births still in are an
    interval; its lower end is found by bisection over days."""
    youngest = years_after(on, -rule.min_age)
    # Births whose retirement day is on or before ``on`` are out; find the latest such birth.
    low = years_after(on, -(_parameters(rule, sex)["base_years"] + 10)).toordinal()  # out
    high = youngest.toordinal()
    if retirement_date(rule, birth=dt.date.fromordinal(high), sex=sex) <= on:
        return youngest, youngest  # nobody (a rule whose retirement age is below min_age)
    while high - low > 1:
        middle = (low + high) // 2
        if retirement_date(rule, birth=dt.date.fromordinal(middle), sex=sex) <= on:
            low = middle
        else:
            high = middle
    return dt.date.fromordinal(low), youngest
