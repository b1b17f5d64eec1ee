"""The reference rows a form offers. Regions: the district's towns and villages a user may
choose, as querysets (for a ModelChoiceField) or as (code, name) pairs; a town officer is offered
only their own town and what lies under it. Disability categories and grades. Disabled rows are
never offered."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import checkbox_field
from jiuye.core.forms import checked_upload
from jiuye.core.listing import choices_asked
from jiuye.core.roles import Role
from jiuye.core.scoping import town_prefix
from jiuye.reference.importing.boundaries import MAX_BYTES, BoundaryFileError, boundaries_check
from jiuye.reference.models import DisabilityCategory, DisabilityGrade, Region


def live_regions(*levels: int) -> QuerySet[Region]:
    """The regions of these levels that are not disabled, in code order."""
    return Region.objects.filter(level__in=levels, disabled_at__isnull=True).order_by("code")


def district_towns() -> QuerySet[Region]:
    """The towns and streets of the district, in code order."""
    return live_regions(Region.Level.TOWN)


def town_choices() -> list[tuple[str, str]]:
    return code_choices(district_towns())


def towns_for(user: Any) -> QuerySet[Region]:
    """The towns a user works in: their own for a town officer, all for district staff."""
    qs = district_towns()
    if user.role == Role.TOWN:
        return qs.filter(code=user.town_id)
    return qs if user.role in (Role.ADMIN, Role.DISTRICT) else qs.none()


def filter_towns(user: Any) -> list[Region]:
    """The towns a list page filters by: every town for a federation leader (who reads the
    whole district), else the towns the user works in (``towns_for``)."""
    if getattr(user, "role", None) == Role.LEADER:
        return list(Region.objects.filter(level=Region.Level.TOWN, disabled_at__isnull=True))
    return list(towns_for(user))


def choices_and_town(
    request: HttpRequest, *checks: tuple[str, Collection[str], Any]
) -> tuple[dict[str, str], dict[str, Any]]:
    """A list page's choice filters ``checks`` (``core.listing.choices_asked``) and ``?town=``
    among the user's ``filter_towns``: the values chosen, and what the page shows of them
    (the values, ``towns`` and ``filter_errors``)."""
    towns = filter_towns(request.user)
    town = ("town", {t.code for t in towns}, _("只能选择列出的镇街，已显示全部镇街。"))
    chosen, errors = choices_asked(request, *checks, town)
    return chosen, {**chosen, "towns": towns, "filter_errors": errors}


def places_for(user: Any, *levels: int) -> QuerySet[Region]:
    """Regions of these levels a user keeps records in: under their own town for a town
    officer, anywhere for district staff (with each region's town, to name it)."""
    qs = live_regions(*levels)
    if user.role == Role.TOWN:
        qs = qs.filter(code__startswith=town_prefix(user.town_id))
    elif user.role not in (Role.ADMIN, Role.DISTRICT):
        qs = qs.none()
    return qs.select_related("parent")


def live_categories() -> QuerySet[DisabilityCategory]:
    return DisabilityCategory.objects.filter(disabled_at__isnull=True)


def live_grades() -> QuerySet[DisabilityGrade]:
    return DisabilityGrade.objects.filter(disabled_at__isnull=True)


def code_choices(rows: Any) -> list[tuple[Any, str]]:
    """Reference rows as (code, name) choices."""
    return [(row.code, row.name) for row in rows]


def category_checkboxes(label: Any, **kwargs: Any) -> Any:
    """A box per disability category (the form sets ``choices`` from ``live_categories``);
    none ticked means every category."""
    return checkbox_field(
        label,
        field=forms.TypedMultipleChoiceField,
        coerce=int,
        invalid=_("无法识别的残疾类别，请重新勾选。"),
        **kwargs,
    )


def district_or_towns(user: Any) -> QuerySet[Region]:
    """Where an event of the district may be held: the district itself or any town for
    district staff; their own town for a town officer."""
    qs = Region.objects.filter(disabled_at__isnull=True)
    if user.role == Role.TOWN:
        return qs.filter(code=user.town_id)
    district = getattr(settings, "JIUYE_DISTRICT_CODE", "")
    return qs.filter(Q(code=district) | Q(level=Region.Level.TOWN)).order_by("code")


class BoundaryUploadForm(forms.Form):
    """A GeoJSON file of one region level's boundaries, checked whole (``boundaries_check``):
    ``check`` holds the result when the file could be read; the form is invalid when the file
    or any feature is wrong, and nothing is written."""

    level = forms.TypedChoiceField(
        label=_("区划层级"),
        coerce=int,
        choices=[
            (Region.Level.TOWN, _("镇街")),
            (Region.Level.VILLAGE, _("村社区")),
            (Region.Level.COUNTY, _("本区（县区）")),
        ],
        initial=Region.Level.TOWN,
    )
    file = forms.FileField(
        label=_("GeoJSON 文件"),
        help_text=_(
            "UTF-8 编码的 GeoJSON 要素集合（FeatureCollection），不超过 10 MB；每个要素是 Polygon "
            "或 MultiPolygon，属性 code、区划代码 或 adcode 写12位区划代码（按这个顺序读取）。"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is None or "level" not in data:
            return data
        try:
            upload = checked_upload(
                upload,
                max_bytes=MAX_BYTES,
                too_large=_("文件超过 10 MB，请只保留本区的边界或简化后再导入。"),
            )
            self.check = boundaries_check(
                upload.read(), level=data["level"], source=upload.name or ""
            )
        except (forms.ValidationError, BoundaryFileError) as exc:
            self.add_error(
                "file", exc.messages if isinstance(exc, forms.ValidationError) else str(exc)
            )
            return data
        if not self.check.ok:
            self.add_error(
                "file",
                _("文件中有 %(n)d 个问题（见下方列表），没有导入任何边界。请改正后重新上传。")
                % {"n": len(self.check.errors)},
            )
        return data
