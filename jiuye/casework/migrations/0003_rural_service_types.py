"""The service types of action 六 (送岗入户, 送技术下乡): services like the others, so they count
in coverage. The same loader as 0002 writes every row of the CSV again (none is deleted)."""

from __future__ import annotations

import importlib

from django.db import migrations

service_types = importlib.import_module("jiuye.casework.migrations.0002_service_types")

NEW = ("jobs_to_home", "skills_to_villages")


def unload(apps, schema_editor):  # noqa: ANN001, ANN201
    ServiceType = apps.get_model("casework", "ServiceType")
    ServiceRecord = apps.get_model("casework", "ServiceRecord")
    unused = [
        code for code in NEW if not ServiceRecord.objects.filter(service_type_id=code).exists()
    ]
    ServiceType.objects.filter(code__in=unused).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_service_types")]

    operations = [migrations.RunPython(service_types.load, unload)]
