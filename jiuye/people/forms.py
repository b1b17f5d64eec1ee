"""Forms of the registry pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.scoping import region_in_scope
from jiuye.reference.models import Region


class PersonFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("区域"),
        queryset=Region.objects.filter(level__gte=Region.Level.COUNTY),
        required=False,
        to_field_name="code",
        empty_label=_("全部"),
    )
    working_age = forms.BooleanField(label=_("只看就业年龄段"), required=False)
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("按该年年底（当年按今天）计算年龄。"),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.town_id:
            self.fields["region"].queryset = Region.objects.filter(
                code__startswith=user.town_id[:9]
            )

    def clean_region(self) -> Region | None:
        region = self.cleaned_data.get("region")
        if (
            region is not None
            and self.user is not None
            and not region_in_scope(self.user, region.code)
        ):
            raise forms.ValidationError(_("您只能查看本镇街范围内的区域。"))
        return region

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("working_age") and not data.get("year"):
            data["year"] = timezone.localdate().year
        return data
