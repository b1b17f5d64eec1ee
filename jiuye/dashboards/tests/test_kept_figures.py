"""The overview's and the plan dashboard's figures as kept (core.kept, ADR 0015): counted once,
read in one query while younger than JIUYE_FIGURES_MAX_AGE, then shown with their time while
one background task counts them again; "立即重新统计" counts them again on request."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import TOWN_A, TOWN_B, VILLAGE_A, register_person
from jiuye.actionplan import selectors as plan_selectors
from jiuye.core import kept as kept_module
from jiuye.core.models import KeptFigures
from jiuye.reference.selectors import district_and_towns

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("dashboards:overview")
DASHBOARD = reverse("actionplan:dashboard")


def _year(plan) -> int:  # noqa: ANN001
    return min(max(dt.date.today().year, plan.start_year), plan.end_year)


def _registered(response) -> int:  # noqa: ANN001
    for section in response.context["o"].sections:
        for line in section.lines:
            if line.indicator.code == "people.registered":
                return int(line.row.actual)
    raise AssertionError("people.registered")


def _dashboard_registered(response) -> int:  # noqa: ANN001
    rows = list(response.context.get("general_indicators") or [])
    for section in response.context["sections"]:
        rows += section["indicators"]
    return int(next(r.actual for r in rows if r.indicator.code == "people.registered"))


def _age(seconds: int) -> None:
    """Make every kept row ``seconds`` old."""
    KeptFigures.objects.update(made_at=kept_module.timezone.now() - dt.timedelta(seconds=seconds))


def test_the_overview_keeps_its_figures_then_counts_again_in_the_background(
    client_for, personas, plan, settings
) -> None:  # noqa: ANN001
    settings.JIUYE_FIGURES_MAX_AGE = 300
    year = _year(plan)
    leader = client_for("leader")
    first = leader.get(OVERVIEW, {"year": year})
    before = _registered(first)
    assert KeptFigures.objects.count() == 1
    assert first.context["o"].kept.fresh
    assert "数字统计于" in first.content.decode()

    register_person(401, "孙八", VILLAGE_A)
    # Younger than the maximum age: the kept figures, not a new count.
    assert _registered(leader.get(OVERVIEW, {"year": year})) == before

    # Older: served as kept, with a note, while the refresh runs (at once in tests).
    _age(301)
    stale = leader.get(OVERVIEW, {"year": year})
    assert _registered(stale) == before
    assert stale.context["o"].kept.refreshing
    assert "正在重新统计" in stale.content.decode()
    after = leader.get(OVERVIEW, {"year": year})
    assert _registered(after) == before + 1
    assert after.context["o"].kept.fresh


def test_only_one_refresh_is_queued_at_a_time(plan, settings) -> None:  # noqa: ANN001
    args = plan_selectors.values_args(_district(), _year(plan))
    kept_module.kept(plan_selectors.VALUES, args)
    row = KeptFigures.objects.get()
    KeptFigures.objects.update(refreshing_since=kept_module.timezone.now())
    assert kept_module.queue_refresh(plan_selectors.VALUES, args, pk=row.pk) is False
    # A refresh queued long ago and never written is taken to have died.
    KeptFigures.objects.update(
        refreshing_since=kept_module.timezone.now() - kept_module.REFRESH_TIMEOUT * 2
    )
    assert kept_module.queue_refresh(plan_selectors.VALUES, args, pk=row.pk) is True
    # The refresh ran (immediate tasks in tests) and cleared the mark.
    assert KeptFigures.objects.get().refreshing_since is None


def test_a_maximum_age_of_zero_counts_on_every_view(client_for, personas, plan, settings) -> None:  # noqa: ANN001
    settings.JIUYE_FIGURES_MAX_AGE = 0
    year = _year(plan)
    leader = client_for("leader")
    before = _registered(leader.get(OVERVIEW, {"year": year}))
    register_person(402, "周九", VILLAGE_A)
    assert _registered(leader.get(OVERVIEW, {"year": year})) == before + 1


def test_the_refresh_buttons_count_again_now(client_for, personas, plan, settings) -> None:  # noqa: ANN001
    settings.JIUYE_FIGURES_MAX_AGE = 300
    year = _year(plan)
    district = client_for("district")
    before = _registered(district.get(OVERVIEW, {"year": year}))
    district.get(DASHBOARD, {"year": year})
    register_person(403, "吴十", VILLAGE_A)

    response = district.post(reverse("dashboards:overview-refresh") + f"?year={year}", follow=True)
    assert response.redirect_chain[-1][0] == f"{OVERVIEW}?year={year}"
    assert "已开始重新统计" in response.content.decode()
    assert _registered(response) == before + 1

    page = district.get(DASHBOARD, {"year": year})
    assert _dashboard_registered(page) == before  # its own kept values, not yet counted again
    response = district.post(reverse("actionplan:dashboard-refresh") + f"?year={year}", follow=True)
    assert "已开始重新统计" in response.content.decode()
    assert _dashboard_registered(response) == before + 1
    # A GET is not a refresh.
    assert district.get(reverse("dashboards:overview-refresh")).status_code == 405


def test_a_town_officer_refreshes_only_their_own_town(client_for, personas, plan) -> None:  # noqa: ANN001
    town = client_for("town_a")
    year = _year(plan)
    town.get(OVERVIEW, {"year": year})
    assert town.post(reverse("dashboards:overview-refresh") + f"?town={TOWN_B}").status_code == 404


def _district():  # noqa: ANN202
    return district_and_towns()[0]


def test_the_map_keeps_its_figures_and_counts_again_on_request(
    client_for, personas, settings
) -> None:  # noqa: ANN001
    settings.JIUYE_FIGURES_MAX_AGE = 300
    year = dt.date.today().year
    leader = client_for("leader")
    query = {"indicator": "people.registered", "year": year}
    page = leader.get(reverse("dashboards:map"), query)
    before = {row.region.code: row.value for row in page.context["result"].rows}
    assert "数字统计于" in page.content.decode()
    register_person(404, "郑一", VILLAGE_A)
    again = leader.get(reverse("dashboards:map"), query)
    assert {row.region.code: row.value for row in again.context["result"].rows} == before
    response = leader.post(
        reverse("dashboards:map-refresh") + f"?indicator=people.registered&year={year}",
        follow=True,
    )
    after = {row.region.code: row.value for row in response.context["result"].rows}
    assert after[TOWN_A] == before[TOWN_A] + 1


def test_the_command_counts_every_district_page_now(personas, plan) -> None:  # noqa: ANN001
    out = StringIO()
    call_command("refresh_figures", stdout=out)
    # The overview of the district and of each town, the plan dashboard of each, the map, and
    # the home pages' figures of this year when it is not the plan dashboard's year.
    towns = len(district_and_towns()[1])
    years = {_year(plan), dt.date.today().year}
    assert KeptFigures.objects.count() == (1 + towns) * (1 + len(years)) + 1
    assert "已重新统计" in out.getvalue()


def test_the_command_counts_the_home_pages_figures_without_a_plan(personas, client_for) -> None:  # noqa: ANN001
    """Before a plan is loaded the home pages still show their main figures: the command counts
    them (and the map) so that the first sign-ins after a deployment do not count them."""
    out = StringIO()
    call_command("refresh_figures", stdout=out)
    assert "还没有导入行动方案" in out.getvalue()
    towns = len(district_and_towns()[1])
    assert KeptFigures.objects.count() == 1 + towns + 1
    made = set(KeptFigures.objects.values_list("made_at", flat=True))
    assert client_for("town_a").get("/").status_code == 200
    assert set(KeptFigures.objects.values_list("made_at", flat=True)) == made, "read, not counted"


@pytest.mark.parametrize(
    ("name", "code"), [("leader", "jobs.placements"), ("town_a", "casework.verified_rate")]
)
def test_a_home_page_reads_its_main_figures_as_kept(
    client_for, personas, plan, settings, name, code
) -> None:  # noqa: ANN001
    """The home page a leader, a district or a town officer lands on shows the plan dashboard's
    kept row of its region and this year: counted once, then read, with its time."""
    from jiuye.core.indicators import registry
    from jiuye.dashboards.selectors.home import FIGURES
    from jiuye.reference.models import Region

    settings.JIUYE_FIGURES_MAX_AGE = 300
    year = dt.date.today().year
    region = personas[name].town or _district()
    client = client_for(name)
    first = client.get("/")
    shown = {f.name: f.value for f in first.context["figures"]}
    # The same values as counted live on a fresh instance.
    live = Region.objects.get(pk=region.pk)
    indicators = [registry.get(c) for c in FIGURES[personas[name].role]]
    assert shown == {i.name: i.value(live, year) for i in indicators}
    assert "数字统计于" in first.content.decode()
    scope = kept_module.scope_of(plan_selectors.VALUES, plan_selectors.values_args(region, year))
    row = KeptFigures.objects.get(scope=scope)

    # The next view reads the row and counts nothing: a changed row shows as it is.
    row.data["values"][code] = "12345"
    row.save(update_fields=["data"])
    again = {f.name: f.value for f in client.get("/").context["figures"]}
    assert again[registry.get(code).name] == 12345

    # Older than the maximum age: shown as kept while it is counted again (at once in tests).
    _age(301)
    stale = client.get("/")
    assert {f.name: f.value for f in stale.context["figures"]}[registry.get(code).name] == 12345
    assert "正在重新统计" in stale.content.decode()
    assert {f.name: f.value for f in client.get("/").context["figures"]} == shown
