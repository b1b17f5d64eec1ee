"""Skills competitions: the services (validation messages, scope, duplicates, archiving) and the
pages (list and filters, detail with names only in scope, the form, entries, export), per role."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B, VILLAGE_B, make_id_number
from jiuye.core.conflicts import ConflictError
from jiuye.core.tests.forms import posted
from jiuye.core.tests.responses import assert_one_answer, html_of, searched, searched_answers
from jiuye.reference.models import Region
from jiuye.training.models import Competition, CompetitionEntry
from jiuye.training.services import competitions as services
from jiuye.training.tests import competition_fixtures as fx
from jiuye.training.tests.competition_fixtures import days_ago, make_competition, make_person

pytestmark = pytest.mark.django_db

competition_a = fx.competition_a


def _form(**override: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "2025年全区残疾人职业技能竞赛",
        "level": "district",
        "date": "2025-05-20",
        "region": TOWN_A,
        "place": "东城文化中心",
        "organiser": "区残联",
        "trades": "盲人按摩",
    }
    return posted(data, **override)


@pytest.fixture
def entries(competition_a, personas):  # noqa: ANN001, ANN201
    """张三 (东城) won a first prize in massage; 李四 (西城) took part in e-commerce."""
    mine = services.competition_entry_add(
        competition=competition_a,
        person=personas["jobseeker"].person,
        by=None,
        trade="盲人按摩",
        result="第1名",
        award="一等奖",
    )
    other = make_person(950, "李四", VILLAGE_B)
    theirs = services.competition_entry_add(
        competition=competition_a, person=other, by=None, trade="电子商务"
    )
    return mine, theirs


# --- services ---------------------------------------------------------------------------------


def test_creating_a_competition_names_each_missing_field(reference) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        services.competition_create(
            by=None,
            name=" ",
            level="world",
            date=None,
            place="",
            organiser="",
            region=None,
            trades="",
        )
    errors = info.value.message_dict
    assert errors["name"] == ["请填写赛事名称。"]
    assert errors["level"] == ["请选择竞赛级别。"]
    assert errors["date"] == ["请填写举办日期。"]
    assert errors["region"] == ["请选择所属地区。"]
    assert errors["organiser"] == ["请填写主办单位。"]


def test_a_town_officer_may_not_create_a_competition_for_another_town(personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="镇街的专干"):
        services.competition_create(
            by=personas["town_a"],
            name="西城竞赛",
            level="district",
            date=days_ago(1),
            place="",
            organiser="西城街道",
            region=Region.objects.get(code=TOWN_B),
            trades="",
        )


def test_a_stale_version_is_a_conflict_and_archiving_needs_a_reason(competition_a) -> None:  # noqa: ANN001
    services.competition_update(competition=competition_a, by=None, version=1, place="新地点")
    with pytest.raises(ConflictError):
        services.competition_update(competition=competition_a, by=None, version=1, place="旧")
    with pytest.raises(ValidationError) as info:
        services.competition_archive(competition=competition_a, by=None, reason="  ")
    assert "请填写归档原因" in info.value.message_dict["reason"][0]
    archived = services.competition_archive(competition=competition_a, by=None, reason="重复录入")
    assert archived.is_archived and Competition.objects.filter(pk=competition_a.pk).exists()
    with pytest.raises(ValidationError, match="已归档"):
        services.competition_update(competition=archived, by=None, version=None, place="x")


def test_the_same_person_in_the_same_trade_is_refused_but_another_trade_is_fine(
    competition_a, person_a
) -> None:  # noqa: ANN001
    services.competition_entry_add(
        competition=competition_a, person=person_a, by=None, trade="盲人按摩"
    )
    with pytest.raises(ValidationError) as info:
        services.competition_entry_add(
            competition=competition_a, person=person_a, by=None, trade=" 盲人按摩 "
        )
    assert "张三 已经报名了“盲人按摩”项目" in info.value.message_dict["trade"][0]
    services.competition_entry_add(
        competition=competition_a, person=person_a, by=None, trade="电子商务"
    )
    assert CompetitionEntry.objects.filter(person=person_a).count() == 2


def test_an_entry_needs_a_trade_and_a_person_in_scope(competition_a, personas, person_b) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        services.competition_entry_add(
            competition=competition_a, person=personas["jobseeker"].person, by=None, trade=""
        )
    assert "请填写参赛项目" in info.value.message_dict["trade"][0]
    with pytest.raises(ValidationError, match="不在您负责的范围内"):
        services.competition_entry_add(
            competition=competition_a, person=person_b, by=personas["town_a"], trade="盲人按摩"
        )


def test_an_entry_is_corrected_and_removed(entries, personas) -> None:  # noqa: ANN001
    mine, _theirs = entries
    updated = services.competition_entry_update(
        entry=mine, by=personas["town_a"], trade="盲人按摩", result="第2名", award="二等奖"
    )
    assert (updated.result, updated.award) == ("第2名", "二等奖")
    services.competition_entry_remove(entry=mine, by=personas["town_a"])
    assert not CompetitionEntry.objects.filter(pk=mine.pk).exists()


# --- pages ------------------------------------------------------------------------------------


def test_the_list_shows_figures_to_a_leader_without_the_create_button(
    client_for, competition_a, entries
) -> None:  # noqa: ANN001
    html = html_of(client_for("leader").get(reverse("training:competitions")))
    assert "东城残疾人职业技能竞赛" in html
    assert "<td>2</td>" in html and "<td>1</td>" in html  # entries, awards
    assert "新建竞赛" not in html


def test_the_list_filters_by_level_and_year_and_survives_bad_values(
    client_for, competition_a
) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("training:competitions")
    year = competition_a.date.year
    assert "东城残疾人职业技能竞赛" in html_of(client.get(f"{url}?level=district&year={year}"))
    assert "东城残疾人职业技能竞赛" not in html_of(client.get(f"{url}?level=city"))
    assert "东城残疾人职业技能竞赛" not in html_of(client.get(f"{url}?year=2001"))
    response = client.get(f"{url}?level=银河&year=明年&page=abc")
    assert response.status_code == 200
    assert "年度请填写四位数字" in html_of(response) and "无法识别的级别" in html_of(response)


def test_the_list_stays_within_its_query_budget(
    client_for, competition_a, entries, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    client = client_for("district")
    for n in range(5):
        make_competition(name=f"竞赛{n}")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("training:competitions")).status_code == 200
    with django_assert_max_num_queries(15):
        assert (
            client.get(reverse("training:competition", args=[competition_a.pk])).status_code == 200
        )


def test_a_town_officer_sees_only_their_towns_entrants_by_name(
    client_for, competition_a, entries
) -> None:  # noqa: ANN001
    html = html_of(
        client_for("town_a").get(reverse("training:competition", args=[competition_a.pk]))
    )
    assert "张三" in html and "一等奖" in html
    assert "李四" not in html
    assert "另有 1 人次不在您负责的范围内" in html
    district = html_of(
        client_for("district").get(reverse("training:competition", args=[competition_a.pk]))
    )
    assert "张三" in district and "李四" in district


@pytest.mark.parametrize("role", ["leader", "liaison"])
def test_leaders_and_liaisons_see_counts_but_no_names(
    client_for, competition_a, entries, role
) -> None:  # noqa: ANN001
    html = html_of(client_for(role).get(reverse("training:competition", args=[competition_a.pk])))
    assert "参赛人次" in html and "<dd>2</dd>" in html
    assert "张三" not in html and "李四" not in html
    assert "修改或归档竞赛" not in html


def test_a_district_officer_creates_a_competition(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(reverse("training:competition-create"), _form())
    competition = Competition.objects.get(name="2025年全区残疾人职业技能竞赛")
    assert response.status_code == 302
    assert response.url == reverse("training:competition", args=[competition.pk])


def test_invalid_input_shows_the_errors_and_keeps_what_was_typed(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("training:competition-create"), _form(date="2025-13-40", level="")
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "<title>错误：" in html
    assert "举办日期请按“年-月-日”填写" in html and "请选择竞赛级别。" in html
    assert "2025年全区残疾人职业技能竞赛" in html


def test_a_town_officer_may_not_pick_another_town(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("training:competition-create"), _form(region=TOWN_B)
    )
    assert response.status_code == 200 and "只能选择列出的地区" in html_of(response)
    assert not Competition.objects.exists()


def test_the_other_towns_officer_and_the_leader_may_not_edit(client_for, competition_a) -> None:  # noqa: ANN001
    url = reverse("training:competition-edit", args=[competition_a.pk])
    assert client_for("town_b").post(url, _form()).status_code == 403
    assert client_for("leader").post(url, _form()).status_code == 403
    assert client_for("liaison").get(url).status_code == 403


def test_editing_with_a_stale_version_shows_the_conflict(client_for, competition_a) -> None:  # noqa: ANN001
    url = reverse("training:competition-edit", args=[competition_a.pk])
    services.competition_update(competition=competition_a, by=None, version=1, place="变了")
    response = client_for("town_a").post(url, _form(version=1))
    assert response.status_code == 200 and "刚刚被其他人修改过" in html_of(response)


def test_archiving_needs_a_reason_and_keeps_the_competition(client_for, competition_a) -> None:  # noqa: ANN001
    url = reverse("training:competition-edit", args=[competition_a.pk])
    client = client_for("town_a")
    response = client.post(url, {"archive-reason": ""})
    assert response.status_code == 200 and "请填写归档原因" in html_of(response)
    response = client.post(url, {"archive-reason": "赛事取消"})
    assert response.status_code == 302
    competition_a.refresh_from_db()
    assert competition_a.archived_reason == "赛事取消"
    client.get(reverse("training:competitions"))  # shows the success message once
    assert "东城残疾人职业技能竞赛" not in html_of(client.get(reverse("training:competitions")))


def test_wrong_methods_are_refused(client_for, competition_a, entries) -> None:  # noqa: ANN001
    client = client_for("district")
    assert client.post(reverse("training:competitions")).status_code == 405
    assert client.post(reverse("training:competition", args=[competition_a.pk])).status_code == 405
    assert (
        client.delete(reverse("training:competition-edit", args=[competition_a.pk])).status_code
        == 405
    )
    assert (
        client.put(reverse("training:competition-entry", args=[entries[0].pk])).status_code == 405
    )


def test_the_person_search_finds_by_name_and_id_number_within_scope(
    client_for, competition_a, person_b
) -> None:  # noqa: ANN001
    url = reverse("training:competition", args=[competition_a.pk])
    client = client_for("town_a")
    assert "为 张三" in html_of(client.get(url + "?q=张"))
    assert "李四" not in html_of(client.get(url + "?q=李"))
    assert "为 张三" in searched(client, url, q=make_id_number(seq=101))[1]
    assert "没有找到" in searched(client, url, q=make_id_number(seq=202))[1]


def test_a_town_officer_adds_an_entry_and_a_duplicate_is_refused(
    client_for, competition_a, person_a
) -> None:  # noqa: ANN001
    url = reverse("training:competition-entry-add", args=[competition_a.pk, person_a.pk])
    client = client_for("town_a")
    assert client.get(url).status_code == 200
    data = {"trade": "盲人按摩", "result": "95分", "award": "一等奖"}
    response = client.post(url, data)
    assert response.status_code == 302
    entry = CompetitionEntry.objects.get(person=person_a)
    assert (entry.trade, entry.award) == ("盲人按摩", "一等奖")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "<title>错误：" in html_of(response) and "请勿重复添加" in html_of(response)
    response = client.post(url, {"trade": ""})
    assert "请填写参赛项目" in html_of(response)


def test_adding_a_person_outside_scope_is_a_404(client_for, competition_a, person_b) -> None:  # noqa: ANN001
    url = reverse("training:competition-entry-add", args=[competition_a.pk, person_b.pk])
    assert client_for("town_a").get(url).status_code == 404
    assert client_for("town_a").post(url, {"trade": "盲人按摩"}).status_code == 404
    assert not CompetitionEntry.objects.exists()
    assert client_for("leader").post(url, {"trade": "盲人按摩"}).status_code == 403


def test_an_entry_of_another_town_is_a_404_and_ones_own_is_edited_and_removed(
    client_for, competition_a, entries
) -> None:  # noqa: ANN001
    mine, theirs = entries
    client = client_for("town_a")
    assert client.get(reverse("training:competition-entry", args=[theirs.pk])).status_code == 404
    url = reverse("training:competition-entry", args=[mine.pk])
    response = client.post(url, {"trade": "盲人按摩", "result": "第3名", "award": "三等奖"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.award == "三等奖"
    assert "请填写参赛项目" in html_of(client.post(url, {"trade": ""}))
    assert client.post(url, {"action": "remove"}).status_code == 302
    assert not CompetitionEntry.objects.filter(pk=mine.pk).exists()


def test_the_export_has_the_figures_and_no_names(client_for, competition_a, entries) -> None:  # noqa: ANN001
    response = client_for("liaison").get(reverse("training:competitions-export") + "?year=abc")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "赛事名称"
    assert rows[1][0] == "东城残疾人职业技能竞赛" and rows[1][-2:] == (2, 1)
    text = str(rows)
    assert "张三" not in text and "李四" not in text
    assert client_for("employer").get(reverse("training:competitions-export")).status_code == 403


def test_an_entrant_search_by_a_number_registered_elsewhere_answers_as_for_an_unregistered_one(
    client_for, competition_a, person_b
) -> None:  # noqa: ANN001
    """Issue 14, security 4: the answer must not tell whether someone elsewhere is registered."""
    url = reverse("training:competition", args=[competition_a.pk])
    numbers = (person_b.id_number, make_id_number(seq=777))
    answers = searched_answers(client_for("town_a"), url, numbers)
    assert_one_answer(answers)
