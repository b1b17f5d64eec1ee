"""Making the annual report: at once (the command) or as a background task (the page), the way
long imports run (``core.importing.batches``): the task reports its progress to the progress
cache, which the page polls, and keeps the finished file, encrypted, in the project's storage
under the asking user's own folder, so only they can download it.

A job is known by its token; what the page needs of it (who asked, year, region, phase, step
of steps, message) is in the progress cache for a day. The file stays until
``JIUYE_UPLOAD_RETENTION_DAYS`` have passed (older ones are deleted when the user starts
another)."""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from jiuye.core.storage import encrypted_storage
from jiuye.dashboards.selectors.report import ReportError, report_content, report_region
from jiuye.dashboards.services.report_document import report_docx
from jiuye.reference.models import Region

logger = logging.getLogger(__name__)

FOLDER = "annual_reports"
KEPT_SECONDS = 24 * 3600
PHASES_RUNNING = ("queued", "running")


def report_write(
    *, year: int, region: Region, now: dt.datetime | None = None, progress: Any = None
) -> bytes:
    """The report of ``region`` in ``year`` as .docx bytes (always in Chinese: it goes upward)."""
    with translation.override(settings.LANGUAGE_CODE):
        content = report_content(year=year, region=region, now=now or timezone.now())
        return report_docx(content, progress)


# --- background jobs --------------------------------------------------------------------------


def _cache() -> Any:
    return caches["progress"]


def _key(token: str) -> str:
    return f"annual_report:{token}"


def _path(user_id: Any, token: str) -> str:
    return f"{FOLDER}/{user_id}/{token}.docx"


def _update(token: str, **changes: Any) -> dict[str, Any]:
    job = {**(_cache().get(_key(token)) or {}), **changes, "at": time.time()}
    _cache().set(_key(token), job, KEPT_SECONDS)
    return job


def job_of(token: str, user: Any) -> dict[str, Any] | None:
    """The job ``token`` if ``user`` started it (anyone else: None). A running job whose worker
    stopped reporting is ended as failed, as a stale import batch is."""
    job = _cache().get(_key(token))
    if not job or job.get("user") != str(user.pk):
        return None
    stale = time.time() - job["at"] > settings.JIUYE_IMPORT_STALE_MINUTES * 60
    if job["phase"] == "running" and stale:
        job = _update(
            token,
            phase="failed",
            message=_("生成中断：后台进程已停止（可能是服务器重启）。请重新生成。"),
        )
    return {**job, "token": token}


def _purge_old(user_id: Any) -> None:
    folder = f"{FOLDER}/{user_id}"
    if not encrypted_storage.exists(folder):
        return
    oldest = timezone.now() - dt.timedelta(days=settings.JIUYE_UPLOAD_RETENTION_DAYS)
    for name in encrypted_storage.listdir(folder)[1]:
        path = f"{folder}/{name}"
        if encrypted_storage.get_modified_time(path) < oldest:
            encrypted_storage.delete(path)


def report_start(*, user: Any, year: int, region: Region) -> str:
    """Queue the report of ``region`` in ``year`` for ``user``; the job's token."""
    _purge_old(user.pk)
    token = str(uuid.uuid4())
    _update(
        token,
        user=str(user.pk),
        year=year,
        region=region.code,
        region_name=region.name,
        phase="queued",
        step=0,
        steps=0,
        message="",
    )
    annual_report_task.enqueue(token=token)
    return token


@task()
def annual_report_task(token: str) -> str:
    """Write the report of a queued job (by the task worker; immediately in tests)."""
    job = _cache().get(_key(token))
    if not job or job.get("phase") != "queued":
        return "gone"
    _update(token, phase="running")
    try:
        data = report_write(
            year=job["year"],
            region=report_region(job["region"]),
            progress=lambda step, steps: _update(token, step=step, steps=steps),
        )
        encrypted_storage.save(_path(job["user"], token), ContentFile(data))
    except ReportError as exc:
        _update(token, phase="failed", message=str(exc))
        return "failed"
    except Exception:
        logger.exception("annual report %s failed", token)
        _update(token, phase="failed", message=_("生成失败：系统内部错误，已记录，请联系管理员。"))
        return "failed"
    _update(token, phase="done")
    return "done"


def report_file(*, token: str, user: Any) -> tuple[bytes, str] | None:
    """The finished report of ``user``'s job ``token`` and its file name, or None."""
    path = _path(user.pk, token)
    if not encrypted_storage.exists(path):
        return None
    job = _cache().get(_key(token)) or {}
    name = (
        _("%(region)s%(year)s年度报告.docx") % {"region": job["region_name"], "year": job["year"]}
        if job.get("region_name")
        else _("年度报告.docx")
    )
    return encrypted_storage.read_bytes(path), name
