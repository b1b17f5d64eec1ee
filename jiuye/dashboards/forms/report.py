"""The annual report page's form: the year, and for district roles the district or a town."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import ObjectChoiceField
from jiuye.reference.models import Region


class AnnualReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    # The district or one of its towns, from the cached reference tables (no query).
    region = ObjectChoiceField(label=_("范围"), to_field_name="code")

    def __init__(self, *args: Any, years: list[int], regions: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        if len(regions) > 1:
            self.fields["region"].objects = regions
        else:  # a town officer's report is their town's
            del self.fields["region"]
