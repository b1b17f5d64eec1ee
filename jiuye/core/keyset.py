"""Keyset pagination: a page is "the next 50 after this sort key", so a deep page costs what
the first one costs (OFFSET makes the database build every row before the page and throw them
away). Lists of persons are ordered by (village, name, id); a list may be made of segments
walked in turn (the worklist's "not yet done first" order), each ordered by the same key.

The position travels in the address as an opaque cursor: the segment and sort key of the row
the page starts after (or ends before), the page number reached and the total if known,
encrypted and authenticated (``core.crypto``), so no name stands in a URL and a changed cursor
is refused with a message instead of an error. The total is whatever the caller knows cheaply
(the tallies), or counted once on the first page (none when the first page is the whole list)
and carried in the cursor from then on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import HttpRequest, QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from jiuye.core import crypto

CURSOR = "cursor"  # the query-string key
PERSON_KEY = ("region_id", "name", "id")


class BadCursor(ValueError):
    """A cursor that was not made by this list (changed, truncated, from another list)."""


@dataclass
class KeysetPage:
    """One page: its rows, its number, the total if known, and the cursors of its neighbours
    (as whole query strings for the links, the other parameters kept)."""

    rows: list[Any]
    number: int
    total: int | None
    size: int
    has_next: bool
    has_previous: bool
    params: QueryDict = field(default_factory=QueryDict)
    next_cursor: str = ""
    previous_cursor: str = ""
    # Set when only "more than this many" was counted (``count_cap``): no total, no last page.
    more_than: int | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def num_pages(self) -> int | None:
        if self.total is None or self.more_than is not None:
            return None
        return max(1, math.ceil(self.total / self.size))

    def _query(self, cursor: str) -> str:
        params = self.params.copy()
        params.pop(CURSOR, None)
        params.pop("page", None)
        if cursor:
            params[CURSOR] = cursor
        return params.urlencode()

    @property
    def first_query(self) -> str:
        return self._query("")

    @property
    def next_query(self) -> str:
        return self._query(self.next_cursor)

    @property
    def previous_query(self) -> str:
        return self._query(self.previous_cursor)


def encode(
    list_id: str, *, forward: bool, segment: int, key: Sequence[Any], number: int, total: int | None
) -> str:
    payload = {
        "l": list_id,
        "f": forward,
        "s": segment,
        "k": [str(v) for v in key],
        "n": number,
        "t": total,
    }
    return crypto.encrypt(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


def decode(token: str, list_id: str, *, segments: int, key_length: int) -> dict[str, Any]:
    """The cursor's contents, or BadCursor."""
    try:
        payload = json.loads(crypto.decrypt(token))
    except (crypto.DecryptionError, ValueError, TypeError) as exc:
        raise BadCursor(str(exc)) from exc
    if not isinstance(payload, dict) or payload.get("l") != list_id:
        raise BadCursor("cursor of another list")
    key, segment, number, total = (
        payload.get("k"),
        payload.get("s"),
        payload.get("n"),
        payload.get("t"),
    )
    if (
        not isinstance(key, list)
        or len(key) != key_length
        or not all(isinstance(v, str) for v in key)
        or not isinstance(segment, int)
        or not 0 <= segment < segments
        or not isinstance(number, int)
        or number < 1
        or not (total is None or (isinstance(total, int) and total >= 0))
        or not isinstance(payload.get("f"), bool)
    ):
        raise BadCursor("malformed cursor")
    return payload


def _typed(model: Any, key: Sequence[str], values: Sequence[str]) -> tuple[Any, ...]:
    try:
        return tuple(
            model._meta.get_field(name).to_python(value)
            for name, value in zip(key, values, strict=True)
        )
    except Exception as exc:  # noqa: BLE001 - any value the field refuses is a bad cursor
        raise BadCursor("bad key value") from exc


def _walk(
    segments: Sequence[QuerySet[Any]],
    key: Sequence[str],
    start: int,
    after: tuple[Any, ...] | None,
    forward: bool,
    need: int,
) -> list[tuple[int, Any]]:
    found: list[tuple[int, Any]] = []
    indexes = range(start, len(segments)) if forward else range(start, -1, -1)
    order = list(key) if forward else [f"-{name}" for name in key]
    compare = TupleGreaterThan if forward else TupleLessThan
    for i in indexes:
        qs = segments[i].order_by(*order)
        if i == start and after is not None:
            qs = qs.filter(compare(Tuple(*(F(name) for name in key)), after))
        found.extend((i, row) for row in qs[: need - len(found)])
        if len(found) >= need:
            break
    return found


