"""Auxiliary employment on the person page's timeline: joining and leaving an institution, and
the income paid each month. Staff who keep members get a link to the membership."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.timeline import Entry, EntryKind, provider, stamp
from jiuye.programs.models.auxiliary import AuxIncome, AuxMembership

MEMBERSHIP = EntryKind("auxiliary", gettext_lazy("辅助性就业"))
INCOME = EntryKind("aux_income", gettext_lazy("辅助性就业收入"))
KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)


def _membership_reads(person: Any) -> dict[str, Any]:
    memberships = AuxMembership.objects.filter(person=person)
    return {"memberships": memberships.select_related("institution")}


@provider(concerns=((AuxMembership, "person"),), reads=_membership_reads)
def auxiliary_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    # The person page is already scoped, so the person's memberships are in the user's scope.
    linked = getattr(user, "role", None) in KEEPERS
    entries: list[Entry] = []
    for m in rows["memberships"]:
        url = reverse("programs:aux-member", args=[m.pk]) if linked and not m.is_archived else ""
        names = {"place": m.institution.name, "kind": m.institution.get_kind_display()}
        detail = _("每周 %(hours)s 小时，月收入 %(income)s 元") % {
            "hours": m.hours_per_week if m.hours_per_week is not None else "—",
            "income": m.monthly_income if m.monthly_income is not None else "—",
        }
        more = {"url": url, "archived": m.is_archived}
        entries.append(
            MEMBERSHIP.entry(
                m.start_date,
                _("进入%(kind)s：%(place)s") % names,
                detail=detail,
                sort_key=f"1{stamp(m.created_at)}",
                **more,
            )
        )
        if m.end_date:
            entries.append(
                MEMBERSHIP.entry(
                    m.end_date,
                    _("离开%(kind)s：%(place)s") % names,
                    sort_key=f"2{stamp(m.updated_at)}",
                    **more,
                )
            )
    return entries


def _income_reads(person: Any) -> dict[str, Any]:
    incomes = AuxIncome.objects.filter(membership__person=person, archived_at__isnull=True)
    return {"incomes": incomes.select_related("membership__institution")}


# Income has its own provider: a member with no income recorded reads nothing for it.
@provider(concerns=((AuxIncome, "membership__person"),), reads=_income_reads)
def income_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    entries: list[Entry] = []
    for income in rows["incomes"]:
        title = _("%(month)s 辅助性就业收入 %(amount)s 元（%(place)s）") % {
            "month": f"{income.month:%Y-%m}",
            "amount": income.amount,
            "place": income.membership.institution.name,
        }
        entries.append(INCOME.entry(income.month, title, sort_key=f"3{stamp(income.created_at)}"))
    return entries
