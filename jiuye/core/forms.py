"""Forms shared by every app (the archive reason) and the forms of the audit and import pages."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from jiuye.core.models import AccessEvent


def _model_choices() -> list[tuple[str, str]]:
    models = sorted(auditlog.get_models(), key=lambda m: m._meta.label)
    return [("", _("全部"))] + [
        (f"{m._meta.app_label}.{m._meta.model_name}", str(m._meta.verbose_name)) for m in models
    ]


class DateRangeForm(forms.Form):
    start = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


class ChangeFilterForm(DateRangeForm):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    model = forms.ChoiceField(label=_("对象类型"), required=False)
    text = forms.CharField(label=_("对象名称或编号"), required=False, max_length=200)
    batch = forms.CharField(label=_("导入批次"), required=False, max_length=64)

    field_order = ["actor", "model", "text", "batch", "start", "end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = _model_choices()


class AccessFilterForm(DateRangeForm):
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AccessEvent.Action.choices]
    )

    field_order = ["username", "action", "start", "end"]


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入什么"))
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_(
            "Excel（.xlsx、.xls）或 CSV（UTF-8 或 GBK 编码）。第一行为表头，列名见导入模板。"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jiuye.core.importing import kinds

        self.fields["kind"].choices = [(k.name, k.label) for k in kinds(importable_only=True)]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        if upload.size > 200 * 1024 * 1024:
            raise forms.ValidationError(_("文件超过 200 MB，请拆分后分批导入。"))
        return upload


class ImportConfirmForm(forms.Form):
    valid_only = forms.BooleanField(label=_("只导入正确的行，跳过有错误的行"), required=False)
    confirm_valid_only = forms.BooleanField(
        label=_("我确认：有错误的行不会导入，需要另行处理"), required=False
    )

    def __init__(self, *args: Any, invalid_rows: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_rows = invalid_rows
        if not invalid_rows:
            del self.fields["valid_only"]
            del self.fields["confirm_valid_only"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.invalid_rows:
            if not data.get("valid_only"):
                self.add_error(
                    "valid_only",
                    _("文件有%(n)d行错误。请修改后重新上传；或勾选“只导入正确的行”。")
                    % {"n": self.invalid_rows},
                )
            elif not data.get("confirm_valid_only"):
                self.add_error("confirm_valid_only", _("请再次确认：有错误的行不会导入。"))
        return data


class ArchiveForm(forms.Form):
    """Why a record is archived: the one field of every archive form. The page names what
    archiving means for its record in ``help_text``; pages that hold another form too pass
    ``prefix="archive"``."""

    reason = forms.CharField(
        label=_("归档原因"),
        max_length=500,
        error_messages={
            "required": _("请填写归档原因。"),
            "max_length": _("归档原因最多500个字。"),
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, help_text: Any = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = help_text


def add_service_errors(form: forms.Form, error: Any) -> None:
    """A service's ValidationError on a form: each message beside the field it names when the
    form has that field, the rest at the top (the error summary lists them all)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def lazy_message(template: Any, **params: Any) -> Any:
    """A translatable message with parameters, translated when it is shown, not when the form
    class is defined (``_("…") % {…}`` at import time freezes the language of that moment)."""
    return lazy(lambda: str(template) % {k: str(v) for k, v in params.items()}, str)()
