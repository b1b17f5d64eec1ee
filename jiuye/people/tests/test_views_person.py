"""A person's page and the logged reveal of a number; no full ID for roles that may not see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuye.core.models import AccessEvent
from jiuye.people.models import Consent
from jiuye.people.services import person_update
from jiuye.people.tests.conftest import category, certificate_for, grade


def detail(person) -> str:  # noqa: ANN001
    return reverse("people:detail", args=[person.pk])


def reveal(person) -> str:  # noqa: ANN001
    return reverse("people:reveal", args=[person.pk])


@pytest.fixture
def certified(person_a, personas):  # noqa: ANN001, ANN201
    """person_a with a certificate, a phone number and a consent."""
    person = person_update(
        person=person_a,
        by=personas["district"],
        version=1,
        certificate_number=certificate_for(person_a.id_number, 4, 2),
        category=category(4),
        grade=grade(2),
        phone="13812345678",
        hard_to_employ_date=dt.date(2023, 3, 1),
        assistive_needs=["wheelchair"],
    )
    Consent.objects.create(
        person=person,
        purpose=Consent.Purpose.SELF_REGISTRATION,
        policy_version="2024-01",
        given_at=timezone.now(),
    )
    return person


def test_the_person_page_shows_the_record_in_sections_with_masked_numbers(
    client_for, certified
) -> None:  # noqa: ANN001
    response = client_for("town_a").get(detail(certified))
    body = response.content.decode()
    assert response.status_code == 200
    for heading in ("身份信息", "残疾信息", "家庭与就业情况", "同意记录", "时间线"):
        assert f"<h2>{heading}</h2>" in body or f">{heading}</h2>" in body
    assert certified.masked_id_number in body
    assert certified.masked_certificate_number in body
    assert "138****5678" in body
    assert certified.id_number not in body
    assert "13812345678" not in body
    assert "肢体残疾" in body
    assert "轮椅无障碍通道" in body
    assert "本人注册并使用平台" in body
    assert "未就业（没有在期的就业记录）" in body
    assert "查看完整号码" in body
    assert reverse("people:edit", args=[certified.pk]) in body


def test_a_job_seeker_opens_only_their_own_page_and_read_only(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    client = client_for("jobseeker")  # bound to person_a
    body = client.get(detail(person_a)).content.decode()
    assert "张三" in body
    assert "查看完整号码" not in body
    assert reverse("people:edit", args=[person_a.pk]) not in body
    assert reverse("people:archive", args=[person_a.pk]) not in body
    assert client.get(detail(person_b)).status_code == 404
    assert client.get(reverse("people:edit", args=[person_a.pk])).status_code == 403


def test_a_town_officer_gets_404_for_a_person_of_another_town(client_for, person_b) -> None:  # noqa: ANN001
    client = client_for("town_a")
    assert client.get(detail(person_b)).status_code == 404
    response = client.post(reveal(person_b), {"field": "id_number", "reason": "核对"})
    assert response.status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.REVEAL).exists()


def test_an_unknown_person_is_a_404(client_for) -> None:  # noqa: ANN001
    url = reverse("people:detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client_for("district").get(url).status_code == 404


@pytest.mark.parametrize("persona", ["leader", "liaison", "employer"])
def test_roles_without_the_registry_get_403_on_the_person_page(
    client_for, person_a, persona
) -> None:  # noqa: ANN001
    assert client_for(persona).get(detail(person_a)).status_code == 403


def test_the_person_page_only_answers_get(client_for, person_a) -> None:  # noqa: ANN001
    assert client_for("district").post(detail(person_a)).status_code == 405


def test_the_person_page_keeps_to_its_query_budget(
    client_for, certified, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    client = client_for("district")
    with django_assert_max_num_queries(15):
        assert client.get(detail(certified)).status_code == 200


# -- reveal ---------------------------------------------------------------------------------


def test_a_reveal_shows_the_number_once_and_logs_who_why_and_what(
    client_for, certified, personas
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    response = client.post(reveal(certified), {"field": "certificate_number", "reason": "核对证件"})
    body = response.content.decode()
    assert response.status_code == 200
    assert certified.certificate_number in body
    assert "只显示这一次" in body
    event = AccessEvent.objects.get(action=AccessEvent.Action.REVEAL)
    assert (event.user, event.reason, event.detail) == (
        personas["town_a"],
        "核对证件",
        {"field": "certificate_number"},
    )
    # The next view of the page shows it masked again.
    assert certified.certificate_number not in client.get(detail(certified)).content.decode()


def test_a_reveal_without_a_reason_shows_an_error_and_reveals_nothing(client_for, person_a) -> None:  # noqa: ANN001
    response = client_for("district").post(reveal(person_a), {"field": "id_number", "reason": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>错误：" in body
    assert "请填写查看原因" in body
    assert 'href="#id_reason"' in body
    assert person_a.id_number not in body
    assert not AccessEvent.objects.exists()


def test_a_reveal_of_a_number_not_on_record_is_refused(client_for, person_a) -> None:  # noqa: ANN001
    response = client_for("district").post(reveal(person_a), {"field": "phone", "reason": "联系"})
    assert "error-summary" in response.content.decode()
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "liaison", "employer", "jobseeker"])
def test_roles_without_the_reveal_permission_get_403(client_for, person_a, persona) -> None:  # noqa: ANN001
    response = client_for(persona).post(reveal(person_a), {"field": "id_number", "reason": "看"})
    assert response.status_code == 403
    assert not AccessEvent.objects.exists()


def test_a_reveal_is_post_only(client_for, person_a) -> None:  # noqa: ANN001
    assert client_for("district").get(reveal(person_a)).status_code == 405


# -- no full ID number for roles that may not reveal ---------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "liaison", "employer", "jobseeker"])
def test_no_response_to_a_role_without_the_reveal_permission_holds_a_full_id_number(
    client_for, certified, persona
) -> None:  # noqa: ANN001
    client = client_for(persona)
    number = certified.id_number
    pages = [
        ("get", reverse("people:list"), {}),
        ("get", reverse("people:list"), {"name": "张三"}),
        ("get", reverse("people:list"), {"region": "440199000000", "year": 2023}),
        ("post", reverse("people:lookup"), {"lookup-number": number}),
        ("get", detail(certified), {}),
        ("get", reverse("people:edit", args=[certified.pk]), {}),
        ("get", reverse("people:archive", args=[certified.pk]), {}),
        ("get", reverse("people:create"), {}),
        ("post", reveal(certified), {"field": "id_number", "reason": "看"}),
        ("get", reverse("core:home"), {}),
    ]
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        body = response.content.decode()
        assert number not in body, f"{persona} {method} {url}"
        assert number not in response.get("Location", "")


def test_the_edit_page_shows_no_full_number_even_to_those_who_may_reveal(
    client_for, certified
) -> None:  # noqa: ANN001
    # Seeing a full number is a logged reveal; opening a form is not one.
    body = client_for("district").get(reverse("people:edit", args=[certified.pk])).content.decode()
    assert certified.id_number not in body
    assert "13812345678" not in body
    assert certified.masked_id_number in body
