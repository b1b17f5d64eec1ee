"""Registry import of synthetic persons (100k and 1M rows) against a raw insert of the same rows.

QUALITY.md asks for ≥ 25,000 rows/s with full validation, encryption and upsert, ≥ 5x
django-import-export doing the same work in the same run, and ≤ 256 MB peak memory for 1M rows.
The baseline in the same run reads the same CSV and inserts it with no validation at all:
``executemany`` into a scratch table on SQLite, ``COPY`` on PostgreSQL. The peer
(``peer_import_export.py``) imports the same file into a second copy of the scratch database;
both databases must then hold the same persons (compared field by field, decrypted).

Every measured step runs in its own process, so each peak RSS belongs to that step alone, and
against a scratch database made for the run (a file under a temp dir on SQLite; a throwaway
database on the same server when DATABASE_URL is PostgreSQL), never the project's own database.
``BENCH_SIZES=100000`` limits the sizes; ``BENCH_KEEP=1`` keeps the temp dir for a look.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (100_000, 1_000_000)
SEED = 1
TARGET_RATE = 25_000  # rows/s, QUALITY.md
TARGET_RSS_MB = 256  # for 1M rows, QUALITY.md
TARGET_PEER_RATIO = 5  # Jiuye / django-import-export, QUALITY.md
# Columns of a person that depend on the run rather than the file (new UUIDs, times, batch).
DIGEST_SKIPS = {"id", "created_at", "updated_at", "import_batch", "created_by", "updated_by"}
RAW_TABLE = "bench_raw_person"


# --------------------------------------------------------------------------------------------
# The measured steps (run in a child process: `python -m bench.bench_import --step ...`)
# --------------------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """Peak resident memory of this process since it started (``scratch.vm_mb``)."""
    from bench.scratch import vm_mb

    return vm_mb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _columns(csv_path: Path) -> list[str]:
    import csv

    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def _create_raw_table_sql(columns: list[str]) -> str:
    """A scratch table with the CSV's own headers as text columns: no types, keys or checks."""
    definitions = ", ".join(f'"{column}" TEXT' for column in columns)
    return f"CREATE TABLE {RAW_TABLE} ({definitions})"


def _baseline_sqlite(csv_path: Path, db_path: str) -> dict[str, Any]:
    import csv
    import sqlite3

    columns = _columns(csv_path)
    names = ", ".join(f'"{c}"' for c in columns)
    conn = sqlite3.connect(db_path, isolation_level=None)
    # The same pragmas the project's settings use.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
    conn.execute(_create_raw_table_sql(columns))
    start = time.perf_counter()
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        conn.execute("BEGIN")
        conn.executemany(
            f"INSERT INTO {RAW_TABLE} ({names}) VALUES ({', '.join('?' * len(columns))})",
            reader,
        )
        conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    rows = conn.execute(f"SELECT count(*) FROM {RAW_TABLE}").fetchone()[0]
    conn.close()
    return {"seconds": seconds, "rows": rows, "how": "executemany"}


def _baseline_postgres(csv_path: Path, url: str) -> dict[str, Any]:
    import psycopg

    columns = _columns(csv_path)
    with psycopg.connect(url) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        conn.execute(_create_raw_table_sql(columns))
        conn.commit()
        start = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY {RAW_TABLE} FROM STDIN (FORMAT csv, HEADER true)") as copy,
            csv_path.open("rb") as handle,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - start
        rows = conn.execute(f"SELECT count(*) FROM {RAW_TABLE}").fetchone()[0]
    return {"seconds": seconds, "rows": rows, "how": "COPY"}


def _step_baseline(csv_path: Path) -> dict[str, Any]:
    url = os.environ["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        return _baseline_postgres(csv_path, url)
    import dj_database_url

    return _baseline_sqlite(csv_path, dj_database_url.parse(url)["NAME"])


def _step_import(csv_path: Path) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    try:
        from jiuye.core.importing import run_import
    except (ImportError, AttributeError) as exc:
        return {"unavailable": f"{type(exc).__name__}: {exc}"}
    start = time.perf_counter()
    try:
        result = run_import(
            kind="persons",
            path=csv_path,
            original_name=csv_path.name,
            dry_run=False,
            by=None,
        )
        counts = {
            name: int(getattr(result, name))
            for name in ("created", "updated", "unchanged", "invalid")
        }
    except Exception as exc:  # a framework in progress: report, don't crash
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "message": str(getattr(result, "message", ""))[:300], **counts}


