"""Complaints and suggestions (投诉建议) from anyone, signed in or not (issue 18)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.crypto import EncryptedTextField
from jiuye.core.fields import optional_fk, user_fk
from jiuye.core.masking import mask_name, mask_phone
from jiuye.core.models import BaseModel
from jiuye.core.storage import EncryptedFileField


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")


class Category(models.TextChoices):
    SERVICE = "service", _("服务态度和办事效率")
    POLICY = "policy", _("政策落实（补贴、按比例就业等）")
    JOBS = "jobs", _("就业服务、岗位和招聘")
    TRAINING = "training", _("职业培训")
    WORKPLACE = "workplace", _("单位的做法（工资、合同、合理便利）")
    ACCESS = "access", _("无障碍（场所、网站、信息）")
    PRIVACY = "privacy", _("个人信息保护")
    OTHER = "other", _("其他")


class About(models.TextChoices):
    TOWN = "town", _("镇街（街道办、镇政府、镇街残联）")
    DEPARTMENT = "department", _("区里的部门（含区残联）")
    EMPLOYER = "employer", _("用人单位")


class Status(models.TextChoices):
    OPEN = "open", _("办理中")
    REPLIED = "replied", _("已答复")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    PARTLY = "partly", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Grievance(BaseModel):
    """One complaint or suggestion: routed to a responsible unit (a district department, or a
    town through its unit ``town-<code>``), answered by it before ``due_date``, escalated to the
    district when that passes, and rated by the filer."""

    # The unit it is routed to: a town officer acts for their town's unit, a department
    # liaison for their department; district staff see every one.
    scope_paths: ClassVar[dict[str, str]] = {"department": "department_id"}

    reference = models.CharField(_("受理编号"), max_length=20, unique=True)
    # The filer's check code, never stored: an HMAC of the reference and the code.
    check_hash = models.CharField(max_length=64)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("事项类别"), max_length=12, choices=Category.choices)
    about = models.CharField(_("反映对象"), max_length=12, choices=About.choices)
    department = models.ForeignKey(
        "reference.Department",
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    employer = optional_fk("employers.Employer", _("用人单位"), on_delete=models.SET_NULL)
    text = models.TextField(_("内容"))
    attachment = EncryptedFileField(_("附件"), upload_to="grievances/%Y/%m/", blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    contact_name = EncryptedTextField(_("联系人"), blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    due_date = models.DateField(_("答复期限"), db_index=True)
    reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = user_fk(_("答复人"))
    escalated_at = models.DateTimeField(_("上报区残联时间"), null=True, blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    satisfaction_note = models.TextField(_("评价说明"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    # Times the filer found a reply unsatisfactory and it went back to the unit.
    reopened = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("投诉建议")
        indexes = [
            models.Index(fields=["department", "status"], name="grievance_unit_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=False) | models.Q(contact_name="", contact_phone=""),
                name="grievance_anonymous_no_contact",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def is_overdue(self, today: object = None) -> bool:
        today = today or timezone.localdate()
        return self.status == Status.OPEN and self.due_date < today  # type: ignore[operator]

    @property
    def masked_contact(self) -> str:
        """The contact as a list shows it: ``张*  138****5678``."""
        if self.anonymous:
            return str(_("匿名"))
        return " ".join(
            p for p in (mask_name(self.contact_name), mask_phone(self.contact_phone)) if p
        )

    @property
    def about_label(self) -> str:
        """What it is about, in words: the employer's name, or the unit."""
        if self.about == About.EMPLOYER:
            return self.employer_name
        return str(self.department)
