"""Checks on the pages the test client gets back, shared by the apps' view tests."""

from __future__ import annotations

from django.http import HttpResponse


def error_page(response: HttpResponse, *messages: str) -> str:
    """The HTML of a form sent back with its errors: 200, "错误：" first in the title, and each
    of ``messages`` on the page. Returned for the checks particular to the form."""
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "<title>错误：" in html
    missing = [message for message in messages if message not in html]
    assert not missing, f"not on the page: {missing}"
    return html


def html_of(response: HttpResponse) -> str:
    """The page the test client got, as text."""
    return response.content.decode()
