"""Figures kept as last computed, for pages that count a whole district on every view (ADR 0015).

A page names a builder (a function of plain arguments returning JSON-able data, by dotted path)
and asks ``kept`` for its data: one query reads the row the builder last wrote. A missing row is
built at once; a row older than ``JIUYE_FIGURES_MAX_AGE`` seconds is served as it is, with its
time, while one background task builds it again (``refresh_task``). With the setting at 0 every
view builds afresh, as before. ``refresh`` builds and writes at once (the command, the nightly
run, a test).

Counts kept per village (``core.tallies``) may be shown as last counted while an import's
recount is under way. A build in the background waits for that recount; a build in a request
(the first view) does not, and its row keeps when those counts were made
(``stale_counts_at``): the page says so, and the row is rebuilt in the background at once.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from jiuye.core import tallies
from jiuye.core.models import KeptFigures

# A refresh queued this long ago and not written is taken to have died: the next view queues one.
REFRESH_TIMEOUT = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Kept:
    data: dict[str, Any]
    made_at: dt.datetime
    took_ms: int
    fresh: bool  # younger than the page's maximum age
    refreshing: bool  # a background refresh is queued or running
    # The figures include counts made then and shown while a recount was under way.
    stale_counts_at: dt.datetime | None = None

    @property
    def max_age_minutes(self) -> int:
        return max(1, round(max_age() / 60))


def max_age() -> int:
    return int(getattr(settings, "JIUYE_FIGURES_MAX_AGE", 300))


def scope_of(builder: str, args: dict[str, Any]) -> str:
    """The row's key: the builder and its arguments, in a stable order."""
    return f"{builder}:{json.dumps(args, sort_keys=True, separators=(',', ':'))}"


def _build(
    builder: str, args: dict[str, Any], *, wait: bool
) -> tuple[dict[str, Any], int, dt.datetime | None]:
    """The builder's data, how long it took, and when the oldest counts it was shown as last
    counted were made (None: every count up to date; always None with ``wait``)."""
    build: Callable[..., dict[str, Any]] = import_string(builder)
    started = time.perf_counter()
    with tallies.reading(wait=wait) as read:
        data = build(**args)
    return data, round((time.perf_counter() - started) * 1000), read.counted_at


def _write(
    scope: str,
    data: dict[str, Any],
    made_at: dt.datetime,
    took_ms: int,
    stale_counts_at: dt.datetime | None,
) -> None:
    """Insert or replace the row (one statement, safe when two builds race)."""
    row = KeptFigures(
        scope=scope, data=data, made_at=made_at, took_ms=took_ms, stale_counts_at=stale_counts_at
    )
    KeptFigures.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["scope"],
        update_fields=["data", "made_at", "took_ms", "refreshing_since", "stale_counts_at"],
    )


def refresh(builder: str, args: dict[str, Any], *, wait: bool = True) -> Kept:
    """Build the figures now and keep them. ``wait``: wait for a recount of the village counts
    under way (the background, the command); a request's build does not, and when it was shown
    counts waiting for their recount, queues the background rebuild at once."""
    made_at = timezone.now()
    data, took_ms, stale_counts_at = _build(builder, args, wait=wait)
    # The JSON the row will hold, so a fresh build reads exactly as a kept one.
    data = json.loads(json.dumps(data))
    _write(scope_of(builder, args), data, made_at, took_ms, stale_counts_at)
    queued = stale_counts_at is not None and queue_refresh(builder, args)
    return Kept(data, made_at, took_ms, stale_counts_at is None, queued, stale_counts_at)


def kept(builder: str, args: dict[str, Any]) -> Kept:
    """The builder's figures for ``args``: as kept (one query), built at once when there are
    none or the maximum age is 0, and queued for a background rebuild when older than it."""
    limit = max_age()
    scope = scope_of(builder, args)
    row = (
        KeptFigures.objects.filter(scope=scope)
        .values("pk", "data", "made_at", "took_ms", "refreshing_since", "stale_counts_at")
        .first()
    )
    if row is None or limit <= 0:
        return refresh(builder, args, wait=False)
    now = timezone.now()
    stale = row["stale_counts_at"]
    if stale is None and now - row["made_at"] <= dt.timedelta(seconds=limit):
        return Kept(row["data"], row["made_at"], row["took_ms"], True, False)
    refreshing = row["refreshing_since"] is not None and (
        now - row["refreshing_since"] < REFRESH_TIMEOUT
    )
    if not refreshing:
        queue_refresh(builder, args, pk=row["pk"], now=now)
    return Kept(row["data"], row["made_at"], row["took_ms"], False, True, stale)


def queue_refresh(
    builder: str, args: dict[str, Any], *, pk: int | None = None, now: dt.datetime | None = None
) -> bool:
    """Queue one background rebuild unless one is already queued (the row's mark, set by a
    conditional UPDATE, so two viewers queue it once). Returns whether this call queued it."""
    now = now or timezone.now()
    rows = (
        KeptFigures.objects.filter(pk=pk)
        if pk
        else KeptFigures.objects.filter(scope=scope_of(builder, args))
    )
    claimed = rows.filter(
        Q(refreshing_since__isnull=True) | Q(refreshing_since__lt=now - REFRESH_TIMEOUT)
    ).update(refreshing_since=now)
    if claimed:
        refresh_task.enqueue(builder=builder, args=args)
    return bool(claimed)


def download_notes(found: Kept) -> list[str]:
    """What a download of kept figures says above its table, as the page says above its own:
    when they were counted, and which were counts from before a recount under way."""

    def minute(moment: dt.datetime) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

    lines = [_("数字统计于 %(t)s。") % {"t": minute(found.made_at)}]
    if found.stale_counts_at is not None:
        when = minute(found.stale_counts_at)
        lines.append(
            _(
                "部分村（社区）刚有人员变动，正在后台重新统计。其中走访覆盖的人数（行动五、行动十的"
                "指标）是 %(t)s 统计的，可能还不含这些变动；稍后重新下载可得到最新数字。"
            )
            % {"t": when}
        )
    return lines


def same_query(path: str, request: HttpRequest) -> str:
    """``path`` with the request's query string, if it has one (a page and its refresh share
    the year, town and indicator chosen)."""
    query = request.GET.urlencode()
    return f"{path}?{query}" if query else path


def refresh_asked(request: HttpRequest, builder: str, args: dict[str, Any]) -> None:
    """A page's "立即重新统计": queue the rebuild (once) and say so to the viewer."""
    if queue_refresh(builder, args):
        messages.success(request, _("已开始重新统计，完成后刷新本页即可看到最新数字。"))
    else:
        messages.info(request, _("正在重新统计中，请稍后刷新本页。"))


@task()
def refresh_task(builder: str, args: dict[str, Any]) -> int:
    """Rebuild kept figures (by the task worker; at once in tests), waiting for a recount of
    the village counts under way. Returns the build's ms."""
    return refresh(builder, args, wait=True).took_ms
