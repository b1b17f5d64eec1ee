"""Referrals and follow-ups on the person page's timeline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiuye.core.timeline import entries_for
from jiuye.jobs.models import FollowUpOutcome, ReferralStatus
from jiuye.jobs.services import referrals as services
from jiuye.jobs.tests.referral_fixtures import (  # noqa: F401 - fixtures
    days_ago,
    hire,
    months_ago,
    posting_a,
    refer,
    today,
)

pytestmark = pytest.mark.django_db


def test_each_step_and_each_recorded_follow_up_is_on_the_timeline(personas, posting_a) -> None:  # noqa: ANN001, F811
    person = personas["jobseeker"].person
    referral = refer(person, posting_a, on=months_ago(2))
    services.referral_advance(
        referral=referral,
        to=ReferralStatus.INTERVIEW,
        by=personas["town_a"],
        on=months_ago(2) + (days_ago(0) - days_ago(3)),
        version=referral.version,
        note="现场面试",
    )
    referral.refresh_from_db()
    hire(referral, months_ago(1))
    follow_up = referral.follow_ups.get(months=1)
    services.follow_up_record(
        follow_up=follow_up,
        by=personas["town_a"],
        done_on=today(),
        outcome=FollowUpOutcome.EMPLOYED,
        notes="电话回访，工作稳定",
    )
    entries = [
        e for e in entries_for(person, personas["town_a"]) if e.kind in ("referral", "follow_up")
    ]
    titles = [e.title for e in entries]
    employer = posting_a.employer.name
    assert f"已推荐：{employer} · {posting_a.title}" in titles
    assert f"面试：{employer} · {posting_a.title}" in titles
    assert f"已入职：{employer} · {posting_a.title}" in titles
    assert "入职后1个月回访：仍在岗" in titles
    assert any(e.detail == "现场面试" for e in entries)
    referral_url = reverse("jobs:referral", args=[referral.pk])
    assert all(e.url for e in entries)
    assert referral_url in {e.url for e in entries}


def test_the_person_page_shows_the_referral_and_links_to_matching(
    client_for,
    personas,
    posting_a,  # noqa: ANN001, F811
) -> None:
    person = personas["jobseeker"].person
    refer(person, posting_a, on=days_ago(3))
    response = client_for("town_a").get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"已推荐：{posting_a.employer.name} · {posting_a.title}" in html
    assert reverse("jobs:match-person", args=[person.pk]) in html
    assert reverse("jobs:consent", args=[person.pk]) in html


def test_a_job_seeker_sees_their_steps_without_links_to_staff_pages(personas, posting_a) -> None:  # noqa: ANN001, F811
    person = personas["jobseeker"].person
    refer(person, posting_a, on=days_ago(3))
    entries = [e for e in entries_for(person, personas["jobseeker"]) if e.kind == "referral"]
    assert entries
    assert all(e.url == "" for e in entries)
