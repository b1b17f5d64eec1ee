"""Filters of the outcome list (GET). A bad value is reported beside the field, never a 500."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import YEAR_MESSAGE, choice_field, link_id_field, year_field
from jiuye.core.forms import FilterForm
from jiuye.training.models import CourseKind


class OutcomeFilterForm(FilterForm):
    kind = choice_field(
        _("培训类型"),
        CourseKind.choices,
        blank=("", _("全部")),
        required=False,
        invalid=_("无法识别的培训类型，请从列表中选择。"),
    )
    year = year_field(
        _("年度"), message=YEAR_MESSAGE, help_text=_("结业（或退出、课程结束）的年度。")
    )
    course = link_id_field(_("链接中的课程编号无效，已显示全部课程。"))
    provider = link_id_field(_("链接中的培训机构编号无效，已显示全部机构。"))
