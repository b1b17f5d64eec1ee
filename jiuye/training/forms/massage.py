"""Forms of the blind massage pages. They validate; ``training.services.massage`` writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import choice_field, date_field, text_field, version_field
from jiuye.core.forms import without_version
from jiuye.employers.models import Employer
from jiuye.people.forms import person_in_scope
from jiuye.people.models import Person
from jiuye.reference.forms import places_for
from jiuye.reference.models import Region
from jiuye.training.models import (
    EstablishmentKind,
    HealthMassageLevel,
    MassageEstablishment,
    MassageQualification,
    MassageTitle,
)
from jiuye.training.services.massage import certificate_date_errors

KIND_FILTER = [("", _("全部类型")), *EstablishmentKind.choices]
NONE = ("", _("无"))


def establishment_regions(user: Any) -> QuerySet[Region]:
    """Towns and villages (communities) the user keeps records in."""
    return places_for(user, Region.Level.TOWN, Region.Level.VILLAGE)


def registered_employer(typed: str) -> Employer | None:
    """The employer registered with the typed unified social credit code (None for an empty
    box); an unknown code is a form error that says what to do."""
    raw = typed.strip().upper()
    if not raw:
        return None
    employer = Employer.objects.filter(uscc=raw).first()
    if employer is None:
        raise forms.ValidationError(
            _("没有找到统一社会信用代码为 %(code)s 的用人单位，请核对，或先登记用人单位。")
            % {"code": raw}
        )
    return employer


class RegionField(forms.ModelChoiceField):
    """A town, or a village with its town's name (village names repeat from town to town)."""

    def label_from_instance(self, obj: Region) -> str:
        if obj.level == Region.Level.VILLAGE and obj.parent_id:
            return f"{obj.parent.name} {obj.name}"
        return obj.name


def place_field() -> RegionField:
    """Where a record is located: a town or village the user keeps records in (the form sets
    the queryset to ``establishment_regions(user)``)."""
    return RegionField(
        label=_("所在地"),
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择所在地。"),
            "invalid_choice": _("只能选择您负责的镇街或村（社区）。"),
        },
        help_text=_("选择所在镇街，或更具体的村（社区）。"),
    )


class EstablishmentForm(forms.Form):
    name = text_field(_("机构名称"), max_length=200, required=_("请填写机构名称。"))
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("", _("请选择")), *EstablishmentKind.choices],
        error_messages={
            "required": _("请选择机构类型：盲人医疗按摩所或盲人保健按摩机构。"),
            "invalid_choice": _("请从列出的类型中选择。"),
        },
    )
    licence_number = text_field(
        _("许可证或执业登记号"),
        max_length=60,
        help_text=_("医疗按摩所填写《医疗机构执业许可证》或备案号；保健按摩机构可留空。"),
    )
    region = place_field()
    address = text_field(_("地址"), max_length=200)
    owner_id_number = text_field(
        _("开办人身份证号（已登记的残疾人）"),
        max_length=18,
        help_text=_("开办人已在残疾人登记中时填写18位身份证号；否则留空，填写下面的开办人姓名。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    owner_name = text_field(_("开办人姓名（未登记时）"), max_length=50)
    employer_uscc = text_field(
        _("对应用人单位的统一社会信用代码"),
        max_length=18,
        help_text=_("机构已作为用人单位登记时填写18位代码：盲人员工从这家单位的就业记录统计。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    version = version_field()

    def __init__(
        self,
        *args: Any,
        user: Any,
        establishment: MassageEstablishment | None = None,
        **kwargs: Any,
    ) -> None:
        self.user = user
        self.establishment = establishment
        if establishment is not None:
            kwargs.setdefault("initial", self._initial(establishment))
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = establishment_regions(user)
        if establishment is None:
            del self.fields["version"]

    @staticmethod
    def _initial(establishment: MassageEstablishment) -> dict[str, Any]:
        initial = {
            n: getattr(establishment, n)
            for n in ("name", "kind", "licence_number", "address", "owner_name", "version")
        }
        initial["region"] = establishment.region_id
        # The owner's ID number is never put back into the page (it would show in full);
        # leaving the field empty keeps the registered owner.
        if establishment.employer_id:
            initial["employer_uscc"] = establishment.employer.uscc
        return initial

    def clean_owner_id_number(self) -> Person | None:
        raw = self.cleaned_data["owner_id_number"].strip()
        if not raw:
            return None
        return person_in_scope(
            self.user,
            raw,
            invalid=_("开办人身份证号格式不对，请核对18位号码（最后一位可以是X）。"),
        )

    def clean_employer_uscc(self) -> Employer | None:
        return registered_employer(self.cleaned_data["employer_uscc"])

    def service_fields(self) -> dict[str, Any]:
        data = without_version(self.cleaned_data)
        owner = data.pop("owner_id_number")
        data["employer"] = data.pop("employer_uscc")
        if owner is not None:
            data["owner"] = owner
        elif data.get("owner_name") or self.establishment is None:
            data["owner"] = None
        return data


class QualificationForm(forms.Form):
    medical_certificate_number = text_field(
        _("医疗按摩资格证书编号"),
        max_length=60,
        help_text=_("《盲人医疗按摩人员从事医疗按摩资格证书》上的编号；没有时留空。"),
    )
    medical_certificate_date = date_field(
        _("医疗按摩资格取得日期"), required=False, help_text=_("按“年-月-日”填写。")
    )
    title = choice_field(
        _("专业技术职务"),
        MassageTitle.choices,
        blank=NONE,
        required=False,
        invalid=_("请从列出的专业技术职务中选择。"),
    )
    health_level = choice_field(
        _("保健按摩技能等级"),
        HealthMassageLevel.choices,
        blank=NONE,
        required=False,
        invalid=_("请从列出的保健按摩技能等级中选择。"),
    )
    version = version_field()

    def __init__(
        self, *args: Any, qualification: MassageQualification | None = None, **kwargs: Any
    ) -> None:
        initial = {"version": 0}
        if qualification is not None:
            initial = {
                n: getattr(qualification, n)
                for n in (
                    "medical_certificate_number",
                    "medical_certificate_date",
                    "title",
                    "health_level",
                    "version",
                )
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def clean_medical_certificate_date(self) -> dt.date | None:
        day = self.cleaned_data["medical_certificate_date"]
        if later := certificate_date_errors(day):
            raise forms.ValidationError(later)
        return day

    def service_fields(self) -> dict[str, Any]:
        return without_version(self.cleaned_data)
