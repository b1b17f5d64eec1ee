from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

import config.settings as config

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


# The hashers the product runs with (conftest's autouse fixture swaps in a fast one).
PRODUCT_HASHERS = config.PASSWORD_HASHERS
ARGON2ID_OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


def test_the_product_hashes_with_argon2id_first_and_still_reads_pbkdf2() -> None:
    assert PRODUCT_HASHERS[0] == "jiuye.accounts.passwords.Argon2idHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in PRODUCT_HASHERS


@pytest.mark.django_db
def test_a_new_password_is_stored_as_argon2id_with_19_mib_2_passes_1_lane(
    settings,
    personas,  # noqa: ANN001
) -> None:
    from jiuye.accounts.services import user_reset_password

    settings.PASSWORD_HASHERS = PRODUCT_HASHERS
    user = personas["town_a"]
    password = user_reset_password(user=user)
    user.refresh_from_db()
    assert user.password.startswith(ARGON2ID_OWASP)
    assert user.check_password(password)
    assert not user.check_password(password + "x")


@pytest.mark.django_db
def test_a_pbkdf2_password_signs_in_and_is_stored_as_argon2id_after(settings, personas) -> None:  # noqa: ANN001
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from conftest import PASSWORD

    settings.PASSWORD_HASHERS = PRODUCT_HASHERS
    user = personas["town_a"]
    # As stored before ADR 0018, by Django's PBKDF2.
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = Client().post("/accounts/login/", {"username": "town_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    user.refresh_from_db()
    assert user.password.startswith(ARGON2ID_OWASP)
    assert user.check_password(PASSWORD)
