"""The service-backed form pages (core.crud): one GET/POST cycle for every create, edit and
archive page."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import translation

from jiuye.core import crud
from jiuye.core.conflicts import ConflictError

SUMMARY = "includes/error_summary.html"  # renders the form's errors and nothing else


class NameForm(forms.Form):
    name = forms.CharField(label="名称", error_messages={"required": "请填写名称。"})


def _request(method: str = "get", data: dict[str, Any] | None = None) -> HttpRequest:
    request = getattr(RequestFactory(), method)("/things/1/edit/?tab=2", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _texts(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


def _page(request: HttpRequest, save: Any, **kwargs: Any) -> HttpResponse:
    form = NameForm(crud.posted(request))
    return crud.service_form(request, form, save, template=SUMMARY, **kwargs)


def _never() -> HttpResponse:
    raise AssertionError("the service must not run")


def test_a_get_shows_the_form_without_running_the_service() -> None:
    response = _page(_request(), _never)
    assert response.status_code == 200
    assert "提交未成功" not in response.content.decode()


def test_an_invalid_post_shows_the_errors_without_running_the_service() -> None:
    response = _page(_request("post", {"name": ""}), _never)
    assert response.status_code == 200
    assert "名称：请填写名称。" in response.content.decode()


def test_a_valid_post_runs_the_service_says_so_and_goes_on() -> None:
    request = _request("post", {"name": "甲"})
    response = _page(request, lambda: crud.done(request, "已保存：甲。", "/things/1/"))
    assert (response.status_code, response["Location"]) == (302, "/things/1/")
    assert _texts(request) == ["已保存：甲。"]


def test_a_refusal_of_the_service_sits_beside_the_field_it_names() -> None:
    def save() -> HttpResponse:
        raise ValidationError({"name": ["这个名称已经用过了。"], "other": ["别的问题。"]})

    body = _page(_request("post", {"name": "甲"}), save).content.decode()
    assert '<a href="#id_name">名称：这个名称已经用过了。</a>' in body
    assert "<li>别的问题。</li>" in body


def test_a_view_may_place_a_refusal_itself() -> None:
    seen: list[ValidationError] = []

    def save() -> HttpResponse:
        raise ValidationError("重复登记。")

    body = _page(_request("post", {"name": "甲"}), save, failed=seen.append).content.decode()
    assert [e.messages for e in seen] == [["重复登记。"]]
    assert "重复登记" not in body


def test_a_conflict_sits_at_the_top_with_a_link_that_reloads_the_same_page() -> None:
    def save() -> HttpResponse:
        raise ConflictError

    with translation.override("zh-hans"):
        body = _page(_request("post", {"name": "甲"}), save).content.decode()
    assert "这条记录刚刚被其他人修改过，您的修改没有保存。" in body
    assert '<a href="/things/1/edit/?tab=2">重新载入最新内容</a>' in body


def test_a_conflict_reads_in_english_for_english_users() -> None:
    def save() -> HttpResponse:
        raise ConflictError

    with translation.override("en"):
        body = _page(_request("post", {"name": "甲"}), save).content.decode()
    assert "Someone else changed this record a moment ago; your changes were not saved." in body
    assert '<a href="/things/1/edit/?tab=2">reload the latest content</a>' in body


def test_a_service_refusing_the_user_is_a_403() -> None:
    def save() -> HttpResponse:
        raise PermissionDenied

    with pytest.raises(PermissionDenied):
        _page(_request("post", {"name": "甲"}), save)


def test_the_page_may_be_another_pages_rendering() -> None:
    request = _request("post", {"name": ""})
    form = NameForm(crud.posted(request))
    response = crud.service_form(request, form, _never, page=lambda: HttpResponse("记录页"))
    assert response.content == "记录页".encode()


# --- archive ---------------------------------------------------------------------------------


def _archive(request: HttpRequest, thing: Any, archived: list[str], **kwargs: Any) -> HttpResponse:
    return crud.archive_page(
        request,
        thing,
        archived.append,
        help_text="归档后不再出现在列表中。",
        already="已经归档。",
        message="已归档。",
        detail="/things/1/",
        **kwargs,
    )


def test_archiving_needs_a_reason() -> None:
    archived: list[str] = []
    thing = SimpleNamespace(is_archived=False)
    request = _request("post", {"reason": " "})
    body = _archive(request, thing, archived, template=SUMMARY).content.decode()
    assert "归档原因：请填写归档原因。" in body and archived == []


def test_archiving_hands_the_reason_to_the_service_and_goes_on() -> None:
    archived: list[str] = []
    request = _request("post", {"reason": "重复录入"})
    thing = SimpleNamespace(is_archived=False)
    response = _archive(request, thing, archived, template=SUMMARY, after="/things/")
    assert (response.status_code, response["Location"]) == (302, "/things/")
    assert archived == ["重复录入"] and _texts(request) == ["已归档。"]


def test_an_archived_record_is_not_archived_again() -> None:
    request = _request("post", {"reason": "重复录入"})
    response = _archive(request, SimpleNamespace(is_archived=True), [], template=SUMMARY)
    assert (response.status_code, response["Location"]) == (302, "/things/1/")
    assert _texts(request) == ["已经归档。"]


def test_an_archive_form_on_the_records_page_is_prefixed() -> None:
    archived: list[str] = []
    request = _request("post", {"archive-reason": "重复录入"})
    thing = SimpleNamespace(is_archived=False)
    assert _archive(request, thing, archived, page=lambda form: HttpResponse()).status_code == 302
    assert archived == ["重复录入"]
    failed = _request("post", {"archive-reason": ""})
    shown = _archive(failed, thing, [], page=lambda form: HttpResponse(form.errors["reason"]))
    assert shown.content.decode() == "请填写归档原因。"


# --- RecordPages: a kind's list, export, create and edit pages declared once -----------------

THINGS = {
    "things/thing_list.html": (
        "{% for t in page %}{{ t.name }};{% endfor %}|{{ archived }}|{{ can_keep }}"
    ),
    "things/thing_form.html": "form {{ thing_form.name.value|default:'' }}",
    "things/plain_list.html": "{% for t in page %}{{ t.name }};{% endfor %}|{{ start }}|{{ n }}",
}
LOCMEM = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", THINGS)]},
    }
]


class Things(list):
    """Enough of a queryset for the pages: filter by archived, iterate in chunks."""

    def filter(self, archived_at__isnull: bool) -> Things:
        return Things(t for t in self if (t.archived_at is None) == archived_at__isnull)

    def iterator(self, chunk_size: int) -> Any:
        return iter(self)


def _thing(name: str, archived: bool = False) -> SimpleNamespace:
    day = "2025-01-01" if archived else None
    return SimpleNamespace(pk=name, name=name, archived_at=day, is_archived=archived)


ALL_THINGS = Things([_thing("甲"), _thing("乙"), _thing("丙"), _thing("旧", archived=True)])


class ThingForm(NameForm):
    def __init__(self, data: Any = None, *, user: Any, thing: Any, **kwargs: Any) -> None:
        super().__init__(data, initial={"name": thing.name} if thing else None, **kwargs)


def _starting_with(request: HttpRequest, records: Things) -> tuple[Any, dict[str, Any]]:
    start = request.GET.get("start", "")
    return Things(t for t in records if t.name.startswith(start)), {"start": start}


THING_PAGES = crud.RecordPages(
    edit=crud.EditPages(
        name="thing",
        form_class=ThingForm,
        template="things/thing_form.html",
        create=lambda by, **fields: _never(),
        update=lambda **fields: _never(),
        archive=lambda **fields: _never(),
        detail="things:thing",
        listing="things:things",
        saved="已保存：%(name)s。",
        archived="已归档：%(name)s。",
        refused="已归档，不能再修改。",
    ),
    readers=("reader", "keeper"),
    keepers=("keeper",),
    visible=lambda user: ALL_THINGS,
    rows=_starting_with,
    export=crud.Export(
        title="东西 %(start)s",
        headers=["名称"],
        row=lambda t: [t.name],
    ),
    detail=lambda request, pk: HttpResponse(pk),
    get=lambda request, pk: _thing(pk),
    page_size=2,
)


def _as(role: str, method: str = "get", path: str = "/", **data: Any) -> HttpRequest:
    request = _request(method, data)
    request.GET = RequestFactory().get(path, data).GET if method == "get" else request.GET
    request.user = SimpleNamespace(is_authenticated=True, role=role, is_read_only=role == "leader")
    return request


def _views() -> dict[str, Any]:
    return {pattern.name: pattern.callback for pattern in THING_PAGES.urls("things/")}


def test_a_declaration_gives_the_five_url_patterns_under_their_names() -> None:
    routes = [(str(p.pattern), p.name) for p in THING_PAGES.urls("things/")]
    assert routes == [
        ("things/", "things"),
        ("things/new/", "thing-create"),
        ("things/export.xlsx", "things-export"),
        ("things/<uuid:pk>/", "thing"),
        ("things/<uuid:pk>/edit/", "thing-edit"),
    ]


def test_the_list_shows_a_page_of_the_live_filtered_records(settings: Any) -> None:
    settings.TEMPLATES = LOCMEM
    body = _views()["things"](_as("reader")).content.decode()
    assert body == "甲;乙;|False|False"
    body = _views()["things"](_as("keeper", start="乙")).content.decode()
    assert body == "乙;|False|True"


def test_only_keepers_list_the_archived_records(settings: Any) -> None:
    settings.TEMPLATES = LOCMEM
    assert _views()["things"](_as("keeper", archived="1")).content.decode() == "旧;|True|True"
    assert _views()["things"](_as("reader", archived="1")).content.decode() == "甲;乙;|False|False"


def test_the_export_holds_every_record_the_list_finds() -> None:
    response = _views()["things-export"](_as("reader", start="丙"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "东西 丙"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["名称"], ["丙"]]
    assert "东西 丙.xlsx" in unquote(response["Content-Disposition"])  # the title by default
    response = _views()["things-export"](_as("reader"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4  # the header and all three live records, past the page size


@pytest.mark.parametrize("name", ["things", "things-export"])
def test_other_roles_may_neither_list_nor_export(name: str) -> None:
    with pytest.raises(PermissionDenied):
        _views()[name](_as("stranger"))


def test_lists_and_exports_are_read_by_get_only() -> None:
    assert _views()["things"](_as("reader", "post")).status_code == 405


def test_keepers_create_and_edit_and_readers_may_not(settings: Any) -> None:
    settings.TEMPLATES = LOCMEM
    assert _views()["thing-create"](_as("keeper")).content.decode() == "form "
    assert _views()["thing-edit"](_as("keeper"), pk="甲").content.decode() == "form 甲"
    with pytest.raises(PermissionDenied):
        _views()["thing-create"](_as("reader"))
    with pytest.raises(PermissionDenied):
        _views()["thing-edit"](_as("reader"), pk="甲")


def test_a_read_only_keeper_may_not_post() -> None:
    pages = crud.RecordPages(**{**THING_PAGES.__dict__, "keepers": ("leader",)})
    views = {pattern.name: pattern.callback for pattern in pages.urls("things/")}
    with pytest.raises(PermissionDenied):
        views["thing-create"](_as("leader", "post", name="甲"))


def test_an_export_needs_a_row() -> None:
    export = crud.Export(title="t", filename="t.xlsx", headers=["a"])
    with pytest.raises(TypeError):
        export.response(_as("reader"), Things([_thing("甲")]), {})


def test_exporters_may_be_fewer_than_readers_and_a_file_name_may_follow_a_filter() -> None:
    export = crud.Export(
        title="东西",
        filename=lambda context: (
            f"东西-{context['start']}.xlsx" if context["start"] else "东西.xlsx"
        ),
        headers=["名称"],
        row=lambda t: [t.name],
    )
    pages = crud.RecordPages(**{**THING_PAGES.__dict__, "exporters": ("keeper",), "export": export})
    views = {pattern.name: pattern.callback for pattern in pages.urls("things/")}
    with pytest.raises(PermissionDenied):
        views["things-export"](_as("reader"))
    response = views["things-export"](_as("keeper", start="乙"))
    assert "东西-乙.xlsx" in unquote(response["Content-Disposition"])


# --- ListPages: a list and its export, for records kept elsewhere -----------------------------


def _plain(counted: list[str]) -> crud.ListPages:
    def page_context(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
        counted.append(context["start"])
        return {"n": 3}

    return crud.ListPages(
        readers=("reader",),
        visible=lambda user: ALL_THINGS,
        template="things/plain_list.html",
        export=crud.Export(title="东西", headers=["名称"], row=lambda t: [t.name]),
        rows=_starting_with,
        page_size=2,
        page_context=page_context,
    )


def test_a_list_declaration_gives_the_list_and_its_export() -> None:
    patterns = _plain([]).urls("plain/", "plain-things")
    routes = [(str(p.pattern), p.name, p.callback.__name__) for p in patterns]
    assert routes == [
        ("plain/", "plain-things", "plain_things_list"),
        ("plain/export.xlsx", "plain-things-export", "plain_things_export"),
    ]


def test_the_page_alone_reads_what_only_the_page_shows(settings: Any) -> None:
    settings.TEMPLATES = LOCMEM
    counted: list[str] = []
    views = {p.name: p.callback for p in _plain(counted).urls("plain/", "plain")}
    # Not filtered by archived: the records are as visible() gives them.
    assert views["plain"](_as("reader", start="旧")).content.decode() == "旧;|旧|3"
    assert counted == ["旧"]
    response = views["plain-export"](_as("reader"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 5  # the header and all four records, past the page size
    assert counted == ["旧"]  # the export did not ask for the page's figures


@pytest.mark.parametrize("name", ["plain", "plain-export"])
def test_only_readers_list_and_export_by_get(name: str) -> None:
    views = {p.name: p.callback for p in _plain([]).urls("plain/", "plain")}
    with pytest.raises(PermissionDenied):
        views[name](_as("keeper"))
    assert views[name](_as("reader", "post")).status_code == 405
