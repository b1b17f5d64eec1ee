"""Action 八's medical massage, built on training's blind massage records: a practitioner's
qualification (``training.MassageQualification``) and massage establishments
(``training.MassageEstablishment``) stay in training, which keeps skills and certificates;
this module adds what the action follows on top of them:

- medical institutions (hospitals, community health centres …): employers marked as such, so
  the share of qualified practitioners employed in medical institutions can be computed from
  employment records (a 盲人医疗按摩所 registered in training counts as one too);
- applications through the administrative approval channel — for the practitioner
  qualification and for opening a 医疗按摩所 — with their stages (submitted, accepted, approved
  or refused) and dates.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import optional_fk
from jiuye.core.models import BaseModel, RegionalRecord, VersionedModel
from jiuye.core.scoping import person_scope
from jiuye.people.models import person_fk


class InstitutionKind(models.TextChoices):
    HOSPITAL = "hospital", _("医院")
    COMMUNITY = "community", _("社区卫生服务中心（站）")
    TOWNSHIP = "township", _("乡镇卫生院")
    CLINIC = "clinic", _("门诊部、诊所")
    OTHER = "other", _("其他医疗机构")


class MedicalInstitution(RegionalRecord):
    """An employer that is a medical institution (by its practice licence)."""

    scope_paths = {"region": "employer__region", "employer": "employer_id"}

    employer = models.OneToOneField(
        "employers.Employer",
        verbose_name=_("医疗机构（用人单位）"),
        on_delete=models.PROTECT,
        related_name="medical_institution",
    )
    kind = models.CharField(_("机构类别"), max_length=20, choices=InstitutionKind.choices)
    licence_number = models.CharField(_("医疗机构执业许可证号"), max_length=60, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("医疗机构")

    def __str__(self) -> str:
        return str(self.employer)


class ApplicationKind(models.TextChoices):
    QUALIFICATION = "qualification", _("盲人医疗按摩人员从事医疗按摩资格")
    CLINIC = "clinic", _("开办盲人医疗按摩所")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class MassageApplication(BaseModel, VersionedModel):
    """One application of a blind person through the approval channel, with the date of each
    stage reached. An approved qualification also records the certificate on the person's
    massage qualification (training)."""

    scope_paths = person_scope()

    kind = models.CharField(_("申请事项"), max_length=20, choices=ApplicationKind.choices)
    person = person_fk(_("申请人"))
    clinic_name = models.CharField(_("拟开办的按摩所名称"), max_length=200, blank=True)
    authority = models.CharField(_("受理部门"), max_length=100, blank=True)
    status = models.CharField(
        _("办理阶段"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    submitted_on = models.DateField(_("提交日期"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    # The certificate or licence number when approved, the reasons when refused.
    decision_number = models.CharField(_("证书或许可证号"), max_length=60, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    establishment = optional_fk(
        "training.MassageEstablishment", _("开办的按摩所"), related_name="applications"
    )

    class Meta:
        ordering = ["-submitted_on", "created_at"]
        verbose_name = verbose_name_plural = _("医疗按摩审批申请")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "refused"]) | Q(decided_on__isnull=False),
                name="massage_application_decided_on",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(accepted_on__isnull=False),
                name="massage_application_accepted_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.submitted_on:%Y-%m-%d}"
