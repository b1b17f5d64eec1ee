"""The education bureau's lines on the person page's timeline: listed by the bureau (school,
major, expected graduation), and set aside when the district rejected the line."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.core.timeline import Entry, EntryKind, provider, stamp
from jiuye.programs.models.graduates import GraduateRecord

GRADUATE = EntryKind("graduate", gettext_lazy("学业"))


def _reads(person: Any) -> dict[str, Any]:
    return {"lines": GraduateRecord.objects.filter(person=person)}


@provider(concerns=((GraduateRecord, "person"),), reads=_reads)
def graduate_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    # The person page is already scoped, so the person's lines are in the user's scope.
    linked = getattr(user, "role", None) in PERSONAL_DATA_ROLES
    url = reverse("programs:graduate-file", args=[person.pk]) if linked else ""
    entries = []
    for line in rows["lines"]:
        title = _("教育部门名单：%(school)s %(major)s（%(entry)d年入学，预计%(year)d年毕业）") % {
            "school": line.school,
            "major": line.major,
            "entry": line.entry_year,
            "year": line.graduation_year,
        }
        entries.append(
            GRADUATE.entry(
                line.created_at.date(),
                title,
                detail=line.get_degree_level_display(),
                url=url,
                archived=line.is_archived,
                sort_key=stamp(line.created_at),
            )
        )
    return entries
