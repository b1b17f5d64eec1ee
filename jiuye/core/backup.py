"""Backups of the database and the uploaded files, and restoring one (``manage.py backup DIR``,
``manage.py restore DIR``).

A backup directory holds three files:

- ``database.enc``: the database, copied by SQLite's online backup API or dumped by
  ``pg_dump -Fc``, encrypted;
- ``media.enc``: a tar of the stored uploads, read through the storage API from whatever
  backend ``STORAGES`` names (file system, S3-compatible…), encrypted;
- ``manifest.json``: what the backup is (database engine, time, every table's row count), the
  SHA-256 of each encrypted file, and which field-encryption key ids and which blind-index key
  the data needs, each named by a fingerprint, never the key. It is signed (HMAC) with the
  backup key, so a changed checksum is found before anything is restored.

The field and blind-index keys are deliberately not in a backup: whoever has the backup files
and the backup key still cannot read an ID number. Restore refuses before writing anything when
a key, the backup key, a checksum or the signature is wrong, and refuses a database that
already holds data unless told to overwrite it.

Files are encrypted with AES-256-GCM in chunks of ``CHUNK`` bytes (so a database of several GB
streams), each chunk sealed with its index and whether it is the last, so chunks cannot be
reordered, dropped or the file cut short unnoticed. The keys used are derived from the backup
key with HKDF (one for files, one for the manifest's signature, one for its fingerprint).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction

from jiuye.core import crypto
from jiuye.core.storage import encrypted_storage

FORMAT = "jiuye-backup/1"
MANIFEST = "manifest.json"
DATABASE_FILE = "database.enc"
MEDIA_FILE = "media.enc"
FILE_MAGIC = b"jiuye-backup-file:v1\n"
CHUNK = 4 * 1024 * 1024
# Tables a fresh ``migrate`` fills by itself (Django's bookkeeping, and the lookup rows data
# migrations seed): a database holding rows only there is empty, a restore needs no --force.
BOOKKEEPING_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "django_site"}
)
SEEDED_TABLES = frozenset({"casework_servicetype", "jobs_matchweight", "jobs_occupation"})


class BackupError(Exception):
    """Why a backup or a restore was refused (a message for the operator, in Chinese)."""


# --- keys -----------------------------------------------------------------------------------


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(key)


def fingerprint(key: bytes) -> str:
    """A short name for a key that reveals nothing of it (the manifest names keys by this)."""
    return hmac.new(key, b"jiuye key fingerprint", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class BackupKey:
    files: bytes
    manifest: bytes
    check: str


def backup_key(text: str | None = None) -> BackupKey:
    """The configured backup key (JIUYE_BACKUP_KEY), or a clear refusal."""
    text = settings.JIUYE_BACKUP_KEY if text is None else text
    if not text:
        raise BackupError(
            "没有设置备份密钥 JIUYE_BACKUP_KEY：备份文件必须加密。请生成一把 32 字节的密钥"
            '（python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"），'
            "设置到 JIUYE_BACKUP_KEY（或 JIUYE_BACKUP_KEY_FILE），并与数据加密密钥分开保管。"
        )
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BackupError("备份密钥 JIUYE_BACKUP_KEY 不是有效的 base64 文本。") from exc
    if len(raw) != 32:
        raise BackupError(f"备份密钥 JIUYE_BACKUP_KEY 解码后应为 32 字节，现在是 {len(raw)} 字节。")
    return BackupKey(
        files=_derive(raw, b"jiuye backup files"),
        manifest=_derive(raw, b"jiuye backup manifest"),
        check=_derive(raw, b"jiuye backup key check").hex()[:16],
    )


def data_keys() -> dict[str, Any]:
    """The keys the stored data needs, by fingerprint: every configured field-encryption key
    id (values and files are sealed under them) and the blind-index key."""
    ring = crypto.keyring()
    blind = crypto._decode_key("BLIND_INDEX_KEY", settings.BLIND_INDEX_KEY)
    return {
        "field_encryption": {kid: fingerprint(key) for kid, key in ring.keys.items()},
        "blind_index": fingerprint(blind),
    }


def missing_keys(needed: dict[str, Any]) -> list[str]:
    """What of ``needed`` (a manifest's keys) the configured keys lack, each said in full."""
    have = data_keys()
    problems = []
    for kid, check in needed.get("field_encryption", {}).items():
        if kid not in have["field_encryption"]:
            problems.append(f"数据加密密钥 {kid} 没有设置（FIELD_ENCRYPTION_KEYS 里没有 {kid}:…）")
        elif have["field_encryption"][kid] != check:
            problems.append(
                f"FIELD_ENCRYPTION_KEYS 里的 {kid} 与备份时的不是同一把密钥"
                f"（备份时指纹 {check}，现在 {have['field_encryption'][kid]}）"
            )
    if needed.get("blind_index") and have["blind_index"] != needed["blind_index"]:
        problems.append(
            f"BLIND_INDEX_KEY 与备份时的不是同一把密钥（备份时指纹 {needed['blind_index']}，"
            f"现在 {have['blind_index']}）"
        )
    return problems


# --- encrypted files --------------------------------------------------------------------------


def _chunks(source: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """The file in CHUNK-sized pieces, each with whether it is the last (an empty file is one
    empty last piece)."""
    current = source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if len(current) == CHUNK else b""
        last = not following
        yield current, last
        if last:
            return
        current = following


def encrypt_file(source: Path, target: Path, *, key: bytes, part: str) -> str:
    """Encrypt ``source`` into ``target``; the SHA-256 of what was written."""
    cipher = AESGCM(key)
    digest = hashlib.sha256()
    with source.open("rb") as plain, target.open("wb") as out:
        out.write(FILE_MAGIC)
        digest.update(FILE_MAGIC)
        for index, (piece, last) in enumerate(_chunks(plain)):
            nonce = os.urandom(12)
            sealed = nonce + cipher.encrypt(nonce, piece, _aad(part, index, last))
            frame = struct.pack(">I", len(sealed)) + sealed
            out.write(frame)
            digest.update(frame)
    return digest.hexdigest()


def decrypt_file(source: Path, target: Path, *, key: bytes, part: str) -> None:
    cipher = AESGCM(key)
    broken = BackupError(f"{source.name} 无法解密：文件不完整或被改动，没有恢复任何数据。")
    with source.open("rb") as sealed, target.open("wb") as out:
        if sealed.read(len(FILE_MAGIC)) != FILE_MAGIC:
            raise broken
        index = 0
        while True:
            head = sealed.read(4)
            if len(head) != 4:
                raise broken  # ended before a last chunk
            (size,) = struct.unpack(">I", head)
            frame = sealed.read(size)
            if len(frame) != size or size < 28:
                raise broken
            last = not sealed.peek(1)
            try:
                out.write(cipher.decrypt(frame[:12], frame[12:], _aad(part, index, last)))
            except InvalidTag as exc:
                raise broken from exc
            if last:
                return
            index += 1


def _aad(part: str, index: int, last: bool) -> bytes:
    return f"{FORMAT}:{part}:{index}:{int(last)}".encode()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the database -----------------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    """Every table's row count (the manifest's, and what a restore is checked against)."""
    with connection.cursor() as cursor:
        return _counts(cursor, connection.introspection.table_names(cursor))


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 (a table name, quoted)
        counts[table] = cursor.fetchone()[0]
    return counts


def data_tables(counts: dict[str, int]) -> dict[str, int]:
    """The tables holding rows that ``migrate`` did not put there."""
    skip = BOOKKEEPING_TABLES | SEEDED_TABLES
    return {t: n for t, n in counts.items() if n and t not in skip}


def _pg_env() -> tuple[list[str], dict[str, str]]:
    conf = connection.settings_dict
    args = ["--dbname", conf["NAME"]]
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run_tool(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"找不到 {command[0]}：请安装 PostgreSQL 客户端工具（Debian：apt-get install "
            "postgresql-client），版本不低于数据库服务器。"
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(
            f"{what}失败（{command[0]} 退出码 {done.returncode}）：{done.stderr[-2000:]}"
        )


def dump_database(target: Path) -> dict[str, int]:
    """Copy the whole database into ``target`` (a SQLite file, or a pg_dump custom archive);
    every table's row count in that copy (counted in the copy, or in the snapshot pg_dump
    reads, so writes going on meanwhile cannot make them differ)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            cursor = copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            return _counts(copy.cursor(), [row[0] for row in cursor.fetchall()])
        finally:
            copy.close()
    if connection.vendor != "postgresql":
        raise BackupError(f"不支持备份 {connection.vendor} 数据库。")
    args, env = _pg_env()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _counts(cursor, connection.introspection.table_names(cursor))
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
        _run_tool(
            [*command, f"--snapshot={snapshot}", "--file", str(target), *args], env, "导出数据库"
        )
    return counts


def load_database(source: Path) -> None:
    """Replace the database's content by a dump ``dump_database`` made (one transaction on
    PostgreSQL; SQLite's backup API copies every page under one lock)."""
    connection.close()
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(source)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
        connection.close()
    else:
        connection.close()
        args, env = _pg_env()
        command = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
        ]
        _run_tool([*command, *args, str(source)], env, "恢复数据库")


# --- media --------------------------------------------------------------------------------------


def pack_media(target: Path) -> int:
    """A tar of every stored upload, read through the storage API from whatever backend
    ``STORAGES`` names (the file system, S3-compatible object storage…), as the backend keeps
    it (the personal files sealed with the field keys already); how many files."""
    files = 0
    with tarfile.open(target, "w") as archive:
        for name in encrypted_storage.walk():
            blob = encrypted_storage.read_sealed(name)
            entry = tarfile.TarInfo(name)
            entry.size = len(blob)
            entry.mtime = int(time.time())
            archive.addfile(entry, io.BytesIO(blob))
            files += 1
    return files


def unpack_media(source: Path) -> None:
    """Put the backup's files in place of the stored uploads, through the storage API: every
    file of the backup written under its name, and every stored file the backup does not have
    deleted. The tar was decrypted and authenticated whole before (a bad backup changes
    nothing); a restore stopped half-way leaves some files replaced, and running it again
    finishes it."""
    with tarfile.open(source, "r") as archive:
        members = [m for m in archive.getmembers() if m.isfile()]
        for member in members:
            name = PurePosixPath(member.name)
            if name.is_absolute() or ".." in name.parts:
                raise BackupError(f"备份中的上传文件名不安全：{member.name}。没有恢复上传的文件。")
        kept = {member.name for member in members}
        for name in encrypted_storage.walk():
            if name not in kept:
                encrypted_storage.delete(name)
        for member in members:
            handle = archive.extractfile(member)
            assert handle is not None
            encrypted_storage.write_sealed(member.name, handle.read())


# --- backup and restore -------------------------------------------------------------------------


@dataclass
class Outcome:
    directory: Path
    tables: dict[str, int] = field(default_factory=dict)
    media_files: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _sign(body: dict[str, Any], key: bytes) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def backup_make(directory: Path) -> Outcome:
    """Write a backup into ``directory`` (new or empty). The manifest is written last, so a
    backup cut short has none and restore refuses it."""
    key = backup_key()
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"备份目录 {directory} 已存在且不是空目录：请给每次备份一个新的目录。")
    _outside_transaction()
    directory.mkdir(parents=True, exist_ok=True)
    outcome = Outcome(directory=directory)
    with tempfile.TemporaryDirectory(prefix="jiuye-backup-") as work:
        dump = Path(work) / "database"
        outcome.tables = dump_database(dump)
        media = Path(work) / "media.tar"
        outcome.media_files = pack_media(media)
        files = {}
        for name, plain in ((DATABASE_FILE, dump), (MEDIA_FILE, media)):
            sealed = directory / name
            files[name] = {
                "sha256": encrypt_file(plain, sealed, key=key.files, part=name),
                "bytes": sealed.stat().st_size,
            }
    body = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "tables": outcome.tables,
        "media_files": outcome.media_files,
        "keys": data_keys(),
        "backup_key": key.check,
        "files": files,
    }
    manifest = {**body, "signature": _sign(body, key.manifest)}
    partial = directory / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    partial.rename(directory / MANIFEST)
    return outcome


