"""Forms of the registry pages: search, lookup by number, the person form, reveal and archive.

They validate and normalise; the views hand ``cleaned_data`` to the services, which check the
same cross-field rules again (``services.person_check``) for callers without a form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.core.formfields import (
    ALL,
    CertificateNumberField,
    CheckboxGroup,
    RadioGroup,
    ResidentIdField,
    code_input,
    date_input,
    phone_field,
    radio_field,
    text_field,
)
from jiuye.core.forms import DecisionForm, SectionsMixin
from jiuye.core.listing import holds_number
from jiuye.core.scoping import region_in_scope, town_prefix
from jiuye.core.validators import (
    normalize_resident_id,
    validate_certificate_number,
    validate_resident_id,
)
from jiuye.people import selectors
from jiuye.people.models import AssistiveNeed, Person, WishToWork
from jiuye.people.services import REVEAL_ROLES, normalize_phone, person_check
from jiuye.reference.forms import code_choices, live_categories, live_grades, places_for, towns_for
from jiuye.reference.models import Region

MULTIPLE_CATEGORY = 7
NOT_GIVEN = ("", _("未填写"))


def _model_field(name: str, **kwargs: Any) -> forms.Field:
    """The form field Django derives from the model (label, length), adjusted by ``kwargs``."""
    field = Person._meta.get_field(name).formfield(**kwargs)
    if isinstance(field, forms.DateField):
        field.widget = date_input()
    return field


def _choice(name: str, **kwargs: Any) -> forms.ChoiceField:
    """The model field's choices after "未填写", with its label."""
    field = Person._meta.get_field(name)
    choices = [NOT_GIVEN, *field.choices]
    return forms.ChoiceField(label=field.verbose_name, choices=choices, required=False, **kwargs)


class VillageChoiceField(forms.ModelChoiceField):
    """Village names repeat from town to town (every town has a 建设社区), so each option names
    its town too."""

    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.name} {obj.name}" if obj.parent_id else obj.name


def villages_for(user: Any) -> QuerySet[Region]:
    """Villages and communities a user may register persons in or search."""
    return places_for(user, Region.Level.VILLAGE)


def validated_number(typed: str) -> str:
    """A typed ID number (18 characters) or certificate number (20 or more), normalised and
    checked; a ValidationError says what is wrong with it."""
    number = normalize_resident_id(typed)
    if len(number) >= 20:
        validate_certificate_number(number)
    else:
        validate_resident_id(number)
    return number


def person_in_scope(user: Any, typed: str, *, invalid: Any) -> Person:
    """The live (not archived) person of the user's scope with the typed ID number, for a form
    that names a registered person; otherwise a form error: ``invalid`` for a malformed
    number, and for no such person in scope the one answer of every lookup
    (``selectors.person_in_scope``), so a form never tells whether someone elsewhere is
    registered."""
    try:
        id_number = validate_resident_id(typed.strip())
    except ValidationError:
        raise forms.ValidationError(invalid) from None
    try:
        return selectors.person_in_scope(user, id_number)
    except ValidationError as error:
        raise forms.ValidationError(error.messages[0]) from None


def number_filter(number: str) -> dict[str, str]:
    """The exact search filter for a checked number (``validated_number``)."""
    return {"certificate_number" if len(number) >= 20 else "id_number": number}


