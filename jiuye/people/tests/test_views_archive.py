"""Archiving a person: a confirmation page with a reason; nothing is deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiuye.people.models import Person


def archive(person) -> str:  # noqa: ANN001
    return reverse("people:archive", args=[person.pk])


def test_the_confirmation_page_asks_for_a_reason(client_for, person_a) -> None:  # noqa: ANN001
    body = client_for("town_a").get(archive(person_a)).content.decode()
    assert "归档张三的记录" in body
    assert 'name="reason"' in body
    assert person_a.masked_id_number in body


def test_archiving_without_a_reason_is_explained(client_for, person_a) -> None:  # noqa: ANN001
    body = client_for("town_a").post(archive(person_a), {"reason": " "}).content.decode()
    assert "<title>错误：" in body
    assert '<a href="#id_reason">归档原因：请填写归档原因。</a>' in body
    assert not Person.objects.get(pk=person_a.pk).is_archived


def test_archiving_keeps_the_record_and_takes_it_off_the_list(client_for, person_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    response = client.post(archive(person_a), {"reason": "已迁出本区"})
    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[person_a.pk])
    person = Person.objects.get(pk=person_a.pk)
    assert (person.archived_reason, person.archived_by.username) == ("已迁出本区", "town_a")
    page = client.get(response.url).content.decode()
    assert "这条记录已于" in page and "已迁出本区" in page
    assert reverse("people:edit", args=[person_a.pk]) not in page
    assert ">张三</a>" not in client.get(reverse("people:list"), {"name": "张三"}).content.decode()
    listed = client.get(reverse("people:list"), {"name": "张三", "include_archived": "on"})
    assert ">张三</a>" in listed.content.decode()
    # An archived record can no longer be edited or archived again.
    assert client.get(reverse("people:edit", args=[person_a.pk])).status_code == 302
    assert client.post(archive(person_a), {"reason": "再次"}).status_code == 302


def test_a_town_officer_cannot_archive_a_person_of_another_town(client_for, person_b) -> None:  # noqa: ANN001
    client = client_for("town_a")
    assert client.get(archive(person_b)).status_code == 404
    assert client.post(archive(person_b), {"reason": "x"}).status_code == 404
    assert not Person.objects.get(pk=person_b.pk).is_archived


@pytest.mark.parametrize("persona", ["leader", "liaison", "employer", "jobseeker"])
def test_roles_without_the_registry_cannot_archive(client_for, person_a, persona) -> None:  # noqa: ANN001
    assert client_for(persona).post(archive(person_a), {"reason": "x"}).status_code == 403
    assert not Person.objects.get(pk=person_a.pk).is_archived


def test_the_archive_page_answers_only_get_and_post(client_for, person_a) -> None:  # noqa: ANN001
    assert client_for("district").delete(archive(person_a)).status_code == 405
