"""Writes of action 六: rural bases and workshops, the supports they received, and the log of
exchanges with the national poverty-return monitoring system.

A base is organisational data located at a region: district staff and administrators keep
every one, a town officer those of their town. Its employed persons are never typed here: they
are the employment records of its operator (a registered employer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import conflicts, dates
from jiuye.programs.models.rural import (
    BaseKind,
    ExchangeDirection,
    Industry,
    MonitoringExchange,
    RuralBase,
    RuralBaseSupport,
    SupportKind,
)
from jiuye.training.services.massage import may_keep  # who keeps records at a region

FIELDS = (
    "name",
    "kind",
    "industry",
    "region",
    "address",
    "employer",
    "operator_name",
    "contact_name",
    "contact_phone",
    "established_on",
    "driven",
    "note",
)
SUPPORT_FIELDS = ("kind", "amount", "date", "department", "description")
MAX_DRIVEN = 100_000
ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、已停办。"),
    already=gettext_lazy("这个基地已经归档。"),
    refused=gettext_lazy("这个基地已归档，不能再修改。"),
)
SUPPORT_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、金额录错。"),
    already=gettext_lazy("这条扶持记录已经归档。"),
)


def base_check(values: dict[str, Any]) -> dict[str, list[str]]:
    """The rules across a base's fields (the form, the service and the import use them)."""
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写基地或车间的名称。")]
    if values.get("kind") not in BaseKind.values:
        errors["kind"] = [_("请选择类型：就业帮扶车间、残疾人扶贫基地或农村残疾人就业基地。")]
    if values.get("industry") not in Industry.values:
        errors["industry"] = [_("请从列出的产业中选择。")]
    employer = values.get("employer")
    if employer is not None and (values.get("operator_name") or "").strip():
        errors["operator_name"] = [_("已填写登记的运营单位时，不要再填写运营主体名称。")]
    if employer is not None and employer.is_archived:
        errors["employer"] = [_("这家用人单位已归档，不能作为运营单位。")]
    driven = values.get("driven") or 0
    if driven < 0 or driven > MAX_DRIVEN:
        errors["driven"] = [_("带动残疾人数应为 0 到 100000 之间的整数。")]
    established = values.get("established_on")
    if later := dates.after_today(established, label=_("认定或建立日期")):
        errors["established_on"] = later
    return errors


def _base_errors(values: dict[str, Any], by: Any, current: RuralBase | None) -> dict[str, Any]:
    errors = base_check(values)
    region = values.get("region")
    if region is None:
        errors["region"] = [_("请选择所在地。")]
    elif not may_keep(by, region.pk):
        errors["region"] = [_("只能选择您负责的镇街或村（社区）。")]
    return errors


BASE = conflicts.Kept(
    model=RuralBase,
    name="base",
    fields=FIELDS,
    check=_base_errors,
    archiving=ARCHIVING,
    out_of_scope=gettext_lazy("这个基地不在您负责的范围内。"),
    related=("region", "employer"),
)
base_create = transaction.atomic(BASE.create)
base_update = transaction.atomic(BASE.update)
base_archive = transaction.atomic(BASE.archive)


def _check_support(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if values.get("kind") not in SupportKind.values:
        errors["kind"] = [_("请选择扶持方式：资金扶持、设备物资、技术培训或其他。")]
    amount = values.get("amount")
    if amount is not None and amount < Decimal(0):
        errors["amount"] = [_("金额不能是负数。")]
    day = values.get("date")
    if day is None:
        errors["date"] = [_("请填写扶持日期。")]
    elif later := dates.after_today(day, label=_("扶持日期")):
        errors["date"] = later
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def support_add(*, base: RuralBase, by: Any, **fields: Any) -> RuralBaseSupport:
    """Record a support the base received."""
    conflicts.known_fields(fields, SUPPORT_FIELDS, "support")
    fields = conflicts.stripped(fields)
    current = conflicts.editable(
        RuralBase.objects,
        pk=base.pk,
        version=None,
        archived=_("这个基地已归档，不能再登记扶持。"),
    )
    BASE.keeper(by, current)
    _check_support(fields)
    values = {"base": current, **fields}
    return conflicts.created(RuralBaseSupport, values, by=by, exclude=["base", "department"])


@transaction.atomic
def support_archive(*, support: RuralBaseSupport, by: Any, reason: str) -> RuralBaseSupport:
    def check(current: RuralBaseSupport) -> None:
        BASE.keeper(by, current.base)

    return SUPPORT_ARCHIVING.archive(
        RuralBaseSupport.objects.select_related("base"),
        support.pk,
        by=by,
        reason=reason,
        check=check,
    )


def exchange_exported(*, persons: Iterable[Any], by: Any, on: dt.date | None = None) -> int:
    """Log that these persons' needs went out in an export to the monitoring system."""
    day = on or timezone.localdate()
    who = conflicts.actor(by)
    rows = [
        MonitoringExchange(
            person_id=p.pk,
            direction=ExchangeDirection.EXPORTED,
            date=day,
            category=p.monitoring_category,
            created_by=who,
            updated_by=who,
        )
        for p in persons
    ]
    MonitoringExchange.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
