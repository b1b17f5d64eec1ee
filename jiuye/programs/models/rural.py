"""Rural persons (action 六): employment bases and workshops in the countryside with the
supports they received, and the exchange with the national poverty-return monitoring system.

A base is organisational data located at a region (leaders may read it). Its employed persons
are never typed: they are the open employment records of its operator when the operator is a
registered employer (``programs.selectors.rural``). The persons it drives (带动: supplies,
orders, piecework at home) are a count the base reports. The monitoring flag itself lives on
the person (``people.Person.monitoring_*``); ``MonitoringExchange`` keeps what went to and came
back from the monitoring system, for the person's timeline.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk, optional_decimal, optional_fk
from jiuye.core.models import ArchivableModel, BaseModel, RegionalRecord, VersionedModel
from jiuye.core.scoping import person_scope
from jiuye.people.models import MonitoringCategory, person_fk
from jiuye.reference.models import region_fk


class BaseKind(models.TextChoices):
    WORKSHOP = "workshop", _("就业帮扶车间")
    POVERTY_BASE = "poverty_base", _("残疾人扶贫基地")
    RURAL_BASE = "rural_base", _("农村残疾人就业基地")


class Industry(models.TextChoices):
    PLANTING = "planting", _("种植")
    BREEDING = "breeding", _("养殖")
    PROCESSING = "processing", _("加工")
    TOURISM = "tourism", _("乡村旅游")
    ECOMMERCE = "ecommerce", _("农村电商")
    LOGISTICS = "logistics", _("农村寄递物流")
    HANDICRAFT = "handicraft", _("手工编织")
    OTHER = "other", _("其他")


class RuralBase(RegionalRecord):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=BaseKind.choices)
    industry = models.CharField(_("产业"), max_length=20, choices=Industry.choices)
    region = region_fk(_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    employer = optional_fk("employers.Employer", _("运营单位（已登记的用人单位）"))
    operator_name = models.CharField(_("运营主体（未登记时）"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    established_on = models.DateField(_("认定或建立日期"), null=True, blank=True)
    driven = models.PositiveIntegerField(_("带动残疾人数"), default=0)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = verbose_name_plural = _("农村就业基地和帮扶车间")
        indexes = [models.Index(fields=["region", "name"], name="rural_base_region_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def operator(self) -> str:
        return self.employer.name if self.employer_id else self.operator_name


class SupportKind(models.TextChoices):
    FUNDS = "funds", _("资金扶持")
    EQUIPMENT = "equipment", _("设备物资")
    TRAINING = "training", _("技术培训")
    OTHER = "other", _("其他")


class RuralBaseSupport(BaseModel, ArchivableModel, VersionedModel):
    """A support a base received: funds, equipment or training, with amount, date and the
    department that gave it."""

    scope_paths = {"region": "base__region"}
    scope_personal = False

    base = models.ForeignKey(
        RuralBase, verbose_name=_("基地"), on_delete=models.PROTECT, related_name="supports"
    )
    kind = models.CharField(_("扶持方式"), max_length=20, choices=SupportKind.choices)
    amount = optional_decimal(_("金额（元）"), max_digits=12)
    date = models.DateField(_("扶持日期"))
    department = optional_fk("reference.Department", _("扶持部门"))
    description = models.CharField(_("扶持内容"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = verbose_name_plural = _("基地扶持")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="rural_support_amount"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class ExchangeDirection(models.TextChoices):
    EXPORTED = "exported", _("就业需求导出至监测系统")
    IDENTIFIED = "identified", _("监测系统认定为监测对象")
    CLEARED = "cleared", _("监测系统标注风险消除")


class MonitoringExchange(BaseModel):
    """One person in one exchange with the national monitoring system: their needs sent out in
    an export, or their identification (or risk elimination) brought back by an import."""

    scope_paths = person_scope()

    person = person_fk(_("人员"), related_name="+")
    direction = models.CharField(_("交换内容"), max_length=12, choices=ExchangeDirection.choices)
    date = models.DateField(_("日期"))
    category = models.CharField(
        _("防返贫监测类别"), max_length=12, choices=MonitoringCategory.choices, blank=True
    )
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = verbose_name_plural = _("防返贫监测信息交换")
        indexes = [models.Index(fields=["person", "date"], name="monitoring_exchange_person")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_direction_display()}"
