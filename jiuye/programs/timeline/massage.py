"""Action 八 on the person page's timeline: the person's applications through the administrative
approval channel (the practitioner qualification, opening a 医疗按摩所), one entry for each
stage reached on its date — submitted (with the stage the application is at now), accepted,
approved (with the certificate or licence number) or refused (with the reasons). A refusal
straight after submission accepts and decides on the same day: only the decision is shown.
Staff who keep the applications get a link to the application's page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.timeline import Entry, EntryKind, provider, stamp
from jiuye.programs.models.massage import ApplicationKind, ApplicationStatus, MassageApplication
from jiuye.programs.selectors.massage import KEEPERS

MASSAGE = EntryKind("massage_application", gettext_lazy("医疗按摩审批"))


def _subject(application: MassageApplication) -> str:
    kind = application.get_kind_display()
    if application.kind == ApplicationKind.CLINIC and application.clinic_name:
        return f"{kind}（{application.clinic_name}）"
    return kind


def _decision(application: MassageApplication) -> tuple[str, str]:
    if application.status == ApplicationStatus.APPROVED:
        detail = (
            _("证书或许可证号 %(number)s") % {"number": application.decision_number}
            if application.decision_number
            else ""
        )
        return _("申请已批准：%(subject)s"), detail
    detail = (
        _("审批意见：%(note)s") % {"note": application.decision_note}
        if application.decision_note
        else ""
    )
    return _("申请未批准：%(subject)s"), detail


def _reads(person: Any) -> dict[str, Any]:
    return {"applications": MassageApplication.objects.filter(person=person)}


@provider(concerns=((MassageApplication, "person"),), reads=_reads)
def massage_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    # The person page is already scoped, so the person's applications are in the user's scope.
    linked = getattr(user, "role", None) in KEEPERS
    entries: list[Entry] = []
    for application in rows["applications"]:
        url = reverse("programs:massage-application", args=[application.pk]) if linked else ""
        names = {"subject": _subject(application)}
        key = stamp(application.created_at)
        where = (
            _("受理部门：%(authority)s") % {"authority": application.authority}
            if application.authority
            else ""
        )
        stage = _("当前阶段：%(stage)s") % {"stage": application.get_status_display()}
        entries.append(
            MASSAGE.entry(
                application.submitted_on,
                _("提交申请：%(subject)s") % names,
                detail="；".join(part for part in (stage, where) if part),
                url=url,
                sort_key=f"1{key}",
            )
        )
        decided = application.decided_on
        if application.accepted_on and application.accepted_on != decided:
            entries.append(
                MASSAGE.entry(
                    application.accepted_on,
                    _("申请已受理：%(subject)s") % names,
                    detail=where,
                    url=url,
                    sort_key=f"2{key}",
                )
            )
        if decided:
            title, detail = _decision(application)
            entries.append(
                MASSAGE.entry(decided, title % names, detail=detail, url=url, sort_key=f"3{key}")
            )
    return entries
