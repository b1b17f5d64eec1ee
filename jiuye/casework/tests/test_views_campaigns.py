"""The campaign pages: create and edit with the per-town quota table, the live tally against a
hand count, the town officer's view, the leader's read-only view, the export and archiving."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuye.casework.models import Campaign, CampaignQuota
from jiuye.casework.services import campaign_save
from jiuye.core.tests.forms import posted
from jiuye.core.tests.responses import error_page

pytestmark = pytest.mark.django_db

TOWN_A, TOWN_B, TOWN_C = "440199001000", "440199002000", "440199003000"


def _form(**override: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "2025年就业援助月",
        "start_date": "2025-01-01",
        "end_date": "2025-02-28",
        "target_groups": ["hard_to_employ", "low_income"],
        "service_types": ["job_recommendation", "assistance_visit"],
        "description": "集中走访就业困难人员。",
        f"quota_{TOWN_A}": "30",
        f"quota_{TOWN_B}": "20",
    }
    return posted(data, **override)


def test_the_form_has_one_labelled_quota_input_per_town(client_for) -> None:  # noqa: ANN001
    response = client_for("district").get(reverse("casework:campaign-create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<label for="id_quota_{TOWN_A}">东城街道</label>' in html
    assert f'<label for="id_quota_{TOWN_B}">西城街道</label>' in html
    assert html.count('name="quota_4401990') == 10  # the ten towns of the demo district


def test_a_new_campaign_saves_its_types_groups_and_quota_table(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(reverse("casework:campaign-create"), _form())
    campaign = Campaign.objects.get(name="2025年就业援助月")
    assert response.status_code == 302
    assert response.url == reverse("casework:campaign-detail", args=[campaign.pk])
    assert campaign.target_groups == ["hard_to_employ", "low_income"]
    assert sorted(t.pk for t in campaign.service_types.all()) == [
        "assistance_visit",
        "job_recommendation",
    ]
    quotas = dict(CampaignQuota.objects.filter(campaign=campaign).values_list("town", "quota"))
    assert quotas == {TOWN_A: 30, TOWN_B: 20}


def test_a_form_with_errors_names_each_problem_and_keeps_what_was_typed(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("casework:campaign-create"),
        _form(
            name="",
            start_date="2025-03-01",
            end_date="2025-02-01",
            target_groups=[],
            **{f"quota_{TOWN_A}": "-3", f"quota_{TOWN_C}": "许多"},
        ),
    )
    html = error_page(
        response,
        "请填写活动名称。",
        "结束日期不能早于开始日期。",
        "请至少选择一类服务对象。",
        "东城街道的目标人数不能是负数。",
        "南岗镇的目标人数请填写整数",
    )
    # The summary links to the bad quota input, and the input says it is invalid.
    assert f'href="#id_quota_{TOWN_A}"' in html
    assert f'aria-describedby="id_quota_{TOWN_A}_error"' in html
    assert 'value="-3"' in html and 'value="许多"' in html
    assert not Campaign.objects.exists()


def test_editing_changes_the_quota_table_and_a_blank_town_loses_its_quota(
    client_for, campaign_world
) -> None:  # noqa: ANN001
    client = client_for("admin")
    url = reverse("casework:campaign-edit", args=[campaign_world.pk])
    form = client.get(url).content.decode()
    assert f'name="quota_{TOWN_A}" value="2"' in form
    data = _form(
        name="就业援助月（延长）",
        **{f"quota_{TOWN_A}": "5", f"quota_{TOWN_B}": "", f"quota_{TOWN_C}": "7"},
    )
    assert client.post(url, data).status_code == 302
    campaign_world.refresh_from_db()
    assert campaign_world.name == "就业援助月（延长）"
    quotas = dict(campaign_world.quotas.values_list("town", "quota"))
    assert quotas == {TOWN_A: 5, TOWN_C: 7}


def test_the_tally_matches_the_hand_count(client_for, campaign_world) -> None:  # noqa: ANN001
    response = client_for("district").get(
        reverse("casework:campaign-detail", args=[campaign_world.pk])
    )
    rows = {row.code: row for row in response.context["rows"]}
    assert (rows[TOWN_A].persons, rows[TOWN_A].services, rows[TOWN_A].quota) == (1, 2, 2)
    assert (rows[TOWN_B].persons, rows[TOWN_B].services, rows[TOWN_B].quota) == (1, 1, 1)
    assert (rows[TOWN_C].persons, rows[TOWN_C].quota) == (0, None)
    total = response.context["total"]
    assert (total.persons, total.services, total.quota) == (2, 3, 3)
    html = response.content.decode()
    assert 'aria-label="东城街道完成目标的 50.0%"' in html
    assert 'aria-label="西城街道完成目标的 100.0%"' in html
    assert "已服务 2 人、3 人次，目标 3 人，完成 66.7%。" in html
    link = reverse("casework:campaign-services", args=[campaign_world.pk, TOWN_A])
    assert f'href="{link}"' in html


def test_the_list_shows_served_against_quota(client_for, campaign_world) -> None:  # noqa: ANN001
    html = client_for("district").get(reverse("casework:campaigns")).content.decode()
    assert "就业援助月" in html
    assert "2 / 3 人" in html
    assert "就业困难人员" in html


def test_the_list_keeps_to_its_query_budget(
    client_for, campaign_world, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    client = client_for("district")
    for n in range(8):
        campaign_save(
            by=None,
            name=f"活动{n}",
            start_date=campaign_world.start_date,
            end_date=campaign_world.end_date,
            target_groups=["all"],
            quotas={TOWN_A: n + 1},
        )
    with django_assert_max_num_queries(15):
        response = client.get(reverse("casework:campaigns"))
    served = {row["campaign"].name: row["served"] for row in response.context["rows"]}
    assert len(served) == 9
    assert served["就业援助月"] == 2  # the hard-to-employ only
    assert served["活动0"] == 3  # everyone served in the period, the plain person too


def test_a_town_officer_sees_only_campaigns_with_a_quota_for_their_town(
    client_for, campaign_world, campaign_other
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    html = client.get(reverse("casework:campaigns")).content.decode()
    assert "就业援助月" in html and "西城专项服务" not in html
    assert "1 / 2 人" in html  # 东城's own figure, not the district's
    assert (
        client.get(reverse("casework:campaign-detail", args=[campaign_other.pk])).status_code == 404
    )
    assert (
        client.get(reverse("casework:campaign-export", args=[campaign_other.pk])).status_code == 404
    )


def test_a_town_officer_sees_only_their_own_row_and_list(client_for, campaign_world) -> None:  # noqa: ANN001
    client = client_for("town_a")
    response = client.get(reverse("casework:campaign-detail", args=[campaign_world.pk]))
    assert [row.code for row in response.context["rows"]] == [TOWN_A]
    own = reverse("casework:campaign-services", args=[campaign_world.pk, TOWN_A])
    other = reverse("casework:campaign-services", args=[campaign_world.pk, TOWN_B])
    page = client.get(own)
    assert page.status_code == 200
    assert [r.person.name for r in page.context["page"].object_list] == ["张三", "张三"]
    assert client.get(other).status_code == 404
    assert (
        client.get(reverse("casework:campaign-edit", args=[campaign_world.pk])).status_code == 403
    )


def test_the_service_list_masks_id_numbers_and_rejects_unknown_towns(
    client_for, campaign_world, person_a
) -> None:  # noqa: ANN001
    client = client_for("district")
    html = client.get(
        reverse("casework:campaign-services", args=[campaign_world.pk, TOWN_B])
    ).content.decode()
    assert "李四" in html and "张三" not in html
    assert person_a.id_number not in html
    bad = reverse("casework:campaign-services", args=[campaign_world.pk, "440199001001"])
    assert client.get(bad).status_code == 404  # a village, not a town


def test_a_leader_reads_the_tally_but_cannot_change_anything(client_for, campaign_world) -> None:  # noqa: ANN001
    client = client_for("leader")
    response = client.get(reverse("casework:campaign-detail", args=[campaign_world.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["total"].persons == 2
    assert "campaign-services" not in html and "/services/" not in html  # no personal data
    assert reverse("casework:campaign-edit", args=[campaign_world.pk]) not in html
    assert client.post(reverse("casework:campaign-create"), _form()).status_code == 403
    archive = reverse("casework:campaign-archive", args=[campaign_world.pk])
    assert client.post(archive, {"archive-reason": "x"}).status_code == 403
    services = reverse("casework:campaign-services", args=[campaign_world.pk, TOWN_A])
    assert client.get(services).status_code == 403
    campaign_world.refresh_from_db()
    assert not campaign_world.is_archived


def test_the_export_is_the_tally_as_xlsx(client_for, campaign_world) -> None:  # noqa: ANN001
    response = client_for("leader").get(
        reverse("casework:campaign-export", args=[campaign_world.pk])
    )
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ("镇街", "区划代码", "服务人数", "服务人次", "目标人数", "完成比例（%）")
    by_town = {row[1]: row for row in rows[3:-1]}
    assert by_town[TOWN_A] == ("东城街道", TOWN_A, 1, 2, 2, 50.0)
    assert by_town[TOWN_C][2:5] == (0, 0, None)
    assert rows[-1] == ("合计", None, 2, 3, 3, 66.7)


def test_archiving_needs_a_reason_and_takes_the_campaign_off_the_list(
    client_for, campaign_world
) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("casework:campaign-archive", args=[campaign_world.pk])
    refused = client.post(url, {"archive-reason": "  "})
    assert refused.status_code == 200
    assert "请填写归档原因。" in refused.content.decode()
    assert "<title>错误：" in refused.content.decode()
    assert client.post(url, {"archive-reason": "重复录入"}).status_code == 302
    campaign_world.refresh_from_db()
    assert campaign_world.archived_reason == "重复录入"
    listed = client.get(reverse("casework:campaigns")).context["rows"]
    assert listed == []
    archived = client.get(reverse("casework:campaigns") + "?archived=1").context["rows"]
    assert [row["campaign"] for row in archived] == [campaign_world]
    edit = client.get(reverse("casework:campaign-edit", args=[campaign_world.pk]))
    assert edit.status_code == 302


def test_the_archive_action_only_takes_post(client_for, campaign_world) -> None:  # noqa: ANN001
    url = reverse("casework:campaign-archive", args=[campaign_world.pk])
    assert client_for("district").get(url).status_code == 405


def test_a_malformed_id_is_a_404_not_a_500(client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("casework:campaign-detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404
