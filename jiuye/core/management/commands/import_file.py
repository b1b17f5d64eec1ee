from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.core.importing import CellError, ImportFileError, get_kind, join_errors, run_import


class Command(BaseCommand):
    help = (
        "导入表格文件（.xlsx、.xls、.csv）。打印 created N, updated N, unchanged N, invalid N "
        "和每一个错误行；没有错误行时退出码为 0，否则为 1。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="导入类型，如 persons")
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument(
            "--valid-only", action="store_true", help="有错误行时也导入正确的行（默认全部或不导入）"
        )

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            get_kind(options["kind"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        result = run_import(
            kind=options["kind"],
            path=path,
            original_name=path.name,
            dry_run=options["dry_run"],
            valid_only=options["valid_only"],
        )
        for row in result.batch.errors_preview:
            details = join_errors([CellError(e["column"], e["message"]) for e in row["errors"]])
            self.stdout.write(f"第{row['row']}行：{details}")
        if result.invalid > len(result.batch.errors_preview):
            self.stdout.write(
                f"……另有 {result.invalid - len(result.batch.errors_preview)} 行错误，"
                "完整的错误报告（加密保存）可在网页“导入记录”中本批次的页面下载"
                f"（批次 {result.batch.pk}）。"
            )
        if result.message:
            self.stdout.write(result.message)
        self.stdout.write(result.summary)
        if result.invalid or result.batch.status == "failed":
            raise SystemExit(1)
