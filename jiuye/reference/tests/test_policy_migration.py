"""reference 0003: a database loaded with the earlier quota_policy.csv (one data-year row a year)
ends up with the rows the current file ships, dated by collection year, while the rows staff
changed and the rows a declaration was computed with are kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.forms.models import model_to_dict

from jiuye.employers.models import Declaration
from jiuye.reference.models import QuotaPolicy, Region
from jiuye.reference.selectors import quota_policy
from jiuye.reference.services import quota_policy_load

pytestmark = pytest.mark.django_db
migration = import_module("jiuye.reference.migrations.0003_policy_rows_by_collection_year")
COMPARED = (
    "valid_from",
    "valid_until",
    "date_basis",
    "minimum_wage",
    "social_average_wage",
    "wage_cap_multiple",
    "reduction_tiers",
    "small_enterprise_max_staff",
    "document",
    "source",
)


def _shipped_now() -> dict[str, dict]:
    return {
        p.valid_from.isoformat(): model_to_dict(p, fields=COMPARED)
        for p in QuotaPolicy.objects.filter(region__code=migration.PROVINCE)
    }


def _as_loaded_before(now: dict[str, dict]) -> None:
    """Replace the province rows by those the earlier file loaded (the other fields as the
    nearest row of the current file)."""
    QuotaPolicy.objects.filter(region__code=migration.PROVINCE).delete()
    province = Region.objects.get(code=migration.PROVINCE)
    for day, (minimum, average, source) in migration.SHIPPED_BEFORE.items():
        base = now.get(day) or now["2020-01-01"]
        row = QuotaPolicy(region=province, **{**base, "valid_from": dt.date.fromisoformat(day)})
        row.ratio, row.double_count_grades = Decimal("0.015"), [1, 2]
        row.minimum_wage, row.social_average_wage, row.source = minimum, average, source
        row.document, row.date_basis, row.valid_until = "", "data", None
        row.save()


def test_an_old_database_gets_the_rows_of_the_current_file(reference, employer_a) -> None:  # noqa: ANN001
    now = _shipped_now()
    assert len(now) == 10
    _as_loaded_before(now)
    # Staff corrected the 2021 row; a declaration was computed with the 2024 row.
    QuotaPolicy.objects.filter(valid_from=dt.date(2021, 1, 1)).update(minimum_wage=2400)
    used = QuotaPolicy.objects.get(region__code=migration.PROVINCE, valid_from=dt.date(2024, 1, 1))
    declaration = Declaration.objects.create(
        employer=employer_a, year=2024, wage_total=0, policy=used
    )
    # Loading the current file again changes none of it: the loader never overwrites.
    quota_policy_load()
    assert QuotaPolicy.objects.filter(region__code=migration.PROVINCE).count() == 17

    migration.forwards(django_apps, None)

    after = _shipped_now()
    kept = {"2021-01-01", "2024-01-01"}
    assert set(after) == set(now) | kept
    assert {day: after[day] for day in now} == now
    assert after["2021-01-01"]["minimum_wage"] == Decimal(2400)
    retired = QuotaPolicy.objects.get(pk=used.pk)
    assert (
        retired.valid_until == retired.valid_from and "已由按征收年度的参数取代" in retired.source
    )
    declaration.refresh_from_db()
    assert declaration.policy_id == used.pk
    # The levy of data year 2024 is collected in 2025 under 财政部公告2023年第8号.
    assert quota_policy(employer_a.region_id, 2024).document == "财政部公告2023年第8号"
    assert quota_policy(employer_a.region_id, 2022).document == "财政部公告2023年第8号"
    # A second run changes nothing.
    migration.forwards(django_apps, None)
    assert _shipped_now() == after


def test_a_database_loaded_from_the_current_file_is_left_alone(reference) -> None:  # noqa: ANN001
    now = _shipped_now()
    migration.forwards(django_apps, None)
    assert _shipped_now() == now
