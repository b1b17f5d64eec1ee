"""Action 十's employment service institutions: the public and the federation's employment
service institutions, and each year's standardization checklist (规范化建设) — service content,
standards, processes, staff and a dedicated window — each item met or not, with its evidence."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk
from jiuye.core.models import BaseModel, RegionalRecord, VersionedModel
from jiuye.reference.models import region_fk


class InstitutionOwner(models.TextChoices):
    PUBLIC = "public", _("公共就业服务机构")
    FEDERATION = "federation", _("残联就业服务机构")


class ServiceInstitution(RegionalRecord):
    name = models.CharField(_("机构名称"), max_length=200)
    owner = models.CharField(_("机构性质"), max_length=20, choices=InstitutionOwner.choices)
    region = region_fk(_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_phone = models.CharField(_("服务电话"), max_length=20, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("残疾人就业服务机构")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.TextChoices):
    CONTENT = "content", _("服务内容")
    STANDARDS = "standards", _("服务标准")
    PROCESSES = "processes", _("服务流程")
    STAFF = "staff", _("人员配备")
    WINDOW = "window", _("专门服务窗口")


class ChecklistEntry(BaseModel, VersionedModel):
    """One item of an institution's checklist in a year: met or not, and the evidence."""

    scope_paths = {"region": "institution__region"}
    scope_personal = False

    institution = models.ForeignKey(
        ServiceInstitution,
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        related_name="checklist",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    item = models.CharField(_("检查项目"), max_length=20, choices=ChecklistItem.choices)
    met = models.BooleanField(_("是否达标"), default=False)
    evidence = models.CharField(_("佐证"), max_length=500, blank=True)

    class Meta:
        ordering = ["year", "item"]
        verbose_name = verbose_name_plural = _("规范化建设检查")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "item"], name="checklist_entry_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_item_display()}"
