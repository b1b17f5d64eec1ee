"""The create, edit and archive pages of records that a service writes, written once.

Every such page does the same: show the form; on POST validate it and hand the cleaned data to
the service; show the service's refusal beside the fields it names (a conflict at the top, with
a link that reloads the latest content); or say what was saved and go on. A PermissionDenied
from the service is a 403 like any other.

Views stay function views with their own decorators and access helper (a record out of scope is
a 404 before these run, a read-only user a 403) and call these with what differs; the plain
create and edit views of a kind come from ``EditPages.views``, a list with its Excel download
from ``ListPages``, and a kind's list, export, create and edit views with their URL patterns
from ``RecordPages`` (its record page is the app's own view, handed to it). docs/adr/0013 says
why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.core import listing
from jiuye.core.access import View, roles_required
from jiuye.core.conflicts import ConflictError, show_conflict
from jiuye.core.downloads import attachment, logged_export, workbook
from jiuye.core.forms import ArchiveForm, add_service_errors
from jiuye.core.replica import reads_replica


def posted(request: HttpRequest) -> QueryDict | None:
    """The data to bind a form to: the POST on a POST, nothing (an unbound form) on a GET."""
    return request.POST if request.method == "POST" else None


def done(request: HttpRequest, message: Any, to: str, **kwargs: Any) -> HttpResponse:
    """Say what was saved and go on to ``to`` (a URL name with its kwargs, or a URL)."""
    messages.success(request, message)
    return redirect(to, **kwargs)


def act(
    request: HttpRequest, action: Callable[[], Any], message: Any, to: str, **kwargs: Any
) -> HttpResponse:
    """A one-button action (no form to show again): run it, say what was done, or the
    service's refusal, and go on to ``to`` (a URL name with its kwargs, or a URL)."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect(to, **kwargs)


def confirm(
    request: HttpRequest,
    action: Callable[[], Any],
    message: Any,
    *,
    title: Any,
    question: Any,
    button: Any,
    back: str,
) -> HttpResponse:
    """A one-button action that asks first: on GET a page with ``question`` and ``button``
    (and a way back to ``back`` without change); on POST ``act`` — run it, say ``message`` or
    the service's refusal, and return to ``back``."""
    if request.method == "POST":
        return act(request, action, message, back)
    context = {"title": title, "question": question, "button": button, "back": back}
    return render(request, "core/confirm.html", context)


def service_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], HttpResponse],
    *,
    template: str = "",
    context: dict[str, Any] | None = None,
    failed: Callable[[ValidationError], None] | None = None,
    page: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """A form page whose valid data a service saves. ``save`` runs only for a valid POST; it
    calls the service and returns the response (usually ``done``). A ValidationError from it
    goes onto the form (``failed`` may place it otherwise, e.g. to name a duplicate; it may
    add to ``context``), a ConflictError at the top with a reload link; either way the page
    shows again with what the user typed: ``template`` with ``context`` and ``form``, or what
    ``page()`` renders (a form that sits on another page, such as a record's archive form)."""
    if request.method == "POST" and form.is_valid():
        try:
            return save()
        except ConflictError as error:
            show_conflict(form, error, request.get_full_path())
        except ValidationError as error:
            if failed is None:
                add_service_errors(form, error)
            else:
                failed(error)
    if page is not None:
        return page()
    context = context if context is not None else {}
    return render(request, template, {"form": form, **context})


def archive_page(
    request: HttpRequest,
    obj: Any,
    archive: Callable[[str], Any],
    *,
    template: str = "",
    context: dict[str, Any] | None = None,
    help_text: Any,
    already: Any,
    message: Any,
    detail: str,
    after: str | None = None,
    page: Callable[[ArchiveForm], HttpResponse] | None = None,
) -> HttpResponse:
    """Archive ``obj`` with a reason: ``archive(reason)`` calls the service. Already archived:
    ``already`` and back to ``detail`` (a URL); archived: ``message`` and on to ``after`` (a
    URL; the record's page by default). The form is a page of its own (``template``), or sits
    on the record's page (``page(form)`` renders it, the form prefixed ``archive``)."""
    if obj.is_archived:
        messages.info(request, already)
        return redirect(detail)
    prefix = "archive" if page is not None else None
    form = ArchiveForm(posted(request), prefix=prefix, help_text=help_text)

    def save() -> HttpResponse:
        archive(form.cleaned_data["reason"])
        return done(request, message, after or detail)

    return service_form(
        request,
        form,
        save,
        template=template,
        context=context,
        page=(lambda: page(form)) if page is not None else None,
    )


