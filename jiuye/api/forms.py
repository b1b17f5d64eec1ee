"""The form an administrator creates an API key with. It validates; services save."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.forms import unit_fields
from jiuye.accounts.models import STAFF_ROLES, Role, User
from jiuye.accounts.selectors import people_accounts
from jiuye.api.services import KEY_ROLES


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        help_text=_("写明哪个系统或部门使用，例如：区人社局就业系统。"),
        error_messages={"required": _("请填写密钥名称。")},
    )
    owner = forms.ModelChoiceField(
        label=_("负责人"),
        queryset=User.objects.none(),
        help_text=_("对这把密钥负责、出问题时联系的工作人员。"),
        error_messages={"required": _("请选择负责人。")},
    )
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[("", _("请选择")), *[(r.value, r.label) for r in KEY_ROLES]],
        help_text=_("密钥和同角色的用户看到、能做的完全一样。"),
        error_messages={"required": _("请选择角色。")},
    )
    department, town, employer = unit_fields()
    expires_on = forms.DateField(
        label=_("有效期至（选填）"),
        required=False,
        help_text=_("格式：2026-12-31。到期当天结束后密钥失效；留空则一直有效，直到吊销。"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请按 2026-12-31 的格式填写日期。")},
    )
    may_reveal = forms.BooleanField(
        label=_("可取完整证件号码"),
        required=False,
        help_text=_(
            "只给需要核对身份的交换打开，例如人社局的社保核验。"
            "每次取用都记入访问日志；不打开时证件号码一律部分隐藏。"
        ),
    )

    BINDING_ERRORS = {
        Role.DEPARTMENT: ("department", _("部门联络员角色的密钥必须选择所属部门。")),
        Role.TOWN: ("town", _("镇街专干角色的密钥必须选择所属镇街。")),
        Role.EMPLOYER: ("employer", _("用人单位角色的密钥必须选择所属单位。")),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            people_accounts()
            .filter(is_active=True, role__in=STAFF_ROLES)
            .select_related("department", "town")
            .order_by("role", "username")
        )

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data["expires_on"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("有效期不能早于今天。"))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        role = data.get("role")
        if role in self.BINDING_ERRORS:
            field, message = self.BINDING_ERRORS[role]
            if not data.get(field):
                self.add_error(field, message)
        return data

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # Valid through the whole of that day (local time).
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(end)

    def binding(self) -> dict[str, Any]:
        role = self.cleaned_data["role"]
        keep = {Role.DEPARTMENT: "department", Role.TOWN: "town", Role.EMPLOYER: "employer"}
        field = keep.get(role)
        return {field: self.cleaned_data[field]} if field else {}
