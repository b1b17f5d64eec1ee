"""Provider and course services: creation with every rule in Chinese, a town officer's limits,
version conflicts, archiving; and the course selectors (search, seats taken)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conftest import TOWN_A, TOWN_B, make_uscc
from jiuye.core.conflicts import ConflictError
from jiuye.reference.models import Region
from jiuye.training.models import Course, EnrolmentStatus
from jiuye.training.selectors import courses as selectors
from jiuye.training.services import courses as services
from jiuye.training.tests import course_fixtures as fx
from jiuye.training.tests.course_fixtures import enrol, make_course, today

pytestmark = pytest.mark.django_db

provider_a, provider_b, course_a, course_b = fx.provider_a, fx.provider_b, fx.course_a, fx.course_b


def test_a_provider_is_created_with_a_normalised_name_and_credit_code(reference) -> None:  # noqa: ANN001
    provider = services.provider_create(
        by=None,
        name="  东城  培训学校 ",
        kind="practice_base",
        uscc=make_uscc("91440199MA5TEXT56"),
        region=Region.objects.get(code=TOWN_A),
        accessibility=["braille", "step_free"],
    )
    assert provider.name == "东城 培训学校"
    assert provider.accessibility == ["step_free", "braille"]
    assert provider.version == 1


def test_a_provider_needs_a_name_a_kind_and_a_region(reference) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        services.provider_create(by=None, name=" ", kind="school", region=None)
    assert set(caught.value.message_dict) == {"name", "kind", "region"}
    assert caught.value.message_dict["name"] == ["请填写培训机构名称。"]


def test_a_town_officer_manages_only_providers_of_their_town(personas, provider_b) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        services.provider_create(
            by=personas["town_a"], name="外镇机构", kind="training_org",
            region=Region.objects.get(code=TOWN_B),
        )  # fmt: skip
    assert caught.value.code == "scope"
    with pytest.raises(ValidationError):
        services.provider_update(provider=provider_b, by=personas["town_a"], version=1, name="改名")


def test_a_stale_provider_form_gets_a_conflict(provider_a) -> None:  # noqa: ANN001
    services.provider_update(provider=provider_a, by=None, version=1, name="新名称")
    with pytest.raises(ConflictError):
        services.provider_update(provider=provider_a, by=None, version=1, name="旧表单")


def test_a_course_keeps_its_target_categories_and_fields(course_a) -> None:  # noqa: ANN001
    assert sorted(c.pk for c in course_a.target_categories.all()) == [2, 4]
    assert (course_a.hours, course_a.places, course_a.kind) == (80, 2, "ecommerce")


def test_a_course_refuses_an_end_before_its_start_no_places_and_no_title(provider_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        make_course(
            provider_a, title="", places=0, hours=-1,
            start_date=dt.date(2025, 3, 10), end_date=dt.date(2025, 3, 1),
        )  # fmt: skip
    errors = caught.value.message_dict
    assert errors["title"] == ["请填写课程名称。"]
    assert "结业日期（2025-03-01）早于开班日期（2025-03-10）" in errors["end_date"][0]
    assert "名额至少为 1" in errors["places"][0]
    assert "课时" in errors["hours"][0]
    assert not Course.objects.exists()


def test_a_course_update_changes_categories_and_bumps_the_version(course_a) -> None:  # noqa: ANN001
    updated = services.course_update(
        course=course_a, by=None, version=1, target_categories=[1], places=5
    )
    assert (updated.version, updated.places) == (2, 5)
    assert [c.pk for c in updated.target_categories.all()] == [1]
    unchanged = services.course_update(course=updated, by=None, version=2, places=5)
    assert unchanged.version == 2
    with pytest.raises(ConflictError):
        services.course_update(course=course_a, by=None, version=1, places=3)


def test_a_town_officer_cannot_move_a_course_to_another_towns_provider(
    personas, course_a, provider_b
) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        services.course_update(
            course=course_a, by=personas["town_a"], version=1, provider=provider_b
        )
    assert caught.value.code == "scope"
    with pytest.raises(ValidationError):
        services.course_update(course=course_a, by=personas["town_b"], version=1, places=3)


def test_an_archived_course_needs_a_reason_and_cannot_be_edited(course_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        services.course_archive(course=course_a, by=None, reason=" ")
    services.course_archive(course=course_a, by=None, reason="重复录入")
    with pytest.raises(ValidationError) as caught:
        services.course_update(course=course_a, by=None, version=None, places=3)
    assert caught.value.code == "archived"


def test_an_archived_provider_opens_no_course(provider_a) -> None:  # noqa: ANN001
    services.provider_archive(provider=provider_a, by=None, reason="已注销")
    provider_a.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        make_course(provider_a)
    assert "已归档" in caught.value.message_dict["provider"][0]


def test_seats_taken_counts_enrolled_and_completed_only(course_a, person_a, person_b) -> None:  # noqa: ANN001
    enrol(course_a, person_a)
    enrol(course_a, person_b, EnrolmentStatus.COMPLETED)
    assert selectors.seats_taken(course_a) == 2
    counts = selectors.enrolment_counts(course_a)
    assert (counts["enrolled"], counts["completed"], counts["dropped"]) == (1, 1, 0)


def test_a_requested_or_dropped_enrolment_takes_no_seat(course_a, person_a, person_b) -> None:  # noqa: ANN001
    enrol(course_a, person_a, EnrolmentStatus.REQUESTED)
    enrol(course_a, person_b, EnrolmentStatus.DROPPED)
    assert selectors.seats_taken(course_a) == 0


def test_course_search_filters_by_words_kind_provider_year_and_town(course_a, course_b) -> None:  # noqa: ANN001
    qs = Course.objects.all()
    assert list(selectors.course_search(qs, q="电商 东城")) == [course_a]
    assert list(selectors.course_search(qs, q="西城")) == [course_b]
    assert list(selectors.course_search(qs, kind="health_massage")) == [course_b]
    assert list(selectors.course_search(qs, provider=course_a.provider)) == [course_a]
    assert list(selectors.course_search(qs, town=TOWN_B)) == [course_b]
    assert set(selectors.course_search(qs, year=today().year)) >= {course_a}
    assert not selectors.course_search(qs, year=2001).exists()


def test_every_staff_role_reads_courses_and_the_public_only_open_ones(personas, course_a) -> None:  # noqa: ANN001
    services.course_archive(course=course_a, by=None, reason="取消")
    for role in ("leader", "liaison", "town_b"):
        assert selectors.courses_visible(personas[role]).count() == 1
    for role in ("employer", "jobseeker"):
        assert selectors.courses_visible(personas[role]).count() == 0
        assert selectors.providers_visible(personas[role]).count() == 0
