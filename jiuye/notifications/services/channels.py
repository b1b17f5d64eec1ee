"""Delivery channels behind one interface. In-app delivery is the notification row itself;
the others (e-mail, SMS) are chosen by ``settings.NOTIFICATION_CHANNELS`` and each has a
console backend for development (e-mail through Django's ``EMAIL_BACKEND``, SMS through
``settings.SMS_BACKEND``)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class Channel:
    """A way of reaching a person outside the platform."""

    name = ""

    def address(self, user: Any) -> str:
        raise NotImplementedError

    def send(self, *, user: Any, subject: str, text: str) -> bool:
        raise NotImplementedError

    def send_each(self, notifications: Sequence[Any]) -> int:
        """Deliver right away (a hand-over): one message per notification with an address."""
        sent = 0
        for n in notifications:
            text = "\n".join(part for part in (n.title, n.body, _absolute(n.url)) if part)
            sent += self.send(user=n.user, subject=n.title, text=text)
        return sent


def contact_withdrawn(user: Any) -> bool:
    """The account's person withdrew their consent to be contacted (a job seeker's sign-up
    consent, purpose "contact"): no text message or e-mail reaches them; in-app still shows.
    Read through the account's relation by name (people sits above notifications)."""
    if not getattr(user, "person_id", None):
        return False
    latest = user.person.consents.filter(purpose="contact").order_by("-given_at").first()
    return latest is not None and latest.withdrawn_at is not None


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url and base else url


class InAppChannel(Channel):
    """The notification row is the delivery: the header count and the centre show it."""

    name = "inapp"

    def address(self, user: Any) -> str:
        return str(user.pk)

    def send(self, *, user: Any, subject: str, text: str) -> bool:
        return True

    def send_each(self, notifications: Sequence[Any]) -> int:
        return len(notifications)


class EmailChannel(Channel):
    name = "email"

    def address(self, user: Any) -> str:
        return getattr(user, "email", "") or ""

    def send(self, *, user: Any, subject: str, text: str) -> bool:
        to = self.address(user)
        if not to or contact_withdrawn(user):
            return False
        try:
            return bool(send_mail(subject, text, None, [to]))
        except OSError:  # a mail server down must never undo the work that was handed over
            log.exception("notification e-mail to user %s failed", user.pk)
            return False


class ConsoleSms:
    """Development SMS gateway: writes the message to standard output."""

    def send(self, *, phone: str, text: str) -> bool:
        sys.stdout.write(f"[短信] {phone}: {text}\n")
        return True


class SmsChannel(Channel):
    """SMS through the gateway class named by ``settings.SMS_BACKEND`` (``send(phone, text)``).
    The number is the account's own mobile number (``User.phone``, set on the profile page or
    by the administrator); a user without one is skipped, and the log says so."""

    name = "sms"

    def address(self, user: Any) -> str:
        return getattr(user, "phone", "") or ""

    def send(self, *, user: Any, subject: str, text: str) -> bool:
        phone = self.address(user)
        if not phone:
            log.info("notification SMS skipped: user %s has no mobile number", user.pk)
            return False
        if contact_withdrawn(user):
            log.info("notification SMS skipped: user %s withdrew the contact consent", user.pk)
            return False
        gateway = import_string(settings.SMS_BACKEND)()
        try:
            return bool(gateway.send(phone=phone, text=text[:300]))
        except OSError:
            log.exception("notification SMS to user %s failed", user.pk)
            return False


CHANNELS: dict[str, type[Channel]] = {
    "inapp": InAppChannel,
    "email": EmailChannel,
    "sms": SmsChannel,
}


def channels(*, external: bool = True) -> list[Channel]:
    """The configured channels; ``external`` leaves out in-app (already delivered by the row)."""
    names = getattr(settings, "NOTIFICATION_CHANNELS", ["inapp"])
    return [CHANNELS[name]() for name in names if not (external and name == "inapp")]