@dataclass(frozen=True)
class EditPages:
    """The create page and the edit page of one kind of record, where the edit page also
    archives it (a second form, prefixed ``archive``, on the same page).

    ``name`` is the record's keyword everywhere: the form takes ``<name>=`` and ``user=``, the
    services are ``create(by=, **fields)``, ``update(<name>=, by=, version=, **fields)`` and
    ``archive(<name>=, by=, reason=)``, the template gets ``<name>``, ``<name>_form`` and
    ``archive_form``. Messages are lazy and may name the record by its ``label`` field."""

    name: str
    form_class: type[Any]
    template: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    archive: Callable[..., Any]
    detail: str  # URL name of a record's page, taking pk
    listing: str  # URL name of the list, where archiving ends
    saved: Any
    archived: Any
    refused: Any  # the record is archived: it is not changed any more
    archive_help: Any = ""
    label: str = "name"
    initial_from: tuple[str, ...] = ()  # query parameters that fill the create form

    def views(self, *roles: str, get: Callable[[HttpRequest, Any], Any]) -> tuple[View, View]:
        """The create view and the edit view, open to ``roles`` (read-only users may not post);
        the edit view finds the record with ``get(request, pk)``."""

        def create(request: HttpRequest) -> HttpResponse:
            initial = {k: request.GET[k] for k in self.initial_from if request.GET.get(k)}
            return self.create_page(request, initial=initial or None)

        def edit(request: HttpRequest, pk: Any) -> HttpResponse:
            return self.edit_page(request, get(request, pk))

        guard = require_http_methods(["GET", "POST"])
        views = []
        for verb, view in (("create", create), ("edit", edit)):
            view.__name__ = view.__qualname__ = f"{self.name}_{verb}"
            views.append(roles_required(*roles, write=True)(guard(view)))
        return views[0], views[1]

    def create_page(
        self, request: HttpRequest, initial: dict[str, Any] | None = None
    ) -> HttpResponse:
        return self._form_page(request, None, initial)

    def edit_page(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if obj.is_archived:
            messages.error(request, self.refused)
            return redirect(self.detail, pk=obj.pk)
        if request.method == "POST" and "archive-reason" in request.POST:
            return self._archive_page(request, obj)
        return self._form_page(request, obj)

    def _named(self, obj: Any) -> Any:
        return {self.label: getattr(obj, self.label)}

    def _form_page(
        self, request: HttpRequest, obj: Any, initial: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {"initial": initial} if initial else {}
        form = self.form_class(posted(request), user=request.user, **{self.name: obj}, **extra)

        def save() -> HttpResponse:
            if obj is None:
                saved = self.create(by=request.user, **form.service_fields())
            else:
                saved = self.update(
                    **{self.name: obj},
                    by=request.user,
                    version=form.cleaned_data.get("version"),
                    **form.service_fields(),
                )
            return done(request, self.saved % self._named(saved), self.detail, pk=saved.pk)

        context = {
            f"{self.name}_form": form,
            self.name: obj,
            "archive_form": self._archive_form() if obj is not None else None,
        }
        return service_form(request, form, save, template=self.template, context=context)

    def _archive_form(self, data: QueryDict | None = None) -> ArchiveForm:
        return ArchiveForm(data, prefix="archive", help_text=self.archive_help)

    def _archive_page(self, request: HttpRequest, obj: Any) -> HttpResponse:
        form = self._archive_form(request.POST)

        def save() -> HttpResponse:
            self.archive(**{self.name: obj}, by=request.user, reason=form.cleaned_data["reason"])
            return done(request, self.archived % self._named(obj), self.listing)

        context = {
            f"{self.name}_form": self.form_class(user=request.user, **{self.name: obj}),
            "archive_form": form,
            self.name: obj,
        }
        return service_form(request, form, save, template=self.template, context=context)


# What a list page does with the records it may show (live or archived): filter them as the
# query string asks and make them ready to list, with what the page shows of the filter
# (``search_form``, ``filter_errors``, a chosen year...).
Rows = Callable[[HttpRequest, Any], tuple[Any, dict[str, Any]]]


def unfiltered(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """No filter: the records as they are."""
    return records, {}


@dataclass(frozen=True)
class Searching:
    """The rows of a search form's page: ``ready(search(records, **form.filters()))``, the form
    (bound to the query string, or unbound) shown as ``search_form``. The API reads the same
    filters from its query string (and documents ``form_class``'s fields as its parameters)."""

    form_class: type[Any]
    search: Callable[..., Any]
    ready: Callable[[Any], Any]

    def __call__(self, request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
        form = self.form_class(request.GET or None)
        return self.ready(self.search(records, **form.filters())), {"search_form": form}


def searching(
    form_class: type[Any], search: Callable[..., Any], ready: Callable[[Any], Any]
) -> Rows:
    """The rows of a search form's page (``Searching``)."""
    return Searching(form_class, search, ready)


@dataclass(frozen=True)
class Export:
    """The .xlsx download of a list: every record the list finds (all its pages), one row per
    record (``row(record)``) or the rows ``rows(records, context)`` makes of them all (for
    rows that need more than the record, read once for all). ``title`` and ``filename`` may
    name what the list page's context holds (``%(year)d``). With ``logged`` (the access log's
    kind) the rows are about persons: the download is logged and ``row`` must mask ID
    numbers (``core.downloads.logged_export``). ``title`` and ``filename`` may also be
    functions of that context (a name that differs with a filter)."""

    title: Any
    headers: Sequence[Any]
    filename: Any = None  # the title and ".xlsx" if not given
    row: Callable[[Any], Sequence[Any]] | None = None
    rows: Callable[[Any, dict[str, Any]], Iterable[Sequence[Any]]] | None = None
    widths: Sequence[float] = ()
    width: float | None = None
    logged: str = ""

    def response(self, request: HttpRequest, records: Any, context: dict[str, Any]) -> HttpResponse:
        title, filename = (
            text(context) if callable(text) else str(text) % context
            for text in (self.title, self.filename)
        )
        filename = f"{title}.xlsx" if self.filename is None else filename
        if self.logged:
            return logged_export(
                request,
                records,
                self._row(),
                kind=self.logged,
                title=title,
                headers=self.headers,
                filename=filename,
                widths=self.widths,
                width=self.width,
            )
        if self.rows is not None:
            body = self.rows(records, context)
        else:
            body = map(self._row(), records.iterator(chunk_size=2000))
        content = workbook(title, self.headers, body, widths=self.widths, width=self.width)
        return attachment(content, filename)

    def _row(self) -> Callable[[Any], Sequence[Any]]:
        if self.row is None:
            raise TypeError("An Export needs row or rows.")
        return self.row


@dataclass(frozen=True)
class ListPages:
    """A list page and its .xlsx download, declared once: ``urls(prefix, name)`` gives the
    list (``<prefix>``, named ``name``) and the export (``<prefix>export.xlsx``, named
    ``<name>-export``).

    - list: the records ``visible(user)`` holds, made ready by ``rows`` (filters, list
      annotations, order), a page of ``page_size`` in ``template`` with ``page`` and what
      ``rows`` adds, and what ``page_context(request, context)`` adds for the page alone
      (figures the download does not need, so it does not read them); for ``readers`` only
      (others 403), GET only.
    - export: the same records, all of them, as ``export`` says; for ``exporters`` (the
      readers if not given), GET only, read through the replica where there is one.

    A kind whose records readers also create and edit is a ``RecordPages``, which holds one of
    these."""

    readers: tuple[str, ...]
    visible: Callable[[Any], Any]
    template: str
    export: Export
    rows: Rows = unfiltered
    page_size: int = 30
    exporters: tuple[str, ...] | None = None
    page_context: Callable[[HttpRequest, dict[str, Any]], dict[str, Any]] | None = None

    def found(self, request: HttpRequest) -> tuple[Any, dict[str, Any]]:
        """The records the list shows (all its pages), and the page's context but the page."""
        return self.rows(request, self.visible(request.user))

    def list_page(self, request: HttpRequest) -> HttpResponse:
        rows, context = self.found(request)
        if self.page_context is not None:
            context.update(self.page_context(request, context))
        context["page"] = listing.page_of(request, rows, self.page_size)
        return render(request, self.template, context)

    def export_download(self, request: HttpRequest) -> HttpResponse:
        rows, context = self.found(request)
        return self.export.response(request, rows, context)

    def views(self, name: str) -> tuple[View, View]:
        """The list view and the export view, named ``<name>_list`` and ``<name>_export``."""
        list_view = roles_required(*self.readers)(
            require_GET(_named(self.list_page, f"{name}_list"))
        )
        export_view = roles_required(*(self.exporters or self.readers))(
            require_GET(reads_replica(_named(self.export_download, f"{name}_export")))
        )
        return list_view, export_view

    def urls(self, prefix: str, name: str) -> list[URLPattern]:
        """The list and export URL patterns under ``prefix`` (ending in "/")."""
        list_view, export_view = self.views(name.replace("-", "_"))
        return [
            path(prefix, list_view, name=name),
            path(f"{prefix}export.xlsx", export_view, name=f"{name}-export"),
        ]


@dataclass(frozen=True)
class RecordPages:
    """The pages of one kind of record that readers list and export and keepers create, edit
    and archive, declared once: ``urls(prefix)`` gives their URL patterns, named after the
    edit pages' ``listing`` and ``detail`` names (``programs:organizations`` and
    ``programs:organization`` give ``organizations``, ``organization-create``,
    ``organizations-export``, ``organization`` and ``organization-edit``).

    - list and export: a ``ListPages`` of the records ``visible(user)`` holds, live or
      (``?archived=1``, for keepers) archived, the list in ``template`` (by default
      ``x_list.html`` beside the edit pages' ``x_form.html``) with ``archived`` and
      ``can_keep`` besides what ``rows`` adds.
    - create and edit (``<prefix>new/``, ``<prefix><uuid:pk>/edit/``): ``edit``'s pages, for
      keepers (read-only roles may not post); the edit page finds the record with
      ``get(request, pk)`` (a 404 out of scope, a 403 where the user may not keep it).
    - the record's page (``<prefix><uuid:pk>/``): ``detail``, the app's own view.
    """

    edit: EditPages
    readers: tuple[str, ...]
    keepers: tuple[str, ...]
    visible: Callable[[Any], Any]
    export: Export
    detail: View
    get: Callable[[HttpRequest, Any], Any]
    rows: Rows = unfiltered
    template: str = ""  # the edit pages' template with "_list" for "_form" if not given
    page_size: int = 30
    exporters: tuple[str, ...] | None = None

    @property
    def lists(self) -> ListPages:
        """The list and export pages: live or archived records, with what keepers may do."""

        def rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
            archived = listing.archived_asked(request, self.keepers)
            found, context = self.rows(request, records.filter(archived_at__isnull=not archived))
            return found, {
                "archived": archived,
                "can_keep": request.user.role in self.keepers,
                **context,
            }

        template = self.template or self.edit.template.replace("_form.html", "_list.html")
        return ListPages(
            readers=self.readers,
            visible=self.visible,
            template=template,
            export=self.export,
            rows=rows,
            page_size=self.page_size,
            exporters=self.exporters,
        )

    def found(self, request: HttpRequest) -> tuple[Any, dict[str, Any]]:
        """The records the list shows (all its pages), and the page's context but the page."""
        return self.lists.found(request)

    def list_page(self, request: HttpRequest) -> HttpResponse:
        return self.lists.list_page(request)

    def export_download(self, request: HttpRequest) -> HttpResponse:
        return self.lists.export_download(request)

    def urls(self, prefix: str) -> list[URLPattern]:
        """The list, create, export, record and edit URL patterns, under ``prefix`` (ending
        in "/")."""
        plural = self.edit.listing.rpartition(":")[2]
        singular = self.edit.detail.rpartition(":")[2]
        list_view, export_view = self.lists.views(singular)
        create, edit = self.edit.views(*self.keepers, get=self.get)
        return [
            path(prefix, list_view, name=plural),
            path(f"{prefix}new/", create, name=f"{singular}-create"),
            path(f"{prefix}export.xlsx", export_view, name=f"{plural}-export"),
            path(f"{prefix}<uuid:pk>/", self.detail, name=singular),
            path(f"{prefix}<uuid:pk>/edit/", edit, name=f"{singular}-edit"),
        ]


def _named(method: Callable[..., HttpResponse], name: str) -> View:
    """A bound method as a view function of its own name (for tracebacks and the URL list)."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return method(request, *args, **kwargs)

    view.__name__ = view.__qualname__ = name
    return view
