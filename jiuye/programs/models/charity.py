"""Action 三: organizations of and for persons with disabilities, employment and
entrepreneurship leaders (就业创业带头人), and charity projects and activities on employment
(公益慈善项目和活动).

Organizations and projects are organisational data located at a region (leaders may read them);
a leader, the jobs a leader brings and a project's beneficiaries are about persons and are
scoped like the person. What a project achieved (trained, placed, started a business) is read
from its beneficiary rows, never typed as a total; the jobs a leader brings are links to
employment records, so employment status stays derived from those records.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk, optional_decimal, optional_fk
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


class OrganizationKind(models.TextChoices):
    BLIND = "blind", _("盲人协会")
    DEAF = "deaf", _("聋人协会")
    PHYSICAL = "physical", _("肢残人协会")
    INTELLECTUAL = "intellectual", _("智力残疾人及亲友协会")
    PSYCHIATRIC = "psychiatric", _("精神残疾人及亲友协会")
    RELATIVES = "relatives", _("残疾人亲友会")
    SOCIAL = "social", _("助残社会组织")
    PLATFORM = "platform", _("残疾人创业就业服务平台")


class OrganizationStatus(models.TextChoices):
    ACTIVE = "active", _("正常开展活动")
    INACTIVE = "inactive", _("暂停活动")


class Organization(RegionalRecord):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganizationKind.choices)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    region = region_fk(_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=OrganizationStatus.choices,
        default=OrganizationStatus.ACTIVE,
    )
    note = models.TextField(_("说明"), blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("残疾人组织和助残组织")
        indexes = [models.Index(fields=["status", "kind"], name="organization_status_kind")]

    def __str__(self) -> str:
        return self.name


class EmploymentLeader(BaseModel, ArchivableModel, VersionedModel):
    """A person of the registry recognised as an employment or entrepreneurship leader, with
    their business: a registered employer, or its name in words."""

    scope_paths = person_scope()

    person = person_fk(_("带头人"), related_name="+")
    employer = optional_fk("employers.Employer", _("经营的用人单位"))
    business_name = models.CharField(
        _("经营项目或单位名称（未登记时）"), max_length=200, blank=True
    )
    recognised_on = models.DateField(_("认定日期"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-recognised_on", "created_at"]
        verbose_name = verbose_name_plural = _("就业创业带头人")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(archived_at__isnull=True),
                name="employment_leader_once",
            ),
        ]

    def __str__(self) -> str:
        return self.business

    @property
    def business(self) -> str:
        return self.employer.name if self.employer_id else self.business_name


class LeaderJob(BaseModel):
    """A job a leader brought: a link to the employment record of the person they employ or
    bring into work."""

    scope_paths = person_scope("leader__person")

    leader = models.ForeignKey(
        EmploymentLeader, verbose_name=_("带头人"), on_delete=models.PROTECT, related_name="jobs"
    )
    record = models.ForeignKey(
        "employment.EmploymentRecord",
        verbose_name=_("就业记录"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = verbose_name_plural = _("带头人带动就业")
        constraints = [
            models.UniqueConstraint(fields=["record"], name="leader_job_once"),
        ]

    def __str__(self) -> str:
        return f"{self.leader_id} {self.record_id}"


class ProjectKind(models.TextChoices):
    PROJECT = "project", _("公益慈善项目")
    ACTIVITY = "activity", _("公益慈善活动")


class CharityProject(RegionalRecord):
    """A charity project or activity on employment, organised by an organization or by a
    department (one of the two)."""

    scope_paths = {"region": "region", "department": "organiser_department_id"}

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=10, choices=ProjectKind.choices)
    organiser_organization = optional_fk(Organization, _("主办组织"), related_name="projects")
    organiser_department = optional_fk("reference.Department", _("主办部门"))
    funding_source = models.CharField(_("资金来源"), max_length=100, blank=True)
    funding_amount = optional_decimal(_("资金（元）"), max_digits=12)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    region = region_fk(_("所属地区"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    target_group = models.CharField(_("面向对象"), max_length=200, blank=True)
    description = models.TextField(_("内容"), blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = verbose_name_plural = _("公益慈善项目和活动")
        constraints = [
            range_check(
                "start_date", "end_date", name="charity_project_period", open_ends=("end_date",)
            ),
            models.CheckConstraint(
                condition=Q(organiser_organization__isnull=True)
                | Q(organiser_department__isnull=True),
                name="charity_project_one_organiser",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.start_date:%Y-%m-%d}）"

    @property
    def organiser(self) -> str:
        if self.organiser_organization_id:
            return self.organiser_organization.name
        if self.organiser_department_id:
            return self.organiser_department.name
        return ""


class CharityBeneficiary(BaseModel, ArchivableModel, VersionedModel):
    """A person of the registry who benefited from a project, with what came of it. A row
    recorded by mistake is archived with a reason (and counts no more); recording the person
    again brings it back."""

    scope_paths = person_scope()

    project = models.ForeignKey(
        CharityProject,
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    person = person_fk(_("受益人"), related_name="+")
    joined_on = models.DateField(_("受益日期"))
    trained = models.BooleanField(_("参加培训"), default=False)
    placed = models.BooleanField(_("实现就业"), default=False)
    started_business = models.BooleanField(_("自主创业"), default=False)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "created_at"]
        verbose_name = verbose_name_plural = _("公益慈善项目受益人")
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="charity_beneficiary_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.person_id}"
