from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import Workbook, load_workbook

from jiuye.actionplan.models import (
    Action,
    ActionDepartment,
    Plan,
    ReportingPeriod,
    Task,
    TaskDepartment,
)
from jiuye.actionplan.services import exports
from jiuye.actionplan.services.plan_import import (
    NEW_DEPARTMENT,
    PlanImportError,
    plan_import_commit,
    plan_preview,
)
from jiuye.actionplan.services.plan_table import PlanTableError, parse_plan_table
from jiuye.actionplan.tests.conftest import SEED, TASKS, build_docx, seed_bytes
from jiuye.reference.models import Department

TITLES = [
    "实施机关、事业单位带头安排残疾人就业行动",
    "实施企业安排残疾人就业行动",
    "实施残疾人组织助残就业行动",
    "实施新就业形态促进残疾人就业行动",
    "实施就业困难残疾人就业援助行动",
    "实施农村残疾人就业扶持行动",
    "实施残疾人大学生就业帮扶行动",
    "实施盲人就业拓展行动",
    "实施残疾人职业技能提升行动",
    "实施残疾人就业服务能力提升行动",
]
NAMED = {
    1: ["区委组织部", "区人力资源和社会保障局", "区委编办", "区残联"],
    2: ["区国资局", "区人力资源和社会保障局", "区工业和信息化局", "区残联", "区民政局", "区工商联"],
    3: ["区残联"],
    4: ["区商务局", "区工业和信息化局", "区残联"],
    5: ["区残联", "区人力资源和社会保障局", "区民政局"],
    6: ["区农业农村局", "区人力资源和社会保障局", "区残联", "区财政局", "区文化旅游广电局"],
    7: ["区教育局", "区人力资源和社会保障局", "区财政局", "区残联"],
    8: ["区残联", "区卫健局", "区人力资源和社会保障局", "区商务局"],
    9: ["区残联", "区人力资源和社会保障局", "区财政局"],
    10: ["区残联", "区人力资源和社会保障局"],
}
ALL_TOWN_ACTIONS = {7, 10}


def _state() -> tuple:
    """Everything an import writes, to compare before and after."""
    return (
        list(Plan.objects.values_list("name", "start_year", "end_year")),
        list(
            Action.objects.order_by("number").values_list("number", "title", "targets", "deadline")
        ),
        list(
            ActionDepartment.objects.order_by("action__number", "position").values_list(
                "action__number", "department_id", "position", "is_lead", "via_all_towns"
            )
        ),
        list(ReportingPeriod.objects.order_by("start_date").values_list("name", "due_date")),
    )


def test_the_seed_imports_as_exactly_ten_actions_with_their_departments(reference) -> None:  # noqa: ANN001
    result = plan_import_commit(parsed=parse_plan_table(seed_bytes(), SEED.name))
    plan = result.plan
    assert (plan.start_year, plan.end_year) == (2022, 2024)
    actions = list(plan.actions.order_by("number"))
    assert [a.title for a in actions] == TITLES
    assert [a.numeral for a in actions] == list("一二三四五六七八九十")
    towns = list(
        Department.objects.filter(kind="town").order_by("sort_order").values_list("name", flat=True)
    )
    assert len(towns) == 10
    for action in actions:
        names = [a.department.name for a in action.assignments.order_by("position")]
        expected = NAMED[action.number] + (towns if action.number in ALL_TOWN_ACTIONS else [])
        assert names == expected, action.number
        lead = action.assignments.get(is_lead=True)
        assert lead.department.name == NAMED[action.number][0]
        assert action.deadline == "全年" and action.is_yearly
    # "全年" means every year of the plan: one reporting period per year.
    assert list(plan.periods.values_list("name", flat=True)) == ["2022年", "2023年", "2024年"]
    assert "各镇街对就业年龄段未就业残疾人至少进行一次基础信息核对" in actions[9].targets


def test_importing_the_same_table_again_changes_nothing(reference) -> None:  # noqa: ANN001
    parsed = parse_plan_table(seed_bytes(), SEED.name)
    plan_import_commit(parsed=parsed)
    before, entries = _state(), LogEntry.objects.count()
    again = plan_import_commit(parsed=parsed)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    assert _state() == before
    assert LogEntry.objects.count() == entries


def test_the_gbk_copy_of_the_seed_imports_identically(reference) -> None:  # noqa: ANN001
    plan_import_commit(parsed=parse_plan_table(seed_bytes(), SEED.name))
    before = _state()
    gbk = seed_bytes().decode("utf-8").encode("gb18030")
    parsed = parse_plan_table(gbk, "plan-gbk.txt")
    assert parsed.encoding == "gb18030"
    assert plan_import_commit(parsed=parsed).unchanged == 10
    assert _state() == before


