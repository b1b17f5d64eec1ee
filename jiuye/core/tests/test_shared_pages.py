"""The small shared parts of list pages, downloads and one-button actions (core.listing,
core.downloads, core.crud.act) and of services (core.conflicts.known_fields, archive)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import RequestFactory
from openpyxl import load_workbook

from jiuye.accounts.models import Role
from jiuye.core import conflicts, crud, listing
from jiuye.core.downloads import attachment, workbook
from jiuye.core.timeline import EntryKind, stamp


def _request(query: str = "", role: str = Role.DISTRICT, method: str = "get") -> HttpRequest:
    request = getattr(RequestFactory(), method)(f"/things/?{query}")
    request.user = SimpleNamespace(role=role)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", (None, "")), ("year=2025", (2025, "")), ("year=25", (None, "年度请填写四位数字"))],
)
def test_the_year_filter_takes_four_digits_or_says_why_not(query: str, expected: tuple) -> None:
    year, error = listing.year_asked(_request(query))
    assert year == expected[0]
    assert error.startswith(expected[1])


def test_archived_records_are_listed_only_for_the_roles_named() -> None:
    assert listing.archived_asked(_request("archived=1"), {Role.DISTRICT})
    assert not listing.archived_asked(_request("archived=1", Role.LEADER), {Role.DISTRICT})
    assert not listing.archived_asked(_request(), {Role.DISTRICT})


def test_a_page_past_the_end_is_the_last_page() -> None:
    page = listing.page_of(_request("page=9"), list(range(5)), 2)
    assert page.number == 3
    assert list(page) == [4]


def test_a_workbook_has_a_bold_frozen_header_dates_as_days_and_the_widths_asked() -> None:
    content = workbook("名单", ["名称", "日期"], [["甲", dt.date(2025, 3, 1)]], widths=(30,))
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "名单"
    assert [c.value for c in sheet[1]] == ["名称", "日期"]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["A"].width == 30


def test_a_download_keeps_its_chinese_file_name() -> None:
    response = attachment(b"x", "名单.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E5%90%8D%E5%8D%95.xlsx" in response["Content-Disposition"]


def test_an_action_says_what_was_done_or_why_not_and_goes_on() -> None:
    request = _request(method="post")
    response = crud.act(request, lambda: None, "已提交。", "/done/")
    assert response["Location"] == "/done/"

    def refuse() -> None:
        raise ValidationError("不能提交。")

    crud.act(request, refuse, "已提交。", "/done/")
    assert [str(m) for m in get_messages(request)] == ["已提交。", "不能提交。"]


def test_a_service_refuses_fields_it_does_not_know() -> None:
    conflicts.known_fields({"name": 1}, ("name",), "thing")
    with pytest.raises(TypeError, match="unknown thing fields: \\['colour'\\]"):
        conflicts.known_fields({"name": 1, "colour": 2}, ("name",), "thing")
    assert conflicts.stripped({"name": " 甲 ", "n": 1}) == {"name": "甲", "n": 1}


def test_archiving_without_a_reason_is_refused_before_anything_is_read() -> None:
    archiving = conflicts.Archiving(required="请填写归档原因。", already="已经归档。")
    with pytest.raises(ValidationError) as caught:
        archiving.archive(None, 1, by=None, reason="  ")  # type: ignore[arg-type]
    assert caught.value.message_dict == {"reason": ["请填写归档原因。"]}


def test_an_entry_kind_makes_its_entries_with_its_code_and_label() -> None:
    kind = EntryKind("training", "培训")
    entry = kind.entry(dt.date(2025, 1, 2), "报名", url="/e/")
    assert (entry.kind, entry.kind_label, entry.title, entry.url) == (
        "training",
        "培训",
        "报名",
        "/e/",
    )
    assert stamp(dt.datetime(2025, 1, 2, 3, 4, 5, 6)) == "20250102030405000006"


def test_narrowed_filters_by_the_lookups_given_only() -> None:
    class Rows:
        def __init__(self, applied: dict | None = None) -> None:
            self.applied = applied or {}

        def filter(self, **lookups: object) -> Rows:
            return Rows({**self.applied, **lookups})

    from jiuye.core.listing import narrowed

    rows = Rows()
    assert narrowed(rows, status="", town=None) is rows
    assert narrowed(rows, status="hired", town="").applied == {"status": "hired"}
