from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiuye.dashboards.selectors.report import ReportError, report_plan, report_region
from jiuye.dashboards.services.report import report_write


class Command(BaseCommand):
    help = (
        "生成年度报告（Word）：封面、总体情况、十项行动的任务、部门和已审核的进展报告、指标表和图表、"
        "各镇街情况、问题与下一步、数据来源。该年度已冻结时用冻结数。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="要写出的 .docx 文件")
        parser.add_argument("--year", type=int, required=True, help="年度，如 2024")
        parser.add_argument("--region", default="", help="镇街的代码或名称（默认全区）")
        parser.add_argument("--force", action="store_true", help="文件已存在时覆盖")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["path"]  # type: ignore[assignment]
        year: int = options["year"]  # type: ignore[assignment]
        if path.suffix.lower() != ".docx":
            raise CommandError(f"报告文件应以 .docx 结尾：{path}")
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} 已存在；要覆盖请加 --force。")
        folder = path.resolve().parent
        if not folder.is_dir():
            raise CommandError(f"文件夹 {folder} 不存在。")
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise CommandError(f"没有权限写入 {path}。")
        try:
            report_plan(year)
            region = report_region(str(options["region"]))
            data = report_write(year=year, region=region)
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror or exc}") from exc
        stamp = timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            f"已生成 {region.name}{year}年度报告：{path}（{len(data) // 1024} KB，{stamp}）"
        )
