"""Forms shared by every app (the archive reason, the bases of list filters and of the forms that
create or change one record) and the forms of the audit and import pages."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import RadioGroup, text_field
from jiuye.core.models import AccessEvent
from jiuye.core.roles import Role


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
        check_order(self, data, "start", "end", _("结束日期不能早于开始日期。"))
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
        return checked_upload(
            self.cleaned_data["file"],
            max_bytes=200 * 1024 * 1024,
            too_large=_("文件超过 200 MB，请拆分后分批导入。"),
        )


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

    reason = text_field(
        _("归档原因"),
        max_length=500,
        required=_("请填写归档原因。"),
        error_messages={"max_length": _("归档原因最多500个字。")},
        rows=3,
    )

    def __init__(self, *args: Any, help_text: Any = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = help_text


def without_version(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """A form's values for a service, which takes the version apart (``core.conflicts``)."""
    data = dict(cleaned_data)
    data.pop("version", None)
    return data


def check_order(
    form: forms.Form, data: dict[str, Any], first: str, last: str, message: Any
) -> None:
    """Puts ``message`` on ``last`` when both values are given and ``last`` comes before
    ``first`` (an end date before its start, a closing day before the opening one)."""
    low, high = data.get(first), data.get(last)
    if low is not None and high is not None and high < low:
        form.add_error(last, message)


def initial_defaults(kwargs: dict[str, Any], **values: Any) -> dict[str, Any]:
    """A form's ``kwargs`` whose initial data starts from ``values`` (what the caller gives
    in ``initial`` comes first)."""
    initial = kwargs.setdefault("initial", {})
    for name, value in values.items():
        initial.setdefault(name, value)
    return kwargs


class SectionsMixin(forms.Form):
    """A long form shown in titled sections: ``SECTIONS`` pairs each title with its field
    names; a field the form left out is skipped."""

    SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.SECTIONS
        ]


class DecisionForm(forms.Form):
    """A reviewer's ``decision``: sending the record back ("return") needs a note in
    ``note_field`` that tells what to change (``note_missing`` asks for it)."""

    note_field = "note"
    note_missing: Any = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        note = (data.get(self.note_field) or "").strip()
        if data.get("decision") == "return" and not note:
            self.add_error(self.note_field, self.note_missing)
        return data


def checked_upload(upload: Any, *, max_bytes: int, too_large: Any) -> Any:
    """An uploaded file that is neither empty nor larger than ``max_bytes``."""
    if upload.size == 0:
        raise forms.ValidationError(_("文件是空的。"))
    if upload.size > max_bytes:
        raise forms.ValidationError(too_large)
    return upload


class FilterForm(forms.Form):
    """The filters of a list page (GET). A bad value is named beside its field and in the error
    summary, and that filter is left out: the page still lists."""

    def valid_data(self) -> dict[str, Any]:
        """The values that passed their checks (none for an unbound form)."""
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def text_filters(self, *names: str) -> dict[str, str]:
        """The valid values of these text and choice filters, stripped ("" when not given)."""
        data = self.valid_data()
        return {name: (data.get(name) or "").strip() for name in names}

    def filters(self) -> dict[str, Any]:
        """The valid filters that were given, by name."""
        if not self.is_bound:
            return {}
        return {k: v for k, v in self.valid_data().items() if v not in (None, "")}


