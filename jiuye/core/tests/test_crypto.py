from __future__ import annotations

import base64

import pytest
from django.db import connection
from django.test import override_settings

from conftest import make_id_number
from jiuye.core import crypto
from jiuye.people.models import Person
from jiuye.people.selectors import person_by_id_number

OLD = "old:" + base64.b64encode(b"o" * 32).decode()
NEW = "new:" + base64.b64encode(b"n" * 32).decode()


def test_it_round_trips_text_through_encryption() -> None:
    token = crypto.encrypt("44019919900307123X")
    assert token.startswith("v1:dev1:")
    assert "44019919900307123X" not in token
    assert crypto.decrypt(token) == "44019919900307123X"


def test_the_same_plaintext_encrypts_differently_each_time() -> None:
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_a_tampered_ciphertext_is_refused() -> None:
    token = crypto.encrypt("secret")
    prefix, kid, payload = token.split(":")
    blob = bytearray(base64.b64decode(payload))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{prefix}:{kid}:{base64.b64encode(bytes(blob)).decode()}")


def test_keys_rotate_old_values_stay_readable_and_re_encrypt_under_the_new_key() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        old_token = crypto.encrypt("value")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        assert crypto.decrypt(old_token) == "value"
        rotated = crypto.rotate_ciphertext(old_token)
        assert crypto.key_id_of(rotated) == "new"
        assert crypto.decrypt(rotated) == "value"
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old_token)


@pytest.mark.parametrize(
    "spec",
    ["", "nokey", "k:not-base64!!", "k:" + base64.b64encode(b"short").decode()],
)
def test_a_bad_keyring_is_a_configuration_error(spec: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keyring(spec)


def test_the_blind_index_is_stable_and_separated_by_purpose() -> None:
    a = crypto.blind_index("x", purpose="p1")
    assert a == crypto.blind_index("x", purpose="p1")
    assert a != crypto.blind_index("x", purpose="p2")
    assert a != crypto.blind_index("y", purpose="p1")


def _raw_dump() -> str:
    """Every row of every table, read with raw SQL, as one text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names from introspection
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_a_raw_read_of_the_database_shows_no_plaintext_id_number(person_a: Person) -> None:
    plaintext = person_a.id_number
    dump = _raw_dump()
    assert plaintext not in dump
    assert plaintext.lower() not in dump.lower()
    # ...while the ciphertext is really there, so this test could fail.
    assert "v1:dev1:" in dump
    assert Person.objects.get(pk=person_a.pk).id_number == plaintext


@pytest.mark.django_db(transaction=True)
def test_the_sqlite_file_on_disk_holds_no_plaintext_id_number(tmp_path, reference) -> None:  # noqa: ANN001
    if connection.vendor != "sqlite":
        pytest.skip("the file check is for SQLite; the raw SQL dump test covers PostgreSQL")
    import sqlite3

    from jiuye.people.services import person_register
    from jiuye.reference.models import Region

    person = person_register(
        name="王五",
        id_number=make_id_number(seq=555),
        region=Region.objects.get(code="440199001001"),
    )
    target = tmp_path / "copy.sqlite3"
    destination = sqlite3.connect(target)
    connection.ensure_connection()
    connection.connection.backup(destination)
    destination.close()
    raw = target.read_bytes()
    assert person.id_number.encode() not in raw
    assert b"v1:dev1:" in raw


def test_lookup_by_id_number_goes_through_the_blind_index(person_a: Person) -> None:
    found = person_by_id_number(queryset=Person.objects.all(), id_number=person_a.id_number)
    assert found == person_a
    # Lowercase x and spaces are normalised before hashing.
    assert (
        person_by_id_number(queryset=Person.objects.all(), id_number=make_id_number(seq=999))
        is None
    )
