"""Conversion, stability and completion against a hand count (training.selectors.outcomes).

The course runs 1 March – 31 May YEAR and everyone completes on 31 May, so the conversion
window (6 months) ends on 30 November YEAR; stability is judged 6 months after that job starts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import VILLAGE_B
from jiuye.employment.services import employment_archive
from jiuye.training.models import Enrolment, EnrolmentStatus
from jiuye.training.selectors.outcomes import conversion, conversion_by, scorecard
from jiuye.training.tests import outcome_fixtures as fx
from jiuye.training.tests.outcome_fixtures import YEAR

pytestmark = pytest.mark.django_db

provider_a, course_a = fx.provider_a, fx.course_a
ON = dt.date(YEAR, 12, 15)


@pytest.fixture
def counted(course_a):  # noqa: ANN001, ANN201
    """Nine enrolments of course_a, each a case of the hand count (see the test below)."""
    people = {n: fx.make_person(400 + n, f"学员{n}") for n in range(1, 10)}
    fx.job(people[1], dt.date(YEAR, 1, 10))  # employed before the course, still employed
    fx.job(people[2], fx.WINDOW_END)  # starts on the window's last day
    fx.job(people[3], fx.WINDOW_END + dt.timedelta(days=1))  # one day too late
    fx.job(people[4], dt.date(YEAR, 4, 1), dt.date(YEAR, 6, 30))  # two jobs: this one first
    fx.job(people[4], dt.date(YEAR, 8, 1))
    fx.job(people[5], dt.date(YEAR, 6, 10), dt.date(YEAR, 12, 9))  # left the day before
    fx.job(people[6], dt.date(YEAR, 6, 10), dt.date(YEAR, 12, 10))  # left on the day
    fx.job(people[7], dt.date(YEAR, 6, 1))  # still employed
    for n in range(1, 8):
        fx.enrol(course_a, people[n])
    fx.enrol(course_a, people[8], status=EnrolmentStatus.DROPPED, dropped_on=dt.date(YEAR, 4, 1))
    fx.enrol(course_a, people[9], status=EnrolmentStatus.ENROLLED)  # course ended, not completed
    return people


def _row(figures, person):  # noqa: ANN001, ANN202
    return next(r for r in figures.rows if r.enrolment.person_id == person.pk)


def test_the_figures_match_the_hand_count(counted) -> None:  # noqa: ANN001
    figures = conversion(Enrolment.objects.all(), on=ON)
    assert figures.completers == 7
    assert figures.converted == 5  # 2, 4, 5, 6, 7
    assert figures.stable_due == 4  # 4, 5, 6, 7 (2's date is 30 May next year)
    assert figures.stable == 3  # 4, 6, 7
    assert (figures.dropped, figures.unfinished) == (1, 1)
    assert figures.conversion_rate == Decimal("71.4")
    assert figures.stability_rate == Decimal("75.0")
    assert figures.completion_rate == Decimal("77.8")


def test_a_job_started_before_the_course_is_not_a_conversion(counted) -> None:  # noqa: ANN001
    row = _row(conversion(Enrolment.objects.all(), on=ON), counted[1])
    assert not row.converted
    assert row.first_job is None and row.stability_date is None and row.stable is None


def test_a_job_on_the_windows_last_day_counts_and_one_day_later_does_not(counted) -> None:  # noqa: ANN001
    figures = conversion(Enrolment.objects.all(), on=ON)
    assert _row(figures, counted[2]).converted
    assert _row(figures, counted[2]).first_job.start_date == fx.WINDOW_END
    assert not _row(figures, counted[3]).converted


def test_a_shorter_window_leaves_out_a_job_after_it(counted) -> None:  # noqa: ANN001
    figures = conversion(Enrolment.objects.all(), months=1, on=ON)
    # Within 30 June: 4 (1 April) and 5, 6 (10 June), 7 (1 June).
    assert figures.converted == 4


def test_two_jobs_in_the_window_count_once_with_the_first_as_that_job(counted) -> None:  # noqa: ANN001
    row = _row(conversion(Enrolment.objects.all(), on=ON), counted[4])
    assert row.first_job.start_date == dt.date(YEAR, 4, 1)
    assert row.stability_date == dt.date(YEAR, 10, 1)
    # The first job had ended by then; the second covers the day, so the person is stable.
    assert row.stable is True


def test_a_job_ending_before_the_stability_date_is_not_stable_and_on_it_is(counted) -> None:  # noqa: ANN001
    figures = conversion(Enrolment.objects.all(), on=ON)
    assert _row(figures, counted[5]).stability_date == dt.date(YEAR, 12, 10)
    assert _row(figures, counted[5]).stable is False
    assert _row(figures, counted[6]).stable is True


def test_a_stability_date_still_to_come_is_not_due(counted) -> None:  # noqa: ANN001
    row = _row(conversion(Enrolment.objects.all(), on=ON), counted[2])
    assert row.stability_date == dt.date(YEAR + 1, 5, 30)
    assert row.stable is None and not row.stable_due
    later = conversion(Enrolment.objects.all(), on=dt.date(YEAR + 1, 5, 30))
    assert _row(later, counted[2]).stable is True
    assert later.stable_due == 5


def test_the_stability_window_comes_from_the_settings(counted, settings) -> None:  # noqa: ANN001
    settings.JIUYE_TRAINING_STABILITY_MONTHS = 3
    row = _row(conversion(Enrolment.objects.all(), on=ON), counted[5])
    assert row.stability_date == dt.date(YEAR, 9, 10)
    assert row.stable is True


def test_an_archived_record_is_not_a_conversion(course_a) -> None:  # noqa: ANN001
    person = fx.make_person(431, "归档")
    record = fx.job(person, dt.date(YEAR, 7, 1))
    employment_archive(record=record, reason="重复录入", by=None)
    fx.enrol(course_a, person)
    assert conversion(Enrolment.objects.all(), on=ON).converted == 0


def test_nothing_to_count_gives_no_rate(course_a) -> None:  # noqa: ANN001
    figures = conversion(Enrolment.objects.all(), on=ON)
    assert (figures.completers, figures.converted) == (0, 0)
    assert figures.conversion_rate is None and figures.completion_rate is None


def test_the_figures_cost_three_queries_whatever_the_size(
    counted, django_assert_num_queries
) -> None:  # noqa: ANN001
    with django_assert_num_queries(3):
        figures = conversion(Enrolment.objects.all(), on=ON)
        for row in figures.rows:
            assert row.enrolment.course.provider.name and row.enrolment.person.region.name
            if row.first_job:
                assert row.first_job.workplace


def test_figures_group_by_course_provider_kind_and_year(counted, provider_a, course_a) -> None:  # noqa: ANN001
    other = fx.make_course(provider_a, "按摩班", kind="health_massage")
    person = fx.make_person(441, "另一班", village=VILLAGE_B)
    fx.job(person, dt.date(YEAR, 6, 1))
    fx.enrol(other, person, completed_on=dt.date(YEAR + 1, 1, 5))
    by_course = conversion_by(Enrolment.objects.all(), "course", on=ON)
    assert by_course[course_a.pk].completers == 7 and by_course[other.pk].completers == 1
    assert by_course[other.pk].converted == 1
    by_provider = conversion_by(Enrolment.objects.all(), "provider", on=ON)
    assert by_provider[provider_a.pk].completers == 8
    assert by_provider[provider_a.pk].dropped == 1
    by_kind = conversion_by(Enrolment.objects.all(), "kind", on=ON)
    assert by_kind["ecommerce"].converted == 5 and by_kind["health_massage"].converted == 1
    by_year = conversion_by(Enrolment.objects.all(), "year", on=ON)
    assert by_year[YEAR].completers == 7 and by_year[YEAR + 1].completers == 1
    assert by_year[YEAR].unfinished == 1
    with pytest.raises(ValueError):
        conversion_by(Enrolment.objects.all(), "town")


def test_the_scorecard_ranks_courses_by_conversion_then_completers(provider_a, course_a) -> None:  # noqa: ANN001
    best = fx.make_course(provider_a, "直播带货班")
    empty = fx.make_course(provider_a, "还没人结业的班")
    for n, course, employed in (
        (1, course_a, True),
        (2, course_a, False),
        (3, best, True),
    ):
        person = fx.make_person(450 + n, f"排名{n}")
        if employed:
            fx.job(person, dt.date(YEAR, 7, 1))
        fx.enrol(course, person)
    ranked = [s.course for s in scorecard(provider_a, on=ON)]
    assert ranked == [best, course_a, empty]
