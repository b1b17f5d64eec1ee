"""Writes about API keys: create (the secret is returned once and stored only as a hash),
revoke, and note when a key was last used."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.accounts import services as accounts
from jiuye.accounts.models import Role, User
from jiuye.api.models import ApiKey

# Roles a key may have: the staff roles that work through data, and employers. No key acts
# as a system administrator or as one job seeker.
KEY_ROLES = (Role.DISTRICT, Role.DEPARTMENT, Role.TOWN, Role.LEADER, Role.EMPLOYER)
TOKEN_START = "jy_"
LAST_USED_EVERY = dt.timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    # The secret is 32 random bytes: a plain SHA-256 is enough (no password stretching needed,
    # nothing to guess), and it keeps each call's check cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """A token ``jy_<prefix>_<secret>`` as (prefix, secret); None when it has another shape."""
    if not token.startswith(TOKEN_START):
        return None
    prefix, sep, secret = token[len(TOKEN_START) :].partition("_")
    if not sep or len(prefix) != 8 or not secret:
        return None
    return prefix, secret


@transaction.atomic
def apikey_create(
    *,
    name: str,
    owner: User,
    role: str,
    by: User,
    expires_at: dt.datetime | None = None,
    may_reveal: bool = False,
    **binding: Any,
) -> tuple[ApiKey, str]:
    """Create a key and its account; returns the key and the full token, which is shown once
    and never stored."""
    if role not in KEY_ROLES:
        raise ValidationError({"role": _("接口密钥不能使用这个角色。")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("有效期必须晚于现在。")})
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    account, _password = accounts.user_create(
        username=f"api-{prefix}",
        role=role,
        display_name=name[:50],
        password=secrets.token_urlsafe(32),
        by=by,
        **binding,
    )
    # The account never signs in: only the key speaks for it.
    account.set_unusable_password()
    account.save(update_fields=["password"])
    key = ApiKey(
        name=name,
        owner=owner,
        account=account,
        prefix=prefix,
        secret_hash=secret_hash(secret),
        expires_at=expires_at,
        may_reveal=may_reveal,
        created_by=by,
        updated_by=by,
    )
    key.full_clean()
    key.save()
    return key, f"{TOKEN_START}{prefix}_{secret}"


@transaction.atomic
def apikey_revoke(*, key: ApiKey, by: User) -> ApiKey:
    """Revoke a key for good: its calls are refused from now on (and its account disabled)."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.revoked_by = by
        key.updated_by = by
        key.save(update_fields=["revoked_at", "revoked_by", "updated_by", "updated_at"])
        accounts.user_set_active(user=key.account, active=False)
    return key


def apikey_touch(*, key: ApiKey) -> None:
    """Remember when the key was last used (at most one write a minute per key)."""
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
