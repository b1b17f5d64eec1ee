"""A plan year with figures, targets and approved reports to write the annual report from."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import docx
import pytest

from conftest import TOWN_A, VILLAGE_A, VILLAGE_B, register_person
from jiuye.actionplan.models import Task
from jiuye.actionplan.services import reports, targets
from jiuye.core.indicators import registry
from jiuye.reference.models import Department, Region

YEAR = 2024


def _approved(
    task: Task, department: Department, narrative: str, by: Any, reviewer: Any, **notes: str
) -> Any:
    """An approved report; ``notes``: its problems and next_steps."""
    period = task.action.plan.periods.get(year=YEAR)
    report = reports.report_save(
        task=task,
        period=period,
        department=department,
        narrative=narrative,
        actual_value=None,
        figures="专场招聘会3场",
        submit=True,
        by=by,
        **notes,
    )
    return reports.report_review(report=report, accept=True, comment="请补充参会名单", by=reviewer)


# The problems and next steps of the approved reports: (action number, department name, text).
REPORT_PROBLEMS = [
    (2, "区人力资源和社会保障局", "参会企业以服务业为主，适合中重度残疾人的岗位偏少。"),
    (10, "区人力资源和社会保障局", "部分人员人户分离，多次上门未能核对。"),
    (10, "东城街道", "就业需求登记后变化较快，台账更新不及时。"),
]
REPORT_STEPS = [
    (2, "区人力资源和社会保障局", "动员制造业企业参会，会后一个月内回访求职者。"),
    (10, "区人力资源和社会保障局", "与社区网格员配合，电话、视频补核。"),
    (10, "东城街道", "每季度回访一次，及时更新需求台账。"),
]


@pytest.fixture
def report_world(plan, personas) -> dict[str, Any]:  # noqa: ANN001
    """Persons in two towns, targets of two indicators for the district and 东城, an approved
    2024 report of 区人社局 and of 东城街道 on task 十-1 and of 区人社局 on task 二-1, each with
    its problems and next steps (REPORT_PROBLEMS, REPORT_STEPS)."""
    for seq, village in ((501, VILLAGE_A), (502, VILLAGE_A), (503, VILLAGE_B)):
        register_person(seq, f"测试{seq}", village)
    district = Region.objects.get(code="440199000000")
    town = Region.objects.get(code=TOWN_A)
    codes = [i.code for i in registry.all() if i.action][:2]
    for code in codes:
        for region, value in ((district, Decimal(2)), (town, Decimal(1))):
            targets.target_set(indicator_code=code, year=YEAR, region=region, value=value, by=None)
    task = Task.objects.get(action__plan=plan, action__number=10, position=1)
    fair = Task.objects.get(action__plan=plan, action__number=2, position=1)
    liaison, town_a = personas["liaison"], personas["town_a"]
    district_staff = personas["district"]
    notes = [
        {"problems": p[2], "next_steps": s[2]}
        for p, s in zip(REPORT_PROBLEMS, REPORT_STEPS, strict=True)
    ]
    _approved(
        fair, liaison.department, "区人社局举办专场招聘会。", liaison, district_staff, **notes[0]
    )
    _approved(
        task, liaison.department, "区人社局全年开展就业服务。", liaison, district_staff, **notes[1]
    )
    _approved(
        task,
        Department.objects.get(region_id=TOWN_A),
        "东城街道逐户走访就业困难残疾人。",
        town_a,
        district_staff,
        **notes[2],
    )
    return {"plan": plan, "district": district, "town": town, "codes": codes}


def read_docx(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def tables_of(document: Any) -> list[tuple[tuple[str, ...], list[list[str]]]]:
    """Every table as (header row, body rows) of cell texts."""
    out = []
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        out.append((tuple(rows[0]), rows[1:]))
    return out
