"""The seeker profiles (ADR 0006, issue 19) follow every write of the needs records: a
registration and a re-registration, archiving the record that carried one, a merge and its
undo; the command rebuilds them and ``--check`` finds a stale one. (The ``services`` import and
its rollback, and the demo data, are checked in their own tests.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import VILLAGE_A, make_id_number
from jiuye.casework import services
from jiuye.casework.models import Channel, SeekerProfile
from jiuye.casework.services.profiles import seeker_profiles_stale
from jiuye.people.services import person_register
from jiuye.people.services.merges import merge_undo, person_merge
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _profile(person) -> tuple | None:  # noqa: ANN001
    row = SeekerProfile.objects.filter(person=person).first()
    return row and (row.year, row.desired_jobs, row.hours, row.expected_wage)


def _register(person, day: dt.date, **fields):  # noqa: ANN001, ANN003, ANN202
    return services.needs_register(
        person=person, by=None, date=day, channel=Channel.PHONE, wants_work="yes", **fields
    )


def test_registering_and_archiving_needs_moves_the_profile(person_a) -> None:  # noqa: ANN001
    assert _profile(person_a) is None
    _register(person_a, dt.date(YEAR - 1, 3, 1), desired_jobs="文员", hours="any")
    assert _profile(person_a) == (YEAR - 1, "文员", "any", None)
    first = _register(person_a, dt.date(YEAR, 2, 1), desired_jobs="客服", expected_wage=3000)
    assert _profile(person_a) == (YEAR, "客服", "", Decimal("3000.00"))
    second = _register(person_a, dt.date(YEAR, 3, 1), desired_jobs="电商", hours="part_time")
    assert _profile(person_a) == (YEAR, "电商", "part_time", None)
    # Archiving the record of the year's second registration brings the first one back...
    services.service_archive(record=second.service_record, reason="录错了", by=None)
    assert _profile(person_a) == (YEAR, "客服", "", Decimal("3000.00"))
    # ... and of the first too, last year's.
    services.service_archive(record=first.service_record, reason="录错了", by=None)
    assert _profile(person_a) == (YEAR - 1, "文员", "any", None)
    assert seeker_profiles_stale() == []


def test_a_merge_and_its_undo_move_the_profile(person_a, personas) -> None:  # noqa: ANN001
    other = person_register(
        name="张三", id_number=make_id_number(seq=909), region=Region.objects.get(code=VILLAGE_A)
    )
    _register(person_a, dt.date(YEAR - 1, 3, 1), desired_jobs="文员")
    _register(other, dt.date(YEAR, 3, 1), desired_jobs="客服", hours="flexible")
    by = personas["district"]
    person_a.refresh_from_db()
    other.refresh_from_db()
    merge = person_merge(
        survivor=person_a,
        merged=other,
        by=by,
        survivor_version=person_a.version,
        merged_version=other.version,
    )
    # The survivor has both registrations now: the latest speaks.
    assert _profile(person_a) == (YEAR, "客服", "flexible", None)
    assert _profile(other) is None
    merge_undo(merge=merge, by=by)
    assert _profile(person_a) == (YEAR - 1, "文员", "", None)
    assert _profile(other) == (YEAR, "客服", "flexible", None)


def test_the_command_checks_and_rebuilds_the_profiles(person_a, person_b) -> None:  # noqa: ANN001
    _register(person_a, dt.date(YEAR, 3, 1), desired_jobs="客服")
    call_command("seeker_profiles", "--check")
    SeekerProfile.objects.filter(person=person_a).update(desired_jobs="按摩")
    SeekerProfile.objects.create(person=person_b, year=YEAR)
    with pytest.raises(CommandError, match="2 seeker profiles differ"):
        call_command("seeker_profiles", "--check")
    call_command("seeker_profiles")
    assert _profile(person_a) == (YEAR, "客服", "", None) and _profile(person_b) is None
    call_command("seeker_profiles", "--check")