class PersonSearchForm(forms.Form):
    """The filters of the registry page (GET). ``region`` and ``year`` also come from the
    indicators' drill-down links (``?region=<code>&year=<y>[&working_age=1]``)."""

    name = text_field(
        _("姓名或证件号"),
        max_length=50,
        help_text=_("姓名可只填一部分；身份证号（18位）或残疾人证号须完整填写。"),
    )
    # Plain choices, built with one query each: a ModelChoiceField would query again to
    # validate, and the page has a budget of 15 queries.
    town = forms.ChoiceField(label=_("镇街"), required=False)
    village = forms.ChoiceField(label=_("村（社区）"), required=False)
    category = forms.TypedChoiceField(
        label=_("残疾类别"), required=False, coerce=int, empty_value=None
    )
    grade = forms.TypedChoiceField(
        label=_("残疾等级"), required=False, coerce=int, empty_value=None
    )
    age_band = forms.ChoiceField(
        label=_("年龄段"),
        required=False,
        choices=[
            ALL,
            ("16-24", _("16–24岁")),
            ("25-34", _("25–34岁")),
            ("35-44", _("35–44岁")),
            ("45-59", _("45–59岁")),
            ("60+", _("60岁及以上")),
        ],
        help_text=_("按今天的年龄。"),
    )
    wish_to_work = forms.ChoiceField(
        label=_("就业意愿"), required=False, choices=[ALL, *WishToWork.choices]
    )
    working_age = forms.BooleanField(label=_("只看就业年龄段"), required=False)
    hard_to_employ = forms.BooleanField(label=_("只看就业困难人员"), required=False)
    monitoring = forms.BooleanField(label=_("只看防返贫监测对象（风险未消除）"), required=False)
    include_archived = forms.BooleanField(label=_("包括已归档的人员"), required=False)
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("只看就业年龄段时，按该年年底（当年按今天）计算年龄；不填按今天。"),
    )
    # Drill-down links from the plan indicators name a region of any level.
    region = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        village = VillageChoiceField(queryset=villages_for(user))
        self.fields["village"].choices = [
            ALL,
            *((r.code, village.label_from_instance(r)) for r in village.queryset),
        ]
        if user.role == Role.TOWN:
            del self.fields["town"]  # a town officer's search is always within their town
        else:
            self.fields["town"].choices = [ALL, *code_choices(towns_for(user))]
        self.fields["category"].choices = [ALL, *code_choices(live_categories())]
        self.fields["grade"].choices = [ALL, *code_choices(live_grades())]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if holds_number(data.get("name") or ""):
            try:
                data.update(number_filter(validated_number(data["name"])), name="")
            except ValidationError as error:
                self.add_error("name", error)
        town, village = data.get("town"), data.get("village")
        if town and village and not village.startswith(town_prefix(town)):
            self.add_error("village", _("所选村（社区）不属于所选镇街，请重新选择。"))
        data["region"] = self._region(data.get("region") or "")
        return data

    def _region(self, code: str) -> Region | None:
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("链接中的区域代码“%(code)s”不存在。") % {"code": code[:12]})
        if region_in_scope(self.user, region.code):
            return region
        town = getattr(self.user, "town", None)
        if town is not None and town.code.startswith(region.prefix):
            return town  # the district as a whole, for a town officer, is their own town
        raise ValidationError(_("您只能查看本镇街范围内的人员。"))


class PersonLookupForm(forms.Form):
    """Find one person by ID or certificate number. Sent by POST, so the number never lands in
    an address, a browser history or a server's access log."""

    prefix = "lookup"
    number = text_field(
        _("身份证号或残疾人证号"),
        max_length=30,
        required=_("请填写要查找的身份证号或残疾人证号。"),
        help_text=_("完整号码，18位身份证号或20位残疾人证号。"),
        widget=code_input(),
    )

    def clean_number(self) -> str:
        return validated_number(self.cleaned_data["number"])

    def filters(self) -> dict[str, str]:
        return number_filter(self.cleaned_data["number"])


