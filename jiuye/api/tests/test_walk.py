"""Every endpoint × every role's key: out of scope is a 404, a role that may not use an
endpoint gets a 403, and no answer holds a full ID number for a key without the reveal role."""

from __future__ import annotations

import re

import pytest

from jiuye.people.services import REVEAL_ROLES

pytestmark = pytest.mark.django_db

# A full 18-character resident ID number (masked ones carry asterisks).
FULL_ID = re.compile(r"\b\d{17}[\dXx]\b")

ROLE_OF = {
    "district": "district",
    "liaison": "department",
    "town_a": "town",
    "town_b": "town",
    "leader": "leader",
    "employer": "employer",
}


def endpoints(person_id: str, record_id: str) -> list[tuple[str, str, dict]]:
    return [
        ("get", "/api/v1/regions", {}),
        ("get", "/api/v1/reference/departments", {}),
        ("get", "/api/v1/reference/categories", {}),
        ("get", "/api/v1/persons", {}),
        ("get", f"/api/v1/persons/{person_id}", {}),
        ("get", "/api/v1/employment-records", {}),
        ("get", f"/api/v1/employment-records/{record_id}", {}),
        ("get", "/api/v1/indicators", {}),
        ("get", "/api/v1/reports", {}),
    ]


# What each key may see of person A (in town A) and its employment record: "ok", 403 or 404.
EXPECTED = {
    "/api/v1/persons": {"district": 200, "town_a": 200, "town_b": 200},
    "person": {"district": 200, "town_a": 200, "town_b": 404},
    "/api/v1/employment-records": {"district": 200, "town_a": 200, "town_b": 200},
    "record": {"district": 200, "town_a": 200, "town_b": 404},
    "/api/v1/reports": {
        "district": 200,
        "town_a": 200,
        "town_b": 200,
        "liaison": 200,
        "leader": 200,
    },
    "/api/v1/indicators": {
        "district": 200,
        "town_a": 200,
        "town_b": 200,
        "liaison": 200,
        "leader": 200,
    },
}


def _expected(path: str, key: str, person_id: str, record_id: str) -> int:
    if path.endswith(person_id):
        return EXPECTED["person"].get(key, 403)
    if path.endswith(record_id):
        return EXPECTED["record"].get(key, 403)
    if path in EXPECTED:
        return EXPECTED[path].get(key, 403)
    return 200


def test_the_walk_covers_every_endpoint_of_the_api() -> None:
    from jiuye.api.urls import _v1_patterns

    walked = {"regions", "reference_list", "persons", "person", "records", "record", "indicators"}
    # Walked by the test below this one.
    walked.add("person_reveal")
    # Walked with every role's key in test_reports.py.
    walked |= {"report_list", "report_put"}
    # Walked with every role's key below.
    walked |= {"import_create", "import_status"}
    # Walked with every role's key in test_exchanges.py.
    walked |= {"education_graduates_in", "education_status_out", "monitoring_needs_out"}
    walked |= {"monitoring_objects_in", "insurance_pending", "insurance_answers"}
    docs = {"openapi-json", "openapi-view", "api-root"}
    names = {pattern.name for pattern in _v1_patterns} - docs
    assert names == walked, f"walk these endpoints too: {sorted(names - walked)}"


def test_every_endpoint_with_every_roles_key(call, api_keys, personas, person_a, person_b) -> None:
    import datetime as dt

    from jiuye.employment.models import EmploymentForm, Source
    from jiuye.employment.services import employment_open

    record = employment_open(
        person=person_a,
        by=personas["district"],
        source=Source.STAFF,
        start_date=dt.date(2025, 1, 1),
        form=EmploymentForm.FLEXIBLE,
    )
    person_id, record_id = str(person_a.pk), str(record.pk)
    for key in api_keys:
        for method, path, data in endpoints(person_id, record_id):
            answer = call(key, method, path, data)
            expected = _expected(path, key, person_id, record_id)
            assert answer.status_code == expected, (key, path, answer.content[:200])
            if answer.status_code >= 400:
                assert answer["Content-Type"] == "application/problem+json"
            # No list or record answer holds a full number, whatever the role: only the
            # reveal endpoint (below) shows one, to the roles that may reveal.
            found = FULL_ID.findall(answer.content.decode())
            assert not found, (key, path, found)
        # Town B's key does not see town A's person in the list either.
        listed = call(key, "get", "/api/v1/persons").content.decode()
        if key == "town_b":
            assert person_id not in listed


def test_the_reveal_endpoint_is_refused_to_every_role_without_the_reveal_permission(
    call, api_keys, person_a
) -> None:
    for key, role in ROLE_OF.items():
        answer = call(
            key,
            "post",
            f"/api/v1/persons/{person_a.pk}/reveal",
            data={"field": "id_number", "reason": "核对"},
            content_type="application/json",
        )
        if role not in REVEAL_ROLES:
            assert answer.status_code == 403, key
            assert not FULL_ID.findall(answer.content.decode())
        elif key == "town_b":
            assert answer.status_code == 404
        else:
            assert answer.json()["value"] == person_a.id_number


def test_the_import_endpoints_with_every_roles_key(call, api_keys) -> None:
    """POST /imports/persons (a dry run) and GET /imports/{batch}: the roles of the import
    pages; another town's batch is out of scope; no answer holds a full ID number."""
    from conftest import VILLAGE_A, make_id_number

    rows = [{"姓名": "走查", "身份证号": make_id_number(seq=777), "残疾类别": "4",
             "残疾等级": "2", "村社区代码": VILLAGE_A}]  # fmt: skip
    importers = {"district", "town_a", "town_b"}
    batches = {}
    for key in api_keys:
        answer = call(
            key,
            "post",
            "/api/v1/imports/persons?dry_run=true",
            {"rows": rows},
            content_type="application/json",
        )
        assert answer.status_code == (200 if key in importers else 403), key
        assert not FULL_ID.findall(answer.content.decode())
        if answer.status_code == 200:
            batches[key] = answer.json()["status_url"]
        else:
            assert answer["Content-Type"] == "application/problem+json"
    for key in api_keys:
        for owner, url in batches.items():
            answer = call(key, "get", url)
            if key not in importers:
                expected = 403
            elif key == "district" or key == owner:
                expected = 200
            else:
                expected = 404
            assert answer.status_code == expected, (key, owner)
            assert not FULL_ID.findall(answer.content.decode())
