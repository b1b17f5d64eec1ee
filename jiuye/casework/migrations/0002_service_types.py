"""The service types of action 十 as reference data (more can be added; none is deleted)."""

from __future__ import annotations

from pathlib import Path

from django.db import migrations

from jiuye.core.seed import upsert_csv

DATA = Path(__file__).resolve().parent.parent / "data" / "service_types.csv"


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    upsert_csv(
        apps.get_model("casework", "ServiceType"),
        DATA,
        lambda row: {
            "name": row["name"],
            "name_en": row["name_en"],
            "kind": row["kind"],
            "is_visit": row["is_visit"] == "1",
            "position": int(row["position"]),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    replaces = [("casework", "0003_service_types")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
