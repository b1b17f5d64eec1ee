"""Town casework: the yearly verify–register–serve duty of action 十, visits, campaigns and
public-welfare posts.

``AnnualCase`` is the yearly duty for one person and one year, kept by the services in the same
transaction as the service and needs records it summarises (ADR 0004), so the worklist and the
coverage dashboard read one row per person instead of scanning every service record.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk, optional_decimal, optional_fk, user_fk
from jiuye.core.models import ArchivableModel, BaseModel, choice_labels, range_check
from jiuye.core.scoping import person_scope
from jiuye.core.storage import EncryptedFileField
from jiuye.people.models import person_fk
from jiuye.reference.models import EnglishNamed, region_fk


class ServiceKind(models.TextChoices):
    VERIFICATION = "verification", _("基本信息核对")
    NEEDS = "needs", _("就业需求登记")
    SERVICE = "service", _("就业服务")


class ServiceType(EnglishNamed):
    """Reference data (extensible): what was done. Verification and needs registration are one
    type each; everything else is a service that counts as "served"."""

    code = models.CharField(_("代码"), max_length=30, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=ServiceKind.choices)
    # A visit to a hard-to-employ person (action 五's survey and visit duty).
    is_visit = models.BooleanField(_("属于走访"), default=False)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = verbose_name_plural = _("服务类型")


VERIFICATION = "verification"
NEEDS_REGISTRATION = "needs_registration"


class Channel(models.TextChoices):
    HOME_VISIT = "home_visit", _("入户走访")
    PHONE = "phone", _("电话")
    WINDOW = "window", _("服务窗口")
    ONLINE = "online", _("线上")


class Outcome(models.TextChoices):
    DONE = "done", _("已完成")
    FOLLOW_UP = "follow_up", _("需跟进")
    NOT_REACHED = "not_reached", _("未联系上")
    DECLINED = "declined", _("本人拒绝")


class ServiceRecord(BaseModel, ArchivableModel):
    scope_paths = person_scope()
    name_relations = ("service_type",)

    person = person_fk(_("人员"), related_name="service_records")
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("服务类型"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("服务日期"))
    officer = user_fk(_("经办人"))
    officer_name = models.CharField(_("经办人姓名"), max_length=50, blank=True)
    channel = models.CharField(_("服务方式"), max_length=20, choices=Channel.choices)
    notes = models.TextField(_("服务内容"), blank=True)
    outcome = models.CharField(
        _("服务结果"), max_length=20, choices=Outcome.choices, default=Outcome.DONE
    )
    follow_up_date = models.DateField(_("下次跟进日期"), null=True, blank=True)
    attachment = EncryptedFileField(_("附件"), upload_to="casework/%Y/%m/", blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    # One per form shown: a form submitted twice creates one record.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = verbose_name_plural = _("服务记录")
        indexes = [
            models.Index(fields=["person", "date"], name="service_person_date"),
            models.Index(fields=["date", "service_type"], name="service_date_type"),
        ]

    @property
    def officer_label(self) -> str:
        """The handler as shown: the account's name and office, or the name typed for a handler
        without an account (older records copied the account's login name into the text)."""
        officer = self.officer if self.officer_id else None
        own = (
            ("", officer.username, officer.display_name, officer.get_full_name())
            if officer
            else ("",)
        )
        return str(officer) if officer and self.officer_name in own else self.officer_name

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.service_type}"


class WantsWork(models.TextChoices):
    YES = "yes", _("有就业意愿")
    NO = "no", _("暂无就业意愿")


class NotWantingReason(models.TextChoices):
    STUDYING = "studying", _("在校学习")
    HEALTH = "health", _("身体原因无法工作")
    FAMILY = "family", _("照顾家庭")
    RETIRED = "retired", _("已退休或领取养老金")
    SEVERE = "severe", _("重度残疾需要照护")
    OTHER = "other", _("其他")


class Hours(models.TextChoices):
    FULL_TIME = "full_time", _("全职")
    PART_TIME = "part_time", _("兼职")
    FLEXIBLE = "flexible", _("弹性时间")
    ANY = "any", _("都可以")


class Support(models.TextChoices):
    ACCESSIBILITY = "accessibility", _("无障碍工作环境")
    TRANSPORT = "transport", _("交通接送或补贴")
    JOB_COACH = "job_coach", _("就业辅导员陪同")
    SIGN_LANGUAGE = "sign_language", _("手语翻译")
    ASSISTIVE_DEVICE = "assistive_device", _("辅助器具")
    TRAINING = "training", _("岗前培训")


