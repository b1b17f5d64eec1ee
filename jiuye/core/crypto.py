"""Encryption at rest for sensitive identifiers, and blind indexes for looking them up.

Ciphertext format: ``v1:<key id>:<base64(nonce || AES-GCM ciphertext+tag)>``. The key id lets
keys rotate: the first configured key encrypts, every configured key decrypts, and
``rotate_ciphertext`` re-encrypts an old value under the current key.

A blind index is HMAC-SHA256 over the normalised plaintext with a separate key and a purpose
label, so equal ID numbers give equal indexes (lookup, uniqueness) without storing the number,
and an index of one field can't be matched against another field's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "v1"


class DecryptionError(Exception):
    """A stored value could not be decrypted (unknown key id, tampered or corrupt data)."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]


def _decode_key(kid: str, text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"Encryption key {kid!r} is not valid base64.") from exc
    if len(raw) not in (16, 24, 32):
        raise ImproperlyConfigured(
            f"Encryption key {kid!r} must decode to 16, 24 or 32 bytes, not {len(raw)}."
        )
    return raw


def parse_keyring(spec: str) -> Keyring:
    keys: dict[str, bytes] = {}
    current = ""
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        kid, sep, text = part.partition(":")
        if not sep or not kid or ":" in kid:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS entries must look like kid:base64key")
        keys[kid] = _decode_key(kid, text)
        current = current or kid
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return Keyring(current_id=current, keys=keys)


@cache
def _keyring(spec: str) -> Keyring:
    return parse_keyring(spec)


def keyring() -> Keyring:
    return _keyring(settings.FIELD_ENCRYPTION_KEYS)


@cache
def _cipher(key: bytes) -> AESGCM:
    # Building the cipher object costs more than sealing one short value: build it once.
    return AESGCM(key)


def encrypt(plaintext: str, *, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(12)
    sealed = _cipher(ring.keys[ring.current_id]).encrypt(
        nonce, plaintext.encode("utf-8"), ring.current_id.encode()
    )
    return f"{PREFIX}:{ring.current_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(token: str, *, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    try:
        prefix, kid, payload = token.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("not an encrypted value") from exc
    if prefix != PREFIX or kid not in ring.keys:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        blob = base64.b64decode(payload, validate=True)
        return _cipher(ring.keys[kid]).decrypt(blob[:12], blob[12:], kid.encode()).decode("utf-8")
    except (binascii.Error, ValueError, InvalidTag) as exc:
        raise DecryptionError("ciphertext is corrupt or was tampered with") from exc


FILE_MAGIC = b"jiuye-file:v1:"


def encrypt_bytes(data: bytes, *, ring: Keyring | None = None) -> bytes:
    """A file's content sealed like a field value: ``jiuye-file:v1:<key id>:`` then the nonce
    and the AES-GCM ciphertext with its tag (binary, not base64)."""
    ring = ring or keyring()
    nonce = os.urandom(12)
    kid = ring.current_id.encode()
    sealed = _cipher(ring.keys[ring.current_id]).encrypt(nonce, data, b"file:" + kid)
    return FILE_MAGIC + kid + b":" + nonce + sealed


def bytes_encrypted(blob: bytes) -> bool:
    return blob.startswith(FILE_MAGIC)


def bytes_key_id(blob: bytes) -> str:
    return blob[len(FILE_MAGIC) :].split(b":", 1)[0].decode("ascii", "replace")


def decrypt_bytes(blob: bytes, *, ring: Keyring | None = None) -> bytes:
    ring = ring or keyring()
    if not bytes_encrypted(blob):
        raise DecryptionError("not an encrypted file")
    kid, sep, rest = blob[len(FILE_MAGIC) :].partition(b":")
    name = kid.decode("ascii", "replace")
    if not sep or name not in ring.keys:
        raise DecryptionError(f"unknown key id {name!r}")
    try:
        return _cipher(ring.keys[name]).decrypt(rest[:12], rest[12:], b"file:" + kid)
    except (ValueError, InvalidTag) as exc:
        raise DecryptionError("file is corrupt or was tampered with") from exc


def rotate_bytes(blob: bytes) -> bytes:
    """A file's content re-encrypted under the current key (unchanged if it already is)."""
    ring = keyring()
    if bytes_key_id(blob) == ring.current_id:
        return blob
    return encrypt_bytes(decrypt_bytes(blob, ring=ring), ring=ring)


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def looks_encrypted(value: str) -> bool:
    """A value already in our ciphertext format under a configured key (a stored value copied
    back, e.g. when an import is rolled back) is written as it is, not encrypted twice."""
    if not value.startswith(PREFIX + ":"):
        return False
    parts = value.split(":", 2)
    return len(parts) == 3 and parts[1] in keyring().keys


def rotate_ciphertext(token: str) -> str:
    """Return the value re-encrypted under the current key (unchanged if it already is)."""
    ring = keyring()
    if key_id_of(token) == ring.current_id:
        return token
    return encrypt(decrypt(token, ring=ring), ring=ring)


@cache
def _index_mac(spec: str) -> hmac.HMAC:
    """A keyed HMAC ready to copy: copying skips re-deriving the inner and outer pads."""
    return hmac.new(_decode_key("BLIND_INDEX_KEY", spec), digestmod=hashlib.sha256)


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 hex digest of a normalised value, separated by purpose."""
    mac = _index_mac(settings.BLIND_INDEX_KEY).copy()
    mac.update(f"{purpose}\x00{value}".encode())
    return mac.hexdigest()


RESIDENT_ID_INDEX_PURPOSE = "person.id_number"


def resident_id_index(id_number: str) -> str:
    """The blind index persons are found by from their resident ID number (validated and
    normalised first, so "11010519491231002x" and "11010519491231002X" find the same person)."""
    from jiuye.core.validators import validate_resident_id

    return blind_index(validate_resident_id(id_number), purpose=RESIDENT_ID_INDEX_PURPOSE)


class EncryptedTextField(models.TextField):
    """A text column whose value is stored AES-GCM encrypted and read back as plaintext.

    The database cannot filter or sort on it: pair it with a blind index column for lookups.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):  # noqa: ANN001
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):  # noqa: ANN001
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        text = str(value)
        return text if looks_encrypted(text) else encrypt(text)
