"""Reads of the registry of persons."""

from __future__ import annotations

from django.db.models import QuerySet

from jiuye.people.models import Person
from jiuye.people.services import id_number_index


def person_by_id_number(*, queryset: QuerySet[Person], id_number: str) -> Person | None:
    """Exact lookup through the blind index (the ciphertext itself can't be searched)."""
    return queryset.filter(id_number_index=id_number_index(id_number)).first()
