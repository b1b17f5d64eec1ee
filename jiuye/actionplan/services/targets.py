"""Targets per indicator, year and region; freezing a year's figures; reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.actionplan.models import IndicatorSnapshot, IndicatorTarget, Plan
from jiuye.core import tallies
from jiuye.core.indicators import registry
from jiuye.notifications.services import Event, daily_reminder, notify
from jiuye.reference.models import Region


def target_check(indicator_code: str, value: Decimal | None) -> dict[str, list[str]]:
    """The rules of a target, as the form, the service and the import apply them: the
    indicator exists, the value is not negative."""
    problems: dict[str, list[str]] = {}
    if registry.get(indicator_code) is None:
        problems["indicator_code"] = [_("指标“%(code)s”不存在。") % {"code": indicator_code}]
    if value is not None and value < 0:
        problems["value"] = [_("目标值不能是负数。")]
    return problems


@transaction.atomic
def target_set(
    *, indicator_code: str, year: int, region: Region, value: Decimal | None, by: Any
) -> str:
    """Set (or with ``value=None`` remove) one target. Returns created/updated/unchanged/removed."""
    problems = target_check(indicator_code, value)
    if problems:
        raise ValidationError(problems)
    target = IndicatorTarget.objects.filter(
        indicator_code=indicator_code, year=year, region=region
    ).first()
    if value is None:
        if target is None:
            return "unchanged"
        target.delete()
        return "removed"
    if target is None:
        target = IndicatorTarget(
            indicator_code=indicator_code,
            year=year,
            region=region,
            value=value,
            created_by=by,
            updated_by=by,
        )
        target.full_clean()
        target.save()
        return "created"
    if target.value == value:
        return "unchanged"
    target.value, target.updated_by = value, by
    target.save(update_fields=["value", "updated_by", "updated_at"])
    return "updated"


@transaction.atomic
def year_freeze(*, year: int, regions: list[Region], by: Any) -> int:
    """Store every indicator's value for the year in each region; those figures then stay.
    They are the counts of the moment: the freeze waits for a recount of the villages an import
    changed rather than store the counts from before (``core.tallies.reading``)."""
    if IndicatorSnapshot.objects.filter(year=year).exists():
        raise ValidationError(_("%(year)d年的数据已经冻结过了。") % {"year": year})
    now = timezone.now()
    with tallies.reading(wait=True):
        snapshots = [
            IndicatorSnapshot(
                indicator_code=ind.code,
                year=year,
                region=region,
                value=ind.value(region, year),
                frozen_at=now,
                frozen_by=by,
            )
            for ind in registry.all()
            for region in regions
        ]
    try:
        IndicatorSnapshot.objects.bulk_create(snapshots)
    except IntegrityError as exc:  # a second freeze racing this one
        raise ValidationError(_("%(year)d年的数据已经冻结过了。") % {"year": year}) from exc
    return len(snapshots)


def reminders_notify(*, plan: Plan, today: dt.date) -> int:
    """One in-app notification per user and report owed that is due soon or overdue."""
    from jiuye.actionplan.selectors import reminders, users_of_department

    created = 0
    for department, groups in reminders(plan=plan, today=today).items():
        users = list(users_of_department(department))
        for state, items in groups.items():
            for duty in items:
                title = (
                    _("进展报告已逾期：%(task)s（%(period)s）")
                    if state == "overdue"
                    else _("进展报告即将到期：%(task)s（%(period)s，%(due)s截止）")
                ) % {
                    "task": duty.task.code,
                    "period": duty.period.name,
                    "due": duty.period.due_date,
                }
                key = f"plan:{duty.task.pk}:{duty.period.pk}:{department.code}:{state}"
                event = Event(
                    key=key,
                    kind=f"report_{state}",
                    title=title,
                    body=duty.task.title,
                    url=f"/plan/tasks/{duty.task.pk}/",
                )
                created += len(notify(event=event, recipients=users))
    return created


@daily_reminder("reports_due")
def reminders_notify_current(today: dt.date) -> int:
    """The daily run's reminders of reports due and overdue, for every current plan."""
    return sum(
        reminders_notify(plan=plan, today=today) for plan in Plan.objects.filter(is_current=True)
    )
