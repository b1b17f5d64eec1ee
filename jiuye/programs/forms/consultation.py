"""Forms of the consultation pages (action 二). They validate;
``programs.services.consultation`` writes."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role, User
from jiuye.core.formfields import (
    checkbox_field,
    date_field,
    model_choice_field,
    radio_field,
    text_field,
)
from jiuye.core.forms import EditForm
from jiuye.employers.models import Employer
from jiuye.programs.models.consultation import ConsultationMeeting, FollowUpAction, FollowUpStatus
from jiuye.reference.forms import district_or_towns
from jiuye.reference.models import Department, Region

OWNER_ROLES = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.DEPARTMENT)


def live_departments() -> Any:
    return Department.objects.filter(disabled_at__isnull=True)


class MeetingForm(EditForm):
    title = text_field(
        _("会议名称"),
        max_length=150,
        required=_("请填写会议名称。"),
        help_text=_("例如：2025年第一季度残疾人就业工作会商会。"),
    )
    held_on = date_field(_("召开日期"))
    convener = model_choice_field(
        _("召集部门"),
        queryset=Department.objects.none(),
        required=_("请选择召集部门。"),
        invalid=_("只能选择列出的部门。"),
    )
    region = model_choice_field(
        _("所属地区"),
        queryset=Region.objects.none(),
        required=_("请选择所属地区。"),
        invalid=_("只能选择您负责的镇街。"),
        help_text=_("区级会商选本区；镇街召开的选本镇街。"),
    )
    place = text_field(_("地点"), max_length=200)
    departments = checkbox_field(
        _("参会部门"),
        field=forms.ModelMultipleChoiceField,
        queryset=Department.objects.none(),
        invalid=_("只能选择列出的部门。"),
    )
    employer_codes = text_field(
        _("参会用人单位的统一社会信用代码"),
        max_length=2000,
        rows=3,
        help_text=_("每行一个18位代码，或用逗号、顿号分隔；单位须已在用人单位名录中登记。"),
    )
    other_participants = text_field(
        _("其他参会人员"), max_length=300, help_text=_("例如：残疾人代表、专家。")
    )
    topics = text_field(_("会商议题"), max_length=5000, rows=4, required=_("请填写会商议题。"))
    decisions = text_field(_("议定事项"), max_length=5000, rows=4)

    related_fields = ("convener", "region")
    stripped_fields = ("title", "place", "other_participants", "topics", "decisions")

    def __init__(
        self, *args: Any, user: Any, meeting: ConsultationMeeting | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=meeting, **kwargs)
        self.fields["convener"].queryset = live_departments()
        self.fields["departments"].queryset = live_departments()
        self.offer("region", district_or_towns(user), user)

    def initial_for(self, record: ConsultationMeeting) -> dict[str, Any]:
        initial = {
            name: getattr(record, f"{name}_id" if name in self.related_fields else name)
            for name in self.base_fields
            if name not in ("departments", "employer_codes")
        }
        initial["departments"] = list(record.departments.values_list("pk", flat=True))
        initial["employer_codes"] = "\n".join(record.employers.values_list("uscc", flat=True))
        return initial

    def clean_employer_codes(self) -> list[Employer]:
        raw = self.cleaned_data.get("employer_codes") or ""
        codes = [c.upper() for c in re.split(r"[\s,，、;；]+", raw) if c]
        found = {
            e.uscc: e for e in Employer.objects.filter(uscc__in=codes, archived_at__isnull=True)
        }
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("用人单位名录中没有这些代码：%(codes)s。请核对，或先登记这些单位。"),
                params={"codes": "、".join(missing)},
            )
        return list(dict.fromkeys(found[c] for c in codes))

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        data["employers"] = data.pop("employer_codes")
        data["departments"] = list(data["departments"])
        return data


class ActionForm(forms.Form):
    description = text_field(
        _("落实事项"),
        max_length=300,
        required=_("请填写落实事项。"),
        help_text=_("会议议定由谁在什么时间前完成的一件事。"),
    )
    owner_department = model_choice_field(
        _("责任部门"),
        queryset=Department.objects.none(),
        required=False,
        invalid=_("只能选择列出的部门。"),
        help_text=_("部门或镇街的所有工作人员都会在“我的待办”中看到这项事项。"),
    )
    owner_user = model_choice_field(
        _("责任人"),
        queryset=User.objects.none(),
        required=False,
        invalid=_("只能选择列出的工作人员。"),
        help_text=_("可以只选责任部门，也可以再指定一位工作人员。"),
    )
    due_on = date_field(_("完成时限"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_department"].queryset = live_departments()
        self.fields["owner_user"].queryset = User.objects.filter(
            is_active=True, role__in=OWNER_ROLES
        ).order_by("role", "username")
        self.fields["owner_user"].label_from_instance = lambda u: (
            f"{u.display_name or u.username}（{u.get_role_display()}）"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get("owner_department") or data.get("owner_user")
        if (
            not chosen
            and not self.has_error("owner_department")
            and not self.has_error("owner_user")
        ):
            self.add_error("owner_department", _("请选择责任部门，或指定一位责任人。"))
        return data


CLOSE_CHOICES = [
    (FollowUpStatus.DONE, _("已办结")),
    (FollowUpStatus.CANCELLED, _("撤销（录入有误或不再需要）")),
]


class CloseForm(forms.Form):
    status = radio_field(
        _("办理情况"),
        CLOSE_CHOICES,
        required=_("请选择办理情况。"),
        invalid=_("请从列出的办理情况中选择。"),
    )
    outcome = text_field(
        _("办理结果或撤销原因"),
        max_length=500,
        rows=3,
        required=_("请填写办理结果；撤销时填写撤销原因。"),
    )
    closed_on = date_field(_("办结日期"), required=False, help_text=_("留空即为今天。"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, action: FollowUpAction, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"status": FollowUpStatus.DONE, "version": action.version},
        )
        super().__init__(*args, **kwargs)

    def clean_closed_on(self) -> Any:
        return self.cleaned_data.get("closed_on") or timezone.localdate()
