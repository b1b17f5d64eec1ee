"""Job seekers' self-registration: the sign-up (consents, anti-bot, rate limits, one answer
whether or not the ID number is registered), the town's worklist and the decisions on it, and
the applicant's account before and after verification."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from conftest import TOWN_A, VILLAGE_A, VILLAGE_B, make_id_number, sign_in
from jiuye.accounts.models import Role, User
from jiuye.core import antibot
from jiuye.core.tests.responses import error_page, html_of
from jiuye.core.tests.test_url_matrix import MATRIX
from jiuye.notifications.models import Notification
from jiuye.people.models import (
    ApplicationOutcome,
    ApplicationStatus,
    Consent,
    Person,
    RegistrationApplication,
)
from jiuye.people.policies import POLICIES, SIGNUP_PURPOSES
from jiuye.people.services import (
    application_link,
    application_refuse,
    application_register,
    application_submit,
)
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

SIGNUP = "/people/signup/"
MINE = "/people/signup/my-application/"
LIST = "/people/applications/"
_names = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_limits(settings) -> None:  # noqa: ANN001
    caches["limits"].clear()
    settings.JIUYE_SIGNUP_MIN_FILL_SECONDS = 0


def form_data(id_number: str, **override: Any) -> dict[str, Any]:
    n = next(_names)
    data = {
        "name": "赵六",
        "id_number": id_number,
        "certificate_number": f"{id_number}12",
        "phone": "13812345678",
        "region": VILLAGE_A,
        "work_preferences": "仓库分拣",
        "username": f"zhaoliu{n}",
        "password": "Quiet-Lamp-42",
        "password_again": "Quiet-Lamp-42",
        "consent_process_disability_info": "on",
        "started": antibot.started_stamp(),
    }
    data.update(override)
    return {key: value for key, value in data.items() if value is not None}


def submit(
    id_number: str, *, village: str = VILLAGE_A, **consents: bool
) -> RegistrationApplication:
    purposes = [p for p in SIGNUP_PURPOSES if consents.get(p, p == "process_disability_info")]
    return application_submit(
        name="赵六",
        id_number=id_number,
        certificate_number="",
        applying_for_certificate=True,
        phone="13812345678",
        region=Region.objects.get(code=village),
        work_preferences="电话客服",
        consents=purposes,
        username=f"applicant{next(_names)}",
        password="Quiet-Lamp-42",
    )


# --- the sign-up ---------------------------------------------------------------------------


def test_the_form_ticks_no_consent_for_the_person(reference) -> None:  # noqa: ANN001
    html = html_of(Client().get(SIGNUP))
    for purpose in SIGNUP_PURPOSES:
        assert f'name="consent_{purpose}"' in html
    assert "checked" not in html
    # Each text has its easy-read version on the page.
    for policy in POLICIES.values():
        assert str(policy.easy_read[0]) in html


def test_no_registration_without_the_processing_consent(reference) -> None:  # noqa: ANN001
    response = Client().post(
        SIGNUP, form_data(make_id_number(seq=501), consent_process_disability_info=None)
    )
    error_page(response, "没有这项同意无法在网上注册")
    assert not RegistrationApplication.objects.exists()
    assert not User.objects.filter(role=Role.APPLICANT).exists()


def test_the_service_refuses_without_the_processing_consent_too(reference) -> None:  # noqa: ANN001
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        submit(make_id_number(seq=502), process_disability_info=False, contact=True)
    assert not RegistrationApplication.objects.exists()


def test_each_consent_is_recorded_with_its_version_and_time(reference, settings) -> None:  # noqa: ANN001
    response = Client().post(SIGNUP, form_data(make_id_number(seq=503), consent_contact="on"))
    assert response.status_code == 302
    application = RegistrationApplication.objects.get()
    purposes = {entry["purpose"]: entry for entry in application.consents}
    assert set(purposes) == {"process_disability_info", "contact"}
    for entry in purposes.values():
        assert entry["policy_version"] == POLICIES[entry["purpose"]].version
        assert entry["given_at"]


def test_a_bad_form_keeps_what_was_typed_and_names_each_problem(reference) -> None:  # noqa: ANN001
    data = form_data(
        "11010519491231002X0",
        certificate_number="",
        phone="12",
        password_again="different-1",
        region="999999999999",
    )
    html = error_page(
        Client().post(SIGNUP, data),
        "请填写残疾人证号；正在申请残疾人证的，请勾选",
        "联系电话应为11位手机号",
        "两次输入的密码不一样",
        "请从列表中选择村（社区）",
    )
    assert "仓库分拣" in html
    assert not RegistrationApplication.objects.exists()


def test_a_certificate_of_another_id_number_is_refused(reference) -> None:  # noqa: ANN001
    data = form_data(make_id_number(seq=504), certificate_number=f"{make_id_number(seq=505)}12")
    error_page(Client().post(SIGNUP, data), "残疾人证号前18位与身份证号不一致")


def test_the_hidden_field_and_a_too_quick_submit_stop_a_script(reference, settings) -> None:  # noqa: ANN001
    error_page(
        Client().post(SIGNUP, form_data(make_id_number(seq=506), website="http://spam")),
        "应当留空",
    )
    settings.JIUYE_SIGNUP_MIN_FILL_SECONDS = 60
    error_page(Client().post(SIGNUP, form_data(make_id_number(seq=506))), "提交得太快了")
    assert not RegistrationApplication.objects.exists()


def _answer(client: Client, id_number: str, username: str) -> tuple[int, str, bytes]:
    response = client.post(SIGNUP, form_data(id_number, username=username))
    return response.status_code, response.get("Location", ""), response.content


def test_the_answer_is_the_same_for_a_registered_and_an_unregistered_id(personas) -> None:  # noqa: ANN001
    registered = personas["jobseeker"].person.id_number  # 张三 in 东城, with an account
    unregistered = make_id_number(seq=507)
    first = _answer(Client(), registered, "probe_one")
    second = _answer(Client(), unregistered, "probe_two")
    assert first == second
    assert first[:2] == (302, reverse("people:my-application"))
    # And the page it leads to says the same, but for the user name typed.
    pages = []
    for username in ("probe_one", "probe_two"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        html = html_of(client.get(MINE)).replace(username, "<user>")
        pages.append(html.split('name="csrfmiddlewaretoken" value="')[0])
    assert pages[0] == pages[1]
    # A third application for the registered number answers the same as well.
    assert _answer(Client(), registered, "probe_three")[:2] == first[:2]
    assert RegistrationApplication.objects.count() == 3


def test_the_rate_limit_per_address_answers_429(reference, settings) -> None:  # noqa: ANN001
    settings.JIUYE_SIGNUP_PER_IP_PER_HOUR = 2
    for seq in (510, 511):
        assert Client().post(SIGNUP, form_data(make_id_number(seq=seq))).status_code == 302
    response = Client().post(SIGNUP, form_data(make_id_number(seq=512)))
    assert response.status_code == 429
    assert "一小时内最多可以提交2份注册申请" in html_of(response)
    assert RegistrationApplication.objects.count() == 2


def test_the_rate_limit_per_id_number_answers_429(reference, settings) -> None:  # noqa: ANN001
    settings.JIUYE_SIGNUP_PER_ID_PER_DAY = 1
    number = make_id_number(seq=513)
    assert Client().post(SIGNUP, form_data(number), REMOTE_ADDR="10.0.0.1").status_code == 302
    response = Client().post(SIGNUP, form_data(number), REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    assert "这个身份证号今天已经提交过1次注册申请" in html_of(response)
    assert RegistrationApplication.objects.count() == 1


def test_the_town_officers_are_told_of_a_new_application(personas) -> None:  # noqa: ANN001
    application = submit(make_id_number(seq=514))
    told = Notification.objects.filter(kind="application_submitted")
    assert set(told.values_list("user__username", flat=True)) == {"town_a"}
    assert str(application.pk) in told.get().url


# --- the applicant's account before verification --------------------------------------------


def test_an_applicant_reaches_only_their_own_application(personas, plan) -> None:  # noqa: ANN001
    application = submit(make_id_number(seq=515))
    client = sign_in(Client(), application.account)
    assert client.get(MINE).status_code == 200
    # Every page the URL × role matrix opens to a job seeker sends the applicant back.
    world = {"personas": personas, "plan": plan}
    jobseeker_pages = [
        reverse(name, kwargs=kwargs(world))
        for name, (kwargs, expected) in MATRIX.items()
        if expected["jobseeker"] == 200
    ]
    assert len(jobseeker_pages) > 5
    for url in jobseeker_pages:
        response = client.get(url)
        assert (response.status_code, response.get("Location")) == (302, MINE), url
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_the_applicant_reads_the_refusal_and_its_reason(personas) -> None:  # noqa: ANN001
    application = submit(make_id_number(seq=516))
    application_refuse(
        application=application, reason="请到户籍所在镇街办理", by=personas["town_a"]
    )
    html = html_of(sign_in(Client(), application.account).get(MINE))
    assert "请到户籍所在镇街办理" in html
    assert Notification.objects.filter(user=application.account).exists()


# --- the worklist --------------------------------------------------------------------------


def test_a_town_sees_only_its_own_applications(personas, client_for) -> None:  # noqa: ANN001
    own = submit(make_id_number(seq=517), village=VILLAGE_A)
    other = submit(make_id_number(seq=518), village=VILLAGE_B)
    html = html_of(client_for("town_a").get(LIST))
    assert f"/people/applications/{own.pk}/" in html
    assert f"/people/applications/{other.pk}/" not in html
    assert client_for("town_a").get(f"/people/applications/{other.pk}/").status_code == 404
    district = html_of(client_for("district").get(LIST))
    assert str(own.pk) in district and str(other.pk) in district


def test_the_worklist_flags_a_number_used_twice_or_with_an_account(personas, client_for) -> None:  # noqa: ANN001
    number = personas["jobseeker"].person.id_number
    submit(number)
    submit(number)
    html = html_of(client_for("town_a").get(LIST))
    assert "这个身份证号的人员已有账号" in html
    assert "同一身份证号还有 1 份申请" in html


def test_verify_link_makes_a_job_seeker_account_with_the_consents(
    personas, person_b, client_for
) -> None:  # noqa: ANN001
    person = Person.objects.get(name="李四")  # registered in 西城, no account
    application = submit(person.id_number, village=VILLAGE_B, contact=True)
    response = client_for("town_b").post(
        f"/people/applications/{application.pk}/", {"decision": "link"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    account = User.objects.get(pk=application.account_id)
    assert (account.role, account.person_id) == (Role.JOBSEEKER, person.pk)
    assert (application.status, application.outcome) == (
        ApplicationStatus.VERIFIED,
        ApplicationOutcome.LINKED,
    )
    consents = Consent.objects.filter(person=person)
    assert set(consents.values_list("purpose", flat=True)) == {"process_disability_info", "contact"}
    assert all(c.policy_version == "2026-1" and c.given_at for c in consents)
    assert Notification.objects.filter(user=account, kind="application_decided").exists()
    # Now the job seeker's own pages open.
    assert sign_in(Client(), account).get(reverse("jobs:referrals")).status_code == 200


def test_verify_link_is_refused_for_a_person_with_an_account(personas, client_for) -> None:  # noqa: ANN001
    application = submit(personas["jobseeker"].person.id_number)
    response = client_for("town_a").post(
        f"/people/applications/{application.pk}/", {"decision": "link"}
    )
    error_page(response, "这位人员已经有自己的账号")
    application.refresh_from_db()
    assert application.is_pending


def test_verify_register_adds_the_person_and_links_the_account(personas, client_for) -> None:  # noqa: ANN001
    number = make_id_number(seq=519)
    application = submit(number)
    application.certificate_number = f"{number}12"
    application.save()
    response = client_for("town_a").post(
        f"/people/applications/{application.pk}/", {"decision": "register"}
    )
    assert response.status_code == 302
    person = Person.objects.get(name="赵六")
    assert (person.region_id, person.work_preferences, person.phone) == (
        VILLAGE_A,
        "电话客服",
        "13812345678",
    )
    assert (person.category.code, person.grade.code) == (1, 2)
    application.refresh_from_db()
    assert application.outcome == ApplicationOutcome.REGISTERED
    assert User.objects.get(pk=application.account_id).person_id == person.pk


def test_verify_register_of_a_number_registered_elsewhere_is_refused(personas, person_b) -> None:  # noqa: ANN001
    from django.core.exceptions import ValidationError

    application = submit(person_b.id_number, village=VILLAGE_A)
    with pytest.raises(ValidationError, match="不能在本镇街登记"):
        application_register(application=application, by=personas["town_a"])
    with pytest.raises(ValidationError, match="没有登记这个身份证号"):
        application_link(application=application, by=personas["town_a"])


def test_refuse_needs_a_reason_and_keeps_the_account_an_applicant(personas, client_for) -> None:  # noqa: ANN001
    application = submit(make_id_number(seq=520))
    url = f"/people/applications/{application.pk}/"
    error_page(client_for("town_a").post(url, {"decision": "refuse"}), "请填写退回的理由")
    assert (
        client_for("town_a")
        .post(url, {"decision": "refuse", "reason": "不是本镇街居民"})
        .status_code
        == 302
    )
    application.refresh_from_db()
    assert (application.status, application.reason) == (ApplicationStatus.REFUSED, "不是本镇街居民")
    assert User.objects.get(pk=application.account_id).role == Role.APPLICANT
    # Decided once: the page shows no form any more.
    assert 'name="decision"' not in html_of(client_for("town_a").get(url))


def test_another_town_cannot_decide(personas) -> None:  # noqa: ANN001
    from django.core.exceptions import ValidationError

    application = submit(make_id_number(seq=521))
    with pytest.raises(ValidationError):
        application_refuse(application=application, reason="x", by=personas["town_b"])
    assert TOWN_A.startswith(application.region_id[:9])


def test_a_taken_user_name_is_refused_with_a_way_out(personas) -> None:  # noqa: ANN001
    data = form_data(make_id_number(seq=522), username="JobSeeker")
    error_page(Client().post(SIGNUP, data), "这个用户名已经有人用了")
    assert not RegistrationApplication.objects.exists()
