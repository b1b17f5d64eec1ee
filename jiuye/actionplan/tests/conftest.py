from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
SEED = DATA / "plan_2022_2024.txt"
TASKS = DATA / "tasks_2022_2024.csv"


def seed_bytes() -> bytes:
    return SEED.read_bytes()
