"""Reads about accounts."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuye.accounts.models import User


def user_has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, name="recovery").first()
    return device.token_set.count() if device else 0


def people_accounts() -> QuerySet[User]:
    """Accounts of people, not the accounts API keys act as: those are managed on the key's
    own page and must never get a password (a reset here would let the key's account sign in)."""
    return User.objects.filter(api_key__isnull=True)


def users_for_admin(*, query: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    qs = (
        people_accounts()
        .select_related("department", "town", "employer", "person")
        .order_by("role", "username")
    )
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    if role:
        qs = qs.filter(role=role)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    return qs
