"""The exchanges the plan names: the education bureau's list in and the status out, the
monitored persons' needs out and the monitoring objects in, the social insurance check. For
each: scope (a town key pulls only its town), masking and the logged reveal, the round trip
(the page's file and the API give the same rows) and the contract with the import kinds."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import make_id_number
from jiuye.api.services import apikey_create
from jiuye.core.models import AccessEvent
from jiuye.employers.models import InsuranceCheck
from jiuye.employers.tests.declaration_fixtures import declare, line, person
from jiuye.people.models import Person
from jiuye.programs.models.graduates import GraduateRecord
from jiuye.programs.models.rural import ExchangeDirection, MonitoringExchange
from jiuye.reference.models import Department

pytestmark = pytest.mark.django_db


def revealing_key(personas: dict[str, Any], role: str = "district", **binding: Any) -> str:
    _key, token = apikey_create(
        name=f"{role} revealing",
        owner=personas["admin"],
        role=role,
        by=personas["admin"],
        may_reveal=True,
        **binding,
    )
    return token


def bearer(client: Any, token: str, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
    return getattr(client, method)(path, *args, HTTP_AUTHORIZATION=f"Bearer {token}", **kwargs)


def cells(value: Any) -> Any:
    """A cell of a downloaded workbook as the API writes it (dates as ISO text)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def sheet_rows(content: bytes) -> list[list[Any]]:
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    header_at = next(i for i, r in enumerate(rows) if r and r[0] and r[1])
    return [[cells(c) for c in r] for r in rows[header_at + 1 :] if any(r)]


def api_rows(items: list[dict[str, Any]], columns: dict[str, str]) -> list[list[Any]]:
    return [[cells(item[key]) for key in columns] for item in items]


# --- education bureau ------------------------------------------------------------------------

GRADUATE_ROW = {
    "姓名": "张三",
    "身份证号": make_id_number(seq=101),  # person_a (东城)
    "学校": "广州大学",
    "专业": "软件工程",
    "学历层次": "本科",
    "入学年份": "2022",
    "预计毕业年份": "2026",
}


def graduate_rows() -> list[dict[str, str]]:
    other = {**GRADUATE_ROW, "姓名": "李四", "身份证号": make_id_number(seq=202)}  # 西城
    return [GRADUATE_ROW, other]


def without_batch(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k not in ("batch", "status_url")}


def test_the_graduates_list_comes_in_through_the_import_kind(call, person_a, person_b) -> None:  # noqa: ANN001
    rows = graduate_rows()
    named = call(
        "district",
        "post",
        "/api/v1/exchanges/education/graduates?dry_run=true",
        {"rows": rows},
        content_type="application/json",
    )
    generic = call(
        "district",
        "post",
        "/api/v1/imports/graduates?dry_run=true",
        {"rows": rows},
        content_type="application/json",
    )
    assert named.status_code == generic.status_code == 200, named.content
    assert without_batch(named.json()) == without_batch(generic.json())
    assert named.json()["kind"] == "graduates" and named.json()["created"] == 2
    assert not GraduateRecord.objects.exists()
    written = call(
        "district",
        "post",
        "/api/v1/exchanges/education/graduates",
        {"rows": rows},
        content_type="application/json",
    ).json()
    assert (written["created"], written["written"]) == (2, True)
    assert set(GraduateRecord.objects.values_list("person__name", flat=True)) == {"张三", "李四"}
    # The kind's writers decide: a town officer may not send the bureau's list.
    refused = call(
        "town_a",
        "post",
        "/api/v1/exchanges/education/graduates",
        {"rows": rows},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_a_bad_graduate_row_is_answered_as_the_import_page_lists_it(call, person_a) -> None:  # noqa: ANN001
    bad = {**GRADUATE_ROW, "预计毕业年份": "2020"}
    answer = call(
        "district",
        "post",
        "/api/v1/exchanges/education/graduates",
        {"rows": [bad]},
        content_type="application/json",
    ).json()
    assert answer["invalid"] == 1 and answer["written"] is False
    assert answer["errors"][0]["row"] == 1
    assert "毕业年份" in answer["errors"][0]["message"]


def _graduates_in(call) -> None:  # noqa: ANN001
    answer = call(
        "district",
        "post",
        "/api/v1/imports/graduates",
        {"rows": graduate_rows()},
        content_type="application/json",
    )
    assert answer.json()["created"] == 2


def test_the_status_out_is_scoped_masked_and_the_reveal_is_logged(
    call, personas, person_a, person_b
) -> None:  # noqa: ANN001
    _graduates_in(call)
    path = "/api/v1/exchanges/education/status"
    town = call("town_a", "get", path).json()
    assert [i["name"] for i in town["items"]] == ["张三"]  # 西城's 李四 is not the town's
    district = call("district", "get", path).json()
    assert sorted(i["name"] for i in district["items"]) == ["张三", "李四"]
    assert all("*" in i["id_number"] for i in district["items"])
    # A key not marked may_reveal may not ask for full numbers; the leader not at all.
    assert call("district", "get", path + "?reveal=true&reason=回传").status_code == 403
    assert call("leader", "get", path).status_code == 403
    token = revealing_key(personas)
    from django.test import Client

    client = Client()
    assert bearer(client, token, "get", path + "?reveal=true").status_code == 400  # no reason
    full = bearer(client, token, "get", path + "?reveal=true&reason=回传教育局").json()
    assert {i["id_number"] for i in full["items"]} == {person_a.id_number, person_b.id_number}
    event = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).latest("at")
    assert event.detail["revealed"] is True and event.detail["kind"] == "graduates_exchange"
    assert event.reason == "回传教育局" and event.detail["rows"] == 2


