"""The ``graduates`` kind: the education bureau's list matched to the registry by ID number,
unmatched rows kept and listed (never dropped), a re-import next term updating the lines it
sent before, bad rows named, the export importing back, and rollback."""

from __future__ import annotations

import pytest

from conftest import register_person
from jiuye.core.importing import batch_rollback, get_kind, run_import, write_export
from jiuye.core.tests.imports import errors_of, write_csv
from jiuye.programs.models.graduates import GraduateRecord
from jiuye.programs.services.graduates import graduate_reject
from jiuye.programs.tests.graduate_fixtures import HEADER, UNREGISTERED_ID, import_lines, line

pytestmark = pytest.mark.django_db


def test_a_list_matches_registered_students_and_keeps_the_unregistered_as_unmatched(
    tmp_path, personas, person_a
) -> None:  # noqa: ANN001
    rows = [line(), line(姓名="王五", 身份证号=UNREGISTERED_ID, 学历层次="大专")]
    result = import_lines(tmp_path, rows, by=personas["district"])
    assert (result.created, result.invalid) == (2, 0)
    matched = GraduateRecord.objects.get(person=person_a)
    assert (matched.school, matched.major, matched.degree_level) == (
        "广州大学",
        "软件工程",
        "bachelor",
    )
    assert (matched.entry_year, matched.graduation_year, matched.phone) == (
        2022,
        2026,
        "13800138000",
    )
    unmatched = GraduateRecord.objects.get(person__isnull=True)
    assert (unmatched.name, unmatched.id_number) == ("王五", UNREGISTERED_ID)
    assert (unmatched.degree_level, unmatched.is_archived) == ("junior_college", False)


def test_re_importing_next_term_updates_the_lines_and_never_duplicates(
    tmp_path, personas, person_a
) -> None:  # noqa: ANN001
    first = [line(), line(姓名="王五", 身份证号=UNREGISTERED_ID)]
    import_lines(tmp_path, first, by=personas["district"])
    # Next term: a new major and a later graduation; 王五 has been registered meanwhile.
    wang = register_person(909, "王五")
    later = [
        line(专业="人工智能", 预计毕业年份="2027"),
        line(姓名="王五", 身份证号=UNREGISTERED_ID),
    ]
    result = import_lines(tmp_path, later, by=personas["district"], name="next.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    assert GraduateRecord.objects.count() == 2
    line_a = GraduateRecord.objects.get(person=person_a)
    assert (line_a.major, line_a.graduation_year) == ("人工智能", 2027)
    assert GraduateRecord.objects.get(id_number_index=wang.id_number_index).person == wang
    again = import_lines(tmp_path, later, by=personas["district"], name="again.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_student_at_a_new_school_is_a_new_line_of_the_same_person(
    tmp_path, personas, person_a
) -> None:  # noqa: ANN001
    import_lines(tmp_path, [line()], by=personas["district"])
    master = line(学校="华南师范大学", 学历层次="硕士", 入学年份="2026", 预计毕业年份="2029")
    import_lines(tmp_path, [master], by=personas["district"], name="m.csv")
    assert person_a.graduate_records.count() == 2


def test_a_rejected_line_stays_rejected_when_the_list_comes_again(tmp_path, personas) -> None:  # noqa: ANN001
    rows = [line(姓名="王五", 身份证号=UNREGISTERED_ID)]
    import_lines(tmp_path, rows, by=personas["district"])
    graduate_reject(
        pk=GraduateRecord.objects.get().pk, reason="非本区户籍", by=personas["district"]
    )
    result = import_lines(tmp_path, rows, by=personas["district"], name="again.csv")
    assert (result.created, result.unchanged) == (0, 1)
    assert GraduateRecord.objects.get().archived_reason == "非本区户籍"


def test_a_dry_run_names_every_bad_row_and_writes_nothing(tmp_path, personas, person_a) -> None:  # noqa: ANN001
    rows = [
        line(身份证号="440199199003071230"),
        line(入学年份="2024", 预计毕业年份="2023"),
        line(学校=""),
        line(学历层次="幼儿园"),
        line(身份证号="4401**********1235"),
    ]
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    result = run_import(kind="graduates", path=path, dry_run=True, by=personas["district"])
    errors = sorted(errors_of(result))
    assert [(row, column) for row, column, _message in errors] == [
        (2, "身份证号"),
        (3, "预计毕业年份"),
        (4, "学校"),
        (5, "学历层次"),
        (6, "身份证号"),
    ]
    assert "不能早于入学年份" in errors[1][2]
    assert "脱敏" in errors[4][2]
    assert not GraduateRecord.objects.exists()


def test_two_rows_of_one_student_at_one_school_and_year_are_named_as_duplicates(
    tmp_path, personas, person_a
) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "dup.csv", HEADER, [line(), line(专业="会计学")])
    result = run_import(kind="graduates", path=path, dry_run=True, by=personas["district"])
    assert [(row, message) for row, _c, message in errors_of(result)][0][0] == 3
    assert "身份证号、学校和入学年份" in errors_of(result)[0][2]


@pytest.mark.parametrize("who", ["town_a", "leader"])
def test_only_district_staff_import_the_bureaus_list(tmp_path, personas, who) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "g.csv", HEADER, [line()])
    result = run_import(kind="graduates", path=path, dry_run=False, by=personas[who])
    assert not result.ok
    assert "区残联" in result.message or "只有" in result.message
    assert not GraduateRecord.objects.exists()


def test_an_exported_list_imports_back_unchanged(tmp_path, personas, person_a) -> None:  # noqa: ANN001
    import_lines(tmp_path, [line(), line(姓名="王五", 身份证号=UNREGISTERED_ID)])
    kind = get_kind("graduates")
    path = tmp_path / "export.csv"
    assert write_export(kind, kind.export_queryset({}), path, reveal=True) == 2
    result = run_import(kind="graduates", path=path, dry_run=False, by=personas["district"])
    assert (result.unchanged, result.invalid) == (2, 0), result.errors


def test_a_batch_rolls_back_until_its_unmatched_line_is_handled(tmp_path, personas) -> None:  # noqa: ANN001
    district = personas["district"]
    result = import_lines(tmp_path, [line(姓名="王五", 身份证号=UNREGISTERED_ID)], by=district)
    batch_rollback(batch=result.batch, by=district)
    assert not GraduateRecord.objects.exists()
    second = import_lines(
        tmp_path, [line(姓名="王五", 身份证号=UNREGISTERED_ID)], by=district, name="2.csv"
    )
    graduate_reject(pk=GraduateRecord.objects.get().pk, reason="重复", by=district)
    with pytest.raises(Exception, match="不能自动撤销"):
        batch_rollback(batch=second.batch, by=district)
    assert GraduateRecord.objects.count() == 1


def test_an_id_number_ending_in_a_lowercase_x_is_matched(tmp_path, personas) -> None:  # noqa: ANN001
    person = register_person(708, "赵六")
    assert person.id_number.endswith("X")
    import_lines(tmp_path, [line(姓名="赵六", 身份证号=person.id_number.lower())])
    assert GraduateRecord.objects.get().person == person
