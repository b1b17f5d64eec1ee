from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiuye.grievances.services import grievances_escalate


class Command(BaseCommand):
    help = (
        "每日运行：把超过答复期限仍未答复的投诉建议上报区残联（标记并给区残联工作人员发站内通知）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按哪一天计算（YYYY-MM-DD，默认今天），用于补跑")

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(str(options["today"]))
            except ValueError as exc:
                raise CommandError("--today 应写成 2026-12-31") from exc
        escalated = grievances_escalate(today=today)
        for grievance in escalated:
            self.stdout.write(
                f"  {grievance.reference} {grievance.department}（{grievance.due_date} 到期）"
            )
        self.stdout.write(self.style.SUCCESS(f"上报区残联：{len(escalated)} 条"))
