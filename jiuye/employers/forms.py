"""Forms of the employer registry and the policy parameter pages. They validate and normalise;
the views hand ``cleaned_data`` to the services (employers.services.registry and .policies)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role, User
from jiuye.core.formfields import (
    ALL,
    CHOOSE,
    RadioGroup,
    UsccOverrideMixin,
    choice_field,
    code_input,
    date_field,
    date_input,
    phone_field,
    text_field,
)
from jiuye.core.forms import check_order
from jiuye.employers.models import CsrReport, Employer, Industry
from jiuye.employers.services.policies import POLICY_FIELDS
from jiuye.employers.services.registry import EMPLOYER_FIELDS
from jiuye.people.services import normalize_phone
from jiuye.reference.forms import live_regions, town_choices
from jiuye.reference.models import QuotaPolicy, Region

YES_NO = [("yes", _("是")), ("no", _("否"))]


def employer_regions() -> QuerySet[Region]:
    """Towns and villages an employer may be located in (the registry is one district's)."""
    return live_regions(Region.Level.TOWN, Region.Level.VILLAGE).select_related("parent")


def region_label(region: Region) -> str:
    """Village names repeat from town to town, so a village also names its town."""
    if region.level == Region.Level.VILLAGE and region.parent_id:
        return f"{region.parent.name} {region.name}"
    return region.name


class EmployerSearchForm(forms.Form):
    q = text_field(
        _("单位名称或统一社会信用代码"),
        max_length=200,
        help_text=_("名称可只填一部分；信用代码须填完整的18位。"),
    )
    kind = choice_field(_("单位类型"), Employer.Kind.choices, blank=ALL, required=False)
    town = forms.ChoiceField(label=_("镇街"), required=False)
    include_archived = forms.BooleanField(label=_("包括已归档的单位"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.role == Role.TOWN:
            del self.fields["town"]  # a town officer only ever sees their own town
        else:
            self.fields["town"].choices = [ALL, *town_choices()]

    def clean_q(self) -> str:
        text = (self.cleaned_data.get("q") or "").strip()
        # A credit code typed with spaces or in full-width still finds the employer.
        compact = "".join(text.split()).upper()
        return compact if len(compact) == 18 and compact.isalnum() else text


class EmployerForm(UsccOverrideMixin, forms.Form):
    name = text_field(
        _("单位名称"),
        max_length=200,
        required=_("请填写单位名称。"),
        help_text=_("与营业执照或登记证书上的名称一致。"),
    )
    kind = choice_field(
        _("单位类型"),
        Employer.Kind.choices,
        required=_("请选择单位类型。"),
        help_text=_("机关、事业单位在统计和公示中与企业分开。"),
    )
    industry = choice_field(
        _("行业（选填）"),
        ((v, format_lazy("{} {}", v, label)) for v, label in Industry.choices),
        blank=("", _("未填写")),
        required=False,
        help_text=_("按国民经济行业分类（GB/T 4754）的门类。"),
    )
    region = choice_field(
        _("所在镇街或村（社区）"),
        blank=None,
        required=_("请选择单位所在的镇街或村（社区）。"),
    )
    address = text_field(_("地址（选填）"), max_length=200)
    contact_name = text_field(_("联系人（选填）"), max_length=50)
    contact_phone = phone_field(_("联系电话（选填）"))
    is_concentrated = forms.BooleanField(
        label=_("集中安置残疾人就业单位"),
        required=False,
        help_text=_("残疾职工占25%以上且不少于10人的企业，或盲人按摩机构。"),
    )

    field_order = EMPLOYER_FIELDS

    def __init__(self, *args: Any, employer: Employer | None = None, **kwargs: Any) -> None:
        self.employer = employer
        if employer is not None:
            initial = {name: getattr(employer, name) for name in EMPLOYER_FIELDS}
            initial.update(region=employer.region_id, version=employer.version)
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["uscc"].error_messages["required"] = _("请填写统一社会信用代码。")
        self.regions = {r.code: r for r in employer_regions()}
        self.fields["region"].choices = [
            CHOOSE,
            *((code, region_label(r)) for code, r in self.regions.items()),
        ]
        if employer is not None:
            # The version the form was opened at: a later save by someone else is a conflict.
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_region(self) -> Region:
        return self.regions[self.cleaned_data["region"]]

    def clean_contact_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("contact_phone") or "")

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.field_order}


def _this_year() -> int:
    return timezone.localdate().year


class CsrForm(forms.Form):
    year = forms.IntegerField(
        label=_("报告年度"),
        min_value=2000,
        error_messages={
            "required": _("请填写报告年度，如 2024。"),
            "invalid": _("报告年度应为4位年份，如 2024。"),
            "min_value": _("报告年度不能早于2000年。"),
        },
    )
    includes_disability = forms.TypedChoiceField(
        label=_("报告中是否包含残疾人就业内容"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=RadioGroup,
        error_messages={"required": _("请选择报告中是否包含残疾人就业内容。")},
    )
    link = forms.URLField(
        label=_("报告链接（选填）"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={
            "invalid": _("报告链接应为完整的网址，如 https://www.example.com/csr.pdf。")
        },
        help_text=_("单位网站上发布报告的网址。链接和文件至少填一项。"),
    )
    file = forms.FileField(
        label=_("报告文件（选填）"),
        required=False,
        help_text=_("PDF 格式，不超过 10 MB。"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, report: CsrReport | None = None, **kwargs: Any) -> None:
        self.report = report
        if report is not None:
            kwargs.setdefault(
                "initial",
                {
                    "year": report.year,
                    "includes_disability": "yes" if report.includes_disability else "no",
                    "link": report.link,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["year"].validators.append(self._not_future)
        if report is not None and report.file:
            self.fields["file"].help_text = _(
                "已上传一个 PDF 文件。再上传会替换它；不换文件就留空。PDF 格式，不超过 10 MB。"
            )
            self.fields["remove_file"] = forms.BooleanField(
                label=_("删除已上传的报告文件"), required=False
            )

    @staticmethod
    def _not_future(value: int) -> None:
        if value > _this_year():
            raise ValidationError(_("报告年度不能晚于今年。"))

    def clean_file(self) -> Any:
        from jiuye.employers.services.registry import csr_file_validate

        upload = self.cleaned_data.get("file")
        if upload:
            csr_file_validate(upload)
        return upload or None


class InviteForm(forms.Form):
    username = text_field(
        _("用户名"),
        max_length=150,
        required=_("请填写用户名。"),
        help_text=_("登录时使用，可以是字母、数字和 @ . + - _，例如单位简称的拼音。"),
        widget=code_input(),
    )
    display_name = text_field(_("使用人姓名（选填）"), max_length=50)
    email = forms.EmailField(
        label=_("电子邮箱（选填）"),
        required=False,
        error_messages={"invalid": _("电子邮箱格式不对，如 hr@example.com。")},
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("用户名“%(u)s”已被使用，请换一个。") % {"u": username})
        try:
            User.username_validator(username)
        except ValidationError:
            raise ValidationError(_("用户名只能包含字母、数字和 @ . + - _ 这些符号。")) from None
        return username


# --- policy parameters ---------------------------------------------------------------------


def policy_regions() -> QuerySet[Region]:
    """A province sets the parameters; a city or county only where the province sets them
    apart."""
    return Region.objects.filter(level__lte=Region.Level.COUNTY, disabled_at__isnull=True).order_by(
        "code"
    )


def _month_day(value: str, label: str) -> str:
    text = (value or "").strip().replace("月", "-").replace("日", "").replace("/", "-")
    parts = text.split("-")
    try:
        month, day = (int(p) for p in parts)
        dt.date(2024, month, day)  # a leap year, so 02-29 is allowed
    except (ValueError, TypeError):
        raise ValidationError(
            _("%(label)s应写成“月-日”，如 03-01；当前为“%(v)s”。") % {"label": label, "v": value}
        ) from None
    return f"{month:02d}-{day:02d}"


def parse_tiers(text: str) -> list[dict[str, str]]:
    """``0.01:0.5;0:0.9`` → [{"min_ratio": "0.01", "share": "0.5"}, …] from the highest
    threshold down, or a ValidationError naming the part that is wrong."""
    tiers = []
    parts = [p.strip() for p in text.replace("；", ";").replace("：", ":").split(";")]
    for part in filter(None, parts):
        pieces = part.split(":")
        try:
            if len(pieces) != 2:
                raise InvalidOperation
            threshold, share = (Decimal(p.strip()) for p in pieces)
            if not (threshold.is_finite() and share.is_finite()):
                raise InvalidOperation
        except InvalidOperation:
            raise ValidationError(
                _(
                    "“%(part)s”看不懂。每档写成“实际比例下限:应缴比例”，档与档之间用分号隔开，"
                    "如 0.01:0.5;0:0.9（实际比例不低于1%%的缴50%%，低于1%%的缴90%%）。"
                )
                % {"part": part}
            ) from None
        if not 0 <= threshold < 1:
            raise ValidationError(
                _("“%(part)s”中的实际比例下限应在0到1之间，如 0.01 表示1%%。") % {"part": part}
            )
        if not 0 <= share <= 1:
            raise ValidationError(
                _("“%(part)s”中的应缴比例应在0到1之间，如 0.5 表示缴50%%。") % {"part": part}
            )
        tiers.append({"min_ratio": str(threshold), "share": str(share)})
    thresholds = [Decimal(t["min_ratio"]) for t in tiers]
    if len(set(thresholds)) != len(thresholds):
        raise ValidationError(_("有两档的实际比例下限相同，请合并或修改。"))
    return sorted(tiers, key=lambda t: Decimal(t["min_ratio"]), reverse=True)


def tiers_text(tiers: list[dict[str, str]]) -> str:
    return ";".join(f"{t['min_ratio']}:{t['share']}" for t in tiers)


class PolicyForm(forms.Form):
    region = forms.ChoiceField(
        label=_("适用地区"),
        error_messages={"required": _("请选择适用地区。")},
        help_text=_("一般是省；只有省里对某个市或县区规定了不同比例时，才为它单独设置。"),
    )
    valid_from = forms.DateField(
        label=_("生效日期"),
        widget=date_input(),
        error_messages={
            "required": _("请填写生效日期。"),
            "invalid": _("生效日期应写成 2025-01-01。"),
        },
        help_text=_(
            "某年度数据适用的是已生效的最新一行：按数据年度的行看该年12月31日，"
            "按征收年度的行看次年12月31日。"
        ),
    )
    valid_until = date_field(
        _("失效日期（选填）"),
        invalid=_("失效日期应写成 2027-12-31。"),
        required=False,
        help_text=_("文件规定了执行期限时填写，如 2027-12-31；留空：直到有新的一行。"),
    )
    date_basis = forms.ChoiceField(
        label=_("日期口径"),
        choices=QuotaPolicy.DateBasis.choices,
        help_text=_(
            "生效、失效日期指数据年度（申报的职工和工资所属年度）还是征收年度"
            "（征收保障金的年度，即数据年度的次年）。财政部公告2019年第98号、"
            "2023年第8号按征收年度。"
        ),
    )
    ratio_percent = forms.DecimalField(
        label=_("安排比例（%）"),
        max_digits=6,
        decimal_places=3,
        error_messages={
            "required": _("请填写安排比例，如 1.5。"),
            "invalid": _("安排比例应为数字，如 1.5 表示 1.5%。"),
            "max_digits": _("安排比例最多3位小数。"),
            "max_decimal_places": _("安排比例最多3位小数。"),
        },
        help_text=_("填百分数，如 1.5 表示 1.5%；应大于0，不超过10。"),
    )
    counting_basis = forms.ChoiceField(
        label=_("职工人数计算口径"), choices=QuotaPolicy.CountingBasis.choices
    )
    double_count_grades = forms.TypedMultipleChoiceField(
        label=_("按两人计算的残疾等级（选填）"),
        required=False,
        coerce=int,
        choices=[(1, _("一级")), (2, _("二级")), (3, _("三级")), (4, _("四级"))],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("通常为一级、二级。"),
    )
    minimum_wage = forms.DecimalField(
        label=_("当地月最低工资标准（元）"),
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": _("请填写当地月最低工资标准。"),
            "invalid": _("月最低工资标准应为金额数字，如 2300。"),
        },
    )
    social_average_wage = forms.DecimalField(
        label=_("当地社会平均工资（元/年）"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": _("请填写当地社会平均工资。"),
            "invalid": _("社会平均工资应为金额数字，如 106000。"),
        },
    )
    wage_cap_multiple = forms.DecimalField(
        label=_("平均工资封顶倍数（选填）"),
        required=False,
        max_digits=4,
        decimal_places=2,
        error_messages={"invalid": _("封顶倍数应为数字，如 2 或 3。")},
        help_text=_("留空：不封顶；2 或 3：计征工资不超过当地社会平均工资的2倍或3倍。"),
    )
    reduction_tiers = forms.CharField(
        label=_("分档减缴（选填）"),
        required=False,
        max_length=200,
        help_text=_(
            "每档写成“实际比例下限:应缴比例”，用分号隔开，如 0.01:0.5;0:0.9"
            "（实际比例不低于1%的缴50%，低于1%的缴90%）。留空：不减缴。"
        ),
    )
    small_enterprise_max_staff = forms.IntegerField(
        label=_("小微企业免征人数上限（选填）"),
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={
            "invalid": _("免征人数上限应为整数，如 30。"),
            "min_value": _("免征人数上限至少为1。"),
            "max_value": _("免征人数上限不能超过1000。"),
        },
        help_text=_("在职职工不超过这个人数的企业免征（机关、事业单位不适用）；留空：无免征。"),
    )
    window_opens = text_field(
        _("年审申报开始（月-日）"), max_length=6, required=True, help_text=_("如 03-01。")
    )
    window_closes = text_field(
        _("年审申报截止（月-日）"), max_length=6, required=True, help_text=_("如 06-30。")
    )
    document = text_field(
        _("文号（选填）"),
        max_length=100,
        help_text=_("年审计算过程写明的依据，如 财政部公告2023年第8号。"),
    )
    source = text_field(
        _("说明（选填）"),
        max_length=300,
        rows=2,
        help_text=_("文件名称、要点和数据来源。"),
    )

    def __init__(self, *args: Any, policy: QuotaPolicy | None = None, **kwargs: Any) -> None:
        self.policy = policy
        if policy is not None:
            initial = {n: getattr(policy, n) for n in POLICY_FIELDS if n not in ("region", "ratio")}
            initial.update(
                region=policy.region_id,
                ratio_percent=policy.ratio_percent,
                reduction_tiers=tiers_text(policy.reduction_tiers),
            )
            kwargs.setdefault("initial", initial)
        else:
            kwargs.setdefault(
                "initial",
                {
                    "counting_basis": QuotaPolicy.CountingBasis.ANNUAL,
                    "date_basis": QuotaPolicy.DateBasis.DATA_YEAR,
                    "double_count_grades": [1, 2],
                    "window_opens": "03-01",
                    "window_closes": "06-30",
                },
            )
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in policy_regions()}
        self.fields["region"].choices = [
            CHOOSE,
            *((code, f"{r.name}（{r.get_level_display()}）") for code, r in self.regions.items()),
        ]

    def clean_region(self) -> Region:
        return self.regions[self.cleaned_data["region"]]

    def clean_ratio_percent(self) -> Decimal:
        value = self.cleaned_data["ratio_percent"]
        if not Decimal(0) < value <= Decimal(10):
            raise ValidationError(_("安排比例应大于0、不超过10（单位是%），如 1.5。"))
        return value

    def _positive(self, name: str, label: str) -> Decimal | None:
        value = self.cleaned_data.get(name)
        if value is not None and value <= 0:
            raise ValidationError(_("%(label)s应大于0。") % {"label": label})
        return value

    def clean_minimum_wage(self) -> Decimal | None:
        return self._positive("minimum_wage", _("月最低工资标准"))

    def clean_social_average_wage(self) -> Decimal | None:
        return self._positive("social_average_wage", _("社会平均工资"))

    def clean_wage_cap_multiple(self) -> Decimal | None:
        value = self.cleaned_data.get("wage_cap_multiple")
        if value is not None and not Decimal(1) <= value <= Decimal(10):
            raise ValidationError(_("封顶倍数应在1到10之间，如 2 或 3；不封顶请留空。"))
        return value

    def clean_reduction_tiers(self) -> list[dict[str, str]]:
        return parse_tiers(self.cleaned_data.get("reduction_tiers") or "")

    def clean_window_opens(self) -> str:
        return _month_day(self.cleaned_data["window_opens"], _("申报开始"))

    def clean_window_closes(self) -> str:
        return _month_day(self.cleaned_data["window_closes"], _("申报截止"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        message = _("申报截止不能早于申报开始（同一年内）。")
        check_order(self, data, "window_opens", "window_closes", message)
        check_order(self, data, "valid_from", "valid_until", _("失效日期不能早于生效日期。"))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in POLICY_FIELDS if name in data}
        fields["ratio"] = (data["ratio_percent"] / 100).quantize(Decimal("0.00001"))
        fields["double_count_grades"] = sorted(data["double_count_grades"])
        return fields
