"""View decorators for role-based access. Ownership of rows is core.scoping's job."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

View = Callable[..., HttpResponse]


def roles_required(*roles: str, write: bool = False) -> Callable[[View], View]:
    """Allow only these roles (403 for others). With ``write=True`` read-only roles are refused
    even if listed, so a leader can open a page but not post to it."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if roles and user.role not in roles:
                raise PermissionDenied
            if write and request.method not in ("GET", "HEAD") and user.is_read_only:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def may_open(user: Any, url: str) -> bool:
    """Whether ``user``'s role may open the page at ``url`` (a path with or without a query),
    as far as its view's ``roles_required`` tells: a page links to another only where the
    link leads somewhere, not to a 403. Scope (which rows) is still the page's own check."""
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    roles = getattr(match.func, "allowed_roles", None)
    return not roles or user.role in roles
