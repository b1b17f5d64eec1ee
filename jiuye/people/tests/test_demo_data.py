"""Tests for the demo_data command: synthetic persons written straight to the registry."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from conftest import rows_for_the_module
from jiuye.core.crypto import blind_index
from jiuye.core.validators import (
    resident_id_birth_date,
    resident_id_sex,
    validate_certificate_number,
)
from jiuye.people.demo.synthetic import HARD_TO_EMPLOY_OFFICE, generate_persons
from jiuye.people.models import Person
from jiuye.people.services import id_number_index

pytestmark = pytest.mark.django_db


PERSONS, SEED = 120, 5


def _run(**options: object) -> str:
    out = StringIO()
    call_command("demo_data", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:  # noqa: ANN001
    """One run of the command for the module (what it printed); each test's own changes are
    rolled back around it."""
    yield from rows_for_the_module(
        django_db_blocker,
        tmp_path_factory.mktemp("demo"),
        lambda: _run(persons=PERSONS, seed=SEED),
    )


@pytest.fixture
def allowed(settings, first_run) -> str:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    return first_run


def test_it_creates_the_persons_and_a_second_run_creates_none(allowed) -> None:  # noqa: ANN001
    assert f"created {PERSONS}, skipped 0" in allowed
    assert Person.objects.count() == PERSONS

    assert f"created 0, skipped {PERSONS}" in _run(persons=PERSONS, seed=SEED)
    assert Person.objects.count() == PERSONS


def test_a_larger_run_with_the_same_seed_adds_only_the_new_persons(allowed) -> None:  # noqa: ANN001
    assert f"created 30, skipped {PERSONS}" in _run(persons=PERSONS + 30, seed=SEED)
    assert Person.objects.count() == PERSONS + 30


def test_it_is_refused_without_jiuye_allow_demo(settings, first_run) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = False
    with pytest.raises(CommandError, match="JIUYE_ALLOW_DEMO"):
        _run(persons=PERSONS + 10, seed=SEED)
    assert Person.objects.count() == PERSONS


def test_numbers_decrypt_match_their_indexes_and_are_not_stored_in_plain(allowed) -> None:  # noqa: ANN001
    expected = {row["身份证号"]: row for row in generate_persons(PERSONS, seed=SEED)}
    persons = list(Person.objects.all())
    assert {p.id_number for p in persons} == set(expected)
    for person in persons:
        row = expected[person.id_number]
        assert person.id_number_index == id_number_index(person.id_number)
        assert person.certificate_index == blind_index(
            person.certificate_number, purpose="person.certificate"
        )
        validate_certificate_number(
            person.certificate_number,
            id_number=person.id_number,
            category=person.category_id,
            grade=person.grade_id,
        )
        assert person.certificate_number == row["残疾人证号"]
        assert person.phone == row["联系电话"]
        assert person.sex == resident_id_sex(person.id_number)
        assert person.birth_date == resident_id_birth_date(person.id_number)

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, certificate_number, phone FROM people_person")
        stored = cursor.fetchall()
    for id_number, certificate, phone in stored:
        assert id_number.startswith("v1:") and id_number not in expected
        assert certificate.startswith("v1:") and phone.startswith("v1:")


def test_every_field_follows_its_row_and_passes_model_validation(allowed) -> None:  # noqa: ANN001
    rows = {row["身份证号"]: row for row in generate_persons(PERSONS, seed=SEED)}
    for person in Person.objects.all():
        row = rows[person.id_number]
        person.full_clean(validate_unique=False, validate_constraints=False)
        assert person.name == row["姓名"]
        assert person.region_id == row["村社区代码"]
        assert person.get_education_display() == row["文化程度"]
        assert person.get_marital_status_display() == row["婚姻状况"]
        assert person.is_student == (row["在校学生"] == "是")
        assert person.low_income == (row["低保"] == "是")
        assert (person.monitoring_category != "") == bool(row["防返贫监测类别"])
        assert "、".join(person.assistive_need_labels()) == row["无障碍需求"]
        if row["就业困难认定日期"]:
            assert person.hard_to_employ_date.isoformat() == row["就业困难认定日期"]
            assert person.hard_to_employ_office == HARD_TO_EMPLOY_OFFICE
        else:
            assert person.hard_to_employ_date is None and person.hard_to_employ_office == ""


def test_each_created_person_gets_an_audit_entry(allowed) -> None:  # noqa: ANN001
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person))
    assert entries.count() == PERSONS
    assert all(entry.action == LogEntry.Action.CREATE for entry in entries)


def test_the_apps_seeders_run_after_the_persons_in_their_declared_order(allowed) -> None:  # noqa: ANN001
    out = allowed
    labels = [
        "employment records",
        "employer declarations",
        "service records",
        "postings, fairs and referrals",
        "training, competitions and massage",
    ]
    positions = [out.index(f"demo {label}:") for label in labels]
    assert out.index(f"demo persons (seed {SEED})") < positions[0]
    assert positions == sorted(positions)


def test_persons_written_straight_to_the_table_mark_their_villages(allowed) -> None:  # noqa: ANN001
    """Their villages' coverage tallies, if counted before (ADR 0005), are recounted, not moved
    by a later write's delta from counts without them (a negative tally, refused)."""
    from jiuye.core import tallies
    from jiuye.people.demo.persons import demo_persons
    from jiuye.people.demo.synthetic import load_villages

    before = set(Person.objects.values_list("pk", flat=True))
    tallies.clear(tallies.pending())
    created, _skipped = demo_persons(persons=PERSONS + 10, seed=SEED, villages=load_villages())
    new = Person.objects.exclude(pk__in=before)
    assert created == 10 == new.count()
    assert set(new.values_list("region_id", flat=True)) == set(tallies.pending())
