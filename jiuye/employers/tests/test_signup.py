"""Employers' own sign-up (issue 18): the public form, the district's decisions, the
applicant's limits before verification, and the unit administrator's accounts page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, TOWN_A, make_uscc, sign_in
from jiuye.accounts.models import Role, User
from jiuye.accounts.services import user_create, user_update
from jiuye.core import ratelimit
from jiuye.core.antibot import started_stamp
from jiuye.employers.models import ApplicationStatus, Employer, EmployerApplication
from jiuye.employers.services import signup
from jiuye.notifications.models import Notification

NEW_CODE = make_uscc("91440199MA5NEW001")


def submit(
    *, username: str = "acme-admin", uscc: str = NEW_CODE, name: str = "新来的科技公司"
) -> EmployerApplication:
    return signup.application_submit(
        uscc=uscc,
        name=name,
        contact_name="王经理",
        contact_phone="13800138000",
        town_code=TOWN_A,
        username=username,
        password=PASSWORD,
    )


def form_data(**override: Any) -> dict[str, Any]:
    data = {
        "uscc": NEW_CODE.lower(),
        "name": "新来的科技公司",
        "town": TOWN_A,
        "contact_name": "王经理",
        "contact_phone": "138-0013-8000",
        "username": "acme-admin",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "website": "",
        "started": started_stamp(),
    }
    data.update(override)
    return data


@pytest.fixture
def quick(settings, reference) -> None:  # noqa: ANN001
    settings.JIUYE_GRIEVANCE_MIN_FILL_SECONDS = 0
    ratelimit.limits_cache().clear()


def _errors(response: Any) -> str:
    return response.content.decode()


# --- the public form --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_form_names_every_missing_field_in_chinese(quick) -> None:  # noqa: ANN001
    response = Client().post(reverse("employers:signup"), {"started": started_stamp()})
    assert response.status_code == 200
    page = _errors(response)
    for message in (
        "请填写统一社会信用代码。",
        "请填写单位名称。",
        "请选择单位所在的镇街。",
        "请填写联系人姓名。",
        "请填写联系电话。",
        "请填写管理员用户名。",
        "请设置密码。",
    ):
        assert message in page
    assert not EmployerApplication.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_wrong_check_character_mismatched_passwords_and_a_bad_phone(quick) -> None:  # noqa: ANN001
    wrong = NEW_CODE[:17] + ("0" if NEW_CODE[17] != "0" else "1")
    response = Client().post(
        reverse("employers:signup"),
        form_data(uscc=wrong, password2="Something-Else-77", contact_phone="12"),
    )
    page = _errors(response)
    assert "校验码" in page and "请对照营业执照逐位核对" in page
    assert "两次输入的密码不一样" in page
    assert "联系电话应为11位手机号" in page
    assert not User.objects.filter(username="acme-admin").exists()


@pytest.mark.django_db
def test_a_filled_honeypot_or_a_form_sent_too_fast_is_refused_in_words(settings, reference) -> None:  # noqa: ANN001
    ratelimit.limits_cache().clear()
    settings.JIUYE_GRIEVANCE_MIN_FILL_SECONDS = 0
    trapped = Client().post(reverse("employers:signup"), form_data(website="http://spam"))
    assert "“请不要填写这一项”一栏应当留空" in _errors(trapped)
    settings.JIUYE_GRIEVANCE_MIN_FILL_SECONDS = 3600
    fast = Client().post(reverse("employers:signup"), form_data())
    assert "提交得太快了" in _errors(fast)
    assert not EmployerApplication.objects.exists()


@pytest.mark.django_db
def test_a_sign_up_lands_in_the_worklist_signs_in_and_tells_the_district(quick, personas) -> None:  # noqa: ANN001
    client = Client()
    response = client.post(reverse("employers:signup"), form_data())
    assert response.status_code == 302
    assert response.url == reverse("employers:signup-status")
    application = EmployerApplication.objects.get()
    assert application.uscc == NEW_CODE
    assert application.contact_phone == "13800138000"
    assert application.status == ApplicationStatus.PENDING
    assert application.account.role == Role.EMPLOYER_APPLICANT
    status = client.get(reverse("employers:signup-status"))
    assert "待核实" in status.content.decode()
    told = Notification.objects.filter(kind="employer_application_submitted")
    assert list(told.values_list("user__username", flat=True)) == ["district"]


@pytest.mark.django_db
def test_the_answer_is_the_same_for_a_registered_and_an_unregistered_code(
    quick,  # noqa: ANN001
    employer_a,  # noqa: ANN001
) -> None:
    registered = Client().post(
        reverse("employers:signup"), form_data(uscc=employer_a.uscc, username="one")
    )
    fresh = Client().post(reverse("employers:signup"), form_data(username="two"))
    assert (registered.status_code, registered.url) == (fresh.status_code, fresh.url)
    assert EmployerApplication.objects.count() == 2
    # A second application for a code already applied for is taken the same way too.
    again = Client().post(reverse("employers:signup"), form_data(username="three"))
    assert (again.status_code, again.url) == (fresh.status_code, fresh.url)


@pytest.mark.django_db
def test_too_many_sign_ups_from_one_address_are_refused(quick, settings) -> None:  # noqa: ANN001
    settings.JIUYE_EMPLOYER_SIGNUPS_PER_HOUR = 1
    assert Client().post(reverse("employers:signup"), form_data()).status_code == 302
    second = Client().post(reverse("employers:signup"), form_data(username="another"))
    assert second.status_code == 429
    assert "一小时内最多可以提交1份" in _errors(second)


# --- before verification ----------------------------------------------------------------------


@pytest.mark.django_db
def test_before_verification_the_account_reaches_only_its_application(reference) -> None:  # noqa: ANN001
    application = submit()
    client = sign_in(Client(), application.account)
    for name in ("core:home", "employers:declarations", "employers:list", "jobs:postings"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url == reverse("employers:signup-status")
    assert client.get(reverse("employers:signup-status")).status_code == 200
    assert client.get(reverse("accounts:password-change")).status_code == 200


# --- the district's decisions -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_district_links_an_application_to_the_registered_employer(
    client_for,  # noqa: ANN001
    employer_a,  # noqa: ANN001
) -> None:
    application = submit(uscc=employer_a.uscc, name="东城示范企业")
    district = client_for("district")
    listing = district.get(reverse("employers:applications")).content.decode()
    assert "已登记：东城示范企业" in listing
    response = district.post(reverse("employers:application-link", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    account = application.account
    account.refresh_from_db()
    assert application.status == ApplicationStatus.VERIFIED
    assert application.employer == employer_a
    assert (account.role, account.employer, account.employer_admin) == (
        Role.EMPLOYER,
        employer_a,
        True,
    )
    assert Notification.objects.filter(user=account, kind="employer_application_verified").exists()
    client = sign_in(Client(), account)
    assert client.get(reverse("employers:detail", args=[employer_a.pk])).status_code == 200
    assert client.get(reverse("employers:unit-accounts")).status_code == 200


@pytest.mark.django_db
def test_the_district_registers_the_employer_from_the_application(client_for) -> None:  # noqa: ANN001
    application = submit()
    district = client_for("district")
    missing = district.post(reverse("employers:application-create", args=[application.pk]), {})
    assert missing.status_code == 400
    assert "请选择单位类型。" in missing.content.decode()
    response = district.post(
        reverse("employers:application-create", args=[application.pk]),
        {"kind": Employer.Kind.PRIVATE, "industry": "C"},
    )
    assert response.status_code == 302
    employer = Employer.objects.get(uscc=NEW_CODE)
    assert (employer.name, employer.region_id, employer.contact_phone) == (
        "新来的科技公司",
        TOWN_A,
        "13800138000",
    )
    application.refresh_from_db()
    assert application.employer == employer
    assert User.objects.get(pk=application.account_id).employer_admin


@pytest.mark.django_db
def test_linking_needs_a_registered_code_and_a_decision_is_taken_once(client_for) -> None:  # noqa: ANN001
    application = submit()
    district = client_for("district")
    district.post(reverse("employers:application-link", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    district.post(
        reverse("employers:application-create", args=[application.pk]), {"kind": "private"}
    )
    again = district.post(
        reverse("employers:application-refuse", args=[application.pk]), {"reason": "重复"}
    )
    assert "这份申请已经处理过了" in again.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.VERIFIED


@pytest.mark.django_db
def test_the_district_refuses_with_a_reason_the_applicant_reads(client_for) -> None:  # noqa: ANN001
    application = submit()
    district = client_for("district")
    empty = district.post(reverse("employers:application-refuse", args=[application.pk]), {})
    assert "请写明未通过的原因，申请人会看到。" in empty.content.decode()
    district.post(
        reverse("employers:application-refuse", args=[application.pk]),
        {"reason": "营业执照上的名称与填写的不一致，请核对后重新申请。"},
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED
    applicant = sign_in(Client(), application.account)
    page = applicant.get(reverse("employers:signup-status")).content.decode()
    assert "营业执照上的名称与填写的不一致" in page
    assert applicant.get(reverse("employers:declarations")).status_code == 302
    told = Notification.objects.get(user=application.account)
    assert told.kind == "employer_application_refused"


@pytest.mark.django_db
def test_a_town_officer_or_an_employer_cannot_decide(client_for) -> None:  # noqa: ANN001
    application = submit()
    for persona in ("town_a", "employer", "leader"):
        url = reverse("employers:application-link", args=[application.pk])
        assert client_for(persona).post(url).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


# --- 本单位账户 -----------------------------------------------------------------------------


@pytest.fixture
def unit_admin(personas, employer_a) -> User:  # noqa: ANN001
    application = submit(uscc=employer_a.uscc, username="unit-admin")
    signup.application_verify_link(application=application, by=personas["district"])
    return User.objects.get(pk=application.account_id)


@pytest.mark.django_db
def test_the_unit_admin_invites_a_colleague_of_its_own_unit_only(unit_admin, employer_a) -> None:  # noqa: ANN001
    client = sign_in(Client(), unit_admin)
    response = client.post(
        reverse("employers:unit-account-invite"),
        {"username": "colleague", "display_name": "小李", "role": "admin", "employer_admin": "on"},
    )
    assert response.status_code == 302
    colleague = User.objects.get(username="colleague")
    assert (colleague.role, colleague.employer, colleague.employer_admin) == (
        Role.EMPLOYER,
        employer_a,
        False,
    )
    page = client.get(reverse("employers:unit-accounts")).content.decode()
    assert "临时密码" in page and "colleague" in page
    # The password is shown once.
    assert "临时密码" not in client.get(reverse("employers:unit-accounts")).content.decode()


@pytest.mark.django_db
def test_the_unit_admin_disables_and_enables_only_its_own_units_accounts(
    unit_admin,  # noqa: ANN001
    personas,  # noqa: ANN001
    employer_b,  # noqa: ANN001
) -> None:
    client = sign_in(Client(), unit_admin)
    colleague = personas["employer"]  # of employer_a, like the admin
    url = reverse("employers:unit-account-active", args=[colleague.pk])
    client.post(url)
    colleague.refresh_from_db()
    assert not colleague.is_active
    client.post(url)
    colleague.refresh_from_db()
    assert colleague.is_active
    other, _ = user_create(username="other-unit", role=Role.EMPLOYER, employer=employer_b)
    for target in (other, personas["district"]):
        response = client.post(reverse("employers:unit-account-active", args=[target.pk]))
        assert response.status_code == 404
        target.refresh_from_db()
        assert target.is_active
    itself = client.post(reverse("employers:unit-account-active", args=[unit_admin.pk]))
    assert itself.status_code == 302
    unit_admin.refresh_from_db()
    assert unit_admin.is_active


@pytest.mark.django_db
def test_an_employer_user_who_is_not_the_admin_cannot_reach_the_page(client_for) -> None:  # noqa: ANN001
    client = client_for("employer")
    assert client.get(reverse("employers:unit-accounts")).status_code == 403
    assert client.get(reverse("employers:unit-account-invite")).status_code == 403
    assert (
        client.post(reverse("employers:unit-account-invite"), {"username": "x"}).status_code == 403
    )
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_the_admins_user_management_still_changes_roles_and_drops_the_flag(unit_admin) -> None:  # noqa: ANN001
    user_update(user=unit_admin, role=Role.LEADER, employer=None)
    unit_admin.refresh_from_db()
    assert (unit_admin.role, unit_admin.employer_id, unit_admin.employer_admin) == (
        Role.LEADER,
        None,
        False,
    )


@pytest.mark.django_db
def test_the_menu_offers_the_accounts_page_to_the_unit_admin_only(unit_admin, client_for) -> None:  # noqa: ANN001
    url = reverse("employers:unit-accounts")
    assert url in sign_in(Client(), unit_admin).get(reverse("core:home")).content.decode()
    assert url not in client_for("employer").get(reverse("core:home")).content.decode()


@pytest.mark.django_db
def test_the_login_page_links_the_sign_up(reference) -> None:  # noqa: ANN001
    page = Client().get(reverse("accounts:login")).content.decode()
    assert reverse("employers:signup") in page and "单位注册" in page


@pytest.mark.django_db
def test_the_system_administrator_makes_an_employer_user_the_unit_admin(
    client_for,  # noqa: ANN001
    personas,  # noqa: ANN001
    employer_a,  # noqa: ANN001
) -> None:
    user = personas["employer"]
    response = client_for("admin").post(
        reverse("accounts:user-edit", args=[user.pk]),
        {
            "username": user.username,
            "display_name": "人事",
            "role": Role.EMPLOYER,
            "employer": employer_a.pk,
            "employer_admin": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.employer_admin
    assert client_for("employer").get(reverse("employers:unit-accounts")).status_code == 200


@pytest.mark.django_db
def test_the_worklist_and_a_decision_page_stay_within_the_query_budget(
    client_for,  # noqa: ANN001
    employer_a,  # noqa: ANN001
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    for n in range(5):
        submit(uscc=employer_a.uscc if n % 2 else NEW_CODE, username=f"applicant-{n}")
    district = client_for("district")
    district.get(reverse("core:home"))  # the session's first request loads what it keeps
    with django_assert_max_num_queries(15):
        assert district.get(reverse("employers:applications")).status_code == 200
    application = EmployerApplication.objects.filter(uscc=employer_a.uscc).first()
    with django_assert_max_num_queries(15):
        page = district.get(reverse("employers:application", args=[application.pk]))
    assert page.status_code == 200
    assert "同一代码的其他申请" in page.content.decode()