def test_the_status_out_gives_the_rows_of_the_file_back_to_the_bureau(
    call, client_for, personas, person_a, person_b
) -> None:  # noqa: ANN001
    _graduates_in(call)
    from django.test import Client

    token = revealing_key(personas)
    answer = bearer(
        Client(), token, "get", "/api/v1/exchanges/education/status?reveal=true&reason=回传"
    ).json()
    file = client_for("district").get(reverse("programs:graduates-exchange"))
    assert file.status_code == 200
    assert sorted(sheet_rows(file.content)) == sorted(api_rows(answer["items"], answer["columns"]))
    assert list(answer["columns"].values())[0] == "姓名" and len(answer["items"]) == 2


# --- poverty-return monitoring ---------------------------------------------------------------


def monitor(who: Person, category: str = "edge") -> None:
    identified = dt.date(timezone.localdate().year - 1, 3, 1)
    Person.objects.filter(pk=who.pk).update(
        monitoring_category=category, monitoring_identified=identified
    )


def test_the_needs_out_are_the_towns_masked_and_a_reveal_notes_the_exchange(
    call, personas, person_a, person_b
) -> None:  # noqa: ANN001
    monitor(person_a)
    monitor(person_b, "sudden")
    path = "/api/v1/exchanges/monitoring/needs"
    town = call("town_a", "get", path).json()
    assert [i["name"] for i in town["items"]] == ["张三"]
    assert "*" in town["items"][0]["id_number"]
    assert not MonitoringExchange.objects.exists()
    assert call("town_a", "get", path + "?reveal=true&reason=x").status_code == 403
    from django.test import Client

    from jiuye.reference.models import Region

    token = revealing_key(personas, "town", town=Region.objects.get(code="440199001000"))
    full = bearer(Client(), token, "get", path + "?reveal=true&reason=录入监测系统").json()
    assert [i["id_number"] for i in full["items"]] == [person_a.id_number]
    exchange = MonitoringExchange.objects.get()
    assert (exchange.person_id, exchange.direction) == (person_a.pk, ExchangeDirection.EXPORTED)
    event = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).latest("at")
    assert event.detail["kind"] == "monitoring_needs" and event.detail["revealed"] is True


def test_the_needs_out_give_the_rows_of_the_pages_export(
    call, client_for, person_a, person_b
) -> None:  # noqa: ANN001
    monitor(person_a)
    monitor(person_b)
    answer = call("district", "get", "/api/v1/exchanges/monitoring/needs").json()
    file = client_for("district").get(reverse("programs:rural-monitoring-export"))
    assert sorted(sheet_rows(file.content)) == sorted(api_rows(answer["items"], answer["columns"]))
    assert len(answer["items"]) == 2


