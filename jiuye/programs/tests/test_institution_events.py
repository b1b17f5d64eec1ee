"""Service exchange and contest events of the employment service institutions (action 十): the
event, the institutions taking part with their staff and results, archiving with a reason, the
count of events held in a year on a hand-counted fixture, and the pages' scope and bad input."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from jiuye.core.indicators import registry
from jiuye.core.tests.responses import html_of
from jiuye.programs.models import EventParticipant, ServiceEvent
from jiuye.programs.services import institutions as services
from jiuye.programs.tests.test_institutions import make
from jiuye.reference.models import Department, Region

pytestmark = pytest.mark.django_db

TOWN_A, TOWN_B, DISTRICT = "440199001000", "440199002000", "440199000000"


def event(
    name: str = "东城服务经验交流会",
    day: dt.date = dt.date(2025, 5, 20),
    code: str = TOWN_A,
    **extra,  # noqa: ANN003
) -> ServiceEvent:
    fields = {"kind": "exchange", "organiser": Department.objects.get(code="rsj"), **extra}
    return services.event_create(
        by=None, date=day, name=name, region=Region.objects.get(code=code), **fields
    )


# --- service rules -------------------------------------------------------------------------


def test_an_event_needs_a_name_a_kind_a_date_an_organiser_and_a_region(reference) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.event_create(
            by=None, name=" ", kind="party", date=None, organiser=None, region=None
        )
    assert set(error.value.error_dict) == {"name", "kind", "date", "organiser", "region"}


def test_a_town_officer_may_not_hold_an_event_in_another_town(personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.event_create(
            by=personas["town_a"],
            date=dt.date(2025, 5, 20),
            kind="contest",
            name="西城业务竞赛",
            organiser=Department.objects.get(code="rsj"),
            region=Region.objects.get(code=TOWN_B),
        )
    assert "region" in error.value.error_dict


def test_an_institution_takes_part_once_with_its_staff_and_result(reference) -> None:  # noqa: ANN001
    contest = event(kind="contest")
    station = make()
    services.participant_add(
        event=contest, by=None, institution=station, staff="王芳、李强", result=" 一等奖 "
    )
    assert EventParticipant.objects.get().result == "一等奖"
    with pytest.raises(ValidationError) as error:
        services.participant_add(event=contest, by=None, institution=station)
    assert "已经在参加机构中" in str(error.value)


def test_a_town_officer_adds_only_their_own_towns_institutions(personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.participant_add(
            event=event(), by=personas["town_a"], institution=make("西城站", TOWN_B)
        )
    assert "institution" in error.value.error_dict


def test_an_archived_event_keeps_its_reason_and_takes_no_more_participants(reference) -> None:  # noqa: ANN001
    held = event()
    with pytest.raises(ValidationError):
        services.event_archive(event=held, by=None, reason=" ")
    archived = services.event_archive(event=held, by=None, reason="重复录入")
    assert (archived.is_archived, archived.archived_reason) == (True, "重复录入")
    with pytest.raises(ValidationError):
        services.participant_add(event=archived, by=None, institution=make())
    with pytest.raises(ValidationError):
        services.event_update(event=archived, by=None, version=None, name="改名")


# --- the indicator -------------------------------------------------------------------------


def test_the_indicator_counts_the_events_held_in_the_year_by_hand(reference) -> None:  # noqa: ANN001
    event("东城交流会", dt.date(2025, 3, 1))
    event("西城竞赛", dt.date(2025, 12, 31), TOWN_B, kind="contest")
    event("区观摩学习", dt.date(2025, 1, 1), DISTRICT, kind="visit")
    event("去年的交流会", dt.date(2024, 12, 31))
    services.event_archive(event=event("重复的交流会", dt.date(2025, 6, 1)), by=None, reason="重复")
    indicator = registry.get("programs.service_exchange_events")
    assert indicator.action == 10
    # 2025: 东城 1, 西城 1, the district's own 1 (the archived one does not count).
    assert indicator.value(Region.objects.get(code=DISTRICT), 2025) == 3
    assert indicator.value(Region.objects.get(code=TOWN_A), 2025) == 1
    assert indicator.value(Region.objects.get(code=TOWN_A), 2024) == 1
    assert indicator.value(Region.objects.get(code=TOWN_B), 2024) == 0


def test_the_task_table_links_action_ten_to_the_events() -> None:
    import csv
    from pathlib import Path

    path = Path("jiuye/actionplan/data/tasks_2022_2024.csv")
    codes = {row["indicator_code"] for row in csv.DictReader(path.open(encoding="utf-8"))}
    assert any("programs.service_exchange_events" in code for code in codes)


# --- pages ---------------------------------------------------------------------------------


def test_a_town_officer_registers_an_event_and_adds_a_participant(client_for, reference) -> None:  # noqa: ANN001
    client = client_for("town_a")
    response = client.post(
        reverse("programs:service-event-create"),
        {
            "date": "2025-05-20",
            "kind": "contest",
            "name": "东城业务竞赛",
            "organiser": Department.objects.get(code="rsj").pk,
            "region": TOWN_A,
            "place": "东城街道残疾人之家",
        },
    )
    held = ServiceEvent.objects.get()
    assert response.url == reverse("programs:service-event", args=[held.pk])
    station = make()
    url = reverse("programs:service-event", args=[held.pk])
    response = client.post(url, {"institution": station.pk, "result": "第一名"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "东城服务站" in page and "第一名" in page


def test_a_bad_event_is_shown_again_with_what_to_fix(client_for, reference) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("programs:service-event-create"), {"date": "2025-13-40", "kind": "party"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写活动名称。" in page and "请从列出的活动类别中选择。" in page
    assert not ServiceEvent.objects.exists()


def test_an_institution_not_offered_is_refused_beside_the_form(client_for, reference) -> None:  # noqa: ANN001
    held = event()
    other_town = make("西城站", TOWN_B)
    url = reverse("programs:service-event", args=[held.pk])
    response = client_for("town_a").post(url, {"institution": other_town.pk})
    assert response.status_code == 200
    assert "只能选择列出的服务机构。" in response.content.decode()
    assert not EventParticipant.objects.exists()


def test_a_leader_reads_an_event_but_may_not_add_to_it(client_for, reference) -> None:  # noqa: ANN001
    held = event()
    url = reverse("programs:service-event", args=[held.pk])
    client = client_for("leader")
    page = client.get(url).content.decode()
    assert "添加参加机构" not in page
    assert client.post(url, {"institution": make().pk}).status_code == 403
    assert not EventParticipant.objects.exists()


def test_another_towns_officer_gets_404_on_the_event_even_by_post(client_for, reference) -> None:  # noqa: ANN001
    held = event()
    url = reverse("programs:service-event", args=[held.pk])
    assert client_for("town_b").post(url, {"institution": make().pk}).status_code == 404


def test_the_list_and_the_export_refuse_a_post(client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    assert client.post(reverse("programs:service-events")).status_code == 405
    assert client.post(reverse("programs:service-events-export")).status_code == 405


def test_an_event_is_archived_with_a_reason_on_its_edit_page(client_for, reference) -> None:  # noqa: ANN001
    held = event()
    url = reverse("programs:service-event-edit", args=[held.pk])
    client = client_for("town_a")
    assert "请填写归档原因" in client.post(url, {"archive-reason": ""}).content.decode()
    response = client.post(url, {"archive-reason": "活动取消"})
    assert response.url == reverse("programs:service-events")
    held.refresh_from_db()
    assert (held.is_archived, held.archived_reason) == (True, "活动取消")


def test_the_list_shows_the_years_events_in_scope(client_for, reference) -> None:  # noqa: ANN001
    event("东城交流会")
    event("西城竞赛", code=TOWN_B)
    page = client_for("town_a").get(reverse("programs:service-events") + "?year=2025")
    text = page.content.decode()
    assert "东城交流会" in text and "西城竞赛" not in text
    bad = client_for("district").get(reverse("programs:service-events") + "?year=abc")
    assert bad.status_code == 200


def test_the_export_has_a_row_per_participant_and_keeps_to_the_towns_scope(
    client_for, reference
) -> None:  # noqa: ANN001
    held = event("东城交流会", summary="交流了就业服务台账做法")
    services.participant_add(event=held, by=None, institution=make("甲站"), result="优秀组织奖")
    services.participant_add(event=held, by=None, institution=make("乙站"), staff="王芳")
    event("西城竞赛", code=TOWN_B)
    event("空的交流会", dt.date(2025, 6, 1))
    response = client_for("town_a").get(reverse("programs:service-events-export") + "?year=2025")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    names = [row[2] for row in rows[1:]]
    assert names == ["空的交流会", "东城交流会", "东城交流会"]
    # Participants in the order of their names (乙 before 甲 in code point order).
    assert rows[2][6:] == ("交流了就业服务台账做法", "乙站", "王芳", None)
    assert rows[3][7:] == ("甲站", None, "优秀组织奖")


def test_the_demo_holds_events_with_participants_and_awards(reference) -> None:  # noqa: ANN001
    from jiuye.programs.demo.institutions import demo_events, demo_institutions

    demo_institutions(seed=1, today=dt.date(2025, 12, 1))
    assert demo_events(seed=1, today=dt.date(2025, 6, 1)) == 3  # this year's contest not yet
    assert EventParticipant.objects.filter(result="一等奖").count() == 1
    assert demo_events(seed=1) == 0


# --- removing a participant -----------------------------------------------------------------


def test_a_participant_added_by_mistake_is_removed_after_a_confirmation(
    client_for, personas
) -> None:  # noqa: ANN001
    held = event()
    station = make()
    participant = services.participant_add(event=held, by=None, institution=station)
    url = reverse("programs:service-event-participant-remove", args=[participant.pk])
    page = html_of(client_for("town_a").get(reverse("programs:service-event", args=[held.pk])))
    assert url in page
    confirm = html_of(client_for("town_a").get(url))
    assert "确定把 东城服务站 从活动“东城服务经验交流会”的参加机构中移出吗" in confirm
    assert EventParticipant.objects.exists()  # opening the confirmation changes nothing
    assert client_for("town_b").post(url).status_code == 404
    assert client_for("leader").post(url).status_code == 403
    response = client_for("town_a").post(url, follow=True)
    assert "已移出参加机构：东城服务站。" in html_of(response)
    assert not EventParticipant.objects.exists()
    deleted = LogEntry.objects.get(
        content_type__model="eventparticipant", action=LogEntry.Action.DELETE
    )
    assert deleted.actor == personas["town_a"]
    # The institution may take part again.
    services.participant_add(event=held, by=None, institution=station)


def test_a_participant_is_removed_only_by_a_keeper_of_its_institution_and_live_event(
    personas,
) -> None:  # noqa: ANN001
    district_event = event("区交流会", code=DISTRICT)
    west = services.participant_add(
        event=event("东城竞赛"), by=None, institution=make("西城站", TOWN_B)
    )
    with pytest.raises(ValidationError) as error:
        services.participant_remove(participant=west, by=personas["town_a"])
    assert "只能移出您负责的镇街的服务机构" in error.value.messages[0]
    there = services.participant_add(event=district_event, by=None, institution=make())
    with pytest.raises(ValidationError):
        services.participant_remove(participant=there, by=personas["town_a"])
    services.event_archive(event=district_event, by=None, reason="重复录入")
    with pytest.raises(ValidationError) as error:
        services.participant_remove(participant=there, by=None)
    assert "已归档" in error.value.messages[0]
    assert EventParticipant.objects.count() == 2
