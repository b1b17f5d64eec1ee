"""Every hand-over tells the right people, once: a table of (what happens, who is told)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from conftest import VILLAGE_B
from jiuye.actionplan.models import Task
from jiuye.actionplan.services import reports
from jiuye.employers.services import declarations
from jiuye.jobs.services import postings as posting_services
from jiuye.jobs.services import referrals as referral_services
from jiuye.jobs.tests.posting_fixtures import make_posting as make_draft_posting
from jiuye.jobs.tests.referral_fixtures import make_posting
from jiuye.notifications.models import Notification
from jiuye.notifications.services import run_daily
from jiuye.people.services import transfers
from jiuye.programs.services import massage
from jiuye.reference.models import Department, Region
from jiuye.training.services import enrolments
from jiuye.training.tests.course_fixtures import make_course, make_provider


@pytest.fixture
def plan(plan_built_once):  # noqa: ANN001, ANN201
    """The plan, built once for this module (conftest.plan_built_once): every test here asks for it,
    and none commits."""
    return plan_built_once


World = dict[str, Any]


# --- the worlds each hand-over starts from -----------------------------------------------------


def _report(w: World, submit: bool = True) -> Any:
    task = Task.objects.get(action__plan=w["plan"], action__number=2, position=1)
    return reports.report_save(
        task=task,
        period=w["plan"].periods.get(year=2023),
        department=Department.objects.get(code="rsj"),
        narrative="举办招聘会2场",
        actual_value=2,
        figures="",
        submit=submit,
        by=w["p"]["liaison"],
    )


def report_submitted(w: World) -> None:
    _report(w)


def report_returned(w: World) -> None:
    report = _report(w)
    Notification.objects.all().delete()
    reports.report_review(report=report, accept=False, comment="请补充数据", by=w["p"]["district"])


def report_accepted(w: World) -> None:
    report = _report(w)
    Notification.objects.all().delete()
    reports.report_review(report=report, accept=True, comment="", by=w["p"]["district"])


def _declaration(w: World, submit: bool) -> Any:
    employer = w["p"]["employer"]
    declaration = declarations.declaration_start(
        employer=employer.employer, year=timezone.localdate().year - 1, by=employer
    )
    declarations.declaration_save(
        declaration=declaration, by=employer, staff_annual=200, wage_total=200 * 80000
    )
    if submit:
        declarations.declaration_submit(declaration=declaration, by=employer)
        Notification.objects.all().delete()
    return declaration


def declaration_submitted(w: World) -> None:
    declarations.declaration_submit(declaration=_declaration(w, False), by=w["p"]["employer"])


def declaration_returned(w: World) -> None:
    declarations.declaration_return(
        declaration=_declaration(w, True), by=w["p"]["district"], reason="职工人数有误"
    )


def declaration_confirmed(w: World) -> None:
    declarations.declaration_confirm(declaration=_declaration(w, True), by=w["p"]["district"])


def _posting(w: World, submit: bool) -> Any:
    employer = w["p"]["employer"]
    posting = make_draft_posting(employer.employer, status="draft")
    if submit:
        posting = posting_services.posting_submit(posting=posting, by=employer)
        Notification.objects.all().delete()
    return posting


def posting_submitted(w: World) -> None:
    posting_services.posting_submit(posting=_posting(w, False), by=w["p"]["employer"])


def posting_approved(w: World) -> None:
    posting_services.posting_review(
        posting=_posting(w, True), by=w["p"]["district"], approve=True, note=""
    )


def posting_returned(w: World) -> None:
    posting_services.posting_review(
        posting=_posting(w, True), by=w["p"]["district"], approve=False, note="请写明工资"
    )


def _referral(w: World, on: dt.date | None = None) -> Any:
    posting = make_posting(w["p"]["employer"].employer, title="网络客服")
    person = w["p"]["jobseeker"].person
    if referral_services.active_consent(person) is None:
        referral_services.consent_give(person=person, by=None)
    return referral_services.referral_create(
        person=person, posting=posting, by=w["p"]["town_a"], channel="staff", on=on
    )


def referral_created(w: World) -> None:
    _referral(w)


def referral_applied(w: World) -> None:
    """The job seeker applies themself: no staff member made it, so the town's officers own it."""
    posting = make_posting(w["p"]["employer"].employer, title="网络客服")
    referral_services.consent_give(person=w["p"]["jobseeker"].person, by=None)
    referral_services.referral_apply(posting=posting, by=w["p"]["jobseeker"])


def referral_interview(w: World) -> None:
    referral = _referral(w)
    Notification.objects.all().delete()
    referral_services.referral_advance(
        referral=referral,
        to="interview",
        by=w["p"]["employer"],
        on=timezone.localdate(),
        version=referral.version,
    )


