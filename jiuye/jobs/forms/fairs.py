"""Forms of the job-fair pages. They validate; ``jobs.services.fairs`` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.jobs.forms.referrals import date_field
from jiuye.jobs.models import Fair, FairKind, Posting, PostingStatus, TargetGroup
from jiuye.people.forms import CheckboxGroup
from jiuye.reference.models import Region


def fair_regions(user: Any) -> QuerySet[Region]:
    """Where a user may hold a fair: the district or any town for district staff; their own
    town for a town officer."""
    qs = Region.objects.filter(disabled_at__isnull=True)
    if user.role == Role.TOWN:
        return qs.filter(code=user.town_id)
    district = getattr(settings, "JIUYE_DISTRICT_CODE", "")
    return qs.filter(Q(code=district) | Q(level=Region.Level.TOWN)).order_by("code")


class FairForm(forms.Form):
    name = forms.CharField(
        label=_("招聘会名称"),
        max_length=150,
        error_messages={"required": _("请填写招聘会名称。")},
        help_text=_("例如：2025年残疾人高校毕业生专场招聘会。"),
    )
    kind = forms.ChoiceField(
        label=_("形式"),
        choices=[("", _("请选择")), *FairKind.choices],
        error_messages={"required": _("请选择招聘会形式。")},
    )
    date = date_field(_("举办日期"))
    region = forms.ModelChoiceField(
        label=_("举办地"),
        queryset=Region.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择举办地。"),
            "invalid_choice": _("只能选择列出的举办地。"),
        },
        help_text=_("全区性的招聘会选本区；镇街专干只能选本镇街。"),
    )
    place = forms.CharField(
        label=_("地点或平台"),
        max_length=200,
        required=False,
        help_text=_("现场招聘会写地址；网络或直播招聘会写平台名称。"),
    )
    organiser = forms.CharField(
        label=_("主办单位"),
        max_length=150,
        error_messages={"required": _("请填写主办单位。")},
    )
    target_groups = forms.MultipleChoiceField(
        label=_("面向人群"),
        required=False,
        choices=TargetGroup.choices,
        widget=CheckboxGroup,
        help_text=_("不勾选表示面向所有求职的残疾人。"),
        error_messages={"invalid_choice": _("无法识别的面向人群，请重新勾选。")},
    )
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, fair: Fair | None = None, **kwargs: Any) -> None:
        if fair is not None:
            initial = {name: getattr(fair, name) for name in self.base_fields if name != "region"}
            kwargs.setdefault("initial", {**initial, "region": fair.region_id})
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = fair_regions(user)
        if user.role == Role.TOWN:
            self.fields["region"].initial = user.town_id
        if fair is None:
            del self.fields["version"]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["name"] = data["name"].strip()
        data["organiser"] = data["organiser"].strip()
        data["target_groups"] = list(data.get("target_groups") or [])
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label=_("查找"), max_length=100, required=False)

    def __init__(self, *args: Any, label: Any, help_text: Any = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = label
        self.fields["q"].help_text = help_text
        self.fields["q"].widget.input_type = "search"

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
