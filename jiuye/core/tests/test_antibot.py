"""The public forms' check for scripts: a honeypot and a signed fill-time stamp."""

from __future__ import annotations

import time

from django import forms
from django.core import signing

from jiuye.core.antibot import HumanCheckForm, started_at, started_stamp


class _Form(HumanCheckForm):
    min_seconds = 0
    name = forms.CharField(required=False)


class _SlowForm(_Form):
    min_seconds = 3600


def test_a_person_filling_the_form_passes() -> None:
    assert _Form({"name": "x", "started": started_stamp()}).is_valid()


def test_a_filled_honeypot_is_refused_in_words() -> None:
    form = _Form({"website": "http://spam", "started": started_stamp()})
    assert not form.is_valid()
    assert "应当留空" in form.non_field_errors()[0]


def test_a_missing_or_forged_stamp_asks_again_and_stamps_anew() -> None:
    forged = signing.dumps({"t": time.time() - 7200}, salt="someone-else")
    form = _Form({"started": forged})
    assert not form.is_valid()
    assert "页面已过期" in form.non_field_errors()[0]
    assert started_at(form.data["started"]) is not None


def test_a_form_sent_sooner_than_a_person_could_is_refused() -> None:
    form = _SlowForm({"started": started_stamp()})
    assert not form.is_valid()
    assert "提交得太快了" in form.non_field_errors()[0]


def test_the_trap_is_not_among_the_visible_fields() -> None:
    names = [field.name for field in _Form().visible()]
    assert names == ["name"]
    assert _Form().fields["website"].widget.attrs["tabindex"] == "-1"
