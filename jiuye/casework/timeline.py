"""The person page's timeline entries of town casework: verifications, needs registrations and
services, archived ones marked. Staff who may open a record get a link to it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.casework.models import NeedsRecord, ServiceKind, ServiceRecord
from jiuye.casework.selectors import needs_of, services_of
from jiuye.core.timeline import Entry, for_self, provider

KIND_LABELS = {
    ServiceKind.VERIFICATION: gettext_lazy("核对"),
    ServiceKind.NEEDS: gettext_lazy("需求登记"),
    ServiceKind.SERVICE: gettext_lazy("服务"),
}
ENTRY_KINDS = {
    ServiceKind.VERIFICATION: "verification",
    ServiceKind.NEEDS: "needs",
    ServiceKind.SERVICE: "service",
}


def _needs_text(needs: NeedsRecord) -> tuple[str, str]:
    title = needs.get_wants_work_display()
    if needs.not_wanting_reason:
        title = f"{title}（{needs.get_not_wanting_reason_display()}）"
    detail = []
    if needs.desired_jobs:
        detail.append(_("意向岗位：%(jobs)s") % {"jobs": needs.desired_jobs})
    if not needs.is_current:
        detail.append(_("已被后来的登记替换"))
    return title, "；".join(detail)


def _service_detail(record: ServiceRecord, *, own: bool = False) -> str:
    parts = [
        record.get_channel_display(),
        _("结果：%(outcome)s") % {"outcome": record.get_outcome_display()},
    ]
    officer = "" if own else record.officer_label
    if officer:
        parts.append(_("经办人：%(name)s") % {"name": officer})
    return "；".join(str(p) for p in parts)


def _reads(person: Any) -> dict[str, Any]:
    return {
        "services": services_of(person).select_related(
            "needs", "officer__town", "officer__department", "officer__employer"
        ),
        # Registrations kept without a service record (none are made that way today, but the
        # model allows it) still belong on the timeline.
        "needs": needs_of(person).filter(service_record__isnull=True),
    }


# Called only for a person with a service or needs record (flags in the person's statement):
# a person without one costs no read at all.
@provider(concerns=((ServiceRecord, "person"), (NeedsRecord, "person")), reads=_reads)
def casework_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    linked = getattr(user, "role", None) in PERSONAL_DATA_ROLES
    own = for_self(person, user)
    entries = []
    for record in rows["services"]:
        if own and record.is_archived:
            continue  # archived as a mistake: staff history, not the person's
        kind = record.service_type.kind
        title = record.service_type.name
        detail = _service_detail(record, own=own)
        needs = getattr(record, "needs", None)
        if needs is not None:
            wants, needs_detail = _needs_text(needs)
            title = f"{title}：{wants}"
            detail = "；".join(p for p in (needs_detail, detail) if p)
        entries.append(
            Entry(
                date=record.date,
                kind=ENTRY_KINDS.get(kind, "service"),
                kind_label=KIND_LABELS.get(kind, KIND_LABELS[ServiceKind.SERVICE]),
                title=title,
                detail=detail,
                url=reverse("casework:service-detail", kwargs={"pk": record.pk}) if linked else "",
                archived=record.is_archived,
                sort_key=record.created_at.isoformat(),
            )
        )
    for needs in rows["needs"]:
        wants, detail = _needs_text(needs)
        entries.append(
            Entry(
                date=needs.registered_on,
                kind="needs",
                kind_label=KIND_LABELS[ServiceKind.NEEDS],
                title=f"{_('就业需求登记')}：{wants}",
                detail=detail,
                sort_key=needs.created_at.isoformat(),
            )
        )
    return entries
