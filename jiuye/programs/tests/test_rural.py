"""Action 六: rural bases and workshops with their supports, the new service types, the
monitoring exchange (export of needs, watch list), the indicators on a hand-counted district,
and the person page's timeline."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import VILLAGE_A, VILLAGE_B, make_id_number, register_person
from jiuye.casework.models import Channel, ServiceKind, ServiceType
from jiuye.casework.services.records import needs_register, service_record_create
from jiuye.core.indicators import registry
from jiuye.core.models import AccessEvent
from jiuye.core.timeline import entries_for
from jiuye.employment.models import EmploymentForm, Source
from jiuye.employment.services import employment_end, employment_open
from jiuye.people.models import Person
from jiuye.programs.models.rural import (
    ExchangeDirection,
    MonitoringExchange,
    RuralBase,
    RuralBaseSupport,
)
from jiuye.programs.selectors import rural as selectors
from jiuye.programs.services import rural as services
from jiuye.reference.models import Department, Region

pytestmark = pytest.mark.django_db

DISTRICT = "440199000000"


def today() -> dt.date:
    return timezone.localdate()


def make_base(village: str = VILLAGE_A, **extra: object) -> RuralBase:
    values = {
        "name": "东城蔬菜基地",
        "kind": "rural_base",
        "industry": "planting",
        "region": Region.objects.get(code=village),
        "driven": 5,
        **extra,
    }
    return services.base_create(by=None, **values)


def employ(person: Person, employer: object, start: dt.date) -> object:
    return employment_open(
        person=person,
        by=None,
        source=Source.STAFF,
        form=EmploymentForm.QUOTA,
        employer=employer,
        start_date=start,
    )


def monitor(person: Person, category: str = "edge") -> None:
    Person.objects.filter(pk=person.pk).update(
        monitoring_category=category, monitoring_identified=dt.date(today().year - 1, 3, 1)
    )
    person.refresh_from_db()


# --- service types -------------------------------------------------------------------------


def test_jobs_to_home_and_skills_to_villages_are_services_that_count_in_coverage(reference) -> None:  # noqa: ANN001
    types = {
        t.code: t
        for t in ServiceType.objects.filter(code__in=["jobs_to_home", "skills_to_villages"])
    }
    assert {t.name for t in types.values()} == {"送岗入户", "送技术下乡"}
    assert {t.kind for t in types.values()} == {ServiceKind.SERVICE}


# --- bases ---------------------------------------------------------------------------------


def test_a_town_officer_may_not_place_a_base_in_another_town(personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.base_create(
            by=personas["town_a"], name="西城基地", kind="workshop", industry="planting",
            region=Region.objects.get(code=VILLAGE_B),
        )  # fmt: skip
    assert "region" in error.value.message_dict


def test_a_base_with_a_registered_operator_counts_its_open_employment_records(
    personas, person_a, person_b, employer_a
) -> None:  # noqa: ANN001
    base = make_base(employer=employer_a)
    employ(person_a, employer_a, today() - dt.timedelta(days=30))
    ended = employ(person_b, employer_a, today() - dt.timedelta(days=300))
    employment_end(
        record=ended, by=None, end_date=today() - dt.timedelta(days=10), end_reason="resigned"
    )
    assert selectors.base_staff_count(base) == 1
    row = selectors.bases_for_list(RuralBase.objects.all()).get()
    assert row.n_employed == 1


def test_supports_are_recorded_and_archived_with_a_reason(personas, reference) -> None:  # noqa: ANN001
    base = make_base()
    support = services.support_add(
        base=base, by=personas["town_a"], kind="funds", amount=Decimal("20000"),
        date=today(), department=Department.objects.get(code="rsj"), description="扶持资金",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.support_archive(support=support, by=personas["town_a"], reason=" ")
    services.support_archive(support=support, by=personas["town_a"], reason="重复录入")
    assert RuralBaseSupport.objects.get().is_archived
    assert list(selectors.base_supports(base)) == []


def test_a_support_in_the_future_or_negative_is_refused(reference) -> None:  # noqa: ANN001
    base = make_base()
    with pytest.raises(ValidationError) as error:
        services.support_add(
            base=base, by=None, kind="funds", amount=Decimal("-1"),
            date=today() + dt.timedelta(days=2),
        )  # fmt: skip
    assert set(error.value.message_dict) == {"amount", "date"}


def test_a_town_officer_lists_only_the_bases_of_their_town(client_for, reference) -> None:  # noqa: ANN001
    make_base()
    make_base(VILLAGE_B, name="西城养殖基地")
    page = client_for("town_b").get(reverse("programs:rural-bases")).content.decode()
    assert "西城养殖基地" in page and "东城蔬菜基地" not in page
    everything = client_for("leader").get(reverse("programs:rural-bases")).content.decode()
    assert "西城养殖基地" in everything and "东城蔬菜基地" in everything


def test_the_bases_export_holds_the_town_officers_bases_only(client_for, reference) -> None:  # noqa: ANN001
    make_base()
    make_base(VILLAGE_B, name="西城养殖基地")
    response = client_for("town_a").get(reverse("programs:rural-bases-export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[0] for r in rows[1:]] == ["东城蔬菜基地"]
    assert rows[0][-2:] == ("在岗残疾人", "带动残疾人")


def test_creating_a_base_through_the_form_saves_it_and_bad_input_is_named(
    client_for, reference
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = reverse("programs:rural-base-create")
    bad = client.post(
        url,
        {"name": "", "kind": "farm", "industry": "planting", "region": VILLAGE_B, "driven": "x"},
    )
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "请填写基地或车间的名称。" in text and "只能选择您负责的镇街或村（社区）。" in text
    good = client.post(
        url,
        {
            "name": "东城编织车间",
            "kind": "workshop",
            "industry": "handicraft",
            "region": VILLAGE_A,
            "driven": "3",
        },
    )
    base = RuralBase.objects.get()
    assert good.status_code == 302 and good.url == reverse("programs:rural-base", args=[base.pk])
    assert (base.name, base.driven, base.created_by.username) == ("东城编织车间", 3, "town_a")


def test_a_base_is_archived_from_its_edit_page_never_deleted(client_for, reference) -> None:  # noqa: ANN001
    base = make_base()
    url = reverse("programs:rural-base-edit", args=[base.pk])
    response = client_for("district").post(url, {"archive-reason": "已停办"})
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.is_archived and base.archived_reason == "已停办"
    listed = client_for("district").get(reverse("programs:rural-bases")).content.decode()
    assert "东城蔬菜基地" not in listed


def test_a_support_is_added_from_the_base_page_and_bad_input_shows_again(
    client_for, reference
) -> None:  # noqa: ANN001
    base = make_base()
    url = reverse("programs:rural-support-add", args=[base.pk])
    client = client_for("town_a")
    bad = client.post(url, {"kind": "gift", "date": "明天"})
    assert bad.status_code == 200 and "请从列出的扶持方式中选择。" in bad.content.decode()
    good = client.post(url, {"kind": "equipment", "amount": "5000", "date": today().isoformat()})
    assert good.status_code == 302
    assert RuralBaseSupport.objects.get().amount == Decimal("5000")


def test_a_leader_reads_a_base_but_may_not_add_a_support(client_for, reference) -> None:  # noqa: ANN001
    base = make_base()
    assert (
        client_for("leader").get(reverse("programs:rural-base", args=[base.pk])).status_code == 200
    )
    url = reverse("programs:rural-support-add", args=[base.pk])
    assert (
        client_for("leader").post(url, {"kind": "funds", "date": today().isoformat()}).status_code
        == 403
    )
    assert (
        client_for("town_b").post(url, {"kind": "funds", "date": today().isoformat()}).status_code
        == 404
    )


# --- monitoring ---------------------------------------------------------------------------


def test_the_watch_list_holds_monitored_persons_whose_job_ended_in_the_last_90_days(
    personas, reference, employer_a
) -> None:  # noqa: ANN001
    lost = register_person(301, "王一")
    old = register_person(302, "王二")
    back = register_person(303, "王三")
    unmonitored = register_person(304, "王四")
    for person in (lost, old, back):
        monitor(person)
    start = today() - dt.timedelta(days=400)
    for person, ended in ((lost, 20), (old, 120), (back, 30), (unmonitored, 10)):
        record = employ(person, employer_a, start)
        employment_end(
            record=record,
            by=None,
            end_date=today() - dt.timedelta(days=ended),
            end_reason="dismissed",
        )
    employ(back, employer_a, today() - dt.timedelta(days=5))
    watched = list(selectors.watch_list(personas["district"]))
    assert [r.person.name for r in watched] == ["王一"]
    assert list(selectors.watch_list(personas["town_b"])) == []


def test_the_needs_export_masks_numbers_unless_a_reason_is_given_and_logs_the_exchange(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    monitor(person_a)
    monitor(person_b, "sudden")
    client = client_for("town_a")
    url = reverse("programs:rural-monitoring-export")
    masked = list(load_workbook(io.BytesIO(client.get(url).content)).active.values)
    assert [r[3] for r in masked[1:]] == ["张三"]  # 西城's 李四 is not the town's
    assert "*" in masked[1][4]
    assert not MonitoringExchange.objects.exists()
    refused = client.post(url, {"reason": " "})
    assert refused.status_code == 302
    full = client.post(url, {"reason": "录入监测系统"})
    rows = list(load_workbook(io.BytesIO(full.content)).active.values)
    assert rows[1][4] == person_a.id_number
    exchange = MonitoringExchange.objects.get()
    assert (exchange.person, exchange.direction) == (person_a, ExchangeDirection.EXPORTED)
    events = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT)
    assert [e.detail["revealed"] for e in events.order_by("at")] == [False, True]


def test_the_monitoring_page_lists_the_towns_monitored_persons_with_their_needs(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    monitor(person_a)
    monitor(person_b)
    needs_register(
        person=person_a,
        by=None,
        date=today(),
        channel=Channel.PHONE,
        wants_work="yes",
        desired_jobs="种植",
    )
    page = client_for("town_a").get(reverse("programs:rural-monitoring")).content.decode()
    assert "张三" in page and "种植" in page and "李四" not in page


# --- indicators ---------------------------------------------------------------------------


def test_each_rural_indicator_matches_a_hand_count(reference, employer_a, employer_b) -> None:  # noqa: ANN001
    year = today().year
    district = Region.objects.get(code=DISTRICT)
    town_a = Region.objects.get(code="440199001000")
    make_base(employer=employer_a, driven=5)
    make_base(VILLAGE_B, name="西城车间", kind="workshop", driven=7, employer=employer_b)
    gone = make_base(name="停办基地", driven=100)
    services.base_archive(base=gone, by=None, reason="停办")
    a1, a2, b1 = (
        register_person(401, "甲"),
        register_person(402, "乙"),
        register_person(403, "丙", VILLAGE_B),
    )
    employ(a1, employer_a, today() - dt.timedelta(days=40))
    employ(a2, employer_b, today() - dt.timedelta(days=40))
    employ(b1, employer_b, today() - dt.timedelta(days=40))
    # Monitored persons: helped (need + service), need only, service only, not monitored.
    helped, need_only, served_only, plain = (register_person(410 + n, f"监测{n}") for n in range(4))
    for person in (helped, need_only, served_only):
        monitor(person)
    jobs_to_home = ServiceType.objects.get(code="jobs_to_home")
    for person in (helped, need_only, plain):
        needs_register(
            person=person, by=None, date=today(), channel=Channel.PHONE, wants_work="yes"
        )
    for person in (helped, served_only, plain):
        service_record_create(
            person=person,
            service_type=jobs_to_home,
            by=None,
            date=today(),
            channel=Channel.HOME_VISIT,
        )

    def value(code: str, region: Region) -> int:
        return int(registry.get(code).value(region, year))

    assert value("programs.rural_bases", district) == 2
    assert value("programs.rural_bases", town_a) == 1
    assert value("programs.rural_base_employed", district) == 3  # 甲 at A; 乙, 丙 at B
    assert value("programs.rural_base_employed", town_a) == 1
    assert value("programs.rural_base_driven", district) == 12
    assert value("programs.rural_base_driven", town_a) == 5
    assert value("programs.monitored_with_needs_helped", district) == 1
    assert value("programs.rural_outreach_services", district) == 3


# --- timeline ------------------------------------------------------------------------------


def test_the_timeline_shows_base_employment_and_the_monitoring_exchange(
    personas, client_for, person_a, employer_a
) -> None:  # noqa: ANN001
    make_base(employer=employer_a)
    employ(person_a, employer_a, today() - dt.timedelta(days=30))
    monitor(person_a)
    services.exchange_exported(persons=[person_a], by=None)
    titles = [
        e.title
        for e in entries_for(person_a, personas["district"])
        if e.kind in ("rural_base", "monitoring")
    ]
    assert "在农村残疾人就业基地“东城蔬菜基地”就业" in titles
    assert "就业需求导出至监测系统" in titles
    page = client_for("town_a").get(reverse("people:detail", args=[person_a.pk])).content.decode()
    assert "东城蔬菜基地" in page and "就业需求导出至监测系统" in page


# --- demo ----------------------------------------------------------------------------------


def test_the_demo_makes_bases_with_supports_and_employed_persons_once(
    reference, employer_a
) -> None:  # noqa: ANN001
    from jiuye.programs.demo.rural import BASES, demo_rural

    worker = register_person(501, "赵农", hukou_type="rural")  # born 1990
    monitor(worker)
    assert demo_rural(seed=1) == len(BASES)
    assert RuralBase.objects.count() == len(BASES)
    assert RuralBaseSupport.objects.exists()
    first = RuralBase.objects.get(employer=employer_a)
    assert selectors.base_staff_count(first) == 1
    assert MonitoringExchange.objects.filter(person=worker).exists()
    assert demo_rural(seed=1) == 0


def test_the_demo_gives_base_work_only_to_persons_of_working_age(reference) -> None:  # noqa: ANN001
    """Workers start up to 400 days back and work to today: of working age over all of it,
    under the one rule (a man of 58 is in; a woman past her reformed retirement age is out)."""
    from jiuye.people.services import person_register
    from jiuye.programs.demo.rural import _workers

    today = dt.date(2026, 12, 5)
    town = Region.objects.get(code=VILLAGE_A)  # _workers reads the town's first 9 digits
    retired = person_register(
        name="退休女",
        id_number=make_id_number(birth="19710310", seq=912),
        region=Region.objects.get(code=VILLAGE_A),
        hukou_type="rural",
    )
    older = person_register(
        name="在龄男",
        id_number=make_id_number(birth="19680615", seq=911),
        region=Region.objects.get(code=VILLAGE_A),
        hukou_type="rural",
    )
    workers = {p.pk for p in _workers(town, today, 10)}
    assert retired.pk not in workers and older.pk in workers
