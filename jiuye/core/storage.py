"""Uploaded files that can hold personal data, stored encrypted at rest (issue 14).

``encrypted_storage`` is a file system storage that seals every file it saves with the field
keys (``core.crypto.encrypt_bytes``: AES-GCM, the key id in the file, so keys rotate like the
fields') and opens it decrypted, so an ``EncryptedFileField`` reads and
downloads as before while the bytes on disk are ciphertext. A file saved before encryption (no
header) opens as it is. ``rotate`` re-encrypts a file under the current key. Models declare
such a file with ``EncryptedFileField``.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.deconstruct import deconstructible

from jiuye.core import crypto


@deconstructible(path="jiuye.core.storage.EncryptedFileSystemStorage")
class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage under MEDIA_ROOT whose files are encrypted with the field keys."""

    def _save(self, name: str, content: Any) -> str:
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        return super()._save(name, ContentFile(crypto.encrypt_bytes(data)))

    def _open(self, name: str, mode: str = "rb") -> ContentFile:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Encrypted files are written with save(), not opened for writing.")
        return ContentFile(self.read_bytes(name), name=name)

    def read_bytes(self, name: str) -> bytes:
        """The plaintext of a stored file."""
        with super()._open(name, "rb") as handle:
            blob = handle.read()
        return crypto.decrypt_bytes(blob) if crypto.bytes_encrypted(blob) else blob

    def rotate(self, name: str) -> bool:
        """Re-encrypt a stored file under the current key (a plaintext one is encrypted).
        True if the file was rewritten."""
        with super()._open(name, "rb") as handle:
            blob = handle.read()
        sealed = (
            crypto.rotate_bytes(blob)
            if crypto.bytes_encrypted(blob)
            else crypto.encrypt_bytes(blob)
        )
        if sealed == blob:
            return False
        with open(self.path(name), "wb") as out:
            out.write(sealed)
        return True


encrypted_storage = EncryptedFileSystemStorage()


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
