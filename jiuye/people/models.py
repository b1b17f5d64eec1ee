"""Persons with disabilities: identity, disability, household and situation, consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.crypto import EncryptedTextField
from jiuye.core.fields import import_batch_fk, optional_fk, user_fk
from jiuye.core.masking import mask_phone
from jiuye.core.models import (
    ArchivableModel,
    BaseModel,
    MaskedIdentity,
    VersionedModel,
    choice_labels,
)
from jiuye.core.scoping import person_scope
from jiuye.reference.models import DisabilityCategory, DisabilityGrade, region_fk


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class HukouType(models.TextChoices):
    RURAL = "rural", _("农业户口")
    URBAN = "urban", _("非农业户口")


class Education(models.TextChoices):
    NONE = "none", _("未上学")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专/职高")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "unmarried", _("未婚")
    MARRIED = "married", _("已婚")
    DIVORCED = "divorced", _("离婚")
    WIDOWED = "widowed", _("丧偶")


class MonitoringCategory(models.TextChoices):
    UNSTABLE = "unstable", _("脱贫不稳定户")
    EDGE = "edge", _("边缘易致贫户")
    SUDDEN = "sudden", _("突发严重困难户")


class WishToWork(models.TextChoices):
    YES = "yes", _("有就业意愿")
    NO = "no", _("无就业意愿")
    UNKNOWN = "unknown", _("不清楚")


class LifeStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    DECEASED = "deceased", _("已故")
    MOVED = "moved", _("已迁出")


class AssistiveNeed(models.TextChoices):
    SCREEN_READER = "screen_reader", _("读屏软件")
    BRAILLE = "braille", _("盲文")
    SIGN_LANGUAGE = "sign_language", _("手语翻译")
    CAPTIONS = "captions", _("字幕/文字沟通")
    WHEELCHAIR = "wheelchair", _("轮椅无障碍通道")
    ACCESSIBLE_TOILET = "accessible_toilet", _("无障碍卫生间")
    EASY_READ = "easy_read", _("简明易懂的材料")
    JOB_COACH = "job_coach", _("就业辅导员")
    FLEXIBLE_HOURS = "flexible_hours", _("弹性工作时间")


class Person(BaseModel, ArchivableModel, VersionedModel, MaskedIdentity):
    scope_paths = {"region": "region", "person": "id"}

    # Identity
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    # HMAC of the normalised ID number: exact lookup and uniqueness without the plaintext.
    id_number_index = models.CharField(max_length=64, unique=True, editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    phone = EncryptedTextField(_("联系电话"), blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    region = region_fk(_("所在村社区"))

    # Disability
    certificate_number = EncryptedTextField(_("残疾人证号"), blank=True)
    # Indexed by Meta's person_certificate: db_index=True would add, on PostgreSQL, a second
    # (pattern) index nothing asks, kept on every insert of a large import.
    certificate_index = models.CharField(max_length=64, blank=True, editable=False)
    # No index of its own: person_category_grade (category, grade) serves every look-up by it.
    category = optional_fk(DisabilityCategory, _("残疾类别"), db_index=False)
    grade = optional_fk(DisabilityGrade, _("残疾等级"))
    multiple_categories = models.ManyToManyField(
        DisabilityCategory, verbose_name=_("多重残疾包含的类别"), blank=True, related_name="+"
    )
    certificate_issued = models.DateField(_("发证日期"), null=True, blank=True)
    certificate_valid_until = models.DateField(_("证件有效期至"), null=True, blank=True)

    # Household and situation
    hukou_type = models.CharField(
        _("户口性质"), max_length=10, choices=HukouType.choices, blank=True
    )
    education = models.CharField(
        _("文化程度"), max_length=20, choices=Education.choices, blank=True
    )
    is_student = models.BooleanField(_("在校学生"), default=False)
    school = models.CharField(_("学校"), max_length=100, blank=True)
    major = models.CharField(_("专业"), max_length=100, blank=True)
    graduation_year = models.PositiveSmallIntegerField(_("毕业年份"), null=True, blank=True)
    marital_status = models.CharField(
        _("婚姻状况"), max_length=12, choices=MaritalStatus.choices, blank=True
    )
    monitoring_category = models.CharField(
        _("防返贫监测类别"), max_length=12, choices=MonitoringCategory.choices, blank=True
    )
    monitoring_identified = models.DateField(_("纳入监测日期"), null=True, blank=True)
    monitoring_risk_eliminated = models.DateField(_("风险消除日期"), null=True, blank=True)
    hard_to_employ_date = models.DateField(_("认定就业困难日期"), null=True, blank=True)
    hard_to_employ_reasons = models.CharField(_("就业困难认定原因"), max_length=200, blank=True)
    hard_to_employ_office = models.CharField(_("认定机构"), max_length=100, blank=True)
    low_income = models.BooleanField(_("低保对象"), default=False)
    wish_to_work = models.CharField(
        _("就业意愿"), max_length=10, choices=WishToWork.choices, default=WishToWork.UNKNOWN
    )
    work_preferences = models.CharField(_("求职意向"), max_length=300, blank=True)
    skills = models.CharField(_("技能特长"), max_length=300, blank=True)
    assistive_needs = models.JSONField(_("无障碍需求"), default=list, blank=True)

    # Status
    life_status = models.CharField(
        _("人员状态"), max_length=10, choices=LifeStatus.choices, default=LifeStatus.ACTIVE
    )
    life_status_date = models.DateField(_("状态变更日期"), null=True, blank=True)
    # The import batch that last created or changed the record.
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = verbose_name_plural = _("残疾人")
        indexes = [
            # SQLite only in effect: on PostgreSQL casework 0005 drops it for person_tally_cover,
            # which has the same key and more columns (one index fewer per inserted person).
            models.Index(fields=["region", "birth_date"], name="person_region_birth"),
            models.Index(fields=["category", "grade"], name="person_category_grade"),
            # The lists' keyset order (region, name, id): a page starts where the last ended.
            models.Index(fields=["region", "name", "id"], name="person_region_name"),
            models.Index(fields=["certificate_index"], name="person_certificate"),
        ]

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_hard_to_employ(self) -> bool:
        return self.hard_to_employ_date is not None

    @property
    def is_monitored(self) -> bool:
        return bool(self.monitoring_category) and self.monitoring_risk_eliminated is None

    @property
    def town_code(self) -> str:
        return self.region_id[:9] + "000"

    def assistive_need_labels(self) -> list[str]:
        return choice_labels(AssistiveNeed, self.assistive_needs)


def person_fk(verbose_name: str | None = None, *, related_name: str = "+") -> models.ForeignKey:
    """The person a record is about (a person is archived, never deleted)."""
    return models.ForeignKey(
        Person, verbose_name=verbose_name, on_delete=models.PROTECT, related_name=related_name
    )


class Consent(BaseModel):
    """Explicit consent for one purpose, recorded with the policy version and withdrawable."""

    scope_paths = person_scope()

    class Purpose(models.TextChoices):
        SELF_REGISTRATION = "self_registration", _("本人注册并使用平台")
        SHARE_WITH_EMPLOYERS = "share_with_employers", _("向用人单位展示求职信息")
        # Self-registration (issue 18): disability status is sensitive personal information
        # (PIPL art. 28-29), processed only with its own consent; being contacted is another.
        PROCESS_DISABILITY_INFO = "process_disability_info", _("处理残疾信息（敏感个人信息）")
        CONTACT = "contact", _("联系本人（电话、短信）")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("用途"), max_length=40, choices=Purpose.choices)
    policy_version = models.CharField(_("告知书版本"), max_length=20)
    given_at = models.DateTimeField(_("同意时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    recorded_by = user_fk()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = verbose_name_plural = _("同意记录")

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_purpose_display()}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意迁入")
    REFUSED = "refused", _("未同意")
    WITHDRAWN = "withdrawn", _("已撤回")


class TransferRequest(BaseModel):
    """迁入申请: a town officer registered (on the person form or in a persons file) an ID
    number already registered in another town. The officer is answered as for a new number;
    the registered person is not changed until district staff approve, and then moves to the
    requested village with the other values given, never the name (ADR 0011).

    Only district staff and administrators see requests (no region path: a town officer, of
    either town, sees none of them; the requester hears the decision by notification)."""

    scope_paths: dict[str, str] = {}

    person = models.ForeignKey(
        Person,
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="transfer_requests",
    )
    region = region_fk(_("申请迁入的村（社区）"))
    name = models.CharField(_("申请填写的姓名"), max_length=50)
    # The other values the form or file gave, as JSON ({field: value}), encrypted like the
    # person's own numbers (phone and certificate number are among them).
    values = EncryptedTextField(_("申请填写的信息"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = user_fk(_("审核人"))
    reason = models.CharField(_("审核意见"), max_length=300, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["created_at"]
        verbose_name = verbose_name_plural = _("迁入申请")
        indexes = [models.Index(fields=["status", "created_at"], name="transfer_status_created")]

    def __str__(self) -> str:
        return _("%(name)s（%(id)s）的迁入申请") % {
            "name": self.name,
            "id": self.person.masked_id_number,
        }

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("待核对")
    DISMISSED = "dismissed", _("不是同一人")
    MERGED = "merged", _("已合并")


class DuplicateReason(models.TextChoices):
    ID_TYPO = "id_typo", _("姓名、出生日期相同，身份证号只差一位或两位相邻数字颠倒")
    SIMILAR_NAME = "similar_name", _("同一村（社区）、出生日期相同，姓名相同、读音相同或字形相近")
    SAME_CERTIFICATE = "same_certificate", _("残疾人证号相同")


class DuplicatePair(BaseModel):
    """Two persons a scan (nightly or on demand) thinks may be one person, with its reasons.

    ``first`` and ``second`` are ordered by primary key, so a pair is stored once. A pair
    dismissed as "not the same person" stays dismissed: later scans do not open it again.
    ``region`` is the smallest area holding both persons (their town, or the district when
    they live in two towns), so a town officer sees the pairs within their town only."""

    name_relations = ("first", "second")
    scope_paths = {"region": "region"}

    first = models.ForeignKey(
        Person, verbose_name=_("人员一"), on_delete=models.PROTECT, related_name="+"
    )
    second = models.ForeignKey(
        Person, verbose_name=_("人员二"), on_delete=models.PROTECT, related_name="+"
    )
    region = region_fk(_("所属区域"))
    reasons = models.JSONField(_("疑似原因"), default=list)
    status = models.CharField(
        _("状态"), max_length=12, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(_("最近发现时间"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = user_fk(_("处理人"))
    note = models.CharField(_("处理说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["-found_at"]
        verbose_name = verbose_name_plural = _("疑似重复人员")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once")
        ]
        indexes = [models.Index(fields=["status", "found_at"], name="duplicate_status_found")]

    def __str__(self) -> str:
        return _("疑似重复：%(a)s 与 %(b)s") % {"a": self.first, "b": self.second}

    def reason_labels(self) -> list[str]:
        return choice_labels(DuplicateReason, self.reasons)


class PersonMerge(BaseModel):
    """One merge of two records of a person: ``merged`` (archived) into ``survivor``.

    ``snapshot`` holds what undo needs to put back the exact state: both persons' rows as they
    were, every moved row (model, primary key, field) and every row set aside because the
    survivor already had one like it (serialised in full). Encrypted like the person's numbers,
    since the rows hold them."""

    scope_paths = {"region": "survivor__region"}

    survivor = models.ForeignKey(
        Person, verbose_name=_("保留的人员"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        Person, verbose_name=_("被合并的人员"), on_delete=models.PROTECT, related_name="+"
    )
    pair = models.ForeignKey(
        DuplicatePair,
        verbose_name=_("疑似重复"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merges",
    )
    snapshot = EncryptedTextField(_("合并前的状态"))
    moved_count = models.PositiveIntegerField(_("转移的记录数"), default=0)
    set_aside_count = models.PositiveIntegerField(_("重复而移除的记录数"), default=0)
    survivor_version = models.PositiveIntegerField(_("合并后的版本"), default=0)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    undone_by = user_fk(_("撤销人"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("人员合并")

    def __str__(self) -> str:
        return _("%(merged)s 并入 %(survivor)s") % {
            "merged": self.merged,
            "survivor": self.survivor,
        }


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实")
    REFUSED = "refused", _("未通过")


class ApplicationOutcome(models.TextChoices):
    LINKED = "linked", _("关联已登记的人员")
    REGISTERED = "registered", _("按申请登记为新人员")


class RegistrationApplication(BaseModel, MaskedIdentity):
    """A job seeker's own sign-up (注册申请, issue 18): what they typed, the consents they gave
    (purpose, policy version, time) and their account, which waits as an applicant until the
    officer of the chosen village's town matches it to the registry: the same ID number in the
    town links the account to that person; otherwise the officer registers the person from
    the application or refuses with a reason the applicant reads.

    A town officer sees the applications of their town; district staff see all; the applicant
    sees their own (``user`` scope through the account)."""

    scope_paths = {"region": "region", "user": "account_id"}

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.PROTECT,
        related_name="registration_application",
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    # Not unique: a second application with the same number is taken like any other (the public
    # answer must not tell) and shown to the officer beside the first.
    id_number_index = models.CharField(max_length=64, editable=False, db_index=True)
    certificate_number = EncryptedTextField(_("残疾人证号"), blank=True)
    applying_for_certificate = models.BooleanField(_("正在申请残疾人证"), default=False)
    phone = EncryptedTextField(_("联系电话"))
    region = region_fk(_("所在村（社区）"))
    work_preferences = models.CharField(_("想做的工作"), max_length=300)
    # [{"purpose": ..., "policy_version": ..., "given_at": ISO time}], copied to the person's
    # Consent rows when the application is verified.
    consents = models.JSONField(_("同意事项"), default=list)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    outcome = models.CharField(
        _("核实结果"), max_length=12, choices=ApplicationOutcome.choices, blank=True
    )
    person = optional_fk(Person, _("关联的人员"), related_name="registration_applications")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = user_fk(_("处理人"))
    reason = models.CharField(_("未通过的理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = verbose_name_plural = _("注册申请")
        indexes = [
            models.Index(fields=["status", "region", "created_at"], name="application_worklist")
        ]

    @property
    def is_pending(self) -> bool:
        return self.status == ApplicationStatus.PENDING

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def town_code(self) -> str:
        return self.region_id[:9] + "000"

    def consent_purposes(self) -> set[str]:
        return {entry["purpose"] for entry in self.consents}


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class ChangeRequest(BaseModel):
    """变更申请: a job seeker asks to change information the town verified (phone, address,
    education: ``people.services.changes.VERIFIED_FIELDS``). Nothing changes on the person
    until the person's town officer approves; then the values go through ``person_update``.

    ``before`` holds the values the person had when they asked: approval is refused as a
    conflict when one of those fields changed since (someone else changed it meanwhile)."""

    scope_paths = person_scope()

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="change_requests"
    )
    # Both as JSON ({field: value}), encrypted like the person's own numbers (the phone).
    values = EncryptedTextField(_("申请改为"))
    before = EncryptedTextField(_("申请时的信息"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = user_fk(_("审核人"))
    reason = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("信息变更申请")
        indexes = [models.Index(fields=["status", "created_at"], name="change_status_created")]

    def __str__(self) -> str:
        return _("%(name)s的信息变更申请") % {"name": self.person.name}

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING
