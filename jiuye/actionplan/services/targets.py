"""Targets per indicator, year and region; freezing a year's figures; reminders."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from jiuye.actionplan.models import IndicatorSnapshot, IndicatorTarget, Plan
from jiuye.core.indicators import registry
from jiuye.core.models import Notification
from jiuye.reference.models import Region

TARGET_COLUMNS = ["指标代码", "年度", "区划代码", "目标值"]


@transaction.atomic
def target_set(
    *, indicator_code: str, year: int, region: Region, value: Decimal | None, by: Any
) -> str:
    """Set (or with ``value=None`` remove) one target. Returns created/updated/unchanged/removed."""
    if registry.get(indicator_code) is None:
        raise ValidationError(_("指标“%(code)s”不存在。") % {"code": indicator_code})
    target = IndicatorTarget.objects.filter(
        indicator_code=indicator_code, year=year, region=region
    ).first()
    if value is None:
        if target is None:
            return "unchanged"
        target.delete()
        return "removed"
    if value < 0:
        raise ValidationError(_("目标值不能是负数。"))
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


@dataclass
class TargetImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def targets_import(
    *, data: bytes, dry_run: bool, by: Any, allowed_regions: set[str]
) -> TargetImportResult:
    """Read an .xlsx of targets (指标代码, 年度, 区划代码, 目标值).

    Every bad row is reported; nothing is written unless every row is good and ``dry_run`` is off.
    """
    result = TargetImportResult()
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
    except Exception as exc:  # noqa: BLE001 - calamine raises many kinds for a broken file
        raise ValidationError(_("无法读取这个文件，请上传 .xlsx 格式的目标表。")) from exc
    if not rows:
        raise ValidationError(_("文件是空的。"))
    header = [_cell_text(c).replace(" ", "") for c in rows[0]]
    missing = [c for c in TARGET_COLUMNS if c not in header]
    if missing:
        raise ValidationError(_("第1行缺少列：%(cols)s") % {"cols": "、".join(missing)})
    index = {name: header.index(name) for name in TARGET_COLUMNS}
    parsed = []
    seen: dict[tuple[str, int, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: _cell_text(row[i]) if i < len(row) else "" for name, i in index.items()}
        if not any(cells.values()):
            continue
        result.rows += 1
        problems = []
        code = cells["指标代码"]
        if registry.get(code) is None:
            problems.append(_("指标代码“%(v)s”不存在") % {"v": code})
        try:
            year = int(cells["年度"])
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            year = 0
            problems.append(_("年度“%(v)s”应为四位年份") % {"v": cells["年度"]})
        region_code = cells["区划代码"]
        if region_code not in allowed_regions:
            problems.append(_("区划代码“%(v)s”不是本区或本区的镇街") % {"v": region_code})
        try:
            value = Decimal(cells["目标值"])
            if value < 0 or not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            value = None
            problems.append(_("目标值“%(v)s”应为不小于0的数字") % {"v": cells["目标值"]})
        key = (code, year, region_code)
        if not problems and key in seen:
            problems.append(_("与第%(n)d行重复") % {"n": seen[key]})
        seen.setdefault(key, number)
        if problems:
            result.errors.append(_("第%(n)d行：") % {"n": number} + "；".join(problems))
        else:
            parsed.append((code, year, region_code, value))
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        regions = {r.code: r for r in Region.objects.filter(code__in={p[2] for p in parsed})}
        for code, year, region_code, value in parsed:
            outcome = target_set(
                indicator_code=code, year=year, region=regions[region_code], value=value, by=by
            )
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


@transaction.atomic
def year_freeze(*, year: int, regions: list[Region], by: Any) -> int:
    """Store every indicator's value for the year in each region; those figures then stay."""
    if IndicatorSnapshot.objects.filter(year=year).exists():
        raise ValidationError(_("%(year)d年的数据已经冻结过了。") % {"year": year})
    now = timezone.now()
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
                for user in users:
                    _obj, made = Notification.objects.get_or_create(
                        user=user,
                        dedupe_key=key,
                        defaults={
                            "kind": f"report_{state}",
                            "title": title,
                            "body": duty.task.title,
                            "url": f"/plan/tasks/{duty.task.pk}/",
                        },
                    )
                    created += made
    return created
