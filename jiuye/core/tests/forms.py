"""What the view tests post to a form."""

from __future__ import annotations

from typing import Any


def posted(defaults: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A form's typical ``defaults`` with ``overrides``; a field overridden with None is left
    out of the post altogether."""
    data = {**defaults, **overrides}
    return {key: value for key, value in data.items() if value is not None}
