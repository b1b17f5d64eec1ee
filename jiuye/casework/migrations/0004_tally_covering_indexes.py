"""Covering indexes for the refresh of one village's coverage tallies (issue 19, ADR 0005).

A village's refresh reads its ~17,000 persons at 1M, spread over as many pages of the person
table (persons are not stored by village), probes each working-age one's employment records and
reads its yearly case. With these three indexes every one of those reads is an index-only scan
(PostgreSQL; the visibility map is kept by autovacuum), so the refresh costs in proportion to the
village's index entries, not to the pages of the district's tables:

- ``person_tally_cover``: the population's columns by village and birth date;
- ``employment_open_cover``: the records not archived, by person (the "employed on" probe);
- ``annual_case_cover``: the yearly case's dates and wish by person and year.

PostgreSQL only (``INCLUDE`` columns; SQLite has none and its pages are small): on SQLite this
migration does nothing. The names are not in the models' Meta, like the trigram index of people
0006.
"""

from django.db import migrations

INDEXES = {
    "person_tally_cover": (
        "people_person (region_id, birth_date) INCLUDE (sex, life_status, life_status_date, "
        "archived_at, wish_to_work, hard_to_employ_date, id)"
    ),
    "employment_open_cover": (
        "employment_employmentrecord (person_id, start_date) INCLUDE (end_date) "
        "WHERE archived_at IS NULL"
    ),
    "annual_case_cover": (
        "casework_annualcase (person_id, year) INCLUDE (verified_on, wants_work, served_on, "
        "last_visit_on)"
    ),
}


def _create(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def _drop(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_rural_service_types"),
        ("employment", "0001_initial"),
        ("people", "0006_person_list_indexes"),
    ]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
