"""Recompute every declaration of a year (idempotent) and print a summary."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count

from jiuye.employers.models import Declaration, DeclarationStatus
from jiuye.employers.selectors import levy_totals
from jiuye.employers.services.declarations import declarations_compute

CHUNK = 2000


class Command(BaseCommand):
    help = (
        "重新核验并计算某年度的全部按比例就业申报（已审核确认的保持确认时的结果），"
        "可重复运行，结果相同。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="申报年度，如 2024")

    def handle(self, *args: object, **options: object) -> None:
        year = int(options["year"])
        if not 2000 <= year <= 2100:
            raise CommandError("--year 应为四位年份，如 2024。")
        start = time.perf_counter()
        declarations = (
            Declaration.objects.filter(year=year)
            .exclude(status__in=[DeclarationStatus.CONFIRMED, DeclarationStatus.SUPERSEDED])
            .select_related("employer")
            .order_by("pk")
        )
        computed = 0
        policies: dict = {}
        try:
            with transaction.atomic():
                chunk: list[Declaration] = []
                for declaration in declarations.iterator(chunk_size=CHUNK):
                    chunk.append(declaration)
                    if len(chunk) == CHUNK:
                        declarations_compute(chunk, policies=policies)
                        computed += len(chunk)
                        chunk = []
                declarations_compute(chunk, policies=policies)
                computed += len(chunk)
        except Exception as exc:  # a missing policy, say: nothing is left half-done
            raise CommandError(f"{year}年度重新计算失败，未做任何修改：{exc}") from exc
        elapsed = time.perf_counter() - start
        by_status = dict(
            Declaration.objects.filter(year=year)
            .values_list("status")
            .order_by()
            .annotate(n=Count("pk"))
        )
        totals = levy_totals(year)
        self.stdout.write(
            f"year {year}: recomputed {computed} in {elapsed:.1f} s; "
            + ", ".join(f"{status} {n}" for status, n in sorted(by_status.items()))
        )
        self.stdout.write(
            f"confirmed: counted {totals['counted']}, levy before reductions "
            f"{totals['before']:,.2f}, payable {totals['payable']:,.2f}"
        )
