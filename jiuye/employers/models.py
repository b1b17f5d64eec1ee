"""Employers. The foundation holds identity and region; the employers issue adds the rest."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.models import ArchivableModel, BaseModel
from jiuye.reference.models import Region


class Employer(BaseModel, ArchivableModel):
    scope_paths = {"region": "region", "employer": "id"}

    class Kind(models.TextChoices):
        AGENCY = "agency", _("机关")
        INSTITUTION = "institution", _("事业单位")
        SOE = "soe", _("国有企业")
        PRIVATE = "private", _("民营企业")
        SOCIAL = "social", _("社会组织")
        SOLE_TRADER = "sole_trader", _("个体")

    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    uscc_override_reason = models.TextField(_("校验码不符的确认原因"), blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")

    def __str__(self) -> str:
        return self.name
