"""Uploaded files on any Django storage backend (issue 19): the encryption wraps whatever
backend STORAGES names, so the backend only ever holds sealed bytes; the file system backend
and Django's in-memory one (no file system at all) behave the same, backup and restore
included, and the product asks no storage for a path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, storages

from jiuye.core import backup, crypto, uploads
from jiuye.core.storage import encrypted_storage

BACKENDS = {
    "file system": "django.core.files.storage.FileSystemStorage",
    "in memory": "django.core.files.storage.InMemoryStorage",
}
SECRET = "身份证号 440199".encode()


@pytest.fixture(params=list(BACKENDS))
def backend(request, settings) -> str:  # noqa: ANN001
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": BACKENDS[request.param], "OPTIONS": {}},
    }
    return request.param


def test_the_backend_holds_sealed_bytes_and_the_files_open_as_they_were(backend) -> None:  # noqa: ANN001
    inner = storages["default"]
    assert isinstance(inner, InMemoryStorage) == (backend == "in memory")
    name = encrypted_storage.save("records/名单.txt", ContentFile(SECRET))
    raw = inner.open(name).read()
    assert raw.startswith(crypto.FILE_MAGIC) and SECRET not in raw
    assert encrypted_storage.open(name).read() == SECRET
    assert encrypted_storage.exists(name) and encrypted_storage.walk() == [name]
    # A second file of the same name gets the backend's own alternative name.
    other = encrypted_storage.save("records/名单.txt", ContentFile(b"other"))
    assert other != name and encrypted_storage.read_bytes(other) == b"other"
    encrypted_storage.delete(other)
    # Rotation rewrites the file under the same name through the storage API.
    plain = inner.save("records/old.txt", ContentFile(b"before encryption"))
    assert encrypted_storage.read_bytes(plain) == b"before encryption"
    assert encrypted_storage.rotate(plain) is True
    assert inner.open(plain).read().startswith(crypto.FILE_MAGIC)
    assert encrypted_storage.read_bytes(plain) == b"before encryption"
    assert encrypted_storage.rotate(plain) is False


def test_an_upload_kept_between_check_and_confirmation_is_in_the_storage(backend) -> None:  # noqa: ANN001
    name = uploads.stash([b"a,b\n", SECRET], folder="pending-test", suffix=".csv")
    assert uploads.stashed("pending-test", name) == b"a,b\n" + SECRET
    assert SECRET not in storages["default"].open(f"pending-test/{name}").read()
    uploads.unstash("pending-test", name)
    assert uploads.stashed("pending-test", name) is None


def test_backup_and_restore_carry_the_files_through_the_storage_api(backend, tmp_path) -> None:  # noqa: ANN001
    kept = encrypted_storage.save("a/one.txt", ContentFile(SECRET))
    encrypted_storage.save("two.txt", ContentFile(b"two"))
    sealed = encrypted_storage.read_sealed(kept)
    assert backup.pack_media(tmp_path / "media.tar") == 2
    encrypted_storage.delete("two.txt")
    later = encrypted_storage.save("a/later.txt", ContentFile(b"later"))
    backup.unpack_media(tmp_path / "media.tar")
    assert encrypted_storage.walk() == ["a/one.txt", "two.txt"]
    assert not encrypted_storage.exists(later)
    assert encrypted_storage.read_sealed(kept) == sealed  # as the backend kept it
    assert encrypted_storage.read_bytes("two.txt") == b"two"


def test_the_product_asks_no_storage_for_a_path_and_does_not_write_under_media_root() -> None:
    root = Path(__file__).resolve().parents[2]
    found = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\.path\(|MEDIA_ROOT", code) and "self.inner.path(" not in code:
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