class NeedsRecord(BaseModel):
    """A person's employment needs for one year. A new registration in the same year supersedes
    the current one (kept as history, ``is_current`` false)."""

    scope_paths = person_scope()

    person = person_fk(_("人员"), related_name="needs_records")
    year = models.PositiveSmallIntegerField(_("年度"))
    registered_on = models.DateField(_("登记日期"))
    wants_work = models.CharField(_("就业意愿"), max_length=5, choices=WantsWork.choices)
    not_wanting_reason = models.CharField(
        _("暂无意愿的原因"), max_length=20, choices=NotWantingReason.choices, blank=True
    )
    desired_jobs = models.CharField(_("意向岗位"), max_length=200, blank=True)
    desired_region = optional_fk("reference.Region", _("意向工作地点"))
    remote_ok = models.BooleanField(_("可以居家/线上工作"), default=False)
    hours = models.CharField(_("工作时间"), max_length=20, choices=Hours.choices, blank=True)
    expected_wage = optional_decimal(_("期望月薪（元）"))
    training_wanted = models.CharField(_("培训需求"), max_length=200, blank=True)
    support_needed = models.JSONField(_("需要的支持"), default=list, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    service_record = optional_fk(
        ServiceRecord, _("登记记录"), related_name="needs", field=models.OneToOneField
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-year", "-registered_on", "-created_at"]
        verbose_name = verbose_name_plural = _("就业需求登记")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=Q(is_current=True),
                name="needs_one_current_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_wants_work_display()}"

    def support_labels(self) -> list[str]:
        return choice_labels(Support, self.support_needed)


class AnnualCase(models.Model):
    """One person's yearly duty (action 十): when they were first verified, had their needs
    registered, and were first served after that registration, in the year. Written only by
    the casework services, in the transaction of the records it summarises."""

    scope_paths = person_scope()
    scope_personal = True

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="annual_cases"
    )
    year = models.PositiveSmallIntegerField()
    verified_on = models.DateField(null=True, blank=True)
    needs_registered_on = models.DateField(null=True, blank=True)
    wants_work = models.CharField(max_length=5, choices=WantsWork.choices, blank=True)
    served_on = models.DateField(null=True, blank=True)
    last_service_on = models.DateField(null=True, blank=True)
    last_visit_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="annual_case_person_year")
        ]
        indexes = [models.Index(fields=["year", "person"], name="annual_case_year_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class CoverageTally(models.Model):
    """Action 十's counts and action 五's hard-to-employ visits for one village and year, as the
    live selectors compute them on ``as_of`` (ADR 0005). A cache: ``tallies_refresh``
    (services/tallies.py) recomputes a village when a write service marked it dirty
    (core.tallies) or when the reference day moved on; the live queries stay the definition."""

    scope_paths = {"region": "village"}
    scope_personal = False

    id = models.BigAutoField(primary_key=True)
    village = models.ForeignKey(
        "reference.Region", on_delete=models.CASCADE, related_name="coverage_tallies"
    )
    year = models.PositiveSmallIntegerField()
    as_of = models.DateField()
    unemployed = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    wanting = models.PositiveIntegerField(default=0)
    needs = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    # The worklist's statuses (selectors.STATUS_Q; a person can be in more than one) ...
    not_verified = models.PositiveIntegerField(default=0)
    needs_missing = models.PositiveIntegerField(default=0)
    not_served = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # ... and the two middle segments of the "not yet done first" order (verified persons only).
    todo_needs = models.PositiveIntegerField(default=0)
    todo_serve = models.PositiveIntegerField(default=0)
    hard_to_employ = models.PositiveIntegerField(default=0)
    hard_to_employ_visited = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="coverage_tally_village_year")
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"


class TargetGroup(models.TextChoices):
    ALL = "all", _("就业年龄段未就业残疾人")
    HARD_TO_EMPLOY = "hard_to_employ", _("就业困难人员")
    MONITORED = "monitored", _("防返贫监测对象")
    GRADUATES = "graduates", _("高校毕业生")
    RURAL = "rural", _("农村残疾人")
    LOW_INCOME = "low_income", _("低保对象")


class Campaign(BaseModel, ArchivableModel):
    """A time-boxed drive such as 就业援助月: services of its types, inside its period, to
    persons of its target groups count toward it."""

    scope_paths = {"region": "quotas__town"}
    scope_personal = False

    name = models.CharField(_("活动名称"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    target_groups = models.JSONField(_("服务对象"), default=list)
    service_types = models.ManyToManyField(
        ServiceType, verbose_name=_("计入的服务类型"), blank=True, related_name="+"
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = verbose_name_plural = _("专项活动")
        constraints = [range_check("start_date", "end_date", name="campaign_end_after_start")]

    def __str__(self) -> str:
        return self.name


class CampaignQuota(BaseModel):
    scope_paths = {"region": "town"}
    scope_personal = False

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    town = region_fk(_("镇街"))
    quota = models.PositiveIntegerField(_("目标人数"))

    class Meta:
        verbose_name = verbose_name_plural = _("专项活动镇街任务数")
        ordering = ["town_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "town"], name="campaign_quota_town")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.town}"


class PublicWelfarePost(BaseModel, ArchivableModel):
    """公益性岗位: posts funded for a period; placements into them are employment records of the
    public-welfare form."""

    scope_paths = {"region": "region"}
    scope_personal = False

    unit = models.CharField(_("用工单位"), max_length=200)
    region = region_fk(_("所在镇街"))
    title = models.CharField(_("岗位名称"), max_length=100)
    count = models.PositiveSmallIntegerField(_("岗位数"))
    funding_start = models.DateField(_("资助开始日期"))
    funding_end = models.DateField(_("资助结束日期"))
    monthly_subsidy = optional_decimal(_("月补贴（元）"))
    funder = models.CharField(_("资金来源"), max_length=100, blank=True)

    class Meta:
        ordering = ["-funding_start", "unit", "title"]
        verbose_name = verbose_name_plural = _("公益性岗位")
        constraints = [
            range_check("funding_start", "funding_end", name="post_funding_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.title}"


class PostPlacement(BaseModel):
    scope_paths = person_scope()

    post = models.ForeignKey(PublicWelfarePost, on_delete=models.PROTECT, related_name="placements")
    person = person_fk(related_name="post_placements")
    employment_record = models.OneToOneField(
        "employment.EmploymentRecord", on_delete=models.PROTECT, related_name="post_placement"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("公益性岗位安置")

    def __str__(self) -> str:
        return f"{self.post} {self.person_id}"
