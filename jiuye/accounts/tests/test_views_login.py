from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice

from conftest import PASSWORD, confirmed_totp, sign_in
from jiuye.accounts.middleware import LAST_SEEN, STARTED
from jiuye.accounts.services import recovery_codes_regenerate
from jiuye.core.models import AccessEvent


def current_code(device) -> str:  # noqa: ANN001
    return format(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits), "06d")


def login(client: Client, username: str, password: str = PASSWORD, **extra: str):  # noqa: ANN201
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_a_town_officer_logs_in_with_a_password_and_lands_home(personas) -> None:  # noqa: ANN001
    client = Client()
    response = login(client, "town_a")
    assert response.status_code == 302
    assert response.url == "/"
    home = client.get("/")
    assert "town_a" in home.content.decode()
    assert AccessEvent.objects.filter(action="login", username="town_a").exists()


def test_a_wrong_password_is_explained_and_logged(personas) -> None:  # noqa: ANN001
    response = login(Client(), "town_a", "wrong-password-123")
    body = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in body
    assert "<title>错误：" in body
    assert 'value="town_a"' in body  # what the user typed is kept
    assert AccessEvent.objects.filter(action="login_failed", username="town_a").count() == 1


def test_an_empty_login_form_names_the_missing_fields(personas) -> None:  # noqa: ANN001
    body = Client().post("/accounts/login/", {}).content.decode()
    assert 'href="#id_username"' in body
    assert 'aria-invalid="true"' in body


def test_five_failures_lock_the_account_for_thirty_minutes(personas) -> None:  # noqa: ANN001
    client = Client()
    for _ in range(5):
        login(client, "town_a", "wrong-password-123")
    locked = login(client, "town_a")  # even the right password is refused now
    assert locked.status_code == 429
    assert "锁定 30 分钟" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessEvent.objects.filter(action="locked_out").exists()
    # Another account is not affected.
    assert login(Client(), "town_b").status_code == 302


def test_a_district_officer_must_pass_the_second_factor(personas) -> None:  # noqa: ANN001
    device = confirmed_totp(personas["district"])
    client = Client()
    assert login(client, "district").url == "/"
    # Every page sends them to the code page until it is passed.
    assert client.get("/").url == "/accounts/2fa/verify/"
    assert client.get("/audit/changes/").url == "/accounts/2fa/verify/"
    bad = client.post("/accounts/2fa/verify/", {"token": "000000"})
    assert "验证码不正确" in bad.content.decode()
    time.sleep(1.1)  # django-otp throttles the next try after a failure
    good = client.post("/accounts/2fa/verify/", {"token": current_code(device)})
    assert good.status_code == 302
    assert client.get("/audit/changes/").status_code == 200


def test_a_recovery_code_works_once(personas) -> None:  # noqa: ANN001
    user = personas["admin"]
    confirmed_totp(user)
    codes = recovery_codes_regenerate(user=user)
    client = Client()
    login(client, "admin")
    response = client.post("/accounts/2fa/verify/", {"token": codes[0]}, follow=True)
    assert "还剩9个" in response.content.decode()
    assert AccessEvent.objects.filter(action="recovery_used", username="admin").exists()
    other = Client()
    login(other, "admin")
    assert (
        "验证码不正确" in other.post("/accounts/2fa/verify/", {"token": codes[0]}).content.decode()
    )


def test_an_admin_without_a_device_must_enrol_by_qr_code(personas) -> None:  # noqa: ANN001
    client = Client()
    login(client, "admin")
    assert client.get("/").url == "/accounts/2fa/setup/"
    page = client.get("/accounts/2fa/setup/")
    body = page.content.decode()
    assert 'src="data:image/png;base64,' in body
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=personas["admin"], confirmed=False)
    wrong = client.post("/accounts/2fa/setup/", {"token": "12345a"})
    assert "只包含数字" in wrong.content.decode()
    done = client.post("/accounts/2fa/setup/", {"token": current_code(device)})
    assert done.url == "/accounts/2fa/recovery-codes/"
    codes_page = client.get(done.url).content.decode()
    device.refresh_from_db()
    assert device.confirmed
    tokens = StaticDevice.objects.get(user=personas["admin"]).token_set.values_list(
        "token", flat=True
    )
    assert len(tokens) == 10
    assert all(t in codes_page for t in tokens)
    # Shown once only.
    assert tokens[0] not in client.get(done.url).content.decode()
    assert client.get("/").status_code == 200


def test_a_town_officer_may_turn_on_the_second_factor_and_is_then_asked_for_it(personas) -> None:  # noqa: ANN001
    client = sign_in(Client(), personas["town_a"])
    assert client.get("/accounts/2fa/setup/").status_code == 200
    confirmed_totp(personas["town_a"])
    fresh = Client()
    login(fresh, "town_a")
    assert fresh.get("/").url == "/accounts/2fa/verify/"


def test_an_idle_session_ends_after_thirty_minutes(personas) -> None:  # noqa: ANN001
    client = sign_in(Client(), personas["town_a"])
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.get("/").status_code == 302


def test_a_session_ends_after_twelve_hours_even_when_active(personas) -> None:  # noqa: ANN001
    client = sign_in(Client(), personas["town_a"])
    client.get("/")
    session = client.session
    session[STARTED] = time.time() - 12 * 3600 - 5
    session.save()
    assert client.get("/").status_code == 302


def test_logout_everywhere_ends_other_sessions(personas) -> None:  # noqa: ANN001
    phone, desk = Client(), Client()
    login(phone, "town_a")
    login(desk, "town_a")
    assert desk.get("/").status_code == 200
    phone.post("/accounts/logout/everywhere/")
    assert desk.get("/").status_code == 302
    assert AccessEvent.objects.filter(action="logout_all").exists()


def test_logout_needs_post(personas) -> None:  # noqa: ANN001
    client = sign_in(Client(), personas["town_a"])
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_next_parameter_cannot_send_users_off_site(personas) -> None:  # noqa: ANN001
    response = login(Client(), "town_a", next="https://evil.example/")
    assert response.url == "/"


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_login_page_refuses_other_methods(method: str) -> None:
    assert getattr(Client(), method)("/accounts/login/").status_code == 405
