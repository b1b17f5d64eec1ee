"""The authentication backend: Django's, loading what a user is bound to with the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from jiuye.accounts.models import User


class UserBackend(ModelBackend):
    """Every page reads what the user is bound to (town, department, employer or own person
    record: scope, menu, the header's label): the user of a request comes with it in the query
    that loads the user, not one query more."""

    def get_user(self, user_id: Any) -> User | None:
        users = User._default_manager.select_related("town", "department", "employer", "person")
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
