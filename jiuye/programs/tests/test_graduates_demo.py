"""demo_data fills action 七: the bureau's list with matched and unmatched rows, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from jiuye.programs.models.graduates import GraduateRecord

pytestmark = pytest.mark.django_db


def test_demo_data_imports_a_bureau_list_with_unmatched_rows_once(settings, reference) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    call_command("demo_data", persons=120, seed=5, stdout=StringIO())
    lines = GraduateRecord.objects.count()
    assert lines >= 10
    assert GraduateRecord.objects.filter(person__isnull=True).count() == 4
    assert (
        GraduateRecord.objects.filter(person__isnull=False)
        .values("graduation_year")
        .distinct()
        .count()
        >= 2
    )
    call_command("demo_data", persons=120, seed=5, stdout=StringIO())
    assert GraduateRecord.objects.count() == lines
