"""Writes to the registry: single records (person.py) and the persons import kind (importing.py)."""

from __future__ import annotations

from jiuye.people.services.person import *  # noqa: F403
from jiuye.people.services.person import ID_INDEX_PURPOSE, id_number_index, person_register

__all__ = ["ID_INDEX_PURPOSE", "id_number_index", "person_register"]
