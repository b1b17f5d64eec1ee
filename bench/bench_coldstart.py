"""gunicorn's first requests after a start: 16 at once, cold workers against the preloaded, warmed
configuration (config/gunicorn.conf.py).

    .venv/bin/python -m bench.bench_coldstart

Each round starts gunicorn with 4 workers on a migrated SQLite database in a temporary folder
(production settings, as ``bench_load``), waits for its first answer, then sends 16 requests at
once (the sign-in page, the public figures, a page that is not found) and stops it. The
baseline, in the same run and alternated with it, is ``gunicorn config.wsgi`` with no
configuration: each worker imports the views, the word list and the templates on its first
requests. ``BENCH_COLDSTART_ROUNDS`` (default 3) rounds of each.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = 8171
PATHS = ["/accounts/login/", "/dashboards/public/", "/accounts/login/?next=/", "/nothing/"] * 4


def _get(path: str, times: list[float]) -> None:
    started = time.perf_counter()
    with contextlib.suppress(HTTPError):  # the page that is not found
        urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60).read()  # noqa: S310
    times.append(time.perf_counter() - started)


def _round(env: dict[str, str], warm: bool) -> tuple[float, list[float]]:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    config = ["-c", "config/gunicorn.conf.py"] if warm else []
    command = [gunicorn, *config, "config.wsgi", "--workers", "4", "--bind", f"127.0.0.1:{PORT}"]
    started = time.perf_counter()
    server = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while True:
            try:
                urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=60).read()  # noqa: S310
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("gunicorn stopped before it answered") from None
                time.sleep(0.05)
        ready = time.perf_counter() - started
        times: list[float] = []
        threads = [threading.Thread(target=_get, args=(p, times)) for p in PATHS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return ready, sorted(times)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    from bench.bench_load import _env

    rounds = int(os.environ.get("BENCH_COLDSTART_ROUNDS", "3"))
    with tempfile.TemporaryDirectory() as folder:
        var = Path(folder)
        env = _env(f"sqlite:///{var / 'coldstart.sqlite3'}", var)
        env["ALLOWED_HOSTS"] = "127.0.0.1"
        manage = [sys.executable, "manage.py", "migrate", "-v0"]
        subprocess.run(manage, cwd=ROOT, env=env, check=True)  # noqa: S603
        found: dict[bool, list[tuple[float, list[float]]]] = {False: [], True: []}
        for _ in range(rounds):
            for warm in (False, True):
                found[warm].append(_round(env, warm))
    print(f"  {len(PATHS)} requests at once after the first answer; {rounds} rounds of each")
    print(f"  {'':<40} {'first answer':>12} {'median':>8} {'slowest':>8}")
    for warm, name in ((False, "cold workers (baseline)"), (True, "preloaded and warmed")):
        for ready, times in found[warm]:
            median, slowest = statistics.median(times) * 1000, times[-1] * 1000
            print(f"  {name:<40} {ready:>10.2f} s {median:>6.0f}ms {slowest:>6.0f}ms")


if __name__ == "__main__":
    main()
