"""The registry lists' indexes (issue 19): (region, name, id) for keyset pages, and on
PostgreSQL a trigram index on the name so a search by part of a name (``LIKE '%…%'``) is served
by an index. SQLite has no pg_trgm: there the trigram step does nothing."""

from django.db import migrations, models

TRIGRAM_INDEX = "person_name_trgm"


def _trigram_forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON people_person "
        "USING gin (name gin_trgm_ops)"
    )


def _trigram_backwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other databases objects may use it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_person_change_request"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["region", "name", "id"], name="person_region_name"),
        ),
        migrations.RunPython(_trigram_forwards, _trigram_backwards, elidable=False),
    ]
