"""Issue 14, security 4: whether an ID number is registered (and so, that someone has a
disability) must not show through any import a town officer runs. For every import kind that
names a person by ID number, a number registered in another town and a number never
registered get byte-identical answers: the same message, in the same column, with the same
counts, in the check and in the import. The persons kind answers both as new (ADR 0011).

The kinds are found from the registry of import kinds, so a new kind that names a person by
ID number and is not listed here fails ``test_every_kind_that_names_a_person_is_covered``.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import VILLAGE_A, make_id_number
from jiuye.core.importing import run_import
from jiuye.core.importing.base import _KINDS, _discover
from jiuye.core.masking import mask_id_number
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE
from jiuye.people.importing import PersonByIdNumber
from jiuye.training.models import Enrolment
from jiuye.training.tests.course_fixtures import make_course, make_provider

pytestmark = pytest.mark.django_db

UNREGISTERED = make_id_number(seq=777)
TYPED_NAME = "王五"

Row = Callable[[str, str, Any], tuple[list[str], list[str]]]


def _employment(number: str, name: str, _course: Any) -> tuple[list[str], list[str]]:
    header = ["身份证号码", "姓名", "就业形式", "用人单位", "入职日期", "合同类型"]
    return header, [number, name, "按比例就业", "东城小吃店", "2024-03-01", "固定期限劳动合同"]


def _services(number: str, _name: str, _course: Any) -> tuple[list[str], list[str]]:
    day = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    return ["身份证号码", "服务类型", "服务日期", "服务方式"], [number, "援助走访", day, "上门"]


def _enrolments(number: str, _name: str, course: Any) -> tuple[list[str], list[str]]:
    header = ["课程名称", "开班日期", "身份证号", "状态"]
    return header, [course.title, course.start_date.isoformat(), number, "在学"]


def _attendance(number: str, _name: str, course: Any) -> tuple[list[str], list[str]]:
    header = ["课程名称", "开班日期", "身份证号", "上课日期", "出勤"]
    start = course.start_date.isoformat()
    return header, [course.title, start, number, start, "是"]


def _aux_members(number: str, _name: str, _course: Any) -> tuple[list[str], list[str]]:
    from jiuye.programs.models import AuxInstitution
    from jiuye.programs.tests.auxiliary_fixtures import institution

    if not AuxInstitution.objects.filter(name="东城阳光家园").exists():
        institution("东城阳光家园")
    return ["机构名称", "身份证号", "进入日期"], ["东城阳光家园", number, "2025-02-01"]


def _charity_beneficiaries(number: str, _name: str, _course: Any) -> tuple[list[str], list[str]]:
    return ["身份证号", "受益日期", "参加培训", "实现就业"], [number, "2025-03-02", "是", "否"]


def _charity_project() -> Any:
    from jiuye.programs.tests.charity_fixtures import project

    return project()


def _monitoring(number: str, name: str, _course: Any) -> tuple[list[str], list[str]]:
    header = ["身份证号", "姓名", "监测对象类别", "识别监测时间", "风险消除时间"]
    return header, [number, name, "边缘易致贫户", "2025-04-01", ""]


ROWS: dict[str, Row] = {
    "aux_members": _aux_members,
    "charity_beneficiaries": _charity_beneficiaries,
    "monitoring_objects": _monitoring,
    "employment": _employment,
    "services": _services,
    "enrolments": _enrolments,
    "attendance": _attendance,
}
# The record a kind with a ``parent_model`` imports into (its batches are started there).
PARENTS: dict[str, Callable[[], Any]] = {"charity_beneficiaries": _charity_project}


def _write(path: Path, header: list[str], row: list[str]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, row])
    return path


def answer(result: Any, number: str) -> dict[str, Any]:
    """What the user is told about a one-row file, with the number itself taken out (the only
    thing that differs between the two files)."""

    def plain(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(number, "<number>").replace(mask_id_number(number), "<masked>")
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    batch = result.batch
    batch.refresh_from_db()
    return plain(
        {
            "counts": (result.rows, result.valid, result.invalid),
            "writes": (result.created, result.updated, result.unchanged),
            "message": result.message,
            "errors": result.errors,
            "status": batch.status,
            "batch": (batch.created, batch.updated, batch.unchanged, batch.invalid_rows),
            "preview": batch.errors_preview,
        }
    )


@pytest.fixture
def course(reference) -> Any:  # noqa: ANN001
    return make_course(make_provider())


def test_every_kind_that_names_a_person_is_covered() -> None:
    _discover()
    naming = {
        name
        for name, kind in _KINDS.items()
        if (kind.importable or kind.parent_model is not None)
        and any(isinstance(c, PersonByIdNumber) for c in kind.columns)
    }
    assert naming <= set(ROWS), f"add a row builder for: {sorted(naming - set(ROWS))}"


@pytest.mark.parametrize("kind", sorted(ROWS))
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_number_registered_elsewhere_is_answered_as_an_unregistered_one(
    tmp_path, personas, person_a, person_b, course, kind, dry_run
) -> None:  # noqa: ANN001
    build = ROWS[kind]
    parent = PARENTS[kind]() if kind in PARENTS else None
    Enrolment.objects.create(course=course, person=person_a, enrolled_on=course.start_date)
    # The row is right for a person in the officer's town: only the number decides.
    header, mine = build(person_a.id_number, person_a.name, course)
    checked = run_import(
        kind=kind, path=_write(tmp_path / "mine.csv", header, mine), dry_run=True,
        by=personas["town_a"], parent=parent,
    )  # fmt: skip
    assert (checked.valid, checked.invalid) == (1, 0), checked.errors
    answers = []
    for name, number in (("elsewhere", person_b.id_number), ("unregistered", UNREGISTERED)):
        header, row = build(number, TYPED_NAME, course)
        path = _write(tmp_path / f"{name}.csv", header, row)
        result = run_import(
            kind=kind, path=path, dry_run=dry_run, by=personas["town_a"], parent=parent
        )
        answers.append(answer(result, number))
    elsewhere, unregistered = answers
    assert elsewhere == unregistered
    (error,) = elsewhere["errors"][0]["errors"]
    assert error["message"] == str(NOT_FOUND_IN_SCOPE)


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_persons_kind_answers_a_number_registered_elsewhere_as_a_new_one(
    tmp_path, personas, person_b, dry_run
) -> None:  # noqa: ANN001
    header = ["姓名", "身份证号", "残疾类别", "残疾等级", "联系电话", "村社区代码"]
    answers = []
    for name, number in (("elsewhere", person_b.id_number), ("unregistered", UNREGISTERED)):
        path = _write(
            tmp_path / f"{name}.csv", header, [TYPED_NAME, number, "4", "2", "", VILLAGE_A]
        )
        result = run_import(kind="persons", path=path, dry_run=dry_run, by=personas["town_a"])
        answers.append(answer(result, number))
    elsewhere, unregistered = answers
    assert elsewhere == unregistered
    assert elsewhere["writes"] == (1, 0, 0)
    person_b.refresh_from_db()
    assert (person_b.name, person_b.version) == ("李四", 1)


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_persons_kind_asks_a_new_persons_columns_of_a_number_registered_elsewhere(
    tmp_path, personas, person_b, dry_run
) -> None:  # noqa: ANN001
    """A registered person keeps their category when a row leaves it out; a row about
    someone elsewhere must be refused as a new person's would be, not let through."""
    header = ["姓名", "身份证号", "村社区代码"]
    answers = []
    for name, number in (("elsewhere", person_b.id_number), ("unregistered", UNREGISTERED)):
        path = _write(tmp_path / f"{name}.csv", header, [TYPED_NAME, number, VILLAGE_A])
        result = run_import(kind="persons", path=path, dry_run=dry_run, by=personas["town_a"])
        answers.append(answer(result, number))
    assert answers[0] == answers[1]
    assert answers[0]["counts"] == (1, 0, 1)
