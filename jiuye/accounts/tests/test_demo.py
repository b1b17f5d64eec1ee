from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jiuye.accounts.demo import ACCOUNTS, DEMO_PASSWORD, demo_recovery_codes
from jiuye.accounts.models import Role, User


def run_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_gives_one_account_per_role_and_is_idempotent(reference, settings) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    first = run_demo()
    assert "created 9" in first  # one per role; the applicant from people's seeder
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for code in demo_recovery_codes("admin"):
        assert code in first
    count = User.objects.count()
    second = run_demo()
    assert "created 0, unchanged 9" in second
    assert User.objects.count() == count


def test_a_newcomer_logs_in_as_admin_with_a_printed_recovery_code(reference, settings) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    run_demo()
    client = Client()
    client.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD})
    response = client.post("/accounts/2fa/verify/", {"token": demo_recovery_codes("admin")[0]})
    assert response.status_code == 302
    assert client.get("/accounts/users/").status_code == 200


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.username)
def test_every_demo_account_can_sign_in(reference, settings, account) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    run_demo()
    response = Client().post(
        "/accounts/login/", {"username": account.username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_the_demo_is_refused_in_production(reference, settings) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = False
    with pytest.raises(CommandError):
        run_demo()


def test_createsuperuser_makes_a_system_administrator(db) -> None:  # noqa: ANN001
    user = User.objects.create_superuser("root", "root@example.gov.cn", "A-long-enough-pass-1")
    assert user.role == Role.ADMIN and user.is_superuser
