"""On PostgreSQL, one index of the persons by village and birth date instead of two (issue 19,
the persons import): ``person_tally_cover`` (0004) has the same key as people's
``person_region_birth`` (``region_id, birth_date``) and carries more columns, so every query
the plain one served can use the covering one, and each insert of a person now updates one of
them, not both. Measured on 100,000 persons, this and people 0008 together: the person rows'
insert 2.76 → 1.90 s of server time (bench/README.md). SQLite has no covering index (0004 does
nothing there), so it keeps ``person_region_birth``; the models' state is unchanged (the index
stays in people's Meta; Django drops indexes with ``IF EXISTS``)."""

from django.db import migrations

PLAIN = "person_region_birth"


def _forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PLAIN}")


def _backwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {PLAIN} ON people_person ("region_id", "birth_date")'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_tally_covering_indexes"),
        ("people", "0008_no_pattern_index_on_the_id_number"),
    ]

    operations = [migrations.RunPython(_forwards, _backwards, elidable=False)]
