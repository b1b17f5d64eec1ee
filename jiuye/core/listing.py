"""What list pages read from the query string, written once: the page, the archived switch and
the year filter."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _


def page_of(request: HttpRequest, rows: Any, size: int) -> Page:
    """The page of ``rows`` that ``?page=`` asks for (the last one past the end, the first one
    for a value that is not a number)."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


def archived_asked(request: HttpRequest, roles: Collection[str]) -> bool:
    """``?archived=1`` lists archived records instead, for ``roles`` only."""
    return request.GET.get("archived") == "1" and request.user.role in roles


def year_asked(request: HttpRequest) -> tuple[int | None, str]:
    """``?year=`` as a year from 2000 to 2100, or None and why it was ignored."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return None, ""
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw), ""
    return None, _("年度请填写四位数字，例如 2025；已显示全部年度。")


def searched(
    request: HttpRequest, form_class: type[Any], visible: Any, search: Any, roles: Collection[str]
) -> tuple[Any, Any, bool]:
    """A search page's form (bound to the query string, or unbound), the ``visible`` records
    it finds (``search(records, **form.filters())``) and whether they are the archived ones."""
    form = form_class(request.GET or None)
    archived = archived_asked(request, roles)
    found = search(visible.filter(archived_at__isnull=not archived), **form.filters())
    return form, found, archived


def narrowed(rows: Any, **lookups: Any) -> Any:
    """``rows`` filtered by each lookup whose value was given (an empty filter field narrows
    nothing): ``narrowed(qs, posting=posting, status="")`` filters by posting only."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return rows.filter(**given) if given else rows
