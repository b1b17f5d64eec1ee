"""Reads of employers and declarations: the review queue, conflicts, the public-sector
statistics of action 一 with year-on-year discrepancies, and the public disclosure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from jiuye.accounts.models import Role, User
from jiuye.core import namesearch
from jiuye.employers.models import (
    Declaration,
    DeclarationStatus,
    DeclaredEmployee,
    Employer,
    EmployerApplication,
)

# The declaration that stands for an employer and year: the confirmed one, else the open one.
LIVE = (
    DeclarationStatus.DRAFT,
    DeclarationStatus.SUBMITTED,
    DeclarationStatus.RETURNED,
    DeclarationStatus.CONFIRMED,
)


# Names searched for by fewer characters than a trigram (``is_short_search``): served by
# ``employer_name_chars`` on PostgreSQL (``core.namesearch``), and listed no further than
# SHORT_CAP employers.
SHORT_CAP = 1000


def is_short_search(filters: dict[str, Any]) -> bool:
    return namesearch.is_short(filters.get("q") or "")


def employers_search(
    *, queryset: QuerySet[Employer], filters: dict[str, Any]
) -> QuerySet[Employer]:
    qs = queryset if filters.get("include_archived") else queryset.filter(archived_at__isnull=True)
    if text := (filters.get("q") or "").strip():
        # Codes are kept upper-case (validate_uscc): an equality on the upper-cased text finds
        # the same rows as a case-blind one and uses the unique index, so the OR with the name
        # (an index on PostgreSQL, see core.namesearch) need not scan every employer.
        qs = namesearch.with_name_chars(qs, text)
        qs = qs.filter(namesearch.name_has(text) | Q(uscc=text.upper()))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("town"):
        qs = qs.filter(region__code__startswith=filters["town"][:9])
    return qs.select_related("region").order_by("name")


def employer_for_detail(queryset: QuerySet[Employer]) -> QuerySet[Employer]:
    return queryset.select_related("region__parent", "archived_by")


def declarations_of(employer: Employer) -> QuerySet[Declaration]:
    return Declaration.objects.filter(employer=employer).order_by("-year", "-version")


def declaration_for_detail(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    return queryset.select_related("employer__region", "policy__region", "confirmed_by")


def employees_for_detail(declaration: Declaration) -> QuerySet[DeclaredEmployee]:
    return declaration.employees.select_related(
        "person__grade", "person__category", "insurance_check"
    ).order_by("position", "name")


def review_queue(
    *, queryset: QuerySet[Declaration], year: int | None = None
) -> QuerySet[Declaration]:
    """Declarations waiting for staff: submitted ones first by submission time (then by id, so
    a page boundary between equal times is stable). The order is the partial index
    ``declaration_review_order``: a page reads its rows off the index, and the count counts
    its entries. The per-declaration figures of a page come from ``with_review_figures``."""
    qs = queryset.filter(status=DeclarationStatus.SUBMITTED)
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("employer").order_by("submitted_at", "pk")


def with_review_figures(declarations: Iterable[Declaration]) -> list[Declaration]:
    """The page's declarations with ``conflicts`` (lines claimed by another employer and not
    yet ruled on) and ``unknown`` (lines of persons not in the registry), counted in one
    query over those declarations' lines only."""
    rows = list(declarations)
    figures = (
        {
            f["declaration_id"]: f
            for f in DeclaredEmployee.objects.filter(declaration__in=[d.pk for d in rows])
            .values("declaration_id")
            .annotate(
                conflicts=Count("pk", filter=Q(conflict=True, staff_decision="")),
                unknown=Count("pk", filter=Q(person__isnull=True)),
            )
            .order_by()
        }
        if rows
        else {}
    )
    for declaration in rows:
        found = figures.get(declaration.pk, {})
        declaration.conflicts = found.get("conflicts", 0)
        declaration.unknown = found.get("unknown", 0)
    return rows


def conflicts(*, year: int) -> list[dict[str, Any]]:
    """Persons claimed by more than one employer in a year (for district staff): one entry per
    person with every claiming line."""
    lines = (
        DeclaredEmployee.objects.filter(
            conflict=True,
            declaration__year=year,
            declaration__status__in=[
                DeclarationStatus.SUBMITTED,
                DeclarationStatus.RETURNED,
                DeclarationStatus.CONFIRMED,
            ],
        )
        .select_related("declaration__employer")
        .order_by("id_number_index", "declaration__employer__name")
    )
    grouped: dict[str, dict[str, Any]] = {}
    for line in lines:
        entry = grouped.setdefault(line.id_number_index, {"name": line.name, "lines": []})
        entry["lines"].append(line)
    return list(grouped.values())


