"""Verifying and computing declarations in three steps: read (SQL), check (pure Python), write
(SQL). ``declaration_compute`` (one declaration, in a web request) and the whole-year review
(``manage.py quota_review``, ADR 0014) run the same steps, so there is one way of computing a
result.

**Read** (``review_read``): one query for the declarations of a chunk with their employer, and
one join for their lines: each declared line beside the registry person of its ID number's
blind index and whether another employer's sent declaration of the year claims that person
(an ``EXISTS`` on the claims' index), as plain tuples. Neither encrypted number is read: the
blind indexes are what a check needs. The query takes a DB-API cursor, so a worker process of
the review reads its own chunks on its own connection (``quota_review``), with the values
converted the way the ORM converts them (the same digest either way).

**Check** (``review_run``): pure, no database, no model instances; picklable in and out.

**Write** (``review_rows`` then ``core.bulk.fast_update`` or ``DeferredUpdate``): the changed
declarations' results and their lines', as rows ready for ``COPY``.

Each declaration keeps a digest of what its result was computed from (its figures and lines,
the registry persons and competing claims they were checked against, the policy, the rules'
code) and of the stored result; a review that finds the same digest leaves it as it is."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
from collections import namedtuple
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiuye.core.bulk import EncodedJson
from jiuye.core.i18n import language_fixed
from jiuye.employers.models import Declaration, DeclarationStatus, DeclaredEmployee, Employer
from jiuye.employers.services.levy import CENT, LevyRule, staff_count
from jiuye.employers.services.verification import check_employee
from jiuye.people.models import Person
from jiuye.reference.models import DisabilityGrade
from jiuye.reference.selectors import quota_policy, working_age_rule

# Declarations whose claims on a person count against other employers' claims.
CLAIMING = (DeclarationStatus.SUBMITTED, DeclarationStatus.RETURNED, DeclarationStatus.CONFIRMED)
# Reviewed again by the year's review: every version not locked.
LOCKED = (DeclarationStatus.CONFIRMED, DeclarationStatus.SUPERSEDED)
# Reviewed and claiming: sent, not yet confirmed.
SENT_OPEN = (DeclarationStatus.SUBMITTED, DeclarationStatus.RETURNED)

# A declared employee's terms of work, which the checks of the line read.
TERMS_FIELDS = (
    "contract_type",
    "contract_start",
    "contract_end",
    "on_establishment",
    "monthly_wage",
    "insurance_months",
    "dispatched",
)
# What declaration_compute writes (only these: the caller's copy of the rest may be stale).
COMPUTED_FIELDS = [
    "review_digest",
    "policy",
    "staff",
    "required",
    "counted",
    "shortfall",
    "wage_used",
    "levy_before",
    "levy_payable",
    "met",
    "exempt",
    "steps",
    "computed_at",
]
LINE_RESULT_FIELDS = ["person", "counts", "checks", "conflict"]

# What check_employee reads of a declared line, and what the review writes back.
EMPLOYEE_FIELDS_CHECKED = (
    "id",
    "declaration_id",
    "name",
    "id_number_index",
    "certificate_index",
    *TERMS_FIELDS,
    "counts_here",
    "staff_decision",
    "staff_note",
    "person_id",
    "counts",
    "conflict",
)
# What check_employee reads of a person (the encrypted ID and phone are never decrypted here).
PERSON_FIELDS_CHECKED = (
    "id",
    "name",
    "id_number_index",
    "sex",
    "birth_date",
    "certificate_index",
    "certificate_valid_until",
    "category_id",
    "grade_id",
    "life_status",
    "life_status_date",
)
# The declaration's own inputs, read from its row.
DECLARATION_INPUTS = ("year", "employer_id", "staff_annual", "staff_monthly", "wage_total")
# Stored results that go into the digest too: a result changed behind the review's back (a
# direct SQL update) is put right by the next review. The checks' sentences are not in it.
DECLARATION_RESULTS = ("policy_id", "counted", "levy_before", "levy_payable", "met", "exempt")
LINE_INPUTS = (
    "name",
    "id_number_index",
    "certificate_index",
    *TERMS_FIELDS,
    "counts_here",
    "staff_decision",
    "staff_note",
)

Line = namedtuple("Line", EMPLOYEE_FIELDS_CHECKED)  # noqa: PYI024
_line_inputs = operator.attrgetter(*LINE_INPUTS)
Registered = namedtuple("Registered", PERSON_FIELDS_CHECKED)  # noqa: PYI024

# Raise when the checks or the levy change in a way their source does not show.
REVIEW_VERSION = 1


class ReviewWork:
    """What the checks of a chunk of declarations read: plain values only (it is pickled to
    and from worker processes). ``items``: per declaration its id, policy key, employer kind,
    inputs, stored results, stored digest (None: recompute) and lines, each line as
    (line, registry person or None, claimed by another employer)."""

    def __init__(self, items: list[tuple]) -> None:
        self.items = items


class ReviewContext:
    """What every chunk of a review shares: the policies by (county, year), the working-age
    rules by year, the grade names, the language, and the fingerprints of all of them and of
    the rules' code (for the digest)."""

    def __init__(self, policies: dict[tuple[str, int], Any], years: set[int]) -> None:
        self.policies = policies
        self.rules = {year: working_age_rule(dt.date(year, 12, 31)) for year in years}
        self.grade_names = {g.code: str(g) for g in DisabilityGrade.objects.all()}
        self.language = translation.get_language()
        # The year's review sets it (contested_persons) for review_read.
        self.contested: frozenset[str] | None = None
        self.fingerprints = (
            _code_fingerprint(),
            self.language,
            tuple(sorted(self.grade_names.items())),
            {key: _fingerprint(p) for key, p in policies.items()},
            {year: _fingerprint(r) for year, r in self.rules.items()},
        )