def manifest_read(directory: Path) -> dict[str, Any]:
    directory = Path(directory)
    if not directory.is_dir():
        raise BackupError(f"找不到备份目录：{directory}")
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} 里没有 {MANIFEST}：这不是备份目录，或者这次备份没有完成。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} 不是有效的清单文件（JSON 无法读取），不能恢复。") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} 不是本系统的备份清单（格式应为 {FORMAT}）。")
    return manifest


def backup_verify(directory: Path) -> dict[str, Any]:
    """Check a backup without touching the database: the backup key, the manifest's
    signature, every file's checksum, and that the data keys it needs are configured. The
    manifest when all hold; else a BackupError naming the first thing wrong."""
    directory = Path(directory)
    manifest = manifest_read(directory)
    key = backup_key()
    if manifest.get("backup_key") != key.check:
        raise BackupError(
            "备份密钥不对：这份备份是用另一把备份密钥加密的"
            f"（备份时指纹 {manifest.get('backup_key')}，"
            f"当前 JIUYE_BACKUP_KEY 的指纹 {key.check}）。"
            "请设置制作这份备份时的 JIUYE_BACKUP_KEY。"
        )
    body = {k: v for k, v in manifest.items() if k != "signature"}
    if not hmac.compare_digest(str(manifest.get("signature", "")), _sign(body, key.manifest)):
        raise BackupError(f"{MANIFEST} 被改动过（签名不符）：不能相信这份备份，没有恢复任何数据。")
    for name in (DATABASE_FILE, MEDIA_FILE):
        path = directory / name
        expected = manifest["files"].get(name, {}).get("sha256")
        if not path.is_file():
            raise BackupError(f"备份目录里缺少 {name}，没有恢复任何数据。")
        if sha256_of(path) != expected:
            raise BackupError(
                f"{name} 的 SHA-256 校验和与 {MANIFEST} 不符：备份文件损坏或被改动，"
                "没有恢复任何数据。"
            )
    problems = missing_keys(manifest.get("keys", {}))
    if problems:
        raise BackupError(
            "缺少恢复这份备份所需的密钥（密钥按规定不放在备份里，请从密钥保管处取回并设置后再恢复）："
            + "；".join(problems)
            + "。"
        )
    return manifest