class PersonForm(SectionsMixin, forms.Form):
    """Create or edit a person. On edit the ID number, certificate number and phone are not
    shown in full (that is a logged reveal): left empty, they stay as they are."""

    SECTIONS = (
        (_("身份信息"), ("name", "id_number", "ethnicity", "phone", "clear_phone", "address",
                     "region")),
        (_("残疾信息"), ("certificate_number", "clear_certificate_number", "category", "grade",
                     "multiple_categories", "certificate_issued", "certificate_valid_until")),
        (_("家庭与就业情况"), ("hukou_type", "education", "marital_status", "is_student",
                         "school", "major", "graduation_year", "low_income",
                         "monitoring_category", "monitoring_identified",
                         "monitoring_risk_eliminated", "hard_to_employ_date",
                         "hard_to_employ_reasons", "hard_to_employ_office", "wish_to_work",
                         "work_preferences", "skills", "assistive_needs")),
    )  # fmt: skip
    SECRET_FIELDS = ("id_number", "certificate_number", "phone")

    name = _model_field("name", error_messages={"required": _("请填写姓名。")})
    id_number = ResidentIdField(
        label=_("身份证号"), error_messages={"required": _("请填写身份证号。")}
    )
    ethnicity = _model_field("ethnicity")
    phone = phone_field(_("联系电话"))
    address = _model_field("address")
    region = VillageChoiceField(
        label=_("所在村（社区）"),
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label=_("请选择"),
        error_messages={"required": _("请选择所在村（社区）。")},
    )
    certificate_number = CertificateNumberField(label=_("残疾人证号"), required=False)
    category = forms.ModelChoiceField(
        label=_("残疾类别"), queryset=live_categories(), required=False, empty_label=_("未填写")
    )
    grade = forms.ModelChoiceField(
        label=_("残疾等级"), queryset=live_grades(), required=False, empty_label=_("未填写")
    )
    multiple_categories = forms.ModelMultipleChoiceField(
        label=_("多重残疾包含的类别"),
        queryset=live_categories().exclude(code=MULTIPLE_CATEGORY),
        required=False,
        widget=CheckboxGroup,
        help_text=_("只在残疾类别为“多重残疾”时勾选，至少两项。"),
    )
    certificate_issued = _model_field("certificate_issued")
    certificate_valid_until = _model_field("certificate_valid_until")
    hukou_type = _choice("hukou_type")
    education = _choice("education")
    marital_status = _choice("marital_status")
    is_student = _model_field("is_student")
    school = _model_field("school")
    major = _model_field("major")
    graduation_year = forms.IntegerField(
        label=_("毕业年份"), required=False, min_value=1950, max_value=2100
    )
    low_income = _model_field("low_income")
    monitoring_category = _choice("monitoring_category")
    monitoring_identified = _model_field("monitoring_identified")
    monitoring_risk_eliminated = _model_field(
        "monitoring_risk_eliminated", help_text=_("风险尚未消除时留空。")
    )
    hard_to_employ_date = _model_field(
        "hard_to_employ_date", help_text=_("人社部门认定为就业困难人员的日期；未认定时留空。")
    )
    hard_to_employ_reasons = _model_field("hard_to_employ_reasons")
    hard_to_employ_office = _model_field("hard_to_employ_office")
    wish_to_work = forms.ChoiceField(
        label=_("就业意愿"), choices=WishToWork.choices, initial=WishToWork.UNKNOWN
    )
    work_preferences = _model_field("work_preferences")
    skills = _model_field("skills")
    assistive_needs = forms.MultipleChoiceField(
        label=_("无障碍需求"),
        choices=AssistiveNeed.choices,
        required=False,
        widget=CheckboxGroup,
        help_text=_("工作和参加服务时需要的支持，可多选。"),
    )

    def __init__(self, *args: Any, user: Any, person: Person | None = None, **kwargs: Any):
        self.user = user
        self.person = person
        if person is not None:
            kwargs.setdefault("initial", self._initial(person))
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.queryset = villages_for(user)
        if user.role == Role.TOWN:
            region.error_messages["invalid_choice"] = _(
                "只能选择本镇街的村（社区）；其他镇街的人员请由该镇街或区残联登记。"
            )
        if person is not None:
            self._secret_fields_for_edit(person)

    @staticmethod
    def _initial(person: Person) -> dict[str, Any]:
        names = [n for _, fields in PersonForm.SECTIONS for n in fields]
        initial = {
            n: getattr(person, n)
            for n in names
            if n not in PersonForm.SECRET_FIELDS and hasattr(person, n)
        }
        initial["region"] = person.region_id
        initial["category"] = person.category_id
        initial["grade"] = person.grade_id
        initial["multiple_categories"] = [c.pk for c in person.multiple_categories.all()]
        initial["version"] = person.version
        return initial

    def _secret_fields_for_edit(self, person: Person) -> None:
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        self.fields["id_number"].required = False
        shown = {
            "id_number": person.masked_id_number,
            "certificate_number": person.masked_certificate_number,
            "phone": person.masked_phone,
        }
        for name, masked in shown.items():
            field = self.fields[name]
            field.label = _("新的%(label)s") % {"label": field.label}
            field.help_text = (
                _("已登记：%(masked)s。不修改请留空。") % {"masked": masked}
                if masked
                else _("尚未登记。")
            )
        if person.phone:
            self.fields["clear_phone"] = forms.BooleanField(
                label=_("删除已登记的联系电话"), required=False
            )
        if person.certificate_number:
            self.fields["clear_certificate_number"] = forms.BooleanField(
                label=_("删除已登记的残疾人证号"), required=False
            )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone") or "")

    def _current(self, name: str) -> str:
        """The value a secret field ends up with: typed, cleared, or (on edit) as stored."""
        typed = self.cleaned_data.get(name)
        if typed or self.person is None:
            return typed or ""
        if self.cleaned_data.get(f"clear_{name}"):
            return ""
        return getattr(self.person, name)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        identity = None if self.has_error("id_number") else self._current("id_number") or None
        certificate = self._current("certificate_number")
        errors = person_check({**data, "id_number": identity, "certificate_number": certificate})
        for name, message in errors.items():
            if name not in self.fields or self.has_error(name):
                continue
            if name == "certificate_number" and not data.get("certificate_number"):
                message = _("已登记的残疾人证号与修改后的信息不一致：%(detail)s") % {
                    "detail": message
                }
            self.add_error(name, message)
        return data

    def service_fields(self) -> dict[str, Any]:
        """``cleaned_data`` shaped for person_register/person_update: on edit, an empty secret
        field means "unchanged" and is left out unless its clear box is ticked."""
        data = {
            name: self.cleaned_data[name]
            for _, names in self.SECTIONS
            for name in names
            if name in self.cleaned_data and not name.startswith("clear_")
        }
        if self.person is not None:
            for name in self.SECRET_FIELDS:
                if not data.get(name):
                    data.pop(name, None)
                    if self.cleaned_data.get(f"clear_{name}"):
                        data[name] = ""
        return data


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("要查看的号码"),
        widget=RadioGroup,
        error_messages={"required": _("请选择要查看哪个号码。")},
    )
    reason = text_field(
        _("查看原因"),
        max_length=200,
        required=_("请填写查看原因。"),
        help_text=_("例如：核对身份、办理业务。查看记录会写入访问日志。"),
    )

    LABELS = {
        "id_number": _("身份证号"),
        "certificate_number": _("残疾人证号"),
        "phone": _("联系电话"),
    }

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            (name, label) for name, label in self.LABELS.items() if getattr(person, name)
        ]
        if len(self.fields["field"].choices) == 1:
            self.fields["field"].initial = self.fields["field"].choices[0][0]

    @staticmethod
    def allowed(user: Any) -> bool:
        return getattr(user, "role", None) in REVEAL_ROLES