def review_context(pairs: set[tuple[str, int]], cache: dict | None = None) -> ReviewContext:
    """The context for declarations of employers at these (region code, year) pairs; a year
    without a policy for one of them stops the review with the reason."""
    cache = {} if cache is None else cache
    policies = {}
    for region, year in sorted(pairs):
        key = (region[:6], year)
        if key not in cache:
            cache[key] = quota_policy(region, year)
        if cache[key] is None:
            raise ValidationError(
                _("没有适用于%(year)d年的按比例就业政策参数，请区残联先维护政策参数。")
                % {"year": year}
            )
        policies[key] = cache[key]
    return ReviewContext(policies, {year for _region, year in pairs})


def year_pairs(year: int, using: str = "default") -> set[tuple[str, int]]:
    """The (county, year) pairs of the year's declarations that a review recomputes."""
    table, employers = Declaration._meta.db_table, Employer._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT substr(m.region_id, 1, 6) FROM {table} d "  # noqa: S608
            f"JOIN {employers} m ON m.id = d.employer_id "
            f"WHERE d.year = %s AND d.status NOT IN (%s, %s)",
            [year, *LOCKED],
        )
        return {(region, year) for (region,) in cursor.fetchall()}


def _sent_claim(line: str, declaration: str) -> tuple[str, list[Any]]:
    """SQL (and its parameters): the line ``line`` of the declaration ``declaration`` claims its
    person. The declaration is sent (or confirmed), and the line counts at its employer: a
    dispatch agreement counting the person at the other employer claims nothing."""
    marks = ", ".join(["%s"] * len(CLAIMING))
    return (
        f"{declaration}.status IN ({marks}) AND NOT ({line}.dispatched AND NOT {line}.counts_here)",
        [*CLAIMING],
    )


def contested_persons(year: int, using: str = "default") -> frozenset[str]:
    """The blind indexes of the persons whom two employers or more claim in sent declarations
    of ``year`` (a line counting at the other employer by a dispatch agreement claims no one):
    read once for the whole year's review, in place of asking for each of its lines."""
    connection = connections[using]
    quote = connection.ops.quote_name
    lines = quote(DeclaredEmployee._meta.db_table)
    declarations = quote(Declaration._meta.db_table)
    claims, claims_params = _sent_claim("o", "od")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.id_number_index FROM {lines} o "  # noqa: S608
            f"JOIN {declarations} od ON od.id = o.declaration_id "
            f"WHERE od.year = %s AND {claims} "
            "GROUP BY o.id_number_index HAVING count(DISTINCT od.employer_id) > 1",
            [year, *claims_params],
        )
        return frozenset(index for (index,) in cursor.fetchall())


def _code_fingerprint() -> str:
    """The checks' and the levy's source: a new rule re-reviews every declaration."""
    from jiuye.employers.services import levy as levy_module
    from jiuye.employers.services import verification as verification_module

    digest = hashlib.blake2b(digest_size=16)
    for module in (verification_module, levy_module):
        digest.update(Path(module.__file__).read_bytes())
    return f"{REVIEW_VERSION}:{digest.hexdigest()}"


