"""Employment records (the one source of a person's employment status)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Router

from jiuye.api.views.conventions import etag, keyset_page, note_rows
from jiuye.core.roles import PERSONAL_DATA_ROLES
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.employment.models import EmploymentRecord

router = Router(tags=["employment"])

# As the employment pages: the roles that keep persons' records.
_READERS = PERSONAL_DATA_ROLES


def _require(request: HttpRequest) -> None:
    if request.user.role not in _READERS:
        raise PermissionDenied


def record_data(record: EmploymentRecord) -> dict[str, Any]:
    return {
        "id": str(record.pk),
        "person": str(record.person_id),
        "person_name": record.person.name,
        "person_id_number": record.person.masked_id_number,
        "form": record.form,
        "employer": str(record.employer_id) if record.employer_id else None,
        "employer_name": record.employer_name,
        "job_title": record.job_title,
        "start_date": record.start_date.isoformat(),
        "end_date": record.end_date.isoformat() if record.end_date else None,
        "end_reason": record.end_reason,
        "source": record.source,
        "archived": record.archived_at is not None,
        "version": record.version,
        "updated_at": record.updated_at.isoformat(),
    }


@router.get("/employment-records", summary="就业记录")
def records(
    request: HttpRequest,
    person: uuid.UUID | None = None,
    updated_since: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    _require(request)
    qs = scope_for(request.user, EmploymentRecord).select_related("person")
    if person is not None:
        qs = qs.filter(person_id=person)
    return keyset_page(
        request,
        qs,
        record_data,
        cursor=cursor,
        limit=limit,
        updated_since=updated_since,
        personal=True,
    )


@router.get("/employment-records/{record_id}", summary="一条就业记录")
def record(request: HttpRequest, record_id: uuid.UUID, response: HttpResponse) -> dict[str, Any]:
    _require(request)
    found = get_scoped_or_404(
        request.user, EmploymentRecord.objects.select_related("person"), pk=record_id
    )
    note_rows(request, 1, personal=True)
    response.headers["ETag"] = etag(found.version)
    return record_data(found)
