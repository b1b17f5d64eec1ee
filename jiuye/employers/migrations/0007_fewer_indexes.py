"""Three indexes fewer on the quota tables (issue 19): every row version the year's review writes
(303,000 declared lines, 100,000 declarations) added an entry to each index of its table.

- ``employers_declaredemployee.declaration_id`` and ``employers_declaration.employer_id``: the
  unique constraints (declaration, id_number_index) and (employer, year, version) lead with
  the same column and serve the same lookups.
- ``employers_declaredemployee.id_number_index``: the plain b-tree stays (renamed
  ``declared_id_number_index``); PostgreSQL's ``varchar_pattern_ops`` twin that Django adds for
  ``LIKE`` goes (a blind index is only compared whole).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0006_employer_name_chars"),
        ("people", "0006_person_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="declaration",
            name="employer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="declarations",
                to="employers.employer",
                verbose_name="用人单位",
            ),
        ),
        migrations.AlterField(
            model_name="declaredemployee",
            name="declaration",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="employees",
                to="employers.declaration",
            ),
        ),
        migrations.AlterField(
            model_name="declaredemployee",
            name="id_number_index",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="declaredemployee",
            index=models.Index(fields=["id_number_index"], name="declared_id_number_index"),
        ),
    ]
