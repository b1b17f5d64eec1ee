from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.reference.importing.boundaries import LEVELS, BoundaryFileError, boundaries_check
from jiuye.reference.services import boundaries_import


class Command(BaseCommand):
    help = (
        "导入一个层级的区划边界（GeoJSON 要素集合，每个要素是 Polygon 或 MultiPolygon，"
        "属性 code、区划代码 或 adcode 为12位区划代码）。有任何错误时不写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON 文件")
        parser.add_argument(
            "--level", choices=sorted(LEVELS), default="town", help="文件中区划的层级（默认 town）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"读不到文件 {path}：{exc.strerror}") from exc
        try:
            check = boundaries_check(data, level=LEVELS[options["level"]], source=path.name)
        except BoundaryFileError as exc:
            raise CommandError(str(exc)) from exc
        for warning in check.warnings():
            self.stdout.write(self.style.WARNING(warning))
        if not check.ok:
            for error in check.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(check.errors)} 个问题，没有导入任何边界。")
        if options["dry_run"]:
            self.stdout.write(f"boundaries: {len(check.features)} valid (dry run, nothing written)")
            return
        result = boundaries_import(check=check)
        self.stdout.write(
            self.style.SUCCESS(
                f"boundaries: created {result.created}, updated {result.updated}, "
                f"unchanged {result.unchanged}"
            )
        )
