"""The ``courses``, ``enrolments`` and ``attendance`` import kinds: valid files, every bad row
named with its row number in a dry run that writes nothing, idempotent re-imports, scope of the
town officer, and rollback."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from conftest import make_id_number
from jiuye.core.importing import (
    RollbackError,
    batch_rollback,
    get_kind,
    run_import,
    template_xlsx,
    write_export,
)
from jiuye.core.models import ImportBatch
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE
from jiuye.core.tests.imports import errors_of, write_csv
from jiuye.training.models import Attendance, Course, Enrolment, EnrolmentStatus
from jiuye.training.services import courses as services
from jiuye.training.tests import course_fixtures as fx
from jiuye.training.tests.course_fixtures import enrol, today

pytestmark = pytest.mark.django_db

provider_a, provider_b, course_a = fx.provider_a, fx.provider_b, fx.course_a

COURSE_HEADER = [
    *("培训机构", "课程名称", "培训类型", "培训方式", "面向残疾类别", "开班日期", "结业日期"),
    *("课时", "名额", "资金来源", "经费", "可获证书", "证书等级", "说明"),
]
ENROL_HEADER = ["课程名称", "开班日期", "身份证号", "报名日期", "状态", "结业日期", "退出原因"]
ATTEND_HEADER = ["课程名称", "开班日期", "身份证号", "上课日期", "出勤"]


def course_row(**over: str) -> list[str]:
    values = {
        "培训机构": "东城职业技能培训学校",
        "课程名称": "电商客服培训班",
        "培训类型": "电商",
        "培训方式": "线上",
        "面向残疾类别": "肢体、听力残疾",
        "开班日期": "2025-03-01",
        "结业日期": "2025/3/20",
        "课时": "80",
        "名额": "30人",
        "资金来源": "残疾人就业保障金",
        "经费": "30,000元",
        "可获证书": "结业证书",
        "证书等级": "",
        "说明": "",
    }
    values.update(over)
    return [values[h] for h in COURSE_HEADER]


# --- courses --------------------------------------------------------------------------------


def test_a_courses_file_creates_courses_with_every_field(tmp_path, personas, provider_a) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "c.csv", COURSE_HEADER, [course_row()])
    result = run_import(kind="courses", path=path, dry_run=False, by=personas["district"])
    assert result.ok, result.message
    course = Course.objects.get()
    assert (course.provider, course.kind, course.mode) == (provider_a, "ecommerce", "online")
    assert (course.start_date, course.end_date) == (dt.date(2025, 3, 1), dt.date(2025, 3, 20))
    assert (course.hours, course.places, course.funding_amount) == (80, 30, 30000)
    assert sorted(c.pk for c in course.target_categories.all()) == [2, 4]
    assert (course.certificate_kind, course.import_batch) == ("completion", result.batch)


def test_a_courses_dry_run_names_every_bad_row_and_writes_nothing(
    tmp_path, personas, provider_a
) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "c.csv",
        COURSE_HEADER,
        [
            course_row(),  # row 2: fine
            course_row(培训机构="不存在的学校"),  # row 3
            course_row(课程名称="", 开班日期="2025-04-01"),  # row 4
            course_row(课程名称="B", 结业日期="2025-02-01"),  # row 5: ends before it starts
            course_row(课程名称="C", 名额="0"),  # row 6
            course_row(课程名称="D", 培训类型="烹饪"),  # row 7
            course_row(课程名称="E", 开班日期="三月"),  # row 8
            course_row(),  # row 9: same as row 2
        ],
    )
    result = run_import(kind="courses", path=path, dry_run=True, by=personas["district"])
    assert (result.rows, result.valid, result.invalid) == (8, 1, 7)
    errors = errors_of(result)
    rows = sorted({row for row, _c, _m in errors})
    assert rows == [3, 4, 5, 6, 7, 8, 9]
    assert any(r == 3 and c == "培训机构" and "没有名为“不存在的学校”" in m for r, c, m in errors)
    assert any(r == 4 and c == "课程名称" and m == "请填写课程名称。" for r, c, m in errors)
    assert any(r == 5 and c == "结业日期" and "早于开班日期" in m for r, c, m in errors)
    assert any(r == 6 and c == "名额" and "名额至少为 1" in m for r, c, m in errors)
    assert any(r == 7 and c == "培训类型" and "“烹饪”不是可选的值" in m for r, c, m in errors)
    assert any(r == 8 and c == "开班日期" for r, c, m in errors)
    assert any(r == 9 and "与第2行重复" in m for r, c, m in errors)
    assert not Course.objects.exists()


def test_re_importing_courses_changes_nothing_and_an_edit_updates(
    tmp_path, personas, provider_a
) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "c.csv", COURSE_HEADER, [course_row()])
    by = personas["district"]
    assert run_import(kind="courses", path=path, dry_run=False, by=by).created == 1
    again = run_import(kind="courses", path=path, dry_run=False, by=by)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    path = write_csv(
        tmp_path / "c2.csv", COURSE_HEADER, [course_row(名额="40", 面向残疾类别="视力")]
    )
    changed = run_import(kind="courses", path=path, dry_run=False, by=by)
    assert (changed.created, changed.updated) == (0, 1)
    course = Course.objects.get()
    assert (course.places, course.version, course.import_batch) == (40, 2, changed.batch)
    assert [c.pk for c in course.target_categories.all()] == [1]
    batch_rollback(batch=changed.batch, by=by)
    course.refresh_from_db()
    assert (course.places, course.version) == (30, 1)
    assert sorted(c.pk for c in course.target_categories.all()) == [2, 4]


def test_a_town_officer_imports_only_their_towns_courses(tmp_path, personas, provider_b) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "c.csv", COURSE_HEADER, [course_row(培训机构="西城盲人按摩实训基地")]
    )
    result = run_import(kind="courses", path=path, dry_run=True, by=personas["town_a"])
    assert errors_of(result) == [(2, "培训机构", "您只能导入本镇街培训机构的课程。")]


def test_leaders_may_not_import_courses(tmp_path, personas, provider_a) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "c.csv", COURSE_HEADER, [course_row()])
    result = run_import(kind="courses", path=path, dry_run=True, by=personas["leader"])
    assert not result.ok and "只有区残联工作人员" in result.message


def test_a_created_course_rolls_back_unless_it_has_enrolments(
    tmp_path, personas, provider_a, person_a
) -> None:  # noqa: ANN001
    by = personas["district"]
    path = write_csv(tmp_path / "c.csv", COURSE_HEADER, [course_row()])
    first = run_import(kind="courses", path=path, dry_run=False, by=by)
    batch_rollback(batch=first.batch, by=by)
    assert not Course.objects.exists()
    second = run_import(kind="courses", path=path, dry_run=False, by=by)
    enrol(Course.objects.get(), person_a)
    with pytest.raises(RollbackError):
        batch_rollback(batch=second.batch, by=by)
    assert Course.objects.count() == 1


def test_a_course_edited_after_its_import_is_not_rolled_back(
    tmp_path, personas, provider_a
) -> None:  # noqa: ANN001
    by = personas["district"]
    path = write_csv(tmp_path / "c.csv", COURSE_HEADER, [course_row()])
    result = run_import(kind="courses", path=path, dry_run=False, by=by)
    course = Course.objects.get()
    services.course_update(course=course, by=by, version=course.version, places=12)
    with pytest.raises(RollbackError):
        batch_rollback(batch=result.batch, by=by)


# --- enrolments -----------------------------------------------------------------------------


def enrol_row(course, id_number: str, **over: str) -> list[str]:  # noqa: ANN001
    values = {
        "课程名称": course.title,
        "开班日期": course.start_date.isoformat(),
        "身份证号": id_number,
        "报名日期": "",
        "状态": "在学",
        "结业日期": "",
        "退出原因": "",
    }
    values.update(over)
    return [values[h] for h in ENROL_HEADER]


def test_an_enrolments_file_enrols_completes_and_drops(
    tmp_path, personas, course_a, person_a, person_b
) -> None:  # noqa: ANN001
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    third = fx_person(303, "王五")
    path = write_csv(
        tmp_path / "e.csv",
        ENROL_HEADER,
        [
            enrol_row(course_a, make_id_number(seq=101)),
            enrol_row(course_a, make_id_number(seq=202), 状态="已结业", 结业日期=yesterday),
            enrol_row(course_a, make_id_number(seq=303), 状态="中途退出", 退出原因="已就业"),
        ],
    )
    result = run_import(kind="enrolments", path=path, dry_run=False, by=personas["district"])
    assert result.ok, result.message
    assert result.created == 3  # over the 2 places: the import is the confirmation
    by_person = {e.person_id: e for e in Enrolment.objects.all()}
    assert by_person[person_a.pk].status == EnrolmentStatus.ENROLLED
    assert by_person[person_a.pk].enrolled_on == course_a.start_date
    done = by_person[person_b.pk]
    assert (done.status, done.completed_on.isoformat()) == ("completed", yesterday)
    left = by_person[third.pk]
    assert (left.status, left.drop_reason, left.dropped_on) == ("dropped", "employed", today())
    again = run_import(kind="enrolments", path=path, dry_run=False, by=personas["district"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def fx_person(seq: int, name: str):  # noqa: ANN201
    from conftest import VILLAGE_A
    from jiuye.people.services import person_register
    from jiuye.reference.models import Region

    return person_register(
        name=name, id_number=make_id_number(seq=seq), region=Region.objects.get(code=VILLAGE_A)
    )


def test_an_enrolments_dry_run_names_bad_rows_and_masks_ids(
    tmp_path, personas, course_a, person_a, person_b
) -> None:  # noqa: ANN001
    unknown = make_id_number(seq=999)
    path = write_csv(
        tmp_path / "e.csv",
        ENROL_HEADER,
        [
            enrol_row(course_a, make_id_number(seq=101)),  # row 2: fine
            enrol_row(course_a, make_id_number(seq=202)),  # row 3: 西城, out of scope
            enrol_row(course_a, unknown),  # row 4: not registered
            enrol_row(course_a, "12345"),  # row 5: not an ID number
            enrol_row(course_a, make_id_number(seq=101), 课程名称="没有的课"),  # row 6
            enrol_row(course_a, make_id_number(seq=101), 状态="中途退出"),  # row 7: no reason
            enrol_row(course_a, make_id_number(seq=101), 状态="毕业"),  # row 8
        ],
    )
    result = run_import(kind="enrolments", path=path, dry_run=True, by=personas["town_a"])
    assert (result.valid, result.invalid) == (1, 6)
    errors = errors_of(result)
    assert sorted({r for r, _c, _m in errors}) == [3, 4, 5, 6, 7, 8]
    assert any(r == 3 and c == "身份证号" and m == NOT_FOUND_IN_SCOPE for r, c, m in errors)
    assert all(unknown not in m for _r, _c, m in errors)
    assert any(r == 6 and c == "课程名称" and "没有开班日期为" in m for r, c, m in errors)
    assert any(r == 7 and c == "退出原因" and "请选择退出原因" in m for r, c, m in errors)
    assert any(r == 8 and c == "状态" for r, c, m in errors)
    assert not Enrolment.objects.exists()


def test_an_enrolment_row_dated_after_today_is_refused_naming_the_day(
    tmp_path, personas, course_a, person_a
) -> None:  # noqa: ANN001
    tomorrow = today() + dt.timedelta(days=1)
    path = write_csv(
        tmp_path / "e.csv",
        ENROL_HEADER,
        [enrol_row(course_a, make_id_number(seq=101), 报名日期=tomorrow.isoformat())],
    )
    result = run_import(kind="enrolments", path=path, dry_run=True, by=personas["district"])
    message = f"报名日期不能晚于今天（{today():%Y-%m-%d}）。"
    assert errors_of(result) == [(2, "报名日期", message)]


def test_an_enrolments_import_rolls_back(tmp_path, personas, course_a, person_a) -> None:  # noqa: ANN001
    by = personas["district"]
    yesterday = today() - dt.timedelta(days=1)
    existing = enrol(course_a, person_a)
    path = write_csv(
        tmp_path / "e.csv",
        ENROL_HEADER,
        [
            enrol_row(
                course_a, make_id_number(seq=101), 状态="已结业", 结业日期=yesterday.isoformat()
            )
        ],
    )
    result = run_import(kind="enrolments", path=path, dry_run=False, by=by)
    assert result.updated == 1, result.errors
    existing.refresh_from_db()
    assert (existing.status, existing.completed_on, existing.version) == ("completed", yesterday, 2)
    batch_rollback(batch=result.batch, by=by)
    existing.refresh_from_db()
    assert (existing.status, existing.completed_on, existing.version) == ("enrolled", None, 1)
    assert ImportBatch.objects.get(pk=result.batch.pk).status == ImportBatch.Status.ROLLED_BACK


# --- attendance -----------------------------------------------------------------------------


def attend_row(course, id_number: str, day: dt.date, present: str = "是") -> list[str]:  # noqa: ANN001
    return [course.title, course.start_date.isoformat(), id_number, day.isoformat(), present]


def test_an_attendance_file_records_days_and_re_imports_unchanged(
    tmp_path, personas, course_a, person_a
) -> None:  # noqa: ANN001
    enrol(course_a, person_a)
    by = personas["town_a"]
    ids = make_id_number(seq=101)
    day1, day2 = course_a.start_date, course_a.start_date + dt.timedelta(days=1)
    path = write_csv(
        tmp_path / "a.csv",
        ATTEND_HEADER,
        [attend_row(course_a, ids, day1), attend_row(course_a, ids, day2, "否")],
    )
    result = run_import(kind="attendance", path=path, dry_run=False, by=by)
    assert result.ok and result.created == 2, result.message
    assert [(a.date, a.present) for a in Attendance.objects.order_by("date")] == [
        (day1, True),
        (day2, False),
    ]
    again = run_import(kind="attendance", path=path, dry_run=False, by=by)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    path = write_csv(tmp_path / "b.csv", ATTEND_HEADER, [attend_row(course_a, ids, day2, "是")])
    changed = run_import(kind="attendance", path=path, dry_run=False, by=by)
    assert changed.updated == 1
    batch_rollback(batch=changed.batch, by=by)
    assert Attendance.objects.get(date=day2).present is False
    batch_rollback(batch=result.batch, by=by)
    assert not Attendance.objects.exists()


def test_attendance_outside_the_course_period_is_refused_with_the_services_message(
    tmp_path, personas, course_a, person_a, person_b
) -> None:  # noqa: ANN001
    enrol(course_a, person_a)
    before = course_a.start_date - dt.timedelta(days=1)
    path = write_csv(
        tmp_path / "a.csv",
        ATTEND_HEADER,
        [
            attend_row(course_a, make_id_number(seq=101), before),  # row 2
            attend_row(course_a, make_id_number(seq=202), course_a.start_date),  # row 3
            attend_row(course_a, make_id_number(seq=101), course_a.start_date, "也许"),  # row 4
        ],
    )
    result = run_import(kind="attendance", path=path, dry_run=True, by=personas["district"])
    errors = errors_of(result)
    expected = (
        f"上课日期 {before:%Y-%m-%d} 不在课程开班至结业期间"
        f"（{course_a.start_date:%Y-%m-%d}至{course_a.end_date:%Y-%m-%d}）"
    )
    assert any(r == 2 and c == "上课日期" and m.startswith(expected) for r, c, m in errors)
    assert any(r == 3 and "没有报名这个课程" in m for r, c, m in errors)
    assert any(r == 4 and c == "出勤" for r, c, m in errors)
    assert not Attendance.objects.exists()


def test_an_exported_courses_file_imports_back_unchanged(tmp_path, personas, course_a) -> None:  # noqa: ANN001
    kind = get_kind("courses")
    path = tmp_path / "export.csv"
    assert write_export(kind, kind.export_queryset({}), path, reveal=False) == 1
    result = run_import(kind="courses", path=path, dry_run=False, by=personas["district"])
    assert (result.unchanged, result.invalid) == (1, 0), result.errors


def test_each_training_kind_has_a_template_with_its_required_columns() -> None:
    for name, first in (
        ("courses", "培训机构*"),
        ("enrolments", "课程名称*"),
        ("attendance", "课程名称*"),
    ):
        book = load_workbook(io.BytesIO(template_xlsx(get_kind(name))))
        assert next(book.active.values)[0] == first


# --- the import applies the enrolment services' rules ----------------------------------------


def _one_enrolment_row(tmp_path, course, header: list[str], row: list[str], by):  # noqa: ANN001, ANN202
    path = write_csv(tmp_path / "rules.csv", header, [row])
    return run_import(kind="enrolments", path=path, dry_run=True, by=by)


def test_a_drop_out_for_another_reason_needs_a_note_as_on_the_drop_form(
    tmp_path, personas, course_a, person_a
) -> None:  # noqa: ANN001
    enrol(course_a, person_a)
    ids = make_id_number(seq=101)
    header = [*ENROL_HEADER, "备注"]
    row = [*enrol_row(course_a, ids, 状态="中途退出", 退出原因="其他"), ""]
    result = _one_enrolment_row(tmp_path, course_a, header, row, personas["district"])
    assert errors_of(result) == [(2, "备注", "退出原因选择“其他”时，请在备注中写明原因。")]
    row[-1] = "搬家到外地"
    assert _one_enrolment_row(tmp_path, course_a, header, row, personas["district"]).ok


def test_a_completed_enrolment_is_not_turned_back_into_in_class(
    tmp_path, personas, course_a, person_a
) -> None:  # noqa: ANN001
    from jiuye.training.services import enrolments

    enrolment = enrol(course_a, person_a)
    enrolments.enrolment_complete(enrolment=enrolment, by=None, on=today())
    row = enrol_row(course_a, make_id_number(seq=101), 状态="在学")
    result = _one_enrolment_row(tmp_path, course_a, ENROL_HEADER, row, personas["district"])
    assert errors_of(result) == [(2, "状态", "这条报名的状态是“已结业”，不能改回“在学”。")]


def test_a_dropped_enrolment_is_not_completed_by_an_import(
    tmp_path, personas, course_a, person_a
) -> None:  # noqa: ANN001
    from jiuye.training.services import enrolments

    enrolment = enrol(course_a, person_a)
    enrolments.enrolment_drop(enrolment=enrolment, by=None, on=today(), reason="employed")
    row = enrol_row(course_a, make_id_number(seq=101), 状态="已结业")
    result = _one_enrolment_row(tmp_path, course_a, ENROL_HEADER, row, personas["district"])
    assert errors_of(result) == [
        (2, "状态", "只有“在学”的学员可以登记结业，这条报名的状态是：中途退出。")
    ]


def test_a_file_without_a_status_column_leaves_the_status_alone(
    tmp_path, personas, course_a, person_a
) -> None:  # noqa: ANN001
    from jiuye.training.services import enrolments

    enrolment = enrol(course_a, person_a)
    enrolments.enrolment_complete(enrolment=enrolment, by=None, on=today())
    header = ["课程名称", "开班日期", "身份证号"]
    row = [course_a.title, course_a.start_date.isoformat(), make_id_number(seq=101)]
    path = write_csv(tmp_path / "ids.csv", header, [row])
    result = run_import(kind="enrolments", path=path, dry_run=False, by=personas["district"])
    assert (result.ok, result.unchanged) == (True, 1), result.errors
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.completed_on) == ("completed", today())


def test_an_attendance_rollback_refuses_after_the_sheet_changed_the_day_and_is_audited(
    tmp_path, personas, course_a, person_a
) -> None:  # noqa: ANN001
    from auditlog.models import LogEntry

    from jiuye.training.services import enrolments

    enrolment = enrol(course_a, person_a)
    by, day = personas["town_a"], course_a.start_date
    path = write_csv(
        tmp_path / "a.csv", ATTEND_HEADER, [attend_row(course_a, make_id_number(seq=101), day)]
    )
    result = run_import(kind="attendance", path=path, dry_run=False, by=by)
    assert result.created == 1
    batch = str(result.batch.pk)
    assert LogEntry.objects.filter(additional_data__batch=batch).count() == 1
    enrolments.attendance_set(enrolment=enrolment, date=day, present=False, by=by)
    with pytest.raises(RollbackError, match="之后又在考勤表上修改过"):
        batch_rollback(batch=result.batch, by=by)
    assert Attendance.objects.get().present is False
    # Put back as imported (present), the day was still edited after the import.
    enrolments.attendance_set(enrolment=enrolment, date=day, present=True, by=by)
    with pytest.raises(RollbackError):
        batch_rollback(batch=result.batch, by=by)


def test_an_attendance_rollback_removes_the_days_and_writes_audit_entries(
    tmp_path, personas, course_a, person_a
) -> None:  # noqa: ANN001
    from auditlog.models import LogEntry

    enrol(course_a, person_a)
    by, day = personas["town_a"], course_a.start_date
    path = write_csv(
        tmp_path / "a.csv", ATTEND_HEADER, [attend_row(course_a, make_id_number(seq=101), day)]
    )
    result = run_import(kind="attendance", path=path, dry_run=False, by=by)
    batch_rollback(batch=result.batch, by=by)
    assert not Attendance.objects.exists()
    deleted = LogEntry.objects.filter(
        additional_data__batch=str(result.batch.pk), action=LogEntry.Action.DELETE
    )
    assert deleted.count() == 1
