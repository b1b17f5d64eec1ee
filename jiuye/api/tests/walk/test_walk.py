"""Every endpoint × every role's key: out of scope is a 404, a role that may not use an
endpoint gets a 403, and no answer holds a full ID number for a key without the reveal role."""

from __future__ import annotations

import re

import pytest

from jiuye.api.views.records import RESOURCES
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
    # The declared resources (casework, employers, jobs, training, programs): walked below,
    # each with the UI page rows it is checked against.
    walked |= {name for resource in RESOURCES for name in resource.url_names()}
    assert {r.name for r in RESOURCES} == set(UI_ROWS), "say which UI pages a resource answers like"
    assert {(r.name, a.verb) for r in RESOURCES for a in r.actions} == {
        (name, verb) for name, rows in ACTION_ROWS.items() for verb in rows
    }
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


# --- the declared resources ---------------------------------------------------------------------
# Each resource answers a key as the UI answers a user of that role: its record endpoint like the
# record's page, its writes like the edit and create pages (rows of the URL × role matrix,
# core/tests/test_url_matrix.py, whose kwargs build the record in 东城街道). A resource: (its
# record page, its edit page or None, its create page or None).
UI_ROWS = {
    # Added on the person's page (the body names person_a).
    "service_record": ("casework:service-detail", None, "casework:service-create"),
    "needs_record": ("casework:needs", None, "casework:needs"),  # the person's needs page
    "employer": ("employers:detail", "employers:edit", "employers:create"),
    "declaration": ("employers:declaration", None, None),
    "posting": ("jobs:posting", "jobs:posting-edit", "jobs:posting-create"),
    "fair": ("jobs:fair", "jobs:fair-edit", "jobs:fair-create"),
    "referral": ("jobs:referral", None, "jobs:referral-create"),
    "course": ("training:course", "training:course-edit", "training:course-create"),
    "training_provider": (
        "training:provider",
        "training:provider-edit",
        "training:provider-create",
    ),
    "enrolment": ("training:enrolment", None, "training:enrol"),
    "organization": (
        "programs:organization",
        "programs:organization-edit",
        "programs:organization-create",
    ),
    "charity_project": (
        "programs:charity-project",
        "programs:charity-project-edit",
        "programs:charity-project-create",
    ),
    "employment_leader": ("programs:leader", "programs:leader-edit", "programs:leader-create"),
    "aux_institution": (
        "programs:aux-institution",
        "programs:aux-institution-edit",
        "programs:aux-institution-create",
    ),
    "aux_member": ("programs:aux-member", None, None),
    "labour_project": (
        "programs:labour-project",
        "programs:labour-project-edit",
        "programs:labour-project-create",
    ),
    # The allocation's own page is its withdrawal (keepers); readers of projects read it too.
    "labour_allocation": ("programs:labour-allocation-withdraw", None, None),
    "rural_base": ("programs:rural-base", "programs:rural-base-edit", "programs:rural-base-create"),
    "graduate": ("programs:graduate-file", None, None),  # the person's graduate file
    "platform_partner": (
        "programs:platform-partner",
        "programs:platform-partner-edit",
        "programs:platform-partner-create",
    ),
    "service_institution": (
        "programs:service-institution",
        "programs:service-institution-edit",
        "programs:service-institution-create",
    ),
    "consultation_meeting": (
        "programs:consultation-meeting",
        "programs:consultation-meeting-edit",
        "programs:consultation-meeting-create",
    ),
    "medical_institution": (
        "programs:medical-institution",
        "programs:medical-institution-edit",
        "programs:medical-institution-create",
    ),
    "massage_application": ("programs:massage-application", None, None),
}

# A resource's actions (``POST /<path>/{id}/<verb>``): the UI page's row each is checked against.
ACTION_ROWS = {
    "referral": {"advance": "jobs:referral-advance", "hire": "jobs:referral-hire"},
    "posting": {"submit": "jobs:posting-submit", "review": "jobs:posting-review"},
}

# Where a write answers a key otherwise than the page row it is checked against says, and why.
WRITE_OVERRIDES = {
    # The walk's posting is published: town B sees it but does not manage it (a 403, as its
    # archive page jobs:posting-archive answers), where the edit page's row is about a draft
    # town B does not see (404).
    "posting": {"update": {"town_b": 403}, "archive": {"town_b": 403}},
    # The body names person A (town A): town B's key does not find that person, as the refer
    # and enrol pages answer a link naming a person out of scope (404).
    "referral": {"create": {"town_b": 404}},
    "enrolment": {"create": {"town_b": 404}},
}

