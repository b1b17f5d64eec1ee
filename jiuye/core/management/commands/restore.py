"""Restore a backup made by ``manage.py backup`` (jiuye.core.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.core.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "从 manage.py backup 做的备份恢复数据库和上传的文件。先核对备份密钥、清单签名、"
        "每个文件的 SHA-256 和所需的数据密钥，任何一项不符就不做任何修改；"
        "目标数据库已有数据时须加 --force。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="备份目录")
        parser.add_argument(
            "--force", action="store_true", help="目标数据库已有数据时也恢复（覆盖现有数据）"
        )
        parser.add_argument(
            "--check", action="store_true", help="只核对备份（密钥、签名、校验和），不恢复"
        )

    def handle(self, *args: object, **options: object) -> None:
        directory = options["directory"]
        try:
            if options["check"]:
                manifest = backup_verify(directory)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"备份 {directory} 完好（{manifest['created_at']}，"
                        f"{sum(manifest['tables'].values())} 行），当前密钥可以恢复它。"
                    )
                )
                return
            outcome = backup_restore(directory, force=bool(options["force"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {directory} 恢复：{len(outcome.tables)} 个表、{outcome.rows} 行，"
                f"{outcome.media_files} 个上传文件；各表行数与备份清单一致。"
            )
        )
