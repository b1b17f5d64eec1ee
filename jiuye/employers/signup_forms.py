"""Forms of the employers' own sign-up (public), the district's decision on an application,
and the employer admin's invitation of a colleague."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role, User
from jiuye.core.antibot import HumanCheckForm
from jiuye.core.formfields import choice_field, text_field
from jiuye.core.validators import validate_uscc
from jiuye.employers.forms import InviteForm
from jiuye.employers.models import Employer, Industry
from jiuye.people.services.person import normalize_phone
from jiuye.reference.forms import town_choices


class SignupForm(HumanCheckForm):
    uscc = text_field(
        _("统一社会信用代码"),
        max_length=30,
        required=_("请填写统一社会信用代码。"),
        help_text=_("营业执照或登记证书上的18位代码，字母大小写都可以。"),
    )
    name = text_field(
        _("单位名称"),
        max_length=200,
        required=_("请填写单位名称。"),
        help_text=_("与营业执照上的名称一致。"),
    )
    contact_name = text_field(_("联系人"), max_length=50, required=_("请填写联系人姓名。"))
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        error_messages={"required": _("请填写联系电话。")},
        help_text=_("手机号或带区号的固定电话，区残联核实时会联系您。"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    town = choice_field(
        _("所在镇街"),
        required=_("请选择单位所在的镇街。"),
        invalid=_("请从列表中选择镇街。"),
    )
    username = text_field(
        _("管理员用户名"),
        max_length=150,
        required=_("请填写管理员用户名。"),
        help_text=_("以后登录时使用，可以是字母、数字和 @ . + - _，例如单位简称的拼音。"),
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        error_messages={"required": _("请设置密码。")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8个字符，不要用纯数字或常见密码。"),
    )
    password2 = forms.CharField(
        label=_("再输一次密码"),
        strip=False,
        error_messages={"required": _("请再输一次密码。")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "uscc",
        "name",
        "town",
        "contact_name",
        "contact_phone",
        "username",
        "password1",
        "password2",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [("", _("请选择")), *town_choices()]
        self.fields["uscc"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )

    @property
    def min_seconds(self) -> int:  # type: ignore[override]
        return settings.JIUYE_GRIEVANCE_MIN_FILL_SECONDS

    def clean_uscc(self) -> str:
        code, warnings = validate_uscc(self.cleaned_data["uscc"])
        if warnings:
            raise ValidationError(
                _(
                    "统一社会信用代码的最后一位（校验码）与前17位对不上，请对照营业执照逐位核对。"
                    "如果确认与执照一致，请联系区残联登记。"
                )
            )
        return code

    def clean_contact_phone(self) -> str:
        return normalize_phone(self.cleaned_data["contact_phone"])

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        try:
            User.username_validator(username)
        except ValidationError:
            raise ValidationError(
                _("管理员用户名只能包含字母、数字和 @ . + - _ 这些符号。")
            ) from None
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("用户名“%(u)s”已被使用，请换一个。") % {"u": username})
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一样，请重新输入。"))
        elif first:
            probe = User(username=data.get("username", ""), role=Role.EMPLOYER_APPLICANT)
            try:
                validate_password(first, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "uscc": data["uscc"],
            "name": data["name"].strip(),
            "contact_name": data["contact_name"].strip(),
            "contact_phone": data["contact_phone"],
            "town_code": data["town"],
            "username": data["username"],
            "password": data["password1"],
        }


class CreateEmployerForm(forms.Form):
    """What the application does not say and the registry needs."""

    kind = choice_field(
        _("单位类型"), Employer.Kind.choices, required=_("请选择单位类型。"), invalid=None
    )
    industry = choice_field(_("行业（选填）"), Industry.choices, required=False)


class RefuseForm(forms.Form):
    reason = text_field(
        _("未通过原因"),
        max_length=500,
        required=_("请写明未通过的原因，申请人会看到。"),
        rows=3,
        help_text=_("申请人登录后会看到这段话，请写清楚原因和下一步怎么办。"),
    )


class ColleagueForm(InviteForm):
    """An employer admin's invitation: the same as the district's, for its own unit."""
