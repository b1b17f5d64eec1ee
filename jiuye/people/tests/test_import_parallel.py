"""A large persons file is read in worker processes (core/importing/parallel.py): the outcome
is the same as reading it in the importing process — counts, errors with their row numbers,
all or nothing, the stored (encrypted) values, a re-import that changes nothing, rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from jiuye.core import importing
from jiuye.core.crypto import looks_encrypted
from jiuye.core.importing import batch_rollback, parallel, run_import
from jiuye.core.models import ImportBatch
from jiuye.core.tests.priority import record_priority, wanted_nice, worker_priorities
from jiuye.people.models import Person
from jiuye.people.tests.test_import_fast_paths import number, row, write

ROWS = 40


def rows(*, broken: bool) -> list[list[str]]:
    out = [row(i) for i in range(1, ROWS + 1)]
    if broken:
        out[20] = row(21, 身份证号="440199197005120000")  # file row 22: a wrong check digit
        out[30] = row(5)  # file row 32: the same person as row 6
    return out


@pytest.fixture
def pool(settings, monkeypatch):  # noqa: ANN001, ANN201
    """Workers from the 5th row on, blocks of 3 rows, chunks of 4: every seam is crossed."""
    settings.JIUYE_IMPORT_WORKERS = 2
    settings.JIUYE_IMPORT_PARALLEL_FROM = 5
    monkeypatch.setattr(parallel, "BLOCK_ROWS", 3)
    monkeypatch.setattr(importing.engine, "CHUNK_ROWS", 4)
    started = []
    real = parallel._pooled

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started.append(True)
        yield from real(*args, **kwargs)

    monkeypatch.setattr(parallel, "_pooled", counted)
    return started


def outcome(result) -> tuple:  # noqa: ANN001
    return (
        result.rows,
        result.valid,
        result.invalid,
        result.created,
        result.updated,
        result.unchanged,
        [(e["row"], e["text"]) for e in result.errors],
    )


def run(path: Path, *, dry_run: bool = False):  # noqa: ANN201
    return run_import(kind="persons", path=path, original_name=path.name, dry_run=dry_run)


def test_errors_and_counts_are_those_of_an_import_without_workers(
    reference, tmp_path, settings, pool
) -> None:  # noqa: ANN001
    path = write(tmp_path / "p.csv", rows(broken=True))
    settings.JIUYE_IMPORT_WORKERS = 1
    alone = run(path)
    assert not pool
    settings.JIUYE_IMPORT_WORKERS = 2
    pooled = run(path)
    assert pool, "the pool was not used"
    assert outcome(pooled) == outcome(alone)
    assert [e["row"] for e in pooled.errors] == [22, 32]
    # All or nothing: nothing written.
    assert pooled.batch.status == ImportBatch.Status.FAILED
    assert not Person.objects.exists()


def test_a_pooled_import_stores_what_an_import_without_workers_stores(
    reference, tmp_path, pool
) -> None:  # noqa: ANN001
    path = write(tmp_path / "p.csv", rows(broken=False))
    assert run(path, dry_run=True).created == ROWS
    assert not Person.objects.exists()
    result = run(path)
    assert pool and result.created == ROWS and not result.errors
    stored = Person.objects.get(name="快速7")
    assert stored.id_number == number(7)
    assert stored.certificate_number == number(7) + "42"
    assert stored.phone == "13900000007"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, certificate_number FROM people_person WHERE name = %s",
            ["快速7"],
        )
        assert all(looks_encrypted(v) for v in cursor.fetchone())
    # The same file again changes nothing; then the batch can be undone.
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, ROWS)
    batch_rollback(batch=result.batch, by=None)
    assert not Person.objects.exists()


def test_a_small_file_never_starts_workers(reference, tmp_path, settings, pool) -> None:  # noqa: ANN001
    settings.JIUYE_IMPORT_PARALLEL_FROM = 1000
    assert run(write(tmp_path / "p.csv", rows(broken=False))).created == ROWS
    assert not pool


def test_rows_converted_in_workers_are_stored_as_rows_converted_at_the_write(
    reference, tmp_path, settings, pool
) -> None:  # noqa: ANN001
    """Workers convert a new person's whole insert row ahead (dates, JSON, sealed numbers);
    every column, and the journal, must be what the write converts itself."""
    from jiuye.core.models import ImportRecord
    from jiuye.people.demo.synthetic import write_csv

    path = tmp_path / "s.csv"
    write_csv(path, 30, seed=3)
    skip = {"id", "created_at", "updated_at", "import_batch"}
    names = [f.attname for f in Person._meta.concrete_fields if f.name not in skip]

    def stored(batch: ImportBatch) -> tuple[list, list]:
        persons = list(Person.objects.order_by("id_number_index").values_list(*names))
        journal = sorted(
            (r.object_id, r.action, r.before) for r in ImportRecord.objects.filter(batch=batch)
        )
        ids = sorted(str(pk) for pk in Person.objects.values_list("id", flat=True))
        assert [j[0] for j in journal] == ids
        return persons, [j[1:] for j in journal]

    settings.JIUYE_IMPORT_WORKERS = 1
    alone = run(path)
    assert alone.created == 30 and not pool
    without = stored(alone.batch)
    batch_rollback(batch=alone.batch, by=None)
    settings.JIUYE_IMPORT_WORKERS = 2
    pooled = run(path)
    assert pooled.created == 30 and pool
    assert stored(pooled.batch) == without


def test_a_file_of_registered_then_new_persons_stores_the_new_ones_as_without_workers(
    reference, tmp_path, settings, pool
) -> None:  # noqa: ANN001
    """While rows turn out registered the workers stop preparing inserts ahead; the new
    persons after them are converted at the write instead, to the same stored values."""
    old = write(tmp_path / "old.csv", [row(i) for i in range(1, 21)])
    path = write(tmp_path / "all.csv", [row(i) for i in range(1, ROWS + 1)])
    names = ["name", "id_number", "phone", "certificate_number", "certificate_index", "version"]

    def persons() -> list:
        return list(Person.objects.order_by("id_number_index").values_list(*names))

    settings.JIUYE_IMPORT_WORKERS = 1
    run(old)
    alone = run(path)
    assert (alone.created, alone.unchanged) == (20, 20) and not pool
    without = persons()
    batch_rollback(batch=alone.batch, by=None)
    settings.JIUYE_IMPORT_WORKERS = 2
    pooled = run(path)
    assert (pooled.created, pooled.unchanged) == (20, 20) and pool
    assert persons() == without


def test_the_workers_run_below_the_importing_process_s_priority(
    reference, tmp_path, settings, pool, monkeypatch
) -> None:  # noqa: ANN001
    """The workers yield the CPU to pages served beside a large import (JIUYE_WORKER_NICE);
    the importing process, which may be a web request's, keeps its own priority."""
    import os

    own = os.getpriority(os.PRIO_PROCESS, 0)
    settings.JIUYE_WORKER_NICE = wanted_nice()
    seen = tmp_path / "priorities"
    record_priority(monkeypatch, parallel.RowReader, "read", seen)
    result = run(write(tmp_path / "p.csv", rows(broken=False)))
    assert pool and result.created == ROWS
    assert worker_priorities(seen) == {settings.JIUYE_WORKER_NICE}
    assert os.getpriority(os.PRIO_PROCESS, 0) == own
