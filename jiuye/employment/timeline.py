"""Employment on the person page: the employment status on the day (derived from the records,
ARCHITECTURE.md: one source of truth, never stored on the person) and, on the timeline, a start
and (when ended) an end entry per record, archived ones marked. Staff who may open the record
get a link to it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.core.timeline import Entry, EntryKind, Fact, fact_provider, for_self, provider, stamp
from jiuye.employment.selectors import records_list, status_on

EMPLOYMENT = EntryKind("employment", gettext_lazy("就业"))
STATUS_LABEL = gettext_lazy("就业状态")


@fact_provider
def employment_status(person: Any, user: Any, on: Any) -> list[Fact]:
    # Read with the timeline's records: one query for both.
    status = status_on(person, on, shared=True)
    return [Fact(STATUS_LABEL, "employment/_person_status.html", {"status": status, "on": on})]


@provider
def employment_entries(person: Any, user: Any) -> list[Entry]:
    # The person page is already scoped, so every record of the person is in the user's scope.
    linked = getattr(user, "role", None) in PERSONAL_DATA_ROLES
    own = for_self(person, user)
    entries: list[Entry] = []
    for record in records_list(person):
        if own and record.is_archived:
            continue  # archived as a mistake: staff history, not the person's
        url = reverse("employment:detail", args=[record.pk]) if linked else ""
        what = record.get_form_display()
        if record.workplace:
            what = f"{what}（{record.workplace}）"
        detail_parts = [record.job_title] if record.job_title else []
        if record.second_job:
            detail_parts.append(_("兼职"))
        if record.needs_review and not record.is_archived and not own:
            detail_parts.append(_("待核查：时间与另一条记录重叠"))
        if record.is_archived:
            detail_parts.append(_("归档原因：%(reason)s") % {"reason": record.archived_reason})
        detail = "；".join(detail_parts)
        names = {"what": what}
        shown = {"url": url, "archived": record.is_archived}
        started = {"detail": detail, "sort_key": f"{stamp(record.created_at)}-start", **shown}
        entries.append(
            EMPLOYMENT.entry(record.start_date, _("开始就业：%(what)s") % names, **started)
        )
        if record.end_date is not None:
            reason = record.get_end_reason_display()
            ended = {
                "detail": _("结束原因：%(reason)s") % {"reason": reason} if reason else "",
                # On the same day an end sorts after (above) the start of the same record.
                "sort_key": f"{stamp(record.created_at)}-with-end",
                **shown,
            }
            entries.append(
                EMPLOYMENT.entry(record.end_date, _("结束就业：%(what)s") % names, **ended)
            )
    return entries
