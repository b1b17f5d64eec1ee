"""The shared date checks (jiuye.core.dates): what is an error, what is a doubt to confirm,
and how a form asks for the confirmation."""

from __future__ import annotations

import datetime as dt

from django import forms

from jiuye.core import dates

TODAY = dt.date(2026, 12, 5)


def test_a_past_event_after_today_is_an_error_and_one_long_ago_a_doubt() -> None:
    assert dates.past(TODAY, field="d", label="服务日期", today=TODAY) == []
    [late] = dates.past(TODAY + dt.timedelta(days=1), field="d", label="服务日期", today=TODAY)
    assert not late.doubt and late.message == "服务日期不能晚于今天（2026-12-05）。"
    assert dates.past(dt.date(2024, 1, 1), field="d", label="服务日期", today=TODAY) == []
    [old] = dates.past(
        dt.date(2025, 12, 3), field="d", label="服务日期", today=TODAY, long_ago=True
    )
    assert old.doubt and old.message == "服务日期 2025-12-03 已是一年多以前，请核对年份。"
    assert dates.past(dt.date(2025, 12, 5), field="d", label="x", today=TODAY, long_ago=True) == []


def test_after_today_gives_the_messages_of_past_for_a_service_rule() -> None:
    later = dates.after_today(TODAY + dt.timedelta(days=1), label="认定日期", today=TODAY)
    assert later == ["认定日期不能晚于今天（2026-12-05）。"]
    assert dates.after_today(TODAY, label="认定日期", today=TODAY) == []
    assert dates.after_today(None, label="认定日期", today=TODAY) == []
    assert dates.after_today(dt.date(2020, 1, 1), label="认定日期", today=TODAY) == []


def test_a_day_planned_more_than_two_years_ahead_is_a_doubt_and_never_an_error() -> None:
    assert dates.ahead(dt.date(2028, 12, 1), field="date", label="举办日期", today=TODAY) == []
    [far] = dates.ahead(dt.date(2029, 1, 1), field="date", label="举办日期", today=TODAY)
    assert far.doubt and far.message == "举办日期 2029-01-01 在两年以后，请核对年份。"
    assert dates.ahead(dt.date(2016, 12, 1), field="date", label="举办日期", today=TODAY) == []


def test_an_end_before_its_start_is_an_error_the_same_day_is_not() -> None:
    day = dt.date(2025, 3, 1)
    assert dates.in_order(day, day, field="end") == []
    [error] = dates.in_order(day, day - dt.timedelta(days=1), field="end")
    assert not error.doubt and error.message == "结束日期不能早于开始日期。"
    assert dates.in_order(None, day, field="end") == []


def test_work_before_the_sixteenth_birthday_or_anything_before_birth_is_an_error() -> None:
    birth = dt.date(2008, 2, 29)
    [before] = dates.in_life(dt.date(2008, 2, 1), birth=birth, field="d", label="开始日期")
    assert before.message == "开始日期早于本人出生日期（2008-02-29），请核对。"
    [young] = dates.in_life(
        dt.date(2024, 2, 28), birth=birth, field="d", label="开始日期", working=True
    )
    assert young.message == "开始日期早于本人年满16周岁的日期（2024-02-29），请核对。"
    assert (
        dates.in_life(dt.date(2024, 2, 29), birth=birth, field="d", label="x", working=True) == []
    )


def test_a_period_longer_than_a_year_is_a_doubt() -> None:
    start = dt.date(2025, 3, 1)
    assert dates.long_span(start, dt.date(2026, 3, 1), field="end", label="培训期") == []
    [doubt] = dates.long_span(start, dt.date(2027, 3, 1), field="end", label="培训期")
    assert doubt.doubt and "超过一年" in doubt.message


def test_errors_drops_the_doubts() -> None:
    findings = [dates.Finding("a", "错"), dates.Finding("a", "疑", doubt=True)]
    assert dates.errors(findings) == {"a": ["错"]}


class _Form(forms.Form):
    day = forms.DateField()

    def clean(self):  # noqa: ANN202
        data = super().clean()
        dates.apply_findings(
            self, dates.ahead(data.get("day"), field="day", label="举办日期", today=TODAY)
        )
        return data


def test_a_form_asks_to_confirm_a_doubt_and_then_accepts_it() -> None:
    form = _Form({"day": "2030-01-01"})
    assert not form.is_valid()
    assert form.errors["day"] == [
        "举办日期 2030-01-01 在两年以后，请核对年份。如果确实如此，请勾选下面的确认后再保存。"
    ]
    assert dates.CONFIRM_FIELD in form.fields  # the checkbox is offered with the message
    again = _Form({"day": "2030-01-01", dates.CONFIRM_FIELD: "on"})
    assert again.is_valid(), again.errors
    plain = _Form({"day": "2026-06-01"})
    assert plain.is_valid() and dates.CONFIRM_FIELD not in plain.fields


def test_a_confirmation_does_not_pass_an_error() -> None:
    class Ordered(forms.Form):
        start = forms.DateField()
        end = forms.DateField()

        def clean(self):  # noqa: ANN202
            data = super().clean()
            dates.apply_findings(self, dates.in_order(data["start"], data["end"], field="end"))
            return data

    form = Ordered({"start": "2025-03-02", "end": "2025-03-01", dates.CONFIRM_FIELD: "on"})
    assert not form.is_valid()
    assert form.errors["end"] == ["结束日期不能早于开始日期。"]
