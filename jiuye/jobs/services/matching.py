"""Writes of the matching rules: the factor weights (data edited by district staff, audited by
django-auditlog's registration of ``jobs.MatchWeight``)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuye.jobs.models import MatchWeight
from jiuye.jobs.selectors.matching import FACTOR_LABELS, FACTORS

WEIGHT_MAX = 100


def check_weights(values: dict[str, Any]) -> dict[str, int]:
    """Every factor a whole number from 0 to 100, and not all zero (a score needs something
    to rest on). Returns the weights as ints, keyed in factor order."""
    errors: dict[str, list[str]] = {}
    out: dict[str, int] = {}
    for factor in FACTORS:
        label = FACTOR_LABELS[factor]
        raw = values.get(factor)
        text = str(raw).strip() if isinstance(raw, (int, str)) and raw is not True else ""
        if raw is False or not re.fullmatch(r"-?\d{1,6}", text):
            errors[factor] = [_("%(label)s的权重请填写 0 到 100 的整数。") % {"label": label}]
            continue
        value = int(text)
        if not 0 <= value <= WEIGHT_MAX:
            errors[factor] = [_("%(label)s的权重须在 0 到 100 之间。") % {"label": label}]
            continue
        out[factor] = value
    unknown = set(values) - set(FACTORS)
    if unknown:
        errors.setdefault("__all__", []).append(_("无法识别的匹配因素，请刷新页面后重试。"))
    if not errors and not any(out.values()):
        errors["__all__"] = [_("权重不能全部为 0，请至少给一个因素设置权重。")]
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def weights_save(*, values: dict[str, Any], by: Any) -> dict[str, int]:
    """Save the weight of every factor; only changed rows are written (each change is one
    audited row save). The total need not be 100: the page shows it, scores are out of it."""
    weights = check_weights(values)
    current = {w.factor: w for w in MatchWeight.objects.select_for_update()}
    for position, factor in enumerate(FACTORS, start=1):
        row = current.get(factor)
        if row is None:
            row = MatchWeight(factor=factor, weight=weights[factor], position=position)
            row.full_clean()
            row.save()
        elif row.weight != weights[factor]:
            row.weight = weights[factor]
            row.full_clean()
            row.save(update_fields=["weight"])
    return weights