def _fingerprint(obj: Any) -> tuple:
    """A model instance (a policy, a working-age rule) as the tuple of its column values."""
    if obj is None:
        return ()
    return tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)


def _plain(value: Any) -> Any:
    """A stored or computed number the same way whichever it is (2 and 2.00 are one)."""
    return value.normalize() if isinstance(value, Decimal) else value


# --- read ------------------------------------------------------------------------------------

_DECLARATION_COLUMNS = (
    "id",
    *DECLARATION_INPUTS,
    *DECLARATION_RESULTS,
    "review_digest",
)


def _converters(connection: Any, fields: list[Any], alias: str) -> list[tuple[int, list]]:
    """The ORM's conversions of these columns' database values (dates and UUIDs on SQLite,
    JSON, decimals), as the query compiler applies them: only for columns that have any."""
    out = []
    for n, field in enumerate(fields):
        column = field.get_col(alias)
        found = [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]
        if found:
            out.append((n, [(convert, column) for convert in found]))
    return out


def _convert(rows: list[tuple], converters: list[tuple[int, list]], connection: Any) -> list:
    if not converters:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for n, steps in converters:
            value = values[n]
            for convert, column in steps:
                value = convert(value, column, connection)
            values[n] = value
        out.append(values)
    return out


def review_read(
    cursor: Any,
    connection: Any,
    where: str,
    params: list[Any],
    *,
    skip_unchanged: bool,
    contested: frozenset[str] | None = None,
) -> ReviewWork:
    """Read the declarations matching ``where`` (SQL on the declaration ``d``, with ``params``)
    and everything their checks need, in two queries. ``cursor`` and ``connection`` may be a
    worker's own (a raw driver cursor; ``connection`` the Django connection whose conversions
    apply). ``contested``: the year's ``contested_persons``, read once by the year's review;
    then only a line of a declaration that claims no one (a draft) asks the database whether
    another employer claims its person."""
    quote = connection.ops.quote_name
    dmeta, emeta, pmeta = Declaration._meta, DeclaredEmployee._meta, Person._meta
    dfields = [dmeta.get_field(name) for name in _DECLARATION_COLUMNS]
    d_columns = ", ".join(f"d.{quote(f.column)}" for f in dfields)
    declarations, employers = quote(dmeta.db_table), quote(Employer._meta.db_table)
    # The employer's columns by its key, row by row: a join would scan every employer for a
    # chunk of a few thousand.
    employer = f"(SELECT m.{{}} FROM {employers} m WHERE m.id = d.employer_id)"  # noqa: S608
    cursor.execute(
        f"SELECT {d_columns}, {employer.format('region_id')}, {employer.format('kind')} "  # noqa: S608
        f"FROM {declarations} d WHERE {where} ORDER BY d.id",
        params,
    )
    rows = _convert(cursor.fetchall(), _converters(connection, dfields, "d"), connection)
    efields = [emeta.get_field(name) for name in EMPLOYEE_FIELDS_CHECKED]
    pfields = [pmeta.get_field(name) for name in PERSON_FIELDS_CHECKED]
    lines_table, persons = quote(emeta.db_table), quote(pmeta.db_table)
    # Whether an employer other than the line's claims the person in a sent declaration of the
    # year.
    claims, claimed_params = _sent_claim("o", "od")
    claimed = (
        f"EXISTS (SELECT 1 FROM {lines_table} o JOIN {declarations} od "  # noqa: S608
        "ON od.id = o.declaration_id WHERE o.id_number_index = e.id_number_index "
        f"AND od.year = d.year AND od.employer_id <> d.employer_id AND {claims})"
    )
    if contested is not None:
        # A line that claims its person itself is claimed elsewhere when its person is
        # contested (claimed by two employers or more); NULL here, looked up below.
        marks = ", ".join(["%s"] * len(SENT_OPEN))
        claimed = f"CASE WHEN d.status IN ({marks}) THEN NULL ELSE {claimed} END"
        claimed_params = [*SENT_OPEN, *claimed_params]
    columns = ", ".join(
        [f"e.{quote(f.column)}" for f in efields]
        + [f"p.{quote(f.column)}" for f in pfields]
        + [claimed]
    )
    cursor.execute(
        f"SELECT {columns} FROM {declarations} d "  # noqa: S608
        f"JOIN {lines_table} e ON e.declaration_id = d.id "
        f"LEFT JOIN {persons} p ON p.id_number_index = e.id_number_index "
        f"WHERE {where} ORDER BY e.declaration_id, e.position, e.name, e.id",
        [*claimed_params, *params],
    )
    width = len(efields)
    converters = _converters(connection, efields, "e") + [
        (width + n, steps) for n, steps in _converters(connection, pfields, "p")
    ]
    lines_by: dict[Any, list[tuple]] = {}
    for row in _convert(cursor.fetchall(), converters, connection):
        line = Line._make(row[:width])
        person = None if row[width] is None else Registered._make(row[width:-1])
        claimed_here = row[-1]
        if claimed_here is None:
            claimed_here = line.id_number_index in contested
        # counts_here: the same rule as the EXISTS for the line itself.
        elsewhere = bool(claimed_here) and not (line.dispatched and not line.counts_here)
        lines_by.setdefault(line.declaration_id, []).append((line, person, elsewhere))
    items = []
    ninputs, nresults = len(DECLARATION_INPUTS), len(DECLARATION_RESULTS)
    for row in rows:
        pk, year, region, kind = row[0], row[1], row[-2], row[-1]
        items.append(
            (
                pk,
                (region[:6], year),
                kind,
                tuple(row[1 : 1 + ninputs]),
                tuple(row[1 + ninputs : 1 + ninputs + nresults]),
                row[1 + ninputs + nresults] if skip_unchanged else None,
                lines_by.get(pk, []),
            )
        )
    return ReviewWork(items)


