from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

STAFF = SimpleNamespace(is_staff_role=True)
SEEKER = SimpleNamespace(is_staff_role=False)


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaaaa", "abababababab", "xyzxyzxyzxyz", "1a2b1a2b1a2b1a2b", "aabbaabbaabb"],
)
def test_a_staff_password_of_a_short_run_repeated_is_refused(password: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, STAFF)
    assert "password_repeated" in [error.code for error in caught.value.error_list]


def test_a_varied_staff_password_passes_and_other_accounts_keep_their_rules() -> None:
    validate_password("河边-Kite-7-lantern", STAFF)
    validate_password("zzzzyyyy", SEEKER)
