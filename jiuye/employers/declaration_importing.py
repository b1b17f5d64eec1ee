"""Spreadsheets of the annual declaration, through the import framework's reading and cleaning
(core.importing): the ``declaration_staff`` kind (a declaration's list of disabled employees)
and the export-only ``quota_results`` kind (one row per employer for a year).

A staff list goes into one declaration, and the framework's batch has no target object, so the
declaration page runs the list itself (``staff_list_import``) with the framework's guarantees:
the file is read by ``open_table`` and ``map_headers``, every row is validated (the cleaning
here, then the same service calls a typed line goes through) with row-numbered messages, and
the whole list is written in one transaction or not at all. A dry run does the same work and
rolls it back. Rows match existing lines by ID number, so uploading the same list again
changes nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.importing import (
    CellError,
    Column,
    ImportFileError,
    ImportKind,
    RowOutcome,
    join_errors,
    map_headers,
    masked,
    open_table,
    parse_bool,
    parse_date,
    register_kind,
)
from jiuye.core.models import ImportBatch
from jiuye.employers.models import Declaration, DeclaredEmployee
from jiuye.employers.services import declarations as services
from jiuye.people.services import id_number_index

KIND_STAFF = "declaration_staff"
KIND_RESULTS = "quota_results"
ERRORS_SHOWN = 200

CONTRACT_NAMES = {
    "固定期限劳动合同": "fixed",
    "固定期限": "fixed",
    "无固定期限劳动合同": "open_ended",
    "无固定期限": "open_ended",
    "以完成一定工作任务为期限": "task",
    "以完成一定工作任务为期限的劳动合同": "task",
    "劳务协议": "service",
    "劳务合同": "service",
}


class DeclarationStaffKind(ImportKind):
    """A declaration's disabled employees. Uploaded on the declaration page only."""

    name = KIND_STAFF
    label = gettext_lazy("申报残疾职工名单")
    model = DeclaredEmployee
    key_label = gettext_lazy("身份证号")
    # Not offered on the general upload page: a list belongs to one declaration.
    importable = False
    columns = (
        Column("name", "姓名", required=True, example="张三"),
        Column(
            "id_number",
            "身份证号",
            ("公民身份号码", "身份证号码"),
            required=True,
            mask="id",
            example="440199199003071235",
        ),
        Column(
            "certificate_number",
            "残疾人证号",
            ("残疾证号", "残疾人证号码"),
            required=True,
            mask="id",
            note="20位：身份证号加残疾类别、等级各一位",
            example="44019919900307123543",
        ),
        Column(
            "contract_type",
            "合同类型",
            note="固定期限、无固定期限、以完成一定工作任务为期限、劳务协议；在编人员可不填",
            example="固定期限",
        ),
        Column("contract_start", "合同开始日期", kind="date", example="2023-01-01"),
        Column("contract_end", "合同结束日期", kind="date", note="无固定期限可不填"),
        Column("on_establishment", "是否在编", ("在编",), kind="bool", example="否"),
        Column(
            "monthly_wage", "月工资（元）", ("月工资", "月平均工资"), required=True, example="4000"
        ),
        Column(
            "insurance_months",
            "缴纳社保月数",
            ("社保月数", "社会保险缴纳月数"),
            required=True,
            kind="int",
            example="12",
        ),
        Column("dispatched", "是否劳务派遣", ("劳务派遣",), kind="bool", example="否"),
        Column("dispatch_agency", "派遣单位"),
        Column(
            "counts_here",
            "是否计入本单位",
            ("计入本单位",),
            kind="bool",
            note="劳务派遣人员按协议计入派遣单位或用工单位之一；不填为“是”",
        ),
    )

    def begin(self) -> None:
        raise ImportFileError(
            _("残疾职工名单属于某一份年审申报：请在该申报的页面上传，不能在这里导入。")
        )

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        outcome = RowOutcome()
        errors = outcome.errors
        data: dict[str, Any] = {
            "name": values.get("name", "").strip(),
            "id_number": values.get("id_number", "").strip().upper(),
            "certificate_number": values.get("certificate_number", "").strip().upper(),
            "dispatch_agency": values.get("dispatch_agency", "").strip(),
        }
        contract = values.get("contract_type", "").strip()
        if contract and contract not in CONTRACT_NAMES:
            errors.append(
                CellError(
                    "contract_type",
                    _("“%(value)s”不是可选的合同类型（%(names)s）")
                    % {"value": contract, "names": "、".join(list(CONTRACT_NAMES)[::2])},
                )
            )
        data["contract_type"] = CONTRACT_NAMES.get(contract, "")
        for key in ("contract_start", "contract_end"):
            text = values.get(key, "").strip()
            data[key] = None
            if text:
                try:
                    data[key] = parse_date(text)
                except ValueError:
                    errors.append(CellError(key, _("“%(value)s”不是日期") % {"value": text}))
        for key, default in (("on_establishment", False), ("dispatched", False)):
            data[key] = self._bool(values, key, default, errors)
        data["counts_here"] = self._bool(values, "counts_here", True, errors)
        wage = values.get("monthly_wage", "").strip().replace(",", "")
        try:
            data["monthly_wage"] = Decimal(wage)
            if not data["monthly_wage"].is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(CellError("monthly_wage", _("应为数字，如 4000")))
        months = values.get("insurance_months", "").strip()
        try:
            data["insurance_months"] = int(Decimal(months))
        except (InvalidOperation, ValueError):
            errors.append(CellError("insurance_months", _("应为0到12之间的整数")))
        if data["id_number"]:
            try:
                outcome.key = id_number_index(data["id_number"])
            except Exception:  # noqa: BLE001 - an unreadable number is reported by the service
                outcome.key = ""
        outcome.data = data
        return outcome

    @staticmethod
    def _bool(values: dict[str, str], key: str, default: bool, errors: list[CellError]) -> bool:
        text = values.get(key, "").strip()
        if not text:
            return default
        try:
            return parse_bool(text)
        except ValueError:
            errors.append(CellError(key, _("请填写“是”或“否”")))
            return default

    def export_queryset(self, filters: dict[str, str]) -> Any:
        raise ImportFileError(_("残疾职工名单不单独导出：请在申报页面查看。"))