def live_declarations(year: int) -> QuerySet[Declaration]:
    """One declaration per employer for the year: its confirmed version if any, else the one
    in progress (superseded versions never)."""
    confirmed = Declaration.objects.filter(year=year, status=DeclarationStatus.CONFIRMED)
    open_only = Declaration.objects.filter(year=year, status__in=LIVE[:3]).exclude(
        employer__in=confirmed.values("employer")
    )
    return Declaration.objects.filter(
        Q(pk__in=confirmed.values("pk")) | Q(pk__in=open_only.values("pk"))
    )


@dataclass
class UnitRow:
    employer: Employer
    declaration: Declaration | None
    previous: Declaration | None
    flags: list[str] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.declaration is None or self.previous is None:
            return None
        return self.declaration.counted - self.previous.counted


def public_sector_statistics(
    *, year: int, queryset: QuerySet[Employer] | None = None, with_names: bool = True
) -> list[UnitRow]:
    """Action 一: every agency and public institution with its declaration of the year and of
    the year before, flagging a count that dropped and persons counted last year who are
    missing now (for staff to verify)."""
    employers = (
        (queryset or Employer.objects.all())
        .filter(
            archived_at__isnull=True,
            kind__in=[Employer.Kind.AGENCY, Employer.Kind.INSTITUTION],
        )
        .order_by("kind", "name")
    )
    this_year = {d.employer_id: d for d in live_declarations(year)}
    last_year = {d.employer_id: d for d in live_declarations(year - 1)}
    counted_now = set(
        DeclaredEmployee.objects.filter(
            declaration__in=list(this_year.values()), counts__gt=0
        ).values_list("declaration__employer_id", "id_number_index")
    )
    counted_before = DeclaredEmployee.objects.filter(
        declaration__in=list(last_year.values()), counts__gt=0
    ).values_list("declaration__employer_id", "id_number_index", "name")
    missing: dict[Any, list[str]] = {}
    for employer_id, index, name in counted_before:
        if employer_id in this_year and (employer_id, index) not in counted_now:
            missing.setdefault(employer_id, []).append(name)
    rows = []
    for employer in employers:
        row = UnitRow(employer, this_year.get(employer.pk), last_year.get(employer.pk))
        if row.declaration is None:
            row.flags.append(_("未申报"))
        elif row.change is not None and row.change < 0:
            row.flags.append(
                _("安排人数比上年减少 %(n)s") % {"n": f"{abs(row.change).normalize():f}"}
            )
        if employer.pk in missing:
            names = missing[employer.pk]
            if with_names:
                row.flags.append(
                    _("上年计入的 %(n)d 人本年未计入：%(names)s")
                    % {"n": len(names), "names": "、".join(names)}
                )
            else:
                row.flags.append(_("上年计入的 %(n)d 人本年未计入") % {"n": len(names)})
        rows.append(row)
    return rows


def levy_totals(year: int) -> dict[str, Decimal]:
    confirmed = Declaration.objects.filter(year=year, status=DeclarationStatus.CONFIRMED)
    totals = confirmed.aggregate(
        before=Sum("levy_before"), payable=Sum("levy_payable"), counted=Sum("counted")
    )
    return {k: v or Decimal(0) for k, v in totals.items()}


# --- pages of declarations, statistics and disclosure (appended for the views) --------------


def declaration_policy(declaration: Declaration) -> Any:
    """The policy that applies to a declaration: the one it was computed under, else the one
    in force for its employer's region and year (None when staff have not set one)."""
    from jiuye.reference.selectors import quota_policy

    if declaration.policy_id:
        return declaration.policy
    return quota_policy(declaration.employer.region_id, declaration.year)


def statistics_rows(*, year: int, with_names: bool) -> list[UnitRow]:
    """``public_sector_statistics`` for a page: readers who see aggregates only (a leader) get
    the flags with their counts and without the names of persons."""
    return public_sector_statistics(year=year, with_names=with_names)


def disclosure_of(year: int) -> Any:
    """The published disclosure of a year, or None (never published, or withdrawn)."""
    from jiuye.employers.models import Disclosure

    disclosure = Disclosure.objects.filter(year=year).first()
    return disclosure if disclosure is not None and disclosure.is_published else None


