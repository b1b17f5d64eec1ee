"""The referral pages: consent, referring, the referral page and its steps, hiring, the staff
pipeline and the employer's applicants — happy paths, scope (404), read-only and wrong roles
(403), wrong methods (405), bad input and query budgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_id_number
from jiuye.core.tests.responses import answer_about, assert_one_answer, html_of
from jiuye.employment.models import EmploymentRecord
from jiuye.jobs.models import Referral, ReferralStep
from jiuye.jobs.services import referrals as services
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.jobs.tests.referral_fixtures import days_ago, make_person, make_posting, refer, today
from jiuye.people.models import Consent

pytestmark = pytest.mark.django_db

posting_a, posting_b, referral_a = fx.posting_a, fx.posting_b, fx.referral_a


# --- consent ----------------------------------------------------------------------------------


def test_the_consent_page_shows_what_is_shared_and_an_unticked_box(client_for, personas) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    response = client_for("town_a").get(reverse("jobs:consent", args=[person.pk]))
    html = html_of(response)
    assert response.status_code == 200
    assert "残疾类别和等级（不含残疾人证号）" in html
    assert "本人已阅读并同意" in html
    assert 'type="checkbox" name="agree"' in html
    assert "checked" not in html.split('name="agree"')[1].split(">")[0]


def test_consent_is_not_recorded_without_the_tick(client_for, personas) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    response = client_for("town_a").post(
        reverse("jobs:consent", args=[person.pk]), {"action": "give"}
    )
    assert response.status_code == 200
    assert "<title>错误：" in html_of(response)
    assert "本人同意后再勾选" in html_of(response)
    assert not Consent.objects.exists()


def test_consent_given_then_withdrawn_through_the_page(client_for, personas) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    client = client_for("jobseeker")  # the person for themself
    url = reverse("jobs:consent", args=[person.pk])
    response = client.post(url, {"action": "give", "agree": "on"})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.recorded_by, consent.policy_version) == (personas["jobseeker"], "2026-1")
    assert "撤回同意" in html_of(client.get(url))
    client.post(url, {"action": "withdraw"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_consent_goes_back_to_the_referral_form_it_came_from(
    client_for, personas, posting_a
) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    back = f"{reverse('jobs:referral-create')}?person={person.pk}&posting={posting_a.pk}"
    response = client_for("district").post(
        reverse("jobs:consent", args=[person.pk]), {"action": "give", "agree": "on", "next": back}
    )
    assert response.url == back
    evil = client_for("district").post(
        reverse("jobs:consent", args=[person.pk]),
        {"action": "withdraw", "next": "https://evil.example/"},
    )
    assert evil.url == reverse("jobs:consent", args=[person.pk])


def test_consent_page_scope_roles_and_methods(client_for, personas) -> None:  # noqa: ANN001
    url = reverse("jobs:consent", args=[personas["jobseeker"].person.pk])
    assert client_for("town_b").get(url).status_code == 404
    assert client_for("employer").get(url).status_code == 403
    assert client_for("leader").get(url).status_code == 403
    assert client_for("district").put(url).status_code == 405
    other = make_person(800, "王五")
    assert client_for("jobseeker").get(reverse("jobs:consent", args=[other.pk])).status_code == 404
    assert client_for("district").get("/jobs/persons/not-a-uuid/consent/").status_code == 404


# --- referring --------------------------------------------------------------------------------


def _create_url(person, posting) -> str:  # noqa: ANN001
    return f"{reverse('jobs:referral-create')}?person={person.pk}&posting={posting.pk}"


def test_the_referral_form_names_both_and_defaults_to_today(
    client_for, personas, posting_a
) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    fx.consent(person)
    response = client_for("town_a").get(_create_url(person, posting_a))
    html = html_of(response)
    assert response.status_code == 200
    assert "张三" in html and "东城示范企业 · 网络客服" in html
    assert f'value="{today():%Y-%m-%d}"' in html
    assert person.id_number not in html


def test_without_consent_the_form_says_so_and_links_the_consent_page(
    client_for, personas, posting_a
) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    html = html_of(client_for("district").get(_create_url(person, posting_a)))
    assert "还没有同意向用人单位展示求职信息" in html
    assert reverse("jobs:consent", args=[person.pk]) + "?next=" in html
    assert "确认推荐" not in html


def test_a_referral_is_made_and_leads_to_its_page(client_for, personas, posting_a) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    fx.consent(person)
    response = client_for("town_a").post(
        reverse("jobs:referral-create"),
        {"person": person.pk, "posting": posting_a.pk, "on": days_ago(1), "note": "已电话告知"},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:referral", args=[referral.pk])
    assert (referral.referred_on, referral.note, referral.created_by) == (
        days_ago(1),
        "已电话告知",
        personas["town_a"],
    )


def test_a_referral_by_id_number_chooses_the_posting_from_a_list(
    client_for, personas, posting_a
) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    fx.consent(person)
    client = client_for("district")
    html = html_of(client.get(reverse("jobs:referral-create")))
    assert "被推荐人身份证号" in html and f'value="{posting_a.pk}"' in html
    response = client.post(
        reverse("jobs:referral-create"),
        {"id_number": person.id_number, "posting": posting_a.pk, "on": today()},
    )
    assert response.status_code == 302
    assert Referral.objects.get().person == person


def test_a_bad_referral_form_names_each_problem(client_for, personas, posting_a) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    fx.consent(person)
    response = client_for("district").post(
        reverse("jobs:referral-create"),
        {"person": person.pk, "posting": posting_a.pk, "on": "明天"},
    )
    html = html_of(response)
    assert "<title>错误：" in html
    assert "推荐日期请按“年-月-日”填写" in html
    response = client_for("district").post(
        reverse("jobs:referral-create"),
        {"person": person.pk, "posting": posting_a.pk, "on": today() + dt.timedelta(days=3)},
    )
    assert "推荐日期不能晚于今天" in html_of(response)
    response = client_for("district").post(
        reverse("jobs:referral-create"), {"id_number": "123", "posting": "", "on": today()}
    )
    assert "请选择推荐到的岗位" in html_of(response)
    assert not Referral.objects.exists()


def test_a_closed_posting_cannot_take_a_referral(client_for, personas, posting_a) -> None:  # noqa: ANN001
    posting_a.status = "closed"
    posting_a.save()
    person = personas["jobseeker"].person
    fx.consent(person)
    html = html_of(client_for("district").get(_create_url(person, posting_a)))
    assert "不能推荐" in html and "确认推荐" not in html
    response = client_for("district").post(
        reverse("jobs:referral-create"),
        {"person": person.pk, "posting": posting_a.pk, "on": today()},
    )
    assert "目前不能推荐" in html_of(response)


def test_referring_is_for_staff_within_scope(client_for, personas, posting_a) -> None:  # noqa: ANN001
    url = _create_url(personas["jobseeker"].person, posting_a)
    assert client_for("town_b").get(url).status_code == 404
    assert client_for("leader").get(url).status_code == 403
    assert client_for("employer").get(url).status_code == 403
    assert client_for("jobseeker").get(url).status_code == 403
    assert client_for("district").delete(url).status_code == 405
    bad = f"{reverse('jobs:referral-create')}?person=nope&posting={posting_a.pk}"
    assert client_for("district").get(bad).status_code == 404
    bad = f"{reverse('jobs:referral-create')}?posting=nope"
    assert client_for("district").get(bad).status_code == 404


# --- the referral page and its steps -----------------------------------------------------------


def test_the_referral_page_shows_history_reasons_and_the_allowed_steps(
    client_for, referral_a
) -> None:  # noqa: ANN001
    html = html_of(client_for("town_a").get(reverse("jobs:referral", args=[referral_a.pk])))
    assert "进度记录" in html and f"{days_ago(10):%Y-%m-%d} 已推荐" in html
    for reason in referral_a.match_reasons:
        assert reason in html
    assert 'value="viewed"' in html and 'value="withdrawn"' in html
    assert 'value="referred"' not in html
    assert "登记入职" in html


def test_an_employer_sees_only_what_was_consented_and_no_hire_or_withdraw(
    client_for, referral_a
) -> None:  # noqa: ANN001
    html = html_of(client_for("employer").get(reverse("jobs:referral", args=[referral_a.pk])))
    assert "张三" in html
    assert referral_a.person.masked_id_number not in html
    assert 'value="withdrawn"' not in html and 'value="offer"' in html
    assert reverse("jobs:referral-hire", args=[referral_a.pk]) not in html
    assert "入职由工作人员核实后登记" in html


def test_the_job_seeker_reads_their_own_referral_without_steps(client_for, referral_a) -> None:  # noqa: ANN001
    response = client_for("jobseeker").get(reverse("jobs:referral", args=[referral_a.pk]))
    assert response.status_code == 200
    assert "登记这一步" not in html_of(response)


def test_the_job_seeker_reads_no_staff_or_employer_notes_on_their_referral(
    client_for, personas, referral_a
) -> None:  # noqa: ANN001
    """As their timeline: the referral's note and the notes of its steps are for staff and the
    employer; the job seeker reads the steps and their dates."""
    referral_a.note = "推荐说明：性格稳重"
    referral_a.save(update_fields=["note"])
    services.referral_advance(
        referral=referral_a,
        to="viewed",
        by=personas["employer"],
        on=timezone.localdate(),
        version=referral_a.version,
        note="单位备注：先约电话面试",
    )
    url = reverse("jobs:referral", args=[referral_a.pk])
    own = html_of(client_for("jobseeker").get(url))
    assert "性格稳重" not in own and "先约电话面试" not in own
    assert "单位已查看" in own
    staff = html_of(client_for("district").get(url))
    assert "性格稳重" in staff and "先约电话面试" in staff


def test_the_referral_page_scope(client_for, referral_a) -> None:  # noqa: ANN001
    url = reverse("jobs:referral", args=[referral_a.pk])
    assert client_for("town_b").get(url).status_code == 404
    assert client_for("leader").get(url).status_code == 403
    assert client_for("district").post(url).status_code == 405
    services.consent_withdraw(consent=referral_a.consent, by=None)
    assert client_for("employer").get(url).status_code == 404
    assert client_for("district").get(url).status_code == 200


def test_an_employer_marks_an_interview(client_for, referral_a, personas) -> None:  # noqa: ANN001
    response = client_for("employer").post(
        reverse("jobs:referral-advance", args=[referral_a.pk]),
        {
            "advance-to": "interview",
            "advance-on": days_ago(2),
            "advance-version": referral_a.version,
        },
    )
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert (referral_a.status, referral_a.interview_on) == ("interview", days_ago(2))
    step = ReferralStep.objects.get(status="interview")
    assert step.by == personas["employer"]


def test_a_step_the_page_does_not_offer_is_refused_with_a_message(client_for, referral_a) -> None:  # noqa: ANN001
    url = reverse("jobs:referral-advance", args=[referral_a.pk])
    data = {"advance-on": today(), "advance-version": referral_a.version}
    response = client_for("employer").post(url, {**data, "advance-to": "withdrawn"})
    assert "<title>错误：" in html_of(response)
    assert "这一步现在不能选" in html_of(response)
    response = client_for("district").post(url, {**data, "advance-to": "not_hired"})
    assert "请选择未录用的原因" in html_of(response)
    response = client_for("district").post(
        url, {**data, "advance-on": days_ago(30), "advance-to": "viewed"}
    )
    assert "不能早于上一步的日期" in html_of(response)
    response = client_for("district").post(
        url, {**data, "advance-version": "x", "advance-to": "viewed"}
    )
    assert response.status_code == 200
    referral_a.refresh_from_db()
    assert referral_a.status == "referred"


def test_a_stale_form_is_a_conflict_not_an_overwrite(client_for, referral_a) -> None:  # noqa: ANN001
    url = reverse("jobs:referral-advance", args=[referral_a.pk])
    stale = {"advance-to": "viewed", "advance-on": today(), "advance-version": referral_a.version}
    client_for("district").post(url, stale)
    response = client_for("town_a").post(url, {**stale, "advance-to": "interview"}, follow=True)
    assert "刚刚被其他人更新过" in html_of(response)
    referral_a.refresh_from_db()
    assert referral_a.status == "viewed"


def test_advancing_scope_and_roles(client_for, referral_a) -> None:  # noqa: ANN001
    url = reverse("jobs:referral-advance", args=[referral_a.pk])
    data = {"advance-to": "viewed", "advance-on": today(), "advance-version": referral_a.version}
    assert client_for("town_b").post(url, data).status_code == 404
    assert client_for("leader").post(url, data).status_code == 403
    assert client_for("jobseeker").post(url, data).status_code == 403
    assert client_for("district").get(url).status_code == 405


# --- hiring -----------------------------------------------------------------------------------


def test_the_hire_form_defaults_to_quota_or_flexible_for_new_forms(
    client_for, referral_a, personas
) -> None:  # noqa: ANN001
    html = html_of(client_for("district").get(reverse("jobs:referral-hire", args=[referral_a.pk])))
    assert '<option value="quota" selected>' in html
    livestream = make_posting(
        personas["employer"].employer, title="主播", new_form_subtype="livestream"
    )
    other = refer(referral_a.person, livestream)
    html = html_of(client_for("district").get(reverse("jobs:referral-hire", args=[other.pk])))
    assert '<option value="flexible" selected>' in html


def test_hiring_through_the_page_creates_one_record_and_refuses_a_second(
    client_for, referral_a
) -> None:  # noqa: ANN001
    url = reverse("jobs:referral-hire", args=[referral_a.pk])
    data = {
        "start_date": days_ago(1),
        "form": "quota",
        "contract_type": "fixed",
        "monthly_wage": "3500",
        "version": referral_a.version,
    }
    response = client_for("town_a").post(url, data)
    assert response.status_code == 302
    assert EmploymentRecord.objects.count() == 1
    again = client_for("town_a").post(url, data, follow=True)
    assert "已经登记入职" in html_of(again) and "不能重复登记" in html_of(again)
    assert EmploymentRecord.objects.count() == 1
    page = client_for("town_a").get(reverse("jobs:referral", args=[referral_a.pk]))
    assert "入职后 12 个月" in html_of(page)


def test_a_bad_hire_form_keeps_what_was_typed(client_for, referral_a) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("jobs:referral-hire", args=[referral_a.pk]),
        {"start_date": "", "form": "quota", "monthly_wage": "很多", "version": referral_a.version},
    )
    html = html_of(response)
    assert "<title>错误：" in html
    assert "请填写入职日期" in html and "月工资请填写金额" in html
    assert 'value="很多"' in html
    assert not EmploymentRecord.objects.exists()


def test_hiring_is_for_staff_within_scope(client_for, referral_a) -> None:  # noqa: ANN001
    url = reverse("jobs:referral-hire", args=[referral_a.pk])
    assert client_for("town_b").get(url).status_code == 404
    assert client_for("employer").get(url).status_code == 403
    assert client_for("leader").get(url).status_code == 403
    assert client_for("district").put(url).status_code == 405


# --- the pipeline and the applicants ----------------------------------------------------------


def test_the_pipeline_counts_by_status_and_filters(
    client_for, referral_a, personas, posting_b
) -> None:  # noqa: ANN001
    other = refer(make_person(810, "李五", "440199002001"), posting_b)
    services.referral_advance(
        referral=other, to="not_hired", by=None, on=today(), version=other.version, reason="skills"
    )
    html = html_of(client_for("district").get(reverse("jobs:referrals")))
    assert "全部（2）" in html and "已推荐（1）" in html and "未录用（1）" in html
    html = html_of(client_for("district").get(reverse("jobs:referrals") + "?status=not_hired"))
    assert "李五" in html and "张三" not in html
    html = html_of(client_for("district").get(reverse("jobs:referrals") + "?town=440199001000"))
    assert "张三" in html and "李五" not in html
    html = html_of(
        client_for("district").get(f"{reverse('jobs:referrals')}?posting={posting_b.pk}")
    )
    assert "李五" in html and "张三" not in html
    html = html_of(client_for("town_b").get(reverse("jobs:referrals")))
    assert "李五" in html and "张三" not in html


def test_the_pipeline_survives_bad_filters(client_for, referral_a) -> None:  # noqa: ANN001
    response = client_for("district").get(
        reverse("jobs:referrals") + "?status=bogus&town=x&year=二〇二五&posting=1&person=zz&page=x"
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "无法识别的状态" in html and "年度请填写四位数字" in html
    assert "张三" in html


def test_the_job_seeker_sees_their_own_referrals_read_only(
    client_for, referral_a, posting_b
) -> None:  # noqa: ANN001
    refer(make_person(811, "王六"), posting_b)
    html = html_of(client_for("jobseeker").get(reverse("jobs:referrals")))
    assert "我的推荐" in html and "网络客服" in html and "仓库理货员" not in html
    assert reverse("jobs:referral-create") not in html


def test_employers_see_only_their_own_applicants_who_consented(
    client_for, referral_a, posting_b
) -> None:  # noqa: ANN001
    refer(make_person(812, "王七"), posting_b)  # another employer's applicant
    response = client_for("employer").get(reverse("jobs:applicants"))
    html = html_of(response)
    assert response.status_code == 200
    assert "张三" in html and "王七" not in html
    assert "入职由区残联或镇街工作人员核实后登记" in html
    services.consent_withdraw(consent=referral_a.consent, by=None)
    assert "张三" not in html_of(client_for("employer").get(reverse("jobs:applicants")))


def test_the_lists_are_for_their_roles(client_for) -> None:  # noqa: ANN001
    assert client_for("leader").get(reverse("jobs:referrals")).status_code == 403
    assert client_for("employer").get(reverse("jobs:referrals")).status_code == 403
    assert client_for("district").get(reverse("jobs:applicants")).status_code == 403
    assert client_for("employer").post(reverse("jobs:applicants")).status_code == 405
    assert client_for("district").post(reverse("jobs:referrals")).status_code == 405
    assert (
        client_for("employer").get(reverse("jobs:applicants") + "?posting=x&status=?").status_code
        == 200
    )


def test_the_main_pages_keep_their_query_budget(
    client_for, referral_a, personas, posting_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for seq in range(820, 840):
        refer(make_person(seq, f"丙{seq}"), posting_a, on=days_ago(3))
    district, employer = client_for("district"), client_for("employer")
    for client, url in [
        (district, reverse("jobs:referrals")),
        (employer, reverse("jobs:applicants")),
        (district, reverse("jobs:referral", args=[referral_a.pk])),
        (employer, reverse("jobs:referral", args=[referral_a.pk])),
        (district, reverse("jobs:referral-hire", args=[referral_a.pk])),
        (district, _create_url(referral_a.person, posting_a)),
    ]:
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_referring_a_number_registered_elsewhere_answers_as_for_an_unregistered_one(
    client_for, person_b, posting_a
) -> None:  # noqa: ANN001
    """Issue 14, security 4: the answer must not tell whether someone elsewhere is registered."""
    client = client_for("town_a")
    url = reverse("jobs:referral-create")
    answers = [
        answer_about(
            html_of(client.post(url, {"id_number": n, "posting": posting_a.pk, "on": today()})), n
        )
        for n in (person_b.id_number, make_id_number(seq=777))
    ]
    assert_one_answer(answers)
    assert not Referral.objects.exists()
