"""demo_data extends the synthetic registry with employment records and casework whose
coverage is partial, so the worklist and the gaps are meaningful."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from jiuye.casework import selectors
from jiuye.casework.models import AnnualCase, NeedsRecord, ServiceRecord
from jiuye.casework.services import recompute_cases
from jiuye.employment.models import EmploymentRecord
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("demo_data", persons=400, seed=3, stdout=out)
    return out.getvalue()


def test_demo_data_adds_employment_and_a_partial_year_of_casework(settings, reference) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    _run()
    assert EmploymentRecord.objects.exists()
    assert ServiceRecord.objects.filter(service_type="verification").exists()
    assert NeedsRecord.objects.exists()
    year = timezone.localdate().year
    total = selectors.coverage(region=Region.objects.get(code="440199000000"), year=year).total
    # Some, not all: the gap lists have people in them.
    assert 0 < total.verified < total.unemployed
    assert 0 < total.served < total.needs
    # The yearly cases the demo wrote are what recomputing them from the records gives.
    before = list(AnnualCase.objects.order_by("pk").values())
    recompute_cases(AnnualCase.objects.values_list("person_id", flat=True), [year - 1, year])
    assert list(AnnualCase.objects.order_by("pk").values()) == before

    counts = (EmploymentRecord.objects.count(), ServiceRecord.objects.count())
    out = _run()
    assert "already there" in out
    assert (EmploymentRecord.objects.count(), ServiceRecord.objects.count()) == counts


def test_the_records_written_straight_to_the_tables_mark_their_villages(
    reference, monkeypatch
) -> None:  # noqa: ANN001
    """Tallies counted before the demo casework are recounted, not moved by its recomputes'
    deltas from counts without the records it wrote (ADR 0005)."""
    from jiuye.casework import demo
    from jiuye.people.demo.persons import demo_persons
    from jiuye.people.demo.synthetic import load_villages

    demo_persons(persons=40, seed=3, villages=load_villages())
    marked: list[set[str]] = []
    monkeypatch.setattr(demo, "mark_dirty", lambda codes: marked.append(set(codes)))
    assert demo.demo_casework(seed=3) > 0
    bulk = ServiceRecord.objects.filter(idempotency_key__startswith=demo.KEY_PREFIX)
    written = set(bulk.values_list("person__region_id", flat=True).distinct())
    assert marked and marked[0] == written
