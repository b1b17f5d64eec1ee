"""Regions and the reference lists (departments, disability categories and grades)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from jiuye.api.views.conventions import keyset_page, note_rows
from jiuye.reference.models import Department, DisabilityCategory, DisabilityGrade, Region

router = Router(tags=["reference"])


def _region(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent_id,
        "disabled": region.disabled_at is not None,
    }


@router.get("/regions", summary="行政区划（按代码分页）")
def regions(
    request: HttpRequest, under: str = "", cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Every region, or those under a code prefix (``under=440199001``), in code order."""
    qs = Region.objects.all()
    if under:
        qs = qs.filter(code__startswith=under.rstrip("0") or under)
    return keyset_page(request, qs, _region, cursor=cursor, limit=limit, order=("code", "code"))


@router.get("/reference/{name}", summary="参考列表：departments、categories、grades")
def reference_list(request: HttpRequest, name: str) -> dict[str, Any]:
    from django.http import Http404

    if name == "departments":
        items = [
            {"code": d.code, "name": d.name, "kind": d.kind, "region": d.region_id}
            for d in Department.objects.order_by("sort_order", "code")
        ]
    elif name in ("categories", "grades"):
        model = DisabilityCategory if name == "categories" else DisabilityGrade
        items = [
            {"code": c.code, "name": c.name, "name_en": c.name_en} for c in model.objects.all()
        ]
    else:
        raise Http404
    note_rows(request, len(items), personal=False)
    return {"items": items, "next_cursor": None}
