"""Bring the coverage tallies (ADR 0005) up to date for the whole district: run from cron
after midnight so that the first viewer of the day does not pay for the new reference day."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jiuye.casework.services.tallies import tallies_refresh
from jiuye.reference.models import Region


class Command(BaseCommand):
    help = "Recompute the per-village coverage tallies of a year (default: this year)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="the plan year (default: now)")
        parser.add_argument(
            "--everything",
            action="store_true",
            help="recompute every village even if its tally looks fresh",
        )

    def handle(self, *args: object, **options: object) -> None:
        year = options["year"] or timezone.localdate().year
        district = Region.objects.get(code=settings.JIUYE_DISTRICT_CODE)
        start = time.perf_counter()
        written = tallies_refresh(
            region=district, year=year, everything=bool(options["everything"])
        )
        elapsed = time.perf_counter() - start
        self.stdout.write(
            f"coverage tallies {year} for {district.name}: {written} written in {elapsed:.1f} s"
        )