def referral_hired(w: World) -> None:
    referral = _referral(w)
    Notification.objects.all().delete()
    referral.refresh_from_db()
    referral_services.referral_hire(
        referral=referral,
        by=w["p"]["town_a"],
        start_date=timezone.localdate(),
        form="quota",
        version=referral.version,
    )


def follow_up_due(w: World) -> None:
    referral = _referral(w, on=timezone.localdate() - dt.timedelta(days=60))
    referral.refresh_from_db()
    referral_services.referral_hire(
        referral=referral,
        by=w["p"]["town_a"],
        start_date=timezone.localdate() - dt.timedelta(days=40),
        form="quota",
        version=referral.version,
    )
    Notification.objects.all().delete()
    run_daily(today=timezone.localdate())


def _transfer(w: World) -> Any:

    return transfers.transfer_request_create(
        person=w["p"]["jobseeker"].person,
        region=Region.objects.get(code=VILLAGE_B),
        name="张三",
        values={},
        by=w["p"]["town_b"],
    )


def transfer_submitted(w: World) -> None:
    _transfer(w)


def transfer_approved(w: World) -> None:
    request = _transfer(w)
    Notification.objects.all().delete()
    transfers.transfer_approve(request=request, by=w["p"]["district"])


def transfer_refused(w: World) -> None:
    request = _transfer(w)
    Notification.objects.all().delete()
    transfers.transfer_refuse(request=request, reason="不在本区居住", by=w["p"]["district"])


def application_submitted(w: World) -> None:
    """A job seeker signs up in a village of 东城 (town A)."""
    from conftest import VILLAGE_A, make_id_number
    from jiuye.people.services import application_submit

    application_submit(
        name="赵六",
        id_number=make_id_number(seq=777),
        certificate_number="",
        applying_for_certificate=True,
        phone="13812345678",
        region=Region.objects.get(code=VILLAGE_A),
        work_preferences="客服",
        consents=["process_disability_info"],
        username="handover-applicant",
        password="Quiet-Lamp-42",
    )


def _enrolment(w: World) -> Any:
    course = make_course(make_provider(), start_date=timezone.localdate() + dt.timedelta(days=10))
    return enrolments.enrolment_create(
        course=course,
        person=w["p"]["jobseeker"].person,
        by=w["p"]["jobseeker"],
        requested=True,
    )


def enrolment_requested(w: World) -> None:
    _enrolment(w)


def enrolment_confirmed(w: World) -> None:
    enrolment = _enrolment(w)
    Notification.objects.all().delete()
    enrolments.enrolment_confirm(enrolment=enrolment, by=w["p"]["town_a"])


def massage_accepted(w: World) -> None:
    application = massage.application_submit(
        by=w["p"]["town_a"],
        kind="qualification",
        person=w["p"]["jobseeker"].person,
        submitted_on=timezone.localdate(),
    )
    massage.application_advance(
        application=application,
        by=w["p"]["district"],
        version=None,
        status="accepted",
        on=timezone.localdate(),
    )


def employment_resolved(w: World) -> None:
    """A town officer entered a second job over the first (flagged); the district marks it a
    second job: the officer who entered it hears back."""
    from jiuye.employment.models import Source
    from jiuye.employment.services import employment_open, employment_resolve_review

    person, officer = w["p"]["jobseeker"].person, w["p"]["town_a"]
    for start in (dt.date(2024, 1, 1), dt.date(2024, 3, 1)):
        record = employment_open(
            person=person, by=officer, source=Source.STAFF, form="flexible", start_date=start
        )
    assert record.needs_review
    employment_resolve_review(record=record, second_job=True, by=w["p"]["district"])


def graduate_rejected(w: World) -> None:
    """The administrator imported the bureau's list; the district sets an unmatched line
    aside: the one who brought the list in hears why (an unmatched line has no town)."""
    from jiuye.programs.models.graduates import GraduateRecord
    from jiuye.programs.services.graduates import graduate_reject
    from jiuye.programs.tests.graduate_fixtures import UNREGISTERED_ID, import_lines, line

    import_lines(w["tmp"], [line(姓名="王五", 身份证号=UNREGISTERED_ID)], by=w["p"]["admin"])
    Notification.objects.all().delete()
    unmatched = GraduateRecord.objects.get(person__isnull=True)
    graduate_reject(pk=unmatched.pk, reason="不在本区户籍", by=w["p"]["district"])


def _meeting_action(w: World, due: dt.date, **owner: Any) -> Any:
    from jiuye.programs.services import consultation
    from jiuye.programs.tests.consultation_fixtures import make_meeting

    meeting = make_meeting(held_on=dt.date(2025, 3, 1))
    return consultation.action_add(
        meeting=meeting, by=w["p"]["district"], description="举办专场招聘会", due_on=due, **owner
    )


