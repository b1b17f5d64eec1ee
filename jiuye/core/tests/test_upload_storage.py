"""Stored uploads that hold personal data are encrypted at rest with the field keys, and import
files are deleted after the retention window (issue 14, security 5)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from conftest import sealed_on_disk
from jiuye.core import crypto, importing
from jiuye.core.models import ImportBatch
from jiuye.core.storage import encrypted_storage
from jiuye.core.tests.test_crypto import NEW, OLD
from jiuye.core.tests.test_importing import person_number, person_row, write_csv
from jiuye.people.models import Person


def _upload(client, tmp_path: Path, rows: list[list[str]]) -> ImportBatch:  # noqa: ANN001
    content = write_csv(tmp_path / "p.csv", rows).read_bytes()
    url = client.post(
        "/imports/new/", {"kind": "persons", "file": SimpleUploadedFile("p.csv", content)}
    ).url
    return ImportBatch.objects.get(pk=url.strip("/").rsplit("/", 1)[1])


def test_import_files_and_error_reports_are_stored_encrypted_and_still_work(
    client_for, tmp_path
) -> None:  # noqa: ANN001
    client = client_for("district")
    assert "导入 30 天后自动删除" in client.get("/imports/new/").content.decode()
    checked = _upload(client, tmp_path, [person_row(1), person_row(2, 残疾类别="9")])
    assert checked.invalid_rows == 1 and checked.error_report
    assert sealed_on_disk(checked.source, person_number(1).encode())
    assert sealed_on_disk(checked.error_report, b"PK\x03\x04")  # an xlsx once opened
    report = client.get(f"/imports/{checked.pk}/errors.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.values)
    assert any("测试2" in row for row in rows)
    # The check is confirmed from the stored (encrypted) file, and rolls back from the journal.
    client.post(f"/imports/{checked.pk}/", {"valid_only": "on", "confirm_valid_only": "on"})
    committed = ImportBatch.objects.get(dry_run=False)
    assert committed.created == 1 and Person.objects.filter(name="测试1").exists()
    assert sealed_on_disk(committed.source, person_number(1).encode())
    client.post(f"/imports/{committed.pk}/rollback/", {"confirm": "yes"})
    assert not Person.objects.filter(name="测试1").exists()


def test_the_purge_deletes_only_old_files_and_the_pages_say_so(client_for, tmp_path) -> None:  # noqa: ANN001
    client = client_for("district")
    old = _upload(client, tmp_path, [person_row(1), person_row(2, 残疾类别="9")])
    client.post(f"/imports/{old.pk}/", {"valid_only": "on", "confirm_valid_only": "on"})
    committed = ImportBatch.objects.get(dry_run=False)
    recent = _upload(client, tmp_path, [person_row(3)])
    ImportBatch.objects.exclude(pk=recent.pk).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )
    on_disk = [Path(f.path) for f in (old.source, old.error_report, committed.source)]
    call_command("purge_uploads", stdout=io.StringIO())

    assert not any(path.exists() for path in on_disk)
    for batch in (old, committed):
        batch.refresh_from_db()
        assert not batch.source and not batch.error_report and batch.files_deleted_at
    assert (old.total_rows, old.invalid_rows, committed.created) == (2, 1, 1)
    recent.refresh_from_db()
    assert recent.source and recent.files_deleted_at is None
    assert Path(recent.source.path).exists()

    page = client.get(f"/imports/{old.pk}/").content.decode()
    assert "已按规定在导入 30 天后删除" in page and "确认导入" not in page
    assert client.get(f"/imports/{old.pk}/errors.xlsx").status_code == 404
    with pytest.raises(importing.ImportFileError):
        importing.batch_confirm(checked=old, by=None, valid_only=True, queue=False)
    # Rollback needs only the journal, not the file.
    client.post(f"/imports/{committed.pk}/rollback/", {"confirm": "yes"})
    assert not Person.objects.filter(name="测试1").exists()
    assert "天后删除" in client.get(f"/imports/{committed.pk}/").content.decode()
    assert "天后删除" not in client.get(f"/imports/{recent.pk}/").content.decode()


def test_the_retention_window_is_a_setting(reference, settings) -> None:  # noqa: ANN001
    batch = ImportBatch.objects.create(
        kind="persons", original_name="p.csv", status=ImportBatch.Status.VALIDATED
    )
    batch.source.save("p.csv", ContentFile(b"a,b\n"))
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    settings.JIUYE_UPLOAD_RETENTION_DAYS = 10
    assert importing.batches_purge_files() == 0
    settings.JIUYE_UPLOAD_RETENTION_DAYS = 7
    assert importing.batches_purge_files() == 1
    assert importing.batches_purge_files() == 0  # once


def test_a_file_encrypted_under_an_old_key_reads_after_rotation(settings) -> None:  # noqa: ANN001
    plaintext = "姓名,身份证号\n测试,110105194912310029\n".encode()
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        name = encrypted_storage.save("imports/rotation/source.csv", ContentFile(plaintext))
    raw = Path(encrypted_storage.path(name)).read_bytes()
    assert crypto.bytes_key_id(raw) == "old" and b"110105194912310029" not in raw
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        assert encrypted_storage.open(name).read() == plaintext
        assert encrypted_storage.rotate(name) and not encrypted_storage.rotate(name)
    assert crypto.bytes_key_id(Path(encrypted_storage.path(name)).read_bytes()) == "new"
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW):
        assert encrypted_storage.open(name).read() == plaintext
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD), pytest.raises(crypto.DecryptionError):
        encrypted_storage.open(name)


def test_a_tampered_file_is_refused_and_a_file_stored_before_encryption_still_opens(
    settings,
) -> None:  # noqa: ANN001
    name = encrypted_storage.save("imports/t/source.csv", ContentFile(b"a,b\n"))
    path = Path(encrypted_storage.path(name))
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(crypto.DecryptionError):
        encrypted_storage.open(name)
    path.write_bytes(b"a,b\n")  # written by an earlier version, in plaintext
    assert encrypted_storage.open(name).read() == b"a,b\n"
    assert encrypted_storage.rotate(name) and path.read_bytes().startswith(crypto.FILE_MAGIC)
