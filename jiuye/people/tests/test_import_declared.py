"""The persons kind on the declared framework: the scope rule on the person as registered, a
column the file lacks left alone, and rollback that refuses once a person was edited since."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from conftest import VILLAGE_A, VILLAGE_B, make_id_number
from jiuye.core.importing import RollbackError, batch_rollback, run_import
from jiuye.people.models import Person, TransferRequest
from jiuye.people.services import person_register, person_update
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "残疾类别", "残疾等级", "联系电话", "村社区代码"]


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def run(path: Path, **kw):  # noqa: ANN003, ANN201
    return run_import(
        kind="persons", path=path, original_name=path.name, dry_run=kw.pop("dry_run", False), **kw
    )


@pytest.fixture
def west(reference):  # noqa: ANN001, ANN201
    return person_register(
        name="西", id_number=make_id_number(seq=905), region=Region.objects.get(code=VILLAGE_B)
    )


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_town_officer_cannot_move_a_person_of_another_town_into_their_own(
    tmp_path, west, personas, dry_run
) -> None:  # noqa: ANN001
    """Issue 14: the row is answered as for a new number (ADR 0011) and, imported, becomes a
    transfer request; the person is not changed until the district approves."""
    path = write(tmp_path / "p.csv", [["西改", west.id_number, "4", "2", "", VILLAGE_A]])
    result = run(path, by=personas["town_a"], dry_run=dry_run)
    assert (result.created, result.updated, result.unchanged, result.invalid) == (1, 0, 0, 0)
    assert result.errors == []
    west.refresh_from_db()
    assert (west.name, west.region_id, west.version) == ("西", VILLAGE_B, 1)
    transfers = TransferRequest.objects.filter(person=west)
    assert transfers.count() == (0 if dry_run else 1)
    # The district may (under the registered name: a file never renames, see below).
    moved = write(tmp_path / "m.csv", [["西", west.id_number, "4", "2", "", VILLAGE_A]])
    district = run(moved, by=personas["district"], dry_run=True)
    assert (district.updated, district.invalid) == (1, 0)


def test_a_town_officer_still_updates_their_own_persons(tmp_path, reference, personas) -> None:  # noqa: ANN001
    number = make_id_number(seq=907)
    run(write(tmp_path / "a.csv", [["甲", number, "4", "2", "", VILLAGE_A]]), by=personas["town_a"])
    again = run(
        write(tmp_path / "b.csv", [["甲", number, "4", "2", "13912345678", VILLAGE_A]]),
        by=personas["town_a"],
    )
    assert (again.updated, again.invalid) == (1, 0)
    assert Person.objects.get(name="甲").phone == "13912345678"


@pytest.mark.parametrize("who", ["town_a", "district", None])
def test_a_file_never_renames_a_registered_person(tmp_path, reference, personas, who) -> None:  # noqa: ANN001
    """Issue 14: an ID match with another name silently renamed the registered person. No
    importer may (None: the command line)."""
    personas = {**personas, None: None}
    number = make_id_number(seq=909)
    run(write(tmp_path / "a.csv", [["甲", number, "4", "2", "", VILLAGE_A]]), by=personas[who])
    renamed = run(
        write(tmp_path / "b.csv", [["甲改", number, "4", "2", "", VILLAGE_A]]), by=personas[who]
    )
    assert (renamed.updated, renamed.invalid) == (0, 1)
    message = renamed.errors[0]["errors"][0]
    assert message["column"] == "姓名"
    assert "与该身份证号登记的姓名“甲”不一致" in message["message"]
    # The same name written with a space or in full width is the same name.
    spaced = run(
        write(tmp_path / "c.csv", [["甲 ", number, "4", "2", "", VILLAGE_A]]), by=personas[who]
    )
    assert (spaced.invalid, spaced.updated) == (0, 0)
    assert Person.objects.get(id_number_index=Person.objects.get(name="甲").id_number_index)


def test_a_column_the_file_lacks_leaves_the_field_alone(tmp_path, reference) -> None:  # noqa: ANN001
    number = make_id_number(seq=911)
    run(write(tmp_path / "a.csv", [["乙", number, "4", "2", "13912345678", VILLAGE_A]]))
    header = ["姓名", "身份证号", "残疾类别", "残疾等级", "村社区代码"]
    again = run(write(tmp_path / "b.csv", [["乙", number, "4", "2", VILLAGE_A]], header))
    assert (again.updated, again.unchanged) == (0, 1)
    assert Person.objects.get(name="乙").phone == "13912345678"


def test_rollback_is_refused_after_an_edit_through_the_service_and_audited_otherwise(
    tmp_path, reference
) -> None:  # noqa: ANN001
    number = make_id_number(seq=913)
    run(write(tmp_path / "a.csv", [["丙", number, "4", "2", "", VILLAGE_A]]))
    # Each batch changes the phone (a file never renames a person; the service may).
    second = run(write(tmp_path / "b.csv", [["丙", number, "4", "2", "13900000002", VILLAGE_A]]))
    assert second.updated == 1
    person = Person.objects.get(name="丙")
    person_update(person=person, by=None, version=person.version, name="丙三")
    with pytest.raises(RollbackError, match="之后又被修改过"):
        batch_rollback(batch=second.batch, by=None)
    person.refresh_from_db()
    person_update(person=person, by=None, version=person.version, name="丙")
    third = run(write(tmp_path / "c.csv", [["丙", number, "4", "2", "13900000004", VILLAGE_A]]))
    batch_rollback(batch=third.batch, by=None)
    person.refresh_from_db()
    # Back as it was, the batch that wrote it last included.
    assert person.phone == "13900000002" and person.import_batch_id == second.batch.pk
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person),
        additional_data__batch=str(third.batch.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert entries.count() == 2  # the import and its rollback


def test_category_and_grade_are_needed_for_a_new_person_not_to_re_import_one_without(
    tmp_path, west
) -> None:  # noqa: ANN001
    # 西 was registered on the person form without category or grade, as the form allows.
    new = make_id_number(seq=911)
    path = write(
        tmp_path / "p.csv",
        [["西", west.id_number, "", "", "", VILLAGE_B], ["新", new, "", "", "", VILLAGE_B]],
    )
    result = run(path, dry_run=True)
    assert (result.unchanged, result.invalid) == (1, 1)
    assert [e["message"] for e in result.errors[0]["errors"]] == [
        "请填写残疾类别（或填写残疾人证号）。",
        "请填写残疾等级（或填写残疾人证号）。",
    ]
    assert result.errors[0]["row"] == 3


def test_an_archived_person_is_not_changed_by_an_import_as_on_the_person_page(
    tmp_path, west, personas
) -> None:  # noqa: ANN001
    from jiuye.people.services import person_archive

    person_archive(person=west, reason="迁出本区", by=personas["district"])
    same = write(tmp_path / "same.csv", [["西", west.id_number, "", "", "", VILLAGE_B]])
    assert run(same, dry_run=True).unchanged == 1
    changed = write(tmp_path / "new.csv", [["西新", west.id_number, "", "", "", VILLAGE_B]])
    result = run(changed)
    assert (result.updated, result.invalid) == (0, 1)
    assert result.errors[0]["errors"][0]["message"] == "这条记录已归档，不能再修改。"
    west.refresh_from_db()
    assert west.name == "西"
