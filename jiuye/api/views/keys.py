"""The administrator's pages for API keys: list, create (the token is shown once), detail,
revoke."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.api import selectors, services
from jiuye.api.forms import ApiKeyForm
from jiuye.api.models import ApiKey
from jiuye.core import crud
from jiuye.core.access import roles_required

_SHOWN = "shown_api_token"


@roles_required(Role.ADMIN)
@require_GET
def key_list(request: HttpRequest) -> HttpResponse:
    return render(request, "api/key_list.html", {"keys": selectors.keys_for_admin()})


@roles_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def key_create(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        data = form.cleaned_data
        key, token = services.apikey_create(
            name=data["name"],
            owner=data["owner"],
            role=data["role"],
            expires_at=form.expires_at(),
            may_reveal=form.cleaned_data["may_reveal"],
            by=request.user,
            **form.binding(),
        )
        request.session[_SHOWN] = {"key": str(key.pk), "token": token}
        messages.success(request, _("已创建接口密钥“%(n)s”。") % {"n": key.name})
        return redirect("api:key-detail", pk=key.pk)

    return crud.service_form(request, form, save, template="api/key_form.html")


@roles_required(Role.ADMIN)
@require_GET
def key_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    key = get_object_or_404(selectors.keys_for_admin(), pk=pk)
    shown = request.session.pop(_SHOWN, None)
    token = shown["token"] if shown and shown.get("key") == str(key.pk) else None
    return render(request, "api/key_detail.html", {"key": key, "token": token})


@roles_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def key_revoke(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    key = get_object_or_404(ApiKey, pk=pk)
    return crud.confirm(
        request,
        lambda: services.apikey_revoke(key=key, by=request.user),
        _("已吊销接口密钥“%(n)s”，使用它的调用会被拒绝。") % {"n": key.name},
        title=_("吊销接口密钥"),
        question=_("吊销“%(n)s”后，使用它的系统将无法再调用接口，且不能恢复。确定吊销吗？")
        % {"n": key.name},
        button=_("吊销"),
        back=reverse("api:key-detail", kwargs={"pk": key.pk}),
    )
