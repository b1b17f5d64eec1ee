"""The declared resources (views/records.py): each lists and shows its records with the UI's
filters, and where the UI has edit pages its writes go through the same form and services — a
rule of the service is a 422 problem with its Chinese message, a stale version a 409."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B, make_uscc
from jiuye.api.tests.walk.test_walk import FULL_ID, _record_of
from jiuye.api.views.records import RESOURCES

pytestmark = pytest.mark.django_db


JSON = "application/json"


# --- list, record, filter, scope of every resource ----------------------------------------------

NONE = object()
# A filter of the UI's list that finds the walk's record (from its JSON) and one that does not.
FILTERS: dict[str, tuple[str, Any, Any]] = {
    "service_record": ("person", lambda d: d["person"], str(uuid.uuid4())),
    "needs_record": ("year", lambda d: d["year"], "1999"),
    "employer": ("q", lambda d: d["name"], "没有这个单位"),
    "declaration": ("year", lambda d: d["year"], "1999"),
    "posting": ("q", lambda d: d["title"], "没有这个岗位"),
    "fair": ("year", lambda d: d["date"][:4], "2001"),
    "referral": ("year", lambda d: d["referred_on"][:4], "2001"),
    "course": ("q", lambda d: d["title"], "没有这个课程"),
    "training_provider": ("q", lambda d: d["name"], "没有这个机构"),
    "enrolment": ("course", lambda d: d["course"], str(uuid.uuid4())),
    "organization": ("q", lambda d: d["name"], "没有这个组织"),
    "charity_project": ("q", lambda d: d["name"], "没有这个项目"),
    "employment_leader": ("town", lambda d: TOWN_A, TOWN_B),
    "aux_institution": ("town", lambda d: TOWN_A, TOWN_B),
    "aux_member": ("all", lambda d: "1", NONE),
    "labour_project": ("q", lambda d: d["name"], "没有这个项目"),
    "labour_allocation": ("project", lambda d: d["project"], str(uuid.uuid4())),
    "rural_base": ("town", lambda d: TOWN_A, TOWN_B),
    "graduate": ("q", lambda d: d["name"], "没有这个人"),
    "platform_partner": ("town", lambda d: TOWN_A, TOWN_B),
    "service_institution": ("year", lambda d: "2024", NONE),
    "consultation_meeting": ("q", lambda d: d["title"], "没有这个会议"),
    "medical_institution": ("", lambda d: "", NONE),
    "massage_application": ("kind", lambda d: d["kind"], NONE),
}


def test_every_resource_has_a_filter_case() -> None:
    assert {r.name for r in RESOURCES} == set(FILTERS)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_each_resource_lists_shows_and_filters_as_the_ui(
    resource, call, api_keys, personas, plan
) -> None:
    pk = _record_of(resource.name, {"personas": personas, "plan": plan})
    base = f"/api/v1/{resource.path}"
    shown = call("district", "get", f"{base}/{pk}")
    assert shown.status_code == 200, shown.content[:300]
    record = shown.json()
    assert record["id"] == pk and "updated_at" in record
    if "version" in record:
        assert shown["ETag"] == f'W/"{record["version"]}"'
    name, found_by, missed_by = FILTERS[resource.name]
    params = {name: found_by(record)} if name else {}
    found = call("district", "get", base, params)
    assert found.status_code == 200, found.content[:300]
    assert pk in [item["id"] for item in found.json()["items"]], (resource.name, params)
    if missed_by is not NONE:
        missed = call("district", "get", base, {name: missed_by})
        assert missed.status_code == 200, missed.content[:300]
        assert pk not in missed.content.decode()
    # Incremental sync: nothing changed after the record did.
    later = call("district", "get", base, {"updated_since": "2999-01-01T00:00:00+08:00"})
    assert later.json() == {"items": [], "next_cursor": None}
    # Pages of one: the record is on one of them, and the cursor walks to the end.
    seen, cursor = [], None
    for _page in range(50):
        page = call("district", "get", base, {"limit": 1, **({"cursor": cursor} if cursor else {})})
        body = page.json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    for key in api_keys:
        assert not FULL_ID.findall(call(key, "get", base).content.decode())


def test_an_employers_key_sees_its_own_unit_only(call, employer_a, employer_b) -> None:
    listed = call("employer", "get", "/api/v1/employers").json()["items"]
    assert [item["id"] for item in listed] == [str(employer_a.pk)]
    assert call("employer", "get", f"/api/v1/employers/{employer_b.pk}").status_code == 404
    assert call("employer", "get", f"/api/v1/employers/{employer_a.pk}").status_code == 200


def test_a_filter_the_list_page_would_drop_is_a_400_naming_it(call) -> None:
    answer = call("district", "get", "/api/v1/organizations", {"kind": "没有这种"})
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "kind"


# --- writes through the UI's form and services ----------------------------------------------------


def _organization(**fields: Any) -> dict[str, Any]:
    return {
        "name": "示范区盲人协会",
        "kind": "blind",
        "region": VILLAGE_A,
        "status": "active",
        **fields,
    }


def test_a_key_creates_a_record_through_the_service(call, api_keys) -> None:
    from jiuye.api.models import ApiKey
    from jiuye.programs.models.charity import Organization

    answer = call("district", "post", "/api/v1/organizations", _organization(), content_type=JSON)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    saved = Organization.objects.get(pk=body["id"])
    assert saved.name == "示范区盲人协会" and saved.region_id == VILLAGE_A
    district_key = ApiKey.objects.get(name="district system")
    assert saved.created_by_id == district_key.account_id
    assert answer["ETag"] == f'W/"{saved.version}"'


def test_a_rule_of_the_service_is_a_422_problem_with_its_chinese_message(call) -> None:
    from jiuye.programs.models.charity import Organization

    good = make_uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    answer = call(
        "district", "post", "/api/v1/organizations", _organization(uscc=bad), content_type=JSON
    )
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert "校验码不对" in problem["detail"]
    assert problem["errors"][0]["field"] == "uscc"
    assert not Organization.objects.exists()


def test_a_town_key_keeps_only_its_own_town(call) -> None:
    from jiuye.programs.models.charity import Organization

    answer = call(
        "town_a",
        "post",
        "/api/v1/organizations",
        _organization(region=VILLAGE_B),
        content_type=JSON,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "region"
    assert not Organization.objects.exists()
    mine = call("town_a", "post", "/api/v1/organizations", _organization(), content_type=JSON)
    assert mine.status_code == 201
    # Another town's key does not find it to change it.
    pk = mine.json()["id"]
    other = call(
        "town_b", "patch", f"/api/v1/organizations/{pk}", {"version": 1}, content_type=JSON
    )
    assert other.status_code == 404


def test_a_stale_version_is_a_409_and_a_change_names_its_version(call) -> None:
    created = call("district", "post", "/api/v1/organizations", _organization(), content_type=JSON)
    url = f"/api/v1/organizations/{created.json()['id']}"
    blind = call("district", "patch", url, {"address": "新地址"}, content_type=JSON)
    assert blind.status_code == 400 and blind.json()["errors"][0]["field"] == "version"
    changed = call("district", "patch", url, {"address": "新地址", "version": 1}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert changed.json()["address"] == "新地址" and changed.json()["version"] == 2
    # Only what the body names changes.
    assert changed.json()["name"] == "示范区盲人协会"
    stale = call("district", "patch", url, {"address": "旧的", "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    assert "刚刚被其他人修改过" in stale.json()["detail"]
    by_etag = call(
        "district", "patch", url, {"note": "核对过"}, content_type=JSON, HTTP_IF_MATCH='W/"2"'
    )
    assert by_etag.status_code == 200 and by_etag.json()["version"] == 3


def test_archiving_takes_a_reason_and_an_archived_record_is_not_changed(call) -> None:
    created = call("district", "post", "/api/v1/organizations", _organization(), content_type=JSON)
    url = f"/api/v1/organizations/{created.json()['id']}"
    no_reason = call("district", "post", f"{url}/archive", {}, content_type=JSON)
    assert no_reason.status_code == 400
    archived = call("district", "post", f"{url}/archive", {"reason": "重复录入"}, content_type=JSON)
    assert archived.status_code == 200 and archived.json()["archived"] is True
    refused = call("district", "patch", url, {"note": "x", "version": 2}, content_type=JSON)
    assert refused.status_code == 422
    assert "已归档" in refused.json()["detail"]


def test_a_read_only_key_may_not_write(call) -> None:
    answer = call("leader", "post", "/api/v1/organizations", _organization(), content_type=JSON)
    assert answer.status_code == 403


def test_an_id_number_typed_into_free_text_is_masked(call, person_a) -> None:
    note = f"核对身份证 {person_a.id_number} 无误"
    created = call(
        "district", "post", "/api/v1/organizations", _organization(note=note), content_type=JSON
    )
    assert created.status_code == 201
    shown = call("district", "get", f"/api/v1/organizations/{created.json()['id']}")
    assert person_a.id_number not in shown.content.decode()
    assert person_a.id_number[-4:] in shown.json()["note"]


# --- records added on a person's page -------------------------------------------------------------


def test_a_service_and_a_needs_registration_are_added_through_the_services(
    call, person_a, person_b
) -> None:

    from django.utils import timezone

    from jiuye.casework.models import NeedsRecord, ServiceRecord

    recent = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    service = {
        "person": str(person_a.pk),
        "service_type": "job_recommendation",
        "date": recent,
        "channel": "phone",
        "outcome": "done",
        "notes": "电话推荐岗位",
    }
    added = call("town_a", "post", "/api/v1/service-records", service, content_type=JSON)
    assert added.status_code == 201, added.json()
    assert ServiceRecord.objects.get(pk=added.json()["id"]).person == person_a
    # Another town's person is not found; a date in the future is the form's refusal.
    elsewhere = {**service, "person": str(person_b.pk)}
    assert (
        call("town_a", "post", "/api/v1/service-records", elsewhere, content_type=JSON).status_code
        == 404
    )
    future = {**service, "date": "2999-01-01"}
    refused = call("town_a", "post", "/api/v1/service-records", future, content_type=JSON)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "date"
    # Verification is not a service of this endpoint: the service's own rule, in Chinese.
    verify = {**service, "service_type": "verification"}
    kind = call("town_a", "post", "/api/v1/service-records", verify, content_type=JSON)
    assert kind.status_code == 422, kind.content
    needs = {
        "person": str(person_a.pk),
        "date": recent,
        "channel": "phone",
        "wants_work": "yes",
    }
    registered = call("district", "post", "/api/v1/needs-records", needs, content_type=JSON)
    assert registered.status_code == 201, registered.content
    assert NeedsRecord.objects.get(pk=registered.json()["id"]).wants_work == "yes"
    assert (
        call("leader", "post", "/api/v1/needs-records", needs, content_type=JSON).status_code == 403
    )


@pytest.mark.parametrize(
    "resource", [r for r in RESOURCES if r.edit is not None], ids=lambda r: r.name
)
def test_a_change_naming_only_its_version_keeps_every_field(
    resource, call, api_keys, personas, plan
) -> None:
    """The body of a change is laid over the record as its edit page shows it, so the form
    and the service see the record's own values for every field the body leaves out."""
    pk = _record_of(resource.name, {"personas": personas, "plan": plan})
    url = f"/api/v1/{resource.path}/{pk}"
    before = call("district", "get", url).json()
    kept = call("district", "patch", url, {"version": before["version"]}, content_type=JSON)
    assert kept.status_code == 200, kept.content.decode()
    after = kept.json()
    changed = {k for k in before if before[k] != after[k] and k not in ("version", "updated_at")}
    assert not changed, changed


