"""A throwaway PostgreSQL database for a benchmark, and the child process that measures in it.

The project's own database is never touched: the scratch database is created from the
`postgres` maintenance database of the DATABASE_URL server, migrated, loaded with the reference
data, used by a child process with production settings and throwaway keys, and dropped at the
end (``BENCH_KEEP=1`` keeps it)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def vm_mb(field: str = "VmHWM:") -> float:
    """A figure of this process's memory in MB from ``/proc/self/status``: by default its peak
    resident size (``VmHWM``), else e.g. ``VmRSS:`` (now). ``ru_maxrss`` would carry over the
    parent's peak through fork and exec, so a small step started by a large parent would
    report the parent's size; ``VmHWM`` belongs to the current address space only."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024  # kB
    return 0.0


def env_for(url: str, var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        JIUYE_VAR_DIR=str(var),
        MEDIA_ROOT="",
        DEBUG="false",
        SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        FIELD_ENCRYPTION_KEYS="bench:" + base64.b64encode(os.urandom(32)).decode(),
        BLIND_INDEX_KEY=base64.b64encode(os.urandom(32)).decode(),
    )
    return env


def admin(server_url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def run_in_scratch(module: str, prefix: str, show: Callable[[dict[str, Any]], None]) -> None:
    """Create the scratch database, run ``python -m <module> --child`` in it, and hand the
    child's ``BENCH-RESULT {json}`` line to ``show``. Skips with a note on SQLite.

    ``BENCH_REUSE_DB=<name>``: measure again in a database a run kept (``BENCH_KEEP=1``)
    instead of creating one; it is migrated (so new migrations are applied to the kept data)
    and the child decides what to regenerate (the run's keys are new)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: this bench needs PostgreSQL (set DATABASE_URL=postgres://...)")
        return
    reuse = os.environ.get("BENCH_REUSE_DB", "")
    name = reuse or f"{prefix}_{os.getpid()}"
    var = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    env = env_for(urlunsplit(urlsplit(url)._replace(path=f"/{name}")), var)
    if not reuse:
        try:
            admin(url, f'CREATE DATABASE "{name}"')
        except Exception as exc:
            print(f"could not create the scratch database: {type(exc).__name__}: {exc}")
            return
    try:
        for command in (["migrate", "--noinput", "-v0"], ["load_reference"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        outcome = child_result(["-m", module, "--child"], env)
        if "failed" in outcome:
            print("  failed: " + outcome["failed"])
        else:
            show(outcome)
    finally:
        if os.environ.get("BENCH_KEEP", "") in ("", "0", "false"):
            admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"  kept database {name}")
        shutil.rmtree(var, ignore_errors=True)


def child_result(args: list[str], env: dict[str, str], tail: int = 8) -> dict[str, Any]:
    """Run ``python <args>`` from the project root with ``env`` and return the JSON of its
    ``BENCH-RESULT`` line (``result``), or ``{"failed": <the last lines of its output>}``."""
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    lines = (proc.stderr or proc.stdout).strip().splitlines()[-tail:]
    return {"failed": f"exit {proc.returncode}: " + " | ".join(lines)}


def result(outcome: dict[str, Any]) -> None:
    """What a child prints for its parent."""
    print("BENCH-RESULT " + json.dumps(outcome, ensure_ascii=False, default=str), flush=True)


def plain_static_files() -> None:
    """Production settings, except static file names: the manifest storage needs a
    collectstatic into the project tree, and looking names up costs next to nothing."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def id_ciphertexts(count: int, *, first_year: int, years: int) -> list[str]:
    """``count`` valid ID numbers of demo district 440199, born from ``first_year`` over
    ``years`` years, each encrypted with the run's throwaway key: generated rows pick one by
    ``i % count`` (encrypting a million numbers would measure the generator, not the page)."""
    from jiuye.core.crypto import encrypt
    from jiuye.core.validators import resident_id_check_char

    out = []
    for n in range(count):
        first17 = f"440199{first_year + n % years}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        out.append(encrypt(first17 + resident_id_check_char(first17)))
    return out


def village_table(cur: Any) -> int:
    """A temp table ``bench_village(n, code)`` numbering the demo district's villages from 0,
    for generated rows to pick one by ``i % villages``; returns how many there are."""
    cur.execute("DROP TABLE IF EXISTS bench_village")
    cur.execute(
        "CREATE TEMP TABLE bench_village AS SELECT row_number() OVER (ORDER BY code) - 1 "
        "AS n, code FROM reference_region WHERE level = 5 AND code LIKE '440199%%'"
    )
    cur.execute("SELECT count(*) FROM bench_village")
    return cur.fetchone()[0]
