"""The header's unread count, the notification centre, the digest and the channels."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuye.notifications.models import Notification
from jiuye.notifications.services import Event, digest_send, notify


def _tell(user, key: str = "e1", title: str = "请审核年审申报") -> None:  # noqa: ANN001
    notify(event=Event(key=key, kind="test", title=title, url="/employers/"), recipients=[user])


def test_the_header_shows_the_unread_count_with_no_query_of_its_own(client_for, personas) -> None:  # noqa: ANN001
    _tell(personas["district"], "a")
    _tell(personas["district"], "b")
    _tell(personas["town_a"], "c")
    client = client_for("district")
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/notifications/").content.decode()
    assert "2 条未读" in body
    sqls = [q["sql"] for q in queries]
    # Counted in the statement that loads the signed-in user (accounts' backend) ...
    loads = [
        sql for sql in sqls if 'FROM "accounts_user"' in sql and "notifications_notification" in sql
    ]
    assert len(loads) == 1
    # ... and nowhere else: the centre counts only its own page of all notifications.
    unread_counts = [
        sql
        for sql in sqls
        if sql.upper().startswith("SELECT COUNT(*)")
        and "notifications_notification" in sql
        and "read_at" in sql
    ]
    assert unread_counts == []


def test_a_user_signed_in_during_the_request_is_counted_apart(personas) -> None:  # noqa: ANN001
    from types import SimpleNamespace

    from jiuye.notifications.selectors import unread_for_request

    _tell(personas["district"], "a")
    request = SimpleNamespace(user=personas["district"])  # loaded without the annotation
    assert unread_for_request(request) == 1


def test_the_header_shows_no_count_when_all_is_read(client_for, personas) -> None:  # noqa: ANN001
    body = client_for("town_a").get("/").content.decode()
    assert "条未读" not in body
    assert 'href="/notifications/"' in body


def test_the_same_event_reaches_a_person_once(personas) -> None:  # noqa: ANN001
    _tell(personas["district"], "same")
    _tell(personas["district"], "same")
    assert Notification.objects.filter(user=personas["district"]).count() == 1


def test_the_actor_and_inactive_users_are_not_told(personas) -> None:  # noqa: ANN001
    personas["town_b"].is_active = False
    personas["town_b"].save()
    notify(
        event=Event(key="x", kind="t", title="t"),
        recipients=[personas["district"], personas["town_b"], personas["admin"]],
        exclude=personas["admin"],
    )
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"district"}


def test_the_centre_lists_own_notifications_and_marks_one_read(client_for, personas) -> None:  # noqa: ANN001
    _tell(personas["liaison"], "mine", "请报送进展")
    _tell(personas["town_a"], "theirs", "别人的通知")
    client = client_for("liaison")
    body = client.get("/notifications/").content.decode()
    assert "请报送进展" in body and "别人的通知" not in body
    mine = Notification.objects.get(user=personas["liaison"])
    theirs = Notification.objects.get(user=personas["town_a"])
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    response = client.post(f"/notifications/{mine.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/employers/"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_read and not theirs.is_read
    assert "没有未读通知" in client.get("/notifications/?show=unread").content.decode()


def test_mark_all_read_touches_only_own(client_for, personas) -> None:  # noqa: ANN001
    _tell(personas["liaison"], "1")
    _tell(personas["liaison"], "2")
    _tell(personas["town_a"], "3")
    client = client_for("liaison")
    assert client.get("/notifications/read/").status_code == 405
    client.post("/notifications/read/")
    assert not Notification.objects.filter(user=personas["liaison"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=personas["town_a"], read_at__isnull=True).exists()


def test_the_digest_writes_once_per_person_with_unread(settings, personas) -> None:  # noqa: ANN001
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_DIGEST_CHANNELS = ["email"]
    personas["district"].email = "district@example.invalid"
    personas["district"].save()
    _tell(personas["district"], "1", "第一条")
    _tell(personas["district"], "2", "第二条")
    _tell(personas["town_a"], "3")  # no e-mail address: not written to, still marked
    assert digest_send() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["district@example.invalid"]
    assert "2 条未读" in message.subject and "第一条" in message.body and "第二条" in message.body
    assert digest_send() == 0  # each notification is in one digest only
    _tell(personas["district"], "4", "第三条")
    assert digest_send() == 1 and "第三条" in mail.outbox[1].body


def test_channels_deliver_a_handover_at_once_when_configured(
    settings, personas, django_capture_on_commit_callbacks, capsys
) -> None:  # noqa: ANN001
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_CHANNELS = ["inapp", "email", "sms"]
    personas["district"].email = "d@example.invalid"
    personas["district"].save()
    with django_capture_on_commit_callbacks(execute=True):
        _tell(personas["district"], "now", "岗位待审核")
    assert [m.subject for m in mail.outbox] == ["岗位待审核"]


def test_the_daily_command_runs_reminders_and_digest(personas) -> None:  # noqa: ANN001
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("notify_daily", "--today", "2024-01-05", stdout=out)
    text = out.getvalue()
    assert "digest:" in text and "follow_ups_due:" in text and "reports_due:" in text


def test_the_daily_command_refuses_a_bad_date() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="2024-12-31"):
        call_command("notify_daily", "--today", "5/1/2024")