# --- check -----------------------------------------------------------------------------------


def _digest(base: str, inputs: tuple, results: tuple, lines: list) -> str:
    """``base``: the repr of what every declaration of a policy shares (written once per
    chunk); each UUID in ``lines`` as its integer (its repr is slow; the value is the same)."""
    text = base + repr((inputs, results, lines))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _uuid_int(value: Any) -> Any:
    return None if value is None else value.int


def review_run(work: ReviewWork, context: ReviewContext) -> list[Any]:
    """The checks and the levy of every declaration of ``work``: per declaration ``None`` when
    its digest shows nothing changed, else its computed fields and its lines' results. Pure
    (no database): runs in a worker process as well as in the caller's."""
    out: list[Any] = []
    code, language, grades, policy_prints, rule_prints = context.fingerprints
    # Many lines end with the same checks (every condition met, the same year): encoded once.
    encoded: dict[tuple, EncodedJson] = {}
    # The levy's rule of each policy, worked out once (in the review's language).
    levy_rules: dict[tuple[str, int], LevyRule] = {}
    # What the digests of a policy's declarations share, as text.
    bases: dict[tuple[str, int], str] = {}
    # Answers of the checks that depend only on the rules and a birth date.
    memo: dict = {}
    with translation.override(context.language), language_fixed():
        for _pk, key, kind, inputs, stored, known, lines in work.items:
            year = inputs[0]
            policy = context.policies[key]
            rule = context.rules[year]
            seen = [
                (
                    line.id.int,
                    # _plain of each input, inline (the digest of every line of the year).
                    tuple(
                        [v.normalize() if v.__class__ is Decimal else v for v in _line_inputs(line)]
                    ),
                    None if person is None else (person.id.int, *person[1:]),
                    elsewhere,
                )
                for line, person, elsewhere in lines
            ]
            base = bases.get(key)
            if base is None:
                base = bases[key] = repr(
                    (code, language, grades, policy_prints[key], rule_prints[year])
                )
            if known is not None:
                before = [
                    (*s, _uuid_int(line.person_id), _plain(line.counts), line.conflict)
                    for s, (line, _person, _elsewhere) in zip(seen, lines, strict=True)
                ]
                results = tuple(_plain(v) for v in stored)
                if _digest(base, inputs, results, before) == known:
                    out.append(None)
                    continue
            counted = Decimal(0)
            written = []
            for line, person, elsewhere in lines:
                result = check_employee(
                    line,
                    person=person,
                    certificate_index=line.certificate_index,
                    year=year,
                    policy=policy,
                    working_age_rule=rule,
                    claimed_elsewhere=elsewhere,
                    grade_names=context.grade_names,
                    memo=memo,
                )
                # The same checks give the same JSON: encoded once per distinct list (a few
                # dozen in a year), found by what as_dict writes (repr: 1 is not True or 1.0;
                # most checks have no values).
                form = tuple(
                    [
                        (c.code, c.status, c.template, repr(c.params) if c.params else "")
                        for c in result.checks
                    ]
                )
                checks = encoded.get(form)
                if checks is None:
                    checks = encoded[form] = EncodedJson(
                        json.dumps([c.as_dict() for c in result.checks])
                    )
                written.append(
                    (
                        line.id,
                        person.id if person is not None else None,
                        result.counts,
                        checks,
                        elsewhere,
                    )
                )
                counted += result.counts
            levy_rule = levy_rules.get(key)
            if levy_rule is None:
                levy_rule = levy_rules[key] = LevyRule(policy, year)
            computed = _levy(inputs, kind, policy, levy_rule, counted)
            after = [
                (*s, _uuid_int(w[1]), _plain(w[2]), w[4])
                for s, w in zip(seen, written, strict=True)
            ]
            results = tuple(_plain(computed[name]) for name in DECLARATION_RESULTS)
            computed["review_digest"] = _digest(base, inputs, results, after)
            out.append((computed, written))
    return out


