"""The role home page's content is the apps' business, and core imports no app: the app at the
top of the layers (dashboards) registers the one function that builds it, and core's home view
renders what that returns (``waiting``: counts of work with links; ``figures``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

Builder = Callable[[HttpRequest], dict[str, Any]]
_builders: list[Builder] = []


def register(builder: Builder) -> Builder:
    if builder not in _builders:
        _builders.append(builder)
    return builder


def content(request: HttpRequest) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for builder in _builders:
        found.update(builder(request))
    return found
