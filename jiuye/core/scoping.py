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

from jiuye.accounts.models import Role

M = TypeVar("M", bound=Model)

_SEES_ALL = frozenset({Role.ADMIN, Role.DISTRICT})


def town_prefix(town_code: str) -> str:
    """The code prefix shared by a town/street and everything under it."""
    return town_code[:9]


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
    binding = {
        Role.TOWN: ("region", user.town_id and town_prefix(user.town_id)),
        Role.DEPARTMENT: ("department", user.department_id),
        Role.EMPLOYER: ("employer", user.employer_id),
        Role.JOBSEEKER: ("person", user.person_id),
    }.get(role)
    if binding is None or not binding[1] or binding[0] not in paths:
        return qs.none()
    kind, value = binding
    path = paths[kind]
    if kind == "region":
        # The code is the primary key of Region, so Django filters the local column, no join.
        return qs.filter(**{f"{path}__code__startswith": value})
    return qs.filter(**{path: value})


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
