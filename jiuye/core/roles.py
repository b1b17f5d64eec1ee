"""The roles of accounts: one per account (accounts.User.role). They belong to the framework
because scoping (core.scoping), the menu (core.navigation) and the access checks of every app
decide by them; the user model and its management live in the accounts app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    DISTRICT = "district", _("区残联工作人员")
    DEPARTMENT = "department", _("部门联络员")
    TOWN = "town", _("镇街专干")
    LEADER = "leader", _("领导（只读）")
    EMPLOYER = "employer", _("用人单位")
    JOBSEEKER = "jobseeker", _("求职者")
    # A job seeker who signed up and waits for the town to verify them (people's registration
    # applications): the account reaches only its own application's page until then.
    APPLICANT = "applicant", _("注册申请人")
    # An employer's sign-up account until the district verifies it (issue 18): it sees only its
    # application (accounts.middleware.ApplicantGateMiddleware); verified, it becomes EMPLOYER.
    EMPLOYER_APPLICANT = "employer_applicant", _("单位注册申请人")


# Accounts from the public sign-ups, waiting for verification; never made by hand.
APPLICANT_ROLES = frozenset({Role.APPLICANT, Role.EMPLOYER_APPLICANT})
# Every role of a verified account: pages open to all who sign in name these, so a role added
# later is not let in by default, and an applicant never is.
VERIFIED_ROLES = tuple(role for role in Role.values if role not in APPLICANT_ROLES)

STAFF_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.DEPARTMENT, Role.TOWN, Role.LEADER})
# Roles that read and write persons' records (within their scope); leaders see aggregates only.
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.TOWN})
# Roles that must use a second factor; every other staff role may turn it on.
SECOND_FACTOR_REQUIRED = frozenset({Role.ADMIN, Role.DISTRICT})
