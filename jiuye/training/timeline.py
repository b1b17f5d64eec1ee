"""Training on the person page's timeline: enrolled (or requested), completed or dropped out,
and every certificate awarded. Staff who handle personal data get a link to the enrolment."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.core.timeline import Entry, EntryKind, provider, stamp
from jiuye.training.models import Certificate, Enrolment, EnrolmentStatus

TRAINING = EntryKind("training", gettext_lazy("培训"))
CERTIFICATE = EntryKind("certificate", gettext_lazy("证书"))


def _reads(person: Any) -> dict[str, Any]:
    return {
        "enrolments": Enrolment.objects.filter(person=person).select_related("course__provider"),
        "certificates": Certificate.objects.filter(person=person),
    }


@provider(concerns=((Enrolment, "person"), (Certificate, "person")), reads=_reads)
def training_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    # The person page is already scoped, so the person's training is in the user's scope.
    linked = getattr(user, "role", None) in PERSONAL_DATA_ROLES
    entries: list[Entry] = []
    for enrolment in rows["enrolments"]:
        course = enrolment.course
        url = reverse("training:enrolment", args=[enrolment.pk]) if linked else ""
        names = {"title": course.title, "provider": course.provider.name}
        requested = enrolment.status == EnrolmentStatus.REQUESTED
        title = (
            _("申请报名：%(title)s（%(provider)s）")
            if requested
            else _("报名：%(title)s（%(provider)s）")
        )
        started = f"1{stamp(enrolment.created_at)}"
        entries.append(
            TRAINING.entry(enrolment.enrolled_on, title % names, url=url, sort_key=started)
        )
        assessment = (
            _("考核结果：%(a)s") % {"a": enrolment.assessment} if enrolment.assessment else ""
        )
        ends = (
            (enrolment.completed_on, _("结业：%(title)s"), assessment),
            (enrolment.dropped_on, _("中途退出：%(title)s"), enrolment.get_drop_reason_display()),
        )
        for day, ended, detail in ends:
            if day:
                changed = f"2{stamp(enrolment.updated_at)}"
                more = {"detail": detail, "url": url, "sort_key": changed}
                entries.append(TRAINING.entry(day, ended % names, **more))
    for certificate in rows["certificates"]:
        url = (
            reverse("training:enrolment", args=[certificate.enrolment_id])
            if linked and certificate.enrolment_id
            else ""
        )
        level = f"（{certificate.level}）" if certificate.level else ""
        title = _("获得证书：%(kind)s%(level)s") % {
            "kind": certificate.get_kind_display(),
            "level": level,
        }
        entries.append(
            CERTIFICATE.entry(
                certificate.issued_on,
                title,
                detail=_("证书编号 %(number)s") % {"number": certificate.number},
                url=url,
                sort_key=f"3{stamp(certificate.created_at)}",
            )
        )
    return entries
