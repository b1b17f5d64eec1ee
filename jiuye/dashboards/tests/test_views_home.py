"""The role home: what waits for each role, with links, and the menu's top level."""

from __future__ import annotations

import pytest

from jiuye.core.navigation import TOP_LEVEL_MAX, menu_for, top_level
from jiuye.employers.services import declarations
from jiuye.jobs.tests.posting_fixtures import make_posting


@pytest.mark.parametrize(
    "name", ["admin", "district", "liaison", "town_a", "leader", "employer", "jobseeker"]
)
def test_no_role_sees_more_than_eight_entries_at_the_top_of_the_menu(personas, name) -> None:  # noqa: ANN001
    user = personas[name]
    entries = top_level(user)
    assert len(entries) <= TOP_LEVEL_MAX == 8
    # Every page of the menu is still there, under its section.
    inside = [page for e in entries for page in ((e.item,) if e.item else e.children)]
    assert inside == menu_for(user)


def test_the_district_menu_opens_sections_as_buttons(client_for) -> None:  # noqa: ANN001
    body = client_for("district").get("/").content.decode()
    assert body.count("data-menu-group") >= 5
    assert 'aria-controls="menu-jobs"' in body and 'id="menu-jobs"' in body


def test_the_district_home_counts_what_waits_for_review(client_for, personas) -> None:  # noqa: ANN001
    employer = personas["employer"]
    posting = make_posting(employer.employer, status="draft")
    from jiuye.jobs.services.postings import posting_submit

    posting_submit(posting=posting, by=employer)
    response = client_for("district").get("/")
    waiting = {str(w.label): w for w in response.context["waiting"]}
    assert waiting["待审核的招聘岗位"].count == 1
    assert waiting["待审核的招聘岗位"].url == "/jobs/postings/review/"
    assert waiting["待审核的年审申报"].count == 0
    assert waiting["未读通知"].count == 1  # the posting's hand-over
    body = response.content.decode()
    assert "等您处理" in body and "常用功能" not in body


def test_the_employer_home_counts_its_returned_declaration(client_for, personas) -> None:  # noqa: ANN001
    employer = personas["employer"]
    declaration = declarations.declaration_start(employer=employer.employer, year=2023, by=employer)
    declarations.declaration_save(
        declaration=declaration, by=employer, staff_annual=100, wage_total=100 * 80000
    )
    declarations.declaration_submit(declaration=declaration, by=employer)
    declarations.declaration_return(
        declaration=declaration, by=personas["district"], reason="请补充"
    )
    waiting = {str(w.label): w.count for w in client_for("employer").get("/").context["waiting"]}
    assert waiting["被退回待修改的年审申报"] == 1
    assert waiting["未读通知"] == 1


def test_a_town_officer_sees_figures_of_their_town(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").get("/")
    names = [str(f.name) for f in response.context["figures"]]
    assert len(names) == 3
    waiting = [str(w.label) for w in response.context["waiting"]]
    assert "逾期未做的跟踪回访" in waiting and "待确认的培训报名申请" in waiting


@pytest.mark.parametrize(
    "name", ["admin", "district", "liaison", "town_a", "leader", "employer", "jobseeker"]
)
def test_the_role_home_stays_within_the_query_budget(plan, client_for, name) -> None:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(name)
    client.get("/")  # per-process caches (reference data) warm up
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert len(queries) <= 15, "\n".join(q["sql"][:150] for q in queries)
