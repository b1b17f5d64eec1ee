"""One index fewer on every insert of a person, on PostgreSQL (issue 19, the persons import):
the ID number's blind index is unique, and for a unique text column Django also makes a
pattern-ops copy of its index there (for ``LIKE 'abc%'``). No query asks the blind index for a
prefix: an HMAC is only ever compared whole. The unique index stays. Measured on 100,000
persons, this and casework 0005 together: the person rows' insert 2.76 → 1.90 s of server time
(bench/README.md). SQLite has no such copy: nothing to do there, and the models' state is
unchanged (Django does not track the copy; it drops it with ``IF EXISTS`` when it alters the
field)."""

from django.db import migrations

PATTERN_INDEX = "people_person_id_number_index_d11272fc_like"


def _forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PATTERN_INDEX}")


def _backwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PATTERN_INDEX} ON people_person "
            '("id_number_index" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0007_fewer_import_indexes")]

    operations = [migrations.RunPython(_forwards, _backwards, elidable=False)]
