"""Backup and restore (jiuye.core.backup, manage.py backup / restore): the restore drill on the
configured database (SQLite or PostgreSQL), and every refusal with its message."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from jiuye.core import backup
from jiuye.core.storage import encrypted_storage
from jiuye.people.models import Person

BACKUP_KEY = base64.b64encode(b"k" * 32).decode()
OTHER_KEY = base64.b64encode(b"o" * 32).decode()


@pytest.fixture(autouse=True)
def _backup_key(settings) -> None:  # noqa: ANN001
    settings.JIUYE_BACKUP_KEY = BACKUP_KEY


def database_digest() -> dict[str, tuple[int, str]]:
    """Every table's row count and a SHA-256 over all its rows (each row's values in column
    order, the rows sorted), so any changed value, missing or extra row shows."""
    digest = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            digest[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return digest


def _plain(value):  # noqa: ANN001, ANN202
    # SQLite and psycopg give the same column as str/bytes/memoryview/datetime: compare values.
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def page_text(client, url: str) -> tuple[int, str]:  # noqa: ANN001
    response = client.get(url)
    body = response.content.decode()
    # Per-request values: the CSRF token and the CSP nonce.
    body = re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1-", body)
    body = re.sub(r'nonce="[^"]+"', 'nonce="-"', body)
    # The lines in order: rows whose sort keys tie may come in another order once PostgreSQL
    # has rewritten a table, with the same content.
    return response.status_code, "\n".join(sorted(body.splitlines()))


@pytest.mark.django_db(transaction=True)
def test_restore_drill_gives_back_every_row_and_file_and_the_same_pages(
    client_for, settings, tmp_path
) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    call_command("demo_data", persons=40, stdout=open("/dev/null", "w"))  # noqa: SIM115
    stored = encrypted_storage.save("drill/名单.txt", ContentFile("身份证号 440199".encode()))
    district = client_for("district")
    person = Person.objects.order_by("pk").first()
    urls = ["/people/", f"/people/{person.pk}/", "/employers/", "/imports/", "/plan/"]
    before_pages = {url: page_text(district, url) for url in urls}
    assert all(status == 200 for status, _body in before_pages.values()), {
        u: s for u, (s, _b) in before_pages.items()
    }
    before = database_digest()
    assert before["people_person"][0] >= 40

    call_command("backup", str(tmp_path / "bk"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    # The keys are named, never stored: no key's bytes are in the backup directory.
    assert manifest["keys"]["field_encryption"].keys() == {"dev1"}
    for path in (tmp_path / "bk").iterdir():
        raw = path.read_bytes()
        assert base64.b64decode(settings.BLIND_INDEX_KEY) not in raw
        assert settings.FIELD_ENCRYPTION_KEYS.split(":", 1)[1].encode() not in raw
        assert "身份证号".encode() not in raw  # the backup itself is encrypted

    # Wipe: every table emptied, the uploads gone.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert Person.objects.count() == 0

    call_command("restore", str(tmp_path / "bk"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert database_digest() == before
    assert encrypted_storage.open(stored).read() == "身份证号 440199".encode()
    for url in urls:
        assert page_text(district, url) == before_pages[url], url


@pytest.fixture
def made(transactional_db, person_a, tmp_path) -> Path:  # noqa: ANN001
    """A backup of the (small) test database: the reference data and one person."""
    encrypted_storage.save("one.txt", ContentFile(b"one"))
    backup.backup_make(tmp_path / "bk")
    return tmp_path / "bk"


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return str(caught.value)


def test_restore_of_a_missing_directory_says_so(db, tmp_path) -> None:  # noqa: ANN001
    assert "找不到备份目录" in refused("restore", str(tmp_path / "nowhere"))


def test_restore_of_a_directory_without_manifest_says_it_is_no_backup(db, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "database.enc").write_bytes(b"x")
    message = refused("restore", str(tmp_path / "half"))
    assert "没有 manifest.json" in message and "没有完成" in message


def test_backup_without_a_backup_key_refuses_and_says_how_to_make_one(
    db, settings, tmp_path
) -> None:  # noqa: ANN001
    settings.JIUYE_BACKUP_KEY = ""
    message = refused("backup", str(tmp_path / "bk"))
    assert "没有设置备份密钥 JIUYE_BACKUP_KEY" in message and "os.urandom(32)" in message
    settings.JIUYE_BACKUP_KEY = base64.b64encode(b"short").decode()
    assert "应为 32 字节" in refused("backup", str(tmp_path / "bk"))


def test_backup_into_a_directory_holding_files_refuses(db, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "old").write_text("x")
    assert "不是空目录" in refused("backup", str(tmp_path / "bk"))


def test_restore_with_another_backup_key_refuses_naming_both_fingerprints(made, settings) -> None:  # noqa: ANN001
    settings.JIUYE_BACKUP_KEY = OTHER_KEY
    message = refused("restore", str(made), "--force")
    assert "备份密钥不对" in message
    assert backup.backup_key(BACKUP_KEY).check in message


def test_a_tampered_file_fails_its_checksum_and_nothing_is_restored(made) -> None:  # noqa: ANN001
    people = Person.objects.count()
    data = bytearray((made / "database.enc").read_bytes())
    data[100] ^= 1
    (made / "database.enc").write_bytes(bytes(data))
    message = refused("restore", str(made), "--force")
    assert "database.enc 的 SHA-256 校验和与 manifest.json 不符" in message
    assert Person.objects.count() == people


def test_a_checksum_changed_in_the_manifest_breaks_its_signature(made) -> None:  # noqa: ANN001
    manifest = json.loads((made / "manifest.json").read_text())
    manifest["files"]["media.enc"]["sha256"] = "0" * 64
    (made / "manifest.json").write_text(json.dumps(manifest))
    assert "manifest.json 被改动过（签名不符）" in refused("restore", str(made), "--force")


def test_restore_without_the_field_key_names_the_missing_key_id(made, settings) -> None:  # noqa: ANN001
    settings.FIELD_ENCRYPTION_KEYS = "k2:" + base64.b64encode(b"n" * 32).decode()
    message = refused("restore", str(made), "--force")
    assert "缺少恢复这份备份所需的密钥" in message
    assert "数据加密密钥 dev1 没有设置" in message


def test_restore_with_a_different_key_under_the_same_id_or_blind_key_refuses(
    made, settings
) -> None:  # noqa: ANN001
    settings.FIELD_ENCRYPTION_KEYS = "dev1:" + base64.b64encode(b"n" * 32).decode()
    assert "dev1 与备份时的不是同一把密钥" in refused("restore", str(made), "--force")
    settings.FIELD_ENCRYPTION_KEYS = "dev1:ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
    settings.BLIND_INDEX_KEY = base64.b64encode(b"b" * 32).decode()
    assert "BLIND_INDEX_KEY 与备份时的不是同一把密钥" in refused("restore", str(made), "--force")


def test_restore_into_a_database_with_data_needs_force(made) -> None:  # noqa: ANN001
    message = refused("restore", str(made))
    assert "目标数据库不是空的" in message and "--force" in message


def test_check_only_verifies(made) -> None:  # noqa: ANN001
    call_command("restore", str(made), "--check", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_file_cut_short_at_a_chunk_boundary_does_not_decrypt(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(backup, "CHUNK", 64)
    plain = tmp_path / "plain"
    plain.write_bytes(bytes(range(256)) * 2)
    key = backup.backup_key(BACKUP_KEY).files
    backup.encrypt_file(plain, tmp_path / "sealed", key=key, part="x")
    backup.decrypt_file(tmp_path / "sealed", tmp_path / "back", key=key, part="x")
    assert (tmp_path / "back").read_bytes() == plain.read_bytes()
    sealed = (tmp_path / "sealed").read_bytes()
    frame = 4 + 12 + 64 + 16
    cut = sealed[: len(sealed) - frame]  # the last whole chunk dropped
    (tmp_path / "cut").write_bytes(cut)
    with pytest.raises(backup.BackupError, match="无法解密"):
        backup.decrypt_file(tmp_path / "cut", tmp_path / "back", key=key, part="x")
    with pytest.raises(backup.BackupError, match="无法解密"):  # another part's chunks
        backup.decrypt_file(tmp_path / "sealed", tmp_path / "back", key=key, part="y")


def test_restore_with_force_overwrites_data_and_puts_back_the_uploads_as_they_were(made) -> None:  # noqa: ANN001
    people = Person.objects.count()
    assert people
    Person.objects.all().delete()
    encrypted_storage.delete("one.txt")
    later = encrypted_storage.save("later.txt", ContentFile(b"later"))
    call_command("restore", str(made), "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Person.objects.count() == people
    assert encrypted_storage.open("one.txt").read() == b"one"
    assert not encrypted_storage.exists(later)
    assert encrypted_storage.walk() == ["one.txt"]
    assert [p.name for p in Path(settings.MEDIA_ROOT).iterdir()] == ["one.txt"]
