"""Forms of the accounts pages. They validate and normalise; services save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role, User
from jiuye.core.crypto import resident_id_index
from jiuye.core.formfields import ResidentIdField, phone_field
from jiuye.core.phones import normalize_mobile
from jiuye.core.roles import APPLICANT_ROLES
from jiuye.reference.models import Department, Region

# accounts sits below the apps whose records an account is bound to (employers, people): the user
# model names them by label ("employers.Employer", "people.Person") and the form reaches the
# models through those relations rather than by importing the apps.
Employer = User._meta.get_field("employer").related_model
Person = User._meta.get_field("person").related_model


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=16,
        help_text=_("输入身份验证器应用中显示的6位数字；手机不在身边时，可输入一个恢复码。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").replace("-", "").strip()


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("应用中显示的6位数字"),
        max_length=6,
        min_length=6,
        help_text=_("扫描二维码（或手动输入密钥）后，身份验证器应用会显示6位数字，每30秒更新。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"min_length": _("请输入完整的6位数字。")},
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("验证码只包含数字，请检查是否输入了字母或空格。"))
        return token


def unit_fields() -> tuple[forms.ModelChoiceField, ...]:
    """The department, town and employer an account (a user's or an API key's) is bound to:
    which one its role needs is checked by the form's clean()."""
    return (
        forms.ModelChoiceField(
            label=_("所属部门（部门联络员必填）"),
            queryset=Department.objects.filter(disabled_at__isnull=True),
            required=False,
        ),
        forms.ModelChoiceField(
            label=_("所属镇街（镇街专干必填）"),
            queryset=Region.objects.filter(level=Region.Level.TOWN, disabled_at__isnull=True),
            required=False,
        ),
        forms.ModelChoiceField(
            label=_("所属单位（用人单位账户必填）"),
            queryset=Employer.objects.filter(archived_at__isnull=True),
            required=False,
        ),
    )


class UserForm(forms.Form):
    """Create or edit an account; the binding field required depends on the role."""

    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("登录时使用，只能包含字母、数字和 @.+-_。")
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱（选填）"), required=False)
    phone = phone_field(_("手机号（选填）"), help_text=_("11位手机号，用于接收短信通知。"))
    # Applicants' accounts come from the public sign-up, never from this form.
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[("", _("请选择")), *(c for c in Role.choices if c[0] not in APPLICANT_ROLES)],
    )
    department, town, employer = unit_fields()
    person_id_number = ResidentIdField(label=_("本人身份证号（求职者账户必填）"), required=False)
    employer_admin = forms.BooleanField(
        label=_("本单位管理员"),
        required=False,
        help_text=_("只对用人单位账户有效：可以在“本单位账户”为本单位同事创建、停用账户。"),
    )

    BINDING_ERRORS = {
        Role.DEPARTMENT: ("department", _("部门联络员账户必须选择所属部门。")),
        Role.TOWN: ("town", _("镇街专干账户必须选择所属镇街。")),
        Role.EMPLOYER: ("employer", _("用人单位账户必须选择所属单位。")),
        Role.JOBSEEKER: ("person_id_number", _("求职者账户必须填写本人身份证号。")),
    }

    def __init__(self, *args: Any, instance: User | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "username": instance.username,
                "display_name": instance.display_name,
                "email": instance.email,
                "phone": instance.phone,
                "role": instance.role,
                "department": instance.department_id,
                "town": instance.town_id,
                "employer": instance.employer_id,
                "employer_admin": instance.employer_admin,
            }
        super().__init__(*args, **kwargs)
        if instance is not None and instance.person_id:
            # The full ID number is never put back into the page; empty keeps the current person.
            self.fields["person_id_number"].help_text = _("留空则保持当前绑定：%(person)s") % {
                "person": instance.person
            }

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data.get("phone") or "")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        clash = User.objects.filter(username__iexact=username)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("用户名“%(u)s”已被使用，请换一个。") % {"u": username})
        User.username_validator(username)
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        role = data.get("role")
        keeps_person = (
            role == Role.JOBSEEKER
            and not data.get("person_id_number")
            and self.instance is not None
            and self.instance.person_id
        )
        if keeps_person:
            data["person"] = self.instance.person
        elif role in self.BINDING_ERRORS:
            field, message = self.BINDING_ERRORS[role]
            if not data.get(field):
                self.add_error(field, message)
        if role == Role.JOBSEEKER and data.get("person_id_number"):
            index = resident_id_index(data["person_id_number"])
            person = Person.objects.filter(id_number_index=index).first()
            if person is None:
                self.add_error(
                    "person_id_number", _("登记库中没有这个身份证号的人员，请先登记或核对号码。")
                )
            data["person"] = person
        return data

    def binding(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "department": data.get("department"),
            "town": data.get("town"),
            "employer": data.get("employer"),
            "person": data.get("person"),
            "employer_admin": bool(data.get("employer_admin"))
            and data.get("role") == Role.EMPLOYER,
        }


class UserCreateForm(UserForm):
    password = forms.CharField(
        label=_("初始密码（选填）"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("留空则自动生成一个临时密码，创建后只显示一次。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password")
        if password and data.get("role"):
            probe = User(username=data.get("username", ""), role=data["role"])
            try:
                validate_password(password, probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class PhoneForm(forms.Form):
    """The user's own mobile number, on the profile page (for SMS notifications)."""

    phone = phone_field(
        _("手机号"),
        help_text=_(
            "11位手机号。系统开启短信通知时，交给您的工作会发短信到这个号码；留空则不发短信。"
        ),
    )

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data.get("phone") or "")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
