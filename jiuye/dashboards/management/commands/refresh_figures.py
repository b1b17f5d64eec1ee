"""Count the district pages' kept figures now (ADR 0015): after a deployment, or from cron, so
no viewer's first visit waits for the count."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jiuye.actionplan import selectors as plan_selectors
from jiuye.actionplan.models import Plan
from jiuye.core.kept import refresh
from jiuye.dashboards.selectors import maps, overview
from jiuye.dashboards.views.maps import DEFAULT_INDICATOR
from jiuye.reference.selectors import district_and_towns


class Command(BaseCommand):
    help = (
        "重新统计总览、行动方案看板和指标地图保存的数字（全区和每个镇街）。"
        "不指定年度时统计各页面默认打开的年度。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="年度，如 2026（默认：今年，限于方案年份内）")

    def handle(self, *args: object, **options: object) -> None:
        plans = list(Plan.objects.order_by("-is_current", "-start_year"))
        asked = options["year"] or timezone.localdate().year
        district, towns = district_and_towns()
        jobs = []
        # The role home pages show this year's main figures from the plan dashboard's rows (a
        # year outside the current plan has rows of its own), with or without a plan loaded.
        years = {timezone.localdate().year}
        if plans:
            # The overview opens on the plan of the year asked; the plan dashboard on the
            # current plan.
            plan = plan_selectors.plan_of_year(plans, asked) or plans[0]
            year = min(max(asked, plan.start_year), plan.end_year)
            jobs.append(
                (overview.FIGURES, overview.figures_args(plan, year, district, list(towns)))
            )
            jobs += [(overview.FIGURES, overview.figures_args(plan, year, t, [])) for t in towns]
            current = plans[0]
            years.add(min(max(asked, current.start_year), current.end_year))
        else:
            self.stdout.write("还没有导入行动方案：只统计各角色首页的主要数字和指标地图。")
        jobs += [
            (plan_selectors.VALUES, plan_selectors.values_args(r, y))
            for y in sorted(years)
            for r in (district, *towns)
        ]
        jobs.append((maps.VALUES, {"indicator": DEFAULT_INDICATOR, "year": asked}))
        started = time.perf_counter()
        for builder, kwargs in jobs:
            refresh(builder, kwargs)
        self.stdout.write(
            f"已重新统计 {len(jobs)} 组数字，用时 {time.perf_counter() - started:.1f} 秒。"
        )
