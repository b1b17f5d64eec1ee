"""What every endpoint of the API shares: who is calling (a key or a signed-in browser),
RFC 9457 problem answers, keyset pagination with ``updated_since``, the per-key rate limit and
the access-log entry of every call."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AuthRateThrottle

from jiuye.api import selectors, services
from jiuye.core.audit import access_log
from jiuye.core.models import AccessEvent
from jiuye.core.ratelimit import limits_cache

PROBLEM = "application/problem+json"


# --- who is calling -------------------------------------------------------------------------


class KeyAuth(HttpBearer):
    """``Authorization: Bearer jy_<prefix>_<secret>``: no session, no CSRF. The call then runs
    as the key's account, so scoping, roles and services see an ordinary user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = selectors.key_for_token(token)
        if key is None:
            return None
        request.user = key.account
        request.api_key = key  # type: ignore[attr-defined]
        services.apikey_touch(key=key)
        return key


class BrowserAuth(SessionAuth):
    """A signed-in browser may call the API too; its writes need the CSRF token (checked by
    ninja's cookie authentication)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        # The session's second factor must have been passed, as for any page.
        if user.is_authenticated and (user.is_verified() or not user.second_factor_required):
            return user
        return None


class KeyRateThrottle(AuthRateThrottle):
    """JIUYE_API_RATE_PER_MINUTE calls per minute for each key (or signed-in user), read at each
    call so the setting applies without a restart of the module."""

    def __init__(self) -> None:
        super().__init__(f"{settings.JIUYE_API_RATE_PER_MINUTE}/m")

    def allow_request(self, request: HttpRequest) -> bool:
        self.num_requests, self.duration = self.parse_rate(
            f"{settings.JIUYE_API_RATE_PER_MINUTE}/m"
        )
        return super().allow_request(request)

    @property
    def cache(self) -> Any:  # noqa: D102 - ninja's throttle reads self.cache
        # One count per key for every process of the host (core.ratelimit's cache).
        return limits_cache()

    def get_cache_key(self, request: HttpRequest) -> str:
        key = getattr(request, "api_key", None)
        ident = f"key-{key.prefix}" if key is not None else f"user-{request.user.pk}"
        return self.cache_format % {"scope": "api", "ident": ident}


# --- problem answers (RFC 9457) -------------------------------------------------------------


def problem(status: int, title: Any, detail: Any = "", **extra: Any) -> HttpResponse:
    body = {"type": "about:blank", "status": status, "title": str(title), **extra}
    if detail:
        body["detail"] = str(detail)
    return JsonResponse(
        body, status=status, content_type=PROBLEM, json_dumps_params={"ensure_ascii": False}
    )


def validation_messages(error: ValidationError) -> list[dict[str, str]]:
    """A Django ValidationError as a list of {field, message}."""
    if hasattr(error, "error_dict"):
        return [
            {"field": field, "message": str(message)}
            for field, errors in error.message_dict.items()
            for message in errors
        ]
    return [{"field": "", "message": str(m)} for m in error.messages]


# --- keyset pagination ----------------------------------------------------------------------


class BadParameter(Exception):
    """A query parameter the API cannot use; answered 400 naming it."""

    def __init__(self, name: str, message: Any) -> None:
        self.name = name
        self.message = message
        super().__init__(f"{name}: {message}")


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.datetime) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise BadParameter(
            "cursor", _("cursor 参数无效：请使用上一页返回的 next_cursor 原样传入。")
        )
    return [str(v) for v in values]


def parse_since(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value.replace(" ", "+"))
    if parsed is None:
        raise BadParameter(
            "updated_since",
            _("updated_since 参数无效：请使用 ISO 8601 时间，例如 2026-01-31T08:00:00+08:00。"),
        )
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def limit_of(value: int | None) -> int:
    top = settings.JIUYE_API_MAX_LIMIT
    if value is None:
        return min(100, top)
    if value < 1:
        raise BadParameter("limit", _("limit 参数至少为 1。"))
    return min(value, top)


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    serialize: Callable[[Any], dict[str, Any]],
    *,
    cursor: str | None,
    limit: int | None,
    updated_since: str | None = None,
    order: tuple[str, str] = ("updated_at", "id"),
    personal: bool = False,
) -> dict[str, Any]:
    """One page of ``queryset`` in ``order`` (a column and a unique tie-breaker) after the
    opaque ``cursor``; with ``updated_since``, only rows changed at or after it (the order is
    then the sync order: a client stores the last page's cursor, or the newest ``updated_at``
    it saw, and asks again later)."""
    size = limit_of(limit)
    first, tie = order
    since = parse_since(updated_since)
    if since is not None:
        queryset = queryset.filter(**{f"{first}__gte": since})
    if cursor:
        after_first, after_tie = decode_cursor(cursor, 2)
        if first == "updated_at":
            parsed = parse_datetime(after_first)
            if parsed is None:
                raise BadParameter(
                    "cursor", _("cursor 参数无效：请使用上一页返回的 next_cursor 原样传入。")
                )
            after_first = parsed
        queryset = queryset.filter(
            Q(**{f"{first}__gt": after_first}) | Q(**{first: after_first, f"{tie}__gt": after_tie})
        )
    rows = list(queryset.order_by(first, tie)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = (
        encode_cursor([getattr(rows[-1], first), getattr(rows[-1], tie)]) if more else None
    )
    note_rows(request, len(rows), personal=personal)
    return {"items": [serialize(row) for row in rows], "next_cursor": next_cursor}


# --- the access log of calls ----------------------------------------------------------------


def note_rows(
    request: HttpRequest,
    count: int,
    *,
    personal: bool,
    revealed: bool = False,
    reason: str = "",
    kind: str = "",
) -> None:
    """Tell the call's log entry how many rows it returned and whether they are personal data
    (then the call is logged like an export; ``revealed`` when full ID numbers went out, for
    ``reason``)."""
    request.api_rows = count  # type: ignore[attr-defined]
    request.api_personal = personal  # type: ignore[attr-defined]
    request.api_revealed = revealed  # type: ignore[attr-defined]
    request.api_reason = reason  # type: ignore[attr-defined]
    request.api_kind = kind  # type: ignore[attr-defined]


def may_reveal(request: HttpRequest) -> bool:
    """Whether the caller may receive full ID numbers: a key marked so by the administrator, a
    signed-in browser of a role that may reveal a number on the person page."""
    from jiuye.people.services.person import REVEAL_ROLES

    key = getattr(request, "api_key", None)
    if key is not None:
        return bool(key.may_reveal)
    return request.user.role in REVEAL_ROLES


def etag(version: int) -> str:
    return f'W/"{version}"'


def logged(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an endpoint's Django view: refuse bodies over the limit, answer in the language of
    Accept-Language (or the language switch's cookie), and write one access-log entry per call
    (key, endpoint, method, status, rows returned)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            started = time.monotonic()
            response = _within_limits(request) or view(request, *args, **kwargs)
            response.headers["Content-Language"] = language
            _log_call(request, response, time.monotonic() - started)
        return response

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]  # ninja checks CSRF for sessions
    return wrapped


def _within_limits(request: HttpRequest) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.JIUYE_API_MAX_BODY_BYTES:
        return problem(
            413,
            _("请求内容太大"),
            _("请求内容不能超过 %(n)d 字节，请分批提交。")
            % {"n": settings.JIUYE_API_MAX_BODY_BYTES},
        )
    return None


def _log_call(request: HttpRequest, response: HttpResponse, seconds: float) -> None:
    key = getattr(request, "api_key", None)
    user = request.user if request.user.is_authenticated else None
    personal = getattr(request, "api_personal", False) and response.status_code < 400
    detail = {
        "api": True,
        "key": key.prefix if key is not None else "",
        "endpoint": request.path,
        "method": request.method,
        "status": response.status_code,
        "rows": getattr(request, "api_rows", 0),
        "ms": round(seconds * 1000),
    }
    if personal:
        detail["revealed"] = getattr(request, "api_revealed", False)
        if getattr(request, "api_kind", ""):
            detail["kind"] = request.api_kind  # the same kind as the page's export
    access_log(
        action=AccessEvent.Action.EXPORT if personal else AccessEvent.Action.API,
        request=request,
        user=user,
        reason=getattr(request, "api_reason", "") if personal else "",
        detail=detail,
    )


def wrap_patterns(patterns: Iterable[Any]) -> list[Any]:
    """The API's URL patterns with every endpoint ``logged`` (the docs page and the schema
    are not calls on data and stay as they are)."""
    from django.urls import URLPattern

    wrapped = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name not in ("openapi-json", "openapi-view"):
            pattern = URLPattern(
                pattern.pattern, logged(pattern.callback), pattern.default_args, pattern.name
            )
        wrapped.append(pattern)
    return wrapped


def model_label(model: type[Model]) -> str:
    return str(model._meta.verbose_name)
