"""The levy calculation against DOMAIN.md's worked examples, to the cent, and its boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from jiuye.employers.services.levy import calculate, rule_sentence, staff_count

D = Decimal


@dataclass
class Policy:
    """DOMAIN.md's example parameters: ratio 1.5 %, social average wage 60,000, cap 2×, the
    2020–2027 reductions and exemption."""

    ratio: Decimal = D("0.015")
    social_average_wage: Decimal = D("60000")
    wage_cap_multiple: Decimal | None = D("2")
    reduction_tiers: list = field(
        default_factory=lambda: [
            {"min_ratio": "0.01", "share": "0.5"},
            {"min_ratio": "0", "share": "0.9"},
        ]
    )
    small_enterprise_max_staff: int | None = 30


def _levy(staff, counted, wage_total, kind="private", policy=None):  # noqa: ANN001, ANN202
    return calculate(
        staff=D(staff),
        counted=D(counted),
        wage_total=D(wage_total),
        employer_kind=kind,
        policy=policy or Policy(),
    )


def test_worked_example_quota_met() -> None:
    calc = _levy(200, 3, 200 * 80000)
    assert calc.met and calc.payable == D("0.00")


def test_worked_example_one_percent_capped_wage_half_payable() -> None:
    calc = _levy(200, 2, 200 * 150000)
    assert calc.wage_used == D("120000")
    assert calc.share == D("0.5")
    assert calc.payable == D("60000.00")


def test_worked_example_half_percent_pays_ninety_percent() -> None:
    calc = _levy(200, 1, 200 * 80000)
    assert calc.shortfall == D("2.000")
    assert calc.payable == D("144000.00")


def test_worked_example_small_enterprise_is_exempt() -> None:
    calc = _levy(25, 0, 25 * 50000)
    assert calc.exempt and calc.payable == D("0.00")


def test_worked_example_without_reductions_or_cap_to_the_cent() -> None:
    policy = Policy(wage_cap_multiple=None, reduction_tiers=[], small_enterprise_max_staff=None)
    calc = _levy(201, "0.83", D("99502.49") * 201, policy=policy)
    assert calc.required == D("3.015")
    assert calc.shortfall == D("2.185")
    assert calc.payable == D("217412.94")


def test_exactly_thirty_staff_is_exempt_and_thirty_one_is_not() -> None:
    assert _levy(30, 0, 30 * 50000).exempt
    calc = _levy(31, 0, 31 * 50000)
    assert not calc.exempt
    # 31 × 1.5 % = 0.465 short, × 50,000 × 90 %
    assert calc.payable == D("20925.00")


def test_an_agency_with_thirty_staff_or_fewer_is_not_exempt() -> None:
    calc = _levy(20, 0, 20 * 60000, kind="agency")
    assert not calc.exempt
    assert calc.payable == (D("0.3") * 60000 * D("0.9")).quantize(D("0.01"))


def test_a_ratio_of_exactly_one_percent_pays_half() -> None:
    calc = _levy(300, 3, 300 * 60000)
    assert calc.actual_ratio == D("0.01")
    assert calc.share == D("0.5")
    assert calc.payable == D("45000.00")  # 1.5 short × 60,000 × 50 %


def test_exactly_at_quota_pays_nothing() -> None:
    calc = _levy(400, 6, 400 * 90000)
    assert calc.met and calc.payable == 0


def test_wage_exactly_at_the_cap_is_used_as_is() -> None:
    calc = _levy(200, 2, 200 * 120000)
    assert calc.average_wage == calc.wage_cap == calc.wage_used == D("120000")
    assert calc.payable == D("60000.00")


def test_a_year_before_the_cap_existed_uses_the_full_average_wage() -> None:
    policy = Policy(wage_cap_multiple=None, reduction_tiers=[], small_enterprise_max_staff=None)
    calc = _levy(200, 1, 200 * 300000, policy=policy)
    assert calc.wage_cap is None
    assert calc.payable == D("600000.00")


def test_the_steps_show_every_figure_of_the_calculation() -> None:
    calc = _levy(200, 2, 200 * 150000)
    text = " ".join(f"{s.label} {s.formula} {s.value}" for s in calc.steps)
    for figure in ("200 × 1.5%", "150,000.00", "120,000.00", "50%", "60,000.00 元"):
        assert figure in text


def test_monthly_counting_basis_averages_twelve_months() -> None:
    months = [D(100)] * 6 + [D(106)] * 6
    assert staff_count(basis="monthly", annual=None, monthly=months) == D(103)
    with pytest.raises(ValueError):
        staff_count(basis="monthly", annual=None, monthly=months[:11])


def test_negative_figures_are_refused() -> None:
    with pytest.raises(ValueError):
        _levy(200, -1, 1000)


def test_an_exact_half_cent_is_rounded_once_up() -> None:
    # 300 staff, 1 counted, wages 3,150,010, 90 % tier: exactly 3.5 × 10,500.0333… × 0.9
    # = 33,075.105, which rounds to 33,075.11 (rounding any step before the end gives .10).
    calc = _levy(300, 1, 3_150_010)
    assert calc.payable == D("33075.11")


def test_a_monthly_staff_figure_stays_exact() -> None:
    staff = staff_count(basis="monthly", annual=None, monthly=[D(103)] * 11 + [D(104)])
    calc = calculate(
        staff=staff,
        counted=D(0),
        wage_total=D(1237 * 6000),
        employer_kind="private",
        policy=Policy(),
    )
    # required = 1237/12 × 1.5 % ; average wage = 72,000 exactly; 90 % of shortfall × wage.
    assert calc.average_wage == D(72000)
    assert calc.payable == D("100197.00")


def test_the_reduction_step_is_a_sentence_with_its_thresholds() -> None:
    low = _levy(300, 2, 300 * 60000)
    assert low.steps[-2].formula == "实际安排比例 0.667%，低于 1%，按应缴额的 90% 缴纳"
    high = _levy(200, 2, 200 * 60000)
    assert high.steps[-2].formula == "实际安排比例 1%，达到 1%，按应缴额的 50% 缴纳"


@dataclass
class DatedPolicy(Policy):
    valid_from: object = None
    valid_until: object = None
    date_basis: str = "collection"
    document: str = "财政部公告2023年第8号"


def test_the_first_step_names_the_rule_with_its_document_and_dates() -> None:
    import datetime as dt

    policy = DatedPolicy(valid_from=dt.date(2023, 1, 1), valid_until=dt.date(2027, 12, 31))
    calc = calculate(
        staff=D(200),
        counted=D(1),
        wage_total=D(16_000_000),
        employer_kind="private",
        policy=policy,
        year=2024,
    )
    assert calc.steps[0].label == "适用政策"
    assert calc.steps[0].value == (
        "依据财政部公告2023年第8号（征收年度2023年1月1日至2027年12月31日）；2024年度数据，2025年征收"
    )
    open_ended = DatedPolicy(valid_from=dt.date(2015, 1, 1), date_basis="data", document="")
    assert rule_sentence(open_ended) == "依据本地区政策参数（数据年度2015年1月1日起）"
