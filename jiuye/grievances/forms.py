"""The public form that files a complaint or suggestion, the filer's lookup and rating, and the
staff's reply, reassignment and queue filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiuye.core import antibot
from jiuye.core.formfields import (
    ALL,
    SearchInput,
    choice_field,
    lazy_message,
    model_choice_field,
    phone_field,
    radio_field,
    text_field,
)
from jiuye.core.forms import FilterForm
from jiuye.core.uploads import labels as type_labels
from jiuye.grievances.models import About, Category, Kind, Satisfaction, Status
from jiuye.grievances.selectors import OVERDUE
from jiuye.grievances.services import (
    ATTACHMENT_TYPES,
    check_attachment,
    normalize_reference,
)
from jiuye.people.services.person import normalize_phone
from jiuye.reference.forms import town_choices
from jiuye.reference.models import Department

TEXT_MAX = 2000


def _departments() -> Any:
    return Department.objects.filter(
        kind=Department.Kind.DEPARTMENT, disabled_at__isnull=True
    ).order_by("sort_order", "code")


class GrievanceForm(antibot.HumanCheckForm):
    """Anyone's complaint or suggestion, with the two anti-bot checks a person never notices
    (core.antibot)."""

    kind = radio_field(_("您要提的是"), Kind.choices, required=_("请选择是投诉还是建议。"))
    category = choice_field(_("是哪方面的事"), Category.choices, required=_("请选择是哪方面的事。"))
    about = radio_field(
        _("反映的是谁"), About.choices, required=_("请选择反映的是镇街、区里的部门还是用人单位。")
    )
    town = choice_field(
        _("哪个镇街"),
        required=False,
        help_text=_("反映镇街时选这个镇街；反映用人单位时选单位所在的镇街。"),
        invalid=_("请从列表中选择镇街。"),
    )
    department = model_choice_field(
        _("哪个部门"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("反映区里的部门时选择。"),
        invalid=_("请从列表中选择部门。"),
    )
    employer_name = text_field(
        _("单位名称"),
        max_length=200,
        help_text=_("反映用人单位时填写，尽量写全称。"),
    )
    text = text_field(
        _("具体情况或建议"),
        max_length=TEXT_MAX,
        required=_("请写下您要反映的情况或建议。"),
        rows=8,
        help_text=_("发生了什么、在哪里、什么时候，希望怎样解决。最多2000字。"),
        error_messages={"max_length": _("内容最多2000字，请精简后再提交，或分成两条。")},
    )
    attachment = forms.FileField(
        label=_("附件（可不传）"),
        required=False,
        help_text=lazy_message(
            _("照片或文件：%(types)s，不超过 10 MB。"), types=type_labels(ATTACHMENT_TYPES)
        ),
    )
    anonymous = forms.BooleanField(
        label=_("匿名提交，不留联系方式"),
        required=False,
        help_text=_("匿名时我们无法联系您；您仍可以凭受理编号和查询码查看答复。"),
    )
    contact_name = text_field(_("您的称呼"), max_length=50, help_text=_("例如：王先生。"))
    contact_phone = phone_field(
        _("联系电话"), help_text=_("手机号或带区号的固定电话，只给承办人员用来联系您。")
    )

    @property
    def min_seconds(self) -> int:  # type: ignore[override]
        return settings.JIUYE_GRIEVANCE_MIN_FILL_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [("", _("请选择")), *town_choices()]
        self.fields["department"].queryset = _departments()
        self.fields["text"].widget.attrs["aria-required"] = "true"

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                check_attachment(upload)
            except ValidationError as error:
                raise ValidationError(error.message_dict["attachment"]) from error
        return upload

    def clean_contact_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("contact_phone") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        about = data.get("about")
        if about in (About.TOWN, About.EMPLOYER) and not data.get("town"):
            self.add_error(
                "town",
                _("请选择是哪个镇街。") if about == About.TOWN else _("请选择这个单位所在的镇街。"),
            )
        if about == About.DEPARTMENT and not data.get("department"):
            self.add_error("department", _("请选择是哪个部门。"))
        if about == About.EMPLOYER and not (data.get("employer_name") or "").strip():
            self.add_error("employer_name", _("请填写单位名称。"))
        if (
            not data.get("anonymous")
            and not ((data.get("contact_name") or "").strip() or data.get("contact_phone"))
            and "contact_phone" not in self.errors
        ):
            self.add_error(
                "contact_phone",
                _("请留下联系电话或称呼，方便承办人员联系您；不想留的，请勾选“匿名提交”。"),
            )
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "category": data["category"],
            "about": data["about"],
            "town": data.get("town") or "",
            "department": data.get("department"),
            "employer_name": (data.get("employer_name") or "").strip(),
            "text": data["text"].strip(),
            "attachment": data.get("attachment") or None,
            "anonymous": bool(data.get("anonymous")),
            "contact_name": (data.get("contact_name") or "").strip(),
            "contact_phone": data.get("contact_phone") or "",
        }


class LookupForm(forms.Form):
    reference = text_field(
        _("受理编号"),
        max_length=30,
        required=_("请填写受理编号。"),
        help_text=_("提交后页面上显示的编号，例如 TS2026-7KQ3MX。"),
    )
    code = text_field(
        _("查询码"),
        max_length=12,
        required=_("请填写查询码。"),
        help_text=_("和受理编号一起显示的6位数字。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_reference(self) -> str:
        return normalize_reference(self.cleaned_data["reference"])


NOT_FOUND = _("受理编号或查询码不对，请核对后再试。受理编号形如 TS2026-7KQ3MX，查询码是6位数字。")


class RateForm(forms.Form):
    satisfaction = radio_field(
        _("您对答复满意吗"), Satisfaction.choices, required=_("请选择是否满意。")
    )
    note = text_field(
        _("想补充的话（可不填）"),
        max_length=500,
        rows=3,
        help_text=_("选“不满意”时，承办单位会重新办理，写下原因能帮助他们。"),
        error_messages={"max_length": _("最多500字。")},
    )


class ReplyForm(forms.Form):
    reply = text_field(
        _("答复内容"),
        max_length=TEXT_MAX,
        required=_("请填写答复内容。"),
        rows=6,
        help_text=_("用平实的话写清：查明的情况、怎么处理、结果和联系方式。提交人查询时会看到。"),
        error_messages={"max_length": _("答复最多2000字。")},
    )


class ReassignForm(forms.Form):
    department = model_choice_field(
        _("改派给"),
        queryset=Department.objects.none(),
        required=_("请选择改派给哪个单位。"),
        invalid=_("请从列表中选择单位。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(disabled_at__isnull=True)


class QueueFilterForm(FilterForm):
    q = text_field(
        _("受理编号或内容"),
        max_length=50,
        widget=SearchInput,
        help_text=_("受理编号、内容或单位名称中的字词。"),
    )
    status = choice_field(
        _("状态"),
        [*Status.choices, (OVERDUE, _("已超期"))],
        blank=ALL,
        required=False,
        invalid=_("请从列表中选择状态；已显示全部状态。"),
    )
    category = choice_field(
        _("事项类别"),
        Category.choices,
        blank=ALL,
        required=False,
        invalid=_("请从列表中选择类别；已显示全部类别。"),
    )
    kind = choice_field(
        _("类型"), Kind.choices, blank=ALL, required=False, invalid=_("请从列表中选择类型。")
    )
    unit = forms.ChoiceField(label=_("承办单位"), required=False)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].choices = [ALL, *((d.code, d.name) for d in units)]
            self.fields["unit"].error_messages["invalid_choice"] = _(
                "请从列表中选择承办单位；已显示全部单位。"
            )

    def filters(self) -> dict[str, Any]:
        return self.text_filters(*self.fields)
