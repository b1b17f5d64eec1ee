from __future__ import annotations

from pathlib import Path
from typing import Any

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
        parser.add_argument(
            "--sheet",
            action="append",
            default=[],
            metavar="NAME",
            help="只读取这个工作表（可重复）；默认读取表头符合的所有未隐藏的工作表",
        )
        parser.add_argument(
            "--all-sheets",
            action="store_true",
            help="读取表头符合的所有工作表，包括隐藏的工作表",
        )
        parser.add_argument(
            "--skip-hidden-rows",
            action="store_true",
            help="不导入 Excel 中隐藏的行（默认照常导入，并报告有哪些隐藏的行）",
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
            sheets=options["sheet"],
            all_sheets=options["all_sheets"],
            skip_hidden_rows=options["skip_hidden_rows"],
        )
        self._sheets(result.batch.sheet_report, skipped=result.skipped)
        for row in result.batch.errors_preview:
            details = join_errors([CellError(e["column"], e["message"]) for e in row["errors"]])
            where = (
                f"工作表“{row['sheet']}”第{row['row']}行"
                if row.get("sheet")
                else f"第{row['row']}行"
            )
            self.stdout.write(f"{where}：{details}")
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

    def _sheets(self, report: dict[str, Any], *, skipped: int) -> None:
        """Which sheets of a workbook were read, which were not and why; its hidden rows."""
        sheets = report.get("sheets", ())
        read = [s["name"] for s in sheets if s["read"]]
        if read:
            self.stdout.write("读取的工作表：" + "、".join(read))
        for sheet in sheets:
            if not sheet["read"] and sheet["fits"]:
                self.stdout.write(
                    f"没有读取工作表“{sheet['name']}”"
                    "（隐藏的工作表；用 --sheet 或 --all-sheets 读取）"
                    if sheet["hidden"]
                    else f"没有读取工作表“{sheet['name']}”（用 --sheet 选择）"
                )
            elif not sheet["read"]:
                self.stdout.write(f"没有读取：{sheet['problem']}")
        hidden = report.get("hidden_rows", 0)
        if hidden:
            rows = "、".join(
                f"{name}第{n}行" if len(read) > 1 else f"第{n}行"
                for name, n in report.get("hidden_at", ())
            )
            more = "等" if hidden > len(report.get("hidden_at", ())) else ""
            done = (
                f"已跳过 {skipped} 行"
                if skipped
                else "已照常检查和导入（用 --skip-hidden-rows 跳过）"
            )
            self.stdout.write(f"有 {hidden} 行在 Excel 中是隐藏的：{rows}{more}；{done}。")