class TransferDecisionForm(DecisionForm):
    """District staff decide a transfer request; a refusal says why (the requester reads it)."""

    decision = radio_field(
        _("审核结果"),
        [
            ("approve", _("同意：迁入所申请的村（社区），并按申请更新信息（姓名不变）")),
            ("return", _("不同意")),
        ],
        required=_("请选择审核结果：同意或不同意。"),
    )
    reason = text_field(
        _("意见"),
        max_length=300,
        rows=3,
        error_messages={"max_length": _("意见最多300个字，请缩短。")},
        help_text=_("不同意时必填：申请人会在通知中看到这段话。"),
    )

    note_field = "reason"
    note_missing = _("请填写不同意的理由，申请人会看到这段话。")


class DuplicateDecisionForm(forms.Form):
    """The decision on a pair of likely duplicates: merge (with the surviving record and, for
    every field where the two differ, whose value to keep) or "not the same person"."""

    decision = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("merge", _("是同一人，合并")), ("dismiss", _("不是同一人"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("说明（选“不是同一人”时填写，例如：双胞胎、同名同姓）"),
        max_length=300,
        required=False,
    )

    def __init__(
        self, *args: Any, first: Any, second: Any, rows: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        records = [
            (str(first.pk), _("记录一：%(p)s") % {"p": first}),
            (str(second.pk), _("记录二：%(p)s") % {"p": second}),
        ]
        self.fields["survivor"] = forms.ChoiceField(
            label=_("保留哪条记录（另一条归档，它的全部业务记录转到保留的记录上）"),
            choices=records,
            widget=forms.RadioSelect,
            initial=str(first.pk),
            required=False,
        )
        self.fields["survivor_version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False
        )
        self.fields["merged_version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        self.take_fields = []
        for row in rows:
            if not row["differs"]:
                continue
            name = f"take_{row['name']}"
            self.fields[name] = forms.ChoiceField(
                label=_("%(label)s：保留哪个值") % {"label": row["label"]},
                choices=[
                    (str(first.pk), _("记录一：%(v)s") % {"v": row["first"]}),
                    (str(second.pk), _("记录二：%(v)s") % {"v": row["second"]}),
                ],
                widget=forms.RadioSelect,
                required=False,
            )
            self.take_fields.append(self[name])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "merge" and not data.get("survivor"):
            self.add_error("survivor", _("请选择保留哪条记录。"))
        if data.get("decision") == "dismiss" and not (data.get("note") or "").strip():
            self.add_error("note", _("请写明为什么不是同一人，以后核对时能看到。"))
        return data


class SelfServiceForm(SectionsMixin, forms.Form):
    """A job seeker's own information. The work wishes are saved at once; phone, address and
    education were verified by the town, so a change to them is sent to the town to approve.
    The phone is never shown in full: left empty, it stays as it is."""

    SECTIONS = (
        (_("求职意向和需要的支持（保存后立即生效）"),
         ("wish_to_work", "work_preferences", "skills", "assistive_needs")),
        (_("联系方式和文化程度（由镇街核对后才会修改）"),
         ("phone", "clear_phone", "address", "education")),
    )  # fmt: skip

    wish_to_work = forms.ChoiceField(label=_("您想不想工作"), choices=WishToWork.choices)
    work_preferences = _model_field(
        "work_preferences",
        label=_("想做什么工作"),
        help_text=_("例如：仓库管理、电话客服、在家做手工。"),
    )
    skills = _model_field(
        "skills", label=_("会做什么"), help_text=_("例如：会用电脑打字、会开叉车、会按摩。")
    )
    assistive_needs = forms.MultipleChoiceField(
        label=_("工作时需要的支持"),
        choices=AssistiveNeed.choices,
        required=False,
        widget=CheckboxGroup,
        help_text=_("可以选多项，也可以都不选。"),
    )
    phone = phone_field(_("新的联系电话"))
    address = _model_field("address", label=_("住址"))
    education = _choice("education", help_text=_("最高读到哪里。"))

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        initial = {name: getattr(person, name) for name in ("wish_to_work", "work_preferences",
                   "skills", "assistive_needs", "address", "education")}  # fmt: skip
        initial["version"] = person.version
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        self.fields["phone"].help_text = (
            _("现在登记的是：%(masked)s。不修改请留空。") % {"masked": person.masked_phone}
            if person.phone
            else _("现在没有登记电话。手机号或带区号的固定电话。")
        )
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        if person.phone:
            self.fields["clear_phone"] = forms.BooleanField(
                label=_("不再登记联系电话"), required=False
            )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone") or "")

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("wish_to_work", "work_preferences", "skills", "assistive_needs",
                         "address", "education")
        }  # fmt: skip
        if data.get("phone"):
            fields["phone"] = data["phone"]
        elif data.get("clear_phone"):
            fields["phone"] = ""
        return fields


class ChangeDecisionForm(DecisionForm):
    """The town decides a job seeker's change request; a refusal says why (they read it)."""

    decision = radio_field(
        _("审核结果"),
        [("approve", _("同意：按申请修改")), ("return", _("不同意"))],
        required=_("请选择审核结果：同意或不同意。"),
    )
    reason = text_field(
        _("意见"),
        max_length=300,
        rows=3,
        error_messages={"max_length": _("意见最多300个字，请缩短。")},
        help_text=_("不同意时必填：申请人会在通知中看到这段话，请用简单易懂的话说明原因。"),
    )

    note_field = "reason"
    note_missing = _("请填写不同意的理由，申请人会看到这段话。")
