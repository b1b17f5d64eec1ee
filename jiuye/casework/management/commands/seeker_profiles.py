"""Check or rebuild the seeker profiles (ADR 0006): ``--check`` lists how many persons' profiles
differ from their needs records and fails if any do; without it every profile is rebuilt (after
a bulk load that bypassed the services, or to repair)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.casework.services.profiles import seeker_profiles_rebuild, seeker_profiles_stale


class Command(BaseCommand):
    help = "Rebuild the seeker profiles from the needs records (--check: only compare)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="compare only; fail if any profile is stale"
        )

    def handle(self, *args: object, **options: object) -> None:
        start = time.perf_counter()
        if options["check"]:
            stale = seeker_profiles_stale()
            if stale:
                raise CommandError(
                    f"{len(stale)} seeker profiles differ from the needs records "
                    f"(e.g. {', '.join(str(pk) for pk in stale[:5])}); run seeker_profiles"
                )
            self.stdout.write("seeker profiles in step with the needs records")
            return
        written = seeker_profiles_rebuild()
        self.stdout.write(
            f"seeker profiles: {written} written in {time.perf_counter() - start:.1f} s"
        )