def disclosures() -> QuerySet[Any]:
    from jiuye.employers.models import Disclosure

    return Disclosure.objects.select_related("published_by").order_by("-year")


def disclosure_rows(year: int) -> list[dict[str, Any]]:
    """Agencies and institutions with the figures of their confirmed declaration of the year:
    unit names and figures only, never a person."""
    confirmed = {
        d.employer_id: d
        for d in Declaration.objects.filter(year=year, status=DeclarationStatus.CONFIRMED)
    }
    employers = Employer.objects.filter(
        archived_at__isnull=True, kind__in=[Employer.Kind.AGENCY, Employer.Kind.INSTITUTION]
    ).order_by("kind", "name")
    return [{"employer": e, "declaration": confirmed.get(e.pk)} for e in employers]


def quota_results(*, year: int, queryset: QuerySet[Declaration] | None = None) -> QuerySet[Any]:
    """One declaration per employer for the year (confirmed, else the one in progress), with
    its employer, for the ``quota_results`` export."""
    live = live_declarations(year)
    if queryset is not None:
        live = live.filter(pk__in=queryset.values("pk"))
    return live.select_related("employer").order_by("employer__name")


def declarations_search(queryset: QuerySet[Declaration], params: Any) -> QuerySet[Declaration]:
    """The declarations list's filters (its query string, or the API's): ``year`` and ``q``
    (part of the employer's name, or its whole credit code)."""
    year = str(params.get("year", ""))
    if year.isdigit():
        queryset = queryset.filter(year=int(year))
    if text := str(params.get("q", "")).strip():
        queryset = namesearch.with_name_chars(queryset, text, "employer__name")
        queryset = queryset.filter(
            namesearch.name_has(text, "employer__name") | Q(employer__uscc__iexact=text)
        )
    return queryset


def declarations_for_list(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    return queryset.select_related("employer").order_by("-year", "employer__name", "-version")


def unresolved_count(declaration: Declaration) -> dict[str, int]:
    return declaration.employees.aggregate(
        conflicts=Count("pk", filter=Q(conflict=True, staff_decision="")),
        unknown=Count("pk", filter=Q(person__isnull=True)),
    )


def figure(value: Any) -> str:
    """A count as written: 200, 2.5, 0.83 (no trailing zeros)."""
    if value is None:
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1))}"
    return f"{number.normalize():f}"


# --- employers' own sign-up (issue 18) -------------------------------------------------------


def applications_worklist(status: str = "pending") -> QuerySet[Any]:
    """The district's "待核实" list (or the decided ones): each application with the
    registered employer of the same code (``registered_name``) and how many other applications
    carry the same code (``same_code``), so duplicates are sorted out here, not on the public
    page."""
    same = (
        EmployerApplication.objects.filter(uscc=OuterRef("uscc"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("uscc")
        .annotate(n=Count("pk"))
        .values("n")
    )
    registered = Employer.objects.filter(uscc=OuterRef("uscc"))
    return (
        EmployerApplication.objects.filter(status=status)
        .select_related("town", "account", "employer", "decided_by")
        .annotate(
            registered_name=Subquery(registered.values("name")[:1]),
            registered_pk=Subquery(registered.values("pk")[:1]),
            same_code=Coalesce(Subquery(same), 0),
        )
        .order_by("created_at" if status == "pending" else "-decided_at")
    )


def pending_applications_count() -> int:
    return EmployerApplication.objects.filter(status="pending").count()


def unit_accounts(employer_id: Any) -> QuerySet[Any]:
    """The accounts of one employer, for its own administrator."""
    return User.objects.filter(role=Role.EMPLOYER, employer_id=employer_id).order_by(
        "-employer_admin", "username"
    )


def applications_any() -> QuerySet[EmployerApplication]:
    return EmployerApplication.objects.select_related("town", "account", "employer", "decided_by")


def same_code_applications(application: EmployerApplication) -> dict[str, Any]:
    """What the district needs to sort out a duplicate: the registered employer with the code
    (and its accounts), and the other applications with it."""
    employer = Employer.objects.filter(uscc=application.uscc).first()
    return {
        "employer": employer,
        "employer_accounts": (list(unit_accounts(employer.pk)) if employer is not None else []),
        "applications": list(
            applications_any().filter(uscc=application.uscc).exclude(pk=application.pk)
        ),
    }
