from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, confirmed_totp, make_id_number
from jiuye.accounts.models import Role, User
from jiuye.core.models import AccessEvent

NON_ADMINS = ["district", "liaison", "town_a", "leader", "employer", "jobseeker"]


def _new_user_page(client: Client, **fields: str) -> str:
    """The page the new-user form answers with (display name "x" unless given)."""
    return client.post("/accounts/users/new/", {"display_name": "x", **fields}).content.decode()


def test_the_admin_lists_and_filters_users(client_for) -> None:  # noqa: ANN001
    client = client_for("admin")
    body = client.get("/accounts/users/").content.decode()
    assert ">town_a</a>" in body and ">jobseeker</a>" in body
    filtered = client.get("/accounts/users/", {"role": "town"}).content.decode()
    assert ">town_a</a>" in filtered and ">jobseeker</a>" not in filtered


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_only_the_admin_manages_users(client_for, personas, persona: str) -> None:  # noqa: ANN001
    client = client_for(persona)
    target = personas["leader"].pk
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/accounts/users/new/").status_code == 403
    assert client.post(f"/accounts/users/{target}/active/").status_code == 403
    assert client.post(f"/accounts/users/{target}/reset-2fa/").status_code == 403


def test_the_admin_creates_a_town_officer_with_a_generated_password(client_for) -> None:  # noqa: ANN001
    client = client_for("admin")
    response = client.post(
        "/accounts/users/new/",
        {"username": "new_town", "display_name": "新专干", "role": "town", "town": "440199003000"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_town")
    assert user.role == Role.TOWN and user.town_id == "440199003000"
    page = client.get(response.url).content.decode()
    assert "临时密码" in page
    password = page.split('<code class="secret">')[1].split("</code>")[0]
    assert user.check_password(password)
    assert password not in client.get(response.url).content.decode()  # shown once


def test_a_role_without_its_binding_is_refused_with_a_clear_message(client_for) -> None:  # noqa: ANN001
    client = client_for("admin")
    for role, message in [
        ("town", "必须选择所属镇街"),
        ("department", "必须选择所属部门"),
        ("employer", "必须选择所属单位"),
        ("jobseeker", "必须填写本人身份证号"),
    ]:
        body = _new_user_page(client, username=f"u_{role}", role=role)
        assert message in body
        assert "<title>错误：" in body
    assert not User.objects.filter(username__startswith="u_").exists()


def test_a_job_seeker_account_is_bound_by_id_number(client_for, person_a) -> None:  # noqa: ANN001
    client = client_for("admin")
    bad = _new_user_page(client, username="js2", role="jobseeker", person_id_number="123")
    assert "身份证号应为18位" in bad
    unknown = _new_user_page(
        client, username="js2", role="jobseeker", person_id_number=make_id_number(seq=777)
    )
    assert "登记库中没有" in unknown


def test_a_weak_or_taken_password_or_username_is_refused(client_for) -> None:  # noqa: ANN001
    client = client_for("admin")
    short = _new_user_page(client, username="x1", role="district", password="short-pw")
    assert "至少需要12个字符" in short
    common = _new_user_page(client, username="x1", role="leader", password="password1234")
    assert "error-summary" in common and not User.objects.filter(username="x1").exists()
    taken = _new_user_page(client, username="TOWN_A", role="leader")
    assert "已被使用" in taken


def test_the_admin_edits_a_role_and_old_bindings_are_cleared(client_for, personas) -> None:  # noqa: ANN001
    client = client_for("admin")
    target = personas["town_a"]
    response = client.post(
        f"/accounts/users/{target.pk}/edit/",
        {
            "username": "town_a",
            "display_name": "改为领导",
            "role": "leader",
            "town": "440199001000",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.LEADER and target.town is None


def test_disabling_an_account_ends_its_sessions_and_blocks_login(client_for, personas) -> None:  # noqa: ANN001
    officer = Client()
    officer.post("/accounts/login/", {"username": "town_b", "password": PASSWORD})
    assert officer.get("/").status_code == 200
    admin = client_for("admin")
    admin.post(f"/accounts/users/{personas['town_b'].pk}/active/")
    assert officer.get("/").status_code == 302
    again = Client().post("/accounts/login/", {"username": "town_b", "password": PASSWORD})
    assert again.status_code == 200
    admin.post(f"/accounts/users/{personas['town_b'].pk}/active/")
    assert (
        Client().post("/accounts/login/", {"username": "town_b", "password": PASSWORD}).status_code
        == 302
    )


def test_the_admin_cannot_disable_themself(client_for, personas) -> None:  # noqa: ANN001
    client = client_for("admin")
    client.post(f"/accounts/users/{personas['admin'].pk}/active/")
    personas["admin"].refresh_from_db()
    assert personas["admin"].is_active


def test_resetting_the_second_factor_removes_devices_and_is_logged(client_for, personas) -> None:  # noqa: ANN001
    confirmed_totp(personas["district"])
    client_for("admin").post(f"/accounts/users/{personas['district'].pk}/reset-2fa/")
    assert not TOTPDevice.objects.filter(user=personas["district"]).exists()
    assert AccessEvent.objects.filter(action="otp_reset").exists()


def test_resetting_a_password_shows_a_new_one_once(client_for, personas) -> None:  # noqa: ANN001
    client = client_for("admin")
    response = client.post(f"/accounts/users/{personas['leader'].pk}/reset-password/", follow=True)
    password = response.content.decode().split('<code class="secret">')[1].split("</code>")[0]
    personas["leader"].refresh_from_db()
    assert personas["leader"].check_password(password)


def test_an_unknown_user_is_a_404(client_for) -> None:  # noqa: ANN001
    assert client_for("admin").get("/accounts/users/999999/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/users/{pk}/active/",
        "/accounts/users/{pk}/reset-2fa/",
        "/accounts/users/{pk}/reset-password/",
    ],
)
def test_actions_that_change_things_refuse_get(client_for, personas, url: str) -> None:  # noqa: ANN001
    assert client_for("admin").get(url.format(pk=personas["leader"].pk)).status_code == 405


def test_profile_shows_the_account_and_its_second_factor(client_for) -> None:  # noqa: ANN001
    body = client_for("district").get("/accounts/profile/").content.decode()
    assert "区残联工作人员" in body and "已开启" in body


def test_password_change_keeps_the_session_and_checks_rules(client_for, personas) -> None:  # noqa: ANN001
    client = client_for("town_a")
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    ).content.decode()
    assert "至少需要12个字符" in weak
    done = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "A-much-better-pass-77",
            "new_password2": "A-much-better-pass-77",
        },
    )
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    personas["town_a"].refresh_from_db()
    assert personas["town_a"].check_password("A-much-better-pass-77")


def test_recovery_codes_can_be_regenerated_by_their_owner(client_for, personas) -> None:  # noqa: ANN001
    client = client_for("district")
    response = client.post("/accounts/2fa/recovery-codes/", follow=True)
    assert response.content.decode().count("<li><code>") == 10


def test_a_user_without_a_device_cannot_make_recovery_codes(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").post("/accounts/2fa/recovery-codes/", follow=True)
    assert "请先绑定身份验证器" in response.content.decode()


def test_editing_a_job_seeker_keeps_the_person_without_retyping_the_id(
    client_for, personas, person_a
) -> None:  # noqa: ANN001
    client = client_for("admin")
    target = personas["jobseeker"]
    page = client.get(f"/accounts/users/{target.pk}/edit/").content.decode()
    assert person_a.id_number not in page
    assert "留空则保持当前绑定" in page
    response = client.post(
        f"/accounts/users/{target.pk}/edit/",
        {"username": "jobseeker", "display_name": "改名", "role": "jobseeker"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.person == person_a and target.display_name == "改名"
