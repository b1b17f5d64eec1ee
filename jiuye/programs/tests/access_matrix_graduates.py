"""Rows of the URL × role access matrix for the graduates' pages (see
core/tests/test_url_matrix.py).

The world: person_a (东城街道) on the bureau's list, and one unmatched line. Staff who handle
personal data read the lists and the worklist; a town officer of 西城 finds no person_a (404);
the unmatched lines, their register and reject pages and the file back to the bureau are the
district's (403 for others; the match button answers POST only)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from jiuye.core.tests.matrix import AUDITORS, PERSONAL, Kwargs, access
from jiuye.programs.models.graduates import GraduateRecord
from jiuye.programs.tests.graduate_fixtures import UNREGISTERED_ID, import_lines, line


def _unmatched(w: dict[str, Any]) -> GraduateRecord:
    found = GraduateRecord.objects.filter(person__isnull=True).first()
    if found is None:
        with tempfile.TemporaryDirectory() as folder:
            import_lines(Path(folder), [line(), line(姓名="王五", 身份证号=UNREGISTERED_ID)])
        found = GraduateRecord.objects.get(person__isnull=True)
    return found


NONE: Kwargs = lambda w: {}  # noqa: E731
LINE: Kwargs = lambda w: {"pk": _unmatched(w).pk}  # noqa: E731
PERSON: Kwargs = lambda w: {"pk": w["personas"]["jobseeker"].person_id}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "programs:graduates": (NONE, access(PERSONAL)),
    "programs:graduates-export": (NONE, access(PERSONAL)),
    "programs:graduates-exchange": (NONE, access(AUDITORS)),
    "programs:graduates-unmatched": (NONE, access(AUDITORS)),
    "programs:graduates-unmatched-export": (NONE, access(AUDITORS)),
    "programs:graduates-match": (NONE, access(AUDITORS, ok=405)),
    "programs:graduate-register": (LINE, access(AUDITORS)),
    "programs:graduate-reject": (LINE, access(AUDITORS)),
    "programs:graduate-file": (PERSON, access(PERSONAL, town_b=404)),
    "programs:graduates-worklist": (NONE, access(PERSONAL)),
    "programs:graduates-worklist-export": (NONE, access(PERSONAL)),
}
