"""A job seeker applies to a posting themself (issue 18): the service's refusals (consent,
duplicate, closed posting, scope), who is told, and the page flow from the posting and from
"适合我的岗位"."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiuye.core.tests.responses import html_of
from jiuye.jobs.models import PostingStatus, Referral, ReferralChannel, ReferralStatus
from jiuye.jobs.services import referrals as services
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.jobs.tests.referral_fixtures import consent, days_ago, make_posting
from jiuye.notifications.models import Notification

pytestmark = pytest.mark.django_db

posting_a, posting_b = fx.posting_a, fx.posting_b


def _told(personas) -> Counter:  # noqa: ANN001
    names = {user.pk: name for name, user in personas.items()}
    return Counter(
        names.get(user_id, user_id)
        for user_id in Notification.objects.filter(kind="referral_referred").values_list(
            "user_id", flat=True
        )
    )


def test_an_application_is_a_referral_of_the_person_s_own_channel(personas, posting_a) -> None:  # noqa: ANN001
    seeker = personas["jobseeker"]
    consent(seeker.person)
    referral = services.referral_apply(posting=posting_a, by=seeker)
    assert referral.person_id == seeker.person_id
    assert referral.channel == ReferralChannel.APPLICATION
    assert referral.status == ReferralStatus.REFERRED
    assert referral.created_by == seeker and referral.consent is not None
    # The employer's account and the town's officer, once each; never the applicant.
    assert _told(personas) == Counter({"employer": 1, "town_a": 1})
    title = Notification.objects.filter(user=personas["employer"]).get().title
    assert "本人申请了岗位" in title


def test_no_application_without_the_sharing_consent(personas, posting_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.referral_apply(posting=posting_a, by=personas["jobseeker"])
    assert "同意向用人单位展示求职信息" in " ".join(error.value.messages)
    assert not Referral.objects.exists() and not Notification.objects.exists()


def test_a_second_application_while_one_is_open_is_refused(personas, posting_a) -> None:  # noqa: ANN001
    seeker = personas["jobseeker"]
    consent(seeker.person)
    services.referral_apply(posting=posting_a, by=seeker)
    with pytest.raises(ValidationError) as error:
        services.referral_apply(posting=posting_a, by=seeker)
    assert "不用重复申请" in " ".join(error.value.messages)
    assert Referral.objects.count() == 1
    assert _told(personas) == Counter({"employer": 1, "town_a": 1})


@pytest.mark.parametrize(
    "change",
    [
        {"status": PostingStatus.CLOSED},
        {"archived_reason": "重复录入"},
        {"deadline": days_ago(1)},
    ],
)
def test_a_closed_archived_or_expired_posting_is_refused(personas, change) -> None:  # noqa: ANN001
    from django.utils import timezone

    if "archived_reason" in change:
        change = {**change, "archived_at": timezone.now()}
    posting = make_posting(personas["employer"].employer, **change)
    seeker = personas["jobseeker"]
    consent(seeker.person)
    with pytest.raises(ValidationError) as error:
        services.referral_apply(posting=posting, by=seeker)
    assert "已停止招聘" in " ".join(error.value.messages)
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role", ["town_a", "district", "employer"])
def test_only_a_job_seeker_applies_and_only_for_themself(personas, posting_a, role) -> None:  # noqa: ANN001
    consent(personas["jobseeker"].person)
    with pytest.raises(ValidationError) as error:
        services.referral_apply(posting=posting_a, by=personas[role])
    assert "只有求职者本人" in " ".join(error.value.messages)
    # Through referral_create a job seeker still cannot put someone else forward.
    other = fx.make_person(name="王五", seq=901)
    consent(other)
    with pytest.raises(ValidationError):
        services.referral_create(
            person=other,
            posting=posting_a,
            by=personas["jobseeker"],
            channel=ReferralChannel.APPLICATION,
        )
    with pytest.raises(ValidationError):  # nor use the staff channel for themself
        services.referral_create(
            person=personas["jobseeker"].person,
            posting=posting_a,
            by=personas["jobseeker"],
            channel=ReferralChannel.STAFF,
        )
    assert not Referral.objects.exists()


# --- pages -------------------------------------------------------------------------------------


def test_apply_from_the_posting_page(client_for, personas, posting_a) -> None:  # noqa: ANN001
    client = client_for("jobseeker")
    apply_url = reverse("jobs:posting-apply", args=[posting_a.pk])
    page = html_of(client.get(reverse("jobs:posting", args=[posting_a.pk])))
    assert apply_url in page and "申请这个岗位" in page
    # Without the consent: the page explains and links to the consent page, no button.
    page = html_of(client.get(apply_url))
    consent_url = reverse("jobs:consent", args=[personas["jobseeker"].person_id])
    assert f"{consent_url}?next={apply_url}" in page and "<button" not in page.split("<main")[1]
    response = client.post(apply_url)
    assert "同意向用人单位展示求职信息" in html_of(client.get(response["Location"]))
    assert not Referral.objects.exists()
    # With it: what the employer will see, then the button.
    consent(personas["jobseeker"].person)
    page = html_of(client.get(apply_url))
    assert "用人单位会看到什么" in page and "残疾类别和等级（不含残疾人证号）" in page
    response = client.post(apply_url)
    referral = Referral.objects.get()
    assert response["Location"] == reverse("jobs:referral", args=[referral.pk])
    assert referral.channel == ReferralChannel.APPLICATION
    assert "已申请岗位“网络客服”" in html_of(client.get(response["Location"]))
    # The employer sees it in 求职申请.
    assert "张三" in html_of(client_for("employer").get(reverse("jobs:applicants")))
    # Again: refused with a clear message, the page links to the progress.
    assert "不用重复申请" in html_of(client.get(apply_url))
    response = client.post(apply_url, follow=True)
    assert "不用重复申请" in html_of(response) and Referral.objects.count() == 1


def test_apply_from_the_matching_list(client_for, personas, posting_a) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    page = html_of(client_for("jobseeker").get(reverse("jobs:match-person", args=[person.pk])))
    assert reverse("jobs:posting-apply", args=[posting_a.pk]) in page
    staff = html_of(client_for("town_a").get(reverse("jobs:match-person", args=[person.pk])))
    assert reverse("jobs:posting-apply", args=[posting_a.pk]) not in staff


def test_a_closed_posting_shows_no_apply_button(client_for, personas) -> None:  # noqa: ANN001
    posting = make_posting(personas["employer"].employer, deadline=days_ago(1))
    client = client_for("jobseeker")
    page = html_of(client.get(reverse("jobs:posting", args=[posting.pk])))
    assert "申请这个岗位" not in page
    assert "已停止招聘" in html_of(client.get(reverse("jobs:posting-apply", args=[posting.pk])))


@pytest.mark.parametrize("role", ["town_a", "employer", "district", "leader"])
def test_other_roles_cannot_reach_the_apply_page(client_for, posting_a, role) -> None:  # noqa: ANN001
    url = reverse("jobs:posting-apply", args=[posting_a.pk])
    assert client_for(role).post(url).status_code == 403
    assert not Referral.objects.exists()
