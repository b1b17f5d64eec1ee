"""The persons import after it was made fast: the audit trail still says who created and
changed which records through which batch, and the quick paths for common values give the same
result as the general ones."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from conftest import make_id_number
from jiuye.core import bulk, importing
from jiuye.core.crypto import resident_id_index
from jiuye.core.importing import batch_rollback, run_import
from jiuye.core.models import ImportBatch
from jiuye.people.models import Person

HEADER = ["姓名", "身份证号", "残疾人证号", "残疾类别", "残疾等级", "联系电话", "村社区代码"]


def number(seq: int) -> str:
    return make_id_number(birth=f"{1970 + seq // 1000}0512", seq=seq % 1000)


def row(seq: int, **over: str) -> list[str]:
    values = {
        "姓名": f"快速{seq}",
        "身份证号": number(seq),
        "残疾人证号": number(seq) + "42",
        "残疾类别": "4",
        "残疾等级": "2",
        "联系电话": f"139{seq:08d}",
        "村社区代码": "440199001001",
    }
    values.update(over)
    return [values[h] for h in HEADER]


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def run(path: Path, **kw):  # noqa: ANN003, ANN201
    return run_import(kind="persons", path=path, original_name=path.name, dry_run=False, **kw)


def person_entries(**filters: object):  # noqa: ANN201
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), **filters
    )


def test_created_persons_are_in_one_audit_entry_per_write_naming_each_of_them(
    reference, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.setattr(importing.engine, "CHUNK_ROWS", 3)
    result = run(write(tmp_path / "p.csv", [row(i) for i in range(1, 8)]))
    assert result.created == 7
    created = {
        str(pk)
        for pk in Person.objects.filter(import_batch=result.batch).values_list("pk", flat=True)
    }
    assert len(created) == 7
    entries = list(person_entries(action=LogEntry.Action.CREATE))
    # Chunks of 3, 3 and 1 rows: one entry each, together naming every created person once.
    assert len(entries) == 3
    named = [pk for entry in entries for pk in entry.additional_data["created_ids"]]
    assert sorted(named) == sorted(created)
    for entry in entries:
        assert entry.additional_data["batch"] == str(result.batch.pk)
        assert entry.object_pk == str(result.batch.pk)
        assert "p.csv" in entry.object_repr
        assert entry.changes_dict["import_batch"] == [None, str(result.batch.pk)]
    dump = " ".join(str(e.changes) + str(e.additional_data) for e in entries)
    assert number(1) not in dump and "13900000001" not in dump


def test_each_updated_person_keeps_its_own_audit_entry_with_before_and_after(
    reference, tmp_path
) -> None:  # noqa: ANN001
    run(write(tmp_path / "a.csv", [row(1), row(2)]))
    # Moved to another village (a file never renames: that is the person page's).
    second = run(write(tmp_path / "b.csv", [row(1, 村社区代码="440199002001"), row(2)]))
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    person = Person.objects.get(name="快速1")
    assert person.import_batch == second.batch
    entry = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict["region_id"] == ["440199001001", "440199002001"]
    assert entry.additional_data["batch"] == str(second.batch.pk)


def test_rolling_back_a_batch_with_several_writes_removes_every_person_it_created(
    reference, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.setattr(importing.engine, "CHUNK_ROWS", 2)
    result = run(write(tmp_path / "p.csv", [row(i) for i in range(1, 6)]))
    created = {str(pk) for pk in Person.objects.values_list("pk", flat=True)}
    assert len(created) == 5
    batch_rollback(batch=result.batch, by=None)
    assert not Person.objects.exists()
    deleted = person_entries(action=LogEntry.Action.DELETE).values_list("object_pk", flat=True)
    assert set(deleted) == created


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("020-12345678", "02012345678"),
        # Half and full-width digits mixed (a Chinese input method): ASCII digits stored.
        ("139１２３４5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
    ],
)
def test_a_phone_number_is_stored_the_same_however_it_is_typed(
    reference, tmp_path, typed, stored
) -> None:  # noqa: ANN001
    result = run(write(tmp_path / "p.csv", [row(1, 联系电话=f'"{typed}"')]))
    assert result.created == 1, result.errors
    assert Person.objects.get().phone == stored


def test_a_certificate_typed_with_a_small_x_or_full_width_digits_is_normalised(
    reference, tmp_path
) -> None:  # noqa: ANN001
    id_with_x = next(
        make_id_number(seq=seq) for seq in range(1, 999) if make_id_number(seq=seq).endswith("X")
    )
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number(3) + "42")
    result = run(
        write(
            tmp_path / "p.csv",
            [
                row(2, 身份证号=id_with_x, 残疾人证号=id_with_x.lower() + "42"),
                row(3, 残疾人证号=full_width),
            ],
        )
    )
    assert result.created == 2, result.errors
    assert Person.objects.get(name="快速2").certificate_number == id_with_x + "42"
    assert Person.objects.get(name="快速3").certificate_number == number(3) + "42"


@pytest.mark.parametrize(
    ("over", "column", "message"),
    [
        ({"残疾人证号": number(9) + "42"}, "残疾人证号", "不一致"),
        ({"残疾等级": "3"}, "残疾人证号", "等级"),
        ({"残疾人证号": number(1) + "82"}, "残疾人证号", "类别"),
        ({"联系电话": "1391234"}, "联系电话", "不对"),
    ],
)
def test_a_certificate_or_phone_that_does_not_fit_gets_the_validators_message(
    reference, tmp_path, over, column, message
) -> None:  # noqa: ANN001
    result = run_import(
        kind="persons",
        path=write(tmp_path / "p.csv", [row(1, **over)]),
        original_name="p.csv",
        dry_run=True,
    )
    assert result.invalid == 1
    errors = result.errors[0]["errors"]
    assert any(e["column"] == column and message in e["message"] for e in errors), errors


def test_dates_in_any_accepted_form_are_read_and_impossible_ones_explained(
    reference, tmp_path
) -> None:  # noqa: ANN001
    header = [*HEADER, "就业困难认定日期"]
    result = run_import(
        kind="persons",
        path=write(
            tmp_path / "d.csv",
            [
                [*row(1), "2023-05-01"],
                [*row(2), "2023-5-1"],
                [*row(3), "2023-02-30"],
                [*row(4), "2999-01-01"],
            ],
            header=header,
        ),
        original_name="d.csv",
        dry_run=True,
    )
    assert (result.valid, result.invalid) == (2, 2)
    messages = {e["row"]: e["errors"][0]["message"] for e in result.errors}
    assert "看不懂" in messages[4] and "晚于今天" in messages[5]


def test_a_row_shorter_than_the_header_imports_with_the_missing_cells_empty(
    reference, tmp_path
) -> None:  # noqa: ANN001
    header = [*HEADER, "学校", "专业"]
    result = run(write(tmp_path / "s.csv", [row(1)], header=header))
    assert result.created == 1, result.errors
    assert Person.objects.get().school == ""


def test_fast_insert_values_gives_each_row_its_own_callable_default(reference) -> None:  # noqa: ANN001
    from jiuye.core.models import ImportBatch as Batch

    now = timezone.now()
    rows = [
        {"kind": "persons", "original_name": f"{i}.csv", "created_at": now, "updated_at": now}
        for i in range(3)
    ]
    bulk.fast_insert_values(Batch, rows)
    ids = list(Batch.objects.filter(original_name__endswith=".csv").values_list("pk", flat=True))
    assert len(ids) == 3 and len(set(ids)) == 3
    assert all(isinstance(pk, uuid.UUID) for pk in ids)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="an SQLite setting")
def test_the_sqlite_page_cache_is_put_back_after_an_import(reference, tmp_path) -> None:  # noqa: ANN001
    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    seen = []
    original = importing.engine._apply

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(cache_size())
        return original(*args, **kwargs)

    importing.engine._apply = spy
    try:
        run(write(tmp_path / "p.csv", [row(1)]))
    finally:
        importing.engine._apply = original
    assert seen == [-bulk.SQLITE_BULK_CACHE_KIB]
    assert cache_size() == before
    # Part of a 1,000,000-row import's 256 MB: 32 MB cost no CPU at 100,000 rows against 64.
    assert bulk.SQLITE_BULK_CACHE_KIB <= 32 * 1024


def test_a_failed_commit_leaves_no_audit_entries(reference, tmp_path) -> None:  # noqa: ANN001
    entries = LogEntry.objects.count()
    result = run(write(tmp_path / "p.csv", [row(1), row(2, 身份证号="bad")]))
    assert result.batch.status == ImportBatch.Status.FAILED
    assert LogEntry.objects.count() == entries
    assert not Person.objects.exists()


def test_a_re_import_compares_every_kind_of_stored_value_and_updates_only_what_differs(
    reference, tmp_path
) -> None:  # noqa: ANN001
    # Every column of the template (dates, yes/no, needs, years), as the bench's files have.
    from jiuye.people.demo.synthetic import write_csv
    from jiuye.people.models import AssistiveNeed

    path = tmp_path / "all.csv"
    write_csv(path, 12, seed=3)
    assert run(path).created == 12
    people = list(Person.objects.exclude(certificate_number="").order_by("id_number_index"))
    need = AssistiveNeed.choices[0][0]
    # Each changed behind the import's back (no version, no index kept in step): the row's own
    # value must still be found different, read from its column the way the model reads it.
    changes = [
        {"phone": "13800000000"},  # encrypted
        {"certificate_number": people[1].certificate_number[:-2] + "11"},  # encrypted, index kept
        {"is_student": not people[2].is_student},
        {"assistive_needs": [] if people[3].assistive_needs else [need]},
        {"hard_to_employ_date": dt.date(2001, 1, 1)},
        {"graduation_year": 1999 if people[5].graduation_year != 1999 else 2000},
        {"address": people[6].address + "甲"},
        {"region_id": "440199001002" if people[7].region_id != "440199001002" else "440199001001"},
    ]
    before = {p.pk: p for p in people}
    for person, values in zip(people, changes, strict=False):
        Person.objects.filter(pk=person.pk).update(**values)
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, len(changes), 12 - len(changes))
    for person, values in zip(people, changes, strict=False):
        now = Person.objects.get(pk=person.pk)
        for name in values:
            assert getattr(now, name) == getattr(before[person.pk], name), name
        assert now.version == before[person.pk].version + 1
    # The same file a third time: nothing left to change.
    third = run(path)
    assert (third.updated, third.unchanged) == (0, 12)


def test_an_unchanged_re_import_reads_persons_as_plain_columns(
    reference, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    path = write(tmp_path / "p.csv", [row(i) for i in range(1, 6)])
    assert run(path).created == 5

    def loaded(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged person was loaded as a model")

    monkeypatch.setattr(Person, "from_db", classmethod(loaded))
    again = run(path)
    assert (again.updated, again.unchanged, again.invalid) == (0, 5, 0)


def test_an_archived_person_unchanged_by_the_file_is_unchanged_and_changed_is_refused(
    reference, tmp_path
) -> None:  # noqa: ANN001
    path = write(tmp_path / "p.csv", [row(1), row(2)])
    assert run(path).created == 2
    Person.objects.filter(id_number_index=resident_id_index(number(1))).update(
        archived_at=timezone.now()
    )
    assert run(path).unchanged == 2
    changed = run(write(tmp_path / "q.csv", [row(1, 联系电话="13700000000"), row(2)]))
    assert changed.invalid == 1 and "归档" in changed.errors[0]["text"]


def test_a_rollback_audits_each_person_it_deletes_once_with_its_values_and_cascades_as_before(
    reference, tmp_path
) -> None:  # noqa: ANN001
    """Issue 19: the deletion also sent auditlog's signal per person, a second entry each
    (without the batch) that read the person's reverse one-to-ones first: three statements a
    person, 84 % of a large rollback's time. Each person now has one entry, the batch's, with
    the values it had; a consent that goes with its person is still audited by the signal."""
    from jiuye.people.models import Consent

    result = run(write(tmp_path / "p.csv", [row(i) for i in range(1, 4)]))
    person = Person.objects.get(name="快速1")
    consent = Consent.objects.create(
        person=person,
        purpose=Consent.Purpose.choices[0][0],
        policy_version="1",
        given_at=timezone.now(),
    )
    batch_rollback(batch=result.batch, by=None)
    assert not Person.objects.exists() and not Consent.objects.exists()
    deleted = person_entries(action=LogEntry.Action.DELETE)
    assert deleted.count() == 3
    assert {e.additional_data["batch"] for e in deleted} == {str(result.batch.pk)}
    entry = deleted.get(object_pk=str(person.pk))
    assert entry.changes_dict["name"] == ["快速1", None]
    assert entry.changes_dict["region"] == [person.region_id, None]
    assert "id_number" not in entry.changes_dict
    assert LogEntry.objects.get_for_object(consent).filter(action=LogEntry.Action.DELETE).exists()
