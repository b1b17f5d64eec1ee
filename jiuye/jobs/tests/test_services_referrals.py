"""The referral services: consent, the state machine and its refusals, the hire that opens
exactly one employment record, the follow-ups (a "left" one ends the record) and the stability
rate on a hand-counted fixture."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jiuye.core.conflicts import ConflictError
from jiuye.core.periods import add_months
from jiuye.employment.models import EmploymentForm, EmploymentRecord, EndReason, Source
from jiuye.employment.services import employment_end
from jiuye.jobs.models import (
    FollowUp,
    FollowUpOutcome,
    PostingStatus,
    Referral,
    ReferralStatus,
    ReferralStep,
)
from jiuye.jobs.selectors import referrals as selectors
from jiuye.jobs.services import referrals as services
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.jobs.tests.referral_fixtures import (
    days_ago,
    hire,
    make_person,
    make_posting,
    months_ago,
    refer,
    today,
)
from jiuye.people.models import Consent, LifeStatus

pytestmark = pytest.mark.django_db

posting_a, posting_b, referral_a = fx.posting_a, fx.posting_b, fx.referral_a


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def _advance(referral: Referral, to: str, on: dt.date, by=None, **kw) -> Referral:  # noqa: ANN001
    referral.refresh_from_db()
    return services.referral_advance(
        referral=referral, to=to, by=by, on=on, version=referral.version, **kw
    )


# --- consent ----------------------------------------------------------------------------------


def test_consent_is_recorded_with_purpose_version_and_who(personas) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    consent = services.consent_give(person=person, by=personas["town_a"])
    assert consent.purpose == Consent.Purpose.SHARE_WITH_EMPLOYERS
    assert consent.policy_version == "2026-1"
    assert consent.recorded_by == personas["town_a"]
    assert consent.withdrawn_at is None
    with pytest.raises(ValidationError) as error:
        services.consent_give(person=person, by=personas["town_a"])
    assert "不需要重复登记" in _messages(error)


def test_the_policy_version_is_a_setting(personas, settings) -> None:  # noqa: ANN001
    settings.JIUYE_CONSENT_POLICY_VERSION = "2027-1"
    consent = services.consent_give(person=personas["jobseeker"].person, by=None)
    assert consent.policy_version == "2027-1"


def test_a_new_notice_replaces_the_old_consent(personas, settings) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    old = services.consent_give(person=person, by=None)
    settings.JIUYE_CONSENT_POLICY_VERSION = "2027-1"
    new = services.consent_give(person=person, by=None)
    old.refresh_from_db()
    assert old.withdrawn_at is not None
    assert services.active_consent(person) == new


def test_consent_can_be_withdrawn_once(personas) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    consent = services.consent_give(person=person, by=personas["jobseeker"])
    services.consent_withdraw(consent=consent, by=personas["jobseeker"])
    assert services.active_consent(person) is None
    with pytest.raises(ValidationError) as error:
        services.consent_withdraw(consent=consent, by=personas["jobseeker"])
    assert "已于" in _messages(error) and "撤回" in _messages(error)


def test_another_towns_officer_cannot_record_consent(personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.consent_give(person=personas["jobseeker"].person, by=personas["town_b"])
    assert "不在您负责的范围内" in _messages(error)


# --- referring --------------------------------------------------------------------------------


def test_a_referral_needs_the_consent_first_and_says_so(personas, posting_a) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    with pytest.raises(ValidationError) as error:
        services.referral_create(
            person=person, posting=posting_a, by=personas["district"], channel="staff"
        )
    assert error.value.code == "consent"
    assert "还没有同意向用人单位展示求职信息" in _messages(error)
    assert not Referral.objects.exists()


def test_a_referral_keeps_the_consent_the_match_and_a_first_step(personas, posting_a) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    consent = services.consent_give(person=person, by=None)
    referral = services.referral_create(
        person=person,
        posting=posting_a,
        by=personas["town_a"],
        channel="staff",
        on=days_ago(2),
        note="本人希望上午上班",
    )
    assert referral.status == ReferralStatus.REFERRED
    assert referral.referred_on == days_ago(2)
    assert referral.consent == consent
    assert referral.match_score is not None
    assert referral.match_reasons and all(isinstance(r, str) for r in referral.match_reasons)
    step = ReferralStep.objects.get(referral=referral)
    assert (step.status, step.on, step.by, step.note) == (
        "referred",
        days_ago(2),
        personas["town_a"],
        "本人希望上午上班",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": PostingStatus.DRAFT}, "目前不能推荐"),
        ({"status": PostingStatus.FILLED}, "目前不能推荐"),
        ({"deadline": dt.date(2020, 1, 1)}, "截止日期 2020-01-01"),
    ],
)
def test_only_a_published_open_posting_takes_referrals(
    personas, posting_a, change, message
) -> None:  # noqa: ANN001
    for name, value in change.items():
        setattr(posting_a, name, value)
    posting_a.save()
    with pytest.raises(ValidationError) as error:
        refer(personas["jobseeker"].person, posting_a)
    assert message in _messages(error)


def test_a_second_open_referral_to_the_same_posting_is_refused(referral_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        refer(referral_a.person, referral_a.posting)
    assert "不能重复推荐" in _messages(error)
    _advance(referral_a, "withdrawn", today())
    assert refer(referral_a.person, referral_a.posting).status == "referred"


def test_a_person_no_longer_on_the_register_cannot_be_referred(personas, posting_a) -> None:  # noqa: ANN001
    person = make_person(710, "王故")
    services.consent_give(person=person, by=None)
    person.life_status = LifeStatus.DECEASED
    person.save()
    with pytest.raises(ValidationError) as error:
        refer(person, posting_a)
    assert "不能推荐" in _messages(error)


def test_a_referral_cannot_be_dated_in_the_future_nor_by_another_town(personas, posting_a) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    services.consent_give(person=person, by=None)
    with pytest.raises(ValidationError) as error:
        refer(person, posting_a, on=today() + dt.timedelta(days=1))
    assert "推荐日期不能晚于今天" in _messages(error)
    with pytest.raises(ValidationError) as error:
        services.referral_create(
            person=person, posting=posting_a, by=personas["town_b"], channel="staff"
        )
    assert "不在您负责的范围内" in _messages(error)


# --- the state machine ------------------------------------------------------------------------


def test_steps_may_skip_forward_and_each_is_dated_and_recorded(referral_a, personas) -> None:  # noqa: ANN001
    referral = _advance(referral_a, "interview", days_ago(5), by=personas["employer"])
    assert referral.status == "interview"
    assert referral.interview_on == days_ago(5)
    assert referral.viewed_on is None
    referral = _advance(referral, "offer", days_ago(3), by=personas["district"], note="月薪3500")
    steps = list(referral.steps.values_list("status", "on", "note"))
    assert steps == [
        ("referred", days_ago(10), ""),
        ("interview", days_ago(5), ""),
        ("offer", days_ago(3), "月薪3500"),
    ]


def test_a_step_backward_is_refused_naming_the_current_status(referral_a) -> None:  # noqa: ANN001
    _advance(referral_a, "interview", days_ago(5))
    with pytest.raises(ValidationError) as error:
        _advance(referral_a, "viewed", days_ago(4))
    assert "现在是“面试”，不能改为“单位已查看”" in _messages(error)
    with pytest.raises(ValidationError):
        _advance(referral_a, "interview", days_ago(4))


def test_not_hired_needs_a_reason(referral_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        _advance(referral_a, "not_hired", days_ago(1))
    assert "请选择未录用的原因" in _messages(error)
    referral = _advance(referral_a, "not_hired", days_ago(1), reason="skills")
    assert (referral.status, referral.not_hired_reason, referral.closed_on) == (
        "not_hired",
        "skills",
        days_ago(1),
    )


def test_nothing_moves_a_closed_referral(referral_a) -> None:  # noqa: ANN001
    _advance(referral_a, "not_hired", days_ago(1), reason="no_show")
    for to in ("offer", "withdrawn"):
        with pytest.raises(ValidationError) as error:
            _advance(referral_a, to, today())
        assert "已经是“未录用”，已结束" in _messages(error)
    with pytest.raises(ValidationError) as error:
        hire(referral_a, today())
    assert "已经是“未录用”" in _messages(error)


def test_a_step_cannot_be_dated_before_the_previous_one_or_in_the_future(referral_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        _advance(referral_a, "viewed", days_ago(11))
    assert f"不能早于上一步的日期（{days_ago(10):%Y-%m-%d}）" in _messages(error)
    with pytest.raises(ValidationError) as error:
        _advance(referral_a, "viewed", today() + dt.timedelta(days=1))
    assert "不能晚于今天" in _messages(error)


def test_hired_is_only_reached_through_the_hire_form(referral_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        _advance(referral_a, "hired", today())
    assert "登记入职" in _messages(error)


def test_a_stale_version_is_a_conflict(referral_a) -> None:  # noqa: ANN001
    version = referral_a.version
    _advance(referral_a, "viewed", today())
    with pytest.raises(ConflictError):
        services.referral_advance(
            referral=referral_a, to="interview", by=None, on=today(), version=version
        )


def test_an_employer_records_its_own_steps_but_never_withdraws_or_hires(
    referral_a, personas
) -> None:  # noqa: ANN001
    employer = personas["employer"]
    assert services.allowed_steps(referral_a, "employer") == [
        "viewed",
        "interview",
        "offer",
        "not_hired",
    ]
    with pytest.raises(ValidationError) as error:
        _advance(referral_a, "withdrawn", today(), by=employer)
    assert "入职由工作人员核实后登记" in _messages(error)
    with pytest.raises(ValidationError):
        services.referral_hire(
            referral=referral_a,
            by=employer,
            start_date=today(),
            form="quota",
            version=referral_a.version,
        )


def test_an_employer_cannot_touch_a_referral_after_consent_is_withdrawn(
    referral_a, personas
) -> None:  # noqa: ANN001
    services.consent_withdraw(consent=referral_a.consent, by=None)
    with pytest.raises(ValidationError) as error:
        _advance(referral_a, "viewed", today(), by=personas["employer"])
    assert "撤回" in _messages(error)


# --- hiring -----------------------------------------------------------------------------------


def test_hiring_opens_exactly_one_placement_record_and_four_follow_ups(
    referral_a, personas
) -> None:  # noqa: ANN001
    start = days_ago(3)
    record = services.referral_hire(
        referral=referral_a,
        by=personas["town_a"],
        start_date=start,
        form=EmploymentForm.QUOTA,
        contract_type="fixed",
        monthly_wage=Decimal("3200"),
        version=referral_a.version,
    )
    assert EmploymentRecord.objects.count() == 1
    assert (record.source, record.form, record.employer, record.job_title) == (
        Source.PLACEMENT,
        "quota",
        referral_a.posting.employer,
        "网络客服",
    )
    assert (record.start_date, record.monthly_wage, record.contract_type) == (
        start,
        Decimal("3200"),
        "fixed",
    )
    referral_a.refresh_from_db()
    assert referral_a.status == "hired"
    assert referral_a.employment_record == record
    dues = list(referral_a.follow_ups.values_list("months", "due_on"))
    assert [m for m, _d in dues] == [1, 3, 6, 12]
    assert dues[0][1] == add_months(start, 1)
    assert dues[3][1] == add_months(start, 12)

    with pytest.raises(ValidationError) as error:
        hire(referral_a, start)
    assert "已经登记入职" in _messages(error) and "不能重复登记" in _messages(error)
    assert EmploymentRecord.objects.count() == 1
    assert FollowUp.objects.count() == 4


def test_a_new_form_posting_hired_as_flexible_keeps_its_sub_type(personas) -> None:  # noqa: ANN001
    posting = make_posting(personas["employer"].employer, new_form_subtype="livestream")
    referral = refer(personas["jobseeker"].person, posting, on=days_ago(2))
    record = hire(referral, days_ago(1), form=EmploymentForm.FLEXIBLE)
    assert (record.form, record.new_form_subtype) == ("flexible", "livestream")


def test_a_hire_cannot_start_before_the_last_step_nor_in_the_future(referral_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        hire(referral_a, days_ago(20))
    assert "入职日期不能早于上一步的日期" in _messages(error)
    with pytest.raises(ValidationError) as error:
        hire(referral_a, today() + dt.timedelta(days=2))
    assert "入职日期不能晚于今天" in _messages(error)
    assert not EmploymentRecord.objects.exists()


# --- follow-ups -------------------------------------------------------------------------------


def _placed(person, posting, start: dt.date) -> Referral:  # noqa: ANN001
    referral = refer(person, posting, on=start)
    hire(referral, start)
    referral.refresh_from_db()
    return referral


def test_a_follow_up_saying_the_person_left_ends_the_record(personas, posting_a) -> None:  # noqa: ANN001
    referral = _placed(personas["jobseeker"].person, posting_a, months_ago(4))
    three = referral.follow_ups.get(months=3)
    left = months_ago(2)
    services.follow_up_record(
        follow_up=three,
        by=personas["town_a"],
        done_on=today(),
        outcome=FollowUpOutcome.LEFT,
        left_on=left,
        left_reason=EndReason.RESIGNED,
        notes="本人辞职回家",
    )
    record = referral.employment_record
    record.refresh_from_db()
    assert (record.end_date, record.end_reason) == (left, "resigned")
    three.refresh_from_db()
    assert (three.outcome, three.left_on, three.done_by) == ("left", left, personas["town_a"])
    # Month 6 and 12 came due after the job ended: not needed, never on the due list.
    for months in (6, 12):
        later = referral.follow_ups.get(months=months)
        assert selectors.follow_up_state(later, today()) == "not_needed"
    due = selectors.follow_ups_due(FollowUp.objects.all(), today() + dt.timedelta(days=400))
    assert list(due.values_list("months", flat=True)) == [1]


def test_a_follow_up_refuses_impossible_dates_and_a_missing_reason(personas, posting_a) -> None:  # noqa: ANN001
    referral = _placed(personas["jobseeker"].person, posting_a, days_ago(40))
    one = referral.follow_ups.get(months=1)

    def record(**kw) -> None:  # noqa: ANN003
        services.follow_up_record(follow_up=one, by=None, **kw)

    with pytest.raises(ValidationError) as error:
        record(done_on=today() + dt.timedelta(days=1), outcome="employed")
    assert "回访日期不能晚于今天" in _messages(error)
    with pytest.raises(ValidationError) as error:
        record(done_on=today(), outcome="left", left_on=days_ago(50), left_reason="resigned")
    assert "离职日期不能早于入职日期" in _messages(error)
    with pytest.raises(ValidationError) as error:
        tomorrow = today() + dt.timedelta(days=1)
        record(done_on=today(), outcome="left", left_on=tomorrow, left_reason="resigned")
    assert f"离职日期不能晚于今天（{today():%Y-%m-%d}）。" in _messages(error)
    with pytest.raises(ValidationError) as error:
        record(done_on=today(), outcome="left", left_on=days_ago(5))
    assert "请选择离职原因" in _messages(error)
    record(done_on=today(), outcome="employed", notes="适应良好")
    with pytest.raises(ValidationError) as error:
        record(done_on=today(), outcome="employed")
    assert "已于" in _messages(error)
    assert referral.employment_record.end_date is None


def test_a_record_ended_elsewhere_makes_later_follow_ups_unneeded(personas, posting_a) -> None:  # noqa: ANN001
    referral = _placed(personas["jobseeker"].person, posting_a, months_ago(8))
    employment_end(
        record=referral.employment_record, end_date=months_ago(5), end_reason="dismissed", by=None
    )
    # Months 1 and 3 fell while the job lasted; 6 and 12 after it ended.
    due = selectors.follow_ups_due(FollowUp.objects.all(), today())
    assert list(due.values_list("months", flat=True)) == [1, 3]


# --- placements and stability -----------------------------------------------------------------


def test_the_stability_rate_on_a_hand_counted_fixture(personas, posting_a) -> None:  # noqa: ANN001
    """Four placements: one left at 2 months, one still employed, one left after 7 months, one
    started too recently to count → 2 of 3 were still employed 6 months after starting."""
    people = [make_person(720 + i, name) for i, name in enumerate(["甲", "乙", "丙", "丁"])]
    left_early = _placed(people[0], posting_a, months_ago(10))
    staying = _placed(people[1], posting_a, months_ago(9))
    left_late = _placed(people[2], posting_a, months_ago(9, extra_days=5))
    _placed(people[3], posting_a, months_ago(2))
    employment_end(
        record=left_early.employment_record,
        end_date=add_months(left_early.employment_record.start_date, 2),
        end_reason="resigned",
        by=None,
    )
    employment_end(
        record=left_late.employment_record,
        end_date=add_months(left_late.employment_record.start_date, 7),
        end_reason="contract_ended",
        by=None,
    )
    stable, counted, rows = selectors.stability(Referral.objects.all(), window_months=6, on=today())
    assert (stable, counted) == (2, 3)
    assert {row.referral.pk: row.still_employed for row in rows} == {
        left_early.pk: False,
        staying.pk: True,
        left_late.pk: True,
    }
    # With a 12-month window the early leaver and the recent one drop out: nobody has been
    # placed for 12 months yet.
    assert selectors.stability(Referral.objects.all(), window_months=12, on=today())[:2] == (0, 0)


def test_placements_count_hires_by_the_start_of_the_job(personas, posting_a) -> None:  # noqa: ANN001
    first = _placed(make_person(730, "甲"), posting_a, days_ago(30))
    _placed(make_person(731, "乙"), posting_a, days_ago(5))
    refer(make_person(732, "丙"), posting_a)  # referred, not hired
    found = selectors.placements(Referral.objects.all(), days_ago(40), days_ago(20))
    assert list(found) == [first]


# --- what an employer sees --------------------------------------------------------------------


def test_employers_see_only_applicants_who_consented(referral_a, personas, posting_b) -> None:  # noqa: ANN001
    other = refer(make_person(740, "王五"), posting_b)
    employer = personas["employer"]
    assert list(selectors.referrals_visible(employer)) == [referral_a]
    assert other not in selectors.referrals_visible(employer)
    services.consent_withdraw(consent=referral_a.consent, by=None)
    assert not selectors.referrals_visible(employer).exists()
    # Staff still see the referral.
    assert selectors.referrals_visible(personas["district"]).count() == 2


def test_town_officers_see_only_referrals_of_their_towns_persons(
    referral_a, personas, posting_a
) -> None:  # noqa: ANN001
    other = refer(make_person(741, "李五", "440199002001"), posting_a)
    assert list(selectors.referrals_visible(personas["town_a"])) == [referral_a]
    assert list(selectors.referrals_visible(personas["town_b"])) == [other]
    assert list(selectors.referrals_visible(personas["jobseeker"])) == [referral_a]
    assert not selectors.referrals_visible(personas["leader"]).exists()
