"""A background job one user starts and only that user may see: its state in the progress
cache (as long imports report theirs), its result a file in the encrypted storage under the
user's own folder. The annual report and the whole-fair matching are such jobs.

- ``start(user, task, **fields)`` keeps the job as queued and queues ``task(token=…)``;
  the user's results older than the upload retention are deleted first.
- ``of(token, user)`` is the job if ``user`` started it, else None; a running job whose worker
  stopped reporting for ``JIUYE_IMPORT_STALE_MINUTES`` is ended as failed (``interrupted``).
- ``run(token, work)`` is the task's body: ``work(job, progress)`` gives the result's bytes,
  which are stored; a ``known`` error fails the job with its own message, any other with
  ``failed`` (and is logged).
- ``read(token, user)`` is the stored result, or None.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.utils import timezone

from jiuye.core.storage import encrypted_storage

logger = logging.getLogger(__name__)

KEPT_SECONDS = 24 * 3600

Progress = Callable[[int, int], None]


class UserJobs:
    def __init__(
        self,
        name: str,
        *,
        folder: str,
        suffix: str,
        interrupted: Any,
        failed: Any,
        known: tuple[type[Exception], ...] = (),
    ) -> None:
        self.name, self.folder, self.suffix = name, folder, suffix
        self.interrupted, self.failed, self.known = interrupted, failed, known

    def _key(self, token: str) -> str:
        return f"{self.name}:{token}"

    def stored_name(self, user_id: Any, token: str) -> str:
        return f"{self.folder}/{user_id}/{token}{self.suffix}"

    def update(self, token: str, **changes: Any) -> dict[str, Any]:
        cache = caches["progress"]
        job = {**(cache.get(self._key(token)) or {}), **changes, "at": time.time()}
        cache.set(self._key(token), job, KEPT_SECONDS)
        return job

    def stored(self, token: str) -> dict[str, Any]:
        """The job as kept (whoever asks), {} if there is none."""
        return caches["progress"].get(self._key(token)) or {}

    def of(self, token: str, user: Any) -> dict[str, Any] | None:
        job = self.stored(token)
        if not job or job.get("user") != str(user.pk):
            return None
        stale = time.time() - job["at"] > settings.JIUYE_IMPORT_STALE_MINUTES * 60
        if job["phase"] == "running" and stale:
            job = self.update(token, phase="failed", message=str(self.interrupted))
        return {**job, "token": token}

    def _purge_old(self, user_id: Any) -> None:
        folder = f"{self.folder}/{user_id}"
        if not encrypted_storage.exists(folder):
            return
        oldest = timezone.now() - dt.timedelta(days=settings.JIUYE_UPLOAD_RETENTION_DAYS)
        for name in encrypted_storage.listdir(folder)[1]:
            path = f"{folder}/{name}"
            if encrypted_storage.get_modified_time(path) < oldest:
                encrypted_storage.delete(path)

    def start(self, user: Any, task: Any, **fields: Any) -> str:
        self._purge_old(user.pk)
        token = str(uuid.uuid4())
        self.update(token, user=str(user.pk), phase="queued", step=0, steps=0, message="", **fields)
        task.enqueue(token=token)
        return token

    def run(self, token: str, work: Callable[[dict[str, Any], Progress], bytes]) -> str:
        job = self.stored(token)
        if not job or job.get("phase") != "queued":
            return "gone"
        self.update(token, phase="running")
        try:
            data = work(job, lambda step, steps: self.update(token, step=step, steps=steps))
            encrypted_storage.save(self.stored_name(job["user"], token), ContentFile(data))
        except self.known as exc:
            self.update(token, phase="failed", message=str(exc))
            return "failed"
        except Exception:
            logger.exception("%s %s failed", self.name, token)
            self.update(token, phase="failed", message=str(self.failed))
            return "failed"
        self.update(token, phase="done")
        return "done"

    def read(self, token: str, user: Any) -> bytes | None:
        path = self.stored_name(user.pk, token)
        if not encrypted_storage.exists(path):
            return None
        return encrypted_storage.read_bytes(path)
