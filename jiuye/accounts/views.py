"""Sign-in, second factor, profile, and the administrator's user management."""

from __future__ import annotations

import base64
import io
from typing import Any
from urllib.parse import quote

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from jiuye.accounts import selectors, services
from jiuye.accounts.forms import (
    EnrolForm,
    LoginForm,
    PhoneForm,
    TokenForm,
    UserCreateForm,
    UserForm,
)
from jiuye.accounts.models import Role, User
from jiuye.core.access import roles_required
from jiuye.core.audit import access_log
from jiuye.core.models import AccessEvent

Action = AccessEvent.Action


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            access_log(action=Action.LOGIN_FAILED, request=request, username=username[:150])
            form.add_error(None, _("用户名或密码不正确。连续输错5次，账户将锁定30分钟。"))
        else:
            login(request, user)
            access_log(action=Action.LOGIN, request=request, user=user)
            return redirect(_safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


def lockout_response(
    request: HttpRequest, response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers once a user name is locked."""
    username = ""
    if isinstance(credentials, dict):
        username = str(credentials.get("username", ""))[:150]
    access_log(action=Action.LOCKED_OUT, request=request, username=username)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked.html",
        {"minutes": minutes, "failures": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        access_log(action=Action.LOGOUT, request=request)
    logout(request)
    messages.success(request, _("您已安全退出。"))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    access_log(action=Action.LOGOUT_ALL, request=request)
    services.sessions_end_all(user=request.user)
    logout(request)
    messages.success(request, _("已退出所有设备上的登录。"))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not selectors.user_has_second_factor(request.user):
        # Nothing to verify against: enrol if the role needs a second factor, else go on.
        if request.user.second_factor_required:
            return redirect("accounts:otp-setup")
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is None:
            access_log(action=Action.OTP_FAILED, request=request)
            form.add_error(
                "token",
                _(
                    "验证码不正确或已过期，请输入应用中当前显示的6位数字。"
                    "连续输错后需要稍等几秒再试。"
                ),
            )
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                access_log(action=Action.RECOVERY_USED, request=request)
                left = selectors.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("您使用了一个恢复码，还剩%(n)d个。可在“个人信息”页重新生成。") % {"n": left},
                )
            return redirect(_safe_next(request))
    return render(request, "accounts/otp_verify.html", {"form": form})


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if selectors.user_has_second_factor(user) and not user.is_verified():
        return redirect("accounts:otp-verify")
    device = services.totp_device_pending(user=user)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_confirm(device=device, token=form.cleaned_data["token"])
        if codes is None:
            form.add_error(
                "token", _("验证码不正确。请确认手机时间准确，并输入应用中当前的6位数字。")
            )
        else:
            otp_login(request, device)
            access_log(action=Action.OTP_ENROLLED, request=request)
            request.session["fresh_recovery_codes"] = codes
            return redirect("accounts:recovery-codes")
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    issuer = settings.OTP_TOTP_ISSUER
    uri = (
        f"otpauth://totp/{quote(issuer)}:{quote(user.username)}"
        f"?secret={secret}&issuer={quote(issuer)}&digits=6&period=30"
    )
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(uri),
            "secret": grouped,
            "required": user.second_factor_required,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not selectors.user_has_second_factor(request.user):
            messages.error(request, _("请先绑定身份验证器，再生成恢复码。"))
            return redirect("accounts:profile")
        request.session["fresh_recovery_codes"] = services.recovery_codes_regenerate(
            user=request.user
        )
        return redirect("accounts:recovery-codes")
    codes = request.session.pop("fresh_recovery_codes", None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "left": selectors.recovery_codes_left(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PhoneForm(
        request.POST if request.method == "POST" else None, initial={"phone": user.phone}
    )
    if request.method == "POST" and form.is_valid():
        services.user_update(user=user, by=user, phone=form.cleaned_data["phone"])
        if form.cleaned_data["phone"]:
            messages.success(request, _("已保存手机号。"))
        else:
            messages.success(request, _("已删除手机号，不会再给您发短信通知。"))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "has_totp": selectors.user_has_second_factor(user),
            "codes_left": selectors.recovery_codes_left(user),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


# --- user management (system administrator) -------------------------------------------------


@roles_required(Role.ADMIN)
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    active = request.GET.get("active", "")
    page = Paginator(selectors.users_for_admin(query=query, role=role, active=active), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "q": query, "role": role, "active": active, "roles": Role.choices},
    )


@roles_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, password = services.user_create(
            username=data["username"],
            role=data["role"],
            display_name=data["display_name"],
            email=data["email"],
            phone=data["phone"],
            password=data["password"] or None,
            by=request.user,
            **form.binding(),
        )
        if not data["password"]:
            request.session["shown_password"] = {"user": str(user.pk), "password": password}
        messages.success(request, _("已创建账户“%(u)s”。") % {"u": user.username})
        return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


def _managed_user(pk: int) -> User:
    return get_object_or_404(selectors.people_accounts(), pk=pk)


@roles_required(Role.ADMIN)
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _managed_user(pk)
    shown = request.session.pop("shown_password", None)
    password = shown["password"] if shown and shown.get("user") == str(user.pk) else None
    return render(
        request,
        "accounts/user_detail.html",
        {
            "managed": user,
            "password": password,
            "has_totp": selectors.user_has_second_factor(user),
            "codes_left": selectors.recovery_codes_left(user),
        },
    )


@roles_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _managed_user(pk)
    form = UserForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.user_update(
            user=user,
            by=request.user,
            username=data["username"],
            display_name=data["display_name"],
            email=data["email"],
            phone=data["phone"],
            role=data["role"],
            **form.binding(),
        )
        messages.success(request, _("已保存账户“%(u)s”。") % {"u": user.username})
        return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "managed": user})


@roles_required(Role.ADMIN)
@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _managed_user(pk)
    if user == request.user:
        messages.error(request, _("不能停用自己的账户。"))
        return redirect("accounts:user-detail", pk=user.pk)
    services.user_set_active(user=user, active=not user.is_active)
    if user.is_active:
        messages.success(request, _("已启用账户“%(u)s”。") % {"u": user.username})
    else:
        messages.success(request, _("已停用账户“%(u)s”，其所有登录已结束。") % {"u": user.username})
    return redirect("accounts:user-detail", pk=user.pk)


@roles_required(Role.ADMIN)
@require_POST
def user_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    user = _managed_user(pk)
    services.second_factor_reset(user=user, request=request)
    messages.success(
        request, _("已重置“%(u)s”的双因素认证，对方下次登录时需重新绑定。") % {"u": user.username}
    )
    return redirect("accounts:user-detail", pk=user.pk)


@roles_required(Role.ADMIN)
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = _managed_user(pk)
    password = services.user_reset_password(user=user)
    request.session["shown_password"] = {"user": str(user.pk), "password": password}
    messages.success(
        request, _("已为“%(u)s”生成临时密码，请当面或电话告知。") % {"u": user.username}
    )
    return redirect("accounts:user-detail", pk=user.pk)
