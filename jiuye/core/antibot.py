"""Telling a script from a person on a public form without an image CAPTCHA: a field hidden
from people and screen readers that must stay empty (the honeypot), and the time since the form
was opened (a signed stamp, so a script cannot make it older). Both say what to do in words a
person understands, in case a person trips them."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

HONEYPOT = "website"
_SALT = "jiuye.core.antibot.started"
# A form opened longer ago than this is sent again with a fresh stamp.
_MAX_AGE = 24 * 3600


def started_stamp() -> str:
    return signing.dumps({"t": time.time()}, salt=_SALT)


def started_at(value: str) -> float | None:
    try:
        return float(signing.loads(value or "", salt=_SALT, max_age=_MAX_AGE)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class HumanCheckForm(forms.Form):
    """A form with the two checks; ``min_seconds`` is the least time a person takes to fill it.
    Templates render ``visible()`` and then the trap (see includes/antibot.html)."""

    min_seconds = 3

    website = forms.CharField(label=_("请不要填写这一项"), required=False, max_length=200)
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = started_stamp()

    def visible(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in (HONEYPOT, "started")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (problem := self.script_check(data)) is not None:
            self.add_error(None, problem)
        return data

    def script_check(self, data: dict[str, Any]) -> Any:
        if data.get(HONEYPOT):
            return _("“请不要填写这一项”一栏应当留空，请清空后再提交。")
        started = started_at(self.data.get("started", ""))
        if started is None:
            # Stamped again, so the next submit goes through.
            self.data = self.data.copy()
            self.data["started"] = started_stamp()
            return _("页面已过期，请核对内容后再提交一次。")
        if time.time() - started < self.min_seconds:
            # The stamp stays: the next submit, a moment later, goes through.
            return _("提交得太快了。为防止自动程序乱发，请核对内容后再点一次“提交”。")
        return None