def test_a_round_trip_through_the_excel_export_changes_nothing(plan, personas) -> None:  # noqa: ANN001
    before = _state()
    import datetime as dt

    content = exports.plan_xlsx(
        plan=plan, year=2023, user=personas["district"], today=dt.date(2024, 1, 1)
    )
    parsed = parse_plan_table(content, "export.xlsx")
    result = plan_import_commit(parsed=parsed, name=plan.name)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 10)
    assert _state() == before
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[2]][:4] == ["内容", "工作任务目标", "责任部门", "完成时限"]


def test_a_docx_table_imports_like_the_text_export(reference) -> None:  # noqa: ANN001
    parsed = parse_plan_table(seed_bytes(), SEED.name)
    docx_file = build_docx(parsed)
    plan_import_commit(parsed=parsed)
    before = _state()
    assert plan_import_commit(parsed=parse_plan_table(docx_file, "plan.docx")).unchanged == 10
    assert _state() == before


def test_a_corrected_table_updates_in_place_and_the_audit_trail_shows_it(plan) -> None:  # noqa: ANN001
    tasks_before = Task.objects.count()
    corrected = (
        seed_bytes()
        .decode("utf-8")
        .replace("定期举办残疾人就业服务交流和竞赛。", "每年举办残疾人就业服务交流和竞赛。")
    )
    corrected = corrected.replace(
        "区残联、区卫健局、区人力资源和社会保障局、区商务局", "区残联、区卫健局、区商务局"
    )
    preview = plan_preview(parsed=parse_plan_table(corrected.encode(), "v2.txt"))
    assert preview.counts == {"created": 0, "updated": 2, "unchanged": 8}
    result = plan_import_commit(parsed=parse_plan_table(corrected.encode(), "v2.txt"))
    assert (result.updated, result.unchanged) == (2, 8)
    ten = plan.actions.get(number=10)
    assert "每年举办残疾人就业服务交流和竞赛" in ten.targets
    eight = plan.actions.get(number=8)
    assert [a.department.name for a in eight.assignments.order_by("position")] == [
        "区残联",
        "区卫健局",
        "区商务局",
    ]
    change = (
        LogEntry.objects.get_for_object(ten)
        .filter(action=LogEntry.Action.UPDATE)
        .latest("timestamp")
    )
    assert "targets" in change.changes_dict
    assert LogEntry.objects.filter(
        content_type__model="actiondepartment", action=LogEntry.Action.DELETE
    ).exists()
    assert Task.objects.count() == tasks_before  # tasks survive a re-import


def test_unknown_departments_must_be_mapped_and_are_remembered(reference) -> None:  # noqa: ANN001
    text = seed_bytes().decode("utf-8").replace("区国资局、", "区国有资产服务中心、")
    parsed = parse_plan_table(text.encode(), "x.txt")
    preview = plan_preview(parsed=parsed)
    assert preview.unknown_departments == ["区国有资产服务中心"]
    with pytest.raises(PlanImportError, match="区国有资产服务中心"):
        plan_import_commit(parsed=parsed)
    assert not Plan.objects.exists()
    plan_import_commit(parsed=parsed, mapping={"区国有资产服务中心": "gzj"})
    assert "区国有资产服务中心" in Department.objects.get(code="gzj").alias_list()
    assert plan_preview(parsed=parsed).unknown_departments == []


def test_an_unknown_department_can_be_created(reference) -> None:  # noqa: ANN001
    text = seed_bytes().decode("utf-8").replace("区委编办、", "区融媒体中心、")
    result = plan_import_commit(
        parsed=parse_plan_table(text.encode(), "x.txt"), mapping={"区融媒体中心": NEW_DEPARTMENT}
    )
    assert result.departments_created == ["区融媒体中心"]
    action = result.plan.actions.get(number=1)
    assert "区融媒体中心" in [a.department.name for a in action.assignments.all()]


