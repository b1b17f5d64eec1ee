"""Training and skills: providers and bases, courses, enrolment with attendance and completion,
certificates, skills competitions, and blind massage (practitioners' qualifications and the
establishments whose staff are employment records).

Providers, courses, competitions and establishments are organisational data (leaders may read
them); enrolments, attendance, certificates, competition entries and qualifications are about a
person and are scoped like the person. Outcomes (conversion and stability) are never stored:
``training.selectors.outcomes`` computes them from employment records.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk, optional_decimal, optional_fk
from jiuye.core.models import BaseModel, RegionalRecord, VersionedModel, range_check
from jiuye.core.scoping import person_scope
from jiuye.people.models import person_fk
from jiuye.reference.models import region_fk


class ProviderKind(models.TextChoices):
    TRAINING_ORG = "training_org", _("培训机构")
    PRACTICE_BASE = "practice_base", _("实训基地")
    VOCATIONAL_SCHOOL = "vocational_school", _("职业院校")
    MASSAGE_BASE = "massage_base", _("盲人按摩实训基地")


class Provider(RegionalRecord):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=ProviderKind.choices)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    region = region_fk(_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Codes of jobs.models.AccessFeature the premises offer.
    accessibility = models.JSONField(_("无障碍条件"), default=list, blank=True)
    designated_year = models.PositiveSmallIntegerField(_("残联认定年度"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("培训机构和基地")

    def __str__(self) -> str:
        return self.name


class CourseKind(models.TextChoices):
    VOCATIONAL = "vocational", _("职业技能培训")
    ECOMMERCE = "ecommerce", _("电商、直播、短视频培训")
    MEDICAL_MASSAGE = "medical_massage", _("盲人医疗按摩培训")
    HEALTH_MASSAGE = "health_massage", _("盲人保健按摩培训")
    ENTREPRENEURSHIP = "entrepreneurship", _("创业培训")
    OTHER = "other", _("其他")


class CourseMode(models.TextChoices):
    ONSITE = "onsite", _("线下")
    ONLINE = "online", _("线上")
    MIXED = "mixed", _("线上线下结合")


class CertificateKind(models.TextChoices):
    SKILL_LEVEL = "skill_level", _("职业技能等级证书")
    MEDICAL_MASSAGE = "medical_massage", _("盲人医疗按摩人员从事医疗按摩资格证书")
    HEALTH_MASSAGE = "health_massage", _("保健按摩职业技能等级证书")
    COMPLETION = "completion", _("结业证书")


class Course(RegionalRecord):
    scope_paths = {"region": "provider__region"}

    provider = models.ForeignKey(
        Provider, verbose_name=_("培训机构"), on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField(_("课程名称"), max_length=150)
    kind = models.CharField(_("培训类型"), max_length=20, choices=CourseKind.choices)
    mode = models.CharField(_("培训方式"), max_length=10, choices=CourseMode.choices)
    # Empty means open to every category.
    target_categories = models.ManyToManyField(
        "reference.DisabilityCategory", verbose_name=_("面向残疾类别"), blank=True, related_name="+"
    )
    start_date = models.DateField(_("开班日期"))
    end_date = models.DateField(_("结业日期"))
    hours = models.PositiveSmallIntegerField(_("课时"), default=0)
    places = models.PositiveSmallIntegerField(_("名额"))
    funding_source = models.CharField(_("资金来源"), max_length=100, blank=True)
    funding_amount = optional_decimal(_("经费（元）"), max_digits=12)
    certificate_kind = models.CharField(
        _("可获证书"), max_length=20, choices=CertificateKind.choices, blank=True
    )
    certificate_level = models.CharField(_("证书等级"), max_length=30, blank=True)
    description = models.TextField(_("说明"), blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = verbose_name_plural = _("培训课程")
        constraints = [
            range_check("start_date", "end_date", name="course_end_after_start"),
            models.CheckConstraint(condition=Q(places__gte=1), name="course_places"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.start_date:%Y-%m-%d}）"


class EnrolmentStatus(models.TextChoices):
    REQUESTED = "requested", _("本人申请，待确认")
    ENROLLED = "enrolled", _("在学")
    COMPLETED = "completed", _("已结业")
    DROPPED = "dropped", _("中途退出")


class DropReason(models.TextChoices):
    HEALTH = "health", _("身体原因")
    EMPLOYED = "employed", _("已就业")
    FAMILY = "family", _("家庭原因")
    TRANSPORT = "transport", _("交通不便")
    NOT_SUITABLE = "not_suitable", _("课程不适合")
    OTHER = "other", _("其他")


class Enrolment(BaseModel, VersionedModel):
    scope_paths = person_scope()

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = person_fk(_("学员"), related_name="enrolments")
    status = models.CharField(
        _("状态"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_on = models.DateField(_("报名日期"))
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    dropped_on = models.DateField(_("退出日期"), null=True, blank=True)
    drop_reason = models.CharField(
        _("退出原因"), max_length=20, choices=DropReason.choices, blank=True
    )
    assessment = models.CharField(_("考核结果"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["course", "created_at"]
        verbose_name = verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="enrolment_once"),
        ]
        indexes = [models.Index(fields=["status", "completed_on"], name="enrolment_completed")]

    def __str__(self) -> str:
        return f"{self.course_id} {self.person_id} {self.status}"


class Attendance(BaseModel):
    """One session day of one enrolment: present or absent."""

    scope_paths = person_scope("enrolment__person")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField(_("上课日期"))
    present = models.BooleanField(_("出勤"), default=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = _("考勤")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "date"], name="attendance_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.date:%Y-%m-%d} {self.present}"


class Certificate(BaseModel):
    scope_paths = person_scope()

    person = person_fk(_("持证人"), related_name="training_certificates")
    enrolment = optional_fk(Enrolment, _("培训"), related_name="certificates")
    kind = models.CharField(_("证书类型"), max_length=20, choices=CertificateKind.choices)
    level = models.CharField(_("等级"), max_length=30, blank=True)
    number = models.CharField(_("证书编号"), max_length=60)
    issued_on = models.DateField(_("发证日期"))
    issuer = models.CharField(_("发证机构"), max_length=100, blank=True)

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = verbose_name_plural = _("证书")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="certificate_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class CompetitionLevel(models.TextChoices):
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("全国")


class Competition(RegionalRecord):
    name = models.CharField(_("赛事名称"), max_length=150)
    level = models.CharField(_("级别"), max_length=20, choices=CompetitionLevel.choices)
    date = models.DateField(_("举办日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.CharField(_("主办单位"), max_length=150)
    region = region_fk(_("所属地区"))
    trades = models.CharField(_("竞赛项目"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = verbose_name_plural = _("职业技能竞赛")

    def __str__(self) -> str:
        return f"{self.date:%Y} {self.name}"


class CompetitionEntry(BaseModel):
    scope_paths = person_scope()

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    person = person_fk()
    trade = models.CharField(_("参赛项目"), max_length=100)
    result = models.CharField(_("成绩/名次"), max_length=50, blank=True)
    award = models.CharField(_("获奖等次"), max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("竞赛参赛记录")
        ordering = ["trade", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "person", "trade"], name="competition_entry_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition_id} {self.person_id} {self.trade}"


class MassageTitle(models.TextChoices):
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    ASSOCIATE_CHIEF = "associate_chief", _("副主任")
    CHIEF = "chief", _("主任")


class HealthMassageLevel(models.TextChoices):
    FIVE = "5", _("五级")
    FOUR = "4", _("四级")
    THREE = "3", _("三级")
    TWO = "2", _("二级")
    ONE = "1", _("一级")


class MassageQualification(BaseModel, VersionedModel):
    """A blind massage practitioner's qualifications, kept on the person (one row each)."""

    scope_paths = person_scope()

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="massage_qualification"
    )
    medical_certificate_number = models.CharField(
        _("医疗按摩资格证书编号"), max_length=60, blank=True
    )
    medical_certificate_date = models.DateField(_("医疗按摩资格取得日期"), null=True, blank=True)
    title = models.CharField(
        _("专业技术职务"), max_length=20, choices=MassageTitle.choices, blank=True
    )
    health_level = models.CharField(
        _("保健按摩技能等级"), max_length=2, choices=HealthMassageLevel.choices, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = _("盲人按摩从业资格")

    def __str__(self) -> str:
        return f"{self.person_id}"


class EstablishmentKind(models.TextChoices):
    MEDICAL_CLINIC = "medical_clinic", _("盲人医疗按摩所")
    HEALTH_VENUE = "health_venue", _("盲人保健按摩机构")


class MassageEstablishment(RegionalRecord):
    """A massage establishment. Its staff are the employment records of its employer (the
    establishment is registered as an employer), so blind staff are counted, never typed."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=EstablishmentKind.choices)
    licence_number = models.CharField(_("许可证或执业登记号"), max_length=60, blank=True)
    region = region_fk(_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    owner = optional_fk("people.Person", _("开办人（盲人）"))
    owner_name = models.CharField(_("开办人姓名（未登记时）"), max_length=50, blank=True)
    employer = optional_fk(
        "employers.Employer",
        _("对应用人单位"),
        related_name="massage_establishment",
        field=models.OneToOneField,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("盲人按摩机构")

    def __str__(self) -> str:
        return self.name
