"""Writes to the registry of persons."""

from __future__ import annotations

from django.db import transaction

from jiuye.core.crypto import blind_index
from jiuye.core.validators import (
    resident_id_birth_date,
    resident_id_sex,
    validate_resident_id,
)
from jiuye.people.models import Person
from jiuye.reference.models import Region

ID_INDEX_PURPOSE = "person.id_number"


def id_number_index(id_number: str) -> str:
    return blind_index(validate_resident_id(id_number), purpose=ID_INDEX_PURPOSE)


@transaction.atomic
def person_register(*, name: str, id_number: str, region: Region, by=None) -> Person:  # noqa: ANN001
    """Create a person from a validated ID number; sex and birth date follow from it."""
    normalised = validate_resident_id(id_number)
    person = Person(
        name=name,
        id_number=normalised,
        id_number_index=blind_index(normalised, purpose=ID_INDEX_PURPOSE),
        sex=resident_id_sex(normalised),
        birth_date=resident_id_birth_date(normalised),
        region=region,
        created_by=by,
        updated_by=by,
    )
    person.full_clean()
    person.save()
    return person