def _step_peer(csv_path: Path) -> dict[str, Any]:
    """django-import-export, in a process whose settings add its app (bench/peer_settings.py)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        from bench import peer_import_export
    except ImportError as exc:  # the dev extra not installed
        return {"unavailable": f"{type(exc).__name__}: {exc}"}
    start = time.perf_counter()
    try:
        counts = peer_import_export.run(csv_path)
    except Exception as exc:  # report, don't crash
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}
    if "error" in counts:
        return counts
    return {"seconds": time.perf_counter() - start, **counts}


def _step_digest(_csv_path: Path) -> dict[str, Any]:
    """A checksum of every person's values as the application reads them (encrypted fields
    decrypted), in blind-index order, leaving out what depends on the run (ids, times, batch)."""
    import hashlib

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from jiuye.people.models import Person

    names = [f.attname for f in Person._meta.concrete_fields if f.name not in DIGEST_SKIPS]
    digest, rows = hashlib.sha256(), 0
    for values in (
        Person.objects.order_by("id_number_index").values_list(*names).iterator(chunk_size=5000)
    ):
        digest.update(repr(values).encode())
        rows += 1
    return {"seconds": 0.0, "rows": rows, "digest": digest.hexdigest(), "fields": len(names)}


STEPS = {
    "baseline": _step_baseline,
    "import": _step_import,
    "peer": _step_peer,
    "digest": _step_digest,
}


def _cpu() -> float:
    """CPU seconds of this process plus its finished children (an import's worker pool)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return _own_cpu() + children.ru_utime + children.ru_stime


def _own_cpu() -> float:
    """CPU seconds of this process alone: with workers, the part that bounds the wall time
    on an idle machine (the workers run beside it)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", choices=sorted(STEPS), required=True)
    parser.add_argument("--csv", type=Path, required=True)
    args = parser.parse_args(argv)
    cpu, own = _cpu(), _own_cpu()
    outcome = STEPS[args.step](args.csv)
    outcome["own_cpu_seconds"] = _own_cpu() - own
    # This process's own CPU time and its worker processes' (with SQLite, the database's work
    # too): steadier than the wall clock when other work shares the machine.
    outcome["cpu_seconds"] = _cpu() - cpu
    outcome["rss_mb"] = _peak_rss_mb()
    print("BENCH-RESULT " + json.dumps(outcome, ensure_ascii=False), flush=True)


# --------------------------------------------------------------------------------------------
# The driver (run by bench/run.py through main())
# --------------------------------------------------------------------------------------------


def _sizes() -> list[int]:
    raw = os.environ.get("BENCH_SIZES", "").strip()
    if not raw:
        return list(DEFAULT_SIZES)
    return [int(part.replace("_", "")) for part in raw.split(",") if part.strip()]


@dataclass
class _Scratch:
    """Scratch databases for the run; nothing here points at the project's own database."""

    tmp: Path
    server_url: str = ""  # set when the run is on PostgreSQL
    created: list[str] = field(default_factory=list)
    # Throwaway keys, the same for every step of the run (a second import must find the rows
    # the first one wrote through their blind index, and decrypt them).
    keys: dict[str, str] = field(
        default_factory=lambda: {
            "SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
            "FIELD_ENCRYPTION_KEYS": "bench:" + base64.b64encode(os.urandom(32)).decode(),
            "BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        }
    )

    @property
    def is_postgres(self) -> bool:
        return bool(self.server_url)

    def env(self, url: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="config.settings",
            # Media, cache and the default database all live under the var dir: keep them here.
            JIUYE_VAR_DIR=str(self.tmp / "var"),
            MEDIA_ROOT="",  # empty counts as unset, so it follows JIUYE_VAR_DIR
            # Production behaviour (no query log, no debug pages) with throwaway keys.
            DEBUG="false",
            # The per-file row limit (200,000 by default; it counts the header row) would
            # refuse the 1,000,000-row file.
            JIUYE_IMPORT_MAX_ROWS=str(max([200_000, *_sizes()]) + 1),
            **self.keys,
        )
        return env

    def url(self, name: str) -> str:
        if self.is_postgres:
            parts = urlsplit(self.server_url)
            return urlunsplit(parts._replace(path=f"/{name}"))
        return f"sqlite:///{self.tmp / f'{name}.sqlite3'}"

    def _admin(self, sql: str) -> None:
        import psycopg

        # CREATE/DROP DATABASE from the maintenance database, which every server has.
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def template(self) -> str:
        """Migrate and load reference data once; each size starts from a copy of it."""
        name = f"jiuye_bench_{os.getpid()}_template"
        if self.is_postgres:
            self._admin(f'CREATE DATABASE "{name}"')
            self.created.append(name)
        env = self.env(self.url(name))
        for command in (["migrate", "--noinput", "-v0"], ["load_reference"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        return name

    def fresh(self, template: str, size: int | str) -> str:
        name = f"jiuye_bench_{os.getpid()}_{size}"
        if self.is_postgres:
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            self.created.append(name)
        else:
            shutil.copyfile(self.tmp / f"{template}.sqlite3", self.tmp / f"{name}.sqlite3")
        return self.url(name)

    def drop_all(self) -> None:
        for name in reversed(self.created):
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as exc:  # cleaning up: say so, go on
                print(f"  (could not drop scratch database {name}: {exc})")


def _run_step(scratch: _Scratch, url: str, step: str, csv_path: Path) -> dict[str, Any]:
    from bench.scratch import child_result

    env = scratch.env(url)
    if step == "peer":
        env["DJANGO_SETTINGS_MODULE"] = "bench.peer_settings"
    outcome = child_result(
        ["-m", "bench.bench_import", "--step", step, "--csv", str(csv_path)], env, tail=5
    )
    return {"error": outcome["failed"]} if "failed" in outcome else outcome


def _line(label: str, rows: int, outcome: dict[str, Any]) -> str:
    rate = rows / outcome["seconds"]
    cpu = outcome.get("cpu_seconds")
    return (
        f"{label:<34}{rate:>12,.0f} rows/s  {outcome['seconds']:>8.1f} s  "
        f"peak RSS {outcome['rss_mb']:>6,.0f} MB"
        + (f"  cpu {cpu:>6.1f} s ({rows / cpu:,.0f} rows/cpu-s)" if cpu else "")
        + (f", own {own:.1f} s" if (own := outcome.get("own_cpu_seconds")) else "")
    )


def _measure(scratch: _Scratch, template: str, size: int) -> None:
    csv_path = scratch.tmp / f"persons_{size}.csv"
    from jiuye.people.demo.synthetic import write_csv

    start = time.perf_counter()
    write_csv(csv_path, size, seed=SEED)
    seconds = time.perf_counter() - start
    megabytes = csv_path.stat().st_size / 1e6
    print(f"\nrows: {size:,} (CSV {megabytes:,.1f} MB, generated at {size / seconds:,.0f} rows/s)")

    url = scratch.fresh(template, size)
    baseline = _run_step(scratch, url, "baseline", csv_path)
    if "error" in baseline:
        print(f"baseline failed: {baseline['error']}")
        return
    print(_line(f"baseline raw {baseline['how']}", size, baseline))
    if baseline["rows"] != size:
        print(f"  baseline stored {baseline['rows']:,} rows, expected {size:,}")

    imported = _run_step(scratch, url, "import", csv_path)
    if "unavailable" in imported:
        print("jiuye run_import                  import framework not available yet")
        print(f"  ({imported['unavailable']})")
        return
    if "error" in imported:
        print(f"jiuye run_import                  failed: {imported['error']}")
        return
    print(_line("jiuye run_import (new rows)", size, imported))
    _counts(size, imported)
    ratio = (size / imported["seconds"]) / (size / baseline["seconds"])
    print(f"{'ratio to the baseline':<34}{ratio:>12.3f}  ({1 / ratio:,.1f}x slower)")

    again = _run_step(scratch, url, "import", csv_path)
    if "error" in again:
        print(f"jiuye run_import (same file again) failed: {again['error']}")
    else:
        print(_line("jiuye run_import (same file again)", size, again))
        _counts(size, again)

    if os.environ.get("BENCH_PEER", "1") not in ("0", "false"):
        _peer(scratch, template, size, csv_path, url, imported, again)

    rate_ok = size / imported["seconds"] >= TARGET_RATE
    verdict = f"target ≥ {TARGET_RATE:,} rows/s: {'met' if rate_ok else 'NOT met'}"
    if size >= 1_000_000:
        rss_ok = imported["rss_mb"] <= TARGET_RSS_MB
        verdict += f"; 1M rows ≤ {TARGET_RSS_MB} MB peak: {'met' if rss_ok else 'NOT met'}"
    print(verdict)


def _peer(
    scratch: _Scratch,
    template: str,
    size: int,
    csv_path: Path,
    url: str,
    imported: dict[str, Any],
    again: dict[str, Any],
) -> None:
    """django-import-export on a second copy of the scratch database, the same file twice;
    then both databases' persons compared."""
    peer_url = scratch.fresh(template, f"{size}_peer")
    first = _run_step(scratch, peer_url, "peer", csv_path)
    if "unavailable" in first:
        print(f"django-import-export               not installed ({first['unavailable']})")
        return
    if "error" in first:
        print(f"django-import-export (new rows)    failed: {first['error']}")
        return
    print(_line("django-import-export (new rows)", size, first))
    _counts(size, first)
    second = _run_step(scratch, peer_url, "peer", csv_path)
    if "error" in second:
        print(f"django-import-export (same file)   failed: {second['error']}")
    else:
        print(_line("django-import-export (same file)", size, second))
        _counts(size, second)
    ours, theirs = (
        _run_step(scratch, url, "digest", csv_path),
        _run_step(scratch, peer_url, "digest", csv_path),
    )
    same = "digest" in ours and ours.get("digest") == theirs.get("digest")
    print(
        f"  identical persons in both databases: {'yes' if same else 'NO'} "
        f"({ours.get('rows', '?'):,} and {theirs.get('rows', '?'):,} rows, "
        f"{ours.get('fields', '?')} fields compared)"
    )
    for label, a, b in (("new rows", imported, first), ("same file again", again, second)):
        if "seconds" in a and "seconds" in b:
            ratio = b["seconds"] / a["seconds"]
            cpu = ""
            if a.get("cpu_seconds") and b.get("cpu_seconds"):
                cpu = f" (CPU of the measuring process: {b['cpu_seconds'] / a['cpu_seconds']:.1f}x)"
            met = "met" if ratio >= TARGET_PEER_RATIO else "NOT met"
            print(
                f"{'Jiuye / peer, ' + label:<34}{ratio:>12.1f}x{cpu}  "
                f"target ≥ {TARGET_PEER_RATIO}x: {met}"
            )


def _counts(size: int, outcome: dict[str, Any]) -> None:
    counts = {k: outcome[k] for k in ("created", "updated", "unchanged", "invalid")}
    total = sum(counts.values())
    text = ", ".join(f"{k} {v:,}" for k, v in counts.items())
    check = "" if total == size else f"  <- adds up to {total:,}, not {size:,}"
    print(f"  {text}{check}")
    if outcome.get("message"):
        print(f"  {outcome['message']}")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    database_url = os.environ.get("DATABASE_URL", "")
    keep = os.environ.get("BENCH_KEEP", "") not in ("", "0", "false")
    tmp = Path(tempfile.mkdtemp(prefix="jiuye-bench-import-"))
    scratch = _Scratch(tmp=tmp)
    if database_url.startswith(("postgres://", "postgresql://")):
        scratch.server_url = database_url
        print("database: PostgreSQL (a throwaway database per size on the DATABASE_URL server)")
    else:
        import sqlite3

        print(f"database: SQLite {sqlite3.sqlite_version} (scratch files under {tmp})")
    try:
        try:
            template = scratch.template()
        except Exception as exc:  # no server, no rights, a broken migration: say which
            print(f"could not prepare the scratch database: {type(exc).__name__}: {exc}")
            return
        for size in _sizes():
            _measure(scratch, template, size)
    finally:
        if scratch.is_postgres:
            scratch.drop_all()
        if keep:
            print(f"\nkept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    _child(sys.argv[1:])
