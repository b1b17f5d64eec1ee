"""The occupation code list and the matching weights as reference data (more occupations can be
added; none is deleted; weights are edited by district staff)."""

from __future__ import annotations

from pathlib import Path

from django.db import migrations

from jiuye.core.seed import upsert_csv

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    upsert_csv(
        apps.get_model("jobs", "Occupation"),
        DATA / "occupations.csv",
        lambda row: {"name": row["name"], "name_en": row["name_en"], "position": int(row["position"])},
    )
    # Weights already edited by district staff are kept.
    upsert_csv(
        apps.get_model("jobs", "MatchWeight"),
        DATA / "match_weights.csv",
        lambda row: {"weight": int(row["weight"]), "position": int(row["position"])},
        key="factor",
        keep_edited=True,
    )


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
