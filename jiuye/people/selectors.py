"""Reads of the registry of persons."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from jiuye.people.models import Person, Sex
from jiuye.people.services import id_number_index
from jiuye.reference.models import Region
from jiuye.reference.selectors import working_age_rule


def person_by_id_number(*, queryset: QuerySet[Person], id_number: str) -> Person | None:
    """Exact lookup through the blind index (the ciphertext itself can't be searched)."""
    return queryset.filter(id_number_index=id_number_index(id_number)).first()


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def working_age_q(on: dt.date) -> Q:
    """Persons of working age on a date: at least min_age, and not past the upper bound for
    their sex (someone of max_age is still in; on their next birthday they are out)."""
    rule = working_age_rule(on)
    if rule is None:
        return Q(pk__in=[])
    youngest_birth = _years_before(on, rule.min_age)
    q = Q()
    for sex, max_age in ((Sex.MALE, rule.male_max_age), (Sex.FEMALE, rule.female_max_age)):
        oldest_birth_exclusive = _years_before(on, max_age + 1)
        q |= Q(sex=sex, birth_date__lte=youngest_birth, birth_date__gt=oldest_birth_exclusive)
    return q


def registered_persons(*, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """Persons on the register: not archived."""
    qs = Person.objects.all() if queryset is None else queryset
    return qs.filter(archived_at__isnull=True)


def persons_in_region(
    *, region: Region, queryset: QuerySet[Person] | None = None
) -> QuerySet[Person]:
    return registered_persons(queryset=queryset).filter(region__code__startswith=region.prefix)


def working_age_persons(
    *, region: Region, on: dt.date, queryset: QuerySet[Person] | None = None
) -> QuerySet[Person]:
    return persons_in_region(region=region, queryset=queryset).filter(working_age_q(on))


def persons_for_list(
    *, queryset: QuerySet[Person], region: Region | None, working_age_on: dt.date | None
) -> QuerySet[Person]:
    qs = registered_persons(queryset=queryset).select_related("region")
    if region is not None:
        qs = qs.filter(region__code__startswith=region.prefix)
    if working_age_on is not None:
        qs = qs.filter(working_age_q(working_age_on))
    return qs.order_by("region_id", "name")
