"""Auxiliary employment and the labour-project bank (action 五).

- Institutions (阳光家园、残疾人之家、托养机构、辅助性就业机构、职业康复机构) are organisational
  data at a region, kept like other registry records (archived, never deleted).
- A membership is a person attending an institution from/to, with hours and monthly income;
  its auxiliary employment (辅助性就业) is an employment record written through the employment
  services, so the person's employment status stays derived from employment records.
- The labour-project bank: projects collected from enterprises, their volume allocated (调配)
  to institutions, deliveries of allocated work, and income paid to members. What has been
  allocated and delivered is summed from allocations and deliveries, never stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk, optional_fk
from jiuye.core.models import (
    ArchivableModel,
    BaseModel,
    RegionalRecord,
    VersionedModel,
    range_check,
)
from jiuye.core.scoping import person_scope
from jiuye.people.models import person_fk
from jiuye.reference.models import region_fk


class InstitutionKind(models.TextChoices):
    SUNSHINE_HOME = "sunshine_home", _("阳光家园")
    DISABLED_HOME = "disabled_home", _("残疾人之家")
    CARE = "care", _("托养机构")
    AUXILIARY = "auxiliary", _("辅助性就业机构")
    REHABILITATION = "rehabilitation", _("职业康复机构")


class InstitutionStatus(models.TextChoices):
    OPERATING = "operating", _("运营中")
    SUSPENDED = "suspended", _("暂停运营")
    PREPARING = "preparing", _("筹建中")


class AuxInstitution(RegionalRecord):
    name = models.CharField(_("机构名称"), max_length=200)
    kind = models.CharField(_("机构类型"), max_length=20, choices=InstitutionKind.choices)
    region = region_fk(_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("可容纳人数"))
    # Codes of jobs.models.AccessFeature the premises offer.
    accessibility = models.JSONField(_("无障碍设施"), default=list, blank=True)
    operator = models.CharField(_("运营主体"), max_length=200, blank=True)
    # The operator as an employer of the registry, when it is one: the members' auxiliary
    # employment records then name it.
    employer = optional_fk("employers.Employer", _("对应用人单位"), related_name="+")
    status = models.CharField(
        _("运营状态"),
        max_length=20,
        choices=InstitutionStatus.choices,
        default=InstitutionStatus.OPERATING,
    )
    opened_on = models.DateField(_("成立日期"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("辅助性就业机构")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="aux_institution_capacity")
        ]

    def __str__(self) -> str:
        return self.name


class AuxMembership(BaseModel, ArchivableModel, VersionedModel):
    """A person attending an institution. ``employment`` is the auxiliary employment record the
    membership keeps in step (form 辅助性就业, the institution as workplace, the monthly income
    as wage, the same dates)."""

    scope_paths = person_scope()

    institution = models.ForeignKey(
        AuxInstitution, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="members"
    )
    person = person_fk(_("人员"), related_name="aux_memberships")
    start_date = models.DateField(_("进入日期"))
    end_date = models.DateField(_("离开日期"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("每周工作小时"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    monthly_income = models.DecimalField(
        _("月收入（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    employment = optional_fk(
        "employment.EmploymentRecord",
        _("辅助性就业记录"),
        related_name="aux_membership",
        field=models.OneToOneField,
    )
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["-start_date", "created_at"]
        verbose_name = verbose_name_plural = _("辅助性就业人员")
        constraints = [
            range_check(
                "start_date",
                "end_date",
                name="aux_membership_end_after_start",
                open_ends=("end_date",),
            ),
            models.UniqueConstraint(
                fields=["institution", "person", "start_date"], name="aux_membership_once"
            ),
        ]

    def __str__(self) -> str:
        # Ids, not names: the audit page names many records at once and must not fetch more.
        return f"{self.institution_id} {self.person_id} {self.start_date:%Y-%m-%d}"


class LabourProject(RegionalRecord):
    """A project of the labour-project bank (劳动项目库): work an enterprise gives out, collected
    by the district or a town (``region``: who holds it in the bank)."""

    code = models.CharField(_("项目编号"), max_length=30, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    source_employer = optional_fk("employers.Employer", _("来源企业（已登记）"))
    source_name = models.CharField(_("来源企业"), max_length=200, blank=True)
    work_content = models.TextField(_("工作内容"))
    unit = models.CharField(_("计量单位"), max_length=20, default="件")
    unit_price = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2)
    volume = models.PositiveIntegerField(_("总量"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    skills = models.CharField(_("技能要求"), max_length=300, blank=True)
    # Empty means suitable for every category.
    suitable_categories = models.ManyToManyField(
        "reference.DisabilityCategory", verbose_name=_("适合残疾类别"), blank=True, related_name="+"
    )
    region = region_fk(_("收集地区"))
    collected_on = models.DateField(_("入库日期"))
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["-collected_on", "code"]
        verbose_name = verbose_name_plural = _("劳动项目")
        constraints = [
            range_check("start_date", "end_date", name="labour_project_end_after_start"),
            models.CheckConstraint(condition=Q(volume__gte=1), name="labour_project_volume"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="labour_project_price"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def source(self) -> str:
        return self.source_employer.name if self.source_employer_id else self.source_name


class LabourAllocation(BaseModel, ArchivableModel, VersionedModel):
    """Part of a project's volume given to one institution (调配). The live allocations of a
    project never add up to more than its volume (``services.auxiliary.allocation_create``
    checks it with the project row locked)."""

    scope_paths = {"region": "institution__region"}
    scope_personal = False

    project = models.ForeignKey(
        LabourProject,
        verbose_name=_("劳动项目"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    institution = models.ForeignKey(
        AuxInstitution,
        verbose_name=_("承接机构"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    quantity = models.PositiveIntegerField(_("调配数量"))
    allocated_on = models.DateField(_("调配日期"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["-allocated_on", "created_at"]
        verbose_name = verbose_name_plural = _("劳动项目调配")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="labour_allocation_quantity"),
            models.UniqueConstraint(
                fields=["project", "institution", "allocated_on"], name="labour_allocation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.institution_id} {self.quantity}"


class LabourDelivery(BaseModel, ArchivableModel, VersionedModel):
    """Work an institution handed back on an allocation (交付). Corrected on its own page, or
    archived with a reason when entered in error (its quantity is owed again)."""

    scope_paths = {"region": "allocation__institution__region"}
    scope_personal = False

    allocation = models.ForeignKey(
        LabourAllocation,
        verbose_name=_("调配"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    quantity = models.PositiveIntegerField(_("交付数量"))
    delivered_on = models.DateField(_("交付日期"))
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        ordering = ["-delivered_on", "created_at"]
        verbose_name = verbose_name_plural = _("劳动项目交付")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="labour_delivery_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.allocation_id} {self.delivered_on:%Y-%m-%d} {self.quantity}"


class AuxIncome(BaseModel, ArchivableModel, VersionedModel):
    """Income paid to a member for a month (from the institution's deliveries). Corrected on
    its own page, or archived with a reason (the month may then be entered again)."""

    scope_paths = person_scope("membership__person")

    membership = models.ForeignKey(
        AuxMembership, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="incomes"
    )
    month = models.DateField(_("收入月份"))  # the first day of the month
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    delivery = optional_fk(LabourDelivery, _("对应交付"), related_name="incomes")

    class Meta:
        ordering = ["-month", "created_at"]
        verbose_name = verbose_name_plural = _("辅助性就业收入")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="aux_income_amount"),
            models.UniqueConstraint(
                fields=["membership", "month"],
                condition=Q(archived_at__isnull=True),
                name="aux_income_once_a_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.month:%Y-%m} {self.amount}"
