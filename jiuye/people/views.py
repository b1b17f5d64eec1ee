"""Pages of the registry: search, lookup by number, a person's page, create, edit, archive and
the logged reveal of a full number.

Who may do what: system administrators, district staff and town officers read and write the
persons in their scope (a town officer: their town); leaders see aggregates only, department
liaisons and employers no registry at all (403). A job seeker may open their own person page,
read-only. A person out of scope is a 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import PERSONAL_DATA_ROLES, Role
from jiuye.core import crud, keyset, listing, timeline
from jiuye.core.access import roles_required
from jiuye.core.forms import add_service_errors
from jiuye.core.importing.exportjobs import ExportError, ExportRequest, export_respond
from jiuye.core.logging import scrub
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE, get_scoped_or_404, scope_for
from jiuye.people import selectors, services
from jiuye.people.forms import (
    PersonForm,
    PersonLookupForm,
    PersonSearchForm,
    RevealForm,
)
from jiuye.people.models import Person, TransferRequest

PAGE_SIZE = 50
# A search is counted up to this many persons; beyond, the page says "more than" (a town holds
# 100,000 persons at the district's scale: counting them all cost a first page 0.2–0.9 s).
COUNT_CAP = 1000
TRANSFER_ASKED = gettext_lazy(
    "已提交迁入申请：%(name)s。这个身份证号已在本区登记，区残联审核后会通知您结果；"
    "在此之前人员信息不会改变。"
)
ARCHIVE_HELP = gettext_lazy(
    "例如：重复登记、已迁出本区、本人已故。归档后不再出现在名单和统计中，记录仍然保留。"
)


def _person(request: HttpRequest, pk: uuid.UUID) -> Person:
    queryset = timeline.with_presence(selectors.person_for_detail(queryset=Person.objects.all()))
    return get_scoped_or_404(request.user, queryset, pk=pk)


def _duplicate(request: HttpRequest, form: Form, error: services.DuplicatePersonError) -> Any:
    """Name the existing person (and link to them) only when the user may see them. (A new
    person's number registered elsewhere never gets here: it becomes a transfer request.)"""
    existing = scope_for(request.user, Person).filter(pk=error.existing_id).first()
    if existing is None:
        form.add_error(
            "id_number",
            _("这个身份证号不能用于这条记录。请核对号码；如有疑问，请联系区残联。"),
        )
    else:
        form.add_error(
            "id_number",
            _("这个身份证号的人员已经登记过（%(name)s），不能重复登记。") % {"name": existing.name},
        )
    return existing


def _render_list(
    request: HttpRequest, search: PersonSearchForm, lookup: PersonLookupForm
) -> HttpResponse:
    page = None
    if search.is_bound and search.is_valid() and selectors.is_search(search.cleaned_data):
        persons = selectors.persons_search(
            queryset=scope_for(request.user, Person), filters=search.cleaned_data
        )
        # Keyset pages, counted once (on the first page, and not at all when it holds
        # everyone found) and no further than COUNT_CAP; the total then travels in the cursor.
        page = keyset.keyset_page(
            request,
            [persons],
            list_id="persons",
            size=PAGE_SIZE,
            count=lambda: keyset.capped_count(persons, COUNT_CAP),
            count_cap=COUNT_CAP,
        )
    context = {"search_form": search, "lookup_form": lookup, "page": page}
    # The page title says "错误：" after a failed submit of either form.
    context["form"] = lookup if lookup.errors else search
    return render(request, "people/person_list.html", context)


@roles_required(*PERSONAL_DATA_ROLES)
@listing.numbers_kept_out_of_urls
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    search = PersonSearchForm(listing.search_params(request) or None, user=request.user)
    return _render_list(request, search, PersonLookupForm())


@roles_required(*PERSONAL_DATA_ROLES)
@require_POST
def person_lookup(request: HttpRequest) -> HttpResponse:
    form = PersonLookupForm(request.POST)
    if form.is_valid():
        filters = {**form.filters(), "include_archived": True}
        found = selectors.persons_search(
            queryset=scope_for(request.user, Person), filters=filters
        ).first()
        if found is not None:
            return redirect("people:detail", pk=found.pk)
        form.add_error("number", NOT_FOUND_IN_SCOPE)
    return _render_list(request, PersonSearchForm(user=request.user), form)


def _render_detail(
    request: HttpRequest, person: Person, reveal: RevealForm | None = None, revealed: Any = None
) -> HttpResponse:
    if reveal is None and RevealForm.allowed(request.user):
        reveal = RevealForm(person=person)
    today = timezone.localdate()
    staff = request.user.role in PERSONAL_DATA_ROLES
    context = {
        "person": person,
        "can_list": staff,
        "can_write": staff and not person.is_archived,
        "reveal_form": reveal,
        "revealed": revealed,
        "facts": timeline.facts_for(person, request.user, today),
        "timeline": timeline.entries_for(person, request.user),
        # The consents table (issue 18): one query of its own, read here rather than by the
        # template so the page's queries are all named in its view (ADR 0009).
        "consents": list(person.consents.all()),
        "today": today,
        "form": reveal,
    }
    return render(request, "people/person_detail.html", context)


@roles_required(*PERSONAL_DATA_ROLES, Role.JOBSEEKER)
@require_GET
def person_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    # A job seeker's scope is their own record: anyone else's is a 404.
    return _render_detail(request, _person(request, pk))


@roles_required(*PERSONAL_DATA_ROLES)
@require_POST
def person_reveal(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = _person(request, pk)
    form = RevealForm(request.POST, person=person)
    if not form.is_valid():
        return _render_detail(request, person, form)
    field = form.cleaned_data["field"]
    value = services.person_reveal(
        person=person, field=field, reason=form.cleaned_data["reason"], request=request
    )
    revealed = {"label": RevealForm.LABELS[field], "value": value}
    return _render_detail(request, person, RevealForm(person=person), revealed)


def _person_form(request: HttpRequest, person: Person | None) -> HttpResponse:
    form = PersonForm(crud.posted(request), user=request.user, person=person)
    context: dict[str, Any] = {"person": person, "duplicate": None}

    def save() -> HttpResponse:
        if person is None:
            saved = services.person_register_or_transfer(by=request.user, **form.service_fields())
            if isinstance(saved, TransferRequest):
                # The number is registered in another town (ADR 0011): nothing changed yet.
                return crud.done(request, TRANSFER_ASKED % {"name": saved.name}, "people:list")
            message = _("已登记：%(name)s。") % {"name": saved.name}
        else:
            version = form.cleaned_data["version"]
            saved = services.person_update(
                person=person, by=request.user, version=version, **form.service_fields()
            )
            message = _("已保存修改。")
        return crud.done(request, message, "people:detail", pk=saved.pk)

    def failed(error: ValidationError) -> None:
        if isinstance(error, services.DuplicatePersonError):
            context["duplicate"] = _duplicate(request, form, error)
        else:
            add_service_errors(form, error)

    return crud.service_form(
        request, form, save, template="people/person_form.html", context=context, failed=failed
    )


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    return _person_form(request, None)


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = _person(request, pk)
    if person.is_archived:
        messages.error(request, _("这条记录已归档，不能再修改。"))
        return redirect("people:detail", pk=person.pk)
    return _person_form(request, person)


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def person_archive(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = _person(request, pk)
    return crud.archive_page(
        request,
        person,
        lambda reason: services.person_archive(person=person, reason=reason, by=request.user),
        template="people/person_archive.html",
        context={"person": person},
        help_text=ARCHIVE_HELP,
        already=_("这条记录已经归档。"),
        message=_("已归档：%(name)s。") % {"name": person.name},
        detail=reverse("people:detail", args=[person.pk]),
    )


@roles_required(*PERSONAL_DATA_ROLES)
@listing.numbers_kept_out_of_urls
@require_http_methods(["GET", "POST"])
def person_export(request: HttpRequest) -> HttpResponse:
    """The search result as .xlsx in the import template's columns. Masked by default; full
    numbers need a reason (POST). Every export is in the access log."""
    params = listing.search_params(request)
    search = PersonSearchForm(params or None, user=request.user)
    if not (search.is_bound and search.is_valid() and selectors.is_search(search.cleaned_data)):
        messages.error(request, _("请先查询，再导出查询结果。"))
        return redirect("people:list")
    reveal = request.method == "POST"
    reason = request.POST.get("reason", "").strip()
    if reveal and not reason:
        messages.error(request, _("导出完整号码必须写明原因。"))
        return redirect(f"{reverse('people:list')}?{request.GET.urlencode()}")
    query = params.urlencode()
    export = ExportRequest(
        kind="persons",
        records="jiuye.people.views.persons_to_export",
        params={"query": query},
        filename="残疾人名单.xlsx",
        reveal=reveal,
        reason=reason,
        detail={"query": scrub(query)},
    )
    return export_respond(request, export)


def persons_to_export(user: Any, params: dict[str, Any]) -> Any:
    """The persons of ``user``'s search (``params["query"]``) in their scope, for the export
    now or in the background (``core.importing.exportjobs``)."""
    if user.role not in PERSONAL_DATA_ROLES:
        raise ExportError(_("导出失败：您的账号已没有导出残疾人名单的权限。"))
    search = PersonSearchForm(QueryDict(params.get("query", "")), user=user)
    if not (search.is_valid() and selectors.is_search(search.cleaned_data)):
        raise ExportError(_("导出失败：查询条件已失效，请重新查询后再导出。"))
    return selectors.persons_search(queryset=scope_for(user, Person), filters=search.cleaned_data)
