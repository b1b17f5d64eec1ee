"""Reads of notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from jiuye.notifications.models import Notification


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """A user's own notifications, unread first, newest first."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")


def unread_count(user: Any) -> int:
    """One indexed count (``notification_unread``)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_badge(request: Any) -> dict[str, Any]:
    """Context processor: the header's unread count, counted lazily — only a page that shows
    the header runs the query, and only once."""
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or getattr(request, "second_factor_pending", False)
    ):
        return {}
    return {"unread_notifications": lambda: unread_for_request(request)}


def unread_for_request(request: Any) -> int:
    """The signed-in user's unread count, counted once per request (the header and the home
    page's list both show it)."""
    if not hasattr(request, "_unread_notifications"):
        # Counted with the user when the session loaded it (accounts' backend); counted here
        # only for a user signed in during this request.
        loaded = getattr(request.user, "unread_notifications_count", None)
        request._unread_notifications = loaded if loaded is not None else unread_count(request.user)
    return request._unread_notifications


# --- who is told ------------------------------------------------------------------------------


def _active() -> QuerySet[Any]:
    # People only: an API key's account has a role (a district key is a "district user") but
    # nobody reads its notifications.
    from jiuye.accounts.selectors import people_accounts

    return people_accounts().filter(is_active=True)


def reviewers() -> QuerySet[Any]:
    """The district staff who review what is submitted (reports, declarations, postings...)."""
    from jiuye.core.roles import Role

    return _active().filter(role=Role.DISTRICT)


def employer_users(employer_id: Any) -> QuerySet[Any]:
    from jiuye.core.roles import Role

    return _active().filter(role=Role.EMPLOYER, employer_id=employer_id)


def person_users(person_id: Any) -> QuerySet[Any]:
    """The job seeker's own account, when they have one."""
    return _active().filter(person_id=person_id)


def town_officers(region_code: str) -> QuerySet[Any]:
    """The officers of the town a region (village or town) lies in."""
    from jiuye.core.roles import Role
    from jiuye.core.scoping import town_prefix

    return _active().filter(role=Role.TOWN, town__code__startswith=town_prefix(region_code or ""))


def staff_owner(created_by: Any, region_code: str) -> list[Any]:
    """The staff member who owns a case: whoever on the staff made it, else the town's
    officers (a job seeker's own application, an employer's step)."""
    from jiuye.core.roles import STAFF_ROLES, Role

    if created_by is not None and created_by.role in STAFF_ROLES - {Role.LEADER}:
        return [created_by]
    return list(town_officers(region_code)) if region_code else []
