"""Typed readers for settings taken from the environment.

Each helper fails loudly on a value it cannot read, so a typo in production configuration
stops the process at start-up instead of silently falling back to a default. An empty value
counts as unset (sample.env lists every variable with most left empty).
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value


def env_str(name: str, default: str = "") -> str:
    raw = _raw(name)
    return default if raw is None else raw


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _raw(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/K8s secrets)."""
    path = _raw(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to an unreadable file: {path}") from exc
    return env_str(name, default)


def _key_bytes(text: str) -> bytes:
    """The bytes of a base64 key, or of the text itself when it is not base64."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return text.strip().encode()


def development_secrets(
    secret_key: str, field_keys: str, blind_index_key: str, *, dev: dict[str, str]
) -> list[str]:
    """Which secrets are (or contain) a published development value.

    ``dev`` maps SECRET_KEY, FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY to their development
    defaults. Every key of the field keyring is compared by its bytes, whatever its id, so a
    keyring that adds a real key beside the development one (or re-labels it) is refused too,
    and the two key settings may not borrow each other's development value.
    """
    known = {_key_bytes(text.partition(":")[2]) for text in dev["FIELD_ENCRYPTION_KEYS"].split(",")}
    known.add(_key_bytes(dev["BLIND_INDEX_KEY"]))
    found = []
    if secret_key.strip() == dev["SECRET_KEY"]:
        found.append("SECRET_KEY")
    for part in field_keys.split(","):
        kid, _sep, text = part.strip().partition(":")
        if text and _key_bytes(text) in known:
            found.append(f"FIELD_ENCRYPTION_KEYS ({kid})")
    if _key_bytes(blind_index_key) in known:
        found.append("BLIND_INDEX_KEY")
    return found
