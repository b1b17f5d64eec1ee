"""Accounts waiting for verification (the public sign-ups) are let into nothing by default:
pages open to every signed-in role name VERIFIED_ROLES, and the menu's everyone-items too."""

from __future__ import annotations

from jiuye.core.navigation import MENU
from jiuye.core.roles import APPLICANT_ROLES, VERIFIED_ROLES, Role
from jiuye.jobs.views import fairs, postings
from jiuye.training.views import courses


def test_verified_roles_are_every_role_but_the_applicants() -> None:
    assert set(VERIFIED_ROLES) == set(Role.values) - APPLICANT_ROLES
    assert {Role.APPLICANT, Role.EMPLOYER_APPLICANT} == APPLICANT_ROLES


def test_pages_open_to_everyone_signed_in_leave_the_applicants_out() -> None:
    for readers in (postings.READERS, fairs.READERS, courses.READERS):
        assert not set(readers) & APPLICANT_ROLES
    # The menu: an applicant sees only an item made for it (the employer's application page).
    for item in MENU:
        if set(item.roles) & APPLICANT_ROLES:
            assert set(item.roles) <= APPLICANT_ROLES, item.url_name
