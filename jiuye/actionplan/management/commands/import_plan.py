from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from jiuye.actionplan.services import plan_import
from jiuye.actionplan.services.plan_table import PlanTableError, parse_plan_table


class Command(BaseCommand):
    help = (
        "导入行动方案任务分解表（.txt 文本导出、.docx 或 .xlsx）。可重复运行：相同的表不产生变化，"
        "修改过的表就地更新。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="计划表文件")
        parser.add_argument("--name", help="方案名称（默认取表格标题）")
        parser.add_argument("--years", help="方案年份，如 2022-2024（默认从标题读取）")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="名称=部门代码",
            help="把表中系统不认识的部门名称对应到已有部门（可重复）；代码写 new 表示新建",
        )
        parser.add_argument("--tasks", type=Path, help="默认任务分解文件（CSV），只补充缺少的任务")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc}") from exc
        mapping = {}
        for item in options["map"]:
            name, sep, code = item.partition("=")
            if not sep:
                raise CommandError(f"--map 应写成 名称=部门代码，当前为“{item}”")
            mapping[name.strip()] = (
                plan_import.NEW_DEPARTMENT if code.strip() == "new" else code.strip()
            )
        try:
            parsed = parse_plan_table(data, path.name)
            years = plan_import.parse_years(options["years"]) if options["years"] else None
            preview = plan_import.plan_preview(
                parsed=parsed, name=options["name"], years=years, mapping=mapping
            )
            self._print_preview(preview)
            unknown = [n for n in preview.unknown_departments if n not in mapping]
            if unknown:
                raise CommandError(
                    "以下部门系统中没有，请用 --map 名称=部门代码 对应（或 名称=new 新建）："
                    + "、".join(unknown)
                )
            if options["dry_run"]:
                self.stdout.write("预览（--dry-run）：没有写入任何数据。")
                return
            with transaction.atomic():
                result = plan_import.plan_import_commit(
                    parsed=parsed, name=options["name"], years=years, mapping=mapping
                )
                if options["tasks"]:
                    counts = plan_import.tasks_load(plan=result.plan, path=options["tasks"])
                    self.stdout.write(
                        f"tasks: created {counts['created']}, unchanged {counts['unchanged']}"
                    )
        except (PlanTableError, plan_import.PlanImportError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"plan “{result.plan.name}”: actions created {result.created}, "
                f"updated {result.updated}, unchanged {result.unchanged}"
            )
        )

    def _print_preview(self, preview: plan_import.PlanPreview) -> None:
        self.stdout.write(
            f"方案：{preview.name}（{preview.start_year}–{preview.end_year}年）"
            + ("" if preview.plan else "，新建")
        )
        for item in preview.actions:
            names = "、".join(raw for raw, _dept in item.departments)
            changed = f"（{'、'.join(item.changed)}）" if item.changed else ""
            self.stdout.write(
                f"  （{item.parsed.numeral}）{item.parsed.title} — {names} — {item.parsed.deadline}"
                f" [{item.status}{changed}]"
            )
        for action in preview.removed_actions:
            self.stdout.write(f"  表中已没有：（{action.numeral}）{action.title}（保留，不删除）")
