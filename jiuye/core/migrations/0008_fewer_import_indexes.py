"""The journal's batch link without an index of its own (issue 19, the persons import writes
one journal row per created person): ``importrecord_batch_action`` (batch, action) serves every
look-up by batch. Dropped in place: ``AlterField`` would copy the table on SQLite and re-check
the foreign key on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "core_importrecord_batch_id_97fff6af"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_export_job"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="importrecord",
                    name="batch",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="records",
                        to="core.importbatch",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    f'CREATE INDEX {INDEX} ON core_importrecord ("batch_id")',
                    elidable=False,
                ),
            ],
        ),
    ]
