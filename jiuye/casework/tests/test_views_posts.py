"""The public-welfare post pages: create and edit, the town officer's scope, placing a person
(an employment record of the public-welfare form), full posts and dates outside funding refused
with the service's messages, leaving a post, and archiving."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_id_number
from jiuye.casework.models import PostPlacement, PublicWelfarePost, ServiceRecord
from jiuye.core.tests.responses import answer_about, assert_one_answer, error_page
from jiuye.employment.models import EmploymentForm, EmploymentRecord

pytestmark = pytest.mark.django_db

TOWN_A, TOWN_B = "440199001000", "440199002000"


def _today() -> dt.date:
    return timezone.localdate()


def _post_form(**override: object) -> dict[str, object]:
    today = _today()
    data: dict[str, object] = {
        "unit": "东城街道社区服务中心",
        "region": TOWN_A,
        "title": "社区保洁",
        "count": "3",
        "funding_start": f"{today - dt.timedelta(days=30):%Y-%m-%d}",
        "funding_end": f"{today + dt.timedelta(days=335):%Y-%m-%d}",
        "monthly_subsidy": "1800",
        "funder": "残疾人就业保障金",
    }
    data.update(override)
    return data


def _place(client, post, **data: object):  # noqa: ANN001, ANN202
    fields = {"place-start_date": f"{_today() - dt.timedelta(days=5):%Y-%m-%d}", **data}
    return client.post(reverse("casework:post-place", args=[post.pk]), fields)


# --- create, edit, list ---------------------------------------------------------------------


def test_a_town_officer_registers_a_post_in_their_town(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").post(reverse("casework:post-create"), _post_form())
    post = PublicWelfarePost.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("casework:post-detail", args=[post.pk])
    assert (post.region_id, post.count, str(post.monthly_subsidy)) == (TOWN_A, 3, "1800.00")


def test_a_post_form_with_errors_says_what_to_fix(client_for) -> None:  # noqa: ANN001
    today = _today()
    response = client_for("town_a").post(
        reverse("casework:post-create"),
        _post_form(
            unit="",
            region=TOWN_B,
            count="0",
            funding_start=f"{today:%Y-%m-%d}",
            funding_end=f"{today - dt.timedelta(days=1):%Y-%m-%d}",
            monthly_subsidy="-5",
        ),
    )
    html = error_page(
        response,
        "请填写用工单位。",
        "只能选择您负责的镇街。",  # 西城 is not this officer's town
        "岗位数至少为 1。",
        "资助结束日期不能早于开始日期。",
        "月补贴不能是负数。",
    )
    assert 'value="社区保洁"' in html
    assert not PublicWelfarePost.objects.exists()


def test_editing_cannot_cut_the_count_below_those_on_the_post(client_for, post_a, person_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    assert _place(client, post_a, **{"place-id_number": person_a.id_number}).status_code == 302
    url = reverse("casework:post-edit", args=[post_a.pk])
    data = _post_form(count="0")
    assert "岗位数至少为 1。" in client.post(url, data).content.decode()
    assert client.post(url, _post_form(title="助残员", count="1")).status_code == 302
    post_a.refresh_from_db()
    assert (post_a.title, post_a.count) == ("助残员", 1)


def test_a_town_officer_sees_only_their_towns_posts(client_for, post_a, post_b) -> None:  # noqa: ANN001
    client = client_for("town_a")
    listed = list(client.get(reverse("casework:posts")).context["page"].object_list)
    assert listed == [post_a]
    for name in ("casework:post-detail", "casework:post-edit"):
        assert client.get(reverse(name, args=[post_b.pk])).status_code == 404
    for name in ("casework:post-place", "casework:post-archive"):
        assert client.post(reverse(name, args=[post_b.pk]), {}).status_code == 404


def test_the_list_shows_occupancy_and_funding(client_for, post_a, person_a) -> None:  # noqa: ANN001
    client = client_for("district")
    _place(client, post_a, **{"place-id_number": person_a.id_number})
    html = client.get(reverse("casework:posts")).content.decode()
    assert "1 / 2" in html
    assert f"{post_a.funding_start:%Y-%m-%d} 至 {post_a.funding_end:%Y-%m-%d}" in html


def test_leaders_and_others_have_no_post_pages(client_for, post_a) -> None:  # noqa: ANN001
    for persona in ("leader", "liaison", "employer", "jobseeker"):
        client = client_for(persona)
        assert client.get(reverse("casework:posts")).status_code == 403
        assert client.get(reverse("casework:post-detail", args=[post_a.pk])).status_code == 403


# --- placing and leaving --------------------------------------------------------------------


def test_placing_by_id_number_creates_a_public_welfare_employment_record(
    client_for, post_a, person_a
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    start = _today() - dt.timedelta(days=5)
    response = _place(
        client,
        post_a,
        **{"place-id_number": person_a.id_number.lower(), "place-monthly_wage": "2300"},
    )
    assert response.status_code == 302
    record = EmploymentRecord.objects.get(person=person_a)
    assert record.form == EmploymentForm.PUBLIC_WELFARE
    assert (record.start_date, record.employer_name, record.job_title) == (
        start,
        post_a.unit,
        post_a.title,
    )
    assert str(record.monthly_wage) == "2300.00"
    assert PostPlacement.objects.get().employment_record == record
    assert ServiceRecord.objects.filter(
        person=person_a, service_type_id="public_welfare_placement"
    ).exists()
    page = client.get(reverse("casework:post-detail", args=[post_a.pk]))
    assert [p.person for p, _form in page.context["current"]] == [person_a]
    assert "在岗 1 人" in page.content.decode()


def test_a_link_with_the_person_fills_the_form_and_places_them(
    client_for, post_a, person_a
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = reverse("casework:post-detail", args=[post_a.pk]) + f"?person={person_a.pk}"
    html = client.get(url).content.decode()
    assert "安置人员：<strong>张三</strong>" in html
    assert 'name="place-id_number"' not in html
    assert _place(client, post_a, **{"place-person": str(person_a.pk)}).status_code == 302
    assert PostPlacement.objects.filter(person=person_a).exists()


def test_submitting_the_same_place_form_twice_places_once(client_for, post_a, person_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    data = {"place-id_number": person_a.id_number, "place-idempotency_key": "k" * 32}
    assert _place(client, post_a, **data).status_code == 302
    assert _place(client, post_a, **data).status_code == 302
    assert PostPlacement.objects.count() == 1
    assert EmploymentRecord.objects.count() == 1


def test_a_person_outside_the_officers_town_is_refused(client_for, post_a, person_b) -> None:  # noqa: ANN001
    client = client_for("town_a")
    by_number = _place(client, post_a, **{"place-id_number": person_b.id_number})
    assert by_number.status_code == 200
    assert "在您负责的范围内没有找到这个身份证号的人员" in by_number.content.decode()
    by_link = _place(client, post_a, **{"place-person": str(person_b.pk)})
    assert "所选人员不在您负责的范围内" in by_link.content.decode()
    page = client.get(reverse("casework:post-detail", args=[post_a.pk]) + f"?person={person_b.pk}")
    assert "李四" not in page.content.decode()
    assert not EmploymentRecord.objects.exists()


def test_a_full_post_is_refused_with_the_services_message(
    client_for, personas, person_a, person_b
) -> None:  # noqa: ANN001
    from jiuye.casework.tests.conftest import _post_make

    post = _post_make(personas["district"], TOWN_A, count=1)
    client = client_for("district")
    assert _place(client, post, **{"place-id_number": person_a.id_number}).status_code == 302
    refused = _place(client, post, **{"place-id_number": person_b.id_number})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "这个岗位的 1 个名额已满，请先为离岗人员登记离岗。" in html
    assert "<title>错误：" in html
    assert not EmploymentRecord.objects.filter(person=person_b).exists()


def test_a_start_date_outside_funding_is_refused(client_for, post_a, person_a) -> None:  # noqa: ANN001
    early = post_a.funding_start - dt.timedelta(days=1)
    response = _place(
        client_for("town_a"),
        post_a,
        **{"place-id_number": person_a.id_number, "place-start_date": f"{early:%Y-%m-%d}"},
    )
    html = response.content.decode()
    assert "上岗日期应在岗位资助期内" in html
    assert 'href="#id_place-start_date"' in html  # the summary links to the date
    assert not EmploymentRecord.objects.exists()


def test_a_missing_id_number_is_asked_for(client_for, post_a) -> None:  # noqa: ANN001
    html = _place(client_for("town_a"), post_a).content.decode()
    assert "请填写要安置人员的身份证号。" in html


def test_leaving_ends_the_employment_record(client_for, post_a, person_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    _place(client, post_a, **{"place-id_number": person_a.id_number})
    placement = PostPlacement.objects.get()
    url = reverse("casework:post-leave", args=[placement.pk])
    prefix = f"leave-{placement.pk}"
    future = _today() + dt.timedelta(days=3)
    refused = client.post(url, {f"{prefix}-end_date": f"{future:%Y-%m-%d}"})
    html = refused.content.decode()
    assert "离岗日期不能晚于今天" in html and "请选择离岗原因。" in html
    yesterday = _today() - dt.timedelta(days=1)
    done = client.post(
        url, {f"{prefix}-end_date": f"{yesterday:%Y-%m-%d}", f"{prefix}-end_reason": "resigned"}
    )
    assert done.status_code == 302
    record = EmploymentRecord.objects.get()
    assert (record.end_date, record.end_reason) == (yesterday, "resigned")
    page = client.get(reverse("casework:post-detail", args=[post_a.pk]))
    assert page.context["current"] == [] and page.context["past"] == [placement]
    assert page.context["occupied"] == 0


def test_another_towns_officer_cannot_end_a_placement(client_for, post_a, person_a) -> None:  # noqa: ANN001
    _place(client_for("district"), post_a, **{"place-id_number": person_a.id_number})
    placement = PostPlacement.objects.get()
    response = client_for("town_b").post(reverse("casework:post-leave", args=[placement.pk]), {})
    assert response.status_code == 404
    assert EmploymentRecord.objects.get().end_date is None


def test_a_post_with_people_on_it_is_archived_only_after_they_leave(
    client_for, post_a, person_a
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    _place(client, post_a, **{"place-id_number": person_a.id_number})
    url = reverse("casework:post-archive", args=[post_a.pk])
    assert "请填写归档原因。" in client.post(url, {"archive-reason": ""}).content.decode()
    refused = client.post(url, {"archive-reason": "资助结束"}).content.decode()
    assert "岗位上还有 1 人在岗" in refused
    placement = PostPlacement.objects.get()
    client.post(
        reverse("casework:post-leave", args=[placement.pk]),
        {
            f"leave-{placement.pk}-end_date": f"{_today():%Y-%m-%d}",
            f"leave-{placement.pk}-end_reason": "contract_ended",
        },
    )
    assert client.post(url, {"archive-reason": "资助结束"}).status_code == 302
    post_a.refresh_from_db()
    assert post_a.is_archived
    refused_place = _place(client, post_a, **{"place-id_number": person_a.id_number})
    assert refused_place.status_code == 200
    assert PostPlacement.objects.count() == 1


def test_a_malformed_person_in_the_form_is_a_message_not_a_500(client_for, post_a) -> None:  # noqa: ANN001
    response = _place(client_for("town_a"), post_a, **{"place-person": "not-a-uuid"})
    assert response.status_code == 200
    assert "安置人员：链接中的人员编号无效，请用身份证号查找。" in response.content.decode()
    page = client_for("town_a").get(
        reverse("casework:post-detail", args=[post_a.pk]) + "?person=not-a-uuid"
    )
    assert page.status_code == 200
    assert "链接中的人员不在您负责的范围内" in page.content.decode()


def test_placing_by_a_number_registered_elsewhere_answers_as_for_an_unregistered_one(
    client_for, post_a, person_b
) -> None:  # noqa: ANN001
    """Issue 14, security 4: the answer must not tell whether someone elsewhere is registered."""
    client = client_for("town_a")
    answers = [
        answer_about(_place(client, post_a, **{"place-id_number": n}).content.decode(), n)
        for n in (person_b.id_number, make_id_number(seq=777))
    ]
    assert_one_answer(answers)
