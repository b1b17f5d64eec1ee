"""What other apps show on a person's page: each app that keeps records about a person declares,
in its own `timeline.py`, a function giving that person's timeline entries (merged by date) and,
where it derives one, a function giving facts about the person (the employment status, from
employment records). The registries are how the registry app shows employment, services and
training without depending on those apps."""

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


@dataclass(frozen=True)
class EntryKind:
    """One kind of entry an app puts on the timeline: its code and label, written once."""

    code: str
    label: str | Promise

    def entry(self, date: dt.date, title: str, **more: Any) -> Entry:
        return Entry(date=date, kind=self.code, kind_label=self.label, title=title, **more)


def stamp(moment: dt.datetime) -> str:
    """A sort key from a moment (when a row was created or changed), to the microsecond."""
    return f"{moment:%Y%m%d%H%M%S%f}"


@dataclass(frozen=True)
class Fact:
    """One line of the person page's facts: ``label`` in the ``<dt>``, ``template`` rendered in
    the ``<dd>`` with ``context`` (the app keeps its own wording and markup)."""

    label: str | Promise
    template: str
    context: dict[str, Any]


Provider = Callable[[Any, Any], list[Entry]]
FactProvider = Callable[[Any, Any, dt.date], list[Fact]]
_PROVIDERS: list[Provider] = []
_FACT_PROVIDERS: list[FactProvider] = []
_discovered = False


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("timeline")


def provider(func: Provider) -> Provider:
    """Register ``func(person, user) -> [Entry]``; the user lets it decide what links to show."""
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def entries_for(person: Any, user: Any) -> list[Entry]:
    """Every entry about the person, newest first."""
    _discover()
    entries: list[Entry] = []
    for func in _PROVIDERS:
        entries.extend(func(person, user))
    return sorted(entries, key=lambda e: (e.date, str(e.sort_key or "")), reverse=True)


def fact_provider(func: FactProvider) -> FactProvider:
    """Register ``func(person, user, on) -> [Fact]``: what the app derives about the person on
    the day ``on``."""
    if func not in _FACT_PROVIDERS:
        _FACT_PROVIDERS.append(func)
    return func


def facts_for(person: Any, user: Any, on: dt.date) -> list[Fact]:
    """Every registered fact about the person on the day, in registration order."""
    _discover()
    facts: list[Fact] = []
    for func in _FACT_PROVIDERS:
        facts.extend(func(person, user, on))
    return facts
