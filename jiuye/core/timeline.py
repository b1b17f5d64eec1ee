"""What other apps show on a person's page: each app that keeps records about a person declares,
in its own `timeline.py`, a function giving that person's timeline entries (merged by date) and,
where it derives one, a function giving facts about the person (the employment status, from
employment records). The registries are how the registry app shows employment, services and
training without depending on those apps.

A provider declares what it reads (``reads``: a function of the person giving named
querysets) and is handed the instances: the timeline reads every provider's querysets in one
statement (``core.together``, a ``UNION ALL``), so the page runs one query for its timeline
however many programs the person is in (ADR 0009). A provider of records that concern few
persons (the programs: charity projects, auxiliary employment, rural bases…) also declares the
models it reads, as ``(model, lookup to the person)``: the person page fetches the person
``with_presence`` (one ``EXISTS`` per declared model in the statement of the person), and a
provider that does not concern the person adds nothing to that statement. A provider without
``reads`` reads for itself (employment's, which shares its query with the employment status)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Model, OuterRef, QuerySet
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

from jiuye.core.together import read_together


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


def for_self(person: Any, user: Any) -> bool:
    """Whether the timeline is read by the person it is about (a job seeker's own pages): the
    providers then leave out what only staff read (staff notes, who handled it, records
    archived as mistakes, review flags) and keep the plain words."""
    return bool(getattr(user, "person_id", None)) and user.person_id == getattr(person, "pk", None)


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


Provider = Callable[..., list[Entry]]
# What a provider reads: named querysets of the person's rows (filtered, select_related).
Reads = Callable[[Any], dict[str, QuerySet[Any]]]
FactProvider = Callable[[Any, Any, dt.date], list[Fact]]
Concern = tuple[type[Model], str]


@dataclass(frozen=True)
class _Registered:
    func: Provider
    concerns: tuple[Concern, ...]  # empty: called for every person
    reads: Reads | None = None  # None: the provider reads for itself


_PROVIDERS: list[_Registered] = []
_FACT_PROVIDERS: list[FactProvider] = []
_discovered = False


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("timeline")


def provider(
    func: Provider | None = None,
    *,
    concerns: tuple[Concern, ...] = (),
    reads: Reads | None = None,
) -> Any:
    """Register ``func(person, user) -> [Entry]``; the user lets it decide what links to show.
    ``reads``: ``reads(person)`` gives named querysets; the provider is then called as
    ``func(person, user, rows)`` with ``rows[name]`` the instances of each, read with every
    other provider's in one statement (see ``core.together`` for what they may use).
    ``concerns``: the models the provider reads and each one's lookup to the person (e.g.
    ``((AuxMembership, "person"),)``); the provider is then called only for a person who has a
    row in one of them (see ``with_presence``)."""

    def register(func: Provider) -> Provider:
        if all(known.func is not func for known in _PROVIDERS):
            _PROVIDERS.append(_Registered(func, tuple(concerns), reads))
        return func

    return register(func) if func is not None else register


def _flag(index: int, part: int) -> str:
    return f"timeline_has_{index}_{part}"


def with_presence(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The persons annotated with whether each declared model has rows for them: one ``EXISTS``
    each, in the statement that fetches the person."""
    _discover()
    flags = {
        _flag(index, part): Exists(model._default_manager.filter(**{lookup: OuterRef("pk")}))
        for index, known in enumerate(_PROVIDERS)
        for part, (model, lookup) in enumerate(known.concerns)
    }
    return queryset.annotate(**flags)


def _concerns(index: int, known: _Registered, person: Any) -> bool:
    """Whether to call the provider: always without declared models, or for a person not
    fetched ``with_presence``; otherwise only when one of its models has a row."""
    if not known.concerns:
        return True
    return any(getattr(person, _flag(index, part), True) for part in range(len(known.concerns)))


def entries_for(person: Any, user: Any) -> list[Entry]:
    """Every entry about the person, newest first."""
    _discover()
    called = [known for index, known in enumerate(_PROVIDERS) if _concerns(index, known, person)]
    wanted: list[tuple[_Registered, str]] = []
    querysets: list[QuerySet[Any]] = []
    for known in called:
        for name, queryset in (known.reads(person) if known.reads else {}).items():
            wanted.append((known, name))
            querysets.append(queryset)
    read: dict[int, dict[str, list[Any]]] = {}
    for (known, name), rows in zip(wanted, read_together(querysets), strict=True):
        read.setdefault(id(known), {})[name] = rows
    entries: list[Entry] = []
    for known in called:
        if known.reads:
            entries.extend(known.func(person, user, read.get(id(known), {})))
        else:
            entries.extend(known.func(person, user))
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
