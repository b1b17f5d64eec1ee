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


def test_the_load_tests_import_files_hold_only_persons_not_yet_registered(
    reference, tmp_path
) -> None:  # noqa: ANN001
    """Issue 19: bench_load's two files came from fixed seeds, so on a reused database both
    imports re-imported registered persons and created nothing. Persons the database holds
    are left out, and no ID number is in both files."""
    import csv

    from bench.bench_load import import_files
    from jiuye.people.demo.synthetic import generate_persons
    from jiuye.people.services import person_register
    from jiuye.reference.models import Region

    region = Region.objects.get(code="440199001001")
    first = list(generate_persons(5, seed=7))
    for row in first[:3]:
        person_register(name=row["姓名"], id_number=row["身份证号"], region=region)
    paths = [tmp_path / "solo.csv", tmp_path / "load.csv"]
    made = import_files(paths, 40, seed=7)

    files = []
    for path in paths:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            files.append([row["身份证号"] for row in csv.DictReader(handle)])
    assert [len(numbers) for numbers in files] == [40, 40]
    assert len(set(files[0]) | set(files[1])) == 80
    registered = {row["身份证号"] for row in first[:3]}
    assert not registered & (set(files[0]) | set(files[1]))
    assert files[0][0] == first[3]["身份证号"]  # the same stream, those registered skipped
    assert made["skipped"] >= 3
