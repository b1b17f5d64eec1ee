"""Find likely duplicate persons and fill the review queue (run nightly from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jiuye.people.services.duplicates import duplicates_scan


class Command(BaseCommand):
    help = "查找疑似重复的人员，放入待核对列表（每晚由 cron 运行）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", default="", help="只查这个区域代码开头的村社区（默认全部）")

    def handle(self, *args: Any, region: str = "", **options: Any) -> None:
        result = duplicates_scan(region_prefix=region)
        if options["verbosity"]:
            self.stdout.write(
                f"查了 {result.persons} 人，{result.blocks} 个分组，"
                f"发现 {result.found} 对疑似重复，新增 {result.opened} 对。"
            )
