"""Writes to the registry: single records (person.py). The persons import kind is in
people/importing.py."""

from __future__ import annotations

from jiuye.people.services.person import *  # noqa: F403
from jiuye.people.services.person import (
    CERTIFICATE_INDEX_PURPOSE,
    ID_INDEX_PURPOSE,
    REVEAL_ROLES,
    DuplicatePersonError,
    certificate_index,
    id_number_index,
    normalize_phone,
    person_archive,
    person_check,
    person_register,
    person_reveal,
    person_set_life_status,
    person_update,
)

__all__ = [
    "CERTIFICATE_INDEX_PURPOSE",
    "ID_INDEX_PURPOSE",
    "REVEAL_ROLES",
    "DuplicatePersonError",
    "certificate_index",
    "id_number_index",
    "normalize_phone",
    "person_archive",
    "person_check",
    "person_register",
    "person_reveal",
    "person_set_life_status",
    "person_update",
]