def consultation_action_to_a_department(w: World) -> None:
    _meeting_action(w, dt.date(2025, 6, 30), owner_department=Department.objects.get(code="rsj"))


def consultation_action_to_a_user(w: World) -> None:
    _meeting_action(w, dt.date(2025, 6, 30), owner_user=w["p"]["town_a"])


def consultation_action_to_both(w: World) -> None:
    _meeting_action(
        w,
        dt.date(2025, 6, 30),
        owner_department=Department.objects.get(code="rsj"),
        owner_user=w["p"]["town_a"],
    )


def consultation_action_overdue(w: World) -> None:
    _meeting_action(
        w,
        timezone.localdate() - dt.timedelta(days=1),
        owner_department=Department.objects.get(code="rsj"),
    )
    Notification.objects.all().delete()
    run_daily(today=timezone.localdate())
    run_daily(today=timezone.localdate())  # a second run tells nobody again


HANDOVERS: list[tuple[Callable[[World], None], str, set[str]]] = [
    (report_submitted, "report_submitted", {"district"}),
    (report_returned, "report_reviewed", {"liaison"}),
    (report_accepted, "report_reviewed", {"liaison"}),
    (declaration_submitted, "declaration_submitted", {"district"}),
    (declaration_returned, "declaration_returned", {"employer"}),
    (declaration_confirmed, "declaration_confirmed", {"employer"}),
    (posting_submitted, "posting_submitted", {"district"}),
    (posting_approved, "posting_approved", {"employer"}),
    (posting_returned, "posting_returned", {"employer"}),
    # Staff refer: the job seeker and the employer hear of it (the officer acted: not told).
    (referral_created, "referral_referred", {"jobseeker", "employer"}),
    # The job seeker applies: the employer and the officers of their town (not themself).
    (referral_applied, "referral_referred", {"employer", "town_a"}),
    # The employer invites to an interview: the job seeker and the officer who referred.
    (referral_interview, "referral_interview", {"jobseeker", "town_a"}),
    (referral_hired, "referral_hired", {"jobseeker"}),
    (follow_up_due, "follow_up_overdue", {"town_a"}),
    (transfer_submitted, "transfer_submitted", {"district"}),
    (transfer_approved, "transfer", {"town_b"}),
    (transfer_refused, "transfer", {"town_b"}),
    # A job seeker's own sign-up: the officers of the village's town (the applicant's decision
    # is told to their account, tested in people/tests/test_registrations.py).
    (application_submitted, "application_submitted", {"town_a"}),
    (enrolment_requested, "enrolment_requested", {"town_a"}),
    (enrolment_confirmed, "enrolment_confirmed", {"jobseeker"}),
    (massage_accepted, "massage_accepted", {"jobseeker"}),
    # A flagged overlap resolved by the district goes back to the officer who entered it.
    (employment_resolved, "employment_review_resolved", {"town_a"}),
    (graduate_rejected, "graduate_rejected", {"admin"}),
    # A follow-up action of a meeting: its owner (the department's liaisons, or the user
    # named), when assigned and once when overdue.
    (consultation_action_to_a_department, "consultation_action_assigned", {"liaison"}),
    (consultation_action_to_a_user, "consultation_action_assigned", {"town_a"}),
    (consultation_action_to_both, "consultation_action_assigned", {"liaison", "town_a"}),
    (consultation_action_overdue, "consultation_action_overdue", {"liaison"}),
]


@pytest.mark.parametrize(
    ("act", "kind", "told"), HANDOVERS, ids=[act.__name__ for act, _k, _t in HANDOVERS]
)
def test_each_handover_tells_the_right_people_once(
    plan, personas, tmp_path, act, kind, told
) -> None:  # noqa: ANN001
    act({"plan": plan, "p": personas, "tmp": tmp_path})
    names = {user.pk: name for name, user in personas.items()}
    got = Counter(
        names[user_id]
        for user_id in Notification.objects.filter(kind__startswith=kind).values_list(
            "user_id", flat=True
        )
    )
    assert set(got) == told
    assert all(n == 1 for n in got.values()), got
    for n in Notification.objects.filter(kind__startswith=kind):
        assert n.title and n.url or kind.startswith(("transfer", "massage"))
    if kind == "consultation_action_overdue":  # the daily run reached the owner once only
        assert sum(got.values()) == 1


def test_the_daily_run_does_not_repeat_a_reminder(plan, personas) -> None:  # noqa: ANN001
    follow_up_due({"plan": plan, "p": personas})
    first = Notification.objects.filter(kind="follow_up_overdue").count()
    run_daily(today=timezone.localdate())
    assert first == 1
    assert Notification.objects.filter(kind="follow_up_overdue").count() == 1
