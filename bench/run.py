"""Run every benchmark in bench/ and print each figure next to its in-run baseline."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django

    django.setup()
    # The load test builds its own database and runs a server for minutes: `make load`.
    names = sorted(
        p.stem for p in Path(__file__).parent.glob("bench_*.py") if p.stem != "bench_load"
    )
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n## {name}: {module.__doc__.strip().splitlines()[0]}")
        module.main()


if __name__ == "__main__":
    main()
