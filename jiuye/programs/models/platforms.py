"""Action 四's platform partners: employers that are platforms (e-commerce, livestreaming,
food delivery, express delivery, ride-hailing …) and what each has committed to persons with
disabilities (relaxed entry requirements, waived joining or service fees, dispatch preference,
promotion, free training), each with what and since when.

The persons working through a platform are never typed here: they are the employment records
at the platform's employer with a new-form-of-employment subtype (``employment``), so the
platform's page and the indicators count them from the one source of employment status.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk
from jiuye.core.models import BaseModel, RegionalRecord, VersionedModel, range_check


class PlatformKind(models.TextChoices):
    ECOMMERCE = "ecommerce", _("电商")
    LIVESTREAM = "livestream", _("直播")
    SHORT_VIDEO = "short_video", _("短视频")
    FOOD_DELIVERY = "food_delivery", _("外卖")
    EXPRESS = "express", _("快递")
    RIDE_HAILING = "ride_hailing", _("网约车")
    CLOUD_SERVICE = "cloud_service", _("网络客服/云客服")
    OTHER = "other", _("其他平台")


class PlatformPartner(RegionalRecord):
    scope_paths = {"region": "employer__region", "employer": "employer_id"}
    name_relations = ("employer",)

    employer = models.OneToOneField(
        "employers.Employer",
        verbose_name=_("平台企业"),
        on_delete=models.PROTECT,
        related_name="platform_partner",
    )
    # Codes of PlatformKind.
    platform_kinds = models.JSONField(_("平台类型"), default=list)
    since = models.DateField(_("开始助残合作日期"))
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["-since", "id"]
        verbose_name = verbose_name_plural = _("助残合作平台")

    def __str__(self) -> str:
        return str(self.employer)


class CommitmentKind(models.TextChoices):
    RELAXED_ENTRY = "relaxed_entry", _("放宽准入条件")
    FEE_WAIVER = "fee_waiver", _("减免加盟费或服务费")
    DISPATCH = "dispatch", _("优先派单")
    PROMOTION = "promotion", _("流量扶持和推广")
    FREE_TRAINING = "free_training", _("免费培训")
    OTHER = "other", _("其他助残措施")


class PlatformCommitment(BaseModel, VersionedModel):
    """One measure a platform committed to, from ``since`` until ``until`` (open: in force).
    A measure that stops gets its end date; it is never deleted."""

    scope_paths = {"region": "partner__employer__region", "employer": "partner__employer_id"}
    scope_personal = False

    partner = models.ForeignKey(
        PlatformPartner,
        verbose_name=_("平台"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    kind = models.CharField(_("承诺类型"), max_length=20, choices=CommitmentKind.choices)
    description = models.CharField(_("具体内容"), max_length=300)
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "since"]
        verbose_name = verbose_name_plural = _("平台助残承诺")
        constraints = [
            range_check("since", "until", name="commitment_until_after_since", open_ends=("until",))
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description}"

    @property
    def in_force(self) -> bool:
        return self.until is None


def in_force_q(on: object, prefix: str = "") -> Q:
    """Commitments in force on a day."""
    return Q(**{f"{prefix}since__lte": on}) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": on})
    )