class QuotaResultsKind(ImportKind):
    """One row per employer for a year: the figures of its confirmed declaration (else the one
    in progress). Export only."""

    name = KIND_RESULTS
    label = gettext_lazy("按比例就业年审结果")
    model = Declaration
    importable = False
    columns = (
        Column("uscc", "统一社会信用代码"),
        Column("name", "单位名称"),
        Column("kind", "单位类型"),
        Column("staff", "在职职工人数"),
        Column("required", "应安排人数"),
        Column("counted", "已安排人数"),
        Column("shortfall", "差额人数"),
        Column("wage_used", "计征工资（元）"),
        Column("levy_before", "减缴前应缴（元）"),
        Column("levy_payable", "应缴保障金（元）"),
        Column("status", "状态"),
    )

    def begin(self) -> None:
        raise ImportFileError(_("“按比例就业年审结果”只能导出，不能导入。"))

    def export_queryset(self, filters: dict[str, str]) -> Any:
        from jiuye.employers.selectors import quota_results

        text = (filters.get("year") or "").strip()
        if not text.isdigit():
            raise ImportFileError(_("请指定年度，如 --year 2024（或 --filter year=2024）。"))
        return quota_results(year=int(text))

    def export_row(self, obj: Declaration, *, reveal: bool) -> list[str]:
        employer = obj.employer
        return [
            employer.uscc,
            employer.name,
            employer.get_kind_display(),
            figure(obj.staff),
            figure(obj.required),
            figure(obj.counted),
            figure(obj.shortfall),
            f"{obj.wage_used:.2f}",
            f"{obj.levy_before:.2f}",
            f"{obj.levy_payable:.2f}",
            obj.get_status_display(),
        ]


def figure(value: Any) -> str:
    """A count as written: 200, 2.5, 0.83 (no trailing zeros)."""
    if value is None:
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1))}"
    return f"{number.normalize():f}"


staff_kind = register_kind(DeclarationStaffKind())
results_kind = register_kind(QuotaResultsKind())


# --- running a staff list into a declaration -------------------------------------------------


@dataclass
class StaffListResult:
    batch: ImportBatch
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""

    @property
    def invalid(self) -> int:
        return len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.message


class _Rollback(Exception):
    pass


FIELD_COLUMNS = {c.key: c for c in DeclarationStaffKind.columns}


def _service_errors(error: ValidationError) -> list[CellError]:
    if not hasattr(error, "error_dict"):
        return [CellError("", message) for message in error.messages]
    cells = []
    for key, errors in error.message_dict.items():
        for message in errors:
            cells.append(CellError(key if key in FIELD_COLUMNS else "", message))
    return cells


def _same(employee: DeclaredEmployee, data: dict[str, Any]) -> bool:
    for key, value in data.items():
        current = getattr(employee, key)
        if key == "monthly_wage":
            if Decimal(current) != Decimal(value):
                return False
        elif current != value:
            return False
    return True


