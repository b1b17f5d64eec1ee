"""Writes of town casework: service records (records.py), campaigns and public-welfare posts
(campaigns.py), the coverage tallies (tallies.py)."""

from __future__ import annotations

from jiuye.casework.services.campaigns import (
    campaign_archive,
    campaign_save,
    post_archive,
    post_occupied,
    post_place,
    post_save,
    posts_with_occupancy,
)
from jiuye.casework.services.records import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    NEEDS_FIELDS,
    check_attachment,
    check_service_date,
    needs_register,
    recompute_cases,
    service_archive,
    service_record_create,
    verification_record,
)

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_TYPES",
    "NEEDS_FIELDS",
    "campaign_archive",
    "campaign_save",
    "check_attachment",
    "check_service_date",
    "needs_register",
    "post_archive",
    "post_occupied",
    "post_place",
    "post_save",
    "posts_with_occupancy",
    "recompute_cases",
    "service_archive",
    "service_record_create",
    "verification_record",
]
