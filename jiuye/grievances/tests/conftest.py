from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings) -> None:  # noqa: ANN001
    """Each test starts with no filings counted from its address, and with no minimum fill
    time unless it sets one (a test client submits at once)."""
    cache.clear()
    settings.JIUYE_GRIEVANCE_MIN_FILL_SECONDS = 0
