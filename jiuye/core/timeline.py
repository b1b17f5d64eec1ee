"""A person's timeline: each app that keeps records about a person declares, in its own
`timeline.py`, a function giving that person's entries; the person page merges them by date.
The registry is how the registry app shows employment, services and training without
depending on those apps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Entry:
    date: dt.date
    kind: str  # a short code the template styles: "employment", "service", "needs", …
    kind_label: str | Promise  # shown before the title: "就业", "服务"…
    title: str
    detail: str = ""
    url: str = ""
    archived: bool = False
    sort_key: Any = None  # breaks ties between entries of the same date (newest first)


Provider = Callable[[Any, Any], list[Entry]]
_PROVIDERS: list[Provider] = []
_discovered = False


def provider(func: Provider) -> Provider:
    """Register ``func(person, user) -> [Entry]``; the user lets it decide what links to show."""
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def entries_for(person: Any, user: Any) -> list[Entry]:
    """Every entry about the person, newest first."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("timeline")
    entries: list[Entry] = []
    for func in _PROVIDERS:
        entries.extend(func(person, user))
    return sorted(entries, key=lambda e: (e.date, str(e.sort_key or "")), reverse=True)
