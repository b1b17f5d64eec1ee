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
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_tasks import task

from jiuye.core import tallies
from jiuye.core.userjobs import UserJobs
from jiuye.dashboards.selectors.report import ReportError, report_content, report_region
from jiuye.dashboards.services.report_document import report_docx
from jiuye.reference.models import Region

FOLDER = "annual_reports"


def report_write(
    *, year: int, region: Region, now: dt.datetime | None = None, progress: Any = None
) -> bytes:
    """The report of ``region`` in ``year`` as .docx bytes (always in Chinese: it goes upward).
    Its counts are those of the moment it is made: it waits for a recount of the villages an
    import changed rather than print the counts from before (``core.tallies.reading``)."""
    with translation.override(settings.LANGUAGE_CODE), tallies.reading(wait=True):
        content = report_content(year=year, region=region, now=now or timezone.now())
        return report_docx(content, progress)


# --- background jobs --------------------------------------------------------------------------

JOBS = UserJobs(
    "annual_report",
    folder=FOLDER,
    suffix=".docx",
    interrupted=_lazy("生成中断：后台进程已停止（可能是服务器重启）。请重新生成。"),
    failed=_lazy("生成失败：系统内部错误，已记录，请联系管理员。"),
    known=(ReportError,),
)


def job_of(token: str, user: Any) -> dict[str, Any] | None:
    """The job ``token`` if ``user`` started it (anyone else: None). A running job whose worker
    stopped reporting is ended as failed, as a stale import batch is."""
    return JOBS.of(token, user)


def report_start(*, user: Any, year: int, region: Region) -> str:
    """Queue the report of ``region`` in ``year`` for ``user``; the job's token."""
    return JOBS.start(
        user, annual_report_task, year=year, region=region.code, region_name=region.name
    )


@task()
def annual_report_task(token: str) -> str:
    """Write the report of a queued job (by the task worker; immediately in tests)."""
    return JOBS.run(
        token,
        lambda job, progress: report_write(
            year=job["year"], region=report_region(job["region"]), progress=progress
        ),
    )


def report_file(*, token: str, user: Any) -> tuple[bytes, str] | None:
    """The finished report of ``user``'s job ``token`` and its file name, or None."""
    data = JOBS.read(token, user)
    if data is None:
        return None
    job = JOBS.stored(token)
    name = (
        _("%(region)s%(year)s年度报告.docx") % {"region": job["region_name"], "year": job["year"]}
        if job.get("region_name")
        else _("年度报告.docx")
    )
    return data, name
