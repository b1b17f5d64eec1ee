"""What an uploaded attachment really is, read from its content with a parser for each type.

The browser's Content-Type header and the file's name say what the sender claims; neither is
trusted (issue 14: an .html sent as image/png, "%PDF-" followed by HTML). ``detect`` opens the
file with the parser of each allowed type and answers the type that parses; the caller stores
the file under a generated name with that type's extension.
"""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from jiuye.core.storage import encrypted_storage

# The most an Office file may unpack to (a zip bomb unpacks to far more).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    code: str
    extension: str  # with the dot
    content_type: str
    label: str


TYPES = {
    t.code: t
    for t in (
        FileType("pdf", ".pdf", "application/pdf", "PDF"),
        FileType("jpeg", ".jpg", "image/jpeg", "JPG"),
        FileType("png", ".png", "image/png", "PNG"),
        FileType("webp", ".webp", "image/webp", "WebP"),
        FileType(
            "docx",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word",
        ),
        FileType("doc", ".doc", "application/msword", "Word"),
        FileType(
            "xlsx",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel",
        ),
    )
}


def _pdf(data: bytes) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF-"):
        return False
    try:
        return len(PdfReader(io.BytesIO(data), strict=True).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return False


def _image(expected: str) -> Callable[[bytes], bool]:
    def check(data: bytes) -> bool:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    return False
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # a truncated or corrupt picture fails here
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            return False
        return True

    return check


def _office(main_part: str) -> Callable[[bytes], bool]:
    """An Office Open XML package: a zip whose parts unpack to a sane size, with the content
    types part and the document's main part."""

    def check(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
                if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED_BYTES:
                    return False
                if "[Content_Types].xml" not in names or main_part not in names:
                    return False
                return package.read(main_part).lstrip().startswith(b"<?xml")
        except (zipfile.BadZipFile, OSError, ValueError, KeyError):
            return False

    return check


def _doc(data: bytes) -> bool:
    import olefile

    if not olefile.isOleFile(io.BytesIO(data)):
        return False
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return ole.exists("WordDocument")
    except (OSError, ValueError):
        return False


_PARSERS: dict[str, Callable[[bytes], bool]] = {
    "pdf": _pdf,
    "jpeg": _image("JPEG"),
    "png": _image("PNG"),
    "webp": _image("WEBP"),
    "docx": _office("word/document.xml"),
    "doc": _doc,
    "xlsx": _office("xl/workbook.xml"),
}


def labels(allowed: Iterable[str]) -> str:
    """The allowed types as a user reads them: "JPG、PNG、PDF"."""
    seen: list[str] = []
    for code in allowed:
        if TYPES[code].label not in seen:
            seen.append(TYPES[code].label)
    return "、".join(seen)


def detect(upload: Any, allowed: Iterable[str], *, field: str | None = None) -> FileType:
    """The type of ``upload`` among ``allowed`` (codes of ``TYPES``), read from its content.
    Raises a ValidationError naming the file (under ``field`` when given) when it is empty or
    none of the allowed types parses it."""
    allowed = list(allowed)
    name = getattr(upload, "name", "") or ""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data:
        message = _("“%(name)s”是空文件。") % {"name": name}
    else:
        for code in allowed:
            if _PARSERS[code](data):
                return TYPES[code]
        message = _(
            "“%(name)s”打不开，或者不是真正的 %(types)s 文件（可能只是改了扩展名，或文件已损坏）。"
            "请检查后重新上传。"
        ) % {"name": name, "types": labels(allowed)}
    raise ValidationError({field: [message]} if field else message, code="type")


STASH_HOURS = 24


def _stash_name(folder: str, name: str) -> str:
    return f"{folder}/{Path(name).name}"


def stash(chunks: Iterable[bytes], *, folder: str, suffix: str = "") -> str:
    """Keep an upload between its check and its confirmation, in the uploads' storage (sealed,
    ``core.storage``; any backend, so any web worker finds it) under ``folder`` with a random
    name (returned, for the session); the folder's files older than a day are removed first,
    so an upload never confirmed does not stay."""
    stale = time.time() - STASH_HOURS * 3600
    if encrypted_storage.exists(folder):
        for old in encrypted_storage.listdir(folder)[1]:
            kept = _stash_name(folder, old)
            if encrypted_storage.get_modified_time(kept).timestamp() < stale:
                encrypted_storage.delete(kept)
    name = f"{uuid.uuid4().hex}{suffix}"
    encrypted_storage.save(_stash_name(folder, name), ContentFile(b"".join(chunks)))
    return name


def stashed(folder: str, name: str) -> bytes | None:
    """What ``stash`` kept as ``name``, or None when it is gone (a day old, or confirmed)."""
    kept = _stash_name(folder, name)
    return encrypted_storage.read_bytes(kept) if encrypted_storage.exists(kept) else None


def unstash(folder: str, name: str) -> None:
    """Remove what ``stash`` kept as ``name`` (once confirmed)."""
    kept = _stash_name(folder, name)
    if encrypted_storage.exists(kept):
        encrypted_storage.delete(kept)
