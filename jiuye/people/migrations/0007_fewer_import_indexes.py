"""One index fewer to keep on every insert of a person (issue 19, the persons import): the
category link's own index, which ``person_category_grade`` (category, grade) makes redundant;
and the certificate blind index indexed once instead of twice on PostgreSQL (a field's
``db_index`` adds a pattern-ops index there that no query uses: the index is only ever asked
for equality). The indexes are dropped and renamed in place: the state operations are what
``makemigrations`` wrote, but on SQLite they would copy the whole table twice."""

import django.db.models.deletion
from django.db import migrations, models

CATEGORY = "people_person_category_id_7d27ce8a"
CERTIFICATE = "people_person_certificate_index_0153a019"


def _forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    run = schema_editor.execute
    run(f"DROP INDEX IF EXISTS {CATEGORY}")
    if schema_editor.connection.vendor == "postgresql":
        run(f"DROP INDEX IF EXISTS {CERTIFICATE}_like")
        run(f"ALTER INDEX {CERTIFICATE} RENAME TO person_certificate")
    else:
        run(f"DROP INDEX IF EXISTS {CERTIFICATE}")
        run('CREATE INDEX person_certificate ON people_person ("certificate_index")')


def _backwards(apps, schema_editor):  # noqa: ANN001, ANN201
    run = schema_editor.execute
    run(f'CREATE INDEX {CATEGORY} ON people_person ("category_id")')
    if schema_editor.connection.vendor == "postgresql":
        run(f"ALTER INDEX person_certificate RENAME TO {CERTIFICATE}")
        run(
            f"CREATE INDEX {CERTIFICATE}_like ON people_person "
            '("certificate_index" varchar_pattern_ops)'
        )
    else:
        run("DROP INDEX person_certificate")
        run(f'CREATE INDEX {CERTIFICATE} ON people_person ("certificate_index")')


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_person_list_indexes"),
        ("reference", "0004_region_boundaries"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reference.disabilitycategory",
                        verbose_name="残疾类别",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="certificate_index",
                    field=models.CharField(blank=True, editable=False, max_length=64),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(fields=["certificate_index"], name="person_certificate"),
                ),
            ],
            database_operations=[migrations.RunPython(_forwards, _backwards, elidable=False)],
        ),
    ]
