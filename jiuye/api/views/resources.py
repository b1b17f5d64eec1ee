"""A resource of the API declared once: which records a key sees (the UI's selector, so the
same scope), how its list is filtered (the UI's search: the same form and selector read the
same query string), which roles read it, and — where the UI has create and edit pages — the
same form and services for writes. ``Resource.routes(router)`` adds its endpoints:

- ``GET /<path>``: keyset pages (``cursor``, ``limit``), ``updated_since``, the UI's filters;
- ``GET /<path>/{id}``: one record, with its ``ETag`` (the record's version);
- ``POST /<path>`` and ``PATCH /<path>/{id}`` (with ``edit``): the UI form's fields as JSON,
  checked by the same form and saved by the same service; a change names the ``version`` it
  was read at (or ``If-Match``), a stale one is a 409; a refusal of the form or the service is
  a 422 problem with its messages;
- ``POST /<path>/{id}/archive`` (with ``edit``): the service's archive, with a reason.

A record is shown as its model's fields (a related record by its key); ID numbers and other
encrypted personal fields are always masked, and a valid ID number typed into free text too:
only ``/persons/{id}/reveal`` shows a full number.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuye.api.views.conventions import (
    BadParameter,
    etag,
    keyset_page,
    note_rows,
    problem,
    validation_messages,
)
from jiuye.core.crud import EditPages, RecordPages, Searching
from jiuye.core.crypto import EncryptedTextField
from jiuye.core.masking import mask_certificate_number, mask_id_number, mask_name, mask_phone
from jiuye.core.validators import resident_id_check_char

# Fields a record keeps for itself, not for the caller.
_HIDDEN = {"created_by", "updated_by", "archived_by", "archived_reason"}
# A resident ID number inside free text (masked if its check character is right).
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")


def scrub(text: str) -> str:
    """Free text with any valid resident ID number in it masked (staff may have typed one into
    a note)."""

    def mask(match: re.Match[str]) -> str:
        number = match.group(1)
        if resident_id_check_char(number[:17]) == number[17].upper():
            return mask_id_number(number)
        return number

    return _ID_IN_TEXT.sub(mask, text)


def _masked(name: str, value: Any) -> str:
    if not value:
        return ""
    if "id_number" in name:
        return mask_id_number(value)
    if "certificate" in name:
        return mask_certificate_number(value)
    if "phone" in name:
        return mask_phone(value)
    return mask_name(value)


def plain(value: Any) -> Any:
    """A value as JSON holds it."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def shown_fields(model: type[models.Model], names: tuple[str, ...] = ()) -> list[models.Field]:
    """The model's fields an answer shows: ``names`` in that order, or every concrete field
    but those a record keeps for itself (its writers, blind indexes, non-editable bookkeeping)."""
    if names:
        return [model._meta.get_field(name) for name in names]
    shown = []
    for f in model._meta.concrete_fields:
        if f.name in _HIDDEN or (f.name.endswith("_index") and not f.editable):
            continue
        if f.name == "id_number_index" or f.name.endswith("_hash"):
            continue
        shown.append(f)
    return shown


