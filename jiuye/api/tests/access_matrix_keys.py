"""Rows of the URL × role matrix (core/tests/test_url_matrix.py) for the API key pages. The
API's endpoints are not pages: jiuye/api/tests/walk/test_walk.py walks them with every role's
key."""

from __future__ import annotations

from typing import Any

from jiuye.core.tests.matrix import Kwargs, access


def _key(w: dict[str, Any]) -> dict[str, Any]:
    from jiuye.api.models import ApiKey
    from jiuye.api.services import apikey_create

    key = ApiKey.objects.first()
    if key is None:
        admin = w["personas"]["admin"]
        key, _token = apikey_create(name="matrix", owner=admin, role="district", by=admin)
    return {"pk": key.pk}


NONE: Kwargs = lambda w: {}  # noqa: E731

MATRIX = {
    "api:key-list": (NONE, access({"admin"})),
    "api:key-create": (NONE, access({"admin"})),
    "api:key-detail": (_key, access({"admin"})),
    "api:key-revoke": (_key, access({"admin"})),
}
