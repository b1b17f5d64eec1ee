"""The benchmarks' data generators (bench/datagen.py) at a tiny scale: they run, and the rows
they make hang together (PostgreSQL only: they write with PostgreSQL's SQL)."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from bench import datagen
from jiuye.casework.models import AnnualCase, ServiceRecord
from jiuye.employers.models import Declaration, DeclaredEmployee, Employer
from jiuye.jobs.models import Posting
from jiuye.people.models import Person

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the generators write PostgreSQL SQL",
)


def test_a_tiny_district_of_200_persons(reference) -> None:  # noqa: ANN001
    year = timezone.localdate().year
    datagen.registry(200, year)
    datagen.declarations(20, year - 1, registry_persons=False)
    employers = [uuid.UUID(hashlib.md5(f"e{i}".encode()).hexdigest()) for i in (1, 2, 3)]  # noqa: S324
    villages = ["440199001001", "440199002001"]
    made = datagen.postings(10, employers, villages)

    assert Person.objects.count() == 200
    assert ServiceRecord.objects.count() == 600
    # Every record's person exists, and the yearly cases are derived from the records.
    assert not ServiceRecord.objects.filter(person__isnull=True).exists()
    assert AnnualCase.objects.exists()
    assert Employer.objects.count() == 20
    assert Declaration.objects.filter(year=year - 1, status="submitted").count() == 20
    lines = DeclaredEmployee.objects.filter(declaration__year=year - 1)
    assert lines.count() == 60 + 1  # and employee 7 declared by a second employer
    # Declared employees point at persons of the registry (2 % are planted as unknown).
    indexes = set(lines.values_list("id_number_index", flat=True))
    assert len(indexes & set(Person.objects.values_list("id_number_index", flat=True))) >= 55
    assert len(made) == Posting.objects.count() == 10
