"""Indexes of the employer list and the declaration review queue (issue 19).

- ``employer_name``: the employer list's order;
- ``employer_name_trgm`` (PostgreSQL only): a pg_trgm GIN index on the name, which serves the
  name search ``name LIKE '%…%'``. The extension is created if missing (``TrigramExtension``
  uses ``CREATE EXTENSION IF NOT EXISTS`` and is a no-op on SQLite, so another app's migration
  may create it too); the index is not part of the model state, as SQLite has no GIN;
- ``declaration_review_order``: the review queue's order, over submitted declarations only.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRGM_INDEX = "employer_name_trgm"


def _create_trgm_index(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} "
            "ON employers_employer USING gin (name gin_trgm_ops)"
        )


def _drop_trgm_index(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class _KeepTrigramExtension(TrigramExtension):
    """Created if missing; never dropped on reversal, as other apps' indexes may use it."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:  # noqa: ANN001
        return None


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0004_review_digest"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="declaration",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["submitted_at", "id"],
                name="declaration_review_order",
            ),
        ),
        migrations.AddIndex(
            model_name="employer",
            index=models.Index(fields=["name"], name="employer_name"),
        ),
        _KeepTrigramExtension(),
        migrations.RunPython(_create_trgm_index, _drop_trgm_index, elidable=False),
    ]
