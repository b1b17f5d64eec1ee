"""Uploaded files that can hold personal data, stored encrypted at rest (issue 14), on whatever
storage backend the site configures (issue 19).

``encrypted_storage`` wraps the storage ``STORAGES["default"]`` names (the file system under
the media folder, S3-compatible object storage through django-storages, Django's in-memory
storage in tests; ``JIUYE_STORAGE_BACKEND``): every file it saves is sealed with the field keys
(``core.crypto.encrypt_bytes``: AES-GCM, the key id in the file, so keys rotate like the
fields') before the backend sees it, and opens decrypted, so an ``EncryptedFileField`` reads and
downloads as before while the backend holds only ciphertext. A file saved before encryption (no
header) opens as it is. ``rotate`` re-encrypts a file under the current key. Models declare such
a file with ``EncryptedFileField``. Nothing here assumes a file system: the backend is used
only through the storage API (``save``, ``open``, ``delete``, ``exists``, ``listdir``…).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.deconstruct import deconstructible

from jiuye.core import crypto


@deconstructible(path="jiuye.core.storage.EncryptedStorage")
class EncryptedStorage(Storage):
    """The storage ``STORAGES[backend]`` names, its files encrypted with the field keys. The
    backend is looked up on each use, so a change of STORAGES (tests) takes effect at once."""

    def __init__(self, backend: str = "default") -> None:
        self.backend = backend

    @property
    def inner(self) -> Storage:
        """The backend that keeps the (sealed) bytes."""
        return storages[self.backend]

    # Writing and reading: sealed on the way in, opened on the way out.

    def _save(self, name: str, content: Any) -> str:
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        return self.inner.save(name, ContentFile(crypto.encrypt_bytes(data)))

    def _open(self, name: str, mode: str = "rb") -> ContentFile:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Encrypted files are written with save(), not opened for writing.")
        return ContentFile(self.read_bytes(name), name=name)

    def read_sealed(self, name: str) -> bytes:
        """The bytes the backend keeps (ciphertext for a file saved here)."""
        with self.inner.open(name, "rb") as handle:
            return handle.read()

    def read_bytes(self, name: str) -> bytes:
        """The plaintext of a stored file."""
        blob = self.read_sealed(name)
        return crypto.decrypt_bytes(blob) if crypto.bytes_encrypted(blob) else blob

    def write_sealed(self, name: str, blob: bytes) -> None:
        """Put ``blob`` (bytes as the backend keeps them, e.g. from a backup) under ``name``
        exactly, in place of what is there."""
        if self.inner.exists(name):
            self.inner.delete(name)
        saved = self.inner.save(name, ContentFile(blob))
        if saved != name:  # the backend renamed it: never leave a file where none is expected
            self.inner.delete(saved)
            raise OSError(f"The storage did not keep the name {name!r} (it chose {saved!r}).")

    def rotate(self, name: str) -> bool:
        """Re-encrypt a stored file under the current key (a plaintext one is encrypted).
        True if the file was rewritten."""
        blob = self.read_sealed(name)
        sealed = (
            crypto.rotate_bytes(blob)
            if crypto.bytes_encrypted(blob)
            else crypto.encrypt_bytes(blob)
        )
        if sealed == blob:
            return False
        self.write_sealed(name, sealed)
        return True

    def walk(self, folder: str = "") -> list[str]:
        """Every stored name under ``folder`` (all of them by default), sorted."""
        try:
            folders, files = self.inner.listdir(folder)
        except FileNotFoundError:  # a file system storage's folder not made yet
            return []
        names = [f"{folder}/{name}" if folder else name for name in files]
        for sub in folders:
            names.extend(self.walk(f"{folder}/{sub}" if folder else sub))
        return sorted(names)

    # Everything else is the backend's.

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.inner.listdir(path)

    def size(self, name: str) -> int:
        return self.inner.size(name)

    def url(self, name: str | None) -> str:
        return self.inner.url(name)

    def get_valid_name(self, name: str) -> str:
        return self.inner.get_valid_name(name)

    def get_alternative_name(self, file_root: str, file_ext: str) -> str:
        return self.inner.get_alternative_name(file_root, file_ext)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.inner.get_available_name(name, max_length=max_length)

    def get_accessed_time(self, name: str) -> Any:
        return self.inner.get_accessed_time(name)

    def get_created_time(self, name: str) -> Any:
        return self.inner.get_created_time(name)

    def get_modified_time(self, name: str) -> Any:
        return self.inner.get_modified_time(name)

    def path(self, name: str) -> str:
        """Only a file system backend has paths (tests read the sealed bytes on disk); the
        product never asks."""
        return self.inner.path(name)


# The name this storage had when it could only be the file system (older references to it).
EncryptedFileSystemStorage = EncryptedStorage

encrypted_storage = EncryptedStorage()


class EncryptedFileField(models.FileField):
    """A FileField whose files are stored by ``encrypted_storage``. Where files are kept is not
    part of the database schema: migrations see a plain FileField."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["storage"] = encrypted_storage
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)
        return name, "django.db.models.FileField", args, kwargs
