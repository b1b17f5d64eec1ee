"""Training on the person page's timeline: enrolled (or requested), completed or dropped out,
and every certificate awarded. Staff who handle personal data get a link to the enrolment."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.core.timeline import Entry, provider
from jiuye.training.models import Certificate, Enrolment, EnrolmentStatus

KIND_LABEL = gettext_lazy("培训")
CERTIFICATE_LABEL = gettext_lazy("证书")


@provider
def training_entries(person: Any, user: Any) -> list[Entry]:
    # The person page is already scoped, so the person's training is in the user's scope.
    linked = getattr(user, "role", None) in PERSONAL_DATA_ROLES
    entries: list[Entry] = []
    enrolments = Enrolment.objects.filter(person=person).select_related("course__provider")
    for enrolment in enrolments:
        course = enrolment.course
        url = reverse("training:enrolment", args=[enrolment.pk]) if linked else ""
        names = {"title": course.title, "provider": course.provider.name}
        requested = enrolment.status == EnrolmentStatus.REQUESTED
        title = (
            _("申请报名：%(title)s（%(provider)s）")
            if requested
            else _("报名：%(title)s（%(provider)s）")
        )
        entries.append(
            Entry(
                date=enrolment.enrolled_on,
                kind="training",
                kind_label=KIND_LABEL,
                title=title % names,
                url=url,
                sort_key=f"1{enrolment.created_at:%Y%m%d%H%M%S%f}",
            )
        )
        if enrolment.completed_on:
            entries.append(
                Entry(
                    date=enrolment.completed_on,
                    kind="training",
                    kind_label=KIND_LABEL,
                    title=_("结业：%(title)s") % names,
                    detail=_("考核结果：%(a)s") % {"a": enrolment.assessment}
                    if enrolment.assessment
                    else "",
                    url=url,
                    sort_key=f"2{enrolment.updated_at:%Y%m%d%H%M%S%f}",
                )
            )
        if enrolment.dropped_on:
            entries.append(
                Entry(
                    date=enrolment.dropped_on,
                    kind="training",
                    kind_label=KIND_LABEL,
                    title=_("中途退出：%(title)s") % names,
                    detail=enrolment.get_drop_reason_display(),
                    url=url,
                    sort_key=f"2{enrolment.updated_at:%Y%m%d%H%M%S%f}",
                )
            )
    for certificate in Certificate.objects.filter(person=person):
        url = (
            reverse("training:enrolment", args=[certificate.enrolment_id])
            if linked and certificate.enrolment_id
            else ""
        )
        entries.append(
            Entry(
                date=certificate.issued_on,
                kind="certificate",
                kind_label=CERTIFICATE_LABEL,
                title=_("获得证书：%(kind)s%(level)s")
                % {
                    "kind": certificate.get_kind_display(),
                    "level": f"（{certificate.level}）" if certificate.level else "",
                },
                detail=_("证书编号 %(number)s") % {"number": certificate.number},
                url=url,
                sort_key=f"3{certificate.created_at:%Y%m%d%H%M%S%f}",
            )
        )
    return entries
