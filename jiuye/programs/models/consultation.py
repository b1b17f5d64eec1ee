"""Action 二's consultation mechanism (就业会商协商机制): meetings of the departments and
employers that promote the employment of persons with disabilities, their topics and decisions,
and the follow-up actions each decision gives an owner (a department, a town as a responsible
unit, or one user) and a due date.

A meeting is organisational data located at a region (the district, or a town for a town's own
meeting): every staff role reads it, leaders included. A follow-up action stays in its owner's
worklist ("我的待办") until it is marked done; it is never deleted (an action typed by mistake is
cancelled with a reason), and archiving a meeting takes its open actions out of every worklist.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import optional_fk
from jiuye.core.models import BaseModel, RegionalRecord, VersionedModel
from jiuye.reference.models import region_fk


class ConsultationMeeting(RegionalRecord):
    title = models.CharField(_("会议名称"), max_length=150)
    held_on = models.DateField(_("召开日期"))
    convener = models.ForeignKey(
        "reference.Department",
        verbose_name=_("召集部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = region_fk(_("所属地区"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    departments = models.ManyToManyField(
        "reference.Department", verbose_name=_("参会部门"), blank=True, related_name="+"
    )
    employers = models.ManyToManyField(
        "employers.Employer", verbose_name=_("参会用人单位"), blank=True, related_name="+"
    )
    other_participants = models.CharField(_("其他参会人员"), max_length=300, blank=True)
    topics = models.TextField(_("会商议题"))
    decisions = models.TextField(_("议定事项"), blank=True)

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = verbose_name_plural = _("就业会商会议")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


class FollowUpAction(BaseModel, VersionedModel):
    """One thing a meeting decided someone does by a date."""

    # Organisational, like its meeting; the worklist reads it by owner, not by scope.
    scope_paths = {"region": "meeting__region"}
    scope_personal = False

    meeting = models.ForeignKey(
        ConsultationMeeting,
        verbose_name=_("会议"),
        on_delete=models.PROTECT,
        related_name="actions",
    )
    description = models.CharField(_("落实事项"), max_length=300)
    owner_department = optional_fk("reference.Department", _("责任部门"))
    owner_user = optional_fk(settings.AUTH_USER_MODEL, _("责任人"))
    due_on = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    closed_on = models.DateField(_("办结或撤销日期"), null=True, blank=True)
    outcome = models.CharField(_("办理结果或撤销原因"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = verbose_name_plural = _("会商落实事项")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_department__isnull=False) | Q(owner_user__isnull=False),
                name="followup_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.OPEN, closed_on__isnull=True)
                | (~Q(status=FollowUpStatus.OPEN) & Q(closed_on__isnull=False)),
                name="followup_closed_on_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="followup_open_due")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.status == FollowUpStatus.OPEN