class EditForm(forms.Form):
    """A form that creates a record (``record`` None) or changes one: then the record's values
    are the initial ones, and the hidden ``version`` it was opened at makes a later save by
    someone else a conflict (``core.conflicts``). ``service_fields`` is ``cleaned_data``
    without the version, shaped by the class attributes below."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # Fields that hold a related record: their initial value is its key (``<name>_id``).
    related_fields: tuple[str, ...] = ()
    # Text the service gets stripped, and choices it gets as a plain list.
    stripped_fields: tuple[str, ...] = ()
    list_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, record: Any = None, **kwargs: Any) -> None:
        self.record = record
        if record is not None:
            kwargs.setdefault("initial", self.initial_for(record))
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            if record is None:
                del self.fields["version"]
            else:  # hidden, after the fields the user fills in
                self.fields["version"] = self.fields.pop("version")

    def initial_for(self, record: Any) -> dict[str, Any]:
        return {
            name: getattr(record, f"{name}_id" if name in self.related_fields else name)
            for name in self.base_fields
        }

    def offer(self, name: str, queryset: Any, user: Any) -> None:
        """Offer in the select ``name`` only ``queryset`` (what ``user`` may choose); a town
        officer's form starts at their town."""
        self.fields[name].queryset = queryset
        if user.role == Role.TOWN:
            self.fields[name].initial = user.town_id

    def service_fields(self) -> dict[str, Any]:
        data = without_version(self.cleaned_data)
        for name in self.stripped_fields:
            data[name] = data[name].strip()
        for name in self.list_fields:
            data[name] = list(data.get(name) or [])
        return data


def add_service_errors(form: forms.Form, error: Any) -> None:
    """A service's ValidationError on a form: each message beside the field it names when the
    form has that field, the rest at the top (the error summary lists them all)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# Not a character a sheet name may hold, so it cannot name one.
ALL_SHEETS = "*"


class ImportSheetsForm(forms.Form):
    """What to read of a checked workbook: which of the sheets whose header fits (all visible
    ones by default; a hidden one only when chosen), and whether to skip hidden rows."""

    sheet = forms.ChoiceField(
        label=_("读取哪些工作表"),
        widget=RadioGroup,
        required=False,
        help_text=_(
            "这些工作表的表头符合导入模板。选择后会按所选重新检查；确认导入时读取同样的工作表。"
        ),
    )
    skip_hidden_rows = forms.BooleanField(
        label=_("跳过 Excel 中隐藏的行（不检查，也不导入）"), required=False
    )

    def __init__(self, *args: Any, batch: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        report = batch.sheet_report or {}
        self.fitting = [s["name"] for s in report.get("sheets", ()) if s["fits"]]
        hidden = {s["name"] for s in report.get("sheets", ()) if s["fits"] and s["hidden"]}
        visible = [name for name in self.fitting if name not in hidden]
        choices: list[tuple[str, Any]] = []
        if len(visible) > 1:
            choices.append(
                (
                    "",
                    _("全部 %(n)d 个工作表：%(names)s（默认）")
                    % {"n": len(visible), "names": "、".join(visible)},
                )
            )
        elif visible:
            choices.append(("", _("工作表“%(s)s”（默认）") % {"s": visible[0]}))
        if visible and hidden:
            choices.append(
                (ALL_SHEETS, _("全部 %(n)d 个，包括隐藏的工作表") % {"n": len(self.fitting)})
            )
        for name in self.fitting:
            if name in hidden:
                choices.append((name, _("只读取“%(s)s”（隐藏的工作表）") % {"s": name}))
            elif len(visible) > 1:
                choices.append((name, _("只读取“%(s)s”") % {"s": name}))
        # A hidden sheet alone is still a choice: it is read only when chosen.
        if len(choices) > 1 or (choices and not visible):
            self.fields["sheet"].choices = choices
            self.fields["sheet"].required = not visible
            self.initial["sheet"] = self._chosen(batch.sheets)
        else:
            del self.fields["sheet"]
        if report.get("hidden_rows") or batch.skip_hidden_rows:
            self.initial["skip_hidden_rows"] = batch.skip_hidden_rows
        else:
            del self.fields["skip_hidden_rows"]

    def _chosen(self, sheets: list[str]) -> str:
        if not sheets:
            return ""
        if len(sheets) == 1:
            return sheets[0]
        return ALL_SHEETS if set(sheets) == set(self.fitting) else ""

    def sheets(self) -> list[str]:
        """The sheets to read ([]: every visible one that fits)."""
        value = self.cleaned_data.get("sheet") or ""
        if value == ALL_SHEETS:
            return list(self.fitting)
        return [value] if value else []
