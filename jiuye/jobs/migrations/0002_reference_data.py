"""The occupation code list and the matching weights as reference data (more occupations can be
added; none is deleted; weights are edited by district staff)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    Occupation = apps.get_model("jobs", "Occupation")
    MatchWeight = apps.get_model("jobs", "MatchWeight")
    with (DATA / "occupations.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Occupation.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "position": int(row["position"]),
                },
            )
    with (DATA / "match_weights.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            # Weights already edited by district staff are kept.
            MatchWeight.objects.get_or_create(
                factor=row["factor"],
                defaults={"weight": int(row["weight"]), "position": int(row["position"])},
            )


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
