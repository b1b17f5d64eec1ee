from __future__ import annotations

import pytest

from jiuye.core.access import may_open


@pytest.mark.django_db
def test_a_link_is_offered_only_where_the_role_may_open_the_page(personas) -> None:  # noqa: ANN001
    statistics = "/employers/statistics/?year=2024"
    assert may_open(personas["district"], statistics)
    assert may_open(personas["leader"], statistics)
    # A town officer may not open the agencies' statistics (403), so no link leads there.
    assert not may_open(personas["town_a"], statistics)
    assert not may_open(personas["district"], "/no/such/page/")
