"""Which pages a role reaches, shared by the page walks: the browser walk (axe-core on every
page, test_browser.py) and the query-budget walk (test_query_budget.py)."""

from __future__ import annotations

import re

from django.urls import reverse

from conftest import TOWN_A
from jiuye.accounts.models import User
from jiuye.core.navigation import menu_for

Personas = dict[str, User]

# Links that download a file or leave the application are not pages to check.
# The API (/api/v1/) answers systems, not people; its docs page is Swagger UI's own.
NOT_PAGES = re.compile(
    r"\.(xlsx|docx|csv|pdf|zip)$|^/(admin|i18n|static|media|api/v1)/|/attachments/"
)
# Pages of one kind differ only in an id; one of each kind is enough.
ID_IN_PATH = re.compile(r"/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)/")
# A guard against a walk that never ends, not a budget: the programs (issue 15) took the
# administrator to about 105 kinds of page.
MAX_PAGES_PER_ROLE = 130


def page_kind(path: str) -> str:
    return ID_IN_PATH.sub("/<id>/", path)


def pages_to_visit(name: str, personas: Personas) -> list[str]:
    """Every menu entry of the role, plus pages that no menu or in-page link leads to."""
    user = personas[name]
    paths = [reverse(item.url_name) for item in menu_for(user)]
    # The notification centre and the profile are linked from the header, not the menu; a
    # leader's home page from the site name.
    paths += [reverse("notifications:list"), reverse("accounts:profile")]
    if name == "leader":
        paths.append(reverse("core:home"))
    paths.append(reverse("accounts:password-change"))
    if user.is_staff_role:
        paths.append(reverse("reference:region", args=[TOWN_A]))
    if name == "leader":
        paths.append(reverse("dashboards:public-summary"))  # public; linked from the disclosure
    if name == "town_a":
        paths.append(reverse("accounts:otp-setup"))  # optional enrolment for a town officer
    if name == "admin":
        other = personas["town_a"]
        paths += [
            reverse("accounts:user-create"),
            reverse("accounts:user-detail", args=[other.pk]),
            reverse("accounts:user-edit", args=[other.pk]),
            reverse("accounts:recovery-codes"),
        ]
    return paths
