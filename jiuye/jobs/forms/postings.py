"""Forms of the postings pages: the search filters, the posting form, review, status, archive.

They validate and normalise; the views hand ``cleaned_data`` to ``jobs.services.postings``,
which checks the same rules again for callers without a form (imports, the API).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.core.formfields import (
    ALL,
    checkbox_field,
    choice_field,
    date_input,
    int_field,
    lazy_message,
    money_field,
    radio_field,
    text_field,
    version_field,
)
from jiuye.core.forms import DecisionForm, FilterForm
from jiuye.core.scoping import town_prefix
from jiuye.employers.models import Employer
from jiuye.employment.models import ContractType, NewFormSubtype
from jiuye.jobs.models import AccessFeature, Hours, Occupation, Posting, PostingStatus, TargetGroup
from jiuye.jobs.selectors.postings import ARCHIVED
from jiuye.jobs.services.postings import MAX_OPENINGS, normalize_skills
from jiuye.people.models import Education
from jiuye.reference.forms import (
    category_checkboxes,
    code_choices,
    live_categories,
    live_grades,
    live_regions,
    town_choices,
)
from jiuye.reference.models import Region

WRITER_ROLES = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.EMPLOYER)


def district_places(user: Any = None) -> list[tuple[Any, Any]]:
    """Choices of the place of work: each town with its villages (a town officer: their own),
    grouped by town so a screen reader announces the town of a repeated village name."""
    regions = live_regions(Region.Level.TOWN, Region.Level.VILLAGE)
    if user is not None and user.role == Role.TOWN:
        regions = regions.filter(code__startswith=town_prefix(user.town_id))
    groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for region in regions:
        town = region.code[:9]
        if region.level == Region.Level.TOWN:
            groups[town] = (region.name, [(region.code, f"{region.name}（全镇街）")])
        elif town in groups:
            name = groups[town][0]
            groups[town][1].append((region.code, f"{name} {region.name}"))
    return [(name, options) for name, options in groups.values()]


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


# --- search ---------------------------------------------------------------------------------


class PostingSearchForm(FilterForm):
    """The filters of the postings page (GET). A bad value is named in the error summary and
    that filter is left out; the page still lists postings."""

    q = text_field(
        _("关键词"),
        max_length=50,
        help_text=_("岗位名称、技能或单位名称，可填几个词，用空格分开。"),
    )
    town = forms.ChoiceField(
        label=_("工作地点"), required=False, help_text=_("可远程的岗位也会列出。")
    )
    category = forms.TypedChoiceField(
        label=_("适合的残疾类别"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("列出写明适合这一类别的岗位，以及不限类别的岗位。"),
    )
    subtype = choice_field(_("新就业形态"), NewFormSubtype.choices, blank=ALL, required=False)
    remote = forms.BooleanField(label=_("只看可远程/线上工作的岗位"), required=False)
    graduates = forms.BooleanField(label=_("只看面向高校毕业生的岗位"), required=False)
    status = forms.ChoiceField(label=_("岗位状态"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [ALL, *town_choices()]
        self.fields["category"].choices = [ALL, *code_choices(live_categories())]
        if user.role in WRITER_ROLES:
            mine = _("本单位的") if user.role == Role.EMPLOYER else ""
            self.fields["status"].choices = [
                ("", _("招聘中（已发布、未过截止日期）")),
                *((value, f"{mine}{label}") for value, label in PostingStatus.choices),
                (ARCHIVED, f"{mine}{_('已归档')}"),
            ]
            self.fields["status"].help_text = (
                _("草稿、待审核等状态只列出本单位的岗位。")
                if user.role == Role.EMPLOYER
                else _("草稿、待审核等状态只列出您负责范围内的岗位。")
            )
        else:
            del self.fields["status"]

    def filters(self) -> dict[str, Any]:
        """The valid filters (a bad one is dropped), as ``posting_search`` takes them."""
        data = self.valid_data()
        return {
            **self.text_filters("q", "subtype", "status"),
            "region": data.get("town") or "",
            "category": data.get("category"),
            "remote": bool(data.get("remote")),
            "graduates": bool(data.get("graduates")),
        }


# --- the posting form -----------------------------------------------------------------------


def accessibility_field(**kwargs: Any) -> forms.MultipleChoiceField:
    """What a workplace (or a training site) already offers, a box per feature."""
    return checkbox_field(
        _("无障碍条件"),
        choices=AccessFeature.choices,
        invalid=_("无法识别的无障碍条件，请重新勾选。"),
        **kwargs,
    )


def _money(label: Any) -> forms.DecimalField:
    return money_field(
        label,
        max_value=Decimal("999999"),
        step="any",
        error_messages={
            "invalid": lazy_message(_("%(label)s请填写金额，例如 3500。"), label=label),
            "min_value": lazy_message(_("%(label)s不能是负数。"), label=label),
            "max_value": lazy_message(_("%(label)s不能超过 999999 元，请核对。"), label=label),
            "max_digits": lazy_message(_("%(label)s金额过大，请核对。"), label=label),
            "max_decimal_places": lazy_message(_("%(label)s最多保留两位小数。"), label=label),
        },
    )


class PostingForm(forms.Form):
    """Create or change a posting. Staff name the employer (credit code or full name); an
    employer user's postings are always its own."""

    SECTIONS = (
        (_("岗位"), ("employer", "title", "occupation", "openings", "description")),
        (_("地点与时间"), ("region", "is_remote", "new_form_subtype", "hours", "schedule",
                        "deadline")),
        (_("待遇"), ("wage_min", "wage_max", "contract_type", "benefits")),
        (_("要求"), ("education_min", "experience_years", "skills", "requirements")),
        (_("适合的人员与无障碍条件"), ("suitable_categories", "suitable_grades",
                                  "accessibility", "target_groups")),
    )  # fmt: skip

    employer = text_field(
        _("用人单位"),
        max_length=200,
        required=_("请填写用人单位的统一社会信用代码或全称。"),
        help_text=_("填写18位统一社会信用代码，或在“用人单位”中登记的单位全称。"),
    )
    title = text_field(
        _("岗位名称"),
        max_length=100,
        required=_("请填写岗位名称，例如：电商客服。"),
        error_messages={"max_length": _("岗位名称最多100个字，请缩短。")},
        help_text=_("例如：电商客服、盲人按摩师、数据标注员。"),
    )
    occupation = forms.ChoiceField(label=_("职业类别"), required=False)
    openings = int_field(
        _("招聘人数"),
        min_value=1,
        max_value=MAX_OPENINGS,
        initial=1,
        error_messages={
            "required": _("请填写招聘人数。"),
            "invalid": _("招聘人数请填写整数，例如 2。"),
            "min_value": _("招聘人数至少为 1。"),
            "max_value": _("招聘人数不能超过 10000，请核对。"),
        },
    )
    description = text_field(
        _("岗位描述"), max_length=5000, rows=4, help_text=_("每天做什么、在哪里做，用平实的话写。")
    )
    region = choice_field(
        _("工作地点"),
        blank=None,
        required=_("请选择工作地点（镇街或村社区）；远程岗位选单位所在地。"),
        invalid=_("请从列表中选择工作地点。"),
        help_text=_("可远程的岗位也请选择单位所在地。"),
    )
    is_remote = forms.BooleanField(label=_("可远程/线上工作"), required=False)
    new_form_subtype = choice_field(
        _("新就业形态"),
        NewFormSubtype.choices,
        blank=("", _("否")),
        required=False,
        invalid=_("请从列表中选择新就业形态。"),
        help_text=_("直播、电商、快递外卖、平台用工等岗位请选择类型。"),
    )
    hours = forms.ChoiceField(
        label=_("工作时间"),
        choices=[("", _("请选择")), *Hours.choices],
        error_messages={
            "required": _("请选择工作时间（全职、兼职、弹性时间或轮班）。"),
            "invalid_choice": _("请从列表中选择工作时间。"),
        },
    )
    schedule = text_field(
        _("班次安排"), max_length=100, help_text=_("例如：周一至周五 9:00–17:00。")
    )
    deadline = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=date_input(),
        error_messages={"invalid": _("截止日期请按“年-月-日”填写，例如 2025-12-31。")},
        help_text=_("不填表示长期招聘。"),
    )
    wage_min = _money(_("月薪下限（元）"))
    wage_max = _money(_("月薪上限（元）"))
    contract_type = choice_field(
        _("合同类型"),
        ContractType.choices,
        blank=("", _("未确定")),
        required=False,
        invalid=_("请从列表中选择合同类型。"),
    )
    benefits = text_field(
        _("福利待遇"), max_length=300, help_text=_("例如：五险一金、包午餐、交通补贴。")
    )
    education_min = choice_field(
        _("最低学历"),
        Education.choices,
        blank=("", _("不限")),
        required=False,
        invalid=_("请从列表中选择最低学历。"),
    )
    experience_years = int_field(
        _("工作经验（年）"),
        required=False,
        min_value=0,
        max_value=50,
        error_messages={
            "invalid": _("工作经验请填写整数年数，不要求经验填 0。"),
            "min_value": _("工作经验不能是负数。"),
            "max_value": _("工作经验不能超过 50 年。"),
        },
        help_text=_("不要求经验填 0 或不填。"),
    )
    skills = text_field(
        _("技能要求"),
        max_length=500,
        help_text=_("用顿号或逗号分开，每项不超过20个字，最多20项。例如：电商客服、打字、普通话。"),
    )
    requirements = text_field(_("其他要求"), max_length=2000, rows=3)
    suitable_categories = category_checkboxes(
        _("适合的残疾类别"), help_text=_("都不勾选表示各类别都适合。")
    )
    suitable_grades = checkbox_field(
        _("适合的残疾等级"),
        field=forms.TypedMultipleChoiceField,
        coerce=int,
        invalid=_("无法识别的残疾等级，请重新勾选。"),
        help_text=_("都不勾选表示各等级都适合。"),
    )
    accessibility = accessibility_field(help_text=_("工作场所和岗位已经具备的条件。"))
    target_groups = checkbox_field(
        _("面向人群"),
        choices=TargetGroup.choices,
        invalid=_("无法识别的面向人群，请重新勾选。"),
        help_text=_("专门面向这些人群的岗位请勾选，便于按人群查找和统计。"),
    )
    version = version_field()

    def __init__(
        self, *args: Any, user: Any, posting: Posting | None = None, **kwargs: Any
    ) -> None:
        if posting is not None:
            kwargs.setdefault("initial", self._initial(posting))
        super().__init__(*args, **kwargs)
        self.user = user
        self.posting = posting
        if user.role == Role.EMPLOYER:
            del self.fields["employer"]
        occupations = Occupation.objects.filter(disabled_at__isnull=True)
        if posting is not None and posting.occupation_id:
            occupations = occupations | Occupation.objects.filter(pk=posting.occupation_id)
        self.fields["occupation"].choices = [
            ("", _("未指定")),
            *((o.code, str(o)) for o in occupations),
        ]
        self.fields["region"].choices = [("", _("请选择")), *district_places(user)]
        self.fields["suitable_categories"].choices = code_choices(live_categories())
        self.fields["suitable_grades"].choices = code_choices(live_grades())
        if posting is None and user.role == Role.TOWN:
            self.fields["region"].initial = user.town_id
        if posting is None and user.role == Role.EMPLOYER and user.employer_id:
            employer = user.employer
            if employer is not None:
                self.fields["region"].initial = employer.region_id

    @staticmethod
    def _initial(posting: Posting) -> dict[str, Any]:
        initial = {
            name: getattr(posting, name)
            for name in (
                "title",
                "openings",
                "description",
                "is_remote",
                "new_form_subtype",
                "hours",
                "schedule",
                "deadline",
                "wage_min",
                "wage_max",
                "contract_type",
                "benefits",
                "education_min",
                "experience_years",
                "requirements",
                "accessibility",
                "target_groups",
                "version",
            )
        }
        initial["employer"] = posting.employer.uscc
        initial["occupation"] = posting.occupation_id or ""
        initial["region"] = posting.region_id
        initial["skills"] = "、".join(posting.skills)
        initial["suitable_categories"] = [c.pk for c in posting.suitable_categories.all()]
        initial["suitable_grades"] = [g.pk for g in posting.suitable_grades.all()]
        return initial

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.SECTIONS
        ]

    def clean_employer(self) -> Employer:
        text = _fold(self.cleaned_data["employer"])
        employer = Employer.objects.filter(uscc=text.upper()).first()
        if employer is None:
            named = list(Employer.objects.filter(name=text, archived_at__isnull=True)[:2])
            if len(named) > 1:
                raise forms.ValidationError(
                    _("有不止一个单位叫“%(name)s”，请改填统一社会信用代码。") % {"name": text}
                )
            employer = named[0] if named else None
        if employer is None:
            raise forms.ValidationError(
                _(
                    "没有找到“%(v)s”。请核对统一社会信用代码或单位全称；"
                    "还没有登记的单位，请先在“用人单位”中登记。"
                )
                % {"v": text}
            )
        if employer.is_archived:
            raise forms.ValidationError(
                _("用人单位“%(name)s”已归档，不能再发布岗位。") % {"name": employer.name}
            )
        return employer

    def clean_occupation(self) -> Occupation | None:
        code = self.cleaned_data["occupation"]
        return Occupation.objects.filter(pk=code).first() if code else None

    def clean_region(self) -> Region:
        return Region.objects.get(code=self.cleaned_data["region"])

    def clean_skills(self) -> list[str]:
        tags = normalize_skills(self.cleaned_data["skills"])
        if len(tags) > 20:
            raise forms.ValidationError(_("技能要求最多20项，请只留下最重要的。"))
        long = [tag for tag in tags if len(tag) > 20]
        if long:
            raise forms.ValidationError(
                _("“%(tag)s”太长（每项最多20个字）。请拆成几个短词，用顿号分开。")
                % {"tag": long[0]}
            )
        return tags

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("wage_min"), data.get("wage_max")
        if low is not None and high is not None and low > high:
            self.add_error("wage_min", _("月薪下限不能高于上限，请核对两个金额。"))
        return data

    def service_fields(self) -> dict[str, Any]:
        """``cleaned_data`` shaped for ``posting_create`` / ``posting_update``."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["title"] = data["title"].strip()
        data["experience_years"] = data.get("experience_years") or 0
        if "employer" not in self.fields:
            data.pop("employer", None)
        return data


# --- review, status, archive ----------------------------------------------------------------


class ReviewForm(DecisionForm):
    decision = radio_field(
        _("审核结果"),
        [("approve", _("通过，发布岗位")), ("return", _("退回单位修改"))],
        required=_("请选择审核结果：通过或退回。"),
    )
    note = text_field(
        _("审核意见"),
        max_length=300,
        rows=3,
        error_messages={"max_length": _("审核意见最多300个字，请缩短。")},
        help_text=_("退回时必填：告诉单位需要修改什么。单位能看到这段话。"),
    )

    note_missing = _("请填写退回意见，告诉单位需要修改什么。")


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("新状态"),
        choices=PostingStatus.choices,
        error_messages={
            "required": _("请选择要改成的状态。"),
            "invalid_choice": _("无法识别的岗位状态。"),
        },
    )
