"""The one place that narrows reads of personal data to what a user may see.

Every view, export, API endpoint and task that reads personal data passes its queryset through
``scope_for``; none filters by ownership inline. A model says how it is reached through
``scope_paths`` (see ``core.models.BaseModel``). Rows out of scope simply are not there, so a
lookup by id answers 404.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from jiuye.core.roles import PERSONAL_DATA_ROLES, Role

M = TypeVar("M", bound=Model)

# The one answer to "who has this ID number?" for a user who may not see the whole registry:
# a number registered in another town and a number never registered get the same words, in
# the same place, from every import and every lookup (disability status is sensitive: the
# answer must not tell whether someone elsewhere is registered). See ADR 0011.
NOT_FOUND_IN_SCOPE = gettext_lazy(
    "在您负责的范围内没有找到这个身份证号的人员（可能未登记，或不在您负责的镇街）。"
)

_SEES_ALL = frozenset({Role.ADMIN, Role.DISTRICT})


def town_prefix(town_code: str) -> str:
    """The code prefix shared by a town/street and everything under it."""
    return town_code[:9]


def person_scope(person: str = "person", **other_paths: str) -> dict[str, str]:
    """``scope_paths`` of a record about a person reached through ``person`` (a path to a
    ``people.Person`` foreign key): it is scoped like the person, and by ``other_paths`` too
    (``employer="employer_id"``)."""
    return {"region": f"{person}__region", "person": f"{person}_id", **other_paths}


def employer_scope(employer: str = "employer") -> dict[str, str]:
    """``scope_paths`` of a record of an employer reached through ``employer`` (a path to an
    ``employers.Employer`` foreign key): it is scoped like the employer."""
    return {"region": f"{employer}__region", "employer": f"{employer}_id"}


def scope_for(user: Any, queryset: QuerySet[M] | type[M]) -> QuerySet[M]:
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    role = user.role
    if role in _SEES_ALL:
        return qs
    model = qs.model
    paths: dict[str, str] = getattr(model, "scope_paths", {})
    if role == Role.LEADER:
        return qs.none() if getattr(model, "scope_personal", True) else qs
    for kind, value in _bindings(user):
        if kind in paths and value:
            return _narrow(qs, kind, paths[kind], value)
    return qs.none()


def _bindings(user: Any) -> list[tuple[str, Any]]:
    """What a user is bound to, in the order their scope is looked for on a model."""
    role = user.role
    own: list[tuple[str, Any]] = [("user", user.pk)]
    if role == Role.TOWN and user.town_id:
        # A town officer also acts for their town as a responsible unit of the plan ("各镇街").
        return [
            ("region", town_prefix(user.town_id)),
            ("department", f"town-{user.town_id}"),
            *own,
        ]
    if role == Role.DEPARTMENT:
        return [("department", user.department_id), *own]
    if role == Role.EMPLOYER:
        return [("employer", user.employer_id), *own]
    if role == Role.JOBSEEKER:
        return [("person", user.person_id), *own]
    return own


def region_code_range(prefix: str) -> tuple[str, str] | None:
    """The codes starting with ``prefix`` as a range [prefix, after): codes are digits of one
    length, so the two mean the same. None when there is no such range ("99…")."""
    after = str(int(prefix) + 1).zfill(len(prefix)) if prefix.isdigit() else ""
    return (prefix, after) if len(after) == len(prefix) else None


def region_lookup(path: str, prefix: str) -> dict[str, str]:
    """A filter on the region code at ``path`` starting with ``prefix``, as a range where one
    exists: the region index reads it under any collation, and PostgreSQL merges it with the
    same range written by a selector (a ``LIKE`` twice is estimated as two independent
    conditions, a hundredth of the rows for a tenth, and planned as a sort of everything)."""
    bounds = region_code_range(prefix)
    if bounds is None:
        return {f"{path}__code__startswith": prefix}
    return {f"{path}__code__gte": bounds[0], f"{path}__code__lt": bounds[1]}


def _narrow(qs: QuerySet[M], kind: str, path: str, value: Any) -> QuerySet[M]:
    # Region's primary key is its code, so a region filter reads the local column, no join.
    lookup = region_lookup(path, value) if kind == "region" else {path: value}
    if "__" in path:
        # A path through a to-many relation would repeat rows; a subquery keeps each row once.
        return qs.filter(pk__in=qs.model._default_manager.filter(**lookup).values("pk"))
    return qs.filter(**lookup)


def get_scoped_or_404(user: Any, queryset: QuerySet[M] | type[M], **lookup: Any) -> M:
    try:
        return scope_for(user, queryset).get(**lookup)
    except (queryset.model if not isinstance(queryset, type) else queryset).DoesNotExist:
        raise Http404 from None
    except (ValueError, TypeError, ValidationError):
        # A malformed id (not a UUID) is just another object the user can't see.
        raise Http404 from None


def region_in_scope(user: Any, region_code: str) -> bool:
    """Whether a user may act on records located at this region code."""
    if user.role in _SEES_ALL:
        return True
    if user.role == Role.TOWN and user.town_id:
        return region_code.startswith(town_prefix(user.town_id))
    return False


def may_keep(by: Any, region_code: str) -> bool:
    """Whether ``by`` may keep (write) records located at, or persons living in, this region:
    district staff and administrators everywhere, a town officer in their town; a system
    caller (no user: a command, an import run without one) always."""
    if not getattr(by, "pk", None):
        return True
    return by.role in PERSONAL_DATA_ROLES and bool(region_code) and region_in_scope(by, region_code)


def check_keeper(by: Any, region_code: str, message: Any) -> None:
    """Refuse (a ValidationError, code ``scope``, saying ``message``) a user who may not keep
    records at this region (``may_keep``)."""
    if not may_keep(by, region_code):
        raise ValidationError(str(message), code="scope")
