"""Writes to accounts: creating and changing users, second factors, ending sessions."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuye.accounts.models import Role, User
from jiuye.core.audit import access_log, created_fresh
from jiuye.core.models import AccessEvent

RECOVERY_CODE_COUNT = 10
# No look-alike characters, so codes read aloud or typed from paper come out right.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

BINDING_FIELDS = {
    Role.DEPARTMENT: "department",
    Role.TOWN: "town",
    Role.EMPLOYER: "employer",
    Role.JOBSEEKER: "person",
}


def clear_other_bindings(user: User) -> None:
    # Only system administrators may open the Django admin (as a fallback tool).
    user.is_staff = user.is_superuser = user.role == Role.ADMIN
    if user.role != Role.EMPLOYER:
        user.employer_admin = False
    keep = BINDING_FIELDS.get(user.role)
    for field in BINDING_FIELDS.values():
        if field != keep:
            setattr(user, field, None)


def temporary_password() -> str:
    """A one-off password for a new account or a reset: 16 characters, easy to type."""
    return "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(4))


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    display_name: str = "",
    password: str | None = None,
    email: str = "",
    phone: str = "",
    by: User | None = None,
    **binding: Any,
) -> tuple[User, str]:
    """Create an account; returns it with the initial password (generated when not given)."""
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        email=email,
        phone=phone,
        **binding,
    )
    clear_other_bindings(user)
    password = password or temporary_password()
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    created_fresh(user).save()
    return user, password


@transaction.atomic
def user_update(*, user: User, by: User | None = None, **fields: Any) -> User:
    changed = []
    for name, value in fields.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if "role" in changed or any(f in changed for f in BINDING_FIELDS.values()):
        clear_other_bindings(user)
        changed = sorted(
            set(changed)
            | set(BINDING_FIELDS.values())
            | {"is_staff", "is_superuser", "employer_admin"}
        )
    if changed:
        user.full_clean()
        user.save(update_fields=changed)
    return user


def user_set_active(*, user: User, active: bool) -> User:
    user.is_active = active
    if not active:
        # Disabling an account also ends the sessions it has open.
        user.security_stamp = uuid.uuid4()
    user.save(update_fields=["is_active", "security_stamp"])
    return user


def user_reset_password(*, user: User) -> str:
    password = temporary_password()
    user.set_password(password)
    user.security_stamp = uuid.uuid4()
    user.save(update_fields=["password", "security_stamp"])
    return password


@transaction.atomic
def second_factor_reset(*, user: User, request: HttpRequest | None = None) -> None:
    """Remove every second factor of a user (lost phone); they enrol again at next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.security_stamp = uuid.uuid4()
    user.save(update_fields=["security_stamp"])
    access_log(
        action=AccessEvent.Action.OTP_RESET,
        request=request,
        obj=user,
        detail={"target": user.username},
    )


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed device an enrolment page shows as a QR code (one per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="totp", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm an enrolment with a code from the app; returns fresh recovery codes."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_regenerate(user=device.user)


@transaction.atomic
def recovery_codes_regenerate(*, user: User, codes: list[str] | None = None) -> list[str]:
    """Replace the user's recovery codes. Each works once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.token_set.all().delete()
    if codes is None:
        codes = [
            "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
            for _ in range(RECOVERY_CODE_COUNT)
        ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def sessions_end_all(*, user: User) -> None:
    """Log the user out on every device by changing what their session hash depends on."""
    user.security_stamp = uuid.uuid4()
    user.save(update_fields=["security_stamp"])
