"""Policy parameters are dated data by region: the right row for a year and a place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jiuye.reference.models import QuotaPolicy, Region
from jiuye.reference.selectors import quota_policy
from jiuye.reference.services import ReferenceDataError, quota_policy_load

pytestmark = pytest.mark.django_db

VILLAGE = "440199001001"


@pytest.mark.parametrize(
    ("year", "cap", "tiers", "exempt_up_to", "document"),
    [
        (2015, None, 0, 20, "财税〔2015〕72号"),  # the 2015-10 exemption is in force on 31 December
        (2016, None, 0, 20, "财税〔2015〕72号"),
        (2017, Decimal(3), 0, 20, "财税〔2015〕72号"),
        # Data year 2018 is collected in 2019, before 98号: no reductions, 20 staff.
        (2018, Decimal(2), 0, 20, "财税〔2015〕72号"),
        # Data year 2019 is collected in 2020: 98号's first year.
        (2019, Decimal(2), 2, 30, "财政部公告2019年第98号"),
        (2021, Decimal(2), 2, 30, "财政部公告2019年第98号"),  # collected 2022, its last year
        (2022, Decimal(2), 2, 30, "财政部公告2023年第8号"),  # collected 2023, 8号's first year
        (2026, Decimal(2), 2, 30, "财政部公告2023年第8号"),  # collected 2027, its last year
        (2027, Decimal(2), 0, None, "《残疾人就业条例》；财税〔2015〕72号"),  # collected 2028
    ],
)
def test_a_declaration_takes_the_rule_in_force_in_the_year_its_dates_are_of(  # noqa: PLR0913
    reference,  # noqa: ANN001
    year,  # noqa: ANN001
    cap,  # noqa: ANN001
    tiers,  # noqa: ANN001
    exempt_up_to,  # noqa: ANN001
    document,  # noqa: ANN001
) -> None:
    policy = quota_policy(VILLAGE, year)
    assert policy.ratio == Decimal("0.015")
    assert policy.wage_cap_multiple == cap
    assert len(policy.reduction_tiers) == tiers
    assert policy.small_enterprise_max_staff == exempt_up_to
    assert policy.document == document


@pytest.mark.parametrize(
    ("document", "start", "until"),
    [
        ("财政部公告2019年第98号", dt.date(2020, 1, 1), dt.date(2022, 12, 31)),
        ("财政部公告2023年第8号", dt.date(2023, 1, 1), dt.date(2027, 12, 31)),
    ],
)
def test_the_reduction_documents_are_dated_by_collection_year(
    reference, document, start, until
) -> None:  # noqa: ANN001
    row = QuotaPolicy.objects.get(document=document)
    assert row.date_basis == QuotaPolicy.DateBasis.COLLECTION_YEAR
    assert (row.valid_from, row.valid_until) == (start, until)


def _row(region: str, start: dt.date, until: dt.date | None, basis: str, ratio: str) -> None:
    QuotaPolicy.objects.create(
        region=Region.objects.get(code=region),
        valid_from=start,
        valid_until=until,
        date_basis=basis,
        ratio=Decimal(ratio),
        minimum_wage=Decimal(2000),
        social_average_wage=Decimal(60000),
    )


@pytest.mark.parametrize(
    ("year", "ratio"),
    [(2029, "0.015"), (2030, "0.017"), (2032, "0.017"), (2033, "0.015")],
)
def test_a_collection_year_row_applies_to_the_data_of_the_year_before_it(  # noqa: ANN001
    reference, year, ratio
) -> None:
    """A row collected 2031-01-01 to 2033-12-31 covers data years 2030 to 2032, boundaries
    included; the county's own data-year row from 2028 applies before and after it."""
    county = "440199000000"
    _row(county, dt.date(2028, 1, 1), None, "data", "0.015")
    _row(county, dt.date(2031, 1, 1), dt.date(2033, 12, 31), "collection", "0.017")
    assert quota_policy(VILLAGE, year).ratio == Decimal(ratio)


def test_a_data_year_row_with_an_end_stops_after_its_last_year(reference) -> None:  # noqa: ANN001
    county = "440199000000"
    _row(county, dt.date(2029, 1, 1), dt.date(2029, 12, 31), "data", "0.02")
    assert quota_policy(VILLAGE, 2029).ratio == Decimal("0.02")
    assert quota_policy(VILLAGE, 2030).region_id == "440000000000"  # back to the province


def test_no_policy_before_the_first_row(reference) -> None:  # noqa: ANN001
    assert quota_policy(VILLAGE, 2014) is None


def test_a_county_row_overrides_the_province(reference) -> None:  # noqa: ANN001
    province = quota_policy(VILLAGE, 2024)
    QuotaPolicy.objects.create(
        region=Region.objects.get(code="440199000000"),
        valid_from=dt.date(2023, 1, 1),
        ratio=Decimal("0.02"),
        double_count_grades=[1, 2],
        minimum_wage=province.minimum_wage,
        social_average_wage=province.social_average_wage,
        wage_cap_multiple=Decimal(2),
    )
    assert quota_policy(VILLAGE, 2024).ratio == Decimal("0.02")
    assert quota_policy(VILLAGE, 2022).ratio == Decimal("0.015")
    # Another county of the province keeps the province's ratio.
    assert quota_policy("440106001001", 2024).ratio == Decimal("0.015")


def test_loading_again_changes_nothing_and_a_bad_row_names_itself(reference, tmp_path) -> None:  # noqa: ANN001
    assert quota_policy_load().created == 0
    bad = tmp_path / "policy.csv"
    bad.write_text(
        "region,valid_from,ratio,minimum_wage,social_average_wage\n"
        "440000000000,2030-01-01,百分之一,2500,100000\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match="第2行"):
        quota_policy_load(path=bad)


def test_loading_again_keeps_a_row_staff_corrected(reference) -> None:  # noqa: ANN001
    row = QuotaPolicy.objects.get(region_id="440000000000", valid_from=dt.date(2023, 1, 1))
    row.minimum_wage = Decimal("2400")
    row.save()
    quota_policy_load()
    row.refresh_from_db()
    assert row.minimum_wage == Decimal("2400")
