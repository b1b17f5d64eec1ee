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


@pytest.mark.parametrize("name", ["town_a", "employer", "jobseeker"])
def test_the_second_factor_gate_asks_nothing_more_of_a_user_who_has_not_passed_it(
    name: str, client_for
) -> None:  # noqa: ANN001
    """Most town officers, employers and job seekers have no authenticator: whether they have
    one comes with the user, not in a query of its own on each of their pages."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = client_for(name)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    table = TOTPDevice._meta.db_table
    asked = [q["sql"] for q in captured if table in q["sql"]]
    assert len(asked) == 1, asked
    assert 'FROM "accounts_user"' in asked[0]


def test_a_user_with_an_authenticator_is_still_asked_for_it(client, personas) -> None:  # noqa: ANN001
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = personas["town_a"]
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/accounts/2fa/verify/"
