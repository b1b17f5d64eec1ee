"""POST /api/v1/imports/{kind}: the import pages' kinds, checks and save, with a file or JSON
rows; dry runs, row errors, unreadable files, roles, the background run and its status URL,
and the contract: the same rows through the pages and through the API give the same result."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse

from conftest import VILLAGE_A, make_id_number
from jiuye.core.models import ImportBatch
from jiuye.employment.models import EmploymentRecord
from jiuye.people.models import Person

pytestmark = pytest.mark.django_db

PERSON_HEADER = ["姓名", "身份证号", "残疾类别", "残疾等级", "联系电话", "村社区代码"]


def person_rows(*seqs: int, over: dict[str, str] | None = None) -> list[dict[str, str]]:
    rows = []
    for seq in seqs:
        row = dict(
            zip(
                PERSON_HEADER,
                [f"人{seq}", make_id_number(seq=seq), "4", "2", "", VILLAGE_A],
                strict=True,
            )
        )
        row.update(over or {})
        rows.append(row)
    return rows


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    header = list(rows[0])
    lines = [",".join(header), *(",".join(str(r[h]) for h in header) for r in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def post_rows(call, key: str, kind: str, rows: Any, query: str = "", **headers: str):  # noqa: ANN001, ANN201
    return call(
        key,
        "post",
        f"/api/v1/imports/{kind}{query}",
        {"rows": rows},
        content_type="application/json",
        **headers,
    )


def post_file(call, key: str, kind: str, content: bytes, name: str = "x.csv", query: str = ""):  # noqa: ANN001, ANN201
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return call(key, "post", f"/api/v1/imports/{kind}{query}", {"file": upload})


def test_a_dry_run_of_json_rows_counts_and_writes_nothing(call) -> None:  # noqa: ANN001
    before = Person.objects.count()
    answer = post_rows(call, "district", "persons", person_rows(501, 502), "?dry_run=true")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["created"], body["updated"], body["unchanged"], body["invalid"]) == (2, 0, 0, 0)
    assert body["dry_run"] is True and body["written"] is False and body["errors"] == []
    assert Person.objects.count() == before
    batch = ImportBatch.objects.get(pk=body["batch"])
    assert batch.dry_run and batch.status == ImportBatch.Status.VALIDATED


def test_a_commit_writes_then_the_same_rows_change_nothing(call) -> None:  # noqa: ANN001
    rows = person_rows(511, 512)
    body = post_rows(call, "town_a", "persons", rows).json()
    assert (body["created"], body["written"], body["status"]) == (2, True, "succeeded")
    assert Person.objects.filter(name="人511").exists()
    again = post_rows(call, "town_a", "persons", rows).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = person_rows(511, over={"联系电话": "13800138000"})
    assert post_rows(call, "town_a", "persons", changed).json()["updated"] == 1


def test_a_spreadsheet_upload_imports_like_json_rows(call) -> None:  # noqa: ANN001
    answer = post_file(call, "district", "persons", as_csv(person_rows(521)), "p.csv")
    assert answer.status_code == 200, answer.content
    assert answer.json()["created"] == 1
    assert Person.objects.filter(name="人521").exists()


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(call) -> None:  # noqa: ANN001
    rows = person_rows(531, 532)
    rows[1]["残疾类别"] = "九"
    answer = post_rows(call, "district", "persons", rows)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["invalid"], body["written"], body["status"]) == (1, False, "failed")
    # Row 2 of the JSON rows (line 3 of the file they became); the column as named.
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "残疾类别")]
    assert body["errors"][0]["message"]
    assert body["errors_complete"] is True
    assert not Person.objects.filter(name="人531").exists()
    # Only the valid rows, when asked (as the page's "只导入正确的行").
    valid_only = post_rows(call, "district", "persons", rows, "?valid_only=true").json()
    assert (valid_only["created"], valid_only["invalid"], valid_only["written"]) == (1, 1, True)
    # A file's rows keep the file's numbers, as on the import page.
    filed = post_file(call, "district", "persons", as_csv(rows), "p.csv").json()
    assert [e["row"] for e in filed["errors"]] == [3]


def test_messages_follow_accept_language(call) -> None:  # noqa: ANN001
    rows = person_rows(541, over={"残疾类别": "九"})
    zh = post_rows(call, "district", "persons", rows, "?dry_run=true").json()
    en = post_rows(
        call, "district", "persons", rows, "?dry_run=true", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert zh["errors"][0]["message"] != en["errors"][0]["message"]
    assert en["errors"][0]["message"].startswith("The disability category")


def test_an_unreadable_file_is_a_422_problem(call) -> None:  # noqa: ANN001
    answer = post_file(call, "district", "persons", b"\x00\x01\x02garbage\xff" * 20, "x.bin")
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert problem["detail"] and problem["batch"]


@pytest.mark.parametrize(
    "body",
    [
        {"rows": []},
        {"rows": "x"},
        {"rows": [["a"]]},
        {"rows": [{"姓名": {"x": 1}}]},
        {"rows": [{"姓名": None}]},
        {"lines": []},
    ],
)
def test_json_that_is_not_rows_is_a_400_naming_rows(call, body) -> None:  # noqa: ANN001
    answer = call(
        "district", "post", "/api/v1/imports/persons", body, content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "rows"


def test_a_multipart_body_without_a_file_is_a_400(call) -> None:  # noqa: ANN001
    answer = call("district", "post", "/api/v1/imports/persons", {"other": "x"})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "file"


def test_roles_and_kinds_as_on_the_import_pages(call) -> None:  # noqa: ANN001
    rows = person_rows(551)
    for key in ("leader", "liaison", "employer"):
        answer = post_rows(call, key, "persons", rows, "?dry_run=true")
        assert answer.status_code == 403, key
        assert answer["Content-Type"] == "application/problem+json"
    # A kind that does not exist, or is not offered on the upload page.
    assert post_rows(call, "district", "nonsense", rows).status_code == 404
    assert post_rows(call, "district", "quota_results", rows).status_code == 404
    # A kind whose writers leave the town officers out.
    assert post_rows(call, "town_a", "indicator_targets", rows).status_code == 403
    assert post_rows(call, "district", "indicator_targets", rows, "?dry_run=true").status_code in (
        200,
        422,
    )


def test_a_large_body_runs_in_the_background_with_a_status_url(call, settings, monkeypatch) -> None:  # noqa: ANN001
    from jiuye.core.importing import import_batch_task

    settings.JIUYE_API_IMPORT_SYNC_BYTES = 10
    queued: list[str] = []
    monkeypatch.setattr(
        type(import_batch_task), "enqueue", lambda self, batch_id: queued.append(batch_id)
    )
    answer = post_rows(call, "town_a", "persons", person_rows(561, 562))
    assert answer.status_code == 202
    status_url = answer["Location"]
    assert status_url == answer.json()["status_url"] == f"/api/v1/imports/{queued[0]}"
    waiting = call("town_a", "get", status_url).json()
    assert (waiting["finished"], waiting["status"]) == (False, "pending")
    monkeypatch.undo()
    import_batch_task.call(batch_id=queued[0])
    done = call("town_a", "get", status_url).json()
    assert (done["finished"], done["created"], done["written"]) == (True, 2, True)
    # Another town's key does not see the batch; an unknown batch is a 404 too.
    assert call("town_b", "get", status_url).status_code == 404
    assert call("district", "get", status_url).status_code == 200
    assert call("leader", "get", status_url).status_code == 403
    missing = "/api/v1/imports/00000000-0000-0000-0000-000000000000"
    assert call("district", "get", missing).status_code == 404


# --- the contract: the pages and the API give the same result on the same rows -------------


def _through_pages(client, kind: str, content: bytes) -> dict[str, int]:  # noqa: ANN001
    upload = SimpleUploadedFile("rows.csv", content, content_type="text/csv")
    response = client.post(reverse("core:import-upload"), {"kind": kind, "file": upload})
    assert response.status_code == 302
    checked = ImportBatch.objects.filter(kind=kind, dry_run=True).latest("created_at")
    assert checked.status == ImportBatch.Status.VALIDATED, checked.message
    client.post(reverse("core:import-detail", args=[checked.pk]), {})
    done = ImportBatch.objects.filter(kind=kind, dry_run=False).latest("created_at")
    return {
        "created": done.created,
        "updated": done.updated,
        "unchanged": done.unchanged,
        "invalid": done.invalid_rows,
    }


def _through_api(call, kind: str, rows: list[dict[str, Any]]) -> dict[str, int]:  # noqa: ANN001
    body = post_rows(call, "district", kind, rows).json()
    return {k: body[k] for k in ("created", "updated", "unchanged", "invalid")}


SKIP = {"id", "created_at", "updated_at", "created_by", "updated_by", "import_batch"}


def _stored(model: Any) -> list[dict[str, Any]]:
    records = [
        {k: v for k, v in model_to_dict(r).items() if k not in SKIP}
        for r in model.objects.order_by("pk")
    ]
    return sorted(records, key=repr)


def _run_both(client_for, call, kind: str, model: Any, steps: list[list[dict[str, Any]]]) -> None:  # noqa: ANN001
    outcomes = {}
    for way in ("pages", "api"):
        with transaction.atomic():
            client = client_for("district")
            counts = [
                _through_pages(client, kind, as_csv(rows))
                if way == "pages"
                else _through_api(call, kind, rows)
                for rows in steps
            ]
            outcomes[way] = (counts, _stored(model))
            transaction.set_rollback(True)
    assert outcomes["pages"] == outcomes["api"]
    assert any(step["created"] for step in outcomes["api"][0])


def test_persons_through_the_pages_and_the_api_give_the_same_result(client_for, call) -> None:  # noqa: ANN001
    first = person_rows(571, 572, 573)
    second = person_rows(571, 572, 574)
    second[1]["联系电话"] = "13900139000"
    _run_both(client_for, call, "persons", Person, [first, second])


def test_employment_through_the_pages_and_the_api_give_the_same_result(
    client_for, call, person_a, person_b
) -> None:  # noqa: ANN001
    def job(person: Person, over: dict[str, str] | None = None) -> dict[str, str]:
        row = {
            "身份证号码": person.id_number,
            "姓名": person.name,
            "就业形式": "按比例就业",
            "用人单位": "东城小吃店",
            "岗位": "收银员",
            "入职日期": "2024-03-01",
            "月工资": "3200",
            "是否缴纳社保": "是",
        }
        row.update(over or {})
        return row

    first = [job(person_a), job(person_b)]
    second = [job(person_a, {"月工资": "3500"}), job(person_b)]
    _run_both(client_for, call, "employment", EmploymentRecord, [first, second])


def test_the_schema_describes_both_bodies(client) -> None:  # noqa: ANN001
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/imports/{kind}"]["post"]
    assert set(operation["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert "/api/v1/imports/{batch_id}" in schema["paths"]
