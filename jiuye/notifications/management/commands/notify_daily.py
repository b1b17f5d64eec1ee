from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiuye.notifications.services.digest import reminders_discover, run_daily


class Command(BaseCommand):
    help = "每日运行：发出到期提醒（进展报告、跟踪回访等），再给每人发一份未读通知摘要。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按哪一天计算（YYYY-MM-DD，默认今天），用于补跑")

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(str(options["today"]))
            except ValueError as exc:
                raise CommandError("--today 应写成 2024-12-31") from exc
        reminders_discover()
        for name, count in run_daily(today=today).items():
            self.stdout.write(f"{name}: {count}")
