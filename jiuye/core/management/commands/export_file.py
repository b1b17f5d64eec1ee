from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.core.audit import access_log
from jiuye.core.importing import ImportFileError, get_kind, write_export
from jiuye.core.models import AccessEvent


class Command(BaseCommand):
    help = (
        "把某种记录导出为 .xlsx 或 .csv（按扩展名），列与导入模板相同。个人证件号和电话默认脱敏；"
        "--reveal 需同时写明 --reason，并记入访问日志。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--filter", action="append", default=[], metavar="字段=值", help="如 region=440199001"
        )
        parser.add_argument(
            "--year", type=int, default=None, help="年度，如 2024（等同于 --filter year=2024）"
        )
        parser.add_argument("--reveal", action="store_true", help="导出完整号码（需 --reason）")
        parser.add_argument("--reason", default="", help="导出完整号码的原因")

    def handle(self, *args: object, **options: object) -> None:
        try:
            kind = get_kind(options["kind"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if options["reveal"] and not options["reason"].strip():
            raise CommandError("导出完整号码必须用 --reason 写明原因。")
        filters = {}
        for item in options["filter"]:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter 应写成 字段=值，当前为“{item}”")
            filters[key.strip()] = value.strip()
        if options["year"] is not None:
            filters["year"] = str(options["year"])
        try:
            count = write_export(
                kind, kind.export_queryset(filters), options["path"], reveal=options["reveal"]
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        access_log(
            action=AccessEvent.Action.EXPORT,
            username="(command line)",
            reason=options["reason"],
            detail={
                "kind": kind.name,
                "rows": count,
                "revealed": options["reveal"],
                "filters": filters,
            },
        )
        self.stdout.write(f"exported {count} rows to {options['path']}")