def _levy(
    inputs: tuple, kind: str, policy: Any, rule: LevyRule, counted: Decimal
) -> dict[str, Any]:
    year, _employer, staff_annual, staff_monthly, wage_total = inputs
    monthly = [Decimal(m) for m in staff_monthly if m != ""]
    if len(monthly) == 12:
        staff = staff_count(basis="monthly", annual=None, monthly=monthly)
    else:
        staff = Decimal(staff_annual or 0)
    calc = rule.calculate(staff=staff, wage_total=wage_total, counted=counted, employer_kind=kind)
    return {
        "policy_id": policy.pk,
        # The levy is worked out on the exact staff; a monthly average with no finite decimal
        # (1,237 ÷ 12) is kept to the cent, as the declaration's field holds, for showing.
        "staff": staff if isinstance(staff, Decimal) else calc.staff.quantize(CENT, ROUND_HALF_UP),
        "required": calc.required,
        "counted": counted,
        "shortfall": calc.shortfall,
        "wage_used": calc.wage_used.quantize(CENT),
        "levy_before": calc.levy_before_rounded,
        "levy_payable": calc.payable,
        "met": calc.met,
        "exempt": calc.exempt,
        "steps": [{"label": s.label, "formula": s.formula, "value": s.value} for s in calc.steps],
    }


# --- write -----------------------------------------------------------------------------------

# The declaration's columns a review writes, in COMPUTED_FIELDS order after the id.
_WRITTEN = [name for name in COMPUTED_FIELDS if name not in ("policy", "computed_at")]


def review_rows(work: ReviewWork, results: list[Any], now: dt.datetime) -> tuple[list, list]:
    """The rows to write for ``results``: (declarations, lines), each row [id, *values] in the
    order of COMPUTED_FIELDS and LINE_RESULT_FIELDS; JSON already encoded. Declarations whose
    digest matched are left out."""
    declarations, lines = [], []
    for item, result in zip(work.items, results, strict=True):
        if result is None:
            continue
        computed, written = result
        declarations.append(
            [
                item[0],
                computed["review_digest"],
                computed["policy_id"],
                *(computed[name] for name in _WRITTEN[1:-1]),
                EncodedJson(json.dumps(computed["steps"])),
                now,
            ]
        )
        lines.extend(map(list, written))
    return declarations, lines


def declarations_compute(declarations: list[Declaration], *, policies: dict | None = None) -> None:
    """``declaration_compute`` for many declarations (unlocked, with ``employer`` loaded) in a
    fixed number of queries per call. Always recomputes (and stores the new input digest); the
    instances get the new results too."""
    from jiuye.core.bulk import fast_update_rows

    if not declarations:
        return
    connection = connections["default"]
    context = review_context({(d.employer.region_id, d.year) for d in declarations}, policies)
    marks = ", ".join(["%s"] * len(declarations))
    with connection.cursor() as cursor:
        work = review_read(
            cursor,
            connection,
            f"d.id IN ({marks})",
            [Declaration._meta.pk.get_db_prep_value(d.pk, connection) for d in declarations],
            skip_unchanged=False,
        )
    results = review_run(work, context)
    now = timezone.now()
    by_pk = {d.pk: d for d in declarations}
    for item, (computed, _written) in zip(work.items, results, strict=True):
        declaration = by_pk[item[0]]
        for name, value in computed.items():
            setattr(declaration, name, value)
        declaration.policy = context.policies[item[1]]
        declaration.computed_at = now
    rows, lines = review_rows(work, results, now)
    fast_update_rows(DeclaredEmployee, lines, LINE_RESULT_FIELDS, only_changed=True)
    fast_update_rows(Declaration, rows, COMPUTED_FIELDS)
