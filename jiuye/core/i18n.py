"""A gettext for hot loops: the same message in the same language is looked up once.

Checking 300,000 declared employees builds a dozen sentences each; Django's gettext (and even
its get_language) costs microseconds a call, which adds up to tens of seconds. Import it as
``_`` so makemessages still finds the strings, and wrap the loop in ``language_fixed()`` so the
active language is read once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.utils import translation

_UNSET = ""
_fixed: ContextVar[str | None] = ContextVar("jiuye_fixed_language", default=_UNSET)


@lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> str:
    if language is None:
        return translation.gettext(message)
    with translation.override(language):
        return translation.gettext(message)


def cached_gettext(message: str) -> str:
    language = _fixed.get()
    if language == _UNSET:
        language = translation.get_language()
    return _translated(language, message)


@contextmanager
def language_fixed() -> Iterator[None]:
    """Inside the block, cached_gettext uses the language active when it began."""
    token = _fixed.set(translation.get_language())
    try:
        yield
    finally:
        _fixed.reset(token)
