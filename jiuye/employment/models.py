"""Employment records: the one source of a person's employment status (ARCHITECTURE.md).

A person is employed on a day when a record that is not archived covers it: started on or
before the day, and not ended, or ended on or after it (the end date is the last day worked).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk, optional_decimal, optional_fk
from jiuye.core.models import ArchivableModel, BaseModel, VersionedModel, range_check
from jiuye.core.scoping import person_scope
from jiuye.people.models import person_fk


class EmploymentForm(models.TextChoices):
    """The CDPF statistical forms of employment (DOMAIN.md)."""

    QUOTA = "quota", _("按比例就业")
    CONCENTRATED = "concentrated", _("集中就业")
    SELF_EMPLOYED = "self_employed", _("个体就业/自主创业")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位")
    AUXILIARY = "auxiliary", _("辅助性就业")
    FLEXIBLE = "flexible", _("灵活就业")
    FARMING = "farming", _("农业种养加")


# Forms with no employer: the person works for themselves or their household.
FORMS_WITHOUT_EMPLOYER = frozenset({EmploymentForm.SELF_EMPLOYED, EmploymentForm.FARMING})


class NewFormSubtype(models.TextChoices):
    """New forms of employment (action 四): flexible employment with a sub-type."""

    LIVESTREAM = "livestream", _("直播带货")
    ECOMMERCE = "ecommerce", _("电商/网店")
    DELIVERY = "delivery", _("快递外卖配送")
    RIDE_HAILING = "ride_hailing", _("网约车")
    PLATFORM = "platform", _("平台用工")
    CLOUD_SERVICE = "cloud_service", _("网络客服/云客服")
    SHORT_VIDEO = "short_video", _("短视频/自媒体")
    OTHER = "other", _("其他新就业形态")


class ContractType(models.TextChoices):
    FIXED = "fixed", _("固定期限劳动合同")
    OPEN_ENDED = "open_ended", _("无固定期限劳动合同")
    TASK = "task", _("以完成一定工作任务为期限")
    SERVICE = "service", _("劳务协议")
    ESTABLISHMENT = "establishment", _("在编")
    NONE = "none", _("无合同")


class Source(models.TextChoices):
    VERIFICATION = "verification", _("核实走访")
    DECLARATION = "declaration", _("用人单位申报")
    PLACEMENT = "placement", _("推荐就业")
    IMPORT = "import", _("批量导入")
    DEPARTMENT = "department", _("部门数据")
    STAFF = "staff", _("工作人员登记")


class EndReason(models.TextChoices):
    CONTRACT_ENDED = "contract_ended", _("合同到期")
    RESIGNED = "resigned", _("本人辞职")
    DISMISSED = "dismissed", _("单位解除")
    BUSINESS_CLOSED = "business_closed", _("停业/歇业")
    HEALTH = "health", _("身体原因")
    RETIRED = "retired", _("退休")
    OTHER = "other", _("其他")


def covering_q(on: dt.date, prefix: str = "") -> Q:
    """Records (or, with a prefix like ``"employment_records__"``, their owners) that cover a
    day: started on or before it, not ended before it, not archived."""
    return Q(
        **{
            f"{prefix}start_date__lte": on,
            f"{prefix}archived_at__isnull": True,
        }
    ) & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on}))


class EmploymentRecord(BaseModel, ArchivableModel, VersionedModel):
    scope_paths = person_scope(employer="employer_id")
    name_relations = ("employer",)

    person = person_fk(_("人员"), related_name="employment_records")
    form = models.CharField(_("就业形式"), max_length=20, choices=EmploymentForm.choices)
    new_form_subtype = models.CharField(
        _("新就业形态"), max_length=20, choices=NewFormSubtype.choices, blank=True
    )
    employer = optional_fk("employers.Employer", _("用人单位"), related_name="employment_records")
    # An employer that is not (yet) in the employer registry, as written on the evidence.
    employer_name = models.CharField(_("单位名称（未登记单位）"), max_length=200, blank=True)
    job_title = models.CharField(_("岗位"), max_length=100, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("结束原因"), max_length=20, choices=EndReason.choices, blank=True
    )
    contract_type = models.CharField(
        _("合同类型"), max_length=20, choices=ContractType.choices, blank=True
    )
    contract_months = models.PositiveSmallIntegerField(_("合同期限（月）"), null=True, blank=True)
    monthly_wage = optional_decimal(_("月工资（元）"))
    social_insurance = models.BooleanField(_("缴纳社会保险"), default=False)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    evidence = models.CharField(_("依据"), max_length=300, blank=True)
    # Two open records of one person are either intended (a second job) or flagged for review.
    second_job = models.BooleanField(_("兼职/第二份工作"), default=False)
    needs_review = models.BooleanField(_("待核查"), default=False, db_index=True)
    review_note = models.CharField(_("待核查原因"), max_length=300, blank=True)
    import_batch = import_batch_fk()
    # A posting, placement or declaration that created the record points here by its own key.

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = verbose_name_plural = _("就业记录")
        indexes = [
            models.Index(fields=["person", "start_date", "end_date"], name="employment_cover"),
            models.Index(fields=["form", "start_date"], name="employment_form_start"),
        ]
        constraints = [
            range_check(
                "start_date", "end_date", name="employment_end_after_start", open_ends=("end_date",)
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.workplace} {self.start_date:%Y-%m-%d}"

    @property
    def workplace(self) -> str:
        if self.employer_id:
            return str(self.employer)
        return self.employer_name

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def covers(self, on: dt.date) -> bool:
        return (
            self.archived_at is None
            and self.start_date <= on
            and (self.end_date is None or self.end_date >= on)
        )
