"""Forms of the job-fair pages. They validate; ``jobs.services.fairs`` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.dates import EventDates
from jiuye.core.formfields import (
    CheckboxGroup,
    SearchInput,
    checkbox_field,
    choice_field,
    date_field,
    model_choice_field,
    text_field,
)
from jiuye.core.forms import EditForm
from jiuye.jobs.models import Fair, FairKind, Posting, PostingStatus, TargetGroup
from jiuye.reference.forms import district_or_towns
from jiuye.reference.models import Region


class FairForm(EventDates, EditForm):
    name = text_field(
        _("招聘会名称"),
        max_length=150,
        required=_("请填写招聘会名称。"),
        help_text=_("例如：2025年残疾人高校毕业生专场招聘会。"),
    )
    kind = choice_field(_("形式"), FairKind.choices, required=_("请选择招聘会形式。"))
    date = date_field(_("举办日期"))
    region = model_choice_field(
        _("举办地"),
        queryset=Region.objects.none(),
        required=_("请选择举办地。"),
        invalid=_("只能选择列出的举办地。"),
        help_text=_("全区性的招聘会选本区；镇街专干只能选本镇街。"),
    )
    place = text_field(
        _("地点或平台"),
        max_length=200,
        help_text=_("现场招聘会写地址；网络或直播招聘会写平台名称。"),
    )
    organiser = text_field(_("主办单位"), max_length=150, required=_("请填写主办单位。"))
    target_groups = checkbox_field(
        _("面向人群"),
        choices=TargetGroup.choices,
        help_text=_("不勾选表示面向所有求职的残疾人。"),
        invalid=_("无法识别的面向人群，请重新勾选。"),
    )
    description = text_field(_("说明"), max_length=2000, rows=3)

    related_fields = ("region",)
    stripped_fields = ("name", "organiser")
    list_fields = ("target_groups",)

    def __init__(self, *args: Any, user: Any, fair: Fair | None = None, **kwargs: Any) -> None:
        super().__init__(*args, record=fair, **kwargs)
        self.offer("region", district_or_towns(user), user)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("查找"), max_length=100, required=False, widget=SearchInput)

    def __init__(self, *args: Any, label: Any, help_text: Any = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = label
        self.fields["q"].help_text = help_text

    def query(self) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data["q"].strip()


class PostingsForm(forms.Form):
    """The postings one employer brings to the fair (its own published ones)."""

    postings = forms.ModelMultipleChoiceField(
        label=_("参会岗位"),
        queryset=Posting.objects.none(),
        required=False,
        widget=CheckboxGroup,
        error_messages={"invalid_choice": _("所选岗位已不能参会，请重新勾选。")},
    )

    def __init__(self, *args: Any, employer: Any, choices: list[Posting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["postings"]
        field.queryset = Posting.objects.filter(
            employer=employer, status=PostingStatus.PUBLISHED, archived_at__isnull=True
        )
        # The choices come from one query for the whole page, not one a participant.
        field.choices = [(p.pk, p.title) for p in choices]
        field.label = _("%(name)s 的参会岗位") % {"name": employer.name}
        if not choices:
            field.help_text = _("这家单位还没有已发布的岗位。")


class ReferAtFairForm(forms.Form):
    """现场投递: a registered seeker applies to one of the fair's postings."""

    posting = forms.ModelChoiceField(
        label=_("投递岗位"),
        queryset=Posting.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择投递的岗位。"),
            "invalid_choice": _("只能选择这场招聘会的岗位。"),
        },
    )

    def __init__(self, *args: Any, fair: Fair, postings: list[Posting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["posting"]
        field.queryset = fair.postings.all()
        field.choices = [
            ("", _("请选择")),
            *((p.pk, f"{p.employer.name} · {p.title}") for p in postings),
        ]
