"""Session limits and the second-factor gate."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jiuye.core.roles import Role

LAST_SEEN = "jiuye_last_seen"
STARTED = "jiuye_auth_started"
# Writing the session on every request is wasteful; a minute's precision is plenty.
TOUCH_EVERY_SECONDS = 60


class SessionLimitsMiddleware:
    """End idle sessions after SESSION_IDLE_MINUTES and any session after SESSION_MAX_HOURS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(STARTED, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_MINUTES * 60
            too_old = now - started > settings.SESSION_MAX_HOURS * 3600
            if idle or too_old:
                logout(request)
                messages.info(
                    request,
                    _("您已%(n)d分钟没有操作，为保护信息安全已自动退出，请重新登录。")
                    % {"n": settings.SESSION_IDLE_MINUTES}
                    if idle
                    else _("登录已超过%(n)d小时，请重新登录。") % {"n": settings.SESSION_MAX_HOURS},
                )
                return redirect(
                    f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.path})}"
                )
            if now - last_seen >= TOUCH_EVERY_SECONDS or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


# Pages a signed-in user may reach before passing the second factor.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz")


class SecondFactorMiddleware:
    """Until the second factor is passed, only the 2FA pages and logout are reachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():
            from jiuye.accounts.selectors import user_has_second_factor

            # Loaded with the user (``UserBackend``); asked only of a user loaded otherwise.
            has_device = getattr(user, "confirmed_second_factor", None)
            if has_device is None:
                has_device = user_has_second_factor(user)
            if has_device or user.second_factor_required:
                # Until the second factor is passed, the page shows no menu.
                request.second_factor_pending = True
                target = "accounts:otp-verify" if has_device else "accounts:otp-setup"
                allowed = {reverse(target), reverse("accounts:logout")}
                if request.path not in allowed and not request.path.startswith(_OPEN_PREFIXES):
                    return redirect(reverse(target))
        return self.get_response(request)


# What an account that waits for verification reaches (issue 18): its own application's page,
# signing out (and, for an employer's sign-up, its password); every other page sends it to the
# first. Named, not imported: people and employers sit above accounts.
_APPLICANT_PAGES = {
    Role.APPLICANT: ("people:my-application", "accounts:logout"),
    Role.EMPLOYER_APPLICANT: (
        "employers:signup-status",
        "accounts:logout",
        "accounts:password-change",
    ),
}


class ApplicantGateMiddleware:
    """An applicant's account (a job seeker's or an employer's sign-up not verified yet)
    reaches only the pages above, and the language switch; job seeker or employer pages open
    once the town or the district links the account."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        pages = _APPLICANT_PAGES.get(user.role) if user.is_authenticated else None
        if pages:
            allowed = {reverse(name) for name in pages}
            if request.path not in allowed and not request.path.startswith(_OPEN_PREFIXES):
                return redirect(pages[0])
        return self.get_response(request)