def staff_list_import(
    *,
    declaration: Declaration,
    upload: Any = None,
    batch: ImportBatch | None = None,
    dry_run: bool,
    by: Any,
) -> StaffListResult:
    """Check (``dry_run``) or write a staff list into a draft or returned declaration: every
    row or none. ``upload`` is a new file (stored on a new batch); ``batch`` a checked one."""
    actor = by if getattr(by, "pk", None) else None
    if batch is None:
        batch = ImportBatch(
            kind=KIND_STAFF,
            original_name=(getattr(upload, "name", "") or "upload.xlsx")[:200],
            dry_run=dry_run,
            created_by=actor,
            updated_by=actor,
        )
        batch.source.save(batch.original_name, upload, save=False)
        batch.save()
    elif not dry_run:
        batch = ImportBatch(
            kind=KIND_STAFF,
            original_name=batch.original_name,
            source=batch.source.name,
            dry_run=False,
            checked_by=batch,
            created_by=actor,
            updated_by=actor,
        )
        batch.save()
    result = StaffListResult(batch=batch)
    batch.started_at = timezone.now()
    try:
        with (
            batch.source.open("rb") as source,
            tempfile.NamedTemporaryFile(suffix=Path(batch.original_name).suffix) as copy,
        ):
            copy.write(source.read())
            copy.flush()
            with transaction.atomic():
                _run(declaration, Path(copy.name), result, by=by)
                if dry_run or result.errors:
                    raise _Rollback
    except _Rollback:
        pass
    except ImportFileError as exc:
        result.message = str(exc)
    except ValidationError as exc:  # the declaration itself can't take a list (locked)
        result.message = " ".join(exc.messages)
    if result.errors and not result.message:
        result.message = _("有%(n)d行错误，名单没有保存任何一行。请修改后重新上传。") % {
            "n": result.invalid
        }
    if result.message:
        batch.status = ImportBatch.Status.FAILED
    elif dry_run:
        batch.status = ImportBatch.Status.VALIDATED
    else:
        batch.status = ImportBatch.Status.SUCCEEDED
    batch.total_rows = result.rows
    batch.invalid_rows = result.invalid
    batch.valid_rows = result.rows - result.invalid
    batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
    batch.message = result.message
    batch.errors_preview = result.errors[:ERRORS_SHOWN]
    batch.finished_at = timezone.now()
    batch.save()
    return result


def _run(declaration: Declaration, path: Path, result: StaffListResult, *, by: Any) -> None:
    kind = staff_kind
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if not declaration.is_editable:
        raise ImportFileError(
            _("申报状态为“%(status)s”，不能再上传名单。")
            % {"status": declaration.get_status_display()}
        )
    table = open_table(path, "")
    positions = map_headers(kind, table.headers)
    headers = {key: table.headers[pos] for key, pos in positions.items()}
    current = {e.id_number_index: e for e in declaration.employees.all()}
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        if not any(cells):
            continue
        result.rows += 1
        values = {key: (cells[pos] if pos < len(cells) else "") for key, pos in positions.items()}
        outcome = kind.clean(values, row_number=number, by=by)
        errors = outcome.errors
        if not errors and outcome.key in seen:
            errors.append(
                CellError(
                    "",
                    _("与第%(first)d行重复（身份证号相同）。同一人只能出现一次。")
                    % {"first": seen[outcome.key]},
                )
            )
        if not errors:
            seen[outcome.key] = number
            existing = current.get(outcome.key)
            try:
                with transaction.atomic():
                    if existing is None:
                        services.employee_add(declaration=declaration, by=by, **outcome.data)
                        result.created += 1
                    elif _same(existing, outcome.data):
                        result.unchanged += 1
                    else:
                        services.employee_update(employee=existing, by=by, **outcome.data)
                        result.updated += 1
            except ValidationError as exc:
                errors.extend(_service_errors(exc))
        if errors:
            result.errors.append(_row_error(number, errors, values, headers))
    if not result.rows:
        raise ImportFileError(_("名单中只有表头，没有任何职工。"))


def _row_error(
    number: int, errors: list[CellError], values: dict[str, str], headers: dict[str, str]
) -> dict[str, Any]:
    """A bad row as the page shows it: each problem with the column as the file names it and
    the value as typed (ID and certificate numbers masked)."""
    shown = []
    for error in errors:
        column = FIELD_COLUMNS.get(error.column)
        header = headers.get(error.column) or (column.header if column else "")
        shown.append(
            {
                "column": header,
                "value": masked(column, values.get(error.column, "")) if column else "",
                "message": error.message,
            }
        )
    text = join_errors([CellError(e["column"], e["message"]) for e in shown])
    return {"row": number, "errors": shown, "text": text}


def checked_batch(pk: Any, *, by: Any) -> ImportBatch | None:
    """A dry run of a staff list this user made and may now commit."""
    return ImportBatch.objects.filter(
        pk=pk,
        kind=KIND_STAFF,
        dry_run=True,
        status=ImportBatch.Status.VALIDATED,
        created_by=by,
    ).first()


def staff_template() -> bytes:
    from jiuye.core.importing import template_xlsx

    return template_xlsx(staff_kind)
