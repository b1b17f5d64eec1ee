"""View decorators for role-based access. Ownership of rows is core.scoping's job."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

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

        return wrapped

    return decorator
