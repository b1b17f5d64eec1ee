"""Forms of the casework pages: records (verification, needs registration, services, archive,
the hard-to-employ survey and the export of service records).

Every form that records something carries a hidden idempotency key, made when the form is
first shown and sent back with every submit (a failed one too), so a form submitted twice
creates one record. The forms check what a user can fix beside the field (dates, the
registry's cross-field rules, the employment rules); the services check again.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.casework.models import (
    Channel,
    Hours,
    NotWantingReason,
    Outcome,
    ServiceKind,
    Support,
    WantsWork,
)
from jiuye.casework.selectors import service_types
from jiuye.casework.services import (
    NEEDS_FIELDS,
    check_attachment,
    check_service_date,
    follow_up_error,
    service_date_findings,
)
from jiuye.core import dates
from jiuye.core.formfields import (
    checkbox_field,
    choice_field,
    date_input,
    model_choice_field,
    money_field,
    phone_field,
    radio_field,
    text_field,
)
from jiuye.core.forms import check_order
from jiuye.core.masking import mask_phone
from jiuye.employment.models import EmploymentForm, EmploymentRecord, EndReason
from jiuye.employment.services import employment_check
from jiuye.people.forms import PersonForm, towns_for, villages_for
from jiuye.people.models import Person
from jiuye.people.services import normalize_phone, person_check
from jiuye.people.services.person import EDITABLE_FIELDS
from jiuye.reference.forms import district_towns
from jiuye.reference.models import Region

NOT_GIVEN = ("", _("未填写"))
DATE_FORMAT = _("日期格式应为 2024-05-01。")

# The registry fields a verification visit checks, in the order the form shows them.
REGISTRY_FIELDS = (
    "phone",
    "address",
    "region",
    "education",
    "hukou_type",
    "wish_to_work",
    "hard_to_employ_date",
    "hard_to_employ_reasons",
    "hard_to_employ_office",
    "monitoring_category",
    "monitoring_identified",
    "monitoring_risk_eliminated",
    "assistive_needs",
    "skills",
    "work_preferences",
)

# A service's error keys → the verify form's fields (the employment services name theirs
# after the employment record's columns).
VERIFY_ERROR_FIELDS = {
    "form": "job_form",
    "new_form_subtype": "job_form",
    "employer": "job_employer_name",
    "employer_name": "job_employer_name",
    "job_title": "job_title",
    "start_date": "job_start_date",
    "monthly_wage": "job_monthly_wage",
    "end_date": "end_date",
    "end_reason": "end_reason",
}


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    """A date of the casework forms: a wrong format gets the same message everywhere."""
    kwargs["error_messages"] = {"invalid": DATE_FORMAT, **kwargs.get("error_messages", {})}
    return forms.DateField(label=label, widget=date_input(), **kwargs)


def _message(error: ValidationError, field: str) -> list[str]:
    if hasattr(error, "error_dict"):
        return error.message_dict.get(field) or error.messages
    return error.messages


class RecordForm(forms.Form):
    """What every record form has: the idempotency key, the day and the channel."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    date = _date(_("服务日期"), error_messages={"required": _("请填写日期。")})
    channel = radio_field(_("服务方式"), Channel.choices, required=_("请选择服务方式。"))

    # The kind of form (part of the browser draft's key and of the "saved" marker).
    draft_name = ""

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        today = timezone.localdate()
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", str(uuid.uuid4()))
            self.initial.setdefault("date", today)
        self.fields["date"].widget.attrs["max"] = today.isoformat()

    @property
    def draft_key(self) -> str:
        return f"{self.draft_name}:{self.person.pk}"

    def values(self, *names: str) -> dict[str, Any]:
        """The cleaned values of these fields, by name (for the service)."""
        return {name: self.cleaned_data[name] for name in names}

    def clean_idempotency_key(self) -> str:
        # A missing or malformed key (a hand-made request) gets a fresh one: the submit still
        # works, it just can't be recognised as a repeat.
        value = self.cleaned_data.get("idempotency_key") or ""
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return str(uuid.uuid4())

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        try:
            check_service_date(self.person, day)
        except ValidationError as error:
            raise ValidationError(_message(error, "date")) from error
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The errors are clean_date's; a date more than a year back is a doubt to confirm.
        if data.get("date") is not None:
            findings = service_date_findings(self.person, data["date"])
            dates.apply_findings(self, [f for f in findings if f.doubt])
        return data