def record_data(record: models.Model, fields: list[models.Field]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in fields:
        if f.is_relation:
            key = getattr(record, f.attname)
            data[f.name] = None if key is None else str(key)
        elif isinstance(f, models.FileField):
            # A file is fetched from its page, not through the API: whether there is one.
            data[f.name] = bool(getattr(record, f.attname))
        elif isinstance(f, EncryptedTextField):
            data[f.name] = _masked(f.name, getattr(record, f.attname))
        else:
            data[f.name] = plain(getattr(record, f.attname))
    if "id" in data:
        data["id"] = str(record.pk)
    if hasattr(record, "archived_at"):
        data["archived"] = record.archived_at is not None
    return data


# --- filters: the UI's search read from the API's query string -------------------------------

# (request, visible records) -> (the records the UI's list would show, the list's context)
Rows = Callable[[HttpRequest, Any], tuple[Any, dict[str, Any]]]


def filtered(request: HttpRequest, rows: Rows, records: QuerySet[Any]) -> QuerySet[Any]:
    """``rows`` applied as the list page applies it; a filter the page would drop with a
    message (``filter_errors``, or an invalid field of its search form) is a 400 here."""
    found, context = rows(request, records)
    form = context.get("search_form")
    if form is not None and form.is_bound and not form.is_valid():
        for name, errors in form.errors.items():
            if name in request.GET:
                raise BadParameter(name, " ".join(errors))
    for error in context.get("filter_errors") or ():
        raise BadParameter("filter", error)
    return found


def _filter_parameters(form_class: type[forms.BaseForm] | None, names: tuple[str, ...]) -> list:
    params = []
    fields = dict(form_class.base_fields) if form_class is not None else {}
    for name in names or tuple(fields):
        f = fields.get(name)
        description = str(f.label) if f is not None and f.label else name
        params.append(
            {
                "in": "query",
                "name": name,
                "required": False,
                "description": description,
                "schema": {"type": "string"},
            }
        )
    return params


# --- writes: the UI's form and services -------------------------------------------------------

_JSON_TYPES: dict[type[forms.Field], dict[str, Any]] = {
    forms.BooleanField: {"type": "boolean"},
    forms.IntegerField: {"type": "integer"},
    forms.DecimalField: {"type": "string", "format": "decimal"},
    forms.DateField: {"type": "string", "format": "date"},
    forms.MultipleChoiceField: {"type": "array", "items": {"type": "string"}},
    forms.ModelMultipleChoiceField: {"type": "array", "items": {"type": "string"}},
}


def _json_type(f: forms.Field) -> dict[str, Any]:
    for kind, schema in _JSON_TYPES.items():
        if isinstance(f, kind):
            return dict(schema)
    return {"type": "string"}


def _body_schema(form_class: type[forms.BaseForm], *, change: bool) -> dict[str, Any]:
    properties = {}
    required = []
    for name, f in form_class.base_fields.items():
        if isinstance(f, forms.FileField) or name == "version":
            continue
        properties[name] = {**_json_type(f), "description": str(f.label or name)}
        if f.required and not change:
            required.append(name)
    properties["version"] = {
        "type": "integer",
        "description": "读取时的 version（或用 If-Match 请求头）",
    }
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    }


class RuleRefused(Exception):
    """The form or the service refused the record: a 422 with their messages."""

    def __init__(self, error: ValidationError) -> None:
        self.error = error
        super().__init__(str(error))


def refused_answer(exc: RuleRefused) -> HttpResponse:
    errors = validation_messages(exc.error)
    return problem(
        422,
        _("不符合业务规则"),
        "；".join(e["message"] for e in errors),
        errors=errors,
    )


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise BadParameter("body", _("请求内容应为一个 JSON 对象，键为字段名。"))
    return body


def asked_version(request: HttpRequest, body: Mapping[str, Any]) -> int | None:
    """The version the caller read: ``version`` in the body, or an If-Match ETag."""
    value = body.get("version")
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
            raise BadParameter("version", _("version 应为读取记录时得到的整数。"))
        return int(value)
    match = re.fullmatch(r'(?:W/)?"(\d+)"', request.headers.get("If-Match", "").strip())
    return int(match.group(1)) if match else None


