"""Field factories for the links and amounts the domain models declare again and again, so each
reads as what it means (who did it, an optional link, the import batch) and is built one way."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import models


def optional_fk(
    to: str | type[models.Model],
    verbose_name: str | None = None,
    *,
    related_name: str = "+",
    on_delete: Callable[..., None] = models.PROTECT,
    field: type[models.ForeignKey] = models.ForeignKey,
    db_index: bool = True,
    db_constraint: bool = True,
) -> models.ForeignKey:
    """A link that may be empty. By default it protects what it points to (records are archived,
    not deleted); ``field=models.OneToOneField`` for a link at most one record may make.
    ``db_index=False`` where a model's own index starts with the link (one index fewer to keep
    on every insert). ``db_constraint=False`` only for a link that is worked out again from the
    record's own columns by the code that sets it (no foreign key in the database: the ORM's
    ``on_delete`` still applies)."""
    return field(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        db_index=db_index,
        db_constraint=db_constraint,
    )


def user_fk(verbose_name: str | None = None) -> models.ForeignKey:
    """The user who did something. The record keeps its history if the account is deleted, and
    a user has no reverse accessor to what they touched."""
    return optional_fk(settings.AUTH_USER_MODEL, verbose_name, on_delete=models.SET_NULL)


def import_batch_fk() -> models.ForeignKey:
    """The import batch that last created or changed the record, so it can be rolled back."""
    return optional_fk("core.ImportBatch", on_delete=models.SET_NULL)


def optional_decimal(verbose_name: str, max_digits: int = 10) -> models.DecimalField:
    """An amount with two decimals that may be unknown (a wage, a subsidy, a target value)."""
    return models.DecimalField(
        verbose_name, max_digits=max_digits, decimal_places=2, null=True, blank=True
    )
