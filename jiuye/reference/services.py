"""Writes to reference data. Loading is idempotent: rows that already match are left alone."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_bulk
from jiuye.reference.importing.boundaries import BoundaryCheck
from jiuye.reference.models import (
    Department,
    DisabilityCategory,
    DisabilityGrade,
    QuotaPolicy,
    Region,
    RegionBoundary,
    WorkingAgeRule,
)
from jiuye.reference.working_age import rule_values

DATA_DIR = Path(__file__).resolve().parent / "data"


class ReferenceDataError(Exception):
    """A reference file has a bad row; the message names the file, row and problem."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: list[str] = field(default_factory=list)

    def add(self, other: LoadResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def _read_csv(path: Path, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReferenceDataError(
            _("无法读取文件 %(path)s：%(err)s") % {"path": path, "err": exc}
        ) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReferenceDataError(_("文件 %(path)s 不是 UTF-8 或 GBK 编码的 CSV。") % {"path": path})
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ReferenceDataError(
            _("文件 %(path)s 缺少列：%(cols)s") % {"path": path, "cols": "、".join(missing)}
        )
    return [
        (number, {k: (v or "").strip() for k, v in row.items() if k})
        for number, row in enumerate(reader, start=2)
    ]


def _upsert(model: type, key: dict, values: dict, result: LoadResult) -> object:
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = model(**key, **values)
        obj.full_clean()
        obj.save()
        result.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
        result.updated += 1
    else:
        result.unchanged += 1
    return obj


@transaction.atomic
def regions_load(*, path: Path) -> LoadResult:
    """Load a code,name CSV of regions. Parents must come before children or exist already."""
    rows = _read_csv(path, ["code", "name"])
    result = LoadResult()
    seen: dict[str, int] = {}
    for number, row in sorted(rows, key=lambda r: r[1]["code"]):
        code, name = row["code"], row["name"]
        where = _("%(path)s 第%(row)d行") % {"path": path.name, "row": number}
        if len(code) != 12 or not code.isdigit():
            raise ReferenceDataError(
                _("%(where)s：区划代码“%(code)s”应为12位数字。") % {"where": where, "code": code}
            )
        if not name:
            raise ReferenceDataError(_("%(where)s：名称不能为空。") % {"where": where})
        if code in seen:
            raise ReferenceDataError(
                _("%(where)s：区划代码%(code)s与第%(other)d行重复。")
                % {"where": where, "code": code, "other": seen[code]}
            )
        seen[code] = number
        parent_code = Region.parent_code_of(code)
        if parent_code and not Region.objects.filter(code=parent_code).exists():
            raise ReferenceDataError(
                _("%(where)s：上级区划%(parent)s不存在，请先列出上级。")
                % {"where": where, "parent": parent_code}
            )
        _upsert(
            Region,
            {"code": code},
            {"name": name, "level": Region.level_of(code), "parent_id": parent_code},
            result,
        )
    return result


@transaction.atomic
def departments_load(*, path: Path, district_code: str | None = None) -> LoadResult:
    """Load district departments, then one responsible unit per town/street of the district."""
    result = LoadResult()
    for number, row in _read_csv(path, ["code", "name", "short_name", "aliases", "sort_order"]):
        if not row["code"] or not row["name"]:
            raise ReferenceDataError(
                _("%(path)s 第%(row)d行：代码和名称都必须填写。")
                % {"path": path.name, "row": number}
            )
        _upsert(
            Department,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "aliases": row["aliases"],
                "kind": Department.Kind.DEPARTMENT,
                "sort_order": int(row["sort_order"] or 0),
            },
            result,
        )
    towns = Region.objects.filter(level=Region.Level.TOWN)
    if district_code:
        towns = towns.filter(code__startswith=district_code[:6])
    for order, town in enumerate(towns.order_by("code"), start=1):
        _upsert(
            Department,
            {"code": f"town-{town.code}"},
            {
                "name": town.name,
                "short_name": town.name,
                "aliases": "",
                "kind": Department.Kind.TOWN,
                "region": town,
                "sort_order": 1000 + order,
            },
            result,
        )
    return result


@transaction.atomic
def disability_reference_load(*, data_dir: Path = DATA_DIR) -> LoadResult:
    result = LoadResult()
    for model, filename in (
        (DisabilityCategory, "disability_categories.csv"),
        (DisabilityGrade, "disability_grades.csv"),
    ):
        for _number, row in _read_csv(data_dir / filename, ["code", "name", "name_en"]):
            _upsert(
                model,
                {"code": int(row["code"])},
                {"name": row["name"], "name_en": row["name_en"]},
                result,
            )
    return result


@transaction.atomic
def working_age_load(*, path: Path = DATA_DIR / "working_age.csv") -> LoadResult:
    result = LoadResult()
    for number, row in _read_csv(path, ["valid_from", "min_age", "male_max_age", "female_max_age"]):
        try:
            values = rule_values(row)
        except ValueError as exc:
            raise ReferenceDataError(
                _("%(path)s 第%(row)d行：日期应写成 2025-01-01，年龄应为整数。")
                % {"path": path.name, "row": number}
            ) from exc
        valid_from = values.pop("valid_from")
        _upsert(WorkingAgeRule, {"valid_from": valid_from}, values, result)
    return result


def _decimal(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite() or value < 0:
        raise InvalidOperation(text)
    return value


def parse_reduction_tiers(text: str) -> list[dict[str, str]]:
    """``"0.01:0.5;0:0.9"`` → tiers from the highest threshold down (actual ratio ≥ min_ratio
    pays ``share`` of the levy). Empty text: no reductions."""
    tiers = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        threshold, share = part.split(":")
        tiers.append({"min_ratio": str(_decimal(threshold)), "share": str(_decimal(share))})
    return sorted(tiers, key=lambda t: Decimal(t["min_ratio"]), reverse=True)


def _date_basis(text: str) -> str:
    """``data`` (the default) or ``collection``; anything else is a ValueError."""
    text = text.strip() or QuotaPolicy.DateBasis.DATA_YEAR
    if text not in QuotaPolicy.DateBasis.values:
        raise ValueError(text)
    return text


def quota_policy_load(*, path: Path = DATA_DIR / "quota_policy.csv") -> LoadResult:
    """The proportional-employment parameters by region and date (DOMAIN.md): rows not yet in
    the database are created; existing rows are never overwritten."""
    result = LoadResult()
    required = ["region", "valid_from", "ratio", "minimum_wage", "social_average_wage"]
    for number, row in _read_csv(path, required):
        try:
            region = Region.objects.get(code=row["region"])
        except Region.DoesNotExist:
            raise ReferenceDataError(
                _("%(path)s 第%(row)d行：地区代码 %(code)s 不在行政区划中。")
                % {"path": path.name, "row": number, "code": row["region"]}
            ) from None
        try:
            values = {
                "ratio": _decimal(row["ratio"]),
                "counting_basis": row.get("counting_basis") or QuotaPolicy.CountingBasis.ANNUAL,
                "double_count_grades": [
                    int(g) for g in row.get("double_count_grades", "").split(",") if g.strip()
                ],
                "minimum_wage": _decimal(row["minimum_wage"]),
                "social_average_wage": _decimal(row["social_average_wage"]),
                "wage_cap_multiple": (
                    _decimal(row["wage_cap_multiple"]) if row.get("wage_cap_multiple") else None
                ),
                "reduction_tiers": parse_reduction_tiers(row.get("reduction_tiers", "")),
                "small_enterprise_max_staff": (
                    int(row["small_enterprise_max_staff"])
                    if row.get("small_enterprise_max_staff")
                    else None
                ),
                "window_opens": row.get("window_opens") or "03-01",
                "window_closes": row.get("window_closes") or "06-30",
                "valid_until": (
                    dt.date.fromisoformat(row["valid_until"]) if row.get("valid_until") else None
                ),
                "date_basis": _date_basis(row.get("date_basis", "")),
                "document": row.get("document", ""),
                "source": row.get("source", ""),
            }
            valid_from = dt.date.fromisoformat(row["valid_from"])
        except (ValueError, InvalidOperation) as exc:
            raise ReferenceDataError(
                _(
                    "%(path)s 第%(row)d行：日期应写成 2025-01-01，日期口径写 data 或 "
                    "collection，比例和金额应为非负数字，分档减缴写成 0.01:0.5;0:0.9。"
                )
                % {"path": path.name, "row": number}
            ) from exc
        # Once loaded, a row belongs to district staff, who correct it on the policy pages
        # (audited): loading again adds the rows that are missing and leaves the others alone.
        if QuotaPolicy.objects.filter(region=region, valid_from=valid_from).exists():
            result.unchanged += 1
            continue
        _upsert(QuotaPolicy, {"region": region, "valid_from": valid_from}, values, result)
    return result


@transaction.atomic
def reference_load(*, regions_path: Path | None = None) -> LoadResult:
    """Everything `manage.py load_reference` loads, in one transaction."""
    result = LoadResult()
    regions = regions_load(path=regions_path or DATA_DIR / "regions.csv")
    departments = departments_load(path=DATA_DIR / "departments.csv")
    disability = disability_reference_load()
    working_age = working_age_load()
    quota = quota_policy_load()
    for part, label in (
        (regions, "regions"),
        (departments, "departments"),
        (disability, "disability"),
        (working_age, "working age"),
        (quota, "quota policy"),
    ):
        result.add(part)
        result.details.append(
            f"{label}: created {part.created}, updated {part.updated}, unchanged {part.unchanged}"
        )
    return result


# --- region boundaries ----------------------------------------------------------------------


@transaction.atomic
def boundaries_import(*, check: BoundaryCheck, by: Any = None, dry_run: bool = False) -> LoadResult:
    """Write the boundaries of a checked file (``reference.importing.boundaries_check``): all of
    them, or none when the check found any problem. A region whose outline is the same as
    stored is left alone, so importing a file again changes nothing. Each created or changed
    boundary gets an audit entry (its digest and source file; the outline is too large).
    ``dry_run`` counts what would be created, updated and left alone, and writes nothing."""
    if not check.ok:
        raise ReferenceDataError(_("边界文件有错误，没有导入任何内容。"))
    result = LoadResult()
    stored = RegionBoundary.objects.in_bulk([f.region.code for f in check.features])
    now = timezone.now()
    created: list[RegionBoundary] = []
    changed: list[tuple[RegionBoundary, dict[str, tuple[Any, Any]]]] = []
    for feature in check.features:
        current = stored.get(feature.region.code)
        if current is not None and current.digest == feature.digest:
            result.unchanged += 1
            continue
        values = {
            "geometry": feature.geometry,
            "digest": feature.digest,
            "source": check.source[:200],
            "imported_at": now,
            "imported_by": by if getattr(by, "pk", None) else None,
        }
        if current is None:
            created.append(RegionBoundary(region=feature.region, **values))
            continue
        diff = {
            "digest": (current.digest, feature.digest),
            "source": (current.source, values["source"]),
        }
        for name, value in values.items():
            setattr(current, name, value)
        changed.append((current, diff))
    result.created, result.updated = len(created), len(changed)
    if dry_run:
        return result
    RegionBoundary.objects.bulk_create(created)
    RegionBoundary.objects.bulk_update(
        [b for b, _diff in changed], ["geometry", "digest", "source", "imported_at", "imported_by"]
    )
    audit_bulk(
        model=RegionBoundary,
        changes=[(b, {"digest": (None, b.digest), "source": (None, b.source)}) for b in created],
        action=LogEntry.Action.CREATE,
        actor=by,
    )
    audit_bulk(model=RegionBoundary, changes=changed, action=LogEntry.Action.UPDATE, actor=by)
    return result
