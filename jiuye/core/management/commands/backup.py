"""Back up the database and the uploaded files into a new directory (jiuye.core.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.core.backup import BackupError, backup_make


class Command(BaseCommand):
    help = (
        "把数据库和上传的文件备份到一个新的（或空的）目录，用 JIUYE_BACKUP_KEY 加密，"
        "附带校验和清单 manifest.json。数据加密密钥和盲索引密钥不放进备份。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="备份目录（不存在或为空）")

    def handle(self, *args: object, **options: object) -> None:
        try:
            outcome = backup_make(options["directory"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {outcome.directory}：{len(outcome.tables)} 个表、{outcome.rows} 行，"
                f"{outcome.media_files} 个上传文件。请把备份密钥与数据加密密钥分开保管。"
            )
        )
