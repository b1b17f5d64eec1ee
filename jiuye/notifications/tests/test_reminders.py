"""The daily run finds every app's reminders, also in a process that has imported nothing else
first (the task worker): a reminder declared in a module of a services package counts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import django
django.setup()
from jiuye.notifications.services.digest import REMINDERS, reminders_discover
reminders_discover()
print(" ".join(sorted(REMINDERS)))
"""


def test_a_fresh_process_finds_the_reminders_declared_in_services_submodules() -> None:
    found = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    # reports (actionplan.services.targets), follow-ups (jobs.services.referrals), consultation
    # actions (programs.services.consultation): none of them in a package's __init__.
    assert {"reports_due", "follow_ups_due", "consultation_actions_overdue"} <= set(found)
