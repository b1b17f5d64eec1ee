"""The follow-up worklist and the follow-up form: due and overdue first, filters, scope by
town, a "left" follow-up ending the employment record, bad input and query budgets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiuye.core.tests.responses import html_of
from jiuye.employment.models import EmploymentRecord
from jiuye.jobs.models import FollowUp
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.jobs.tests.referral_fixtures import days_ago, hire, make_person, months_ago, refer, today

pytestmark = pytest.mark.django_db

posting_a = fx.posting_a


def _placed(person, posting, start):  # noqa: ANN001, ANN202
    referral = refer(person, posting, on=start)
    hire(referral, start)
    return FollowUp.objects.filter(referral=referral)


@pytest.fixture
def placed(personas, posting_a):  # noqa: ANN001, ANN201
    """张三 (东城) started 4 months ago: months 1 and 3 overdue; 李四 (西城) started 10 days ago."""
    mine = _placed(personas["jobseeker"].person, posting_a, months_ago(4))
    theirs = _placed(make_person(900, "李四", "440199002001"), posting_a, days_ago(10))
    return mine, theirs


def test_the_worklist_lists_overdue_first_with_the_days_overdue(client_for, placed) -> None:  # noqa: ANN001
    mine, _theirs = placed
    html = html_of(client_for("district").get(reverse("jobs:follow-ups")))
    one = mine.get(months=1)
    overdue = (today() - one.due_on).days
    assert f"已逾期 {overdue} 天" in html
    assert html.index("张三") < html.index("李四")  # 李四's first is due in about 3 weeks
    assert "东城示范企业 · 网络客服" in html


def test_the_worklist_of_a_town_officer_holds_only_their_town(client_for, placed) -> None:  # noqa: ANN001
    html = html_of(client_for("town_a").get(reverse("jobs:follow-ups")))
    assert "张三" in html and "李四" not in html
    html = html_of(client_for("town_b").get(reverse("jobs:follow-ups")))
    assert "李四" in html and "张三" not in html


def test_the_worklist_filters_by_round_and_state(client_for, placed) -> None:  # noqa: ANN001
    client = client_for("district")
    html = html_of(client.get(reverse("jobs:follow-ups") + "?months=3"))
    assert "张三" in html and "李四" not in html
    html = html_of(client.get(reverse("jobs:follow-ups") + "?state=done"))
    assert "还没有已登记的回访" in html
    html = html_of(client.get(reverse("jobs:follow-ups") + "?state=open&months=12"))
    assert "张三" in html and "李四" in html
    response = client.get(reverse("jobs:follow-ups") + "?months=5&state=x&page=-1")
    assert response.status_code == 200
    assert "回访轮次只能是 1、3、6 或 12 个月" in html_of(response)


def test_a_follow_up_saying_left_ends_the_record_and_hides_later_ones(client_for, placed) -> None:  # noqa: ANN001
    mine, _theirs = placed
    three = mine.get(months=3)
    response = client_for("town_a").post(
        reverse("jobs:follow-up", args=[three.pk]),
        {
            "done_on": today(),
            "outcome": "left",
            "left_on": days_ago(3),
            "left_reason": "resigned",
            "notes": "本人辞职",
        },
    )
    assert response.status_code == 302
    record = EmploymentRecord.objects.get(person__name="张三")
    assert (record.end_date, record.end_reason) == (days_ago(3), "resigned")
    html = html_of(client_for("town_a").get(reverse("jobs:follow-ups") + "?state=open"))
    assert "张三" in html  # month 1 still to record
    six = mine.get(months=6)
    page = html_of(client_for("town_a").get(reverse("jobs:follow-up", args=[six.pk])))
    assert "无需回访（已离职）" in page
    assert "保存回访" not in page


def test_a_bad_follow_up_names_the_problems(client_for, placed) -> None:  # noqa: ANN001
    one = placed[0].get(months=1)
    url = reverse("jobs:follow-up", args=[one.pk])
    response = client_for("district").post(url, {"done_on": "昨天", "outcome": "left"})
    html = html_of(response)
    assert "<title>错误：" in html
    assert "回访日期请按“年-月-日”填写" in html
    assert "请填写离职日期" in html and "请选择离职原因" in html
    response = client_for("district").post(
        url, {"done_on": today(), "outcome": "left", "left_on": "2000-01-01", "left_reason": "x"}
    )
    assert "离职日期不能早于入职日期" in html_of(response)
    assert "请从列表中选择离职原因" in html_of(response)
    assert EmploymentRecord.objects.get(person__name="张三").end_date is None


def test_a_recorded_follow_up_is_shown_not_recorded_twice(client_for, placed) -> None:  # noqa: ANN001
    one = placed[0].get(months=1)
    url = reverse("jobs:follow-up", args=[one.pk])
    client = client_for("district")
    client.post(url, {"done_on": today(), "outcome": "employed", "notes": "适应良好"})
    one.refresh_from_db()
    assert one.outcome == "employed"
    again = client.post(url, {"done_on": today(), "outcome": "left"}, follow=True)
    assert "已经登记" in html_of(again)
    assert "适应良好" in html_of(client.get(url))


def test_follow_up_pages_scope_roles_and_methods(client_for, placed) -> None:  # noqa: ANN001
    one = placed[0].get(months=1)
    url = reverse("jobs:follow-up", args=[one.pk])
    assert client_for("town_b").get(url).status_code == 404
    assert client_for("leader").get(url).status_code == 403
    assert client_for("employer").get(reverse("jobs:follow-ups")).status_code == 403
    assert client_for("jobseeker").get(reverse("jobs:follow-ups")).status_code == 403
    assert client_for("district").delete(url).status_code == 405
    assert client_for("district").post(reverse("jobs:follow-ups")).status_code == 405


def test_the_worklist_keeps_its_query_budget(
    client_for, placed, posting_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for seq in range(910, 925):
        _placed(make_person(seq, f"丁{seq}"), posting_a, months_ago(2))
    client = client_for("district")
    one = placed[0].get(months=1)
    for url in (reverse("jobs:follow-ups"), reverse("jobs:follow-up", args=[one.pk])):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_a_follow_up_before_its_window_asks_for_a_confirmation(client_for, placed) -> None:  # noqa: ANN001
    """Issue 14: a 1-month follow-up recorded on the hire day was accepted without a word."""
    _mine, theirs = placed  # started 10 days ago: the 1-month follow-up is due in ~3 weeks
    one = theirs.get(months=1)
    client = client_for("district")
    url = reverse("jobs:follow-up", args=[one.pk])
    values = {"done_on": today().isoformat(), "outcome": "employed", "notes": "电话回访"}
    asked = client.post(url, values)
    assert asked.status_code == 200
    html = html_of(asked)
    assert "还太早" in html and "我确认：回访确实已在这一天做过" in html
    one.refresh_from_db()
    assert one.done_on is None
    confirmed = client.post(url, {**values, "confirm_early": "on"})
    assert confirmed.status_code == 302
    one.refresh_from_db()
    assert one.done_on == today()