def test_the_monitoring_objects_come_in_through_the_import_kind(call, person_a, person_b) -> None:  # noqa: ANN001
    rows = [
        {
            "身份证号": person_a.id_number,
            "监测对象类别": "边缘易致贫户",
            "识别监测时间": "2025-04-01",
        }
    ]
    named = call(
        "town_a",
        "post",
        "/api/v1/exchanges/monitoring/objects?dry_run=true",
        {"rows": rows},
        content_type="application/json",
    ).json()
    generic = call(
        "town_a",
        "post",
        "/api/v1/imports/monitoring_objects?dry_run=true",
        {"rows": rows},
        content_type="application/json",
    ).json()
    assert without_batch(named) == without_batch(generic)
    assert named["kind"] == "monitoring_objects" and named["updated"] == 1
    # A town key cannot mark another town's person.
    other = [{**rows[0], "身份证号": person_b.id_number}]
    refused = call(
        "town_a",
        "post",
        "/api/v1/exchanges/monitoring/objects",
        {"rows": other},
        content_type="application/json",
    ).json()
    assert refused["invalid"] == 1 and refused["written"] is False
    written = call(
        "town_a",
        "post",
        "/api/v1/exchanges/monitoring/objects",
        {"rows": rows},
        content_type="application/json",
    ).json()
    assert written["written"] is True
    person_a.refresh_from_db()
    assert person_a.monitoring_category == "edge"
    assert person_a.monitoring_identified == dt.date(2025, 4, 1)


# --- social insurance check ------------------------------------------------------------------


@pytest.fixture
def declared(reference, employer_a, employer_b) -> tuple[Any, Any]:  # noqa: ANN001
    first, second = person(301, grade=2), person(302)
    submitted = declare(employer_a, [line(first), line(second, insurance_months=12)], submit=True)
    draft = declare(employer_b, [line(person(303))])
    return submitted, draft


def rsj_key(personas: dict[str, Any], *, may_reveal: bool = True) -> str:
    _key, token = apikey_create(
        name="区人社局社保系统",
        owner=personas["admin"],
        role="department",
        by=personas["admin"],
        may_reveal=may_reveal,
        department=Department.objects.get(code="rsj"),
    )
    return token


PENDING = "/api/v1/exchanges/social-insurance/pending"
ANSWERS = "/api/v1/exchanges/social-insurance/answers"


def test_the_pending_list_gives_full_numbers_only_to_a_revealing_key_and_is_logged(
    call, personas, declared
) -> None:  # noqa: ANN001
    from django.test import Client

    client = Client()
    submitted, _draft = declared
    hidden = bearer(client, rsj_key(personas, may_reveal=False), "get", PENDING)
    assert hidden.status_code == 403 and "可取完整证件号码" in hidden.json()["title"]
    for other in ("town_a", "employer", "leader", "liaison"):  # liaison: no may_reveal
        assert call(other, "get", PENDING).status_code == 403, other
    answer = bearer(client, rsj_key(personas), "get", PENDING)
    assert answer.status_code == 200, answer.content
    items = answer.json()["items"]
    # Only the declaration under review; the draft is not sent.
    assert {i["declaration"] for i in items} == {str(submitted.pk)}
    numbers = {e.id_number for e in submitted.employees.all()}
    assert {i["id_number"] for i in items} == numbers
    assert all(i["answer"] is None and i["employer_uscc"] for i in items)
    event = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).latest("at")
    assert event.detail["revealed"] is True and event.detail["rows"] == 2
    assert event.detail["kind"] == "social_insurance_check" and event.reason