def _key_of(value: Any) -> Any:
    """A form's initial value as posted data: a record by its key, several by their keys."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.Manager):
        return [v.pk for v in value.all()]
    if isinstance(value, QuerySet | list | tuple):
        return [_key_of(v) for v in value]
    return value


def _form_errors(form: forms.BaseForm) -> ValidationError:
    return ValidationError(
        {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    )


@dataclass(frozen=True)
class PersonAdds:
    """A record the UI adds for a person (a service, a needs registration, a referral, an
    enrolment): the page's form (taking ``person=``), the service that saves what it cleaned
    (``save(person=, by=, **fields)``) and the roles that may add it. The body names the
    ``person`` (one in the key's scope, else 404) beside the form's fields.

    For a page whose form is built otherwise: ``form(data, person=, user=)`` builds it as the
    page does, ``fields(form, request)`` gives the service what the page gives it (by default
    ``form.service_fields()``), and ``keys`` names the other records the body names by key
    (for the schema)."""

    form_class: type[forms.BaseForm]
    save: Callable[..., Any]
    roles: tuple[str, ...]
    form: Callable[..., forms.BaseForm] | None = None
    fields: Callable[[Any, HttpRequest], dict[str, Any]] | None = None
    keys: tuple[str, ...] = ()

    def build(self, data: Any, *, person: Any, user: Any) -> forms.BaseForm:
        if self.form is not None:
            return self.form(data, person=person, user=user)
        return self.form_class(data, person=person)

    def service_fields(self, form: Any, request: HttpRequest) -> dict[str, Any]:
        if self.fields is not None:
            return self.fields(form, request)
        return form.service_fields()


@dataclass(frozen=True)
class Writes:
    """The create and edit pages of a kind whose pages use their own form rather than
    ``crud.EditPages``: the same shape (``name``, ``form_class``, the ``create``/``update``/
    ``archive`` services, ``refused``), with ``form(data, user=, record=)`` building the page's
    form as the page builds it (by default ``form_class(data, <name>=record)``)."""

    name: str
    form_class: type[forms.BaseForm]
    create: Callable[..., Any]
    update: Callable[..., Any]
    archive: Callable[..., Any]
    refused: Any
    form: Callable[..., forms.BaseForm] | None = None

    def build(self, data: Any, *, user: Any, record: Any) -> forms.BaseForm:
        if self.form is not None:
            return self.form(data, user=user, record=record)
        return self.form_class(data, **{self.name: record})


@dataclass(frozen=True)
class Action:
    """A write that is a step on one record rather than a change of its fields (advance a
    referral): ``POST /<path>/{id}/<verb>``, open to ``roles`` (the page's), the record found
    as the page finds it (``get``, else the resource's). ``form(data, record=, user=)`` is the
    page's form (its field names are the body's keys; ``version`` is asked as for a change) and
    ``run(record=, by=, **cleaned)`` the page's service. A form or service refusal is a 422."""

    verb: str
    summary: str
    roles: tuple[str, ...]
    form: Callable[..., forms.BaseForm]
    run: Callable[..., Any]
    form_class: type[forms.BaseForm]


# --- the declaration --------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One kind of record in the API (see the module's docstring).

    - ``path``/``name``: the plural path (``organizations``) and the singular name the
      endpoints are named after (``organization_list``, ``organization``, ``organization_create``,
      ``organization_update``, ``organization_archive``).
    - ``readers``: the roles that may read it (others 403), as the UI's list page;
      ``visible(user)``: the UI's selector of what that user sees (others' records 404).
    - ``rows``: the UI list's filter (``crud.Searching`` or the page's own rows function);
      ``filters``: the query parameters it reads, for the schema (a search form's by default).
    - ``fields``: the model fields shown (every concrete field by default).
    - ``personal``: its rows are about persons (a read is logged like an export).
    - ``edit``/``keepers``/``get``: the UI's create and edit pages, the roles that keep the
      records, and how the edit page finds one (404 out of scope, 403 where not kept).
    """

    path: str
    name: str
    summary: str
    tag: str
    readers: tuple[str, ...]
    visible: Callable[[Any], QuerySet[Any]]
    rows: Rows | None = None
    filters: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    personal: bool = False
    edit: EditPages | Writes | None = None
    keepers: tuple[str, ...] = ()
    get: Callable[[HttpRequest, Any], Any] | None = None
    adds: PersonAdds | None = None
    actions: tuple[Action, ...] = ()

    @classmethod
    def of_pages(cls, pages: RecordPages, **declared: Any) -> Resource:
        """A resource of a kind the UI declares with ``crud.RecordPages``: its readers, keepers,
        selector, list filter, edit pages and record lookup, as they are."""
        return cls(
            readers=pages.readers,
            visible=pages.visible,
            rows=pages.rows,
            edit=pages.edit,
            keepers=pages.keepers,
            get=pages.get,
            **declared,
        )

    @cached_property
    def model(self) -> type[models.Model]:
        """The model of the records (what the selector answers for nobody)."""
        from django.contrib.auth.models import AnonymousUser

        return self.visible(AnonymousUser()).model

    def url_names(self) -> set[str]:
        names = {f"{self.name}_list", self.name}
        if self.edit is not None:
            names |= {f"{self.name}_create", f"{self.name}_update", f"{self.name}_archive"}
        if self.adds is not None:
            names.add(f"{self.name}_create")
        names |= {f"{self.name}_{action.verb}" for action in self.actions}
        return names

    # -- reading --

    def _require(self, request: HttpRequest, roles: tuple[str, ...]) -> None:
        if request.user.role not in roles:
            raise PermissionDenied

    def _shown(self) -> list[models.Field]:
        return shown_fields(self.model, self.fields)

    def data(self, record: models.Model) -> dict[str, Any]:
        return record_data(record, self._shown())

    def _one(self, request: HttpRequest, pk: uuid.UUID) -> Any:
        """The record among those the selector lets the user see (it scopes them): else 404."""
        found = self.visible(request.user).filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def list_view(self) -> Callable[..., Any]:
        def view(
            request: HttpRequest,
            updated_since: str | None = None,
            cursor: str | None = None,
            limit: int | None = None,
        ) -> dict[str, Any]:
            self._require(request, self.readers)
            records = self.visible(request.user)
            if self.rows is not None:
                records = filtered(request, self.rows, records)
            shown = self._shown()
            return keyset_page(
                request,
                records,
                lambda record: record_data(record, shown),
                cursor=cursor,
                limit=limit,
                updated_since=updated_since,
                personal=self.personal,
            )

        return view

    def detail_view(self) -> Callable[..., Any]:
        def view(request: HttpRequest, pk: uuid.UUID, response: HttpResponse) -> dict[str, Any]:
            self._require(request, self.readers)
            record = self._one(request, pk)
            note_rows(request, 1, personal=self.personal)
            if hasattr(record, "version"):
                response.headers["ETag"] = etag(record.version)
            return self.data(record)

        return view

    # -- writing --

    def _keeper(self, request: HttpRequest) -> None:
        self._require(request, self.keepers)
        if request.user.is_read_only:
            raise PermissionDenied

    def _form(self, data: Any, user: Any, record: Any) -> forms.BaseForm:
        edit = self.edit
        assert edit is not None
        if isinstance(edit, Writes):
            return edit.build(data, user=user, record=record)
        return edit.form_class(data, user=user, **{edit.name: record})

    def _save(self, request: HttpRequest, record: Any, body: dict[str, Any]) -> Any:
        edit = self.edit
        assert edit is not None
        user = request.user
        data: dict[str, Any] = {}
        if record is not None:
            # A change names only what changes: the rest stays as the record has it.
            unbound = self._form(None, user, record)
            data = {
                name: unbound.get_initial_for_field(f, name) for name, f in unbound.fields.items()
            }
            data = {k: _key_of(v) for k, v in data.items()}
            data["version"] = asked_version(request, body)
        data.update({k: v for k, v in body.items() if k != "version"})
        form = self._form(data, user, record)
        if not form.is_valid():
            raise RuleRefused(_form_errors(form))
        try:
            if record is None:
                return edit.create(by=user, **form.service_fields())
            return edit.update(
                **{edit.name: record},
                by=user,
                version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except ValidationError as error:
            raise RuleRefused(error) from None

    def _answer(self, request: HttpRequest, record: Any, response: HttpResponse) -> dict:
        record = self.visible(request.user).get(pk=record.pk)
        note_rows(request, 1, personal=self.personal)
        if hasattr(record, "version"):
            response.headers["ETag"] = etag(record.version)
        return self.data(record)

    def create_view(self) -> Callable[..., Any]:
        def view(request: HttpRequest, response: HttpResponse) -> Any:
            self._keeper(request)
            try:
                saved = self._save(request, None, _json_body(request))
            except RuleRefused as refused:
                return refused_answer(refused)
            return Status(201, self._answer(request, saved, response))

        return view

    def add_view(self) -> Callable[..., Any]:
        adds = self.adds
        assert adds is not None

        def view(request: HttpRequest, response: HttpResponse) -> Any:
            from jiuye.core.scoping import get_scoped_or_404
            from jiuye.people.models import Person

            self._require(request, adds.roles)
            if request.user.is_read_only:
                raise PermissionDenied
            body = _json_body(request)
            if not body.get("person"):
                raise BadParameter("person", _("请给出人员的编号 person。"))
            person = get_scoped_or_404(request.user, Person, pk=body["person"])
            if person.is_archived:
                return refused_answer(
                    RuleRefused(ValidationError(_("这名人员已归档，不能再登记。")))
                )
            data = {k: v for k, v in body.items() if k != "person"}
            form = adds.build(data, person=person, user=request.user)
            if not form.is_valid():
                return refused_answer(RuleRefused(_form_errors(form)))
            try:
                fields = adds.service_fields(form, request)
                saved = adds.save(person=person, by=request.user, **fields)
            except ValidationError as error:
                return refused_answer(RuleRefused(error))
            return Status(201, self._answer(request, saved, response))

        return view

    def update_view(self) -> Callable[..., Any]:
        edit = self.edit
        assert edit is not None and self.get is not None
        get = self.get

        def view(request: HttpRequest, pk: uuid.UUID, response: HttpResponse) -> Any:
            self._keeper(request)
            record = get(request, pk)
            body = _json_body(request)
            if asked_version(request, body) is None:
                raise BadParameter(
                    "version",
                    _("修改记录须带上读取时的 version（或 If-Match 请求头），以免覆盖别人的修改。"),
                )
            if record.is_archived:
                return refused_answer(RuleRefused(ValidationError(str(edit.refused))))
            try:
                saved = self._save(request, record, body)
            except RuleRefused as refused:
                return refused_answer(refused)
            return self._answer(request, saved, response)

        return view

    def archive_view(self) -> Callable[..., Any]:
        edit = self.edit
        assert edit is not None and self.get is not None
        get = self.get

        def view(request: HttpRequest, pk: uuid.UUID, response: HttpResponse) -> Any:
            self._keeper(request)
            record = get(request, pk)
            reason = str(_json_body(request).get("reason") or "").strip()
            if not reason:
                raise BadParameter("reason", _("请填写归档原因。"))
            if not record.is_archived:
                try:
                    edit.archive(**{edit.name: record}, by=request.user, reason=reason)
                except ValidationError as error:
                    return refused_answer(RuleRefused(error))
            return self._answer(request, record, response)

        return view

    def action_view(self, action: Action) -> Callable[..., Any]:
        get = self.get

        def view(request: HttpRequest, pk: uuid.UUID, response: HttpResponse) -> Any:
            self._require(request, action.roles)
            if request.user.is_read_only:
                raise PermissionDenied
            record = get(request, pk) if get is not None else self._one(request, pk)
            body = _json_body(request)
            version = asked_version(request, body)
            if version is None:
                raise BadParameter(
                    "version",
                    _("修改记录须带上读取时的 version（或 If-Match 请求头），以免覆盖别人的修改。"),
                )
            try:
                # The page's form may refuse the record outright (a closed referral).
                form = action.form(None, record=record, user=request.user)
                data = {form.add_prefix(k): v for k, v in body.items() if k != "version"}
                data[form.add_prefix("version")] = version
                form = action.form(data, record=record, user=request.user)
            except ValidationError as error:
                return refused_answer(RuleRefused(error))
            if not form.is_valid():
                return refused_answer(RuleRefused(_form_errors(form)))
            try:
                saved = action.run(record=record, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                return refused_answer(RuleRefused(error))
            return self._answer(request, saved, response)

        return view

    # -- the routes --

    def routes(self, router: Router) -> None:
        search = self.rows.form_class if isinstance(self.rows, Searching) else None
        params = _filter_parameters(search, self.filters)
        base, one = f"/{self.path}", f"/{self.path}/{{pk}}"

        def add(path: str, methods: list[str], view: Callable[..., Any], name: str, **kw: Any):
            view.__name__ = view.__qualname__ = name
            router.add_api_operation(
                path,
                methods,
                view,
                operation_id=name,
                url_name=name,
                tags=[self.tag],
                **kw,
            )

        add(
            base,
            ["GET"],
            self.list_view(),
            f"{self.name}_list",
            summary=self.summary,
            openapi_extra={"parameters": params} if params else None,
        )
        add(one, ["GET"], self.detail_view(), self.name, summary=f"{self.summary}：一条")
        if self.adds is not None:
            body = _body_schema(self.adds.form_class, change=False)
            schema = body["requestBody"]["content"]["application/json"]["schema"]
            del schema["properties"]["version"]
            for name in ("person", *self.adds.keys):
                schema["properties"][name] = {"type": "string", "format": "uuid"}
                required = schema.setdefault("required", [])
                if name not in required:
                    required.append(name)
            add(
                base,
                ["POST"],
                self.add_view(),
                f"{self.name}_create",
                response={201: dict[str, Any]},
                summary=f"{self.summary}：登记",
                openapi_extra=body,
            )
        for action in self.actions:
            add(
                f"{one}/{action.verb}",
                ["POST"],
                self.action_view(action),
                f"{self.name}_{action.verb}",
                summary=f"{self.summary}：{action.summary}（带 version）",
                openapi_extra=_body_schema(action.form_class, change=False),
            )
        if self.edit is None:
            return
        form_class = self.edit.form_class
        add(
            base,
            ["POST"],
            self.create_view(),
            f"{self.name}_create",
            response={201: dict[str, Any]},
            summary=f"{self.summary}：新增",
            openapi_extra=_body_schema(form_class, change=False),
        )
        add(
            one,
            ["PATCH"],
            self.update_view(),
            f"{self.name}_update",
            summary=f"{self.summary}：修改（带 version）",
            openapi_extra=_body_schema(form_class, change=True),
        )
        add(
            f"{one}/archive",
            ["POST"],
            self.archive_view(),
            f"{self.name}_archive",
            summary=f"{self.summary}：归档（带原因）",
            openapi_extra={
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"reason": {"type": "string"}},
                                "required": ["reason"],
                            }
                        }
                    },
                }
            },
        )


def router_of(resources: list[Resource]) -> Router:
    """One router with every resource's endpoints (each tagged with its own tag)."""
    router = Router()
    for resource in resources:
        resource.routes(router)
    return router
