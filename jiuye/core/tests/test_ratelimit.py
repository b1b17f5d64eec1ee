"""core.ratelimit: counting events per key in a fixed window."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from jiuye.core import ratelimit


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_it_counts_each_key_apart_and_says_when_the_limit_is_used_up() -> None:
    assert not ratelimit.exceeded("s", "1.2.3.4", limit=2, window=60)
    assert ratelimit.hit("s", "1.2.3.4", window=60) == 1
    assert ratelimit.hit("s", "1.2.3.4", window=60) == 2
    assert ratelimit.exceeded("s", "1.2.3.4", limit=2, window=60)
    assert not ratelimit.exceeded("s", "5.6.7.8", limit=2, window=60)
    assert not ratelimit.exceeded("other", "1.2.3.4", limit=2, window=60)


def test_a_new_window_starts_from_zero(monkeypatch) -> None:  # noqa: ANN001
    now = 1_000_000.0
    monkeypatch.setattr(ratelimit.time, "time", lambda: now)
    ratelimit.hit("s", "k", window=60)
    assert ratelimit.count("s", "k", window=60) == 1
    monkeypatch.setattr(ratelimit.time, "time", lambda: now + 60)
    assert ratelimit.count("s", "k", window=60) == 0


def test_the_cache_holds_no_address_in_clear() -> None:
    ratelimit.hit("s", "203.0.113.7", window=60)
    keys = list(getattr(cache, "_cache", {}))
    assert keys and not any("203.0.113.7" in str(key) for key in keys)


def test_every_process_of_the_host_counts_into_the_same_window(settings, tmp_path) -> None:  # noqa: ANN001
    # The shipped setting: a file cache. A second process opens its own cache object on the
    # same folder and sees the first one's count.
    from django.core.cache.backends.filebased import FileBasedCache

    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "limits"),
        },
    }
    ratelimit.hit("api", "key-1", window=60)
    ratelimit.hit("api", "key-1", window=60)
    other_process = FileBasedCache(str(tmp_path / "limits"), {})
    assert other_process.get(ratelimit._key("api", "key-1", 60)) == 2


def test_the_shipped_settings_keep_the_counts_in_a_file_cache() -> None:
    from importlib import import_module

    shipped = import_module("config.settings").CACHES["limits"]
    assert shipped["BACKEND"].endswith("FileBasedCache")
