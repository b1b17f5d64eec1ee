"""Writes to the registry: single records (person.py), transfer requests (transfers.py),
self-registration applications (registrations.py). The
persons import kind is in people/importing/."""

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
from jiuye.people.services.registrations import (
    application_link,
    application_refuse,
    application_register,
    application_submit,
    registered_match,
)
from jiuye.people.services.transfers import (
    person_register_or_transfer,
    transfer_approve,
    transfer_refuse,
    transfer_request_create,
    transfer_values,
    transfers_withdraw,
)

__all__ = [
    "application_link",
    "application_refuse",
    "application_register",
    "application_submit",
    "registered_match",
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
    "person_register_or_transfer",
    "person_update",
    "transfer_approve",
    "transfer_refuse",
    "transfer_request_create",
    "transfer_values",
    "transfers_withdraw",
]
