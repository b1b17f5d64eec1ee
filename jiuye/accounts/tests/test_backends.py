"""The user of a request comes with what it is bound to."""

from __future__ import annotations

import pytest

from jiuye.accounts.backends import UserBackend

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["town_a", "liaison", "employer", "jobseeker", "district"])
def test_the_binding_of_a_user_costs_no_query_more(
    name: str, personas, django_assert_num_queries
) -> None:  # noqa: ANN001
    with django_assert_num_queries(1):
        user = UserBackend().get_user(personas[name].pk)
        label = user.binding_label
    assert label == personas[name].binding_label


def test_an_inactive_or_missing_user_is_nobody(personas) -> None:  # noqa: ANN001
    user = personas["town_a"]
    user.is_active = False
    user.save()
    assert UserBackend().get_user(user.pk) is None
    assert UserBackend().get_user(987654) is None


def test_a_town_officers_pages_do_not_read_the_town_again(client_for, personas) -> None:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("town_a")
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    town = personas["town_a"].town_id
    # A load of the town's row (its name among the columns); the home page's figures statement
    # also starts from the town's row but reads only figures.
    alone = [
        q["sql"]
        for q in captured
        if 'FROM "reference_region"' in q["sql"]
        and town in q["sql"]
        and '"reference_region"."name"' in q["sql"]
    ]
    assert not alone, alone
