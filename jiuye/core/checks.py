"""System checks that keep production from running on development secrets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from jiuye.core.crypto import parse_keyring
from jiuye.core.env import development_secrets


@register(Tags.security, deploy=True)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    in_use = development_secrets(
        settings.SECRET_KEY,
        settings.FIELD_ENCRYPTION_KEYS,
        settings.BLIND_INDEX_KEY,
        dev=settings.DEV_SECRETS,
    )
    for name in in_use:
        code = "jiuye.E002" if name == "BLIND_INDEX_KEY" else "jiuye.E001"
        errors.append(Error(f"{name} uses a development key.", id=code))
    if settings.JIUYE_ALLOW_DEMO:
        errors.append(Error("JIUYE_ALLOW_DEMO must be off in production.", id="jiuye.E003"))
    return errors


@register(Tags.security)
def check_keyring_parses(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        parse_keyring(settings.FIELD_ENCRYPTION_KEYS)
    except Exception as exc:  # noqa: BLE001 - report any configuration problem as a check
        return [Error(f"FIELD_ENCRYPTION_KEYS is invalid: {exc}", id="jiuye.E004")]
    return []
