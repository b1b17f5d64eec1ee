"""The graduates' test world: the education bureau's lines, made through the ``graduates``
import kind as the district makes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import make_id_number
from jiuye.casework.models import ServiceRecord
from jiuye.core.importing import run_import
from jiuye.core.tests.imports import row_of, write_csv
from jiuye.employment.models import EmploymentRecord

HEADER = ["姓名", "身份证号", "学校", "专业", "学历层次", "入学年份", "预计毕业年份", "联系电话"]
TYPICAL = {
    "姓名": "张三",
    "身份证号": make_id_number(seq=101),  # person_a of the root conftest
    "学校": "广州大学",
    "专业": "软件工程",
    "学历层次": "本科",
    "入学年份": "2022",
    "预计毕业年份": "2026",
    "联系电话": "13800138000",
}
UNREGISTERED_ID = make_id_number(seq=909)


def line(**over: str) -> list[str]:
    return row_of(HEADER, TYPICAL, **over)


def import_lines(folder: Path, rows: list[list[str]], by: Any = None, name: str = "g.csv") -> Any:
    path = write_csv(folder / name, HEADER, rows)
    result = run_import(kind="graduates", path=path, dry_run=False, by=by)
    assert result.ok, result.message
    return result


def serve(person: Any, day: Any, kind: str = "career_guidance", notes: str = "") -> Any:
    """A service record of the person on the day (a policy briefing: ``policy_publicity``)."""
    return ServiceRecord.objects.create(
        person=person, service_type_id=kind, date=day, channel="visit", notes=notes
    )


def employ(person: Any, start: Any, end: Any = None, employer: str = "示范公司") -> Any:
    """An employment record of the person with an employer not in the registry."""
    return EmploymentRecord.objects.create(
        person=person,
        form="contract",
        employer_name=employer,
        start_date=start,
        end_date=end,
        source="town",
    )