def backup_restore(directory: Path, *, force: bool = False) -> Outcome:
    """Restore a backup into the configured database and file storage, after ``backup_verify``
    and after both files decrypted (GCM authenticates every chunk): a bad backup changes
    nothing. Refuses a database that holds data unless ``force``."""
    directory = Path(directory)
    manifest = backup_verify(directory)
    _outside_transaction()
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"这份备份来自 {_vendor_name(manifest['database'])} 数据库，当前数据库是 "
            f"{_vendor_name(connection.vendor)}：不能直接恢复。"
        )
    held = data_tables(table_counts())
    if held and not force:
        sample = "、".join(f"{t}（{n} 行）" for t, n in list(held.items())[:3])
        raise BackupError(
            f"目标数据库不是空的：{sample}等 {len(held)} 个表已有数据。恢复会覆盖现有的全部数据；"
            "确认要覆盖，请加 --force 重新运行。"
        )
    key = backup_key()
    with tempfile.TemporaryDirectory(prefix="jiuye-restore-") as work:
        dump, media = Path(work) / "database", Path(work) / "media.tar"
        decrypt_file(directory / DATABASE_FILE, dump, key=key.files, part=DATABASE_FILE)
        decrypt_file(directory / MEDIA_FILE, media, key=key.files, part=MEDIA_FILE)
        load_database(dump)
        unpack_media(media)
    outcome = Outcome(directory=directory, tables=table_counts(), media_files=0)
    outcome.media_files = manifest.get("media_files", 0)
    differ = [
        t
        for t, n in manifest["tables"].items()
        if t not in BOOKKEEPING_TABLES and outcome.tables.get(t) != n
    ]
    if differ:
        raise BackupError(
            "恢复后这些表的行数与备份清单不符：" + "、".join(differ[:5]) + "。请检查数据库后重试。"
        )
    return outcome


def _outside_transaction() -> None:
    # A copy taken inside a transaction would wait for that transaction's own locks (SQLite)
    # or could not choose its snapshot (PostgreSQL).
    if connection.in_atomic_block:
        raise BackupError("备份和恢复不能在数据库事务中运行，请直接运行 manage.py 命令。")


def _vendor_name(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)
