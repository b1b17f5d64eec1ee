"""Jobs: postings, job fairs, referrals (with placements) and the follow-ups after a placement.

A posting is organisational data (an employer's vacancy): every staff role reads published
postings; an employer reads and writes its own. Referrals and follow-ups are personal data and
are scoped like the person they are about; an employer reaches a referral only through its own
posting, and only while the person's consent to share their profile with employers stands
(``jobs.selectors.applicants_for_employer``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk, optional_decimal, optional_fk, user_fk
from jiuye.core.models import BaseModel, RegionalRecord, VersionedModel, choice_labels, range_check
from jiuye.core.scoping import person_scope
from jiuye.employment.models import ContractType, NewFormSubtype
from jiuye.people.models import person_fk
from jiuye.reference.models import EnglishNamed, region_fk


class Occupation(EnglishNamed):
    """The occupation code list (职业分类, after GB/T 6565 major groups and common small
    categories); reference data loaded by a data migration, extensible, never deleted."""

    code = models.CharField(_("代码"), max_length=20, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = verbose_name_plural = _("职业")


class MatchWeight(models.Model):
    """How much each matching factor weighs (data, editable by district staff, audited)."""

    factor = models.CharField(_("因素"), max_length=20, primary_key=True)
    weight = models.PositiveSmallIntegerField(_("权重"))
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = verbose_name_plural = _("匹配权重")

    def __str__(self) -> str:
        return f"{self.factor}={self.weight}"


class AccessFeature(models.TextChoices):
    """What a workplace and a job offer; each answers one of the persons' assistive needs
    (``people.models.AssistiveNeed``; the pairing and which needs are essential is in
    ``jobs.selectors.matching.NEEDS``)."""

    STEP_FREE = "step_free", _("无障碍通道（无台阶）")
    ACCESSIBLE_TOILET = "accessible_toilet", _("无障碍卫生间")
    SCREEN_READER = "screen_reader", _("兼容读屏软件的办公系统")
    BRAILLE = "braille", _("盲文或电子文档")
    SIGN_LANGUAGE = "sign_language", _("手语支持")
    WRITTEN = "written", _("可用文字沟通")
    EASY_READ = "easy_read", _("简明易懂的工作说明")
    JOB_COACH = "job_coach", _("允许就业辅导员陪同")
    FLEXIBLE_HOURS = "flexible_hours", _("弹性工作时间")


class Hours(models.TextChoices):
    FULL_TIME = "full_time", _("全职")
    PART_TIME = "part_time", _("兼职")
    FLEXIBLE = "flexible", _("弹性时间")
    SHIFTS = "shifts", _("轮班")


class TargetGroup(models.TextChoices):
    """Groups a posting or a fair is meant for, and by which placements are counted."""

    GRADUATES = "graduates", _("高校毕业生")
    BLIND = "blind", _("盲人")
    HARD_TO_EMPLOY = "hard_to_employ", _("就业困难人员")
    RURAL = "rural", _("农村残疾人")


class PostingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("待审核")
    PUBLISHED = "published", _("已发布")
    FILLED = "filled", _("已招满")
    CLOSED = "closed", _("已关闭")


class Posting(RegionalRecord):
    # An employer reads and writes its own postings.
    scope_paths = {"region": "region", "employer": "employer_id"}
    name_relations = ("employer",)

    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        related_name="postings",
    )
    title = models.CharField(_("岗位名称"), max_length=100)
    occupation = optional_fk(Occupation, _("职业类别"))
    openings = models.PositiveSmallIntegerField(_("招聘人数"), default=1)
    # Where the work is; a remote job still names the employer's place.
    region = region_fk(_("工作地点"))
    is_remote = models.BooleanField(_("可远程/线上工作"), default=False)
    new_form_subtype = models.CharField(
        _("新就业形态"), max_length=20, choices=NewFormSubtype.choices, blank=True
    )
    hours = models.CharField(_("工作时间"), max_length=20, choices=Hours.choices)
    schedule = models.CharField(_("班次安排"), max_length=100, blank=True)
    wage_min = optional_decimal(_("月薪下限（元）"))
    wage_max = optional_decimal(_("月薪上限（元）"))
    contract_type = models.CharField(
        _("合同类型"), max_length=20, choices=ContractType.choices, blank=True
    )
    education_min = models.CharField(_("最低学历"), max_length=20, blank=True)
    skills = models.JSONField(_("技能要求（标签）"), default=list, blank=True)
    requirements = models.TextField(_("其他要求"), blank=True)
    experience_years = models.PositiveSmallIntegerField(_("工作经验（年）"), default=0)
    # Empty means the job suits every category (or grade).
    suitable_categories = models.ManyToManyField(
        "reference.DisabilityCategory",
        verbose_name=_("适合的残疾类别"),
        blank=True,
        related_name="+",
    )
    suitable_grades = models.ManyToManyField(
        "reference.DisabilityGrade", verbose_name=_("适合的残疾等级"), blank=True, related_name="+"
    )
    accessibility = models.JSONField(_("无障碍条件"), default=list, blank=True)
    target_groups = models.JSONField(_("面向人群"), default=list, blank=True)
    benefits = models.CharField(_("福利待遇"), max_length=300, blank=True)
    description = models.TextField(_("岗位描述"), blank=True)
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=PostingStatus.choices, default=PostingStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    # jieba's terms of the title, skills and requirements, kept by the services for matching.
    terms = models.TextField(editable=False, blank=True)
    title_terms = models.CharField(max_length=300, editable=False, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = verbose_name_plural = _("招聘岗位")
        indexes = [
            models.Index(fields=["status", "deadline"], name="posting_status_deadline"),
            models.Index(fields=["region", "status"], name="posting_region_status"),
            # The list's order (selectors.postings_for_list): a page of the newest postings
            # walks this index instead of sorting every posting.
            models.Index(fields=["-published_at", "-created_at"], name="posting_published_order"),
        ]
        constraints = [
            range_check(
                "wage_min",
                "wage_max",
                name="posting_wage_range",
                open_ends=("wage_max", "wage_min"),
            ),
            models.CheckConstraint(condition=Q(openings__gte=1), name="posting_openings"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} · {self.title}"

    def accessibility_labels(self) -> list[str]:
        return choice_labels(AccessFeature, self.accessibility)

    def target_group_labels(self) -> list[str]:
        return choice_labels(TargetGroup, self.target_groups)


class FairKind(models.TextChoices):
    ONSITE = "onsite", _("现场招聘会")
    ONLINE = "online", _("网络招聘会")
    LIVESTREAM = "livestream", _("直播带岗")


class Fair(RegionalRecord):
    """招聘会. Organisational data; the seekers registered for it are personal data."""

    name = models.CharField(_("名称"), max_length=150)
    kind = models.CharField(_("形式"), max_length=20, choices=FairKind.choices)
    date = models.DateField(_("举办日期"))
    place = models.CharField(_("地点或平台"), max_length=200, blank=True)
    region = region_fk(_("举办地"))
    organiser = models.CharField(_("主办单位"), max_length=150)
    target_groups = models.JSONField(_("面向人群"), default=list, blank=True)
    description = models.TextField(_("说明"), blank=True)
    employers = models.ManyToManyField(
        "employers.Employer",
        through="FairEmployer",
        verbose_name=_("参会单位"),
        related_name="fairs",
    )
    postings = models.ManyToManyField(
        Posting, verbose_name=_("参会岗位"), blank=True, related_name="fairs"
    )

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = verbose_name_plural = _("招聘会")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    def target_group_labels(self) -> list[str]:
        return choice_labels(TargetGroup, self.target_groups)


class FairEmployer(BaseModel):
    scope_paths = {"employer": "employer_id"}
    scope_personal = False

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="participants")
    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="+")
    booth = models.CharField(_("展位"), max_length=30, blank=True)
    attended = models.BooleanField(_("到场"), default=True)

    class Meta:
        verbose_name = verbose_name_plural = _("参会单位")
        ordering = ["booth", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "employer"], name="fair_employer_once")
        ]


class FairSeeker(BaseModel):
    """A job seeker registered for a fair, and whether they came."""

    scope_paths = person_scope()

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="seekers")
    person = person_fk()
    registered_on = models.DateField(_("报名日期"))
    attended = models.BooleanField(_("到场"), default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("参会求职者")
        ordering = ["registered_on", "created_at"]
        constraints = [models.UniqueConstraint(fields=["fair", "person"], name="fair_seeker_once")]


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("已推荐")
    VIEWED = "viewed", _("单位已查看")
    INTERVIEW = "interview", _("面试")
    OFFER = "offer", _("录用意向")
    HIRED = "hired", _("已入职")
    NOT_HIRED = "not_hired", _("未录用")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_REFERRAL_STATUSES = (
    ReferralStatus.REFERRED,
    ReferralStatus.VIEWED,
    ReferralStatus.INTERVIEW,
    ReferralStatus.OFFER,
)


class ReferralChannel(models.TextChoices):
    STAFF = "staff", _("工作人员推荐")
    APPLICATION = "application", _("本人申请")
    FAIR = "fair", _("招聘会现场")


class NotHiredReason(models.TextChoices):
    SKILLS = "skills", _("技能不符合要求")
    DECLINED_BY_PERSON = "declined_by_person", _("本人放弃")
    POSITION_FILLED = "position_filled", _("岗位已招满")
    ACCESSIBILITY = "accessibility", _("工作环境无法满足无障碍需求")
    NO_SHOW = "no_show", _("未参加面试")
    OTHER = "other", _("其他")


class Referral(BaseModel, VersionedModel):
    """A person put forward for a posting, and every step after: referred → viewed →
    interview → offer → hired / not hired / withdrawn (``jobs.services.referrals``)."""

    scope_paths = person_scope(employer="posting__employer_id")

    person = person_fk(_("人员"), related_name="referrals")
    posting = models.ForeignKey(
        Posting, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="referrals"
    )
    fair = optional_fk(Fair, _("招聘会"), related_name="referrals")
    channel = models.CharField(_("渠道"), max_length=20, choices=ReferralChannel.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    referred_on = models.DateField(_("推荐日期"))
    viewed_on = models.DateField(_("单位查看日期"), null=True, blank=True)
    interview_on = models.DateField(_("面试日期"), null=True, blank=True)
    offer_on = models.DateField(_("录用意向日期"), null=True, blank=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    not_hired_reason = models.CharField(
        _("未录用原因"), max_length=30, choices=NotHiredReason.choices, blank=True
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    # The consent to share the profile with employers that stood when the referral was made.
    consent = optional_fk("people.Consent")
    # The match score and its reasons when the referral was made, kept as they were shown.
    match_score = models.PositiveSmallIntegerField(_("匹配分"), null=True, blank=True)
    match_reasons = models.JSONField(_("匹配理由"), default=list, blank=True)
    employment_record = optional_fk(
        "employment.EmploymentRecord",
        _("就业记录"),
        related_name="referral",
        field=models.OneToOneField,
    )

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        verbose_name = verbose_name_plural = _("推荐")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "posting"],
                condition=Q(status__in=["referred", "viewed", "interview", "offer"]),
                name="referral_one_open_per_posting",
            )
        ]
        indexes = [models.Index(fields=["status", "referred_on"], name="referral_status_date")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.posting_id} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class ReferralStep(models.Model):
    """One dated step of a referral, who took it and why: the history the timeline shows."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("状态"), max_length=20, choices=ReferralStatus.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    by = user_fk()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("推荐进度")
        ordering = ["on", "at"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status} {self.on:%Y-%m-%d}"


class FollowUpOutcome(models.TextChoices):
    EMPLOYED = "employed", _("仍在岗")
    LEFT = "left", _("已离职")
    UNREACHABLE = "unreachable", _("联系不上")


class FollowUp(BaseModel):
    """A follow-up due 1, 3, 6 or 12 months after a placement started."""

    scope_paths = person_scope("referral__person")

    MONTHS = (1, 3, 6, 12)

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("入职后月数"))
    due_on = models.DateField(_("应回访日期"))
    done_on = models.DateField(_("回访日期"), null=True, blank=True)
    outcome = models.CharField(
        _("回访结果"), max_length=20, choices=FollowUpOutcome.choices, blank=True
    )
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    left_reason = models.CharField(_("离职原因"), max_length=20, blank=True)
    notes = models.CharField(_("回访情况"), max_length=500, blank=True)
    done_by = user_fk()

    class Meta:
        ordering = ["due_on", "months"]
        verbose_name = verbose_name_plural = _("跟踪回访")
        constraints = [
            models.UniqueConstraint(fields=["referral", "months"], name="follow_up_once")
        ]
        indexes = [models.Index(fields=["done_on", "due_on"], name="follow_up_due")]

    def __str__(self) -> str:
        return f"{self.referral_id} +{self.months}"
