from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jiuye.core.env import env_bool, env_int, env_list, env_secret
from jiuye.core.logging import MaskPersonalDataFilter, scrub

ROOT = Path(__file__).resolve().parents[3]


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-a-real-production-secret-key-with-enough-entropy-9f8e7d6c",
        FIELD_ENCRYPTION_KEYS="k2026:" + base64.b64encode(os.urandom(32)).decode(),
        BLIND_INDEX_KEY=base64.b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="jiuye.example.gov.cn",
        JIUYE_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_settings(tmp_path: Path) -> None:
    result = _check(_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_development_keys(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["FIELD_ENCRYPTION_KEYS"]
    result = _check(env)
    assert result.returncode != 0
    assert "still use a published development value: FIELD_ENCRYPTION_KEYS (dev1)" in result.stderr


def test_production_refuses_demo_accounts(tmp_path: Path) -> None:
    env = _production_env(tmp_path) | {"JIUYE_ALLOW_DEMO": "true"}
    result = _check(env)
    assert result.returncode != 0
    assert "jiuye.E003" in result.stdout + result.stderr


def test_env_helpers_read_typed_values_and_fail_loudly(monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    secret = tmp_path / "s"
    secret.write_text("from-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    assert env_secret("X_SECRET") == "from-file"
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "4x")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 0)


def test_logs_never_carry_id_or_phone_numbers() -> None:
    assert scrub("person 44019919900307123X called 13812345678") == (
        "person 440***********123X called 138****5678"
    )
    record = logging.LogRecord("x", logging.INFO, "f", 1, "id=%s", ("44019919900307123X",), None)
    MaskPersonalDataFilter().filter(record)
    assert "44019919900307123X" not in record.getMessage()


def test_signed_in_pages_are_never_cached_and_carry_a_strict_csp(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").get("/")
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp


def test_an_empty_variable_counts_as_unset(monkeypatch) -> None:  # noqa: ANN001
    # sample.env leaves most values empty: that must not turn HTTPS redirects off.
    monkeypatch.setenv("X_EMPTY", "")
    assert env_bool("X_EMPTY", True) is True
    assert env_secret("X_EMPTY", "dflt") == "dflt"
    assert env_list("X_EMPTY", ["a"]) == ["a"]


def test_the_page_is_chinese_even_when_the_browser_asks_for_english(client) -> None:  # noqa: ANN001
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-Hans">' in body


def test_choosing_english_with_the_switch_sticks(client) -> None:  # noqa: ANN001
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in body


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        # The development key beside a real one (the first key encrypts: it would be the dev one).
        ("FIELD_ENCRYPTION_KEYS", "dev1:{dev_field},k2026:{real}"),
        # The development key under another id.
        ("FIELD_ENCRYPTION_KEYS", "k2026:{dev_field}"),
        # The blind-index development key used as an encryption key, and the other way round.
        ("FIELD_ENCRYPTION_KEYS", "k2026:{dev_blind}"),
        ("BLIND_INDEX_KEY", "{dev_field}"),
    ],
)
def test_production_refuses_a_development_key_anywhere_in_a_key_setting(
    tmp_path: Path, variable: str, value: str
) -> None:
    from config.settings import DEV_BLIND_INDEX_KEY, DEV_FIELD_KEYS

    env = _production_env(tmp_path)
    env[variable] = value.format(
        dev_field=DEV_FIELD_KEYS.partition(":")[2],
        dev_blind=DEV_BLIND_INDEX_KEY,
        real=base64.b64encode(os.urandom(32)).decode(),
    )
    result = _check(env)
    assert result.returncode != 0
    assert "still use a published development value" in result.stderr
    assert variable in result.stderr.rpartition("development value:")[2]


def test_the_deploy_check_names_each_development_key_in_use() -> None:
    from config.settings import DEV_SECRETS
    from jiuye.core.env import development_secrets

    dev_field = DEV_SECRETS["FIELD_ENCRYPTION_KEYS"].partition(":")[2]
    real = base64.b64encode(b"r" * 32).decode()
    assert development_secrets(
        DEV_SECRETS["SECRET_KEY"], f"k1:{real},old:{dev_field}", real, dev=DEV_SECRETS
    ) == ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS (old)"]
    assert development_secrets("s" * 50, f"k1:{real}", real, dev=DEV_SECRETS) == []


def test_logs_mask_numbers_after_letters_and_in_django_own_lines() -> None:
    id_number = "44019919900307123X"
    assert id_number not in scrub(f"GET /people/?q%3D{id_number}&page=2")
    assert id_number not in scrub(f"cert={id_number}42&x")
    # Django's "Not Found" line and runserver's request line go through the mask too.
    for name in ("django", "django.request", "django.server"):
        handlers = []
        logger = logging.getLogger(name)
        while logger is not None:
            handlers += logger.handlers
            logger = logger.parent if logger.propagate else None
        assert handlers, name
        for handler in handlers:
            if type(handler) is not logging.StreamHandler:
                continue  # pytest's own capture handlers
            assert any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters), (
                name,
                handler,
            )
