"""Delete the stored import files (sources and error reports) older than
JIUYE_UPLOAD_RETENTION_DAYS: they hold full ID numbers; and the exports made in the background
once JIUYE_EXPORT_KEEP_HOURS have passed (file and job). Run daily from cron
(docs/deployment.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from jiuye.core.importing import batches_purge_files
from jiuye.core.importing.exportjobs import exports_purge


class Command(BaseCommand):
    help = (
        "Delete import files and error reports older than JIUYE_UPLOAD_RETENTION_DAYS, and "
        "expired export files."
    )

    def handle(self, *args: object, **options: object) -> None:
        purged = batches_purge_files()
        self.stdout.write(
            f"import files older than {settings.JIUYE_UPLOAD_RETENTION_DAYS} days: "
            f"deleted for {purged} batches"
        )
        expired = exports_purge()
        self.stdout.write(f"expired export files: deleted {expired}")
