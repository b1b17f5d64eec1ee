"""The account's own mobile number (issue 18, SMS): normalised and checked on the profile page
and the administrator's user form; the SMS channel sends to it and skips a user without one."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError

from jiuye.accounts.models import User
from jiuye.core.phones import normalize_mobile
from jiuye.notifications.services import Event, notify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("138 1234 5678", "13812345678"), ("+86-138-1234-5678", "13812345678"), ("", "")],
)
def test_a_mobile_number_is_normalised(typed: str, kept: str) -> None:
    assert normalize_mobile(typed) == kept


@pytest.mark.parametrize("typed", ["020-12345678", "1381234567", "abc"])
def test_a_landline_or_wrong_length_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        normalize_mobile(typed)


def test_the_user_edits_their_own_number_on_the_profile_page(client_for, personas) -> None:  # noqa: ANN001
    client = client_for("jobseeker")
    response = client.post("/accounts/profile/", {"phone": "１３８ ００００ １１１１"})
    assert response.status_code == 302
    user = User.objects.get(pk=personas["jobseeker"].pk)
    assert user.phone == "13800001111"
    body = client.get("/accounts/profile/").content.decode()
    assert "现在的手机号：13800001111" in body
    bad = client.post("/accounts/profile/", {"phone": "020-12345678"}).content.decode()
    assert "<title>错误：" in bad and "手机号应为以1开头的11位数字" in bad
    user.refresh_from_db()
    assert user.phone == "13800001111"
    client.post("/accounts/profile/", {"phone": ""})
    user.refresh_from_db()
    assert user.phone == ""


def test_the_admin_sets_a_number_on_the_user_form(client_for, personas) -> None:  # noqa: ANN001
    client = client_for("admin")
    target = personas["town_a"]
    fields = {
        "username": "town_a",
        "display_name": "王专干",
        "role": "town",
        "town": "440199001000",
    }
    bad = client.post(f"/accounts/users/{target.pk}/edit/", {**fields, "phone": "12345"})
    assert "手机号（选填）" in bad.content.decode() and bad.status_code == 200
    response = client.post(
        f"/accounts/users/{target.pk}/edit/", {**fields, "phone": "139-0000-2222"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.phone == "13900002222"
    assert "13900002222" in client.get(f"/accounts/users/{target.pk}/").content.decode()
    response = client.post(
        "/accounts/users/new/",
        {**fields, "username": "town_c", "display_name": "新专干", "phone": "13700003333"},
    )
    assert User.objects.get(username="town_c").phone == "13700003333"


def test_the_sms_console_backend_sends_to_a_user_with_a_phone_only(
    settings, personas, django_capture_on_commit_callbacks, capsys, caplog
) -> None:  # noqa: ANN001
    settings.NOTIFICATION_CHANNELS = ["inapp", "sms"]
    settings.SMS_BACKEND = "jiuye.notifications.services.channels.ConsoleSms"
    with_phone, without = personas["district"], personas["town_a"]
    with_phone.phone = "13811112222"
    with_phone.save(update_fields=["phone"])
    event = Event(key="sms-test", kind="test", title="岗位待审核", url="/jobs/postings/review/")
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        notify(event=event, recipients=[with_phone, without])
    out = capsys.readouterr().out
    assert out.count("[短信]") == 1
    assert "[短信] 13811112222: 岗位待审核" in out
    assert f"user {without.pk} has no mobile number" in caplog.text


def test_no_sms_when_the_channel_is_not_enabled(
    settings, personas, django_capture_on_commit_callbacks, capsys
) -> None:  # noqa: ANN001
    settings.NOTIFICATION_CHANNELS = ["inapp"]
    personas["district"].phone = "13811112222"
    personas["district"].save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(event=Event(key="k", kind="test", title="t"), recipients=[personas["district"]])
    assert "[短信]" not in capsys.readouterr().out
