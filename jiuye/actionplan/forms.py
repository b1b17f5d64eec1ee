"""Forms of the plan pages. They validate; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.actionplan.models import ProgressReport, Task
from jiuye.core.formfields import ObjectChoiceField, text_field
from jiuye.core.forms import DecisionForm, checked_upload
from jiuye.core.indicators import registry
from jiuye.reference.models import Department, Region
from jiuye.reference.selectors import departments

PLAN_UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("计划表文件"),
        help_text=_(
            "Word（.docx）、Excel（.xlsx）或从 Word 导出的文本（.txt），"
            "四列：内容、工作任务目标、责任部门、完成时限。"
        ),
    )
    name = forms.CharField(
        label=_("方案名称（选填）"),
        max_length=200,
        required=False,
        help_text=_("留空则使用表格标题。名称相同的方案会被更新，而不是重复创建。"),
    )
    years = forms.CharField(
        label=_("方案年份（选填）"),
        max_length=20,
        required=False,
        help_text=_("如 2022-2024。留空则从表格标题中读取。"),
    )

    def clean_file(self) -> Any:
        return checked_upload(
            self.cleaned_data["file"],
            max_bytes=PLAN_UPLOAD_MAX_BYTES,
            too_large=_("文件超过 5 MB，计划表不应这么大，请检查是否选错了文件。"),
        )

    def clean_years(self) -> tuple[int, int] | None:
        from jiuye.actionplan.services.plan_import import PlanImportError, parse_years

        text = self.cleaned_data["years"].strip()
        if not text:
            return None
        try:
            return parse_years(text)
        except PlanImportError as exc:
            raise forms.ValidationError(str(exc)) from exc


class DepartmentMappingForm(forms.Form):
    """One select per department name the system doesn't know."""

    def __init__(self, *args: Any, unknown: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jiuye.actionplan.services.plan_import import NEW_DEPARTMENT

        choices = [("", _("请选择")), (NEW_DEPARTMENT, _("新建为一个部门"))] + [
            (d.code, d.name) for d in Department.objects.filter(disabled_at__isnull=True)
        ]
        self.names = unknown
        for index, name in enumerate(unknown):
            self.fields[f"dept_{index}"] = forms.ChoiceField(
                label=_("“%(name)s”对应") % {"name": name}, choices=choices
            )

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"dept_{i}"] for i, name in enumerate(self.names)}


class TaskForm(forms.ModelForm):
    lead = forms.ModelChoiceField(
        label=_("牵头部门"), queryset=Department.objects.filter(disabled_at__isnull=True)
    )
    co = forms.ModelMultipleChoiceField(
        label=_("配合部门"),
        queryset=Department.objects.filter(disabled_at__isnull=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    indicator_code = forms.ChoiceField(label=_("对应指标（选填）"), required=False)

    class Meta:
        model = Task
        fields = [
            "position",
            "title",
            "description",
            "target_value",
            "target_unit",
            "indicator_code",
            "deadline",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator_code"].choices = [("", _("无"))] + registry.choices()
        if self.instance.pk:
            assignments = list(self.instance.assignments.all())
            self.fields["lead"].initial = next(
                (a.department_id for a in assignments if a.is_lead), None
            )
            self.fields["co"].initial = [a.department_id for a in assignments if not a.is_lead]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lead, co = data.get("lead"), data.get("co") or []
        if lead is not None and lead in co:
            self.add_error("co", _("牵头部门不必再选为配合部门。"))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class ReportForm(forms.Form):
    narrative = text_field(
        _("工作进展"),
        max_length=10000,
        required=True,
        rows=6,
        help_text=_("本报告期做了什么、取得了什么成效。"),
    )
    actual_value = forms.DecimalField(
        label=_("完成值（选填）"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    figures = text_field(
        _("主要数据（选填）"),
        max_length=4000,
        rows=3,
        help_text=_("例如：举办招聘会2场，参会企业35家，达成意向48人。"),
    )
    problems = text_field(
        _("存在的问题（选填）"),
        max_length=4000,
        rows=3,
        help_text=_("推进中遇到的困难和不足，会写进年度报告的“存在的问题”。"),
    )
    next_steps = text_field(
        _("下一步打算（选填）"),
        max_length=4000,
        rows=3,
        help_text=_("下一阶段准备怎么做，会写进年度报告的“下一步工作”。"),
    )
    attachments = MultipleFileField(
        label=_("附件（选填）"),
        required=False,
        help_text=_("PDF、Word、Excel 或 JPG/PNG 图片，每个不超过 10 MB，最多 10 个。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, task: Task | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if task is not None and task.target_unit:
            self.fields["actual_value"].label = _("完成值（选填，单位：%(unit)s）") % {
                "unit": task.target_unit
            }

    def clean_attachments(self) -> list[Any]:
        from jiuye.actionplan.services.reports import MAX_ATTACHMENTS, attachment_validate

        uploads = self.cleaned_data["attachments"]
        if len(uploads) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("一次最多上传 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS})
        errors = []
        for upload in uploads:
            try:
                attachment_validate(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return uploads


class ReviewForm(DecisionForm):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("accept", _("通过")), ("return", _("退回修改"))],
        widget=forms.RadioSelect,
    )
    comment = text_field(
        _("审核意见"),
        max_length=2000,
        rows=3,
        help_text=_("退回时必须写明需要修改的地方。"),
    )

    note_field = "comment"
    note_missing = _("退回时请写明需要修改的地方。")


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    # Choices from the cached reference tables: filtering costs the dashboard no query.
    department = ObjectChoiceField(label=_("责任部门"), required=False, empty_label=_("全部"))
    town = ObjectChoiceField(
        label=_("镇街"), required=False, to_field_name="code", empty_label=_("全区")
    )

    def __init__(self, *args: Any, years: list[int], towns: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["department"].objects = [d for d in departments() if d.disabled_at is None]
        self.fields["town"].objects = towns


class TargetForm(forms.Form):
    indicator_code = forms.ChoiceField(label=_("指标"))
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    region = forms.ModelChoiceField(
        label=_("区域"), queryset=Region.objects.none(), to_field_name="code"
    )
    value = forms.DecimalField(
        label=_("目标值"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("留空表示删除这个目标。"),
    )

    def __init__(self, *args: Any, years: list[int], regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator_code"].choices = registry.choices()
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["region"].queryset = regions


class TargetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("目标表（.xlsx）"), help_text=_("列：指标代码、年度、区划代码、目标值。")
    )


class FreezeForm(forms.Form):
    year = forms.TypedChoiceField(label=_("冻结年度"), coerce=int)
    confirm = forms.BooleanField(
        label=_("我确认冻结：冻结后该年的数字不再随数据变化（实时数字仍同时显示）。")
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


REPORT_STATUS_CHOICES = ProgressReport.Status.choices
