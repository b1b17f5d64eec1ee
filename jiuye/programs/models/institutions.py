"""Action 十's employment service institutions: the public and the federation's employment
service institutions, and each year's standardization checklist (规范化建设) — service content,
standards, processes, staff and a dedicated window — each item met or not, with its evidence."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import import_batch_fk
from jiuye.core.models import BaseModel, RegionalRecord, VersionedModel
from jiuye.reference.models import region_fk


class InstitutionOwner(models.TextChoices):
    PUBLIC = "public", _("公共就业服务机构")
    FEDERATION = "federation", _("残联就业服务机构")


class ServiceInstitution(RegionalRecord):
    name = models.CharField(_("机构名称"), max_length=200)
    owner = models.CharField(_("机构性质"), max_length=20, choices=InstitutionOwner.choices)
    region = region_fk(_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_phone = models.CharField(_("服务电话"), max_length=20, blank=True)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("残疾人就业服务机构")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.TextChoices):
    CONTENT = "content", _("服务内容")
    STANDARDS = "standards", _("服务标准")
    PROCESSES = "processes", _("服务流程")
    STAFF = "staff", _("人员配备")
    WINDOW = "window", _("专门服务窗口")


class ChecklistEntry(BaseModel, VersionedModel):
    """One item of an institution's checklist in a year: met or not, and the evidence."""

    scope_paths = {"region": "institution__region"}
    scope_personal = False

    institution = models.ForeignKey(
        ServiceInstitution,
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        related_name="checklist",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    item = models.CharField(_("检查项目"), max_length=20, choices=ChecklistItem.choices)
    met = models.BooleanField(_("是否达标"), default=False)
    evidence = models.CharField(_("佐证"), max_length=500, blank=True)

    class Meta:
        ordering = ["year", "item"]
        verbose_name = verbose_name_plural = _("规范化建设检查")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "item"], name="checklist_entry_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_item_display()}"


class EventKind(models.TextChoices):
    EXCHANGE = "exchange", _("经验交流")
    CONTEST = "contest", _("业务竞赛")
    VISIT = "visit", _("观摩学习")
    OTHER = "other", _("其他")


class ServiceEvent(RegionalRecord):
    """A service exchange or contest event (交流和竞赛) among the service institutions.

    A new model, not a kind of training's ``Competition``: a competition is a vocational skills
    contest of persons with disabilities, its entries are persons of the registry (personal
    data) in trades; these events are held among institutions — most are not contests at all
    (经验交流, 观摩学习) — and their participants are institutions with, at most, the names of
    their staff, so they are organisational data a leader may read."""

    date = models.DateField(_("举办日期"))
    kind = models.CharField(_("活动类别"), max_length=20, choices=EventKind.choices)
    name = models.CharField(_("活动名称"), max_length=200)
    organiser = models.ForeignKey(
        "reference.Department",
        verbose_name=_("主办部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = region_fk(_("举办地区"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    summary = models.TextField(_("成果总结"), blank=True)

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = verbose_name_plural = _("服务交流和竞赛活动")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class EventParticipant(BaseModel, VersionedModel):
    """A service institution taking part in an event, the staff who went and its result."""

    scope_paths = {"region": "event__region"}
    scope_personal = False

    event = models.ForeignKey(
        ServiceEvent,
        verbose_name=_("活动"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    institution = models.ForeignKey(
        ServiceInstitution,
        verbose_name=_("参加机构"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    staff = models.CharField(_("参加人员"), max_length=300, blank=True)
    result = models.CharField(_("名次或奖项"), max_length=100, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = verbose_name_plural = _("活动参加机构")
        constraints = [
            models.UniqueConstraint(fields=["event", "institution"], name="event_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.institution_id}"
