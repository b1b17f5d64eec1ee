"""The district's queue of transfer requests (迁入申请) and the decision on one (ADR 0011).

Only district staff and administrators open these pages; a town officer, of the requesting
town or the person's own, gets 403 and hears the decision by notification.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.core.access import roles_required
from jiuye.core.forms import add_service_errors
from jiuye.core.validators import same_name
from jiuye.people import selectors, services
from jiuye.people.forms import TransferDecisionForm
from jiuye.people.models import TransferRequest
from jiuye.people.services.transfers import DECIDERS


@roles_required(*DECIDERS)
@require_GET
def transfer_queue(request: HttpRequest) -> HttpResponse:
    context = {
        "pending": list(selectors.transfers_pending()),
        "decided": selectors.transfers_decided(),
    }
    return render(request, "people/transfer_queue.html", context)


@roles_required(*DECIDERS, write=True)
@require_http_methods(["GET", "POST"])
def transfer_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    transfer = get_object_or_404(
        TransferRequest.objects.select_related(
            "person__region", "region", "created_by", "decided_by", "import_batch"
        ),
        pk=pk,
    )
    form = TransferDecisionForm(request.POST if request.method == "POST" else None)
    if transfer.is_pending and request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.transfer_approve(request=transfer, by=request.user)
                text = _("已同意迁入：%(name)s。申请人已收到通知。")
            else:
                services.transfer_refuse(
                    request=transfer, reason=form.cleaned_data["reason"], by=request.user
                )
                text = _("已不同意迁入：%(name)s。申请人已收到通知和您的意见。")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, text % {"name": transfer.person.name})
            return redirect("people:transfers")
    values = services.transfer_values(transfer)
    context = {
        "transfer": transfer,
        "person": transfer.person,
        "changes": selectors.transfer_changes(transfer, values),
        "renamed": not same_name(transfer.person.name, transfer.name),
        "form": form if transfer.is_pending else None,
    }
    return render(request, "people/transfer_review.html", context)
