"""Writes of the proportional-employment policy parameters (reference.QuotaPolicy) from the
policy pages: a new dated row, or a correction of a row. Nothing is deleted; every change is in
the audit trail (QuotaPolicy is registered in ``EmployersConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuye.reference.models import QuotaPolicy

POLICY_FIELDS = (
    "region",
    "valid_from",
    "valid_until",
    "date_basis",
    "ratio",
    "counting_basis",
    "double_count_grades",
    "minimum_wage",
    "social_average_wage",
    "wage_cap_multiple",
    "reduction_tiers",
    "small_enterprise_max_staff",
    "window_opens",
    "window_closes",
    "document",
    "source",
)


def _duplicate_check(policy: QuotaPolicy) -> None:
    clash = QuotaPolicy.objects.filter(region=policy.region, valid_from=policy.valid_from)
    if policy.pk:
        clash = clash.exclude(pk=policy.pk)
    if clash.exists():
        raise ValidationError(
            {
                "valid_from": [
                    _("%(region)s 已有 %(date)s 生效的一行参数。请修改那一行，或换一个生效日期。")
                    % {"region": policy.region.name, "date": f"{policy.valid_from:%Y-%m-%d}"}
                ]
            }
        )


@transaction.atomic
def quota_policy_create(*, by: Any = None, **fields: Any) -> QuotaPolicy:
    policy = QuotaPolicy(**{name: fields[name] for name in POLICY_FIELDS if name in fields})
    _duplicate_check(policy)
    policy.full_clean(validate_unique=False)
    policy.save()
    return policy


@transaction.atomic
def quota_policy_update(*, policy: QuotaPolicy, by: Any = None, **fields: Any) -> QuotaPolicy:
    """Correct a row in place (a typo, a late-published wage figure)."""
    current = QuotaPolicy.objects.select_for_update().get(pk=policy.pk)
    changed = [
        name for name in POLICY_FIELDS if name in fields and getattr(current, name) != fields[name]
    ]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, fields[name])
    _duplicate_check(current)
    current.full_clean(validate_unique=False)
    current.save(update_fields=changed)
    return current
