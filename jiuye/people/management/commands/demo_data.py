"""Fill a demo database: synthetic persons (jiuye.people.demo), then every app's registered demo
seeder (jiuye.core.demo) in its declared order. Idempotent: a second run adds nothing."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from jiuye.core.demo import seeders
from jiuye.people.demo.persons import demo_persons
from jiuye.people.demo.synthetic import load_villages
from jiuye.reference.models import Region


class Command(BaseCommand):
    help = (
        "生成模拟残疾人数据（示范区，按全国抽样调查比例），直接批量写入数据库。"
        "同一 --seed 每次生成相同的人员；已存在的身份证号跳过，可重复运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=3000, help="人数（默认 3000）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.JIUYE_ALLOW_DEMO:
            raise CommandError("模拟数据只能在开发环境生成（设置 JIUYE_ALLOW_DEMO=true）。")
        persons, seed = int(options["persons"]), int(options["seed"])
        if persons < 0:
            raise CommandError("--persons 不能为负数。")
        villages = load_villages()
        known = set(
            Region.objects.filter(code__in=[v.code for v in villages]).values_list(
                "code", flat=True
            )
        )
        if len(known) != len(villages):
            raise CommandError("示范区的村社区尚未载入，请先运行 manage.py load_reference。")

        # One transaction: the generators write straight to the tables and mark the coverage
        # villages only here and there, so a recount in between (the task queued when marks
        # commit, ADR 0005) would count a state that the later steps' deltas do not start
        # from. All of it, or nothing, then one recount below.
        with transaction.atomic():
            self._generate(persons, seed, villages)
        # The persons went straight to the table: every village's coverage tallies are stale;
        # this year's are computed now so the first page view does not pay (ADR 0005).
        call_command("refresh_coverage", everything=True, stdout=self.stdout)

    def _generate(self, persons: int, seed: int, villages: list) -> None:
        start = time.perf_counter()
        created, skipped = demo_persons(persons=persons, seed=seed, villages=villages)
        elapsed = time.perf_counter() - start
        self.stdout.write(
            self.style.SUCCESS(
                f"demo persons (seed {seed}): created {created}, skipped {skipped} "
                f"(already registered) in {elapsed:.1f} s"
            )
        )
        # The records the other apps keep about these persons, in their declared order.
        for step in seeders():
            start = time.perf_counter()
            made = step.run(seed=seed)
            elapsed = time.perf_counter() - start
            note = f"created {made}" if made else "already there, nothing added"
            self.stdout.write(self.style.SUCCESS(f"demo {step.label}: {note} in {elapsed:.1f} s"))
