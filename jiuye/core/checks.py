"""System checks that keep production from running on development secrets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from jiuye.core.crypto import parse_keyring


@register(Tags.security, deploy=True)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.FIELD_ENCRYPTION_KEYS == settings.DEV_FIELD_KEYS:
        errors.append(Error("FIELD_ENCRYPTION_KEYS uses the development key.", id="jiuye.E001"))
    if settings.BLIND_INDEX_KEY == settings.DEV_BLIND_INDEX_KEY:
        errors.append(Error("BLIND_INDEX_KEY uses the development key.", id="jiuye.E002"))
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
