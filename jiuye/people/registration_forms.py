"""The public sign-up form of job seekers and the officer's decision on an application."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role, User
from jiuye.core import antibot
from jiuye.core.formfields import (
    CertificateNumberField,
    ResidentIdField,
    choice_field,
    phone_field,
    radio_field,
    text_field,
)
from jiuye.core.validators import validate_certificate_number
from jiuye.people.policies import POLICIES, SIGNUP_PURPOSES, Policy
from jiuye.people.services.person import normalize_phone
from jiuye.reference.forms import live_regions
from jiuye.reference.models import Region


def consent_field_name(purpose: str) -> str:
    return f"consent_{purpose}"


def village_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Villages (社区/村) grouped under their town, for one select with option groups."""
    villages = live_regions(Region.Level.VILLAGE).select_related("parent")
    return [
        (str(town.name), [(village.code, village.name) for village in group])
        for town, group in groupby(villages, key=lambda village: village.parent)
    ]


class SignupForm(antibot.HumanCheckForm):
    """A job seeker's own sign-up. Each consent is its own box, never ticked for them; the
    anti-bot checks are a field hidden from people and screen readers and a signed opening
    time (core.antibot)."""

    name = text_field(_("姓名"), max_length=50, required=_("请填写您的姓名。"))
    id_number = ResidentIdField(
        label=_("身份证号"), error_messages={"required": _("请填写您的身份证号。")}
    )
    certificate_number = CertificateNumberField(
        label=_("残疾人证号"),
        required=False,
        help_text=_("20位，见残疾人证。正在申请残疾人证的，可以不填，勾选下面一项。"),
    )
    applying_for_certificate = forms.BooleanField(label=_("正在申请残疾人证"), required=False)
    phone = phone_field(
        _("联系电话"), help_text=_("手机号或带区号的固定电话。镇街工作人员核实时可能打给您。")
    )
    region = choice_field(
        _("您住在哪个村（社区）"),
        required=_("请选择您住的村（社区）。"),
        invalid=_("请从列表中选择村（社区）。"),
        help_text=_("先找到您所在的镇街，再选村（社区）。由这个镇街的工作人员核实您的申请。"),
    )
    work_preferences = text_field(
        _("想做什么工作"),
        max_length=300,
        required=_("请写一写您想做什么工作。"),
        rows=3,
        help_text=_("例如：仓库分拣、电话客服、手工编织。不确定也可以写“还没想好”。"),
    )
    username = text_field(
        _("登录用户名"),
        max_length=30,
        required=_("请设置登录用户名。"),
        help_text=_("以后登录用。可用字母、数字和 _ - . 符号，4到30个字符。"),
    )
    password = forms.CharField(
        label=_("登录密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请设置登录密码。")},
        help_text=_("至少8个字符，不要用生日、电话号码这类容易猜的。"),
    )
    password_again = forms.CharField(
        label=_("再输一遍密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再输一遍密码。")},
    )

    @property
    def min_seconds(self) -> int:  # type: ignore[override]
        return settings.JIUYE_SIGNUP_MIN_FILL_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("请选择")), *village_choices()]
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )
        for purpose in SIGNUP_PURPOSES:
            policy = POLICIES[purpose]
            self.fields[consent_field_name(purpose)] = forms.BooleanField(
                label=policy.agree,
                required=policy.required,
                initial=False,
                error_messages={
                    "required": _(
                        "没有这项同意无法在网上注册。请阅读上面的说明后勾选；"
                        "不想在网上提供，可以到镇街服务窗口办理。"
                    )
                },
            )

    # --- what the template shows ---------------------------------------------------------

    def details(self) -> list[forms.BoundField]:
        names = ("name", "id_number", "certificate_number", "applying_for_certificate", "phone")
        return [self[name] for name in names]

    def wishes(self) -> list[forms.BoundField]:
        return [self["region"], self["work_preferences"]]

    def account(self) -> list[forms.BoundField]:
        return [self["username"], self["password"], self["password_again"]]

    def consents(self) -> list[tuple[Policy, forms.BoundField]]:
        return [(POLICIES[p], self[consent_field_name(p)]) for p in SIGNUP_PURPOSES]

    # --- checks ---------------------------------------------------------------------------

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data.get("phone") or "")
        if not phone:
            raise ValidationError(_("请填写联系电话，镇街工作人员核实时要联系您。"))
        return phone

    def clean_username(self) -> str:
        username = (self.cleaned_data.get("username") or "").strip()
        if len(username) < 4 or not all(
            ch.isascii() and (ch.isalnum() or ch in "_-.") for ch in username
        ):
            raise ValidationError(
                _("用户名只能用字母、数字和 _ - . 符号，4到30个字符，例如 wang_li。")
            )
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("这个用户名已经有人用了，请换一个，例如在后面加几个数字。"))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        certificate = data.get("certificate_number")
        if certificate and data.get("id_number"):
            try:
                validate_certificate_number(certificate, id_number=data["id_number"])
            except ValidationError as error:
                self.add_error("certificate_number", error.messages[0])
        if (
            not certificate
            and not data.get("applying_for_certificate")
            and "certificate_number" not in self.errors
        ):
            self.add_error(
                "certificate_number",
                _("请填写残疾人证号；正在申请残疾人证的，请勾选“正在申请残疾人证”。"),
            )
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("两次输入的密码不一样，请重新输入。"))
        elif password:
            candidate = User(
                username=data.get("username") or "",
                display_name=data.get("name") or "",
                role=Role.APPLICANT,
            )
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error.messages)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "id_number": data["id_number"],
            "certificate_number": data.get("certificate_number") or "",
            "applying_for_certificate": bool(data.get("applying_for_certificate")),
            "phone": data["phone"],
            "region": Region.objects.get(code=data["region"]),
            "work_preferences": data["work_preferences"].strip(),
            "consents": [p for p in SIGNUP_PURPOSES if data.get(consent_field_name(p))],
            "username": data["username"],
            "password": data["password"],
        }


class ApplicationDecisionForm(forms.Form):
    """The officer's decision on an application."""

    LINK, REGISTER, REFUSE = "link", "register", "refuse"

    decision = radio_field(
        _("处理结果"),
        [
            (LINK, _("关联已登记的人员（本镇街登记了同一身份证号）")),
            (REGISTER, _("按申请登记为新人员")),
            (REFUSE, _("退回申请")),
        ],
        required=_("请选择处理结果。"),
        invalid=_("请从列出的处理结果中选择。"),
    )
    reason = text_field(
        _("退回的理由"),
        max_length=300,
        rows=3,
        help_text=_("退回时必填。申请人会看到这段话，请写清楚为什么、接下来怎么办。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == self.REFUSE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请填写退回的理由，申请人会看到这段话。"))
        return data