def keyset_page(
    request: HttpRequest,
    segments: Sequence[QuerySet[Any]],
    *,
    list_id: str,
    size: int,
    params: QueryDict | None = None,
    total: int | None = None,
    count: Callable[[], int] | None = None,
    key: Sequence[str] = PERSON_KEY,
    count_cap: int | None = None,
) -> KeysetPage:
    """The page ``?cursor=`` asks for of the rows of ``segments`` in turn, each ordered by
    ``key`` (which must end in a unique field). ``total``: the number of rows when known
    cheaply; else ``count`` is called once, on the first page, when the page is full. With
    ``count_cap``, ``count`` need count no further than ``count_cap + 1`` (``capped_count``):
    a larger total is shown as "more than ``count_cap``". A cursor that is not this list's
    (``list_id``) says so in a message and gives the first page."""
    params = request.GET if params is None else params
    token = params.get(CURSOR, "")
    cursor = None
    if token:
        try:
            cursor = decode(token, list_id, segments=len(segments), key_length=len(key))
            after = _typed(segments[0].model, key, cursor["k"])
        except BadCursor:
            messages.warning(request, _("翻页链接无效（可能被改动或已过期），已显示第一页。"))
            cursor = None
    if cursor is not None and cursor["t"] is not None and total is None:
        total = cursor["t"]
    found: list[tuple[int, Any]] = []
    number = 1
    has_previous = has_next = False
    if cursor is not None and not cursor["f"]:
        found = _walk(segments, key, cursor["s"], after, False, size + 1)
        has_previous = len(found) > size
        found = found[:size][::-1]
        number = max(1, cursor["n"])
        has_next = True
        if not has_previous:  # back at the start (the list changed): the first page, full
            cursor, number = None, 1
    if cursor is not None and cursor["f"]:
        found = _walk(segments, key, cursor["s"], after, True, size + 1)
        has_next = len(found) > size
        found = found[:size]
        number = cursor["n"]
        has_previous = True
        if not found:  # past the end (the list changed): the first page
            cursor, number = None, 1
    if cursor is None:
        found = _walk(segments, key, 0, None, True, size + 1)
        has_next = len(found) > size
        found = found[:size]
        has_previous = False
    if total is None and count is not None:
        total = count() if (has_next or has_previous) else len(found)
    page = KeysetPage(
        rows=[row for _i, row in found],
        number=number,
        total=total,
        size=size,
        has_next=has_next,
        has_previous=has_previous,
        params=params,
    )
    if count_cap is not None and total is not None and total > count_cap:
        page.more_than = count_cap
    if found:
        first_seg, first = found[0]
        last_seg, last = found[-1]
        page.next_cursor = encode(
            list_id,
            forward=True,
            segment=last_seg,
            key=[getattr(last, k) for k in key],
            number=number + 1,
            total=total,
        )
        page.previous_cursor = encode(
            list_id,
            forward=False,
            segment=first_seg,
            key=[getattr(first, k) for k in key],
            number=max(1, number - 1),
            total=total,
        )
    return page


def capped_count(queryset: QuerySet[Any], cap: int) -> int:
    """How many rows ``queryset`` has, counted no further than ``cap + 1``: the database stops
    after that many (a town's 100,000 persons are not all read to say "more than 1,000")."""
    return queryset.order_by().values("pk")[: cap + 1].count()


class CappedPaginator(Paginator):
    """Page numbers over the first ``cap`` rows of a list: one count that stops at ``cap + 1``
    rows, and ``more_than`` (``cap``, else None) when the list is longer. For searches too
    broad to count or page through whole (the page says so and asks for a narrower one)."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int) -> None:
        super().__init__(object_list[:cap], per_page)
        self.cap = cap
        self._capped = capped_count(object_list, cap)

    @cached_property
    def count(self) -> int:
        return min(self._capped, self.cap)

    @property
    def more_than(self) -> int | None:
        return self.cap if self._capped > self.cap else None
