"""The policy parameter pages: the list, a new dated row (a county override the computation
then uses), corrections, and the validation messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from jiuye.employers.forms import parse_tiers
from jiuye.reference.models import QuotaPolicy
from jiuye.reference.selectors import quota_policy

pytestmark = pytest.mark.django_db

COUNTY = "440199000000"  # 示范区
PROVINCE = "440000000000"
EMPLOYER_AT = "440199001000"


def _form(**over: str) -> dict[str, object]:
    data: dict[str, object] = {
        "region": COUNTY,
        "valid_from": "2024-01-01",
        "date_basis": "data",
        "ratio_percent": "2",
        "counting_basis": "annual",
        "double_count_grades": ["1", "2"],
        "minimum_wage": "2300",
        "social_average_wage": "106000",
        "wage_cap_multiple": "2",
        "reduction_tiers": "0.01:0.5;0:0.9",
        "small_enterprise_max_staff": "30",
        "window_opens": "03-01",
        "window_closes": "06-30",
        "source": "示范区文件（县区比例2%）",
    }
    data.update(over)
    return data


def test_the_list_shows_the_rows_by_region_with_ratio_as_percent(client_for) -> None:  # noqa: ANN001
    response = client_for("leader").get(reverse("employers:policies"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "广东省" in text and "1.5%" in text and "2倍" in text and "≤ 30 人" in text
    # The row for this year's declarations (last year's data, collected this year) is 现行:
    # the collection-year row 2023–2027 until 2027, then the one from 2028.
    year = timezone.localdate().year
    current = "2023-01-01" if year <= 2027 else "2028-01-01"
    assert text.count(">现行<") == 1
    assert f'{current} <span class="tag">现行</span>' in text
    # Each row says what its dates are of and until when it applies.
    assert "征收年度 2023-01-01 — 2027-12-31" in text and "财政部公告2023年第8号" in text
    assert "数据年度 2015-01-01 — 至今" in text
    # Reading only: no links to change a row.
    assert reverse("employers:policy-create") not in text


def test_a_county_override_row_is_what_the_computation_then_uses(client_for) -> None:  # noqa: ANN001
    assert quota_policy(EMPLOYER_AT, 2024).region_id == PROVINCE
    response = client_for("district").post(reverse("employers:policy-create"), _form())
    assert response.status_code == 302, response.context["form"].errors
    policy = quota_policy(EMPLOYER_AT, 2024)
    assert policy.region_id == COUNTY
    assert policy.ratio == Decimal("0.02000")
    assert policy.double_count_grades == [1, 2]
    assert policy.reduction_tiers == [
        {"min_ratio": "0.01", "share": "0.5"},
        {"min_ratio": "0", "share": "0.9"},
    ]
    # Years before it started still use the province's rows.
    assert quota_policy(EMPLOYER_AT, 2023).region_id == PROVINCE
    entry = LogEntry.objects.get_for_object(policy).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor.username == "district"
    listed = client_for("district").get(reverse("employers:policies")).content.decode()
    assert "示范区" in listed and "2%" in listed


def test_a_correction_changes_the_row_in_place_and_is_audited(client_for) -> None:  # noqa: ANN001
    policy = QuotaPolicy.objects.get(region_id=PROVINCE, valid_from=dt.date(2023, 1, 1))
    client = client_for("admin")
    url = reverse("employers:policy-edit", args=[policy.pk])
    form = client.get(url).context["form"]
    assert form.initial["ratio_percent"] == Decimal("1.5")
    assert form.initial["reduction_tiers"] == "0.01:0.5;0:0.9"
    assert form.initial["date_basis"] == "collection"
    assert form.initial["valid_until"] == dt.date(2027, 12, 31)
    data = _form(
        region=PROVINCE,
        valid_from="2023-01-01",
        valid_until="2027-12-31",
        date_basis="collection",
        document="财政部公告2023年第8号",
        social_average_wage="110000",
        ratio_percent="1.5",
    )
    assert client.post(url, data).status_code == 302
    policy.refresh_from_db()
    assert policy.social_average_wage == Decimal("110000")
    assert policy.ratio == Decimal("0.015")
    entry = LogEntry.objects.get_for_object(policy).latest("timestamp")
    assert entry.action == LogEntry.Action.UPDATE
    assert "social_average_wage" in entry.changes_dict
    assert QuotaPolicy.objects.filter(region_id=PROVINCE).count() >= 10  # nothing removed


def test_bad_tiers_text_gets_a_clear_message(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("employers:policy-create"), _form(reduction_tiers="1%:50%")
    )
    assert response.status_code == 200
    message = response.context["form"].errors["reduction_tiers"][0]
    assert message.startswith("“1%:50%”看不懂。每档写成“实际比例下限:应缴比例”")
    assert "0.01:0.5;0:0.9" in message
    assert "错误：" in response.content.decode()
    assert not QuotaPolicy.objects.filter(region_id=COUNTY).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ratio_percent", "12", "安排比例应大于0、不超过10（单位是%），如 1.5。"),
        ("ratio_percent", "0", "安排比例应大于0、不超过10（单位是%），如 1.5。"),
        ("minimum_wage", "0", "月最低工资标准应大于0。"),
        ("social_average_wage", "-5", "社会平均工资应大于0。"),
        ("window_opens", "13-01", "申报开始应写成“月-日”，如 03-01；当前为“13-01”。"),
        ("window_closes", "02-30", "申报截止应写成“月-日”，如 03-01；当前为“02-30”。"),
        ("window_closes", "02-01", "申报截止不能早于申报开始（同一年内）。"),
        ("wage_cap_multiple", "0.5", "封顶倍数应在1到10之间，如 2 或 3；不封顶请留空。"),
        ("valid_until", "2023-12-31", "失效日期不能早于生效日期。"),
        ("date_basis", "fiscal", "选择一个有效的选项。 fiscal 不在可用的选项中。"),
    ],
)
def test_bad_values_are_named(client_for, field: str, value: str, message: str) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("employers:policy-create"), _form(**{field: value})
    )
    assert response.context["form"].errors[field] == [message]


def test_a_second_row_for_the_same_region_and_date_is_refused(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("employers:policy-create"), _form(region=PROVINCE, valid_from="2023-01-01")
    )
    assert response.context["form"].errors["valid_from"] == [
        "广东省 已有 2023-01-01 生效的一行参数。请修改那一行，或换一个生效日期。"
    ]


def test_a_new_row_can_start_from_an_existing_one(client_for) -> None:  # noqa: ANN001
    base = QuotaPolicy.objects.get(region_id=PROVINCE, valid_from=dt.date(2023, 1, 1))
    form = client_for("district").get(reverse("employers:policy-create"), {"from": base.pk})
    initial = form.context["form"].initial
    assert initial["region"] == PROVINCE and initial["valid_from"] is None
    assert initial["minimum_wage"] == base.minimum_wage


def test_window_and_tiers_are_normalised() -> None:
    assert parse_tiers(" 0:0.9 ； 0.01：0.5 ") == [
        {"min_ratio": "0.01", "share": "0.5"},
        {"min_ratio": "0", "share": "0.9"},
    ]
    assert parse_tiers("") == []
    with pytest.raises(Exception, match="两档的实际比例下限相同"):
        parse_tiers("0:0.5;0:0.9")
    with pytest.raises(Exception, match="应缴比例应在0到1之间"):
        parse_tiers("0.01:1.5")
