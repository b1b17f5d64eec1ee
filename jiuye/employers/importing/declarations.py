"""Spreadsheets of the annual declaration: the ``declaration_staff`` kind (a declaration's list
of disabled employees, declared for the one framework) and the export-only ``quota_results``
kind (one row per employer for a year).

A staff list goes into one declaration: the batch names it as its parent, and the employer
uploads the list from the declaration page. Every row is checked with the rule of a typed line
(``employee_check``); nothing is saved until every row is right, then the whole list at once.
Rows match the declaration's lines by ID number (its blind index), so uploading the same list
again changes nothing. The page verifies and computes the declaration afterwards, as after a
typed line.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import (
    Column,
    ImportFileError,
    ImportKind,
    ImportResult,
    RollbackError,
    list_check,
    list_save,
    register_kind,
    template_xlsx,
)
from jiuye.core.importing.declared import DeclaredKind, ErrorSink, actor
from jiuye.core.importing.fields import Bool, Choice, Date, Int, Money, Text
from jiuye.core.importing.journal import Undone
from jiuye.core.models import ImportBatch
from jiuye.core.scoping import scope_for
from jiuye.employers.models import Declaration, DeclaredEmployee
from jiuye.employers.selectors import figure
from jiuye.employers.services.declarations import (
    EMPLOYEE_FIELDS,
    declaration_compute,
    employee_check,
    staff_list_too_long,
)
from jiuye.people.services import id_number_index

KIND_STAFF = "declaration_staff"
Contract = DeclaredEmployee.ContractType
CONTRACT_NAMES = {
    "固定期限": Contract.FIXED,
    "无固定期限": Contract.OPEN_ENDED,
    "以完成一定工作任务为期限的劳动合同": Contract.TASK,
    "劳务合同": Contract.SERVICE,
}
# What the line check returns normalised (numbers) or derived (their blind indexes).
CLEANED = ("id_number", "certificate_number", "id_number_index", "certificate_index")
EMPTY = gettext_lazy("名单中只有表头，没有任何职工。")


class DeclarationStaffKind(DeclaredKind):
    """A declaration's disabled employees. Uploaded on the declaration page only."""

    name = KIND_STAFF
    label = gettext_lazy("申报残疾职工名单")
    who = gettext_lazy("残疾职工名单")
    model = DeclaredEmployee
    parent_model = Declaration
    parent_needed = gettext_lazy(
        "残疾职工名单属于某一份年审申报：请在该申报的页面上传，不能在这里导入。"
    )
    # Not offered on the general upload page: a list belongs to one declaration.
    importable = False
    key_label = gettext_lazy("身份证号")
    natural_key = ("declaration", "id_number_index")
    writers = (Role.EMPLOYER, Role.ADMIN, Role.DISTRICT)
    also_updates = ("certificate_index",)
    changed_since = gettext_lazy(
        "这个批次导入的职工（%(record)s）之后又在申报页面修改过，不能自动撤销。请逐个修改。"
    )
    fields = (
        Text("name", "姓名", required=True, max_length=50, example="张三"),
        Text(
            "id_number",
            "身份证号",
            ("公民身份号码", "身份证号码"),
            required=True,
            mask="id",
            example="440199199003071235",
        ),
        Text(
            "certificate_number",
            "残疾人证号",
            ("残疾证号", "残疾人证号码"),
            required=True,
            mask="id",
            note="20位：身份证号加残疾类别、等级各一位",
            example="44019919900307123543",
        ),
        Choice(
            "contract_type",
            "合同类型",
            choices=Contract,
            aliases=CONTRACT_NAMES,
            note="固定期限、无固定期限、以完成一定工作任务为期限、劳务协议；在编人员可不填",
            example="固定期限",
        ),
        Date("contract_start", "合同开始日期", example="2023-01-01"),
        Date("contract_end", "合同结束日期", note="无固定期限可不填"),
        Bool("on_establishment", "是否在编", ("在编",), example="否"),
        Money(
            "monthly_wage",
            "月工资（元）",
            ("月工资", "月平均工资"),
            required=True,
            minimum=None,
            example="4000",
        ),
        Int(
            "insurance_months",
            "缴纳社保月数",
            ("社保月数", "社会保险缴纳月数"),
            required=True,
            minimum=None,
            example="12",
        ),
        Bool("dispatched", "是否劳务派遣", ("劳务派遣",), example="否"),
        Text("dispatch_agency", "派遣单位", max_length=200),
        Bool(
            "counts_here",
            "是否计入本单位",
            ("计入本单位",),
            blank=True,
            note="劳务派遣人员按协议计入派遣单位或用工单位之一；不填为“是”",
        ),
    )

    def open_parent(self, parent: Any, *, by: Any) -> Any:
        # The employer's own declaration (any, for district staff), still being written.
        if actor(by) is not None and not scope_for(by, Declaration).filter(pk=parent.pk).exists():
            raise ImportFileError(_("找不到这份申报，或您不能修改它。"))
        declarations = Declaration.objects.all()
        if transaction.get_connection().in_atomic_block:
            declarations = declarations.select_for_update()
        declaration = declarations.get(pk=parent.pk)
        if not declaration.is_editable:
            raise ImportFileError(
                _("申报状态为“%(status)s”，不能再上传名单。")
                % {"status": declaration.get_status_display()}
            )
        return declaration

    def begin(self) -> None:
        super().begin()
        self.listed: int | None = None
        self.new_lines = 0

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        data["declaration"] = self.parent
        try:
            data["id_number_index"] = id_number_index(data["id_number"])
        except ValidationError:
            data["id_number_index"] = ""  # the row check says what is wrong with it

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        values = self.merged(data, current)
        cleaned, problems = employee_check(
            self.parent, {k: v for k, v in values.items() if k in EMPLOYEE_FIELDS}
        )
        data["_derived"] = {k: cleaned[k] for k in CLEANED if k in cleaned}
        if current is None:
            # Each new line must still fit in the declared staff (the service's rule).
            if self.listed is None:
                self.listed = self.existing_queryset().count()
            self.new_lines += 1
            too_many = staff_list_too_long(self.parent, adding=self.new_lines, listed=self.listed)
            if too_many:
                problems.setdefault("id_number", []).append(too_many)
        return problems

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**super().model_values(data), **data.get("_derived", {})}

    def existing_queryset(self) -> Any:
        return DeclaredEmployee.objects.filter(declaration=self.parent)

    def insert(self, creates: list[Model]) -> None:
        # New lines go to the end of the list, in the file's order.
        too_many = staff_list_too_long(self.parent, adding=len(creates))
        if too_many:
            raise ImportFileError(too_many)
        last = self.existing_queryset().aggregate(n=Max("position"))["n"] or 0
        for number, line in enumerate(creates, start=last + 1):
            line.position = number
        super().insert(creates)

    def before_rollback(self, *, batch: ImportBatch, created: list[Model], by: Any) -> None:
        declaration = self.parent
        if declaration is not None and not declaration.is_editable:
            raise RollbackError(
                _("申报状态为“%(status)s”，名单不能再撤销。")
                % {"status": declaration.get_status_display()}
            )

    def after_rollback(self, undone: Undone) -> None:
        # Without a policy for the year there is nothing to compute: the page says so.
        if self.parent is not None:
            with contextlib.suppress(ValidationError):
                declaration_compute(self.parent)

    def export_queryset(self, filters: dict[str, str]) -> Any:
        raise ImportFileError(_("残疾职工名单不单独导出：请在申报页面查看。"))


class QuotaResultsKind(ImportKind):
    """One row per employer for a year: the figures of its confirmed declaration (else the one
    in progress). Export only: the figures are computed, never typed in."""

    name = "quota_results"
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

    def export_row(self, obj: Any, *, reveal: bool) -> list[str]:
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


staff_kind = register_kind(DeclarationStaffKind())
quota_results_kind = register_kind(QuotaResultsKind())


# --- the declaration page ------------------------------------------------------------------


def staff_list_check(*, declaration: Declaration, upload: Any, by: Any) -> ImportResult:
    """Check an uploaded list against a declaration (nothing is saved): every bad row, or
    what saving would do."""
    return list_check(kind=KIND_STAFF, parent=declaration, upload=upload, by=by, empty=EMPTY)


def staff_list_save(*, declaration: Declaration, checked: Any, by: Any) -> ImportResult | None:
    """Save a list this user checked against this declaration with no bad row: every row or
    none. None when there is no such check."""
    return list_save(kind=KIND_STAFF, parent=declaration, checked=checked, by=by, empty=EMPTY)


def staff_template() -> bytes:
    return template_xlsx(staff_kind)
