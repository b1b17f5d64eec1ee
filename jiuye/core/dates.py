"""Plausibility of dates: the checks every form and import ``validate`` hook makes of a date,
in one place.

A check returns ``Finding`` s of two kinds:

* an **error** — impossible: a birth in the future or more than ``MAX_AGE`` years ago (the
  ID number's check, core.validators), a past event dated after today, an end before its
  start, work before the person's 16th birthday;
* a **doubt** — possible but unusual, most often a slip of the keyboard: a follow-up before
  its window, a visit more than a year ago, a fair or a course more than two years ahead, a
  course longer than a year. A form shows it on the field and accepts the value once the user
  ticks the confirmation it then offers (``apply_findings``, the mechanism the follow-up
  form's ``confirm_early`` started). An import has no confirmation step yet: its hooks report
  the errors and let doubts pass.

Messages name the field by its label and the date as written (2025-03-01).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_AGE = 120
MIN_WORKING_AGE = 16
# A record of something that happened more than this long ago asks for a confirmation.
LONG_AGO_DAYS = 366
# An event planned further ahead than this asks for a confirmation.
FAR_AHEAD_DAYS = 2 * 366

CONFIRM_FIELD = "confirm_dates"
CONFIRM_LABEL = gettext_lazy("我已核对上面标出的日期，确实如此")


@dataclass(frozen=True)
class Finding:
    field: str
    message: str
    doubt: bool = False


def day_text(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for 29 February in a year without it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def errors(findings: Iterable[Finding]) -> dict[str, list[str]]:
    """The errors only, as ``{field: [messages]}`` (what an import hook returns)."""
    out: dict[str, list[str]] = {}
    for finding in findings:
        if not finding.doubt:
            out.setdefault(finding.field, []).append(finding.message)
    return out


# --- the checks -------------------------------------------------------------------------------


def past(
    day: dt.date | None, *, field: str, label: Any, today: dt.date, long_ago: bool = False
) -> list[Finding]:
    """A day something happened: not after today; with ``long_ago``, a day more than a year
    back is a doubt (a mistyped year)."""
    if day is None:
        return []
    if day > today:
        return [
            Finding(
                field,
                _("%(label)s不能晚于今天（%(today)s）。")
                % {"label": label, "today": day_text(today)},
            )
        ]
    if long_ago and (today - day).days > LONG_AGO_DAYS:
        return [
            Finding(
                field,
                _("%(label)s %(day)s 已是一年多以前，请核对年份。") % _values(label, day),
                doubt=True,
            )
        ]
    return []


def after_today(day: dt.date | None, *, label: Any, today: dt.date | None = None) -> list[str]:
    """The messages of ``past`` for a day after today (none otherwise), for a service's rule
    that returns ``{field: [messages]}``: the one "不能晚于今天" every form and service says."""
    today = today or timezone.localdate()
    return [f.message for f in past(day, field="", label=label, today=today) if not f.doubt]


def ahead(day: dt.date | None, *, field: str, label: Any, today: dt.date) -> list[Finding]:
    """A day planned ahead (a fair, a next contact): more than two years ahead is a doubt."""
    if day is not None and (day - today).days > FAR_AHEAD_DAYS:
        return [
            Finding(
                field,
                _("%(label)s %(day)s 在两年以后，请核对年份。") % _values(label, day),
                doubt=True,
            )
        ]
    return []


def in_order(
    start: dt.date | None, end: dt.date | None, *, field: str, message: Any = None
) -> list[Finding]:
    """An end not before its start (the same day is fine)."""
    if start is not None and end is not None and end < start:
        return [Finding(field, str(message or _("结束日期不能早于开始日期。")))]
    return []


def long_span(
    start: dt.date | None, end: dt.date | None, *, field: str, label: Any
) -> list[Finding]:
    """A period (a course, a campaign) longer than a year is a doubt (a mistyped year)."""
    if start is not None and end is not None and (end - start).days > LONG_AGO_DAYS:
        return [
            Finding(
                field,
                _("%(label)s从 %(start)s 到 %(end)s，超过一年，请核对年份。")
                % {"label": label, "start": day_text(start), "end": day_text(end)},
                doubt=True,
            )
        ]
    return []


def in_life(
    day: dt.date | None, *, birth: dt.date | None, field: str, label: Any, working: bool = False
) -> list[Finding]:
    """A day of a person's life: not before their birth; with ``working``, not before their
    16th birthday (the minimum working age)."""
    if day is None or birth is None:
        return []
    if day < birth:
        return [
            Finding(
                field,
                _("%(label)s早于本人出生日期（%(birth)s），请核对。")
                % {"label": label, "birth": day_text(birth)},
            )
        ]
    sixteen = years_after(birth, MIN_WORKING_AGE)
    if working and day < sixteen:
        return [
            Finding(
                field,
                _("%(label)s早于本人年满16周岁的日期（%(day)s），请核对。")
                % {"label": label, "day": day_text(sixteen)},
            )
        ]
    return []


def _values(label: Any, day: dt.date) -> dict[str, Any]:
    return {"label": label, "day": day_text(day)}


# --- forms -----------------------------------------------------------------------------------


class EventDates:
    """A form mixin for the day of an event that may be past or planned (a fair, a
    competition): after the form's own checks, one more than two years ahead (``ahead``) asks
    for the confirmation. A past event is recorded after the fact, however long ago."""

    event_date_fields: tuple[str, ...] = ("date",)

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        today = timezone.localdate()
        findings = []
        for name in self.event_date_fields:
            label = self.fields[name].label  # type: ignore[attr-defined]
            findings += ahead(data.get(name), field=name, label=label, today=today)
        apply_findings(self, findings)  # type: ignore[arg-type]
        return data


def offer_confirmation(form: forms.BaseForm, name: str = CONFIRM_FIELD, label: Any = None) -> None:
    """Add the confirmation checkbox to ``form`` (once): the user ticks it to keep a value
    the form doubts."""
    if name not in form.fields:
        form.fields[name] = forms.BooleanField(label=label or CONFIRM_LABEL, required=False)


def confirmed(form: forms.BaseForm, name: str = CONFIRM_FIELD) -> bool:
    """Whether the user ticked the confirmation (read from the submitted data, so it counts
    even when the form added the checkbox only on this submission)."""
    if not form.is_bound:
        return False
    field = form.fields.get(name) or forms.BooleanField(required=False)
    value = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
    return bool(field.to_python(value))


def apply_findings(
    form: forms.BaseForm, findings: Iterable[Finding], *, name: str = CONFIRM_FIELD
) -> None:
    """Put each error on its field; put each doubt there too unless the user ticked the
    confirmation, which the form offers as long as it has a doubt. A field the form does not
    have gets the message at the top."""
    findings = list(findings)
    doubts = [f for f in findings if f.doubt]
    if doubts:
        offer_confirmation(form, name)
    ok = confirmed(form, name)
    for finding in findings:
        field = finding.field if finding.field in form.fields else None
        if (finding.doubt and ok) or (field is not None and form.has_error(field)):
            continue  # confirmed, or the field already says what is wrong with it
        message = finding.message
        if finding.doubt:
            message = _("%(message)s如果确实如此，请勾选下面的确认后再保存。") % {
                "message": message
            }
        form.add_error(field, message)
