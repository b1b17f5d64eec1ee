"""Reads about API keys."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet

from jiuye.api.models import ApiKey
from jiuye.api.services import secret_hash, split_token


def keys_for_admin() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related(
        "owner", "account", "account__department", "account__town", "account__employer"
    ).order_by("revoked_at", "-created_at")


def key_for_token(token: str) -> ApiKey | None:
    """The usable key this token belongs to, or None (unknown, wrong secret, revoked,
    expired). The secret is compared in constant time."""
    parts = split_token(token.strip())
    if parts is None:
        return None
    prefix, secret = parts
    key = (
        ApiKey.objects.select_related("account", "account__department", "account__town")
        .filter(prefix=prefix)
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, secret_hash(secret)):
        return None
    if not key.is_usable or not key.account.is_active:
        return None
    return key
