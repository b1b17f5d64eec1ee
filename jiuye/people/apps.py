from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jiuye.people"
    label = "people"
    verbose_name = _("残疾人")

    def ready(self) -> None:
        from jiuye.core.audit import register
        from jiuye.people.models import (
            ChangeRequest,
            Consent,
            DuplicatePair,
            Person,
            PersonMerge,
            RegistrationApplication,
            TransferRequest,
        )

        register(Person)
        # Consent given and withdrawn (PIPL): who recorded it and when is in the audit trail.
        register(Consent)
        # Who asked to move whom where, and who decided (the values stay encrypted, out of it).
        register(TransferRequest, exclude=["values"])
        # Who dismissed a pair of likely duplicates, who merged and who undid (the snapshot
        # of the records before a merge stays encrypted, out of the trail).
        register(DuplicatePair)
        register(PersonMerge, exclude=["snapshot"])
        # Who signed up, and who linked, registered or refused (numbers and phone stay out).
        register(RegistrationApplication, exclude=["id_number_index"])
        # Who asked to change what and who decided (the values stay encrypted, out of it).
        register(ChangeRequest, exclude=["values", "before"])
