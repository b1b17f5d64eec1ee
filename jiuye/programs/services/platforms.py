"""Writes of platform partners (action 四): the platform and its commitments.

A platform is kept by district staff and administrators, and by the town officer of the town
its employer is in. A commitment that stops is given its end date (``commitment_end``); a
platform that stops taking part is archived with a reason. Nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core import conflicts, dates
from jiuye.core.scoping import may_keep
from jiuye.programs.models import PlatformCommitment, PlatformPartner
from jiuye.programs.models.platforms import CommitmentKind, PlatformKind

FIELDS = ("employer", "platform_kinds", "since", "contact_name", "contact_phone", "note")
KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、平台已退出合作。"),
    already=gettext_lazy("这个合作平台已经归档。"),
    refused=gettext_lazy("这个合作平台已归档，不能再修改。"),
)


def partner_check(values: dict[str, Any], by: Any, current: PlatformPartner | None) -> Any:
    """What a platform must hold (the form, the service and the import share it); returns
    ``{field: [messages]}``."""
    errors: dict[str, list[str]] = {}
    employer = values.get("employer")
    if employer is None:
        errors["employer"] = [_("请填写平台企业的统一社会信用代码。")]
    elif current is None or current.employer_id != employer.pk:
        if employer.is_archived:
            errors["employer"] = [_("这家用人单位已归档，不能登记为合作平台。")]
        elif not may_keep(by, employer.region_id):
            errors["employer"] = [_("这家单位不在您负责的镇街，不能登记。")]
        elif PlatformPartner.objects.filter(employer=employer).exists():
            errors["employer"] = [_("这家单位已经登记为合作平台。")]
    kinds = values.get("platform_kinds") or []
    if not kinds:
        errors["platform_kinds"] = [_("请至少选择一种平台类型。")]
    elif set(kinds) - set(PlatformKind.values):
        errors["platform_kinds"] = [_("请从列出的平台类型中选择。")]
    since = values.get("since")
    if since is None:
        errors["since"] = [_("请填写开始助残合作日期。")]
    elif later := dates.after_today(since, label=_("开始助残合作日期")):
        errors["since"] = later
    return errors


PARTNER = conflicts.Kept(
    model=PlatformPartner,
    name="partner",
    fields=FIELDS,
    check=partner_check,
    archiving=ARCHIVING,
    out_of_scope=gettext_lazy("这个合作平台不在您负责的范围内。"),
    related=("employer",),
    region=lambda partner: partner.employer.region_id,
)
partner_create = transaction.atomic(PARTNER.create)
partner_update = transaction.atomic(PARTNER.update)
partner_archive = transaction.atomic(PARTNER.archive)


@transaction.atomic
def commitment_add(
    *, partner: PlatformPartner, by: Any, kind: str, description: str, since: dt.date | None
) -> PlatformCommitment:
    current = conflicts.editable(
        PlatformPartner.objects.select_related("employer"),
        pk=partner.pk,
        version=None,
        archived=_("这个合作平台已归档，不能再添加承诺。"),
    )
    PARTNER.keeper(by, current)
    errors: dict[str, list[str]] = {}
    if kind not in CommitmentKind.values:
        errors["kind"] = [_("请选择承诺类型。")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("请写明承诺的具体内容，例如：免收加盟费。")]
    if since is None:
        errors["since"] = [_("请填写承诺起始日期。")]
    conflicts.refuse(errors)
    values = {"partner": current, "kind": kind, "description": description, "since": since}
    return conflicts.created(PlatformCommitment, values, by=by, exclude=["partner"])


@transaction.atomic
def commitment_end(
    *, commitment: PlatformCommitment, by: Any, version: int | None, until: dt.date | None
) -> PlatformCommitment:
    """The commitment stopped on ``until`` (it stays on record)."""
    current = conflicts.locked(
        PlatformCommitment.objects.select_related("partner__employer"),
        pk=commitment.pk,
        version=version,
    )
    PARTNER.keeper(by, current.partner)
    if current.until is not None:
        raise ValidationError(_("这项承诺已经终止。"), code="ended")
    if until is None:
        raise ValidationError({"until": [_("请填写终止日期。")]})
    if until < current.since:
        raise ValidationError({"until": [_("终止日期不能早于起始日期。")]})
    changed = conflicts.assign(current, {"until": until})
    return conflicts.bump(current, by=by, changed=changed)
