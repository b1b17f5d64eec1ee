"""Logging filter that keeps identifiers out of log files (QUALITY.md: logs never hold IDs)."""

from __future__ import annotations

import logging
import re

# 18-character resident IDs (and 20–22 character certificate numbers that start with one),
# and 11-digit mobile numbers. Only a digit next to one makes it part of something else: a
# letter may stand right before it (``q%3D44…`` in a URL, ``id=44…``).
_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(\d{2,4})?(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def scrub(text: str) -> str:
    text = _ID.sub(lambda m: f"{m.group(1)[:3]}***********{m.group(2)}", text)
    return _PHONE.sub(r"\1****\2", text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
