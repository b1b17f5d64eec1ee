"""Persons with disabilities: numbers masked; a full number only through the logged reveal
(the same service, roles and reason as the person page)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from jiuye.api.views.conventions import etag, keyset_page, note_rows
from jiuye.core.roles import PERSONAL_DATA_ROLES
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.people import selectors, services
from jiuye.people.models import Person
from jiuye.people.services.person import REVEALABLE_FIELDS

router = Router(tags=["persons"])


def require_personal(request: HttpRequest) -> None:
    """Persons' records are for the roles that keep them (as the registry pages)."""
    if request.user.role not in PERSONAL_DATA_ROLES:
        raise PermissionDenied


def person_data(person: Person) -> dict[str, Any]:
    return {
        "id": str(person.pk),
        "name": person.name,
        "id_number": person.masked_id_number,
        "certificate_number": person.masked_certificate_number,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat(),
        "region": person.region_id,
        "category": person.category_id,
        "grade": person.grade_id,
        "hukou_type": person.hukou_type,
        "education": person.education,
        "wish_to_work": person.wish_to_work,
        "life_status": person.life_status,
        "archived": person.archived_at is not None,
        "version": person.version,
        "updated_at": person.updated_at.isoformat(),
    }


@router.get("/persons", summary="残疾人（证件号码脱敏）")
def persons(
    request: HttpRequest,
    region: str = "",
    name: str = "",
    category: int | None = None,
    grade: int | None = None,
    updated_since: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The persons in the key's scope (archived ones too, flagged, so a sync sees archivals),
    filtered as the registry search filters them."""
    require_personal(request)
    qs = scope_for(request.user, Person)
    filters = {"region": region, "name": name, "category": category, "grade": grade}
    if selectors.is_search(filters):
        qs = selectors.persons_search(queryset=qs, filters={**filters, "include_archived": True})
    return keyset_page(
        request,
        qs.select_related(None),
        person_data,
        cursor=cursor,
        limit=limit,
        updated_since=updated_since,
        personal=True,
    )


@router.get("/persons/{person_id}", summary="一名残疾人")
def person(request: HttpRequest, person_id: uuid.UUID, response: HttpResponse) -> dict[str, Any]:
    require_personal(request)
    found = get_scoped_or_404(request.user, Person, pk=person_id)
    note_rows(request, 1, personal=True)
    response.headers["ETag"] = etag(found.version)
    return person_data(found)


class RevealIn(Schema):
    field: str = "id_number"
    reason: str = ""


@router.post("/persons/{person_id}/reveal", summary="查看完整号码（需要权限和原因，记入访问日志）")
def person_reveal(request: HttpRequest, person_id: uuid.UUID, body: RevealIn) -> dict[str, Any]:
    require_personal(request)
    found = get_scoped_or_404(request.user, Person, pk=person_id)
    if body.field not in REVEALABLE_FIELDS:
        raise ValidationError({"field": _("field 只能是 id_number、certificate_number 或 phone。")})
    value = services.person_reveal(
        person=found, field=body.field, reason=body.reason, request=request
    )
    note_rows(request, 1, personal=True)
    return {"id": str(found.pk), "field": body.field, "value": value}
