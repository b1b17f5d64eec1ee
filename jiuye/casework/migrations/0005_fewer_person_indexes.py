"""Two indexes fewer on every insert of a person, on PostgreSQL (issue 19, the persons import).
Measured on 100,000 persons: the person rows' insert 2.74 → 1.90 s of server time
(bench/README.md).

- ``person_region_birth`` (``region_id, birth_date``, people's Meta): ``person_tally_cover``
  (0004) has the same key and carries more columns, so every query the plain one served can
  use the covering one. SQLite has no covering index (0004 does nothing there) and keeps it.
- The pattern-ops copy Django makes of the ID number's unique blind index (for
  ``LIKE 'abc%'``): an HMAC is only ever compared whole, never by prefix. The unique index
  stays. SQLite has no such copy.

The models' state is unchanged (the first stays in people's Meta, the second is not tracked by
Django); Django drops indexes with ``IF EXISTS`` when it alters them later."""

from django.db import migrations

INDEXES = {
    "person_region_birth": 'people_person ("region_id", "birth_date")',
    "people_person_id_number_index_d11272fc_like": (
        'people_person ("id_number_index" varchar_pattern_ops)'
    ),
}


def _forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def _backwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_tally_covering_indexes"),
        ("people", "0007_fewer_import_indexes"),
    ]

    operations = [migrations.RunPython(_forwards, _backwards, elidable=False)]
