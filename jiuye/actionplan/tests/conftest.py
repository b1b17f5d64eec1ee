from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import docx

if TYPE_CHECKING:
    from jiuye.actionplan.services.plan_table import ParsedPlan

DATA = Path(__file__).resolve().parents[1] / "data"
SEED = DATA / "plan_2022_2024.txt"
TASKS = DATA / "tasks_2022_2024.csv"


def seed_bytes() -> bytes:
    return SEED.read_bytes()


HEADER = ("内容", "工作任务目标", "责任部门", "完成时限")


def build_docx(plan: ParsedPlan, *, with_table: bool = True) -> bytes:
    """The plan as the Word file it comes in: 附件2, the title, then its table (or, without the
    table, only the first action as a paragraph)."""
    document = docx.Document()
    document.add_paragraph("附件2")
    document.add_paragraph(plan.title)
    if with_table:
        table = document.add_table(rows=1, cols=4)
        for cell, name in zip(table.rows[0].cells, HEADER, strict=True):
            cell.text = name
        for a in plan.actions:
            cells = table.add_row().cells
            cells[0].text = f"（{a.numeral}）{a.title}"
            cells[1].text = a.targets
            cells[2].text = "、".join(a.departments) + "按职责分工负责"
            cells[3].text = a.deadline
    else:
        document.add_paragraph("（一）实施机关、事业单位带头安排残疾人就业行动")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
