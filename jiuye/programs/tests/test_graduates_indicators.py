"""Action 七's indicators on a hand-counted fixture, and the graduate exchange rows on the
person page's timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import TOWN_B, register_person
from jiuye.core.indicators import registry
from jiuye.core.timeline import entries_for
from jiuye.programs.models.graduates import GraduateRecord
from jiuye.programs.services.graduates import graduate_reject
from jiuye.programs.tests.graduate_fixtures import (
    UNREGISTERED_ID,
    employ,
    import_lines,
    line,
    serve,
)
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

DISTRICT = "440199000000"
YEAR = 2025  # a past year: employment is judged on 31 December


def _value(code: str, region: str = DISTRICT, year: int = YEAR) -> Decimal:
    return registry.get(code).value(Region.objects.get(code=region), year)


@pytest.fixture
def world(tmp_path, person_a, person_b) -> None:  # noqa: ANN001
    """Graduates of 2025: 张三 (东城, on two schools' lists, served in 2025, employed from
    2025-07 on) and 李四 (西城, served in 2024 only, employed in 2025 but left in November);
    赵六 graduates in 2026; 王五 is not registered; 孙七 (东城) was rejected — matched rows
    only count, each person once."""
    zhao = register_person(303, "赵六")
    rows = [
        line(预计毕业年份="2025", 入学年份="2021"),
        line(学校="广州开放大学", 预计毕业年份="2025", 入学年份="2022"),
        line(姓名="李四", 身份证号=person_b.id_number, 预计毕业年份="2025", 入学年份="2022"),
        line(姓名="赵六", 身份证号=zhao.id_number, 预计毕业年份="2026"),
        line(姓名="王五", 身份证号=UNREGISTERED_ID, 预计毕业年份="2025", 入学年份="2021"),
    ]
    import_lines(tmp_path, rows)
    graduate_reject(pk=GraduateRecord.objects.get(person__isnull=True).pk, reason="外区学生")
    serve(person_a, dt.date(2025, 3, 1))
    serve(person_b, dt.date(2024, 11, 1))
    serve(zhao, dt.date(2025, 5, 1))
    employ(person_a, dt.date(2025, 7, 1))
    employ(person_b, dt.date(2025, 2, 1), end=dt.date(2025, 11, 30))


def test_every_graduate_indicator_is_registered_under_action_seven() -> None:
    codes = {i.code for i in registry.for_action(7)}
    assert {
        "programs.graduates_known",
        "programs.graduates_served",
        "programs.graduates_employed",
    } <= codes


def test_the_graduate_indicators_match_the_hand_count(world) -> None:  # noqa: ANN001
    assert _value("programs.graduates_known") == 2  # 张三 and 李四
    assert _value("programs.graduates_served") == 1  # 张三 (李四 in 2024)
    assert _value("programs.graduates_employed") == Decimal("50.0")  # 李四 left before 31 Dec
    assert _value("programs.graduates_known", TOWN_B) == 1
    assert _value("programs.graduates_employed", TOWN_B) == 0
    assert _value("programs.graduates_known", year=2026) == 1  # 赵六
    assert _value("programs.graduates_served", year=2026) == 0  # served in 2025
    assert _value("programs.graduates_employed", year=2024) == 0  # nobody: no division by zero


def test_the_person_page_shows_the_graduate_exchange_rows(world, person_a, client_for) -> None:  # noqa: ANN001
    entries = [e for e in entries_for(person_a, None) if e.kind == "graduate"]
    assert sorted(e.title for e in entries) == [
        "教育部门名单：广州大学 软件工程（2021年入学，预计2025年毕业）",
        "教育部门名单：广州开放大学 软件工程（2022年入学，预计2025年毕业）",
    ]
    page = client_for("town_a").get(reverse("people:detail", args=[person_a.pk]))
    text = page.content.decode()
    assert "教育部门名单：广州大学" in text
    assert reverse("programs:graduate-file", args=[person_a.pk]) in text
