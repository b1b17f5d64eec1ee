"""The training plan indicators against a hand count, the SQL of the rates against the Python
of ``training.selectors.outcomes`` (month ends included), and their cost on the dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import TOWN_A, TOWN_B, VILLAGE_B
from jiuye.core.indicators import registry
from jiuye.employment.models import EmploymentForm, NewFormSubtype
from jiuye.reference.models import DisabilityCategory, Region
from jiuye.training.indicators import _figures, figures, last_start_due
from jiuye.training.models import (
    Certificate,
    CertificateKind,
    Competition,
    CompetitionLevel,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    EstablishmentKind,
    MassageEstablishment,
)
from jiuye.training.selectors.outcomes import conversion
from jiuye.training.tests import outcome_fixtures as fx
from jiuye.training.tests.outcome_fixtures import YEAR

pytestmark = pytest.mark.django_db

DISTRICT = "440199000000"
provider_a, course_a = fx.provider_a, fx.course_a
CODES = {
    "training.persons_trained": 9,
    "training.ecommerce_trainees": 4,
    "training.completion_rate": 9,
    "training.conversion_rate": 9,
    "training.stability_rate": 9,
    "training.certificates": 9,
    "training.competitions": 9,
    "training.blind_massage_employed": 8,
    "training.blind_new_jobs": 8,
}


def _value(code: str, region: str = DISTRICT, year: int = YEAR) -> Decimal:
    return registry.get(code).value(Region.objects.get(code=region), year)


def test_every_training_indicator_is_registered_under_its_action() -> None:
    found = {i.code: i.action for i in registry.all() if i.code.startswith("training.")}
    assert found == CODES


def test_the_latest_start_due_allows_for_short_months() -> None:
    assert last_start_due(dt.date(2025, 2, 28), 6) == dt.date(2024, 8, 31)
    assert last_start_due(dt.date(2025, 7, 15), 6) == dt.date(2025, 1, 15)


def test_the_rates_match_the_hand_count(course_a) -> None:  # noqa: ANN001
    # The course runs March–May YEAR; all complete on 31 May; the reference day is 31 December.
    p = {n: fx.make_person(500 + n, f"指标{n}") for n in range(1, 10)}
    fx.job(p[1], dt.date(YEAR, 1, 10))  # before the course: not converted
    fx.job(p[2], fx.WINDOW_END)  # the window's last day: converted, stability next year
    fx.job(p[3], fx.WINDOW_END + dt.timedelta(days=1))  # a day late: not converted
    fx.job(p[4], dt.date(YEAR, 4, 1), dt.date(YEAR, 6, 30))  # two jobs, the first counts…
    fx.job(p[4], dt.date(YEAR, 8, 1))  # …and this one covers its stability date: stable
    fx.job(p[5], dt.date(YEAR, 6, 10), dt.date(YEAR, 12, 9))  # left before: not stable
    fx.job(p[6], dt.date(YEAR, 6, 10), dt.date(YEAR, 12, 10))  # left on the day: stable
    fx.job(p[7], dt.date(YEAR, 6, 1))  # stable
    for n in range(1, 8):
        fx.enrol(course_a, p[n])
    fx.enrol(course_a, p[8], status=EnrolmentStatus.DROPPED, dropped_on=dt.date(YEAR, 4, 1))
    fx.enrol(course_a, p[9], status=EnrolmentStatus.ENROLLED)
    figures = _figures(Region.objects.get(code=DISTRICT), YEAR)
    assert {k: figures[k] for k in ("completers", "converted", "stable_due", "stable")} == {
        "completers": 7,
        "converted": 5,
        "stable_due": 4,
        "stable": 3,
    }
    assert _value("training.conversion_rate") == Decimal("71.4")
    assert _value("training.stability_rate") == Decimal("75.0")
    assert _value("training.completion_rate") == Decimal("77.8")
    assert _value("training.persons_trained") == 7
    assert _value("training.ecommerce_trainees") == 7
    assert _value("training.persons_trained", TOWN_B) == 0
    assert _value("training.conversion_rate", TOWN_B) == 0
    assert _value("training.persons_trained", DISTRICT, YEAR - 1) == 0


@pytest.mark.parametrize(
    ("completed", "starts_and_ends"),
    [
        # Completed on 31 August: the window ends on the last day of February.
        (dt.date(YEAR, 8, 31), [(dt.date(YEAR + 1, 2, 28), None), (dt.date(YEAR + 1, 3, 1), None)]),
        # A job from 31 August: its stability date is the last day of February.
        (
            dt.date(YEAR, 8, 31),
            [
                (dt.date(YEAR, 8, 31), dt.date(YEAR + 1, 2, 28)),
                (dt.date(YEAR, 8, 31), dt.date(YEAR + 1, 2, 27)),
                (dt.date(YEAR, 8, 30), dt.date(YEAR + 1, 2, 28)),
                (dt.date(YEAR, 8, 29), dt.date(YEAR + 1, 2, 28)),
                (dt.date(YEAR, 8, 28), dt.date(YEAR + 1, 2, 27)),
                (dt.date(YEAR, 9, 30), dt.date(YEAR + 1, 3, 30)),
                (dt.date(YEAR, 9, 30), dt.date(YEAR + 1, 3, 29)),
                (dt.date(YEAR, 12, 31), dt.date(YEAR + 1, 6, 30)),
                (dt.date(YEAR, 12, 31), dt.date(YEAR + 1, 6, 29)),
            ],
        ),
        # Completed on 29 February of a leap year.
        (dt.date(2024, 2, 29), [(dt.date(2024, 8, 29), None), (dt.date(2024, 8, 30), None)]),
    ],
)
def test_the_sql_agrees_with_the_python_at_month_ends(
    provider_a, completed, starts_and_ends
) -> None:  # noqa: ANN001
    course = fx.make_course(
        provider_a,
        start_date=completed - dt.timedelta(days=60),
        end_date=completed,
    )
    for n, (start, end) in enumerate(starts_and_ends):
        person = fx.make_person(600 + n, f"月末{n}")
        fx.job(person, start, end)
        fx.enrol(course, person, completed_on=completed)
    year = completed.year
    region = Region.objects.get(code=DISTRICT)
    completers = Enrolment.objects.filter(completed_on__year=year)
    # Reference days around the month ends where the stability dates fall.
    for on in (
        dt.date(year, 12, 31),
        dt.date(year + 1, 2, 27),
        dt.date(year + 1, 2, 28),
        dt.date(year + 1, 3, 29),
        dt.date(year + 1, 6, 29),
        dt.date(year + 1, 6, 30),
    ):
        sql = figures(region, year, on)
        python = conversion(completers, on=on)
        assert (sql["converted"], sql["stable_due"], sql["stable"]) == (
            python.converted,
            python.stable_due,
            python.stable,
        ), on


def test_certificates_and_competitions_of_the_year_are_counted_in_their_region(
    personas, reference
) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    other = fx.make_person(701, "西城人", village=VILLAGE_B)
    for n, (who, day) in enumerate(
        [
            (person, dt.date(YEAR, 3, 1)),
            (other, dt.date(YEAR, 5, 1)),
            (person, dt.date(YEAR - 1, 9, 1)),
        ]
    ):
        Certificate.objects.create(
            person=who,
            kind=CertificateKind.SKILL_LEVEL,
            level="五级",
            number=f"Z{n}",
            issued_on=day,
        )
    town_a = Region.objects.get(code=TOWN_A)
    for name, day, archived_at in [
        ("区残疾人职业技能竞赛", dt.date(YEAR, 10, 1), None),
        ("已归档", dt.date(YEAR, 10, 2), dt.datetime(YEAR, 10, 3, tzinfo=dt.UTC)),
    ]:
        Competition.objects.create(
            name=name,
            level=CompetitionLevel.DISTRICT,
            date=day,
            organiser="区残联",
            region=town_a,
            archived_at=archived_at,
        )
    assert _value("training.certificates") == 2
    assert _value("training.certificates", TOWN_A) == 1
    assert _value("training.competitions") == 1
    assert _value("training.competitions", TOWN_B) == 0


def test_blind_persons_employed_in_massage_and_in_new_forms(employer_a, employer_b) -> None:  # noqa: ANN001
    blind = DisabilityCategory.objects.get(code="1")
    MassageEstablishment.objects.create(
        name="东城盲人按摩院",
        kind=EstablishmentKind.HEALTH_VENUE,
        region=employer_a.region,
        employer=employer_a,
    )
    masseur = fx.make_person(711, "按摩师", category=blind)
    left = fx.make_person(712, "已离职", category=blind)
    sighted = fx.make_person(713, "非盲人")
    streamer = fx.make_person(714, "主播", village=VILLAGE_B, category=blind)
    fx.job(masseur, dt.date(YEAR, 2, 1), employer=employer_a)
    fx.job(left, dt.date(YEAR, 2, 1), dt.date(YEAR, 6, 30), employer=employer_a)
    fx.job(sighted, dt.date(YEAR, 2, 1), employer=employer_a)
    fx.job(
        streamer,
        dt.date(YEAR, 3, 1),
        form=EmploymentForm.FLEXIBLE,
        new_form_subtype=NewFormSubtype.LIVESTREAM,
    )
    assert _value("training.blind_massage_employed") == 1
    assert _value("training.blind_massage_employed", TOWN_B) == 0
    assert _value("training.blind_new_jobs") == 1
    assert _value("training.blind_new_jobs", TOWN_B) == 1
    # On the reference day of the year before, nobody had started yet.
    assert _value("training.blind_massage_employed", DISTRICT, YEAR - 1) == 0


def test_persons_trained_counts_a_person_once_and_ecommerce_only_its_kind(provider_a) -> None:  # noqa: ANN001
    ecommerce = fx.make_course(provider_a, "直播班")
    massage = fx.make_course(provider_a, "按摩班", kind=CourseKind.HEALTH_MASSAGE)
    twice = fx.make_person(721, "两门")
    once = fx.make_person(722, "一门")
    fx.enrol(ecommerce, twice)
    fx.enrol(massage, twice)
    fx.enrol(massage, once)
    assert _value("training.persons_trained") == 2
    assert _value("training.ecommerce_trainees") == 1
    assert _value("training.completion_rate") == Decimal("100.0")


def test_the_outcome_list_is_where_the_figures_lead() -> None:
    region = Region.objects.get(code=DISTRICT)
    url = registry.get("training.ecommerce_trainees").records_url(region, YEAR)
    assert url == f"/training/outcomes/?year={YEAR}&kind=ecommerce"


def test_every_training_figure_costs_one_query_together(
    course_a, django_assert_num_queries
) -> None:  # noqa: ANN001
    region = Region.objects.get(code=DISTRICT)
    with django_assert_num_queries(1):
        for code in CODES:
            registry.get(code).value(region, YEAR)
