"""The review queue of likely duplicate persons (疑似重复人员), the side-by-side review and
merge of one pair, and the undo of a merge (within 30 days).

District staff see every pair; a town officer sees the pairs within their town (a pair across
two towns is the district's: its region is the district)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jiuye.core.access import roles_required
from jiuye.core.conflicts import ConflictError
from jiuye.core.forms import add_service_errors
from jiuye.core.scoping import get_scoped_or_404
from jiuye.people import selectors
from jiuye.people.forms import DuplicateDecisionForm
from jiuye.people.models import DuplicatePair, DuplicateStatus, PersonMerge
from jiuye.people.services import duplicates, merges

MERGERS = tuple(merges.MERGERS)


@roles_required(*MERGERS)
@require_http_methods(["GET"])
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    context = {
        "pairs": selectors.duplicate_pairs_open(request.user),
        "merges": selectors.merges_undoable(request.user),
        "undo_days": merges.UNDO_DAYS,
    }
    return render(request, "people/duplicate_queue.html", context)


@roles_required(*MERGERS, write=True)
@require_POST
def duplicates_check(request: HttpRequest) -> HttpResponse:
    try:
        prefix = duplicates.duplicates_check(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        area = _("全区") if not prefix else _("您负责的镇街")
        messages.success(
            request,
            _("已开始检查%(area)s的重复人员。检查在后台进行，完成后刷新本页即可看到结果。")
            % {"area": area},
        )
    return redirect("people:duplicates")


@roles_required(*MERGERS, write=True)
@require_http_methods(["GET", "POST"])
def duplicate_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    pair = get_scoped_or_404(
        request.user,
        DuplicatePair.objects.select_related(
            "first__region__parent", "second__region__parent", "decided_by"
        ),
        pk=pk,
    )
    first, second = pair.first, pair.second
    rows = selectors.merge_rows(first, second)
    is_open = pair.status == DuplicateStatus.OPEN and not (first.is_archived or second.is_archived)
    form = DuplicateDecisionForm(
        request.POST if request.method == "POST" else None,
        first=first,
        second=second,
        rows=rows,
        initial={"survivor_version": first.version, "merged_version": second.version},
    )
    plan = merges.merge_plan(first, second) if is_open else None
    if is_open and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "dismiss":
                duplicates.pair_dismiss(pair=pair, note=data["note"], by=request.user)
                text = _("已记下：%(a)s 与 %(b)s 不是同一人，以后的检查不会再列出这一对。")
            else:
                survivor, merged = (
                    (first, second) if data["survivor"] == str(first.pk) else (second, first)
                )
                take = {
                    name.removeprefix("take_"): (
                        "merged" if data[name] == str(merged.pk) else "survivor"
                    )
                    for name in form.fields
                    if name.startswith("take_") and data.get(name)
                }
                merge = merges.person_merge(
                    survivor=survivor,
                    merged=merged,
                    by=request.user,
                    survivor_version=data["survivor_version"] or 0,
                    merged_version=data["merged_version"] or 0,
                    take=take,
                    pair=pair,
                )
        except ConflictError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if data["decision"] == "dismiss":
                messages.success(request, text % {"a": first.name, "b": second.name})
                return redirect("people:duplicates")
            messages.success(
                request,
                _("已合并：%(a)s 的两条记录。%(days)s 天内可以撤销。")
                % {"a": survivor.name, "days": merges.UNDO_DAYS},
            )
            return redirect("people:merge_undo", pk=merge.pk)
    context = {
        "pair": pair,
        "first": first,
        "second": second,
        "rows": rows,
        "plan": plan,
        "form": form if is_open else None,
    }
    return render(request, "people/duplicate_review.html", context)


@roles_required(*MERGERS, write=True)
@require_http_methods(["GET", "POST"])
def merge_undo(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    merge = get_scoped_or_404(
        request.user,
        PersonMerge.objects.select_related("survivor__region", "merged__region", "created_by"),
        pk=pk,
    )
    refusal = merges.undo_refusal(merge)
    error = ""
    if request.method == "POST" and not refusal:
        try:
            merges.merge_undo(merge=merge, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("已撤销合并：两条记录和它们的业务记录已恢复到合并前的样子。")
            )
            return redirect("people:duplicates")
    context = {
        "merge": merge,
        "refusal": refusal,
        "error": error,
        "deadline": merges.undo_deadline(merge),
    }
    return render(request, "people/merge_undo.html", context)
