"""The service-backed form pages (core.crud): one GET/POST cycle for every create, edit and
archive page."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

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
