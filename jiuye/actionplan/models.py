"""The action plan as data: plans, actions, tasks, departments, periods, reports, targets."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import optional_decimal, user_fk
from jiuye.core.models import BaseModel, VersionedModel, range_check
from jiuye.core.storage import EncryptedFileField
from jiuye.reference.models import Department, Region


class Plan(BaseModel):
    """One multi-year action plan, imported from its task table."""

    scope_paths = {"department": "actions__assignments__department"}
    scope_personal = False

    name = models.CharField(_("方案名称"), max_length=200, unique=True)
    start_year = models.PositiveSmallIntegerField(_("起始年份"))
    end_year = models.PositiveSmallIntegerField(_("结束年份"))
    source_title = models.CharField(_("原表标题"), max_length=300, blank=True)
    is_current = models.BooleanField(_("当前方案"), default=True)

    class Meta:
        ordering = ["-start_year", "name"]
        verbose_name = verbose_name_plural = _("行动方案")
        constraints = [range_check("start_year", "end_year", name="plan_years_ordered")]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Action(BaseModel):
    """One row of the task table (一 … 十)."""

    scope_paths = {"department": "assignments__department"}
    scope_personal = False

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField(_("序号"), validators=[MinValueValidator(1)])
    numeral = models.CharField(_("编号"), max_length=4)
    title = models.CharField(_("行动"), max_length=200)
    targets = models.TextField(_("工作任务目标"))
    deadline = models.CharField(_("完成时限"), max_length=100)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = verbose_name_plural = _("行动")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_number_unique")
        ]

    def __str__(self) -> str:
        return f"（{self.numeral}）{self.title}"

    @property
    def is_yearly(self) -> bool:
        return self.deadline == "全年"


class ActionDepartment(models.Model):
    """A responsible department of an action, in the order the table lists them."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("顺序"))
    is_lead = models.BooleanField(_("牵头"), default=False)
    # True when the department came from "各镇街" rather than being named.
    via_all_towns = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("行动责任部门")
        ordering = ["action", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "department"], name="action_department_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action.numeral} {self.department}"


class ReportingPeriod(BaseModel):
    """A period departments report for (by default each plan year, "全年")."""

    scope_personal = False
    scope_paths = {"department": "plan__actions__assignments__department"}
    name_relations = ("plan",)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(_("报告期"), max_length=50)
    year = models.PositiveSmallIntegerField(_("年度"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    due_date = models.DateField(_("报送截止日期"))

    class Meta:
        ordering = ["plan", "start_date"]
        verbose_name = verbose_name_plural = _("报告期")
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="period_name_unique"),
            range_check("start_date", "end_date", name="period_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.name}"

    def has_ended(self, today: dt.date) -> bool:
        return today > self.due_date


class Task(BaseModel):
    """A measurable piece of an action, assigned to a lead department and co-departments."""

    name_relations = ("action",)
    scope_paths = {"department": "assignments__department"}
    scope_personal = False

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)
    title = models.CharField(_("任务"), max_length=300)
    description = models.TextField(_("说明"), blank=True)
    target_value = optional_decimal(_("目标值"), max_digits=14)
    target_unit = models.CharField(_("单位"), max_length=20, blank=True)
    indicator_code = models.CharField(
        _("对应指标"), max_length=80, blank=True, help_text=_("由系统数据自动计算进展的指标")
    )
    deadline = models.CharField(_("完成时限"), max_length=100, default="全年")

    class Meta:
        ordering = ["action", "position"]
        verbose_name = verbose_name_plural = _("任务")
        constraints = [
            models.UniqueConstraint(fields=["action", "position"], name="task_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.action.numeral}-{self.position} {self.title}"

    @property
    def code(self) -> str:
        return f"{self.action.numeral}-{self.position}"


class TaskDepartment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("牵头"), default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("任务责任部门")
        ordering = ["task", "-is_lead", "department__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="task_department_unique"),
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(is_lead=True), name="task_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.department}"


class ProgressReport(BaseModel, VersionedModel):
    """A department's report on one task for one period, reviewed by district staff."""

    scope_paths = {"department": "department"}
    scope_personal = False

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已通过")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    narrative = models.TextField(_("工作进展"))
    actual_value = optional_decimal(_("完成值"), max_digits=14)
    figures = models.TextField(_("主要数据"), blank=True)
    problems = models.TextField(_("存在的问题"), blank=True)
    next_steps = models.TextField(_("下一步打算"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = user_fk()
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = user_fk()
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["task", "period", "department"]
        verbose_name = verbose_name_plural = _("进展报告")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "period", "department"], name="report_unique_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.period.name} {self.department}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


def attachment_path(instance: ReportAttachment, filename: str) -> str:
    return f"reports/{instance.report_id}/{instance.id}"


class ReportAttachment(BaseModel):
    scope_paths = {"department": "report__department"}
    scope_personal = False

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    # A department's report may attach lists of the people it served: stored encrypted.
    file = EncryptedFileField(upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class IndicatorTarget(BaseModel):
    """A target for one indicator in one year and region (the district or a town)."""

    scope_personal = False
    scope_paths = {"region": "region"}

    indicator_code = models.CharField(_("指标"), max_length=80)
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT)
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["indicator_code", "year", "region"]
        verbose_name = verbose_name_plural = _("指标目标")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_code", "year", "region"], name="indicator_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.year} {self.region}: {self.value}"


class IndicatorSnapshot(models.Model):
    """A frozen figure: what an indicator showed when district staff froze the year."""

    indicator_code = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    frozen_at = models.DateTimeField()
    frozen_by = user_fk()

    class Meta:
        ordering = ["indicator_code", "year", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_code", "year", "region"], name="indicator_snapshot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.year} {self.region_id}: {self.value}"
