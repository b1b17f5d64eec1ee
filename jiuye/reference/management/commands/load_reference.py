from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.reference.services import ReferenceDataError, reference_load


class Command(BaseCommand):
    help = "载入基础数据（区划、责任部门、残疾类别和等级）。可重复运行：已一致的行不会改变。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--regions",
            type=Path,
            help="区划 CSV（列 code,name；12 位统计用区划代码）。默认使用随附的示范区。",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            result = reference_load(regions_path=options["regions"])
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for line in result.details:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"reference data: created {result.created}, updated {result.updated}, "
                f"unchanged {result.unchanged}"
            )
        )