class AttachmentMixin(forms.Form):
    """An optional photo or PDF of the signed form. After a failed submit the file is kept on
    the server (``attachment_token``) so the officer does not have to pick it again."""

    attachment = forms.FileField(
        label=_("签字表照片或 PDF"),
        required=False,
        help_text=_("选填。JPG、PNG、WebP 图片或 PDF，不超过 10 MB。"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )
    attachment_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    attachment_name = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                check_attachment(upload)
            except ValidationError as error:
                raise ValidationError(_message(error, "attachment")) from error
        return upload

    def kept_attachment(self) -> str:
        """The name of a file kept from an earlier submit, for the page to say so."""
        if self.is_bound and self.data.get("attachment_token"):
            return self.data.get("attachment_name") or ""
        return ""


class OutcomeMixin(forms.Form):
    """What a service or a verification visit achieved, and what was done and said."""

    outcome = forms.ChoiceField(label=_("服务结果"), choices=Outcome.choices, initial=Outcome.DONE)
    notes = text_field(
        _("服务内容"),
        max_length=2000,
        rows=3,
        help_text=_("做了什么、本人怎么说。不要写身份证号。"),
    )


class ServiceForm(OutcomeMixin, AttachmentMixin, RecordForm):
    """A service of kind "service" (job recommendation, a visit, …)."""

    draft_name = "service"

    service_type = model_choice_field(
        _("服务类型"),
        queryset=service_types(ServiceKind.SERVICE),
        required=_("请选择服务类型。"),
    )
    follow_up_date = _date(
        _("下次跟进日期"), required=False, help_text=_("选填。需要再联系时填写。")
    )

    field_order = [
        "idempotency_key",
        "service_type",
        "date",
        "channel",
        "notes",
        "outcome",
        "follow_up_date",
        "attachment",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = service_types(ServiceKind.SERVICE)

    def clean(self) -> dict[str, Any]:
        day = self.cleaned_data.get("date")  # before a doubt about it takes it out
        data = super().clean()
        message = follow_up_error(day, data.get("follow_up_date"))
        if message:
            self.add_error("follow_up_date", message)
        label = self.fields["follow_up_date"].label
        today = timezone.localdate()
        far = dates.ahead(
            data.get("follow_up_date"), field="follow_up_date", label=label, today=today
        )
        dates.apply_findings(self, far)
        return data

    def service_fields(self) -> dict[str, Any]:
        names = ("service_type", "date", "channel", "notes", "outcome", "follow_up_date")
        return self.values(*names, "idempotency_key")


class NeedsForm(RecordForm):
    """Employment needs registration (需求登记)."""

    draft_name = "needs"

    wants_work = radio_field(
        _("是否有就业意愿"), WantsWork.choices, required=_("请选择是否有就业意愿。")
    )
    not_wanting_reason = choice_field(
        _("暂无就业意愿的原因"),
        NotWantingReason.choices,
        blank=NOT_GIVEN,
        required=False,
        help_text=_("选择“暂无就业意愿”时必填。"),
    )
    desired_jobs = text_field(
        _("意向岗位"),
        max_length=200,
        help_text=_("例如：电商客服、保洁、手工编织。多个用“、”分隔。"),
    )
    desired_region = model_choice_field(
        _("意向工作地点"), queryset=Region.objects.none(), required=False, empty_label=_("不限")
    )
    remote_ok = forms.BooleanField(label=_("可以居家/线上工作"), required=False)
    hours = choice_field(_("工作时间"), Hours.choices, blank=NOT_GIVEN, required=False)
    expected_wage = money_field(
        _("期望月薪（元）"),
        step="any",
        error_messages={
            "invalid": _("请填写数字，例如 3000。"),
            "min_value": _("期望月薪不能是负数。"),
        },
    )
    training_wanted = text_field(_("培训需求"), max_length=200, help_text=_("想参加什么培训。"))
    support_needed = checkbox_field(
        _("需要的支持"), choices=Support.choices, help_text=_("可多选。")
    )
    notes = text_field(_("备注"), max_length=2000, rows=3)

    field_order = ["idempotency_key", "date", "channel", "wants_work", "not_wanting_reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].label = _("登记日期")
        self.fields["desired_region"].queryset = district_towns()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("wants_work") == WantsWork.NO and not data.get("not_wanting_reason"):
            self.add_error("not_wanting_reason", _("请选择暂无就业意愿的原因。"))
        if data.get("wants_work") == WantsWork.YES:
            data["not_wanting_reason"] = ""
        return data

    def service_fields(self) -> dict[str, Any]:
        return self.values("date", "channel", "wants_work", *NEEDS_FIELDS, "idempotency_key")


def open_records(person: Person) -> QuerySet[EmploymentRecord]:
    return EmploymentRecord.objects.filter(
        person=person, end_date__isnull=True, archived_at__isnull=True
    ).order_by("-start_date")


class OpenRecordField(forms.ModelChoiceField):
    def label_from_instance(self, obj: EmploymentRecord) -> str:
        where = obj.employer_name or (obj.employer.name if obj.employer_id else "")
        parts = [obj.get_form_display(), where, obj.job_title]
        return _("%(what)s，%(start)s 起") % {
            "what": " · ".join(p for p in parts if p),
            "start": f"{obj.start_date:%Y-%m-%d}",
        }


class VerifyForm(OutcomeMixin, AttachmentMixin, RecordForm):
    """Basic-information verification (核对): the registry fields as they are now, to correct
    in place; the visit itself; and optionally a job found or ended."""

    draft_name = "verify"

    SECTIONS = (
        (_("核对的基本信息"), REGISTRY_FIELDS),
        (_("本次核对"), ("date", "channel", "outcome", "notes", "attachment")),
    )
    JOB_FIELDS = (
        "job_form",
        "job_employer_name",
        "job_title",
        "job_start_date",
        "job_monthly_wage",
    )
    END_FIELDS = ("end_record", "end_date", "end_reason")

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    employment = radio_field(_("就业情况有没有变化"), required=False, initial="")
    job_form = choice_field(_("就业形式"), EmploymentForm.choices, required=False)
    job_employer_name = text_field(
        _("单位名称"), max_length=200, help_text=_("自主创业、农业种养、灵活就业可不填。")
    )
    job_title = text_field(_("岗位"), max_length=100)
    job_start_date = _date(_("开始工作日期"), required=False)
    job_monthly_wage = money_field(
        _("月工资（元）"), step="any", error_messages={"invalid": _("请填写数字，例如 3000。")}
    )
    end_record = OpenRecordField(
        label=_("结束的是哪份工作"),
        queryset=EmploymentRecord.objects.none(),
        required=False,
        empty_label=_("请选择"),
    )
    end_date = _date(_("最后工作日"), required=False)
    end_reason = choice_field(_("结束原因"), EndReason.choices, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        person = kwargs["person"]
        if not (args and args[0] is not None) and "data" not in kwargs:
            kwargs.setdefault("initial", self._initial(person))
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["date"].label = _("核对日期")
        self.fields["notes"].label = _("核对情况")
        self.fields["notes"].help_text = _("例如：本人在家，信息已当面核对。不要写身份证号。")
        for name in REGISTRY_FIELDS:
            if name == "phone":
                continue
            self.fields[name] = copy.deepcopy(PersonForm.base_fields[name])
        self.fields["region"].queryset = villages_for(user)
        self.fields["region"].error_messages["invalid_choice"] = _(
            "只能选择您负责范围内的村（社区）；迁到其他镇街的人员请联系区残联。"
        )
        self._phone_fields(person)
        records = open_records(person)
        self.fields["end_record"].queryset = records
        choices = [("", _("没有变化")), ("found", _("找到了工作（登记就业）"))]
        self.has_open_records = records.exists()
        if self.has_open_records:
            choices.append(("ended", _("工作已经结束（登记离职）")))
        self.fields["employment"].choices = choices
        # Keep the registry fields first and the employment change last.
        order = [
            "idempotency_key",
            "version",
            *REGISTRY_FIELDS,
            "clear_phone",
            "date",
            "channel",
            "outcome",
            "notes",
            "attachment",
            "employment",
            *self.JOB_FIELDS,
            *self.END_FIELDS,
        ]
        self.order_fields([n for n in order if n in self.fields])

    @staticmethod
    def _initial(person: Person) -> dict[str, Any]:
        initial = {n: getattr(person, n) for n in REGISTRY_FIELDS if n != "phone"}
        initial["region"] = person.region_id
        initial["version"] = person.version
        initial["employment"] = ""
        return initial

    def _phone_fields(self, person: Person) -> None:
        masked = person.masked_phone
        self.fields["phone"] = phone_field(
            _("新的联系电话") if masked else _("联系电话"),
            help_text=(
                _("已登记：%(masked)s。号码没变就留空。") % {"masked": masked}
                if masked
                else _("尚未登记联系电话。")
            ),
        )
        if person.phone:
            self.fields["clear_phone"] = forms.BooleanField(
                label=_("删除已登记的联系电话（号码已停用）"), required=False
            )

    def sections(self) -> Iterator[tuple[str, list[forms.BoundField]]]:
        for title, names in self.SECTIONS:
            shown = [*names]
            if "phone" in names:
                shown.insert(1, "clear_phone")
            yield title, [self[name] for name in shown if name in self.fields]

    def job_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.JOB_FIELDS]

    def end_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.END_FIELDS]

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_registry(data)
        change = data.get("employment")
        if change == "found":
            self._check_job(data)
        elif change == "ended":
            self._check_end(data)
        return data

    def _check_registry(self, data: dict[str, Any]) -> None:
        values = {n: getattr(self.person, n) for n in EDITABLE_FIELDS - {"multiple_categories"}}
        values.update(self.registry_values())
        values["multiple_categories"] = list(self.person.multiple_categories.all())
        for name, message in person_check(values).items():
            if name in self.fields and not self.has_error(name):
                self.add_error(name, message)

    def _check_job(self, data: dict[str, Any]) -> None:
        values = {
            "form": data.get("job_form"),
            "employer_name": data.get("job_employer_name"),
            "job_title": data.get("job_title"),
            "start_date": data.get("job_start_date"),
            "monthly_wage": data.get("job_monthly_wage"),
        }
        for name, message in employment_check(values, person=self.person).items():
            target = VERIFY_ERROR_FIELDS.get(name)
            if target and not self.has_error(target):
                self.add_error(target, message)

    def _check_end(self, data: dict[str, Any]) -> None:
        record, end = data.get("end_record"), data.get("end_date")
        if record is None and not self.has_error("end_record"):
            self.add_error("end_record", _("请选择已经结束的那份工作。"))
        if end is None:
            if not self.has_error("end_date"):
                self.add_error("end_date", _("请填写最后工作日。"))
        elif later := dates.after_today(end, label=_("最后工作日")):
            self.add_error("end_date", later)
        elif record is not None and end < record.start_date:
            self.add_error(
                "end_date",
                _("最后工作日不能早于这份工作的开始日期（%(start)s）。")
                % {"start": f"{record.start_date:%Y-%m-%d}"},
            )
        if not data.get("end_reason"):
            self.add_error("end_reason", _("请选择结束原因。"))

    def registry_values(self) -> dict[str, Any]:
        """The registry fields as the form would leave them (phone: as stored unless a new
        one was typed or the clear box ticked)."""
        data = self.cleaned_data
        values: dict[str, Any] = {}
        for name in REGISTRY_FIELDS:
            if name == "phone":
                typed = data.get("phone")
                if typed:
                    values["phone"] = typed
                elif data.get("clear_phone"):
                    values["phone"] = ""
                continue
            if name in data:
                values[name] = data[name]
        if "assistive_needs" in values:
            values["assistive_needs"] = sorted(set(values["assistive_needs"] or []))
        return values

    def changes(self) -> dict[str, Any]:
        """Only the fields whose value differs from the registry, for ``person_update``."""
        person = self.person
        changed = {}
        for name, value in self.registry_values().items():
            current = getattr(person, name)
            if name == "region":
                if value is not None and value.pk != person.region_id:
                    changed[name] = value
            elif name == "assistive_needs":
                if sorted(current or []) != value:
                    changed[name] = value
            elif (current or None) != (value or None):
                changed[name] = value
        return changed

    def change_rows(self) -> list[dict[str, str]]:
        """Each changed field with its label and the value before and after, for people."""
        rows = []
        for name, value in self.changes().items():
            label = PersonForm.base_fields[name].label if name != "phone" else _("联系电话")
            rows.append(
                {
                    "name": name,
                    "label": str(label),
                    "before": self._shown(name, getattr(self.person, name)),
                    "after": self._shown(name, value),
                }
            )
        return rows

    def _shown(self, name: str, value: Any) -> str:
        if value in (None, "", []):
            return str(_("（空）"))
        if name == "phone":
            return mask_phone(value)
        if name == "region":
            region = value
            parent = region.parent.name + " " if region.parent_id else ""
            return f"{parent}{region.name}"
        if isinstance(value, dt.date):
            return f"{value:%Y-%m-%d}"
        choices = getattr(self.fields[name], "choices", None)
        if choices:
            labels = {str(k): str(v) for k, v in choices}
            if isinstance(value, list):
                return "、".join(labels.get(str(v), str(v)) for v in value)
            return labels.get(str(value), str(value))
        return str(value)

    def open_employment(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("employment") != "found":
            return None
        return {
            "form": data["job_form"],
            "employer_name": data["job_employer_name"],
            "job_title": data["job_title"],
            "start_date": data["job_start_date"],
            "monthly_wage": data["job_monthly_wage"],
        }

    def end_employment(self) -> tuple[EmploymentRecord, dt.date, str] | None:
        data = self.cleaned_data
        if data.get("employment") != "ended":
            return None
        return data["end_record"], data["end_date"], data["end_reason"]

    def employment_summary(self) -> str:
        job = self.open_employment()
        if job is not None:
            labels = dict(EmploymentForm.choices)
            parts = [str(labels[job["form"]]), job["employer_name"], job["job_title"]]
            return _("登记就业：%(what)s，%(start)s 开始") % {
                "what": " · ".join(p for p in parts if p),
                "start": f"{job['start_date']:%Y-%m-%d}",
            }
        end = self.end_employment()
        if end is not None:
            record, day, reason = end
            return _("结束就业：%(what)s，最后工作日 %(end)s（%(reason)s）") % {
                "what": self.fields["end_record"].label_from_instance(record),
                "end": f"{day:%Y-%m-%d}",
                "reason": dict(EndReason.choices)[reason],
            }
        return ""

    def carried(self) -> list[tuple[str, str]]:
        """Every submitted value (files excepted) as name/value pairs, for the confirmation
        page to send back as plain hidden inputs."""
        pairs = []
        for name in self.fields:
            if name == "attachment":
                continue
            key = self.add_prefix(name)
            values = self.data.getlist(key) if hasattr(self.data, "getlist") else []
            pairs.extend((key, value) for value in values)
        return pairs

    def service_fields(self) -> dict[str, Any]:
        return {
            **self.values("date", "channel", "version", "notes", "outcome", "idempotency_key"),
            "changes": self.changes(),
            "open_employment": self.open_employment(),
            "end_employment": self.end_employment(),
        }


class ArchiveRecordForm(forms.Form):
    reason = text_field(
        _("归档原因"),
        max_length=500,
        required=_("请填写归档原因，例如：重复录入、录错了人。"),
        rows=3,
        help_text=_("归档后这条记录不再计入核对、登记和服务的统计，记录本身仍然保留。"),
    )


class SurveyForm(forms.Form):
    """Which town's hard-to-employ persons to list (district staff choose; a town officer
    always sees their own town)."""

    town = forms.ChoiceField(label=_("镇街"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.towns = {t.code: t for t in towns_for(user)}
        self.fields["town"].choices = [("", _("请选择镇街"))] + [
            (code, town.name) for code, town in self.towns.items()
        ]

    def region(self) -> Region | None:
        if getattr(self.user, "town_id", None) and self.user.town_id in self.towns:
            return self.towns[self.user.town_id]
        if self.is_bound and self.is_valid():
            return self.towns.get(self.cleaned_data["town"])
        return None


class ServicesExportForm(forms.Form):
    start = _date(_("开始日期"), error_messages={"required": _("请填写开始日期。")})
    end = _date(_("结束日期"), error_messages={"required": _("请填写结束日期。")})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_order(self, data, "start", "end", _("结束日期不能早于开始日期。"))
        return data


class ServicesRevealForm(ServicesExportForm):
    """The same range, with full ID numbers: only with a reason, which the access log keeps."""

    reason = text_field(
        _("导出完整号码的原因"),
        max_length=200,
        required=_("导出完整号码必须写明原因。"),
        help_text=_("例如：报送人社部门核对。导出记录会写入访问日志。"),
    )
