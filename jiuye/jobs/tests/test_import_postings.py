"""The ``postings`` import kind: a valid file, every bad row named with its row number in a dry
run that writes nothing, Chinese synonyms, idempotent re-imports, updates that remember their
batch, rollback, the town officer's limits and the template."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B, VILLAGE_A
from jiuye.core.importing import (
    RollbackError,
    batch_rollback,
    get_kind,
    run_import,
    template_xlsx,
)
from jiuye.core.models import ImportBatch
from jiuye.core.tests.imports import errors_of, row_of, write_csv
from jiuye.jobs.models import Posting, PostingStatus
from jiuye.jobs.services.postings import posting_update

pytestmark = pytest.mark.django_db

HEADER = ["单位统一社会信用代码", "岗位名称", "职业类别", "招聘人数", "工作地点", "可远程",
          "新就业形态", "工作时间", "月薪下限", "月薪上限", "合同类型", "最低学历", "技能要求",
          "适合残疾类别", "无障碍条件", "面向人群", "截止日期", "岗位描述", "状态"]  # fmt: skip


def row(uscc: str, **over: str) -> list[str]:
    values = {
        "单位统一社会信用代码": uscc,
        "岗位名称": "电商客服",
        "职业类别": "4-04",
        "招聘人数": "3",
        "工作地点": "东城街道 建设社区",
        "可远程": "是",
        "新就业形态": "云客服",
        "工作时间": "弹性",
        "月薪下限": "3000",
        "月薪上限": "4,500元",
        "合同类型": "固定期限",
        "最低学历": "高中",
        "技能要求": "电商客服、打字；普通话",
        "适合残疾类别": "视力残疾、肢体",
        "无障碍条件": "读屏软件、弹性工作时间",
        "面向人群": "毕业生",
        "截止日期": "",
        "岗位描述": "在线回答顾客的问题",
        "状态": "已发布",
    }
    return row_of(HEADER, values, **over)


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    return write_csv(path, header, rows)


def run(path: Path, *, by=None, dry_run: bool = False):  # noqa: ANN001, ANN201
    return run_import(kind="postings", path=path, dry_run=dry_run, by=by)


def test_a_valid_file_creates_postings_with_every_field(
    tmp_path, personas, employer_a, employer_b
) -> None:  # noqa: ANN001
    path = write(
        tmp_path / "p.csv",
        [
            row(employer_a.uscc),
            row(
                employer_b.uscc,
                岗位名称="仓库理货员",
                工作地点=TOWN_B,
                可远程="",
                新就业形态="",
                工作时间="",
                适合残疾类别="",
                无障碍条件="",
                面向人群="",
                状态="",
            ),  # fmt: skip
        ],
    )
    result = run(path, by=personas["district"])
    assert result.ok, result.message
    assert (result.created, result.invalid) == (2, 0)
    posting = Posting.objects.get(title="电商客服")
    assert posting.employer == employer_a
    assert posting.region_id == VILLAGE_A
    assert (posting.openings, posting.is_remote) == (3, True)
    assert (posting.new_form_subtype, posting.hours) == ("cloud_service", "flexible")
    assert (posting.wage_min, posting.wage_max) == (3000, 4500)
    assert (posting.contract_type, posting.education_min) == ("fixed", "senior")
    assert posting.skills == ["电商客服", "打字", "普通话"]
    assert sorted(c.pk for c in posting.suitable_categories.all()) == [1, 4]
    assert posting.accessibility == ["screen_reader", "flexible_hours"]
    assert posting.target_groups == ["graduates"]
    assert posting.status == PostingStatus.PUBLISHED and posting.published_at
    assert posting.import_batch == result.batch
    assert "客服" in posting.terms.split() and "客服" in posting.title_terms.split()
    other = Posting.objects.get(title="仓库理货员")
    assert (other.status, other.hours, other.is_remote) == ("draft", "full_time", False)
    assert other.published_at is None


def test_a_dry_run_lists_every_bad_row_with_its_number_and_writes_nothing(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    path = write(
        tmp_path / "p.csv",
        [
            row(employer_a.uscc),  # row 2: fine
            row("91440199MA5NOPE001", 岗位名称="a"),  # row 3: bad code
            row(employer_a.uscc, 岗位名称=""),  # row 4
            row(employer_a.uscc, 岗位名称="B", 月薪下限="5000", 月薪上限="3000"),  # row 5
            row(employer_a.uscc, 岗位名称="C", 工作地点="建设社区"),  # row 6: in two towns
            row(employer_a.uscc, 岗位名称="D", 适合残疾类别="色盲"),  # row 7
            row(employer_a.uscc, 岗位名称="E", 截止日期=past),  # row 8: published, past
            row(employer_a.uscc, 岗位名称="F", 招聘人数="十"),  # row 9
            row(employer_a.uscc),  # row 10: same as row 2
            row(employer_a.uscc, 岗位名称="G", 截止日期=past, 状态="草稿"),  # row 11: fine
        ],
    )
    result = run(path, by=personas["district"], dry_run=True)
    assert (result.rows, result.valid, result.invalid, result.created) == (10, 2, 8, 2)
    found = {number: (column, message) for number, column, message in errors_of(result)}
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert found[3][0] == "单位统一社会信用代码"
    assert found[4] == ("岗位名称", "请填写岗位名称，例如：电商客服。")
    assert found[5][0] == "月薪下限" and "月薪下限不能高于上限" in found[5][1]
    assert "在几个镇街都有" in found[6][1]
    assert "“色盲”不是残疾类别" in found[7][1]
    assert found[8][0] == "截止日期" and "不能发布" in found[8][1]
    assert "1–10000" in found[9][1]
    assert "与第2行重复" in found[10][1]
    assert not Posting.objects.exists()
    assert result.batch.status == ImportBatch.Status.VALIDATED


def test_a_commit_with_bad_rows_writes_nothing(tmp_path, personas, employer_a) -> None:  # noqa: ANN001
    path = write(tmp_path / "p.csv", [row(employer_a.uscc), row(employer_a.uscc, 岗位名称="")])
    result = run(path, by=personas["district"])
    assert result.batch.status == ImportBatch.Status.FAILED
    assert not Posting.objects.exists()


def test_importing_the_same_file_again_changes_nothing(tmp_path, personas, employer_a) -> None:  # noqa: ANN001
    path = write(tmp_path / "p.csv", [row(employer_a.uscc), row(employer_a.uscc, 岗位名称="B")])
    first = run(path, by=personas["district"])
    again = run(path, by=personas["district"])
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert Posting.objects.count() == 2
    assert Posting.objects.get(title="B").version == 1


def test_a_changed_row_updates_its_posting_and_a_rollback_puts_it_back(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    first = run(write(tmp_path / "a.csv", [row(employer_a.uscc, 状态="草稿")]), by=None)
    posting = Posting.objects.get()
    assert posting.status == PostingStatus.DRAFT
    second = run(
        write(
            tmp_path / "b.csv",
            [row(employer_a.uscc, 招聘人数="5", 适合残疾类别="听力", 技能要求="直播")],
        ),
        by=personas["district"],
    )
    assert (second.updated, second.created) == (1, 0)
    posting.refresh_from_db()
    assert (posting.openings, posting.status, posting.version) == (5, "published", 2)
    assert [c.pk for c in posting.suitable_categories.all()] == [2]
    assert posting.skills == ["直播"] and posting.import_batch == second.batch

    batch_rollback(batch=second.batch, by=personas["district"])
    posting.refresh_from_db()
    assert (posting.openings, posting.status, posting.published_at) == (3, "draft", None)
    assert sorted(c.pk for c in posting.suitable_categories.all()) == [1, 4]
    assert posting.skills == ["电商客服", "打字", "普通话"]
    assert posting.import_batch == first.batch
    assert "客服" in posting.terms.split()

    batch_rollback(batch=first.batch, by=personas["district"])
    assert not Posting.objects.exists()


def test_a_rollback_refuses_when_a_posting_was_changed_since(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    result = run(write(tmp_path / "a.csv", [row(employer_a.uscc)]), by=personas["district"])
    posting = Posting.objects.get()
    posting_update(posting=posting, by=personas["district"], version=None, openings=9)
    with pytest.raises(RollbackError):
        batch_rollback(batch=result.batch, by=personas["district"])
    assert Posting.objects.filter(openings=9).exists()


def test_a_published_posting_is_not_taken_back_to_draft(tmp_path, personas, employer_a) -> None:  # noqa: ANN001
    run(write(tmp_path / "a.csv", [row(employer_a.uscc)]), by=None)
    result = run(write(tmp_path / "b.csv", [row(employer_a.uscc, 状态="草稿")]), by=None)
    assert result.unchanged == 1
    assert Posting.objects.get().status == PostingStatus.PUBLISHED


def test_a_town_officer_imports_only_postings_of_their_town(tmp_path, personas, employer_a) -> None:  # noqa: ANN001
    path = write(
        tmp_path / "p.csv",
        [row(employer_a.uscc, 工作地点=TOWN_A), row(employer_a.uscc, 工作地点=TOWN_B)],
    )
    result = run(path, by=personas["town_a"], dry_run=True)
    assert (result.valid, result.invalid) == (1, 1)
    assert errors_of(result)[0][:2] == (3, "工作地点")
    employer = run(path, by=personas["employer"], dry_run=True)
    assert employer.batch.status == ImportBatch.Status.FAILED
    assert "只有区残联工作人员" in employer.message


def test_the_template_names_every_column_and_marks_the_required(reference) -> None:  # noqa: ANN001
    kind = get_kind("postings")
    book = load_workbook(io.BytesIO(template_xlsx(kind)))
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[:2] == ["单位统一社会信用代码*", "岗位名称*"]
    assert [h.rstrip("*") for h in header] == HEADER
    assert "工作地点*" in header


def test_a_file_with_only_the_required_columns_leaves_the_rest_as_it_is(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    run(write(tmp_path / "a.csv", [row(employer_a.uscc)]), by=None)
    short = ["单位统一社会信用代码", "岗位名称", "工作地点"]
    path = write(tmp_path / "b.csv", [[employer_a.uscc, "电商客服", VILLAGE_A]], header=short)
    result = run(path, by=personas["district"])
    assert (result.unchanged, result.updated) == (1, 0)
    posting = Posting.objects.get()
    assert (posting.openings, posting.hours, posting.version) == (3, "flexible", 1)
    created = run(
        write(tmp_path / "c.csv", [[employer_a.uscc, "理货员", TOWN_A]], header=short), by=None
    )
    assert created.created == 1
    new = Posting.objects.get(title="理货员")
    assert (new.openings, new.hours, new.status) == (1, "full_time", "draft")


# --- the declared kind: the posting rules, rollback audit and scope -------------------------


def test_the_row_check_sees_the_stored_values_as_posting_update_does(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    run(write(tmp_path / "a.csv", [row(employer_a.uscc, 月薪上限="4000")]), by=None)
    short = ["单位统一社会信用代码", "岗位名称", "工作地点", "月薪下限"]
    path = write(tmp_path / "b.csv", [[employer_a.uscc, "电商客服", VILLAGE_A, "5000"]], short)
    result = run(path, by=personas["district"], dry_run=True)
    assert errors_of(result) == [(2, "月薪下限", "月薪下限不能高于上限，请核对两个金额。")]


def test_a_published_posting_past_its_deadline_re_imports_as_the_edit_form_saves_it(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    run(write(tmp_path / "a.csv", [row(employer_a.uscc)]), by=None)
    past = timezone.localdate() - dt.timedelta(days=3)
    Posting.objects.update(deadline=past)  # the deadline passed after publishing
    same = row(employer_a.uscc, 截止日期=past.isoformat(), 招聘人数="4")
    result = run(write(tmp_path / "b.csv", [same]), by=personas["district"])
    assert (result.ok, result.updated) == (True, 1), result.errors
    # Moving a published posting's deadline into the past is refused, as on the form.
    earlier = row(employer_a.uscc, 截止日期=(past - dt.timedelta(days=1)).isoformat())
    result = run(write(tmp_path / "c.csv", [earlier]), by=personas["district"], dry_run=True)
    assert [(r, c) for r, c, _m in errors_of(result)] == [(2, "截止日期")]


def test_a_rollback_writes_audit_entries_and_refuses_after_a_later_edit(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    from auditlog.models import LogEntry

    by = personas["district"]
    first = run(write(tmp_path / "a.csv", [row(employer_a.uscc)]), by=by)
    second = run(write(tmp_path / "b.csv", [row(employer_a.uscc, 招聘人数="7")]), by=by)
    batch_rollback(batch=second.batch, by=by)
    entries = LogEntry.objects.filter(
        additional_data__batch=str(second.batch.pk), action=LogEntry.Action.UPDATE
    )
    assert entries.count() == 2  # the import's and the rollback's
    posting = Posting.objects.get()
    assert (posting.openings, posting.import_batch) == (3, first.batch)
    posting_update(posting=posting, by=by, version=posting.version, description="改过")
    with pytest.raises(RollbackError, match="之后又被修改过"):
        batch_rollback(batch=first.batch, by=by)
    assert Posting.objects.exists()


def test_a_town_officer_cannot_change_a_posting_of_another_town_through_an_import(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    run(write(tmp_path / "a.csv", [row(employer_a.uscc, 工作地点=TOWN_B)]), by=None)
    rows = [
        row(employer_a.uscc, 工作地点=TOWN_B, 招聘人数="9"),
        row(employer_a.uscc, 岗位名称="新", 工作地点=TOWN_B),
    ]
    result = run(write(tmp_path / "b.csv", rows), by=personas["town_a"])
    # The same message whether the posting exists or not.
    assert errors_of(result) == [
        (2, "工作地点", "您只能导入本镇街范围内的岗位。"),
        (3, "工作地点", "您只能导入本镇街范围内的岗位。"),
    ]
    assert Posting.objects.get().openings == 3
