"""Telling a script from a person on a public form without an image CAPTCHA (which blind users
cannot pass): a field hidden from people and screen readers that must stay empty (the honeypot),
and a signed stamp of when the form was opened (a person needs longer than a script to fill it;
signed, so a script cannot make it older). Both say what to do in words a person understands,
in case a person trips them. Forms either call ``script_problem`` from their ``clean`` or
inherit ``HumanCheckForm``."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

HONEYPOT = "website"
STARTED = "started"
_SALT = "jiuye.core.antibot.started"
# A form opened longer ago than this is sent again with a fresh stamp.
_MAX_AGE = 24 * 3600


def started_stamp() -> str:
    """When the form was opened, signed so a script cannot make it older."""
    return signing.dumps({"t": time.time()}, salt=_SALT)


def started_at(value: str) -> float | None:
    try:
        return float(signing.loads(value or "", salt=_SALT, max_age=_MAX_AGE)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def script_problem(form: Any, cleaned: dict[str, Any], *, min_seconds: int) -> Any:
    """What looks like a script rather than a person, said to the person all the same (None
    when nothing does). A missing or expired stamp is renewed on ``form`` so the next submit
    goes through; a too-early submit keeps its stamp, so the next one a moment later passes."""
    if cleaned.get(HONEYPOT):
        return _("“请不要填写这一项”一栏应当留空，请清空后再提交。")
    started = started_at(form.data.get(STARTED, ""))
    if started is None:
        form.data = form.data.copy()
        form.data[STARTED] = started_stamp()
        return _("页面已过期，请核对内容后再提交一次。")
    if time.time() - started < min_seconds:
        return _("提交得太快了。为防止自动程序乱发，请核对内容后再点一次“提交”。")
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
            self.initial[STARTED] = started_stamp()

    def visible(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in (HONEYPOT, STARTED)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (problem := script_problem(self, data, min_seconds=self.min_seconds)) is not None:
            self.add_error(None, problem)
        return data
