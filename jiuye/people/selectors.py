"""Reads of the registry of persons."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import DateField, F, Func, Model, Q, QuerySet
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import namesearch
from jiuye.core.dates import years_after
from jiuye.core.labels import field_label, value_label
from jiuye.core.masking import mask_certificate_number, mask_id_number, mask_phone
from jiuye.core.periods import reference_date
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE, region_lookup, scope_for
from jiuye.core.validators import validate_resident_id
from jiuye.people.models import (
    ApplicationStatus,
    ChangeRequest,
    ChangeStatus,
    DuplicatePair,
    DuplicateStatus,
    Person,
    PersonMerge,
    RegistrationApplication,
    Sex,
    TransferRequest,
    TransferStatus,
)
from jiuye.people.services import certificate_index, id_number_index
from jiuye.people.services.changes import change_values
from jiuye.people.services.merges import MERGE_FIELDS
from jiuye.reference.models import Region
from jiuye.reference.selectors import working_age_rule
from jiuye.reference.working_age import birth_bounds

# Age bands of the search page: (lowest age, highest age or None), ages in whole years.
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "16-24": (16, 24),
    "25-34": (25, 34),
    "35-44": (35, 44),
    "45-59": (45, 59),
    "60+": (60, None),
}

# Filters that make a search: until one of them has a value, the search lists nobody.
SEARCH_FILTERS = (
    "name",
    "id_number",
    "certificate_number",
    "region",
    "town",
    "village",
    "category",
    "grade",
    "age_band",
    "working_age",
    "wish_to_work",
    "hard_to_employ",
    "monitoring",
)
# Filters that only refine a search: the year working age is reckoned in, and archived records.
MODIFIERS = ("year", "include_archived")
REGION_CODE_LENGTH = max(Region.PREFIX_LENGTH.values())  # every code has 12 digits


def person_by_id_number(*, queryset: QuerySet[Person], id_number: str) -> Person | None:
    """Exact lookup through the blind index (the ciphertext itself can't be searched)."""
    return queryset.filter(id_number_index=id_number_index(id_number)).first()


def person_in_scope(user: Any, id_number: str, *, include_archived: bool = False) -> Person:
    """The person with this ID number among those ``user`` may see (not archived unless
    ``include_archived``). Every lookup by ID number a user types goes through here, so a
    number registered in another town and an unregistered one are refused with the same
    ``NOT_FOUND_IN_SCOPE`` (a ValidationError, code "not_found")."""
    people = scope_for(user, Person)
    if not include_archived:
        people = people.filter(archived_at__isnull=True)
    try:
        found = person_by_id_number(queryset=people, id_number=id_number)
    except ValidationError:
        found = None
    if found is None:
        raise ValidationError(NOT_FOUND_IN_SCOPE, code="not_found")
    return found


def nobody_found(query: str) -> str:
    """What a search by name or ID number that found nobody in scope says: for an ID number,
    the one answer of every lookup (NOT_FOUND_IN_SCOPE), which does not echo the number."""
    try:
        validate_resident_id(query or "")
    except ValidationError:
        return _("在您负责的范围内没有找到“%(q)s”。") % {"q": (query or "").strip()}
    return str(NOT_FOUND_IN_SCOPE)


def person_search(user: Any, query: str, *, limit: int = 20) -> list[Person]:
    """Persons in the user's scope, not archived, found by part of the name or by the whole
    ID number (at most ``limit`` by name)."""
    query = (query or "").strip()
    if not query:
        return []
    people = scope_for(user, Person).filter(archived_at__isnull=True)
    try:
        id_number = validate_resident_id(query)
    except ValidationError:
        id_number = ""
    if id_number:
        found = person_by_id_number(queryset=people, id_number=id_number)
        return [found] if found else []
    found = namesearch.name_contains(people, query)
    return list(found.select_related("region").order_by("name")[:limit])


class _Unindexed(Func):
    """The column as is, but on SQLite written ``+column`` (a no-op) so the planner does not
    walk an index for a condition most rows meet: a plain scan is then far cheaper."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


def working_age_q(on: dt.date, *, most_rows: bool = False) -> Q:
    """Persons of working age on a date under the rule in force then: at least min_age, and not
    yet at their statutory retirement age, which the 2025 reform sets by birth month
    (jiuye.reference.working_age; the birth dates still in are an interval per sex).

    ``most_rows``: the caller expects most of its rows to pass (a pool of job seekers), so the
    test is written for a scan rather than an index walk; the persons are the same."""
    rule = working_age_rule(on)
    if rule is None:
        return Q(pk__in=[])
    birth = _Unindexed(F("birth_date"), output_field=DateField())
    q = Q()
    for sex in (Sex.MALE, Sex.FEMALE):
        oldest_birth_exclusive, youngest_birth = birth_bounds(rule, sex=sex, on=on)
        if most_rows:
            q |= (
                Q(sex=sex)
                & Q(LessThanOrEqual(birth, youngest_birth))
                & Q(GreaterThan(birth, oldest_birth_exclusive))
            )
        else:
            q |= Q(sex=sex, birth_date__lte=youngest_birth, birth_date__gt=oldest_birth_exclusive)
    return q


def age_q(*, lowest: int, highest: int | None, on: dt.date) -> Q:
    """Persons aged ``lowest`` to ``highest`` (inclusive; no upper bound when None) on a date."""
    q = Q(birth_date__lte=years_after(on, -lowest))
    if highest is not None:
        q &= Q(birth_date__gt=years_after(on, -(highest + 1)))
    return q


def registered_persons(*, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """Persons on the register: not archived."""
    qs = Person.objects.all() if queryset is None else queryset
    return qs.filter(archived_at__isnull=True)


def persons_in_region(
    *, region: Region, queryset: QuerySet[Person] | None = None
) -> QuerySet[Person]:
    return registered_persons(queryset=queryset).filter(region_prefix_q(region.prefix))


def region_prefix_q(prefix: str) -> Q:
    """Persons whose region code starts with ``prefix``, written as a range of codes
    (``core.scoping.region_lookup``): the same range as a town officer's scope, which
    PostgreSQL merges with it. The same ``LIKE`` twice was counted as two independent
    conditions, so the planner expected 1 % of the persons where there are 10 % and sorted the
    whole town before a worklist page instead of walking the (region, name, id) index
    (issue 19)."""
    return Q(**region_lookup("region", prefix))


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


def _region_prefix(value: Region | str) -> str:
    if isinstance(value, Region):
        return value.prefix
    return value[: Region.PREFIX_LENGTH[Region.level_of(value)]]


def _code(value: Any) -> Any:
    return getattr(value, "pk", value)


def region_under_q(prefix: str) -> Q:
    """Persons whose village code starts with ``prefix``, as the range of codes it covers:
    codes are 12 digits (``region_code_validator``), and strings of digits of one length sort
    as numbers in every collation, so the range holds the same persons. PostgreSQL cannot take
    ``LIKE '440199003%'`` as a range of the ``(region_id, name, id)`` index (the column's
    collation is not C), so a town's first page walked the index from the district's first
    person and filtered 200,000 of them; the range starts the walk at the town, in order."""
    return Q(
        region_id__gte=prefix.ljust(REGION_CODE_LENGTH, "0"),
        region_id__lte=prefix.ljust(REGION_CODE_LENGTH, "9"),
    )


def is_search(filters: Mapping[str, Any]) -> bool:
    """Whether the filters ask for anything (a bare page, or only modifiers, does not)."""
    return any(filters.get(name) not in (None, "", False, [], ()) for name in SEARCH_FILTERS)


def persons_search(
    *, queryset: QuerySet[Person], filters: Mapping[str, Any], today: dt.date | None = None
) -> QuerySet[Person]:
    """Search a (scoped) queryset of persons. Nothing is listed until a filter is given.

    Filters (any may be missing or empty): ``name`` (part of the name), ``id_number`` and
    ``certificate_number`` (exact, through the blind indexes), ``region``/``town``/``village``
    (a Region or its code: everyone under it), ``category``, ``grade`` (instance or code),
    ``age_band`` (a key of AGE_BANDS, on ``today``), ``working_age`` (on the reference date of
    ``year`` when given, else today), ``wish_to_work``, ``hard_to_employ``, ``monitoring``
    (currently monitored), and ``include_archived``. The queryset must already be scoped to the
    user (``core.scoping.scope_for``); a region filter narrows it, never widens it.
    """
    unknown = set(filters) - set(SEARCH_FILTERS) - set(MODIFIERS)
    if unknown:
        raise ValueError(f"unknown person filters: {sorted(unknown)}")
    if not is_search(filters):
        return queryset.none()
    today = today or timezone.localdate()
    qs = queryset if filters.get("include_archived") else registered_persons(queryset=queryset)
    if name := (filters.get("name") or "").strip():
        qs = namesearch.name_contains(qs, name)
    if filters.get("id_number"):
        qs = qs.filter(id_number_index=id_number_index(filters["id_number"]))
    if filters.get("certificate_number"):
        qs = qs.filter(certificate_index=certificate_index(filters["certificate_number"]))
    for key in ("region", "town", "village"):
        if filters.get(key):
            qs = qs.filter(region_under_q(_region_prefix(filters[key])))
    if filters.get("category"):
        qs = qs.filter(category_id=_code(filters["category"]))
    if filters.get("grade"):
        qs = qs.filter(grade_id=_code(filters["grade"]))
    if filters.get("age_band"):
        lowest, highest = AGE_BANDS[filters["age_band"]]
        qs = qs.filter(age_q(lowest=lowest, highest=highest, on=today))
    if filters.get("working_age"):
        year = filters.get("year")
        qs = qs.filter(working_age_q(reference_date(year, today) if year else today))
    if filters.get("wish_to_work"):
        qs = qs.filter(wish_to_work=filters["wish_to_work"])
    if filters.get("hard_to_employ"):
        qs = qs.filter(hard_to_employ_date__isnull=False)
    if filters.get("monitoring"):
        qs = qs.exclude(monitoring_category="").filter(monitoring_risk_eliminated__isnull=True)
    return qs.select_related("region__parent", "category", "grade").order_by(
        "region_id", "name", "id"
    )


def person_for_detail(*, queryset: QuerySet[Person]) -> QuerySet[Person]:
    """What the person page shows in a few queries: relations joined, the multiple categories
    fetched in one go."""
    return queryset.select_related(
        "region__parent", "category", "grade", "archived_by", "created_by", "updated_by"
    ).prefetch_related("multiple_categories")


# --- transfer requests (迁入申请) -------------------------------------------------------------

_MASKED = {"phone": mask_phone, "certificate_number": mask_certificate_number}
# A requester is shown with their office (users print as "name（office）").
_USERS = ("created_by__town", "created_by__department", "created_by__employer")


def transfers_pending() -> QuerySet[TransferRequest]:
    """The district's queue: pending requests, the oldest first."""
    return (
        TransferRequest.objects.filter(status=TransferStatus.PENDING)
        .select_related("person__region__parent", "region__parent", "import_batch", *_USERS)
        .order_by("created_at")
    )


def transfers_decided(limit: int = 20) -> list[TransferRequest]:
    """The latest decisions, for the queue page."""
    return list(
        TransferRequest.objects.exclude(status=TransferStatus.PENDING)
        .select_related("person", *_USERS, "decided_by")
        .order_by("-decided_at")[:limit]
    )


def _shown(name: str, value: Any) -> str:
    if name in _MASKED:
        return _MASKED[name](value) if value else "—"
    if isinstance(value, list | tuple):
        field = Person._meta.get_field(name)
        if field.many_to_many:
            return "、".join(str(v) for v in value) or "—"
        return value_label(field, repr(list(value)), {})
    if value is None or value == "":
        return "—"
    if isinstance(value, Model):
        return str(value)
    return value_label(Person._meta.get_field(name), value, {})


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return sorted(str(getattr(v, "pk", v)) for v in value)
    return getattr(value, "pk", value)


def transfer_changes(request: TransferRequest, values: Mapping[str, Any]) -> list[dict[str, str]]:
    """What approving the request would change on the person, field by field (``values``:
    the request's typed values), with personal numbers masked."""
    person = request.person
    rows = []
    if person.region_id != request.region_id:
        rows.append(
            {
                "label": field_label(Person, "region"),
                "now": str(person.region),
                "asked": str(request.region),
            }
        )
    for name, asked in values.items():
        field = Person._meta.get_field(name)
        if field.many_to_many:
            now: Any = list(person.multiple_categories.all())
        else:
            now = getattr(person, name)
        if _comparable(now) != _comparable(asked):
            rows.append(
                {
                    "label": field_label(Person, name),
                    "now": _shown(name, now),
                    "asked": _shown(name, asked),
                }
            )
    return rows


def duplicate_pairs_open(user: Any) -> list[DuplicatePair]:
    """The review queue: open pairs in ``user``'s scope whose two persons are both still on
    the register, the most recently found first."""
    return list(
        scope_for(user, DuplicatePair)
        .filter(
            status=DuplicateStatus.OPEN,
            first__archived_at__isnull=True,
            second__archived_at__isnull=True,
        )
        .select_related("first__region", "second__region")
        .order_by("-found_at", "pk")[:500]
    )


def merges_undoable(user: Any, *, days: int = 30) -> list[PersonMerge]:
    """Merges in ``user``'s scope that may still be undone (not undone, younger than
    ``days``)."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        scope_for(user, PersonMerge)
        .filter(undone_at__isnull=True, created_at__gte=since)
        .select_related("survivor", "merged", "created_by")
        .order_by("-created_at")[:100]
    )


def _merge_shown(name: str, value: Any) -> str:
    if name == "id_number":
        return mask_id_number(value)
    return _shown(name, value)


def merge_rows(first: Person, second: Person) -> list[dict[str, Any]]:
    """The two records side by side, field by field (numbers masked), and where they differ."""
    rows = []
    for name in MERGE_FIELDS:  # what staff choose between, in the record's order
        field = Person._meta.get_field(name)
        if field.many_to_many:
            a: Any = list(getattr(first, name).all())
            b: Any = list(getattr(second, name).all())
        else:
            a, b = getattr(first, name), getattr(second, name)
        rows.append(
            {
                "name": name,
                "label": field_label(Person, name),
                "first": _merge_shown(name, a),
                "second": _merge_shown(name, b),
                "differs": _comparable(a) != _comparable(b),
            }
        )
    return rows


# --- self-registration applications (注册申请) --------------------------------------------


def applications_pending(user: Any) -> list[RegistrationApplication]:
    """The applications waiting for ``user`` to verify (their town's; all for the district),
        oldest first, each with ``same_id_elsewhere``: how many other applications or accounts use
        its ID number, and ``has_account``: whether a person of the user's scope with that number
    already has an account (the officer sorts those out; the applicant was told nothing)."""
    rows = list(
        scope_for(user, RegistrationApplication)
        .filter(status=ApplicationStatus.PENDING)
        .select_related("region__parent")
        .order_by("created_at")
    )
    indexes = {row.id_number_index for row in rows}
    others = Counter(
        RegistrationApplication.objects.filter(id_number_index__in=indexes).values_list(
            "id_number_index", flat=True
        )
    )
    with_account = set(
        scope_for(user, Person)
        .filter(id_number_index__in=indexes, user__isnull=False)
        .values_list("id_number_index", flat=True)
    )
    for row in rows:
        row.same_id_count = others[row.id_number_index] - 1
        row.has_account = row.id_number_index in with_account
    return rows


def applications_decided(user: Any, limit: int = 20) -> list[RegistrationApplication]:
    return list(
        scope_for(user, RegistrationApplication)
        .exclude(status=ApplicationStatus.PENDING)
        .select_related("region__parent", "decided_by", "person")
        .order_by("-decided_at")[:limit]
    )


def application_same_id(application: RegistrationApplication) -> list[RegistrationApplication]:
    """The other applications with the same ID number (any town: the officer sees only their
    status and date, never another town's applicant)."""
    return list(
        RegistrationApplication.objects.filter(id_number_index=application.id_number_index)
        .exclude(pk=application.pk)
        .order_by("created_at")
    )


def application_consents(application: RegistrationApplication) -> list[dict[str, Any]]:
    """The consents given with an application, each with its policy (title, texts), version
    and time, for the applicant's and the officer's pages."""
    from jiuye.people.policies import POLICIES

    return [
        {
            "policy": POLICIES.get(entry["purpose"]),
            "purpose": entry["purpose"],
            "policy_version": entry["policy_version"],
            "given_at": dt.datetime.fromisoformat(entry["given_at"]),
        }
        for entry in application.consents
    ]


# --- change requests (issue 18, self-service) --------------------------------------------------


def change_requests_for(user: Any, *, pending: bool) -> QuerySet[ChangeRequest]:
    """The change requests in ``user``'s scope (a town officer: their town's persons), pending
    ones oldest first, decided ones newest first."""
    qs = scope_for(user, ChangeRequest).select_related("person__region", "decided_by")
    if pending:
        return qs.filter(status=ChangeStatus.PENDING).order_by("created_at")
    return qs.exclude(status=ChangeStatus.PENDING).order_by("-decided_at")


def change_rows(request: ChangeRequest) -> list[dict[str, str]]:
    """Before → after per field asked about (``now`` too when the record changed since), with
    the phone masked."""
    before, asked = change_values(request)
    rows = []
    for name, after in asked.items():
        was = before.get(name, "")
        now = getattr(request.person, name)
        rows.append(
            {
                "label": field_label(Person, name),
                "before": _shown(name, was),
                "after": _shown(name, after),
                "now": _shown(name, now),
                "moved": request.is_pending and now != was,
            }
        )
    return rows
