"""The peer of the persons import in bench_import.py: django-import-export 4.x importing the
same CSV into the same ``Person`` table, doing the same work per row.

Its fastest honest configuration (read from its documentation and source, 4.4.3):

- ``use_bulk = True``: instances go to ``bulk_create`` / ``bulk_update`` in batches
  (``batch_size`` 2,000, as Jiuye's chunks) instead of one ``save()`` per row;
- ``skip_unchanged = True`` with ``skip_diff = False`` and ``skip_html_diff = True``: in 4.x
  ``skip_diff = True`` turns ``skip_unchanged`` off (``skip_row`` returns False when there is no
  diff, so an unchanged re-import would rewrite every row); the documented way to keep the
  comparison but not build the HTML report is ``skip_html_diff``;
- ``report_skipped = False`` (no result object kept per unchanged row);
- ``CachedInstanceLoader``: existing persons are loaded with one query for the whole file by
  their ID number's blind index (the natural key), not one query per row;
- plain ``Widget``s on attribute names (``region_id``, not a ``ForeignKeyWidget`` that would
  look up the village row by row): the project's cleaning already produced typed values.

The same work per row, from its hooks: ``before_import`` runs the persons kind's own ``clean``
(every validator, the ID number's blind index, the certificate's) on each row and adds the
blind-index column the loader needs; ``before_import_row`` puts the cleaned values into the
row (or raises the row's errors); ``after_init_instance`` runs the kind's ``validate`` with the
record as it is now (a new person needs category and grade; no change to an archived person;
no rename by a file). The encrypted fields are sealed by the model field when ``bulk_create``
saves them, as any Django code would. The result is the same ``Person`` rows as Jiuye's
import (checked by the bench), minus what the peer has no notion of: batch, journal, audit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The Person attributes the persons kind's clean fills (what the peer's fields write).
ATTRIBUTES = (
    "name",
    "id_number",
    "id_number_index",
    "sex",
    "birth_date",
    "certificate_number",
    "certificate_index",
    "category_id",
    "grade_id",
    "region_id",
    "phone",
    "ethnicity",
    "address",
    "hukou_type",
    "education",
    "marital_status",
    "monitoring_category",
    "wish_to_work",
    "is_student",
    "low_income",
    "monitoring_identified",
    "hard_to_employ_date",
    "graduation_year",
    "school",
    "major",
    "skills",
    "hard_to_employ_reasons",
    "assistive_needs",
)


def _resource_class() -> Any:
    from django.core.exceptions import ValidationError
    from import_export import fields, resources, widgets
    from import_export.instance_loaders import CachedInstanceLoader

    from jiuye.core.importing import get_kind
    from jiuye.people.importing.values import COLUMNS
    from jiuye.people.models import Person

    by_header = {column.header: column.key for column in COLUMNS}

    class PersonResource(resources.ModelResource):
        class Meta:
            model = Person
            fields = ATTRIBUTES
            import_id_fields = ("id_number_index",)
            instance_loader_class = CachedInstanceLoader
            use_bulk = True
            batch_size = 2000
            skip_unchanged = True
            skip_diff = False  # True would turn skip_unchanged off (4.x)
            skip_html_diff = True
            report_skipped = False
            use_transactions = True

        def __init__(self) -> None:
            super().__init__()
            self.kind = get_kind("persons")
            self.kind.begin()
            self.outcomes: list[Any] = []

        def before_import(self, dataset: Any, **kwargs: Any) -> None:
            keys = [by_header.get(h, h) for h in dataset.headers]
            column = []
            for number, cells in enumerate(dataset, 2):
                values = dict(zip(keys, cells, strict=True))
                outcome = self.kind.clean(values, row_number=number, by=None)
                self.outcomes.append(outcome)
                column.append(outcome.key)
            dataset.append_col(column, header="id_number_index")

        def before_import_row(self, row: Any, **kwargs: Any) -> None:
            outcome = self.outcomes[kwargs["row_number"] - 1]
            if outcome.errors:
                raise ValidationError({e.column or "row": e.message for e in outcome.errors})
            row.clear()
            row.update(outcome.data)

        def after_init_instance(self, instance: Any, new: bool, row: Any, **kwargs: Any) -> None:
            problems = self.kind.validate(row, None if new else instance, by=None)
            if problems:
                raise ValidationError(problems)

    # Every field writes its attribute as cleaned (a plain Widget passes values through).
    for name in ATTRIBUTES:
        PersonResource.fields[name] = fields.Field(
            attribute=name, column_name=name, widget=widgets.Widget()
        )
    return PersonResource


def run(csv_path: Path) -> dict[str, Any]:
    """Import the file; the counts in Jiuye's terms."""
    from import_export.formats.base_formats import CSV

    resource = _resource_class()()
    dataset = CSV().create_dataset(csv_path.read_text(encoding="utf-8-sig"))
    result = resource.import_data(dataset, dry_run=False, raise_errors=False)
    totals = result.totals
    if result.has_errors():
        first = result.base_errors[:1] or [
            e for _n, errors in result.row_errors()[:1] for e in errors
        ]
        return {"error": f"peer import failed: {first[0].error!r}"[:500] if first else "errors"}
    return {
        "created": totals.get("new", 0),
        "updated": totals.get("update", 0),
        "unchanged": totals.get("skip", 0),
        "invalid": totals.get("invalid", 0),
    }
