"""What list pages read from the query string, written once: the page, the archived switch, the
year filter, and a search that keeps ID and certificate numbers out of every address."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from jiuye.core import crypto
from jiuye.core.validators import normalize_resident_id

# The hidden field that marks a search form's POST (templates/includes/person_search.html).
SEARCH_MARK = "number_search"
# The query-string key of a stored search: ``?s=<token>`` stands for the query it maps to.
TOKEN = "s"
_SESSION_KEY = "searches"
_KEPT = 20  # stored searches per session, the most recent
_NUMBER = re.compile(r"\d{15,}")  # a whole ID (15 or 18) or certificate number, or most of one
_NOT_SENT = {"csrfmiddlewaretoken", SEARCH_MARK, TOKEN, "page", "cursor"}


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


def choices_asked(
    request: HttpRequest, *checks: tuple[str, Collection[str], Any]
) -> tuple[dict[str, str], list[str]]:
    """The filters ``(name, allowed, message)`` as the query string gives them: each value
    that is one of ``allowed``, else "" (the list shows all) and its ``message`` said."""
    chosen, errors = {}, []
    for name, allowed, message in checks:
        value = request.GET.get(name, "").strip()
        if value and value not in allowed:
            errors.append(message)
            value = ""
        chosen[name] = value
    return chosen, errors


def searched(
    request: HttpRequest, form_class: type[Any], visible: Any, search: Any, roles: Collection[str]
) -> tuple[Any, Any, bool]:
    """A search page's form (bound to the query string, or unbound), the ``visible`` records
    it finds (``search(records, **form.filters())``) and whether they are the archived ones."""
    form = form_class(request.GET or None)
    archived = archived_asked(request, roles)
    found = search(visible.filter(archived_at__isnull=not archived), **form.filters())
    return form, found, archived


def holds_number(value: str) -> bool:
    """Whether a typed value holds an ID or certificate number (or 15 digits of one), however
    it was typed: with spaces or dashes, in full-width digits."""
    return bool(_NUMBER.search(normalize_resident_id(value).replace("-", "")))


def _any_number(params: QueryDict) -> bool:
    return any(holds_number(value) for _key, values in params.lists() for value in values)


def _stash(request: HttpRequest, params: QueryDict) -> str:
    """Keep a query in the session (encrypted, like every stored number) under a new random
    token; the oldest beyond the last ``_KEPT`` are forgotten."""
    token = secrets.token_urlsafe(12)
    kept = dict(request.session.get(_SESSION_KEY, {}))
    kept[token] = crypto.encrypt(params.urlencode())
    request.session[_SESSION_KEY] = dict(list(kept.items())[-_KEPT:])
    return token


def _landing(request: HttpRequest, params: QueryDict) -> HttpResponse:
    """Redirect to the page's own address with the query: as a plain query string (a name),
    or, when any value holds a number, as an opaque token that stands for it."""
    params = params.copy()
    for key in _NOT_SENT:
        params.pop(key, None)
    if _any_number(params):
        return redirect(f"{request.path}?{urlencode({TOKEN: _stash(request, params)})}")
    return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)


def search_params(request: HttpRequest) -> QueryDict:
    """The query a search page reads: the query string itself, or for ``?s=<token>`` the query
    stored under the token, with the rest of the query string (``page``) on top."""
    token = request.GET.get(TOKEN)
    if token is None:
        return request.GET
    stored = request.session.get(_SESSION_KEY, {}).get(token)
    params = QueryDict(crypto.decrypt(stored) if stored else "", mutable=True)
    for key, values in request.GET.lists():
        if key != TOKEN:
            params.setlist(key, values)
    return params


def numbers_kept_out_of_urls(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a search page whose fields accept an ID or certificate number: the search form is
    sent by POST (with ``SEARCH_MARK``) and answered with a redirect to the page, the query
    standing in the address only when it holds no number, else as a token kept in the session
    (so paging, the back button and bookmarks work in the session). A GET that carries a number
    (an old bookmark) is answered the same way, so the number never goes back into the page's
    links. The view reads its query with ``search_params``. Put it under the access check."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and request.POST.get(SEARCH_MARK):
            return _landing(request, request.POST)
        if request.method in ("GET", "HEAD"):
            token = request.GET.get(TOKEN)
            if token is not None and token not in request.session.get(_SESSION_KEY, {}):
                messages.info(request, _("查找条件已过期（退出登录后不再保留），请重新查找。"))
                return redirect(request.path)
            if _any_number(request.GET):
                return _landing(request, search_params(request))
        return view(request, *args, **kwargs)

    return wrapped


def narrowed(rows: Any, **lookups: Any) -> Any:
    """``rows`` filtered by each lookup whose value was given (an empty filter field narrows
    nothing): ``narrowed(qs, posting=posting, status="")`` filters by posting only."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return rows.filter(**given) if given else rows
