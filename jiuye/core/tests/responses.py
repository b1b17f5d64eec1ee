"""Checks on the pages the test client gets back, shared by the apps' view tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.http import HttpResponse
from django.test import Client

from jiuye.core.listing import SEARCH_MARK
from jiuye.core.masking import mask_id_number
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE


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


def searched(client: Client, url: str, **fields: str) -> tuple[str, str]:
    """Send a search form by POST, as its page does (``core.listing.numbers_kept_out_of_urls``):
    the address it redirects to and the HTML of the page there."""
    response = client.post(url, {SEARCH_MARK: "1", **fields})
    assert response.status_code == 302, response.status_code
    return response["Location"], html_of(client.get(response["Location"]))


def addresses_in(html: str) -> list[str]:
    """Every address a page links to, loads or sends a form to."""
    return re.findall(r'(?:href|action|src|formaction)="([^"]*)"', html)


def answer_about(html: str, number: str, *varying: str) -> str:
    """A page as an answer about one ID number: the number (full and masked) and what
    differs on every response (CSRF token, CSP nonce, one-time keys, ``varying``) taken out,
    so the answers about two numbers can be compared byte for byte."""
    text = html.replace(number, "<number>").replace(mask_id_number(number), "<masked>")
    for value in varying:
        text = text.replace(value, "<varying>")
    text = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", text)
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    return re.sub(r'(idempotency_key" value=")[^"]*', r"\1", text)


def searched_answers(
    client: Client, url: str, numbers: tuple[str, ...], **fields: str
) -> list[str]:
    """The pages a search by each of ``numbers`` (in field ``q``) lands on, as answers about
    that number (the one-time token of the landing address taken out)."""
    answers = []
    for number in numbers:
        location, html = searched(client, url, q=number, **fields)
        tokens = [v for values in parse_qs(urlsplit(location).query).values() for v in values]
        answers.append(answer_about(html, number, *tokens))
    return answers


def assert_one_answer(answers: list[str]) -> None:
    """The answers about a number registered in another town and about an unregistered one
    are the same, and say the one thing every lookup says (issue 14, security 4)."""
    first, second = answers
    assert first == second
    assert str(NOT_FOUND_IN_SCOPE) in first


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_in(html: str) -> list[list[list[str]]]:
    """Every table of a page as rows of cell texts (header rows included, whitespace folded)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables
