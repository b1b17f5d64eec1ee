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
    follow_up_error,
    needs_errors,
    needs_register,
    person_service_error,
    recompute_cases,
    service_archive,
    service_date_findings,
    service_record_create,
    service_record_errors,
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
    "service_date_findings",
    "follow_up_error",
    "needs_errors",
    "needs_register",
    "post_archive",
    "post_occupied",
    "post_place",
    "post_save",
    "person_service_error",
    "posts_with_occupancy",
    "recompute_cases",
    "service_archive",
    "service_record_create",
    "service_record_errors",
    "verification_record",
]
