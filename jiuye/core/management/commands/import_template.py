from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.core.importing import ImportFileError, get_kind, template_xlsx


class Command(BaseCommand):
    help = "写出某种导入的 Excel 模板（表头、一行示例和填写说明）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("path", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        try:
            kind = get_kind(options["kind"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        options["path"].write_bytes(template_xlsx(kind))
        self.stdout.write(f"wrote {options['path']}")
