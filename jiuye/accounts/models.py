"""The custom user: one role per account, bound to what that role works on."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import optional_fk

# The roles are the scoping framework's vocabulary (core.scoping, the menu), so they live in core;
# imported here too because the user model is where every app has always found them.
from jiuye.core.phones import validate_mobile
from jiuye.core.roles import (  # noqa: F401
    PERSONAL_DATA_ROLES,
    SECOND_FACTOR_REQUIRED,
    STAFF_ROLES,
    Role,
)


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):  # noqa: ANN001, ANN201
        # `manage.py createsuperuser` makes the first system administrator of a deployment.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    # As core.models.BaseModel.name_relations (this model is not one): what __str__ reads.
    name_relations = ("town", "department", "employer")

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # What the account is bound to (user_role_binding: exactly the one its role needs).
    department = optional_fk("reference.Department", _("所属部门"), related_name="users")
    town = optional_fk("reference.Region", _("所属镇街"), related_name="officers")
    employer = optional_fk("employers.Employer", _("所属单位"), related_name="users")
    person = optional_fk(
        "people.Person", _("本人档案"), related_name="user", field=models.OneToOneField
    )
    # An employer's own administrator (the verified sign-up account): manages the accounts of
    # its unit on "本单位账户". A flag, not a role: it is an employer user in every other way.
    employer_admin = models.BooleanField(_("单位管理员"), default=False)
    # The mobile number the SMS channel of notifications sends to (optional; normalised by
    # core.phones.normalize_mobile in the forms, checked here too).
    phone = models.CharField(
        _("手机号"), max_length=11, blank=True, default="", validators=[validate_mobile]
    )
    # Changing the stamp invalidates every session of the user ("log out everywhere").
    security_stamp = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_role_binding",
                condition=(
                    models.Q(role="department", department__isnull=False)
                    | ~models.Q(role="department") & models.Q(department__isnull=True)
                )
                & (
                    models.Q(role="town", town__isnull=False)
                    | ~models.Q(role="town") & models.Q(town__isnull=True)
                )
                & (
                    models.Q(role="employer", employer__isnull=False)
                    | ~models.Q(role="employer") & models.Q(employer__isnull=True)
                )
                & (
                    models.Q(role="jobseeker", person__isnull=False)
                    | ~models.Q(role="jobseeker") & models.Q(person__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="user_employer_admin_is_employer",
                condition=models.Q(employer_admin=False) | models.Q(role="employer"),
            ),
        ]

    def __str__(self) -> str:
        # Wherever a user is shown (handler, reviewer, change log): the name and the office,
        # never the login name unless the account has no name.
        name = self.display_name or self.username
        return f"{name}（{self.office}）" if self.office else name

    @property
    def office(self) -> str:
        """Where the user works: the department, town or employer it is bound to; the district
        federation for district staff; "" for others (a job seeker, an administrator)."""
        for key in ("department", "town", "employer"):
            if getattr(self, f"{key}_id", None):
                return str(getattr(self, key))
        return str(_("区残联")) if self.role == Role.DISTRICT else ""

    def get_session_auth_hash(self) -> str:
        # Django checks this on every request; mixing in the stamp lets us end all sessions.
        return salted_hmac(
            "jiuye.accounts.session",
            f"{self.password}:{self.security_stamp}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.LEADER

    @property
    def second_factor_required(self) -> bool:
        return self.role in SECOND_FACTOR_REQUIRED

    @property
    def binding_label(self) -> str:
        """What the account is bound to, for headers and user lists."""
        bound = self.department or self.town or self.employer or self.person
        return str(bound) if bound else ""
