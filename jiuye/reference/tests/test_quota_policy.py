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
    ("year", "cap", "tiers", "exempt_up_to"),
    [
        (2015, None, 0, 20),  # the 2015-10 exemption is in force on 31 December
        (2016, None, 0, 20),
        (2017, Decimal(3), 0, 20),
        (2018, Decimal(2), 0, 20),
        (2020, Decimal(2), 2, 30),
        (2027, Decimal(2), 2, 30),
        (2028, Decimal(2), 0, None),
    ],
)
def test_the_row_in_force_on_31_december_applies(reference, year, cap, tiers, exempt_up_to) -> None:  # noqa: ANN001
    policy = quota_policy(VILLAGE, year)
    assert policy.ratio == Decimal("0.015")
    assert policy.wage_cap_multiple == cap
    assert len(policy.reduction_tiers) == tiers
    assert policy.small_enterprise_max_staff == exempt_up_to


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
    row = QuotaPolicy.objects.get(region_id="440000000000", valid_from=dt.date(2024, 1, 1))
    row.minimum_wage = Decimal("2400")
    row.save()
    quota_policy_load()
    row.refresh_from_db()
    assert row.minimum_wage == Decimal("2400")
