"""The authentication backend: Django's, loading what a user is bound to with the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuye.accounts.models import User


class UserBackend(ModelBackend):
    """Every page reads what the user is bound to (town, department, employer or own person
    record: scope, menu, the header's label): the user of a request comes with it in the query
    that loads the user, not one query more. So does the header's unread count: a subquery on
    the notifications' (user, read_at) index in the same statement; and whether the user has a
    confirmed authenticator, which the second-factor gate asks on every page of a user who has
    not passed it (``SecondFactorMiddleware``): most town officers, employers and job
    seekers."""

    def get_user(self, user_id: Any) -> User | None:
        users = User._default_manager.select_related(
            "town", "department", "employer", "person"
        ).annotate(
            unread_notifications_count=_unread(),
            confirmed_second_factor=Exists(
                TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
        )
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def _unread() -> Coalesce:
    # The notifications app sits above accounts: its model is reached through the user's
    # relation, by name, not imported.
    notification = User._meta.get_field("notifications").related_model
    unread = (
        notification._default_manager.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))