# Where a key reads more than the UI page the resource is checked against shows that role.
READ_OVERRIDES = {
    # The allocation page is a write (withdrawal): the leader reads allocations with projects.
    "labour_allocation": {"leader": 200},
}

# What a write the role may make answers to an empty body: the edit page's refusals.
WRITE_OK = {"update": 400, "archive": 400, "create": 422, "action": 400}


def _record_of(resource_name: str, world: dict) -> str:
    from jiuye.core.tests.test_url_matrix import MATRIX

    if resource_name == "needs_record":
        import datetime as dt

        from jiuye.casework.models import Channel, WantsWork
        from jiuye.casework.services.records import needs_register

        person = world["personas"]["jobseeker"].person
        return str(
            needs_register(
                person=person,
                by=None,
                date=dt.date(2024, 3, 1),
                channel=Channel.PHONE,
                wants_work=WantsWork.YES,
            ).pk
        )
    if resource_name == "graduate":
        # The bureau's list with person_a's line (the person's graduate file is its page).
        from jiuye.programs.models.graduates import GraduateRecord
        from jiuye.programs.tests.access_matrix_graduates import _unmatched

        _unmatched(world)
        person = world["personas"]["jobseeker"].person
        return str(GraduateRecord.objects.get(person=person).pk)
    kwargs, _expected = MATRIX[UI_ROWS[resource_name][0]]
    (pk,) = kwargs(world).values()
    return str(pk)


def _ui(row: str | None, key: str) -> int | None:
    from jiuye.core.tests.test_url_matrix import MATRIX

    if row is None:
        return None
    return MATRIX[row][1][key]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_resource_with_every_roles_key_answers_as_the_ui(
    resource, call, api_keys, personas, plan
) -> None:
    world = {"personas": personas, "plan": plan}
    pk = _record_of(resource.name, world)
    detail_row, edit_row, create_row = UI_ROWS[resource.name]
    base = f"/api/v1/{resource.path}"
    for key in api_keys:
        reads = READ_OVERRIDES.get(resource.name, {}).get(key) or _ui(detail_row, key)
        # The record's endpoint: as its page (200, 403 for the role, 404 out of scope).
        answer = call(key, "get", f"{base}/{pk}")
        assert answer.status_code == reads, (key, resource.path, answer.content[:300])
        listed = call(key, "get", base)
        assert listed.status_code == (200 if key in _readers(resource) else 403), key
        for got in (answer, listed):
            body = got.content.decode()
            assert not FULL_ID.findall(body), (key, resource.path, FULL_ID.findall(body))
            if got.status_code >= 400:
                assert got["Content-Type"] == "application/problem+json"
        if answer.status_code == 200:
            assert answer.json()["id"] == pk
        if reads == 404:
            # Out of scope: not in the list either.
            assert pk not in listed.content.decode(), (key, resource.path)
        writes = []
        if resource.edit is not None:
            writes = [
                ("update", "patch", f"{base}/{pk}", edit_row, {}),
                ("archive", "post", f"{base}/{pk}/archive", edit_row, {}),
                ("create", "post", base, create_row, {}),
            ]
        elif resource.adds is not None:
            person = str(personas["jobseeker"].person_id)
            writes = [("create", "post", base, create_row, {"person": person})]
        for action in resource.actions:
            row = ACTION_ROWS[resource.name][action.verb]
            writes.append(("action", "post", f"{base}/{pk}/{action.verb}", row, {}))
        for verb, method, path, row, body in writes:
            ui = _ui(row, key)
            # A page that takes only POST answers a GET with 405 where the role may use it.
            expected = WRITE_OK[verb] if ui in (200, 405) else ui
            if verb == "action" and ui == 405 and reads == 404:
                expected = 404  # out of scope: the page's POST finds no record either
            expected = WRITE_OVERRIDES.get(resource.name, {}).get(verb, {}).get(key, expected)
            wrote = call(key, method, path, body, content_type="application/json")
            assert wrote.status_code == expected, (key, verb, resource.path, wrote.content[:300])
            assert wrote["Content-Type"] == "application/problem+json"


def _readers(resource) -> set[str]:  # noqa: ANN001
    return {key for key, role in ROLE_OF.items() if role in resource.readers}
