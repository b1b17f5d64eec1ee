"""The users of the load test (issue 19), for ``locust`` (run by ``bench/bench_load.py``, which
builds the database and the accounts ``load-<kind>-<n>`` this file signs in with).

A realistic mix of 20 signed-in users: 7 town officers working their worklists (first and deeper
pages, both orders), opening persons and recording a service through the form (a real POST
with the CSRF token and the form's idempotency key); 4 district staff searching the registry
by name, reviewing declarations and coverage; 3 leaders on the overview, the plan dashboard,
the map and coverage; 3 employers on their declarations and postings; 3 job seekers browsing
jobs and "jobs for me". Every request is named by its page kind, so the report groups a kind's
URLs (``worklist deep`` is every page past the first). A redirect to the sign-in or
second-factor page counts as a failure, not a success.

With ``LOAD_TIMELINE`` set to a path, every request is also written there as a CSV line (the
time it ended, its page kind, its milliseconds), so ``bench_load`` can tell the requests made
while the users were signing in and while the import ran from the others.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import os
import random
import re
import time
from html.parser import HTMLParser
from typing import Any

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "Load-Test-Jiuye-2026")
PERSON_LINK = re.compile(r'href="/people/([0-9a-f-]{36})/"')
PAGE_LINK = re.compile(r"[?&]page=(\d+)")
DECLARATION_LINK = re.compile(r'href="/employers/declarations/([0-9a-f-]{36})/"')
POSTING_LINK = re.compile(r'href="/jobs/postings/([0-9a-f-]{36})/"')
TOWNS = ["440199001000", "440199002000", "440199003000", "440199004000", "440199005000"]


TIMELINE = os.environ.get("LOAD_TIMELINE")
_timeline = csv.writer(open(TIMELINE, "a", buffering=1, newline="")) if TIMELINE else None  # noqa: SIM115


@events.request.add_listener
def _request_ended(name: str, response_time: float, **_kw: Any) -> None:
    if _timeline is not None:
        _timeline.writerow((f"{time.time():.3f}", name, f"{response_time:.1f}"))


def recovery_code(username: str, n: int) -> str:
    """The recovery codes ``bench_load`` gives the accounts that need a second factor."""
    return hashlib.sha256(f"{username}:{n}".encode()).hexdigest()[:10]


class Forms(HTMLParser):
    """The fields of every form of a page: {field name: value} per form, with a select's
    selected (or first non-empty) option and a radio group's checked (or first) value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"__method__": a.get("method", "get").lower()})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a or (kind == "radio" and name not in form):
                    form[name] = a.get("value", "on")
            elif kind not in ("file", "submit", "button"):
                form[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            form.setdefault(name, "")
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a or (not form.get(self._select) and value):
                form[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            form[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][self._textarea] += data

    def with_field(self, name: str) -> dict[str, str]:
        for form in self.forms:
            if name in form:
                return {k: v for k, v in form.items() if k != "__method__"}
        raise LookupError(name)


def form_fields(html: str, field: str) -> dict[str, str]:
    parser = Forms()
    parser.feed(html)
    return parser.with_field(field)


class Signed(HttpUser):
    """A user signed in as one of the load test's accounts of ``kind``."""

    abstract = True
    kind = ""
    wait_time = between(2, 6)  # a person reading the page before the next click
    _numbers: dict[str, Any] = {}

    def on_start(self) -> None:
        counter = Signed._numbers.setdefault(self.kind, itertools.count(1))
        self.number = next(counter)
        self.username = f"load-{self.kind}-{self.number}"
        self.login()

    def login(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        fields = form_fields(page.text, "username")
        fields.update(username=self.username, password=PASSWORD)
        response = self.client.post("/accounts/login/", data=fields, name="login POST")
        if "/accounts/2fa/verify/" in response.url:
            fields = form_fields(response.text, "token")
            fields["token"] = recovery_code(self.username, self.number + random.randrange(30))
            response = self.client.post("/accounts/2fa/verify/", data=fields, name="login 2FA")
        if "/accounts/" in response.url:
            raise RuntimeError(f"{self.username} could not sign in: {response.url}")

    def page(self, path: str, kind: str, **params: Any) -> Any:
        """GET a page, reported as ``kind``; a redirect to sign-in, or anything but 200, is a
        failure."""
        with self.client.get(path, params=params or None, name=kind, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
            elif "/accounts/login/" in r.url or "/accounts/2fa/" in r.url:
                r.failure("sent to sign in")
            return r


class TownOfficer(Signed):
    kind = "town"
    fixed_count = 7

    def on_start(self) -> None:
        super().on_start()
        self.persons: list[str] = []
        self.last_page = 1

    def _remember(self, html: str) -> None:
        found = PERSON_LINK.findall(html)
        if found:
            self.persons = found
        pages = [int(p) for p in PAGE_LINK.findall(html)]
        if pages:
            self.last_page = max(self.last_page, *pages)

    @task(4)
    def worklist_first(self) -> None:
        order = random.choice(["village", "todo"])
        r = self.page("/casework/worklist/", "worklist first page", order=order)
        self._remember(r.text)

    @task(2)
    def worklist_deep(self) -> None:
        page = random.randint(2, max(2, self.last_page))
        order = random.choice(["village", "todo"])
        r = self.page("/casework/worklist/", "worklist deep page", order=order, page=page)
        self._remember(r.text)

    @task(3)
    def person(self) -> None:
        if self.persons:
            self.page(f"/people/{random.choice(self.persons)}/", "person page")

    @task(2)
    def record_service(self) -> None:
        if not self.persons:
            return
        pk = random.choice(self.persons)
        path = f"/casework/persons/{pk}/services/new/"
        form = self.page(path, "service form")
        try:
            fields = form_fields(form.text, "service_type")
        except LookupError:
            return  # the page failed (already counted) or the person is archived
        fields["notes"] = "压测：电话回访，了解就业意愿。"
        fields.pop("follow_up_date", None)
        with self.client.post(
            path, data=fields, name="service POST", allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 302:
                r.failure(f"status {r.status_code} (the form came back: not saved)")

    @task(1)
    def coverage(self) -> None:
        self.page("/casework/coverage/", "coverage")

    @task(1)
    def home(self) -> None:
        # Where every sign-in lands: what waits for the town, and the town's main figures.
        self.page("/", "home, town officer")


class DistrictStaff(Signed):
    kind = "district"
    fixed_count = 4

    @task(3)
    def search_by_name(self) -> None:
        # Generated persons are named 测试<i>: a prefix matches a few, like a real surname.
        r = self.page("/people/", "people search by name", name=f"测试{random.randint(1, 9999)}")
        self.persons = PERSON_LINK.findall(r.text)

    @task(2)
    def search_by_town(self) -> None:
        self.page("/people/", "people search by town", town=random.choice(TOWNS))

    @task(2)
    def person(self) -> None:
        if getattr(self, "persons", None):
            self.page(f"/people/{random.choice(self.persons)}/", "person page")

    @task(2)
    def coverage(self) -> None:
        self.page("/casework/coverage/", "coverage")

    @task(2)
    def declarations(self) -> None:
        r = self.page("/employers/review/", "declaration review queue")
        found = DECLARATION_LINK.findall(r.text)
        if found:
            self.page(f"/employers/declarations/{random.choice(found)}/", "declaration page")

    @task(1)
    def employers(self) -> None:
        self.page("/employers/", "employer list", q=f"单位{random.randint(1, 999)}")

    @task(1)
    def home(self) -> None:
        self.page("/", "home, district officer")


class Leader(Signed):
    kind = "leader"
    fixed_count = 3

    @task(3)
    def overview(self) -> None:
        self.page("/dashboards/", "overview")

    @task(2)
    def plan(self) -> None:
        self.page("/plan/", "plan dashboard")

    @task(1)
    def town_map(self) -> None:
        self.page("/dashboards/map/", "map")

    @task(1)
    def coverage(self) -> None:
        self.page("/casework/coverage/", "coverage")

    @task(1)
    def home(self) -> None:
        self.page("/", "home, leader")


class Employer(Signed):
    kind = "employer"
    fixed_count = 3

    @task(3)
    def declarations(self) -> None:
        r = self.page("/employers/declarations/", "employer declarations")
        found = DECLARATION_LINK.findall(r.text)
        if found:
            pk = random.choice(found)
            self.page(f"/employers/declarations/{pk}/", "declaration page")

    @task(1)
    def postings(self) -> None:
        self.page("/jobs/postings/", "postings list")

    @task(1)
    def home(self) -> None:
        self.page("/", "home")


class JobSeeker(Signed):
    kind = "jobseeker"
    fixed_count = 3

    @task(3)
    def browse(self) -> None:
        r = self.page("/jobs/postings/", "postings list")
        found = POSTING_LINK.findall(r.text)
        if found:
            self.page(f"/jobs/postings/{random.choice(found)}/", "posting page")

    @task(2)
    def for_me(self) -> None:
        # Person n of the generated registry is load-jobseeker-n (bench_load binds them).
        pk = hashlib.md5(str(self.number).encode()).hexdigest()  # noqa: S324
        uid = f"{pk[:8]}-{pk[8:12]}-{pk[12:16]}-{pk[16:20]}-{pk[20:]}"
        self.page(f"/jobs/persons/{uid}/postings/", "jobs for me")

    @task(1)
    def home(self) -> None:
        self.page("/", "home")