# --- employers: the create and edit pages' own form (not crud.EditPages) ------------------------


def _employer(**fields: Any) -> dict[str, Any]:
    return {
        "uscc": make_uscc("91440199MA5ABCD78"),
        "name": "示范区接口餐饮公司",
        "kind": "private",
        "region": VILLAGE_A,
        **fields,
    }


def test_an_employer_is_registered_and_changed_through_the_registrys_services(
    call, employer_a
) -> None:
    from jiuye.employers.models import Employer

    created = call("district", "post", "/api/v1/employers", _employer(), content_type=JSON)
    assert created.status_code == 201, created.content
    saved = Employer.objects.get(pk=created.json()["id"])
    assert (saved.name, saved.region_id, saved.version) == ("示范区接口餐饮公司", VILLAGE_A, 1)
    # The registry's rule: one credit code, one employer (a 422 with its Chinese message).
    again = call(
        "district", "post", "/api/v1/employers", _employer(uscc=saved.uscc), content_type=JSON
    )
    assert again.status_code == 422
    assert again["Content-Type"] == "application/problem+json"
    assert "已登记为“示范区接口餐饮公司”" in again.json()["detail"]
    url = f"/api/v1/employers/{saved.pk}"
    changed = call(
        "district", "patch", url, {"address": "东城路1号", "version": 1}, content_type=JSON
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["address"] == "东城路1号" and changed.json()["name"] == saved.name
    stale = call("district", "patch", url, {"address": "旧地址", "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    assert "刚刚被其他人修改过" in stale.json()["detail"]
    # As the pages: town officers and the employer itself read it but may not change it.
    for key in ("town_a", "employer", "leader"):
        refused = call(key, "patch", f"/api/v1/employers/{employer_a.pk}", {"version": 1},
                       content_type=JSON)  # fmt: skip
        assert refused.status_code == 403, key
    archived = call("district", "post", f"{url}/archive", {"reason": "已注销"}, content_type=JSON)
    assert archived.status_code == 200 and archived.json()["archived"] is True
    late = call("district", "patch", url, {"address": "x", "version": 3}, content_type=JSON)
    assert late.status_code == 422 and "已归档" in late.json()["detail"]


# --- referrals: the referral page's "next step", an action ---------------------------------------


def test_a_referral_advances_through_the_pages_rules(call, personas, plan) -> None:

    from jiuye.jobs.models import Referral

    pk = _record_of("referral", {"personas": personas, "plan": plan})
    referral = Referral.objects.get(pk=pk)
    url = f"/api/v1/referrals/{pk}/advance"
    today = dt.date.today().isoformat()
    # Out of scope for another town; a role the page does not let act is refused.
    assert call("town_b", "post", url, {"to": "viewed", "version": 1}, content_type=JSON
                ).status_code == 404  # fmt: skip
    assert call("leader", "post", url, {"to": "viewed", "version": 1}, content_type=JSON
                ).status_code == 403  # fmt: skip
    blind = call("district", "post", url, {"to": "viewed", "on": today}, content_type=JSON)
    assert blind.status_code == 400 and blind.json()["errors"][0]["field"] == "version"
    # An employer may not withdraw a referral: the page does not offer it that step.
    withdraw = {"to": "withdrawn", "on": today, "version": referral.version}
    refused = call("employer", "post", url, withdraw, content_type=JSON)
    assert refused.status_code == 422, refused.content
    assert "这一步现在不能选" in refused.json()["detail"]
    # The employer of the posting registers that it looked at the referral.
    viewed = {"to": "viewed", "on": today, "version": referral.version}
    answer = call("employer", "post", url, viewed, content_type=JSON)
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "viewed"
    assert answer["ETag"] == f'W/"{referral.version + 1}"'
    # A next step at the version read before: a 409; the same step again: a 422 (not offered).
    stale = {"to": "interview", "on": today, "version": referral.version}
    assert call("district", "post", url, stale, content_type=JSON).status_code == 409
    back = call("district", "post", url, {**viewed, "version": referral.version + 1},
                content_type=JSON)  # fmt: skip
    assert back.status_code == 422
    # A day before the last step: the service's own rule.
    early = {"to": "interview", "on": "2000-01-01", "version": referral.version + 1}
    too_early = call("district", "post", url, early, content_type=JSON)
    assert too_early.status_code == 422
    assert "不能早于上一步的日期" in too_early.json()["detail"]
    referral.refresh_from_db()
    assert referral.status == "viewed"
    # Closed: the page's message, whoever asks.
    closed = {"to": "withdrawn", "on": today, "version": referral.version}
    assert call("district", "post", url, closed, content_type=JSON).status_code == 200
    late = call("district", "post", url, {**closed, "to": "interview", "version":
                referral.version + 1}, content_type=JSON)  # fmt: skip
    assert late.status_code == 422
    assert "已结束，不能再改变状态" in late.json()["detail"]


# --- postings: the create and edit pages' own form; an employer submits for review ---------------


def test_an_employer_drafts_a_posting_and_submits_it_for_review(call, employer_a) -> None:
    from jiuye.jobs.models import Posting

    body = {"title": "接口客服", "openings": 2, "region": VILLAGE_A, "hours": "full_time",
            "description": "接听电话"}  # fmt: skip
    created = call("employer", "post", "/api/v1/postings", body, content_type=JSON)
    assert created.status_code == 201, created.content
    posting = Posting.objects.get(pk=created.json()["id"])
    # An employer's posting is its own unit's, a draft until it is submitted.
    assert (posting.employer_id, posting.status) == (employer_a.pk, "draft")
    url = f"/api/v1/postings/{posting.pk}"
    changed = call("employer", "patch", url, {"openings": 3, "version": 1}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert changed.json()["openings"] == 3
    stale = call("employer", "post", f"{url}/submit", {"version": 1}, content_type=JSON)
    assert stale.status_code == 409
    # Staff may not press the employer's button.
    assert call("district", "post", f"{url}/submit", {"version": 2}, content_type=JSON
                ).status_code == 403  # fmt: skip
    sent = call("employer", "post", f"{url}/submit", {"version": 2}, content_type=JSON)
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "review"
    # Under review: the service's rules refuse a change or a second submission (422, Chinese).
    version = sent.json()["version"]
    again = call("employer", "post", f"{url}/submit", {"version": version}, content_type=JSON)
    assert again.status_code == 422 and "只有草稿可以提交审核" in again.json()["detail"]
    late = call("employer", "patch", url, {"openings": 4, "version": version}, content_type=JSON)
    assert late.status_code == 422 and "单位不能再修改" in late.json()["detail"]
    # Staff change it (a town officer of its town; not another town's).
    staff = call("town_a", "patch", url, {"openings": 4, "version": version}, content_type=JSON)
    assert staff.status_code == 200, staff.content
    assert call("town_b", "patch", url, {"openings": 5, "version": version + 1},
                content_type=JSON).status_code == 404  # fmt: skip


def test_district_staff_review_a_posting_as_its_review_page(call, employer_a) -> None:
    from jiuye.jobs.models import Posting

    body = {"title": "接口审核", "openings": 1, "region": VILLAGE_A, "hours": "full_time",
            "description": "整理档案"}  # fmt: skip
    posting = Posting.objects.get(
        pk=call("employer", "post", "/api/v1/postings", body, content_type=JSON).json()["id"]
    )
    url = f"/api/v1/postings/{posting.pk}/review"
    # Not waiting for review yet: the page's message.
    early = call("district", "post", url, {"decision": "approve", "version": 1}, content_type=JSON)
    assert early.status_code == 422 and "不在待审核状态" in early.json()["detail"]
    sent = call("employer", "post", f"/api/v1/postings/{posting.pk}/submit", {"version": 1},
                content_type=JSON).json()  # fmt: skip
    version = sent["version"]
    # Only the reviewers press it; a return needs its note (the form's rule).
    for key in ("employer", "town_a", "leader"):
        refused = call(key, "post", url, {"decision": "approve", "version": version},
                       content_type=JSON)  # fmt: skip
        assert refused.status_code == 403, key
    bare = call("district", "post", url, {"decision": "return", "version": version},
                content_type=JSON)  # fmt: skip
    assert bare.status_code == 422, bare.content
    stale = call("district", "post", url, {"decision": "approve", "version": version - 1},
                 content_type=JSON)  # fmt: skip
    assert stale.status_code == 409
    approved = call("district", "post", url, {"decision": "approve", "note": "", "version":
                    version}, content_type=JSON)  # fmt: skip
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "published"


def test_staff_register_a_hire_as_the_referrals_hire_page(call, personas, plan) -> None:
    from jiuye.employment.models import EmploymentRecord
    from jiuye.jobs.models import Referral

    pk = _record_of("referral", {"personas": personas, "plan": plan})
    referral = Referral.objects.get(pk=pk)
    url = f"/api/v1/referrals/{pk}/hire"
    today = dt.date.today().isoformat()
    hire = {"start_date": today, "form": "quota", "monthly_wage": "3000", "version":
            referral.version}  # fmt: skip
    # The employer and the leader may not register a hire; another town does not see it.
    assert call("employer", "post", url, hire, content_type=JSON).status_code == 403
    assert call("leader", "post", url, hire, content_type=JSON).status_code == 403
    assert call("town_b", "post", url, hire, content_type=JSON).status_code == 404
    future = call("town_a", "post", url, {**hire, "start_date": "2999-01-01"}, content_type=JSON)
    assert future.status_code == 422, future.content
    done = call("town_a", "post", url, hire, content_type=JSON)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "hired"
    record = EmploymentRecord.objects.get(person=referral.person, start_date=dt.date.today())
    assert str(record.monthly_wage) in ("3000", "3000.00")
    again = call("town_a", "post", url, {**hire, "version": done.json()["version"]},
                 content_type=JSON)  # fmt: skip
    assert again.status_code == 422 and "不能重复登记" in again.json()["detail"]


# --- referrals and enrolments: added for a person, as the refer and enrol pages ------------------


def test_staff_refer_a_person_to_an_open_posting_through_the_service(call, personas, plan) -> None:
    from jiuye.jobs.models import Posting, Referral
    from jiuye.jobs.services.referrals import consent_withdraw

    referral = Referral.objects.get(pk=_record_of("referral", {"personas": personas,
                                                               "plan": plan}))  # fmt: skip
    person, posting = referral.person, referral.posting
    other = Posting.objects.get(pk=posting.pk)
    other.pk, other.title, other.version = None, "接口新岗位", 1
    other.save()
    today = dt.date.today().isoformat()
    body = {"person": str(person.pk), "posting": str(other.pk), "on": today}
    assert call("employer", "post", "/api/v1/referrals", body, content_type=JSON
                ).status_code == 403  # fmt: skip
    made = call("town_a", "post", "/api/v1/referrals", body, content_type=JSON)
    assert made.status_code == 201, made.content
    assert made.json()["posting"] == str(other.pk) and made.json()["status"] == "referred"
    # The service's rule: one open referral of a person to a posting.
    again = call("district", "post", "/api/v1/referrals", body, content_type=JSON)
    assert again.status_code == 422, again.content
    assert again["Content-Type"] == "application/problem+json" and again.json()["detail"]
    # Without the person's consent, the service refuses (its Chinese message).
    consent_withdraw(consent=referral.person.consents.filter(withdrawn_at__isnull=True).get(),
                     by=None)  # fmt: skip
    third = Posting.objects.get(pk=posting.pk)
    third.pk, third.title, third.version = None, "接口第三岗位", 1
    third.save()
    refused = call("district", "post", "/api/v1/referrals",
                   {**body, "posting": str(third.pk)}, content_type=JSON)  # fmt: skip
    assert refused.status_code == 422
    assert "同意" in refused.json()["detail"]


def test_staff_enrol_a_person_in_a_course_through_the_service(call, personas, plan) -> None:
    from jiuye.training.models import Enrolment

    enrolment = Enrolment.objects.get(pk=_record_of("enrolment", {"personas": personas,
                                                                  "plan": plan}))  # fmt: skip
    course, person = enrolment.course, personas["jobseeker"].person
    Enrolment.objects.filter(course=course, person=person).delete()
    today = dt.date.today().isoformat()
    body = {"person": str(person.pk), "course": str(course.pk), "enrolled_on": today}
    no_course = call("district", "post", "/api/v1/enrolments",
                     {**body, "course": ""}, content_type=JSON)  # fmt: skip
    assert no_course.status_code == 400
    assert no_course.json()["errors"][0]["field"] == "course"
    assert call("leader", "post", "/api/v1/enrolments", body, content_type=JSON
                ).status_code == 403  # fmt: skip
    made = call("town_a", "post", "/api/v1/enrolments", body, content_type=JSON)
    assert made.status_code == 201, made.content
    assert made.json()["course"] == str(course.pk)
    # Enrolled once: the service's rule refuses a second enrolment (a 422 in Chinese).
    again = call("district", "post", "/api/v1/enrolments", body, content_type=JSON)
    assert again.status_code == 422, again.content
    assert again.json()["detail"]