def _xlsx_without(column: str) -> bytes:
    parsed = parse_plan_table(seed_bytes(), SEED.name)
    book = Workbook()
    sheet = book.active
    headers = [h for h in ["内容", "工作任务目标", "责任部门", "完成时限"] if h != column]
    sheet.append(headers)
    for action in parsed.actions:
        values = {
            "内容": f"（{action.numeral}）{action.title}",
            "工作任务目标": action.targets,
            "责任部门": "、".join(action.departments),
            "完成时限": action.deadline,
        }
        sheet.append([values[h] for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _docx_without_table() -> bytes:
    document = Document()
    document.add_paragraph("这里没有表格")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("cut.txt", lambda: seed_bytes()[: len(seed_bytes()) - 400], "截断"),
        ("plan.docx", _docx_without_table, "表格"),
        ("plan.xlsx", lambda: _xlsx_without("责任部门"), "责任部门"),
        ("empty.txt", lambda: b"", "空"),
        ("junk.bin", lambda: bytes(range(256)) * 8, ""),
    ],
)
def test_a_malformed_table_is_explained_and_changes_nothing(
    reference, tmp_path, name, make, message
) -> None:  # noqa: ANN001
    before = _state()
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(path))
    assert message in str(error.value)
    assert str(error.value).strip()
    assert _state() == before


def test_the_command_previews_with_dry_run_and_loads_tasks(reference, capsys) -> None:  # noqa: ANN001
    call_command("import_plan", str(SEED), "--dry-run")
    assert not Plan.objects.exists()
    call_command("import_plan", str(SEED), "--tasks", str(TASKS), "--name", "三年行动")
    plan = Plan.objects.get(name="三年行动")
    assert plan.actions.count() == 10
    assert Task.objects.filter(action__plan=plan).count() == 33
    verify = Task.objects.get(action__number=10, position=1)
    assert verify.assignments.get(is_lead=True).department.name == "区残联"
    assert verify.assignments.filter(department__kind="town").count() == 10


def test_years_can_be_given_when_the_title_has_none(reference) -> None:  # noqa: ANN001
    text = seed_bytes().decode("utf-8").replace("2022—2024年", "")
    parsed = parse_plan_table(text.encode(), "x.txt")
    with pytest.raises(PlanImportError, match="年份"):
        plan_preview(parsed=parsed)
    plan = plan_import_commit(parsed=parsed, years=(2025, 2027), name="2025—2027年方案").plan
    assert plan.years == [2025, 2026, 2027]


def test_a_table_that_is_not_a_plan_is_refused() -> None:
    with pytest.raises(PlanTableError):
        parse_plan_table("姓名,身份证号\n张三,1\n".encode(), "people.csv")


IMPORTED_ROWS = Path(__file__).parent / "seed_import_rows.json"


def _imported_rows() -> dict[str, list]:
    """Every row the seed's import and its task split write (sorted: their ids are random), and
    their audit entries in the order they were written; ids are replaced by the row they name,
    timestamps left out."""
    tables = (Plan, Action, ActionDepartment, ReportingPeriod, Task, TaskDepartment)
    named: dict[tuple[str, str], str] = {}
    rows: dict[str, list] = {}
    for model in tables:
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in {"id", "created_at", "updated_at"}
        ]
        rows[model.__name__] = []
        for obj in model.objects.order_by("pk"):
            label = f"{model.__name__}:{obj}"
            named[(model._meta.model_name, str(obj.pk))] = label
            rows[model.__name__].append(
                {
                    f.name: named.get(
                        (f.related_model._meta.model_name, str(f.value_from_object(obj))),
                        str(f.value_from_object(obj)),
                    )
                    if f.related_model in tables
                    else str(f.value_from_object(obj))
                    for f in fields
                }
            )
        rows[model.__name__].sort(key=lambda row: json.dumps(row, ensure_ascii=False))
    relations = {
        f.name: f.related_model._meta.model_name
        for model in tables
        for f in model._meta.concrete_fields
        if f.related_model in tables
    }
    rows["LogEntry"] = [
        {
            "model": entry.content_type.model,
            "object": named[(entry.content_type.model, entry.object_pk)],
            "object_repr": entry.object_repr,
            "action": entry.action,
            "changes": {
                name: [
                    named.get((relations[name], value), value) if name in relations else value
                    for value in values
                ]
                for name, values in sorted(entry.changes_dict.items())
                if name not in {"id", "created_at", "updated_at"}
            },
            "actor": str(entry.actor_id),
            "additional_data": entry.additional_data,
        }
        for entry in LogEntry.objects.filter(content_type__app_label="actionplan").order_by("pk")
    ]
    return rows


def test_the_seed_and_its_tasks_import_to_the_same_rows_and_audit_entries(reference) -> None:  # noqa: ANN001
    """The rows and audit entries the seed's import writes (the ``plan`` fixture), as they were
    before the import read departments and actions once (seed_import_rows.json)."""
    from conftest import plan_create

    plan_create()
    assert _imported_rows() == json.loads(IMPORTED_ROWS.read_text(encoding="utf-8"))
