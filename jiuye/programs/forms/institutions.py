"""Forms of the service institution pages (action 十). They validate;
``programs.services.institutions`` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import (
    choice_field,
    date_field,
    model_choice_field,
    radio_field,
    text_field,
)
from jiuye.core.forms import EditForm
from jiuye.programs.models import ServiceEvent, ServiceInstitution
from jiuye.programs.models.institutions import ChecklistItem, EventKind, InstitutionOwner
from jiuye.reference.forms import district_or_towns
from jiuye.reference.models import Department, Region


class InstitutionForm(EditForm):
    name = text_field(_("机构名称"), max_length=200, required=_("请填写机构名称。"))
    owner = choice_field(
        _("机构性质"),
        InstitutionOwner.choices,
        required=_("请选择机构性质：公共就业服务机构或残联就业服务机构。"),
        invalid=_("请从列出的机构性质中选择。"),
    )
    region = model_choice_field(
        _("所在地"),
        queryset=Region.objects.none(),
        required=_("请选择所在地。"),
        invalid=_("只能选择您负责的镇街。"),
    )
    address = text_field(_("地址"), max_length=200)
    contact_phone = text_field(_("服务电话"), max_length=20)

    related_fields = ("region",)
    stripped_fields = ("name", "address", "contact_phone")

    def __init__(
        self, *args: Any, user: Any, institution: ServiceInstitution | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=institution, **kwargs)
        self.offer("region", district_or_towns(user), user)


MET_CHOICES = [("yes", _("达标")), ("no", _("未达标"))]


class ChecklistForm(forms.Form):
    """Each item of the checklist: met or not (radio buttons) and the evidence."""

    def __init__(self, *args: Any, entries: dict[str, Any], **kwargs: Any) -> None:
        initial = {}
        for item in ChecklistItem.values:
            entry = entries.get(item)
            initial[f"{item}_met"] = "yes" if entry is not None and entry.met else "no"
            initial[f"{item}_evidence"] = entry.evidence if entry is not None else ""
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for item, label in ChecklistItem.choices:
            self.fields[f"{item}_met"] = radio_field(
                label, MET_CHOICES, required=_("请选择是否达标。"), invalid=_("请选择是否达标。")
            )
            self.fields[f"{item}_evidence"] = forms.CharField(
                label=_("%(item)s的佐证") % {"item": label},
                max_length=500,
                required=False,
            )

    def items(self) -> dict[str, tuple[bool, str]]:
        return {
            item: (
                self.cleaned_data[f"{item}_met"] == "yes",
                self.cleaned_data[f"{item}_evidence"],
            )
            for item in ChecklistItem.values
        }


class EventForm(EditForm):
    date = date_field(_("举办日期"))
    kind = choice_field(
        _("活动类别"),
        EventKind.choices,
        required=_("请选择活动类别：经验交流、业务竞赛、观摩学习或其他。"),
        invalid=_("请从列出的活动类别中选择。"),
    )
    name = text_field(_("活动名称"), max_length=200, required=_("请填写活动名称。"))
    organiser = model_choice_field(
        _("主办部门"),
        queryset=Department.objects.none(),
        required=_("请选择主办部门。"),
        invalid=_("只能选择列出的部门。"),
    )
    region = model_choice_field(
        _("举办地区"),
        queryset=Region.objects.none(),
        required=_("请选择举办地区。"),
        invalid=_("只能选择您负责的镇街。"),
    )
    place = text_field(_("地点"), max_length=200)
    summary = text_field(
        _("成果总结"),
        max_length=2000,
        rows=3,
        help_text=_("例如：交流了哪些做法，评出了哪些奖项，形成了什么成果。"),
    )

    related_fields = ("organiser", "region")
    stripped_fields = ("name", "place", "summary")

    def __init__(
        self, *args: Any, user: Any, event: ServiceEvent | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=event, **kwargs)
        self.fields["organiser"].queryset = Department.objects.filter(disabled_at__isnull=True)
        self.offer("region", district_or_towns(user), user)
        if event is None:
            self.fields["date"].initial = timezone.localdate()


class ParticipantForm(forms.Form):
    institution = model_choice_field(
        _("参加机构"),
        queryset=ServiceInstitution.objects.none(),
        required=_("请选择参加的服务机构。"),
        invalid=_("只能选择列出的服务机构。"),
    )
    staff = text_field(
        _("参加人员（选填）"), max_length=300, help_text=_("多人用顿号分隔，例如：王芳、李强。")
    )
    result = text_field(
        _("名次或奖项（选填）"), max_length=100, help_text=_("例如：一等奖、第二名、优秀组织奖。")
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