def test_answers_are_recorded_and_shown_on_the_review_page(client_for, personas, declared) -> None:  # noqa: ANN001
    from django.test import Client

    client, token = Client(), rsj_key(personas)
    submitted, _draft = declared
    items = bearer(client, token, "get", PENDING).json()["items"]
    first, second = sorted(items, key=lambda i: i["name"])
    review = reverse("employers:declaration", args=[submitted.pk])
    reviewer = client_for("district")
    with CaptureQueriesContext(connection) as unanswered:
        assert reviewer.get(review).status_code == 200
    body = {
        "answers": [
            {"employee": first["employee"], "insured": True, "months": 12, "unit": "东城示范企业"},
            {"employee": second["employee"], "insured": True, "months": 7, "unit": "别的公司"},
        ]
    }
    saved = bearer(client, token, "post", ANSWERS, body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json() == {"received": 2, "created": 2, "updated": 0}
    assert bearer(client, token, "get", PENDING).json()["items"] == []
    again = bearer(client, token, "get", PENDING + "?answered=true").json()["items"]
    assert {i["answer"]["months"] for i in again} == {12, 7}
    check = InsuranceCheck.objects.get(employee_id=second["employee"])
    assert not check.agrees
    assert InsuranceCheck.objects.get(employee_id=first["employee"]).agrees
    # A second answer replaces the first.
    body["answers"] = [{"employee": second["employee"], "insured": True, "months": 12}]
    assert (
        bearer(client, token, "post", ANSWERS, body, content_type="application/json").json()[
            "updated"
        ]
        == 1
    )
    with CaptureQueriesContext(connection) as answered:
        page = reviewer.get(review)
    # The answers come with the lines (no query per line).
    assert len(answered.captured_queries) == len(unanswered.captured_queries)
    text = page.content.decode()
    assert "人社局社保核验" in text and "缴费 12 个月" in text
    # The employer is not shown the office's answer.
    mine = client_for("employer").get(reverse("employers:declaration", args=[submitted.pk]))
    assert mine.status_code == 200 and "人社局社保核验" not in mine.content.decode()


def test_a_wrong_answer_is_refused_naming_the_line_and_nothing_is_written(
    personas, declared
) -> None:  # noqa: ANN001
    from django.test import Client

    client, token = Client(), rsj_key(personas)
    submitted, draft = declared
    good = submitted.employees.first()
    closed = draft.employees.first()
    body = {
        "answers": [
            {"employee": str(good.pk), "insured": True, "months": 12},
            {"employee": str(closed.pk), "insured": False, "months": 0},
        ]
    }
    refused = bearer(client, token, "post", ANSWERS, body, content_type="application/json")
    assert refused.status_code == 400
    assert "第2条" in refused.json()["detail"] and "不在审核中" in refused.json()["detail"]
    assert not InsuranceCheck.objects.exists()
    body = {"answers": [{"employee": str(good.pk), "insured": True, "months": 13}]}
    too_many = bearer(client, token, "post", ANSWERS, body, content_type="application/json")
    assert too_many.status_code == 422
    town = bearer(
        client,
        revealing_key(personas, "town", town=good.declaration.employer.region),
        "post",
        ANSWERS,
        {"answers": [{"employee": str(good.pk), "insured": True, "months": 12}]},
        content_type="application/json",
    )
    assert town.status_code == 403 and not InsuranceCheck.objects.exists()


# --- every role's key ------------------------------------------------------------------------

FULL_ID = re.compile(r"\b\d{17}[\dXx]\b")
PERSONAL = {"district", "town_a", "town_b"}


def test_every_exchange_with_every_roles_key(call, api_keys, person_a, person_b) -> None:  # noqa: ANN001
    """Without may_reveal no key gets a full number; the roles are the pages' roles; the
    social insurance pair is the district's and the 人社 liaison's."""
    monitor(person_a)
    graduate = [GRADUATE_ROW]
    identified = {"监测对象类别": "边缘易致贫户", "识别监测时间": "2025-04-01"}
    objects = [{"身份证号": person_a.id_number, **identified}]
    unknown = {"answers": [{"employee": str(person_a.pk), "insured": True, "months": 12}]}
    walk = [
        ("get", "/api/v1/exchanges/education/status", None, PERSONAL, 200),
        ("get", "/api/v1/exchanges/monitoring/needs", None, PERSONAL, 200),
        ("post", "/api/v1/exchanges/education/graduates?dry_run=true", {"rows": graduate},
         {"district"}, 200),
        ("post", "/api/v1/exchanges/monitoring/objects?dry_run=true", {"rows": objects},
         PERSONAL, 200),
        ("get", PENDING, None, set(), 200),  # no key here may receive full numbers
        ("post", ANSWERS, unknown, {"district", "liaison"}, 400),  # not a declared employee
    ]  # fmt: skip
    for key in api_keys:
        for method, path, body, allowed, status in walk:
            extra = {"content_type": "application/json"} if body is not None else {}
            answer = call(key, method, path, *([body] if body is not None else []), **extra)
            expected = status if key in allowed else 403
            assert answer.status_code == expected, (key, path, answer.content[:300])
            if expected >= 400:
                assert answer["Content-Type"] == "application/problem+json"
            assert not FULL_ID.findall(answer.content.decode()), (key, path)


def _client_module() -> Any:
    import importlib.util
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.BASE_DIR) / "docs" / "api_client_social_insurance.py"
    spec = importlib.util.spec_from_file_location("api_client_social_insurance", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_sample_client_pulls_the_list_and_sends_the_answers(
    live_server, personas, declared, tmp_path, capsys
) -> None:  # noqa: ANN001
    """docs/api_client_social_insurance.py against a running server: one person insured
    per the bureau's extract, the other answered as not insured."""
    client = _client_module()
    submitted, _draft = declared
    first, second = submitted.employees.order_by("name")
    records = tmp_path / "insured.csv"
    records.write_text(
        f"身份证号,年度,缴费月数,参保单位\n{first.id_number},{submitted.year},12,东城示范企业\n",
        encoding="utf-8",
    )
    token = rsj_key(personas)
    argv = ["--url", live_server.url, "--key", token, "--records", str(records)]
    assert client.main(argv) == 0
    assert "已回传 2 人" in capsys.readouterr().out
    answers = {c.employee_id: c for c in InsuranceCheck.objects.all()}
    assert (answers[first.pk].insured, answers[first.pk].months) == (True, 12)
    assert (answers[second.pk].insured, answers[second.pk].months) == (False, 0)
    # Nothing is pending any more; a key without may_reveal is told why.
    assert client.main(argv) == 0 and "没有待核验" in capsys.readouterr().out
    refused = ["--url", live_server.url, "--key", rsj_key(personas, may_reveal=False)]
    assert client.main(refused) == 1 and "可取完整证件号码" in capsys.readouterr().err


def test_the_key_form_sets_may_reveal_and_the_key_page_says_so(client_for, personas) -> None:  # noqa: ANN001
    from jiuye.api.models import ApiKey

    rsj = Department.objects.get(code="rsj")
    answer = client_for("admin").post(
        reverse("api:key-create"),
        {
            "name": "区人社局社保系统",
            "owner": personas["district"].pk,
            "role": "department",
            "department": rsj.pk,
            "may_reveal": "on",
        },
    )
    key = ApiKey.objects.get(name="区人社局社保系统")
    assert answer.status_code == 302 and key.may_reveal
    page = client_for("admin").get(reverse("api:key-detail", args=[key.pk])).content.decode()
    assert "可取完整证件号码" in page and "每次取用记入访问日志" in page


@pytest.fixture
def rsj_token(personas) -> str:  # noqa: ANN001
    # Function-scoped: made once for all of hypothesis' examples of the test.
    return rsj_key(personas)


@given(
    months=st.lists(st.integers(min_value=0, max_value=12), min_size=2, max_size=2),
    insured=st.lists(st.booleans(), min_size=2, max_size=2),
    unit=st.text(max_size=200),
)
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_answers_are_recorded_as_sent_or_refused_whole(
    rsj_token, declared, months, insured, unit
) -> None:  # noqa: ANN001
    """Hypothesis draws the answers' bodies: a consistent set is recorded exactly as sent
    (the unit trimmed), one with months for a person not insured is refused whole."""
    from django.test import Client

    submitted, _draft = declared
    employees = list(submitted.employees.order_by("name"))
    InsuranceCheck.objects.all().delete()
    answers = [
        {"employee": str(e.pk), "insured": i, "months": m, "unit": unit}
        for e, i, m in zip(employees, insured, months, strict=True)
    ]
    response = bearer(
        Client(), rsj_token, "post", ANSWERS, {"answers": answers}, content_type="application/json"
    )
    consistent = all(a["insured"] or a["months"] == 0 for a in answers)
    if not consistent:
        assert response.status_code == 400 and not InsuranceCheck.objects.exists()
        return
    assert response.status_code == 200, response.content
    for answer in answers:
        check = InsuranceCheck.objects.get(employee_id=answer["employee"])
        assert (check.insured, check.months) == (answer["insured"], answer["months"])
        assert check.unit == answer["unit"].strip()
