"""Writes of complaints and suggestions: filing (routing, reference number, check code, due
date), replying, reassigning, rating, and the daily escalation of overdue ones."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from jiuye.core.roles import Role
from jiuye.core.uploads import FileType, detect
from jiuye.employers.models import Employer
from jiuye.grievances.models import About, Grievance, Satisfaction, Status
from jiuye.notifications import selectors as told
from jiuye.notifications.services import Event, notify
from jiuye.reference.models import Department
from jiuye.reference.selectors import department_of_town

ATTACHMENT_TYPES = ("jpeg", "png", "webp", "pdf")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Letters and digits no one confuses when reading them aloud or typing them (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_RANDOM = 6
CHECK_DIGITS = 6
_HMAC_SALT = "jiuye.grievances.check"


@dataclass(frozen=True)
class Filed:
    """A new grievance and its check code (shown to the filer once, never stored)."""

    grievance: Grievance
    check_code: str


def new_reference(today: dt.date) -> str:
    """``TS2026-7KQ3MX``: the year and six random characters, so a reference number tells
    nothing about how many were filed and the next one cannot be guessed."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM))
    return f"TS{today.year}-{body}"


def normalize_reference(value: str) -> str:
    """A reference as typed (spaces, lower case, full-width characters, no dash) in its
    stored form."""
    text = "".join(chr(ord(ch) - 0xFEE0) if "！" <= ch <= "～" else ch for ch in str(value or ""))
    text = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(text) == 6 + REFERENCE_RANDOM and text.startswith("TS"):
        return f"{text[:6]}-{text[6:]}"
    return text


def check_hash(reference: str, code: str) -> str:
    return salted_hmac(_HMAC_SALT, f"{reference}:{code}").hexdigest()


def check_code_matches(grievance: Grievance, code: str) -> bool:
    digits = "".join(ch for ch in str(code or "") if ch.isdigit())
    return hmac.compare_digest(grievance.check_hash, check_hash(grievance.reference, digits))


def due_date_from(day: dt.date) -> dt.date:
    """The answer is due JIUYE_GRIEVANCE_DUE_DAYS calendar days after ``day``."""
    return day + dt.timedelta(days=settings.JIUYE_GRIEVANCE_DUE_DAYS)


def check_attachment(upload: UploadedFile | None) -> FileType | None:
    """The attachment's type read from its content, or a ValidationError under "attachment"."""
    if upload is None:
        return None
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"attachment": [_("附件不能超过 10 MB，请压缩照片后再上传。")]}, code="too_big"
        )
    return detect(upload, ATTACHMENT_TYPES, field="attachment")


def route(
    *, about: str, town: str = "", department: Department | None = None, employer_name: str = ""
) -> tuple[Department, Employer | None]:
    """The unit that answers (and the registered employer it is about, if found): the chosen
    department; the chosen town's unit; for an employer, the unit of the town it is in."""
    if about == About.DEPARTMENT:
        if department is None or department.kind != Department.Kind.DEPARTMENT:
            raise ValidationError({"department": [_("请选择反映的是哪个部门。")]})
        return department, None
    unit = department_of_town(town) if town else None
    if unit is None:
        field = "town"
        raise ValidationError({field: [_("请选择是哪个镇街。")]})
    if about == About.TOWN:
        return unit, None
    employer = (
        Employer.objects.filter(
            name=employer_name, region__code__startswith=town[:9], archived_at__isnull=True
        )
        .order_by("created_at")
        .first()
    )
    return unit, employer


def grievance_file(
    *,
    kind: str,
    category: str,
    about: str,
    text: str,
    town: str = "",
    department: Department | None = None,
    employer_name: str = "",
    attachment: UploadedFile | None = None,
    anonymous: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    by: Any = None,
    today: dt.date | None = None,
) -> Filed:
    """File a complaint or suggestion: route it, give it a reference number and a check code,
    and set its due date."""
    today = today or timezone.localdate()
    unit, employer = route(
        about=about, town=town, department=department, employer_name=employer_name
    )
    detected = check_attachment(attachment)
    if not anonymous and not (contact_name or contact_phone):
        raise ValidationError(
            {"contact_phone": [_("请留下联系电话或姓名，或选择匿名。")]}, code="contact"
        )
    if anonymous:
        contact_name = contact_phone = ""
    code = "".join(secrets.choice("0123456789") for _ in range(CHECK_DIGITS))
    user = by if getattr(by, "pk", None) else None
    for _attempt in range(10):
        reference = new_reference(today)
        grievance = Grievance(
            reference=reference,
            check_hash=check_hash(reference, code),
            kind=kind,
            category=category,
            about=about,
            department=unit,
            employer=employer,
            employer_name=employer_name if about == About.EMPLOYER else "",
            text=text,
            anonymous=anonymous,
            contact_name=contact_name,
            contact_phone=contact_phone,
            due_date=due_date_from(today),
            created_by=user,
            updated_by=user,
        )
        if attachment is not None and detected is not None:
            grievance.attachment_name = Path(attachment.name or "").name[:200]
            attachment.name = f"attachment{detected.extension}"
            grievance.attachment = attachment
        grievance.full_clean(exclude=["attachment", "check_hash", "department", "employer"])
        try:
            with transaction.atomic():
                grievance.save()
        except IntegrityError:
            if Grievance.objects.filter(reference=reference).exists():
                continue  # one in 887 million: draw another number
            raise
        return Filed(grievance, code)
    raise RuntimeError("no free reference number after 10 draws")


