"""The consultation mechanism (action 二): meetings, follow-up actions that stay in their
owner's worklist until done, the pages' access and bad input, the export and the indicators."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from jiuye.core.indicators import registry
from jiuye.programs.models import ConsultationMeeting, FollowUpAction
from jiuye.programs.models.consultation import FollowUpStatus
from jiuye.programs.selectors import consultation as selectors
from jiuye.programs.services import consultation as services
from jiuye.programs.tests import consultation_fixtures as fx
from jiuye.programs.tests.consultation_fixtures import dept, make_meeting
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db
meeting_a = fx.meeting_a


def add(meeting: ConsultationMeeting, **fields: object) -> FollowUpAction:
    values = {"description": "举办专场招聘会", "due_on": dt.date(2025, 6, 30), **fields}
    return services.action_add(meeting=meeting, by=None, **values)


# --- services ------------------------------------------------------------------------------


def test_a_meeting_keeps_its_participant_departments_and_employers(reference, employer_a) -> None:  # noqa: ANN001
    meeting = make_meeting(departments=[dept("rsj"), dept("gsl")], employers=[employer_a])
    assert set(meeting.departments.values_list("code", flat=True)) == {"rsj", "gsl"}
    assert list(meeting.employers.all()) == [employer_a]


def test_a_town_officer_may_not_hold_a_meeting_in_another_town(personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            by=personas["town_a"],
            title="西城会",
            held_on=dt.date(2025, 3, 1),
            convener=dept("rsj"),
            region=Region.objects.get(code="440199002000"),
            topics="议题",
        )
    assert "region" in error.value.error_dict


def test_changing_the_participants_bumps_the_version(meeting_a) -> None:  # noqa: ANN001
    changed = services.meeting_update(
        meeting=meeting_a, by=None, version=meeting_a.version, departments=[dept("mzj")]
    )
    assert changed.version == meeting_a.version + 1
    assert list(changed.departments.values_list("code", flat=True)) == ["mzj"]


def test_an_action_needs_an_owner(meeting_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        add(meeting_a)
    assert "owner_department" in error.value.error_dict


def test_an_action_stays_in_the_department_worklist_until_done(meeting_a, personas) -> None:  # noqa: ANN001
    liaison = personas["liaison"]  # 人社局
    action = add(meeting_a, owner_department=dept("rsj"))
    assert list(selectors.actions_owned_by(liaison)) == [action]
    assert list(selectors.actions_owned_by(personas["town_b"])) == []
    services.action_close(
        action=action, by=liaison, version=action.version, status="done", outcome="已举办"
    )
    assert list(selectors.actions_owned_by(liaison)) == []
    assert list(selectors.actions_owned_by(liaison, include_closed=True)) == [action]


def test_a_town_officer_owns_the_actions_of_their_town_as_a_responsible_unit(
    meeting_a, personas
) -> None:  # noqa: ANN001
    action = add(meeting_a, owner_department=dept("town-440199001000"))
    assert list(selectors.actions_owned_by(personas["town_a"])) == [action]


def test_an_action_named_to_a_user_is_in_that_users_worklist(meeting_a, personas) -> None:  # noqa: ANN001
    action = add(meeting_a, owner_user=personas["district"])
    assert list(selectors.actions_owned_by(personas["district"])) == [action]
    assert list(selectors.actions_owned_by(personas["admin"])) == []


def test_archiving_the_meeting_takes_its_actions_out_of_the_worklist(meeting_a, personas) -> None:  # noqa: ANN001
    add(meeting_a, owner_department=dept("rsj"))
    services.meeting_archive(meeting=meeting_a, by=None, reason="重复录入")
    assert list(selectors.actions_owned_by(personas["liaison"])) == []
    assert ConsultationMeeting.objects.filter(pk=meeting_a.pk).exists()


def test_an_owner_may_not_cancel_an_action_only_the_keeper_may(meeting_a, personas) -> None:  # noqa: ANN001
    action = add(meeting_a, owner_department=dept("rsj"))
    with pytest.raises(ValidationError):
        services.action_close(
            action=action, by=personas["liaison"], version=None, status="cancelled", outcome="x"
        )
    closed = services.action_close(
        action=action, by=personas["town_a"], version=None, status="cancelled", outcome="录错"
    )
    assert closed.status == FollowUpStatus.CANCELLED


def test_someone_else_may_not_close_an_action(meeting_a, personas) -> None:  # noqa: ANN001
    action = add(meeting_a, owner_department=dept("rsj"))
    with pytest.raises(ValidationError):
        services.action_close(
            action=action, by=personas["town_b"], version=None, status="done", outcome="x"
        )


def test_an_action_is_not_closed_before_its_meeting(meeting_a) -> None:  # noqa: ANN001
    action = add(meeting_a, owner_department=dept("rsj"))
    with pytest.raises(ValidationError) as error:
        services.action_close(
            action=action,
            by=None,
            version=None,
            status="done",
            outcome="x",
            closed_on=dt.date(2025, 1, 1),
        )
    assert "closed_on" in error.value.error_dict


# --- indicators ----------------------------------------------------------------------------


def test_the_indicators_count_meetings_and_actions_done_by_hand(reference) -> None:  # noqa: ANN001
    town_a = Region.objects.get(code="440199001000")
    district = Region.objects.get(code="440199000000")
    held = make_meeting(held_on=dt.date(2025, 3, 1))  # 东城, 2025: counts
    make_meeting(held_on=dt.date(2025, 9, 1), region=district)  # district, 2025: district only
    make_meeting(held_on=dt.date(2024, 9, 1))  # 2024: not in 2025
    archived = make_meeting(held_on=dt.date(2025, 4, 1))
    services.meeting_archive(meeting=archived, by=None, reason="录错")  # not counted
    done = add(held, owner_department=dept("rsj"))
    services.action_close(
        action=done,
        by=None,
        version=None,
        status="done",
        outcome="ok",
        closed_on=dt.date(2025, 5, 1),
    )
    cancelled = add(held, owner_department=dept("rsj"))
    services.action_close(
        action=cancelled,
        by=None,
        version=None,
        status="cancelled",
        outcome="录错",
        closed_on=dt.date(2025, 5, 1),
    )
    add(held, owner_department=dept("rsj"))  # open: not done
    meetings = registry.get("programs.consultation_meetings")
    done_count = registry.get("programs.consultation_actions_done")
    assert meetings.value(district, 2025) == 2  # 东城 + district (archived left out)
    assert meetings.value(town_a, 2025) == 1
    assert meetings.value(district, 2024) == 1
    assert done_count.value(district, 2025) == 1
    assert done_count.value(town_a, 2024) == 0


# --- pages ---------------------------------------------------------------------------------


def test_a_town_officer_records_a_meeting_of_their_town(client_for, employer_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("programs:consultation-meeting-create"),
        {
            "title": "东城协商会",
            "held_on": "2025-04-01",
            "convener": "rsj",
            "region": "440199001000",
            "departments": ["rsj", "cl"],
            "employer_codes": employer_a.uscc.lower(),
            "topics": "招聘",
        },
    )
    meeting = ConsultationMeeting.objects.get(title="东城协商会")
    assert response.status_code == 302
    assert response.url == reverse("programs:consultation-meeting", args=[meeting.pk])
    assert list(meeting.employers.all()) == [employer_a]


def test_an_unknown_employer_code_is_named_in_the_error(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("programs:consultation-meeting-create"),
        {
            "title": "会",
            "held_on": "2025-04-01",
            "convener": "rsj",
            "region": "440199000000",
            "employer_codes": "91440199MA5XXXXXXX",
            "topics": "招聘",
        },
    )
    assert response.status_code == 200
    assert "91440199MA5XXXXXXX" in response.content.decode()
    assert not ConsultationMeeting.objects.exists()


def test_adding_an_action_without_an_owner_shows_the_form_again(client_for, meeting_a) -> None:  # noqa: ANN001
    url = reverse("programs:consultation-action-add", args=[meeting_a.pk])
    response = client_for("town_a").post(url, {"description": "做事", "due_on": "2025-05-01"})
    assert response.status_code == 200
    assert "请选择责任部门，或指定一位责任人。" in response.content.decode()
    assert not FollowUpAction.objects.exists()


def test_the_owner_closes_an_action_from_the_worklist(client_for, meeting_a) -> None:  # noqa: ANN001
    action = add(meeting_a, owner_department=dept("rsj"))
    liaison = client_for("liaison")
    todo = liaison.get(reverse("programs:consultation-todo")).content.decode()
    assert "举办专场招聘会" in todo
    url = reverse("programs:consultation-action-close", args=[action.pk])
    response = liaison.post(url, {"status": "done", "outcome": "已举办", "version": action.version})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == FollowUpStatus.DONE
    assert (
        "没有待办的落实事项" in liaison.get(reverse("programs:consultation-todo")).content.decode()
    )


def test_closing_without_an_outcome_is_refused(client_for, meeting_a) -> None:  # noqa: ANN001
    action = add(meeting_a, owner_department=dept("rsj"))
    url = reverse("programs:consultation-action-close", args=[action.pk])
    response = client_for("liaison").post(url, {"status": "done", "outcome": ""})
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.is_open


def test_a_leader_may_not_post_a_close(client_for, meeting_a, personas) -> None:  # noqa: ANN001
    action = (
        add(meeting_a, owner_user=personas["leader"])
        if False
        else add(meeting_a, owner_department=dept("rsj"))
    )
    url = reverse("programs:consultation-action-close", args=[action.pk])
    assert client_for("leader").post(url, {"status": "done", "outcome": "x"}).status_code == 403


def test_an_unknown_meeting_is_a_404(client_for) -> None:  # noqa: ANN001
    url = reverse("programs:consultation-meeting", args=["00000000-0000-0000-0000-000000000000"])
    assert client_for("district").get(url).status_code == 404


def test_the_list_refuses_a_post(client_for) -> None:  # noqa: ANN001
    assert client_for("district").post(reverse("programs:consultation-meetings")).status_code == 405


def test_a_bad_year_filter_says_so_and_shows_every_meeting(client_for, meeting_a) -> None:  # noqa: ANN001
    response = client_for("leader").get(reverse("programs:consultation-meetings") + "?year=abc")
    assert response.status_code == 200
    assert "东城就业会商会" in response.content.decode()


def test_the_meeting_export_lists_each_meeting_with_its_open_actions(client_for, meeting_a) -> None:  # noqa: ANN001
    add(meeting_a, owner_department=dept("rsj"))
    response = client_for("leader").get(reverse("programs:consultation-meetings-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("召开日期", "会议名称")
    assert rows[1][1] == "东城就业会商会"
    assert rows[1][-2:] == (1, 1)


def test_the_worklist_export_has_the_users_open_actions(client_for, meeting_a) -> None:  # noqa: ANN001
    add(meeting_a, owner_department=dept("rsj"))
    add(meeting_a, owner_department=dept("mzj"), description="别人的事")
    response = client_for("liaison").get(reverse("programs:consultation-todo-export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["举办专场招聘会"]


# --- demo and plan -------------------------------------------------------------------------


def test_the_demo_fills_meetings_with_open_and_done_actions(reference) -> None:  # noqa: ANN001
    from jiuye.programs.demo.consultation import demo_consultation

    made = demo_consultation(seed=1, today=dt.date(2025, 12, 1))
    assert made == 4
    assert FollowUpAction.objects.filter(status=FollowUpStatus.DONE).count() == 3
    assert FollowUpAction.objects.filter(status=FollowUpStatus.OPEN).count() == 4
    assert demo_consultation(seed=1, today=dt.date(2025, 12, 1)) == 0


def test_the_task_table_links_the_consultation_task_to_its_indicator() -> None:
    import csv
    from pathlib import Path

    table = Path(__file__).parents[2] / "actionplan" / "data" / "tasks_2022_2024.csv"
    with table.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["indicator_code"].startswith("programs.")]
    mine = {(r["action"], r["position"]): r["indicator_code"] for r in rows}
    assert mine[("2", "3")] == "programs.consultation_meetings"
    assert registry.get("programs.consultation_meetings").action == 2
