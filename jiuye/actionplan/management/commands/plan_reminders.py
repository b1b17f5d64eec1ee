from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiuye.actionplan.models import Plan
from jiuye.actionplan.selectors import reminders
from jiuye.actionplan.services.targets import reminders_notify


class Command(BaseCommand):
    help = "每日运行：按部门列出14天内到期和已逾期的进展报告，并给部门联络员发送站内通知。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按哪一天计算（YYYY-MM-DD，默认今天），用于补跑")

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today 应写成 2024-12-31") from exc
        notified = 0
        for plan in Plan.objects.filter(is_current=True):
            self.stdout.write(f"{plan.name}（{today}）")
            grouped = reminders(plan=plan, today=today)
            if not grouped:
                self.stdout.write("  没有即将到期或逾期的报告。")
            for department, groups in grouped.items():
                self.stdout.write(
                    f"  {department.name}：逾期 {len(groups['overdue'])}，"
                    f"14天内到期 {len(groups['due_soon'])}"
                )
                for state, label in (("overdue", "逾期"), ("due_soon", "即将到期")):
                    for duty in groups[state]:
                        self.stdout.write(
                            f"    [{label}] {duty.task.code} {duty.task.title}"
                            f"（{duty.period.name}，{duty.period.due_date}截止）"
                        )
            notified += reminders_notify(plan=plan, today=today)
        self.stdout.write(self.style.SUCCESS(f"notifications created: {notified}"))
