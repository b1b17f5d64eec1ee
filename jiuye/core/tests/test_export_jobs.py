"""Large exports made in the background (core.importing.exportjobs): a small result downloads at
once; a large one is queued, written by the task in the asking user's scope, shown with its
progress, downloadable by that user only until it expires, and a failure says why."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import VILLAGE_B, register_person
from jiuye.accounts.models import Role
from jiuye.core.crypto import FILE_MAGIC
from jiuye.core.importing import exportjobs
from jiuye.core.importing.exportjobs import export_job_task
from jiuye.core.models import AccessEvent, ExportJob
from jiuye.core.storage import encrypted_storage

SEARCH = {"name": "张"}


@pytest.fixture
def zhangs(person_a, person_b) -> list[Any]:  # noqa: ANN001
    """张三 (person_a) and two more 张 in 东城 (town A), one 张 in 西城 (town B); 李四 in 西城."""
    return [
        person_a,
        register_person(301, "张一"),
        register_person(302, "张二"),
        register_person(303, "张西", village=VILLAGE_B),
    ]


@pytest.fixture
def small_limit(settings) -> None:  # noqa: ANN001
    settings.JIUYE_EXPORT_DIRECT_MAX_ROWS = 2


def _names(content: bytes) -> list[str]:
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    name = rows[0].index("姓名")
    return sorted(row[name] for row in rows[1:])


def _download(client, job: ExportJob) -> bytes:  # noqa: ANN001
    response = client.get(reverse("core:export-download", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _ask(client, **query: str):  # noqa: ANN001, ANN202
    return client.get(reverse("people:export"), {**SEARCH, **query})


def test_a_small_export_still_downloads_at_once(client_for, zhangs) -> None:  # noqa: ANN001
    response = _ask(client_for("district"))
    assert response.status_code == 200
    assert _names(response.content) == ["张一", "张三", "张二", "张西"]
    assert not ExportJob.objects.exists()
    assert AccessEvent.objects.get(action="export").detail["rows"] == 4


def test_a_large_export_is_queued_and_the_task_writes_the_file(
    client_for, zhangs, small_limit
) -> None:  # noqa: ANN001
    client = client_for("district")
    response = _ask(client)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:export-job", kwargs={"pk": job.pk})
    # Tasks run at once in tests: the file is there, the page offers it.
    assert job.status == ExportJob.Status.DONE and job.rows_done == 4 and job.total_rows == 4
    page = client.get(response["Location"]).content.decode()
    assert "文件已生成，共 4 条记录" in page
    assert reverse("core:export-download", kwargs={"pk": job.pk}) in page
    download = client.get(reverse("core:export-download", kwargs={"pk": job.pk}))
    assert download.status_code == 200
    assert download.streaming and int(download["Content-Length"]) == job.size
    content = b"".join(download.streaming_content)
    assert _names(content) == ["张一", "张三", "张二", "张西"]
    # Masked, as asked, and stored encrypted in the user's folder.
    assert zhangs[0].id_number not in str(list(load_workbook(io.BytesIO(content)).active.values))
    (stored,) = encrypted_storage.walk(f"exports/{job.created_by_id}")
    assert stored == job.part_name(1)
    sealed = encrypted_storage.read_sealed(stored)
    assert sealed.startswith(FILE_MAGIC) and content[:4] not in sealed
    written, downloaded = AccessEvent.objects.filter(action="export").order_by("at", "id")
    assert written.username == "district" and written.detail["rows"] == 4
    assert written.detail["background"] == str(job.pk) and written.detail["revealed"] is False
    assert downloaded.detail["download"] == str(job.pk)


def test_the_background_file_holds_only_the_town_officers_town(
    client_for, zhangs, small_limit
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    _ask(client)
    job = ExportJob.objects.get()
    content = _download(client, job)
    assert _names(content) == ["张一", "张三", "张二"]


def test_a_file_larger_than_a_piece_is_stored_in_sealed_pieces_and_downloads_whole(
    client_for, zhangs, small_limit, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.setattr(exportjobs, "PART_BYTES", 1000)
    client = client_for("district")
    _ask(client)
    job = ExportJob.objects.get()
    assert job.parts == -(-job.size // 1000) and job.parts > 2
    assert len(encrypted_storage.walk(job.folder)) == job.parts
    assert _names(_download(client, job)) == ["张一", "张三", "张二", "张西"]
    # A missing piece: no half file, a 404.
    encrypted_storage.delete(job.part_name(2))
    response = client.get(reverse("core:export-download", kwargs={"pk": job.pk}))
    assert response.status_code == 404


def test_a_full_number_export_in_the_background_keeps_its_reason(
    client_for, zhangs, small_limit
) -> None:  # noqa: ANN001
    client = client_for("district")
    response = client.post(f"{reverse('people:export')}?name=张", {"reason": "与人社局核对"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.revealed
    content = _download(client, job)
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    column = rows[0].index("身份证号")
    assert zhangs[0].id_number in [row[column] for row in rows]
    event = AccessEvent.objects.get(action="export", detail__background=str(job.pk))
    assert event.reason == "与人社局核对" and event.detail["revealed"] is True


def test_another_user_gets_404_for_the_job_its_progress_and_its_file(
    client_for, zhangs, small_limit
) -> None:  # noqa: ANN001
    _ask(client_for("town_a"))
    job = ExportJob.objects.get()
    for name in ("district", "admin", "town_b"):
        client = client_for(name)
        for view in ("core:export-job", "core:export-progress", "core:export-download"):
            assert client.get(reverse(view, kwargs={"pk": job.pk})).status_code == 404


def test_an_expired_export_is_refused_and_purged(client_for, zhangs, small_limit) -> None:  # noqa: ANN001
    client = client_for("district")
    _ask(client)
    job = ExportJob.objects.get()
    name = job.part_name(1)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(reverse("core:export-download", kwargs={"pk": job.pk})).status_code == 404
    page = client.get(reverse("core:export-job", kwargs={"pk": job.pk})).content.decode()
    assert "这个导出文件已过期并被删除" in page
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert "expired export files: deleted 1" in out.getvalue()
    assert not encrypted_storage.exists(name) and not ExportJob.objects.exists()
    assert client.get(reverse("core:export-job", kwargs={"pk": job.pk})).status_code == 404


def test_an_unexpired_export_survives_the_purge(client_for, zhangs, small_limit) -> None:  # noqa: ANN001
    _ask(client_for("district"))
    call_command("purge_uploads", stdout=io.StringIO())
    job = ExportJob.objects.get()
    assert encrypted_storage.exists(job.part_name(1))


def _running(user: Any, **fields: Any) -> ExportJob:
    values = {
        "kind": "persons",
        "source": "jiuye.people.views.persons_to_export",
        "params": '{"query": "name=张"}',
        "filename": "残疾人名单.xlsx",
        "expires_at": timezone.now() + dt.timedelta(hours=1),
        "created_by": user,
    }
    return ExportJob.objects.create(**{**values, **fields})


def test_the_progress_shows_rows_written_and_polls_until_done(client_for, personas) -> None:  # noqa: ANN001
    job = _running(
        personas["district"], status=ExportJob.Status.RUNNING, rows_done=2000, total_rows=5000
    )
    client = client_for("district")
    part = client.get(reverse("core:export-progress", kwargs={"pk": job.pk})).content.decode()
    assert 'aria-live="polite"' in part and "已写 2000 条，共约 5000 条（40%）" in part
    assert '<progress max="100" value="40"' in part
    assert f'hx-get="{reverse("core:export-progress", kwargs={"pk": job.pk})}"' in part
    # Without JavaScript the page itself shows the same and links to itself to reload.
    page = client.get(reverse("core:export-job", kwargs={"pk": job.pk})).content.decode()
    assert "40%" in page and f'href="{reverse("core:export-job", kwargs={"pk": job.pk})}"' in page


def test_a_job_whose_worker_died_is_shown_as_failed(client_for, personas, settings) -> None:  # noqa: ANN001
    job = _running(personas["district"], status=ExportJob.Status.RUNNING)
    stale = timezone.now() - dt.timedelta(minutes=settings.JIUYE_IMPORT_STALE_MINUTES + 1)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=stale)
    page = client_for("district").get(reverse("core:export-job", kwargs={"pk": job.pk}))
    assert "导出中断" in page.content.decode() and 'role="alert"' in page.content.decode()
    assert ExportJob.objects.get().status == ExportJob.Status.FAILED


def test_a_user_who_may_no_longer_export_gets_a_clear_failure(client_for, personas, zhangs) -> None:  # noqa: ANN001
    officer = personas["district"]
    job = _running(officer)
    officer.role = Role.LEADER
    officer.save(update_fields=["role"])
    assert export_job_task.call(job_id=str(job.pk)) == ExportJob.Status.FAILED
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.parts
    assert "没有导出残疾人名单的权限" in job.message
    assert not AccessEvent.objects.filter(action="export").exists()
    page = client_for("district").get(reverse("core:export-job", kwargs={"pk": job.pk}))
    assert 'role="alert"' in page.content.decode() and "导出失败" in page.content.decode()


def test_a_finished_file_is_refused_once_its_asker_may_no_longer_export(
    client_for, zhangs, small_limit
) -> None:  # noqa: ANN001
    client = client_for("district")
    _ask(client)
    job = ExportJob.objects.get(status=ExportJob.Status.DONE)
    assert _download(client, job)
    officer = job.created_by
    officer.role = Role.LEADER
    officer.save(update_fields=["role"])
    response = client.get(reverse("core:export-download", kwargs={"pk": job.pk}))
    assert response.status_code == 404


def test_a_deactivated_user_gets_no_file(personas, zhangs) -> None:  # noqa: ANN001
    officer = personas["district"]
    job = _running(officer)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    export_job_task.call(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "账号已停用" in job.message


def test_a_search_that_no_longer_holds_fails_with_a_message(client_for, personas) -> None:  # noqa: ANN001
    job = _running(personas["district"], params='{"query": ""}')
    export_job_task.call(job_id=str(job.pk))
    page = client_for("district").get(reverse("core:export-job", kwargs={"pk": job.pk}))
    assert "查询条件已失效，请重新查询后再导出" in page.content.decode()


def test_the_employer_export_goes_to_the_background_too(
    client_for, employer_a, employer_b, settings
) -> None:  # noqa: ANN001
    settings.JIUYE_EXPORT_DIRECT_MAX_ROWS = 1
    client = client_for("leader")
    response = client.get(reverse("employers:export"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.rows_done == 2
    content = _download(client, job)
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    assert len(rows) == 3
