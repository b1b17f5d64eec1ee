"""A department's system submits its progress report through the API (the report page's
service), with optimistic concurrency."""

from __future__ import annotations

import pytest

from jiuye.actionplan.models import ProgressReport, Task
from jiuye.core.conflicts import ConflictError

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty(plan):  # noqa: ANN001, ANN201
    # Action 二, task 1 is led by 区人社局, the liaison key's department.
    task = Task.objects.get(action__plan=plan, action__number=2, position=1)
    return task, plan.periods.get(year=2023)


def test_a_liaison_key_submits_its_report_and_a_stale_version_is_a_409(call, duty) -> None:
    task, period = duty
    url = f"/api/v1/reports/{task.pk}/{period.pk}"
    saved = call(
        "liaison", "put", url, data={"narrative": "开展招聘会3场"}, content_type="application/json"
    )
    assert saved.status_code == 200, saved.content
    first = saved.json()
    assert first["status"] == "draft" and saved["ETag"] == f'W/"{first["version"]}"'
    # Without the version it read, an existing report is not overwritten.
    blind = call("liaison", "put", url, data={"narrative": "x"}, content_type="application/json")
    assert blind.status_code == 400 and blind.json()["errors"][0]["field"] == "version"
    submitted = call(
        "liaison",
        "put",
        url,
        data={"narrative": "开展招聘会4场", "submit": True},
        content_type="application/json",
        HTTP_IF_MATCH=saved["ETag"],
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    report = ProgressReport.objects.get()
    assert report.narrative == "开展招聘会4场" and report.submitted_at is not None


def test_a_stale_write_answers_409_with_the_conflict_message(call, duty) -> None:
    task, period = duty
    url = f"/api/v1/reports/{task.pk}/{period.pk}"
    first = call("liaison", "put", url, data={"narrative": "a"}, content_type="application/json")
    version = first.json()["version"]
    call(
        "liaison",
        "put",
        url,
        data={"narrative": "b", "version": version},
        content_type="application/json",
    )
    stale = call(
        "liaison",
        "put",
        url,
        data={"narrative": "c", "version": version},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["detail"] == str(ConflictError.default_message)
    assert ProgressReport.objects.get().narrative == "b"


def test_only_the_responsible_units_keys_write_reports(call, duty) -> None:
    task, period = duty
    url = f"/api/v1/reports/{task.pk}/{period.pk}"
    body = {"narrative": "x"}
    for key in ("district", "leader", "employer"):
        answer = call(key, "put", url, data=body, content_type="application/json")
        assert answer.status_code == 403, key
    assert not ProgressReport.objects.exists()


def test_a_department_reads_only_its_own_reports(call, duty) -> None:
    task, period = duty
    url = f"/api/v1/reports/{task.pk}/{period.pk}"
    call("liaison", "put", url, data={"narrative": "a"}, content_type="application/json")
    assert len(call("liaison", "get", "/api/v1/reports").json()["items"]) == 1
    assert len(call("district", "get", "/api/v1/reports").json()["items"]) == 1
    assert call("town_a", "get", "/api/v1/reports").json()["items"] == []
    assert call("employer", "get", "/api/v1/reports").status_code == 403
