"""A job seeker's own pages (issue 18, self-service): preferences saved at once with an audit
entry; changes to verified fields as a change request the person's town decides (before →
after, refusal with a reason, a stale approval refused); the town's worklist scoped to its
persons; consent withdrawal hiding the person from employers at once; the timeline in plain
words without staff-only details; registering for a fair."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiuye.core.conflicts import ConflictError
from jiuye.jobs.models import FairSeeker
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.jobs.tests.referral_fixtures import fair_a, posting_a  # noqa: F401
from jiuye.notifications.models import Notification
from jiuye.people.models import ChangeRequest, ChangeStatus, Person
from jiuye.people.selectors import change_rows
from jiuye.people.services import person_update
from jiuye.people.services.changes import change_approve, change_refuse, person_self_update

pytestmark = pytest.mark.django_db

ME = reverse("people:me")
EDIT = reverse("people:me-edit")
WORKLIST = reverse("people:changes")


def _ask(personas, **fields):  # noqa: ANN001, ANN003, ANN202
    seeker = personas["jobseeker"]
    person = Person.objects.get(pk=seeker.person_id)
    return person_self_update(person=person, by=seeker, version=person.version, **fields)


def test_preferences_are_saved_at_once_with_an_audit_entry_naming_the_job_seeker(
    personas,  # noqa: ANN001
) -> None:
    person, asked = _ask(personas, skills="会用电脑打字", assistive_needs=["screen_reader"])
    assert asked is None
    assert person.skills == "会用电脑打字"
    assert person.assistive_needs == ["screen_reader"]
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_pk=str(person.pk)
    ).latest("timestamp")
    assert "skills" in entry.changes_dict
    assert entry.actor == personas["jobseeker"]


def test_a_verified_field_becomes_a_request_and_the_own_town_is_told(personas) -> None:  # noqa: ANN001
    person, asked = _ask(personas, phone="13912345678", address="东城街道幸福路1号", skills="按摩")
    assert asked is not None and asked.status == ChangeStatus.PENDING
    assert person.phone == "" and person.address == ""  # not changed before the town approves
    assert person.skills == "按摩"  # the preference is saved at once
    told = Notification.objects.filter(kind="change_submitted")
    assert list(told.values_list("user__username", flat=True)) == ["town_a"]
    rows = {row["label"]: (row["before"], row["after"]) for row in change_rows(asked)}
    assert rows["住址"] == ("—", "东城街道幸福路1号")
    assert rows["联系电话"][1] == "139****5678"  # masked on screen


def test_asking_again_renews_the_pending_request(personas) -> None:  # noqa: ANN001
    _, first = _ask(personas, address="旧地址")
    _, second = _ask(personas, address="新地址")
    assert first.pk == second.pk
    assert ChangeRequest.objects.count() == 1


def test_a_bad_phone_is_refused_when_asked(personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        _ask(personas, phone="12")
    assert "phone" in caught.value.message_dict


def test_the_town_approves_and_the_values_are_applied_and_the_job_seeker_told(personas) -> None:  # noqa: ANN001
    _, asked = _ask(personas, address="东城街道幸福路1号", education="senior")
    person = change_approve(request=asked, by=personas["town_a"])
    assert person.address == "东城街道幸福路1号" and person.education == "senior"
    asked.refresh_from_db()
    assert asked.status == ChangeStatus.APPROVED and asked.decided_by == personas["town_a"]
    told = Notification.objects.get(kind="change_decided")
    assert told.user == personas["jobseeker"]
    rows = {row["label"]: (row["before"], row["after"]) for row in change_rows(asked)}
    assert rows["文化程度"] == ("—", "高中")


def test_a_refusal_needs_a_reason_the_job_seeker_reads(personas) -> None:  # noqa: ANN001
    _, asked = _ask(personas, address="东城街道幸福路1号")
    with pytest.raises(ValidationError):
        change_refuse(request=asked, reason=" ", by=personas["town_a"])
    change_refuse(request=asked, reason="地址与户籍不一致，请带身份证来核对", by=personas["town_a"])
    assert Person.objects.get(pk=asked.person_id).address == ""
    told = Notification.objects.get(kind="change_decided")
    assert "地址与户籍不一致" in told.body and told.user == personas["jobseeker"]


def test_an_approval_after_the_field_changed_meanwhile_is_a_conflict(personas) -> None:  # noqa: ANN001
    _, asked = _ask(personas, address="东城街道幸福路1号")
    person = Person.objects.get(pk=asked.person_id)
    person_update(person=person, by=personas["town_a"], version=person.version, address="别处")
    with pytest.raises(ConflictError):
        change_approve(request=asked, by=personas["town_a"])
    asked.refresh_from_db()
    assert asked.is_pending
    assert Person.objects.get(pk=asked.person_id).address == "别处"


def test_an_unrelated_change_meanwhile_does_not_block_the_approval(personas) -> None:  # noqa: ANN001
    _, asked = _ask(personas, address="东城街道幸福路1号")
    _ask(personas, skills="会开叉车")  # the job seeker's own preference, saved since
    assert change_approve(request=asked, by=personas["town_a"]).address == "东城街道幸福路1号"


def test_only_the_persons_own_town_decides(personas) -> None:  # noqa: ANN001
    _, asked = _ask(personas, address="东城街道幸福路1号")
    for name in ("town_b", "jobseeker", "employer"):
        with pytest.raises(ValidationError):
            change_approve(request=asked, by=personas[name])


def test_nobody_else_changes_the_persons_record_through_self_service(personas, person_b) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        person_self_update(
            person=person_b, by=personas["jobseeker"], version=person_b.version, skills="x"
        )


# --- pages ------------------------------------------------------------------------------------


def test_the_job_seeker_edits_and_the_town_approves_on_the_worklist(client_for, personas) -> None:  # noqa: ANN001
    seeker = client_for("jobseeker")
    person = Person.objects.get(pk=personas["jobseeker"].person_id)
    data = {
        "version": person.version,
        "wish_to_work": "yes",
        "work_preferences": "电话客服",
        "skills": "",
        "address": "东城街道幸福路1号",
        "education": "",
        "phone": "",
    }
    response = seeker.post(EDIT, data)
    assert response.status_code == 302 and response.url == ME
    page = seeker.get(ME).content.decode()
    assert "电话客服" in page and "待审核" in page
    change = ChangeRequest.objects.get()

    town_b = client_for("town_b")
    assert change.person.name not in town_b.get(WORKLIST).content.decode()
    assert town_b.get(reverse("people:change", args=[change.pk])).status_code == 404

    town_a = client_for("town_a")
    assert change.person.name in town_a.get(WORKLIST).content.decode()
    review = town_a.get(reverse("people:change", args=[change.pk])).content.decode()
    assert "东城街道幸福路1号" in review and "修改前" in review
    refused = town_a.post(reverse("people:change", args=[change.pk]), {"decision": "return"})
    assert refused.status_code == 200 and "请填写不同意的理由" in refused.content.decode()
    done = town_a.post(reverse("people:change", args=[change.pk]), {"decision": "approve"})
    assert done.status_code == 302
    assert Person.objects.get(pk=person.pk).address == "东城街道幸福路1号"


def test_a_stale_approval_on_the_page_says_so_and_changes_nothing(client_for, personas) -> None:  # noqa: ANN001
    _, asked = _ask(personas, address="东城街道幸福路1号")
    person = Person.objects.get(pk=asked.person_id)
    person_update(person=person, by=personas["town_a"], version=person.version, address="别处")
    url = reverse("people:change", args=[asked.pk])
    response = client_for("town_a").post(url, {"decision": "approve"})
    assert response.status_code == 200
    assert "申请提交后，这些信息已经被修改过" in response.content.decode()
    assert Person.objects.get(pk=person.pk).address == "别处"


def test_a_bad_edit_is_shown_again_with_the_error_in_chinese(client_for, personas) -> None:  # noqa: ANN001
    person = Person.objects.get(pk=personas["jobseeker"].person_id)
    data = {"version": person.version, "wish_to_work": "yes", "phone": "12", "education": ""}
    response = client_for("jobseeker").post(EDIT, data)
    assert response.status_code == 200
    assert "<title>错误：" in response.content.decode()
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("name", ["town_a", "district", "employer", "leader", "liaison"])
def test_only_a_job_seeker_has_my_information(client_for, name) -> None:  # noqa: ANN001
    assert client_for(name).get(ME).status_code == 403
    assert client_for(name).get(EDIT).status_code == 403


@pytest.mark.parametrize("name", ["jobseeker", "employer", "leader", "liaison"])
def test_the_worklist_is_for_staff_who_keep_persons(client_for, name) -> None:  # noqa: ANN001
    assert client_for(name).get(WORKLIST).status_code == 403


def test_the_pages_answer_405_to_the_wrong_method(client_for) -> None:  # noqa: ANN001
    assert client_for("jobseeker").post(ME).status_code == 405
    assert client_for("town_a").post(WORKLIST).status_code == 405


def test_the_menu_leads_a_job_seeker_to_my_information_and_its_consents(
    client_for, personas
) -> None:  # noqa: ANN001
    seeker = client_for("jobseeker")
    home = seeker.get(reverse("core:home")).content.decode()
    assert f'href="{ME}"' in home
    consent = reverse("jobs:consent", args=[personas["jobseeker"].person_id])
    assert consent in home  # the consent page straight from the home page too
    page = seeker.get(ME).content.decode()
    assert reverse("jobs:consent", args=[personas["jobseeker"].person_id]) in page


# --- consent withdrawal -----------------------------------------------------------------------


def test_withdrawing_the_sharing_consent_hides_the_person_from_the_employer_at_once(
    client_for,  # noqa: ANN001
    personas,  # noqa: ANN001
    posting_a,  # noqa: ANN001, F811
) -> None:
    person = personas["jobseeker"].person
    referral = fx.refer(person, posting_a)
    employer = client_for("employer")
    assert person.name in employer.get(reverse("jobs:applicants")).content.decode()
    assert employer.get(reverse("jobs:referral", args=[referral.pk])).status_code == 200

    seeker = client_for("jobseeker")
    consent_url = reverse("jobs:consent", args=[person.pk])
    assert seeker.post(consent_url, {"action": "withdraw"}).status_code == 302
    assert "已于" in seeker.get(ME).content.decode()  # "已于 … 撤回"

    assert person.name not in employer.get(reverse("jobs:applicants")).content.decode()
    assert employer.get(reverse("jobs:referral", args=[referral.pk])).status_code == 404


# --- timeline ---------------------------------------------------------------------------------


def test_the_timeline_hides_staff_notes_and_full_numbers_from_the_job_seeker(
    client_for,  # noqa: ANN001
    personas,  # noqa: ANN001
    posting_a,  # noqa: ANN001, F811
) -> None:
    person = personas["jobseeker"].person
    fx.refer(person, posting_a, note="内部备注：本人沟通能力一般")
    staff = client_for("town_a").get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "内部备注" in staff  # staff read their own notes
    for url in (ME, reverse("people:detail", args=[person.pk])):
        page = client_for("jobseeker").get(url).content.decode()
        assert "网络客服" in page  # the referral itself is there
        assert "内部备注" not in page
        assert person.id_number not in page


def test_staff_names_stay_off_the_job_seekers_timeline(personas) -> None:  # noqa: ANN001
    from jiuye.casework.timeline import _service_detail

    class Record:
        officer_label = "王专干"

        def get_channel_display(self) -> str:
            return "上门"

        def get_outcome_display(self) -> str:
            return "已完成"

    assert "王专干" in _service_detail(Record())
    assert "王专干" not in _service_detail(Record(), own=True)


# --- fairs ------------------------------------------------------------------------------------


def test_a_job_seeker_registers_themself_for_a_coming_fair_once(
    client_for,  # noqa: ANN001
    personas,  # noqa: ANN001
    fair_a,  # noqa: ANN001, F811
) -> None:
    fair_a.date = fx.today()
    fair_a.save(update_fields=["date"])
    seeker = client_for("jobseeker")
    page = seeker.get(reverse("jobs:fair", args=[fair_a.pk])).content.decode()
    assert "报名参加这场招聘会" in page
    url = reverse("jobs:fair-register", args=[fair_a.pk])
    assert seeker.post(url).status_code == 302
    assert FairSeeker.objects.filter(fair=fair_a, person=personas["jobseeker"].person).exists()
    seeker.post(url)
    assert FairSeeker.objects.filter(fair=fair_a).count() == 1
    assert "报名参加招聘会" in seeker.get(ME).content.decode()  # on the timeline
    assert client_for("town_a").post(url).status_code == 403


def test_a_past_fair_takes_no_self_registration(client_for, personas, fair_a) -> None:  # noqa: ANN001, F811
    client_for("jobseeker").post(reverse("jobs:fair-register", args=[fair_a.pk]))
    assert not FairSeeker.objects.filter(fair=fair_a).exists()


# --- withdrawing the sign-up consents ------------------------------------------------------------


def _consent(person: Person, purpose: str) -> None:
    from django.utils import timezone

    from jiuye.people.models import Consent

    Consent.objects.create(
        person=person, purpose=purpose, policy_version="2026-1", given_at=timezone.now()
    )


def test_withdrawing_the_contact_consent_stops_text_messages_at_once(
    settings, personas, client_for, django_capture_on_commit_callbacks, capsys
) -> None:  # noqa: ANN001
    from jiuye.notifications.services import Event, notify

    settings.NOTIFICATION_CHANNELS = ["inapp", "sms"]
    settings.SMS_BACKEND = "jiuye.notifications.services.channels.ConsoleSms"
    seeker = personas["jobseeker"]
    seeker.phone = "13811113333"
    seeker.save(update_fields=["phone"])
    _consent(seeker.person, "contact")
    client = client_for("jobseeker")
    page = client.get(reverse("people:me")).content.decode()
    assert "撤回“联系本人（电话、短信）”" in page and "不再给您发短信" in page

    def tell(key: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            notify(event=Event(key=key, kind="test", title="面试通知"), recipients=[seeker])
        return capsys.readouterr().out

    assert "[短信] 13811113333" in tell("before")
    answer = client.post(reverse("people:me-consent-withdraw"), {"purpose": "contact"})
    assert answer.status_code == 302
    assert "[短信]" not in tell("after")
    assert Notification.objects.filter(user=seeker, title="面试通知").count() == 2  # in-app
    # A second withdrawal says it is already withdrawn; the sharing consent has its own page.
    again = client.post(reverse("people:me-consent-withdraw"), {"purpose": "contact"}, follow=True)
    assert "已经撤回" in again.content.decode()
    other = client.post(
        reverse("people:me-consent-withdraw"), {"purpose": "share_with_employers"}, follow=True
    )
    assert "不能在这里撤回" in other.content.decode()


def test_withdrawing_the_processing_consent_closes_the_account_and_tells_the_town(
    personas, client_for
) -> None:  # noqa: ANN001
    seeker = personas["jobseeker"]
    _consent(seeker.person, "process_disability_info")
    client = client_for("jobseeker")
    elsewhere = client_for("jobseeker")  # the same account signed in on another device
    answer = client.post(
        reverse("people:me-consent-withdraw"), {"purpose": "process_disability_info"}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("accounts:login")
    seeker.refresh_from_db()
    assert not seeker.is_active
    assert client.get(reverse("people:me")).status_code == 302  # signed out
    assert elsewhere.get(reverse("people:me")).status_code == 302  # and on the other device
    assert Person.objects.filter(pk=seeker.person_id).exists()  # the registry keeps the record
    told = Notification.objects.filter(user=personas["town_a"], kind="consent_withdrawn")
    assert told.count() == 1 and "账户已停用" in told.get().title
    assert not Notification.objects.filter(user=personas["town_b"], kind="consent_withdrawn")
