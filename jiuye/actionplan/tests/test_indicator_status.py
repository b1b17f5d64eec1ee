from __future__ import annotations

from decimal import Decimal

import pytest

from jiuye.actionplan.selectors import IndicatorRow
from jiuye.core.indicators import Indicator


def _row(*, actual: str, target: str | None, higher_is_better: bool) -> IndicatorRow:
    indicator = Indicator(
        code="test.figure",
        name="测试指标",
        name_en="Test figure",
        unit="人",
        action=1,
        compute=lambda region, year: 0,
        higher_is_better=higher_is_better,
    )
    return IndicatorRow(
        indicator=indicator,
        region=None,  # type: ignore[arg-type]
        year=2024,
        actual=Decimal(actual),
        target=None if target is None else Decimal(target),
        frozen=None,
        records_url=None,
    )


@pytest.mark.parametrize(
    ("actual", "target", "higher_is_better", "key"),
    [
        ("120", "100", True, "met"),
        ("100", "100", True, "met"),
        ("80", "100", True, "behind"),
        # The levy: a district meets its target by keeping the amount at or below it.
        ("80", "100", False, "met"),
        ("100", "100", False, "met"),
        ("120", "100", False, "behind"),
        ("5", None, True, "none"),
        ("5", None, False, "none"),
    ],
)
def test_a_target_is_met_in_the_direction_the_indicator_is_better(
    actual: str, target: str | None, higher_is_better: bool, key: str
) -> None:
    row = _row(actual=actual, target=target, higher_is_better=higher_is_better)
    assert row.status[0] == key
    assert row.met is {"met": True, "behind": False, "none": None}[key]
