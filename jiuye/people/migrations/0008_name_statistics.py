"""Finer statistics of the persons' names (issue 19, the load test; PostgreSQL only).

A search by part of a name (``name LIKE '%…%'``, keyset-ordered by region and name) is
planned from the column's statistics. With the default 100 histogram entries, some rare texts
(测试7023) were estimated at 61,783 persons at 1,000,000 (about 120 hold them): the planner then
walked the (region, name) index in order, filtering 420,000–460,000 rows to find 20, ≈ 0.9 s,
where the trigram index finds them in ≈ 3 ms. With 1,000 entries the estimates were within 3×
of the truth for texts of 1, 2 and 4 digits after 测试, and every plan took the fast path
(bench/README.md, 2026-12-07, third session). ``ANALYZE`` of the table takes longer (7.7 s at
1,200,000 persons). Nothing is done on SQLite.
"""

from django.db import migrations

TARGET = 1000


def _forwards(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE people_person ALTER COLUMN name SET STATISTICS {TARGET}")


def _backwards(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE people_person ALTER COLUMN name SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_fewer_import_indexes"),
    ]

    operations = [
        migrations.RunPython(_forwards, _backwards, elidable=False),
    ]