def _may_answer(grievance: Grievance, by: Any) -> None:
    if getattr(by, "is_read_only", False):
        raise ValidationError(_("只读账户不能答复。"), code="read_only")


@transaction.atomic
def grievance_reply(*, grievance: Grievance, by: Any, reply: str) -> Grievance:
    """The unit's answer: the filer sees it when they look the grievance up."""
    _may_answer(grievance, by)
    grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": [_("请填写答复内容。")]})
    grievance.reply = reply
    grievance.status = Status.REPLIED
    grievance.replied_at = timezone.now()
    grievance.replied_by = by
    grievance.satisfaction = ""
    grievance.satisfaction_note = ""
    grievance.rated_at = None
    grievance.updated_by = by
    grievance.save(
        update_fields=[
            "reply",
            "status",
            "replied_at",
            "replied_by",
            "satisfaction",
            "satisfaction_note",
            "rated_at",
            "updated_by",
            "updated_at",
        ]
    )
    return grievance


@transaction.atomic
def grievance_reassign(*, grievance: Grievance, by: Any, department: Department) -> Grievance:
    """Send a misrouted grievance to another unit (district staff); its due date stays."""
    if by.role not in (Role.ADMIN, Role.DISTRICT):
        raise ValidationError(_("只有区残联工作人员可以改派。"), code="scope")
    if department.is_disabled:
        raise ValidationError({"department": [_("这个单位已停用，请选择其他单位。")]})
    grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
    grievance.department = department
    grievance.updated_by = by
    grievance.save(update_fields=["department", "updated_by", "updated_at"])
    return grievance


@transaction.atomic
def grievance_rate(
    *, grievance: Grievance, satisfaction: str, note: str = "", today: dt.date | None = None
) -> Grievance:
    """The filer's answer to a reply. "Not satisfied" sends it back to the unit, due again in
    JIUYE_GRIEVANCE_DUE_DAYS days."""
    grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
    if grievance.status != Status.REPLIED:
        raise ValidationError(_("还没有答复，答复后才能评价。"), code="not_replied")
    if grievance.satisfaction:
        raise ValidationError(_("这条答复已经评价过了。"), code="rated")
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": [_("请选择是否满意。")]})
    grievance.satisfaction = satisfaction
    grievance.satisfaction_note = note.strip()
    grievance.rated_at = timezone.now()
    fields = ["satisfaction", "satisfaction_note", "rated_at", "updated_at"]
    if satisfaction == Satisfaction.UNSATISFIED:
        grievance.status = Status.OPEN
        grievance.due_date = due_date_from(today or timezone.localdate())
        grievance.escalated_at = None
        grievance.reopened += 1
        fields += ["status", "due_date", "escalated_at", "reopened"]
    grievance.save(update_fields=fields)
    return grievance


def grievances_escalate(*, today: dt.date | None = None) -> list[Grievance]:
    """Report every open grievance past its due date, not reported yet, to the district: mark
    it escalated and tell each active district officer once (in-app notification)."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        overdue = list(
            Grievance.objects.select_for_update()
            .filter(status=Status.OPEN, due_date__lt=today, escalated_at__isnull=True)
            .select_related("department")
            .order_by("due_date", "reference")
        )
        if not overdue:
            return []
        for grievance in overdue:  # one by one, so the audit trail records each
            grievance.escalated_at = now
            grievance.save(update_fields=["escalated_at", "updated_at"])
        district = list(told.reviewers())
        for g in overdue:
            notify(
                event=Event(
                    key=f"grievance-overdue:{g.pk}:{g.reopened}",
                    kind="grievance_overdue",
                    title=_("投诉建议 %(ref)s 已超过答复期限") % {"ref": g.reference},
                    body=_("承办单位：%(unit)s；答复期限：%(due)s。")
                    % {"unit": g.department, "due": g.due_date},
                    url=reverse("grievances:detail", kwargs={"pk": g.pk}),
                ),
                recipients=district,
            )
    return overdue
