"""Explainable matching of job seekers and postings (issue 7).

The score is the sum of eight factors, each worth at most its weight (``jobs.MatchWeight``, data
edited by district staff); every factor's points are a round-half-up integer, so the reasons
shown always add up to the score. Hard exclusions (a category or grade the job does not suit, an
essential assistive need the job does not meet) keep a pair out of every ranking and are always
stated, never silent.

One set of rules, two engines:

- ``explain`` scores one pair in Python; it is the reference.
- ``candidates_for_posting`` computes the same integer score in SQL (CASE and LIKE
  expressions), keeps the best rows plus a margin, and re-scores those with the Python rules
  (the reasons shown come from there). It ranks the pool ring by ring from the posting's
  village, and scores a seeker in SQL only while a bound read from their own row can still
  reach the list (``_top_by_distance``). ``postings_for_person`` scores in Python, on plain
  values, the open postings that can still reach the list: bounds of every posting's score in
  SQL leave out those that cannot (``_worth_scoring``).

Ties are broken by distance (nearer first), then by name (code-point order on every database)
and id.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OrderBy,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Collate, Rank, Trim
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.casework.models import NeedsRecord
from jiuye.employment.models import EmploymentRecord, covering_q
from jiuye.employment.selectors import alive_on_q, employed_on_q
from jiuye.jobs.models import AccessFeature, Hours, MatchWeight, Posting
from jiuye.people.models import AssistiveNeed, Education, Person, WishToWork
from jiuye.people.selectors import region_under_q, registered_persons, working_age_q
from jiuye.reference.models import DisabilityCategory, DisabilityGrade

FACTORS = (
    "suitability",
    "accessibility",
    "distance",
    "education",
    "skills",
    "hours",
    "wage",
    "preferences",
)
DEFAULT_WEIGHTS = {
    "suitability": 15,
    "accessibility": 20,
    "distance": 20,
    "education": 10,
    "skills": 20,
    "hours": 5,
    "wage": 5,
    "preferences": 5,
}
FACTOR_LABELS: dict[str, Promise] = {
    "suitability": gettext_lazy("残疾类别适合度"),
    "accessibility": gettext_lazy("无障碍条件"),
    "distance": gettext_lazy("距离"),
    "education": gettext_lazy("学历"),
    "skills": gettext_lazy("技能"),
    "hours": gettext_lazy("工作时间"),
    "wage": gettext_lazy("薪资"),
    "preferences": gettext_lazy("求职意向"),
}

# Each assistive need of a person → the job feature that meets it, whether a job without it is
# out of the question, and how the need reads in a reason ("需要无障碍通道：有").
NEEDS: dict[str, tuple[str, bool, Promise]] = {
    AssistiveNeed.WHEELCHAIR: (AccessFeature.STEP_FREE, True, gettext_lazy("无障碍通道")),
    AssistiveNeed.SCREEN_READER: (
        AccessFeature.SCREEN_READER,
        True,
        gettext_lazy("兼容读屏软件的办公系统"),
    ),
    AssistiveNeed.BRAILLE: (AccessFeature.BRAILLE, False, gettext_lazy("盲文或电子文档")),
    AssistiveNeed.SIGN_LANGUAGE: (AccessFeature.SIGN_LANGUAGE, False, gettext_lazy("手语支持")),
    AssistiveNeed.CAPTIONS: (AccessFeature.WRITTEN, False, gettext_lazy("文字沟通")),
    AssistiveNeed.ACCESSIBLE_TOILET: (
        AccessFeature.ACCESSIBLE_TOILET,
        False,
        gettext_lazy("无障碍卫生间"),
    ),
    AssistiveNeed.EASY_READ: (AccessFeature.EASY_READ, False, gettext_lazy("简明易懂的工作说明")),
    AssistiveNeed.JOB_COACH: (AccessFeature.JOB_COACH, False, gettext_lazy("就业辅导员陪同")),
    AssistiveNeed.FLEXIBLE_HOURS: (
        AccessFeature.FLEXIBLE_HOURS,
        False,
        gettext_lazy("弹性工作时间"),
    ),
}
NEED_ORDER = list(NEEDS)
EDUCATION_RANK = {code: rank for rank, code in enumerate(Education.values)}
# A person's preference (casework.Hours) that takes any job's hours.
ANY_HOURS = ("", "any")
# How many rows past the limit the SQL ranking hands to the Python re-scoring.
MARGIN = 20
# Below this many eligible seekers, one ranking of them all costs less than reading the
# distance rings one by one (``_top_by_distance``); the results are the same either way.
PRUNE_FROM = 2_000


def round_half_up(weight: int, num: int, den: int) -> int:
    """``weight × num / den`` rounded half up, in integers (the same arithmetic runs in SQL)."""
    return (2 * weight * num + den) // (2 * den)


# Shares of the distance weight: same village, same town, same county, elsewhere.
DISTANCE_SHARES = {"village": (1, 1), "town": (3, 4), "county": (1, 2), "far": (1, 10)}
DISTANCE_ORDER = {"remote": 0, "village": 0, "town": 1, "county": 2, "far": 3}
SUITABILITY_OPEN = (2, 3)


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    factor: str
    points: int
    max: int
    text: str

    @property
    def label(self) -> str:
        return str(FACTOR_LABELS.get(self.factor, self.factor))

    def as_dict(self) -> dict[str, Any]:
        return {"factor": self.factor, "points": self.points, "max": self.max, "text": self.text}


@dataclass
class Match:
    """One pair's score, the reason for each factor's points, and the hard exclusion if any
    (``excluded`` non-empty: the pair never appears in a ranking; the score still shows what
    the other factors would give)."""

    score: int
    reasons: list[Reason] = field(default_factory=list)
    excluded: str = ""
    # Nearer first: 0 same village (or remote), 1 same town, 2 same county, 3 elsewhere.
    distance_rank: int = 0

    @property
    def summary(self) -> str:
        return _("；").join(r.text for r in self.reasons)

    def reasons_data(self) -> list[dict[str, Any]]:
        """The reasons as JSON (a referral keeps them as they were shown)."""
        return [r.as_dict() for r in self.reasons]


@dataclass
class Ranking:
    results: list[tuple[Any, Match]]
    considered: int
    excluded: list[tuple[str, int]]
    # The weights the scores were made with (a lookup on the same page reuses them).
    weights: dict[str, int] = field(default_factory=dict)
    # How many were scored in Python (postings for a person: those that could reach the list).
    scored: int = 0

    @property
    def excluded_total(self) -> int:
        return sum(n for _text, n in self.excluded)


# --- the facts a score is made of -----------------------------------------------------------


@dataclass
class PostingFacts:
    region_id: str
    is_remote: bool
    hours: str
    wage_max: Decimal | None
    education_min: str
    accessibility: frozenset[str]
    terms: tuple[str, ...]
    title_terms: tuple[str, ...]
    # None: open to every category (grade); else the codes it suits.
    categories: frozenset[int] | None
    grades: frozenset[int] | None

    @classmethod
    def of(cls, posting: Posting) -> PostingFacts:
        cache = getattr(posting, "_prefetched_objects_cache", {})
        if "suitable_categories" in cache and "suitable_grades" in cache:
            categories = frozenset(c.pk for c in posting.suitable_categories.all())
            grades = frozenset(g.pk for g in posting.suitable_grades.all())
        else:
            # Both lists in one query (at most 7 × 4 rows).
            pairs = Posting.objects.filter(pk=posting.pk).values_list(
                "suitable_categories", "suitable_grades"
            )
            categories = frozenset(c for c, _g in pairs if c is not None)
            grades = frozenset(g for _c, g in pairs if g is not None)
        return cls(
            region_id=posting.region_id,
            is_remote=posting.is_remote,
            hours=posting.hours,
            wage_max=posting.wage_max,
            education_min=posting.education_min,
            accessibility=frozenset(posting.accessibility or ()),
            terms=tuple((posting.terms or "").split()),
            title_terms=tuple((posting.title_terms or "").split()),
            categories=categories or None,
            grades=grades or None,
        )


@dataclass
class PersonFacts:
    region_id: str
    category_id: int | None
    category_name: str
    grade_id: int | None
    grade_name: str
    education: str
    needs: tuple[str, ...]
    skills: str
    work_preferences: str
    desired_jobs: str
    hours: str
    expected_wage: Decimal | None

    @classmethod
    def of(cls, person: Person, needs: NeedsRecord | None) -> PersonFacts:
        return cls.build(
            person,
            desired_jobs=needs.desired_jobs if needs else "",
            hours=needs.hours if needs else "",
            expected_wage=needs.expected_wage if needs else None,
        )

    @classmethod
    def annotated(cls, person: Person) -> PersonFacts:
        """From a person read through ``_with_latest_needs`` (the needs as annotations)."""
        return cls.build(
            person,
            desired_jobs=person.needs_desired_jobs or "",
            hours=person.needs_hours or "",
            expected_wage=_decimal_or_none(person.needs_expected_wage),
        )

    @classmethod
    def build(
        cls, person: Person, *, desired_jobs: str, hours: str, expected_wage: Decimal | None
    ) -> PersonFacts:
        raw = person.assistive_needs if isinstance(person.assistive_needs, list) else []
        codes = {str(code) for code in raw}
        return cls(
            region_id=person.region_id,
            category_id=person.category_id,
            category_name=person.category.name if person.category_id else "",
            grade_id=person.grade_id,
            grade_name=person.grade.name if person.grade_id else "",
            education=person.education,
            needs=tuple(code for code in NEED_ORDER if code in codes),
            skills=person.skills or "",
            work_preferences=person.work_preferences or "",
            desired_jobs=desired_jobs,
            hours=hours,
            expected_wage=expected_wage,
        )

    @property
    def text(self) -> str:
        # Joined by a newline: a term (letters only) never spans two fields.
        return "\n".join((self.skills, self.work_preferences, self.desired_jobs)).lower()

    @property
    def preference_text(self) -> str:
        """The stated preferences ("" when none: blank, or only spaces as SQL's TRIM sees)."""
        if not (self.desired_jobs.strip(" ") or self.work_preferences.strip(" ")):
            return ""
        return "\n".join((self.desired_jobs, self.work_preferences)).lower()


def _decimal_or_none(value: Any) -> Decimal | None:
    if value is None:
        return None
    # SQLite hands an annotation through a relation back as float or str; keep cents exact.
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --- the rules ------------------------------------------------------------------------------


def _exclusion(posting: PostingFacts, person: PersonFacts) -> str:
    if posting.categories is not None and person.category_id not in posting.categories:
        if person.category_id is None:
            return _("岗位只面向部分残疾类别，登记信息里还没有残疾类别")
        return _("岗位不适合%(category)s") % {"category": person.category_name}
    if posting.grades is not None and person.grade_id not in posting.grades:
        if person.grade_id is None:
            return _("岗位只面向部分残疾等级，登记信息里还没有残疾等级")
        return _("岗位不适合%(grade)s残疾") % {"grade": person.grade_name}
    for code in person.needs:
        feature, essential, label = NEEDS[code]
        if essential and feature not in posting.accessibility:
            return _("必需%(need)s，岗位没有") % {"need": label}
    return ""


def _distance(posting: PostingFacts, person: PersonFacts) -> str:
    if posting.is_remote:
        return "remote"
    if person.region_id == posting.region_id:
        return "village"
    if person.region_id[:9] == posting.region_id[:9]:
        return "town"
    if person.region_id[:6] == posting.region_id[:6]:
        return "county"
    return "far"


def _money(value: Decimal) -> str:
    value = Decimal(value)
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"


def _education_label(code: str) -> str:
    return str(dict(Education.choices).get(code, code))


def _hours_label(code: str) -> str:
    return str(dict(Hours.choices).get(code, code))


def _factors(
    posting: PostingFacts,
    person: PersonFacts,
    w: dict[str, int],
    *,
    text: str,
    preference_text: str,
    found: dict[str, bool] | None = None,
) -> list[tuple[str, int, Any]]:
    """Each factor's points and what they rest on (turned into words by ``_reason``).
    ``found`` memoises term lookups across postings for one person."""
    out: list[tuple[str, int, Any]] = []
    # Suitability: named explicitly, or open to every category.
    if posting.categories is not None:
        out.append(("suitability", w["suitability"], "named"))
    else:
        out.append(("suitability", round_half_up(w["suitability"], *SUITABILITY_OPEN), "open"))
    # Accessibility: the share of the person's needs the job meets.
    needs = person.needs
    if not needs:
        out.append(("accessibility", w["accessibility"], ()))
    else:
        met = [(code, NEEDS[code][0] in posting.accessibility) for code in needs]
        count = sum(1 for _code, ok in met if ok)
        out.append(("accessibility", round_half_up(w["accessibility"], count, len(met)), met))
    # Distance.
    where = _distance(posting, person)
    if where == "remote":
        out.append(("distance", w["distance"], where))
    else:
        out.append(("distance", round_half_up(w["distance"], *DISTANCE_SHARES[where]), where))
    # Education.
    minimum = posting.education_min
    if minimum not in EDUCATION_RANK:
        out.append(("education", w["education"], "none"))
    elif person.education in EDUCATION_RANK and (
        EDUCATION_RANK[person.education] >= EDUCATION_RANK[minimum]
    ):
        out.append(("education", w["education"], "met"))
    else:
        out.append(("education", 0, "below"))
    # Skills: the share of the posting's terms found in the person's text.
    out.append(("skills", *_skills(posting.terms, w["skills"], text, found)))
    # Hours.
    if person.hours in ANY_HOURS or person.hours == posting.hours:
        out.append(("hours", w["hours"], "ok"))
    else:
        out.append(("hours", 0, "no"))
    # Wage.
    if (
        person.expected_wage is None
        or posting.wage_max is None
        or person.expected_wage <= posting.wage_max
    ):
        out.append(("wage", w["wage"], "ok"))
    else:
        out.append(("wage", 0, "no"))
    # Stated preferences.
    out.append(
        ("preferences", *_preferences(posting.title_terms, w["preferences"], preference_text))
    )
    return out


def _skills(
    terms: tuple[str, ...], weight: int, text: str, found: dict[str, bool] | None = None
) -> tuple[int, tuple[str, ...]]:
    """The skills factor's points and the terms found (``found`` memoises lookups)."""
    if not terms:
        return weight, ()
    if found is None:
        matched = tuple(t for t in terms if t in text)
    else:
        hits = []
        for t in terms:
            hit = found.get(t)
            if hit is None:
                hit = found[t] = t in text
            if hit:
                hits.append(t)
        matched = tuple(hits)
    return round_half_up(weight, len(matched), len(terms)), matched


def _preferences(
    title_terms: tuple[str, ...], weight: int, preference_text: str
) -> tuple[int, str | None]:
    """The preferences factor's points and the title term found ("" none, None none stated)."""
    if not preference_text:
        return round_half_up(weight, 1, 2), None
    hit = next((t for t in title_terms if t in preference_text), None)
    return (weight if hit else 0), (hit or "")


def _reason(
    factor: str, points: int, basis: Any, posting: PostingFacts, person: PersonFacts
) -> str:
    if factor == "suitability":
        if basis == "named":
            return _("适合%(category)s") % {"category": person.category_name}
        return _("不限残疾类别")
    if factor == "accessibility":
        if not basis:
            return _("无特殊无障碍需求")
        return _("；").join(
            (_("需要%(need)s：有") if ok else _("需要%(need)s：无")) % {"need": NEEDS[code][2]}
            for code, ok in basis
        )
    if factor == "distance":
        return {
            "remote": _("可远程/线上工作"),
            "village": _("同一村（社区）"),
            "town": _("同一街道"),
            "county": _("同一区县"),
            "far": _("距离较远"),
        }[basis]
    if factor == "education":
        if basis == "none":
            return _("岗位不限学历")
        if basis == "met":
            return _("学历符合要求")
        required = _education_label(posting.education_min)
        if not person.education:
            return _("未登记学历，岗位要求：%(level)s") % {"level": required}
        return _("学历低于要求：%(level)s") % {"level": required}
    if factor == "skills":
        if not posting.terms:
            return _("岗位无技能要求")
        if not basis:
            return _("技能未匹配（岗位要求：%(terms)s）") % {"terms": "、".join(posting.terms)}
        text = _("技能匹配：%(terms)s") % {"terms": "、".join(basis)}
        missing = [t for t in posting.terms if t not in basis]
        if missing:
            text += _("（未匹配：%(terms)s）") % {"terms": "、".join(missing)}
        return text
    if factor == "hours":
        if person.hours in ANY_HOURS:
            return _("工作时间不限")
        if basis == "ok":
            return _("工作时间合适：%(hours)s") % {"hours": _hours_label(posting.hours)}
        return _("希望%(wanted)s，岗位为%(hours)s") % {
            "wanted": _hours_label(person.hours),
            "hours": _hours_label(posting.hours),
        }
    if factor == "wage":
        if person.expected_wage is None:
            return _("未说明期望月薪")
        if posting.wage_max is None:
            return _("岗位未写月薪上限")
        params = {"wage": _money(person.expected_wage), "max": _money(posting.wage_max)}
        if basis == "ok":
            return _("期望月薪%(wage)s元，不高于岗位上限%(max)s元") % params
        return _("期望月薪%(wage)s元，高于岗位上限%(max)s元") % params
    # preferences
    if basis is None:
        return _("未说明求职意向")
    if basis:
        return _("符合求职意向：%(term)s") % {"term": basis}
    return _("与求职意向不符")


def _match(
    posting: PostingFacts,
    person: PersonFacts,
    w: dict[str, int],
    *,
    words: bool = True,
    found: dict[str, bool] | None = None,
    text: str | None = None,
    preference_text: str | None = None,
) -> Match:
    factors = _factors(
        posting,
        person,
        w,
        text=person.text if text is None else text,
        preference_text=person.preference_text if preference_text is None else preference_text,
        found=found,
    )
    score = sum(points for _f, points, _b in factors)
    match = Match(
        score=score,
        excluded=_exclusion(posting, person),
        distance_rank=DISTANCE_ORDER[factors[2][2]],
    )
    if words:
        match.reasons = [
            Reason(f, points, w[f], _reason(f, points, basis, posting, person))
            for f, points, basis in factors
        ]
    return match


# --- reads ----------------------------------------------------------------------------------


def weights() -> dict[str, int]:
    """The weight of each factor (the defaults for a factor with no row)."""
    stored = dict(MatchWeight.objects.values_list("factor", "weight"))
    return {f: int(stored.get(f, DEFAULT_WEIGHTS[f])) for f in FACTORS}


def needs_years(on: dt.date) -> tuple[int, int]:
    """The needs registration that speaks for a person on a day: this year's, or last year's
    while this year's is still to be made (the duty is yearly; older answers are stale)."""
    return on.year, on.year - 1


def latest_needs(person_ids: Iterable[Any], on: dt.date | None = None) -> dict[Any, NeedsRecord]:
    """Each person's current needs registration of this year, else of last year (one query)."""
    out: dict[Any, NeedsRecord] = {}
    records = NeedsRecord.objects.filter(
        person_id__in=list(person_ids),
        is_current=True,
        year__in=needs_years(on or timezone.localdate()),
    )
    for record in records.order_by("person_id", "-year"):
        out.setdefault(record.person_id, record)
    return out


def explain(*, posting: Posting, person: Person, on: dt.date | None = None) -> Match:
    """Why this person ranks where they do for this posting (the reference for the rankings).
    ``on`` picks the needs registration that speaks for the person (``needs_years``); who is
    in the pool on the day is ``why_not_candidate``'s question."""
    needs = latest_needs([person.pk], on).get(person.pk)
    return _match(PostingFacts.of(posting), PersonFacts.of(person, needs), weights())


def _outside(person: Person) -> str:
    """Read from the flags of ``_with_pool_flags``."""
    if person.archived_at is not None:
        return _("档案已归档")
    if not person.alive_on_day:
        return _("人员已故或已迁出")
    if not person.in_working_age:
        return _("不在就业年龄段")
    if person.wish_to_work != WishToWork.YES:
        return _("未登记就业意愿（就业意愿：%(wish)s）") % {
            "wish": person.get_wish_to_work_display()
        }
    if person.employed_on_day:
        return _("目前已就业")
    return ""


def _when(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _with_pool_flags(queryset: QuerySet[Person], on: dt.date) -> QuerySet[Person]:
    """Each condition of ``candidate_pool`` as a flag, to say which one keeps a person out."""
    return queryset.annotate(
        alive_on_day=_when(alive_on_q(on)),
        in_working_age=_when(working_age_q(on)),
        employed_on_day=_when(employed_on_q(on)),
    )


def why_not_candidate(person: Person, on: dt.date | None = None) -> str:
    """Why a person is outside every posting's candidate pool on the day ("" when inside):
    the same conditions as ``candidate_pool``, in words."""
    on = on or timezone.localdate()
    return _outside(_with_pool_flags(Person.objects.filter(pk=person.pk), on).get())


@dataclass
class Lookup:
    """One person named in "why is this person not listed?": why they are outside the pool
    (if so) and what ``explain`` says for the posting."""

    person: Person
    outside: str
    match: Match


def explain_many(
    *,
    posting: Posting,
    persons: QuerySet[Person],
    on: dt.date | None = None,
    w: dict[str, int] | None = None,
) -> list[Lookup]:
    """``why_not_candidate`` and ``explain`` for a few persons, in two queries (``w``: the
    weights already read for the page, if any)."""
    on = on or timezone.localdate()
    w = w or weights()
    facts = PostingFacts.of(posting)
    rows = _with_latest_needs(_with_pool_flags(persons, on), on).select_related(
        "region__parent", "category", "grade"
    )
    return [
        Lookup(
            person=person,
            outside=_outside(person),
            match=_match(facts, PersonFacts.annotated(person), w),
        )
        for person in rows
    ]


def candidate_pool(persons: QuerySet[Person], on: dt.date) -> QuerySet[Person]:
    """Job seekers on the day: on the register, alive and not moved away, of working age,
    wanting work and with no employment record covering the day."""
    # The few persons with a job on the day, read once (not a probe per job seeker).
    return _pool_before_jobs(persons, on).exclude(pk__in=_employed_on(on))


def _pool_before_jobs(persons: QuerySet[Person], on: dt.date) -> QuerySet[Person]:
    """``candidate_pool`` but for its last test (no job on the day)."""
    return (
        registered_persons(queryset=persons)
        .filter(working_age_q(on, most_rows=True))
        .filter(alive_on_q(on))
        .filter(wish_to_work=WishToWork.YES)
    )


def _employed_on(on: dt.date) -> QuerySet[EmploymentRecord]:
    return EmploymentRecord.objects.filter(covering_q(on)).values("person_id")


def _has_need(code: str) -> Q:
    """The person's needs list holds ``code``. PostgreSQL asks the jsonb value itself (``?``:
    an element of the list, as ``PersonFacts`` reads it); ``icontains`` there was
    ``UPPER(needs::text) LIKE``, a cast and an upper-casing of the list for each code tested,
    which were most of the pool's pass (bench/README.md). SQLite keeps the text pattern: the
    list is stored as text, and the quoted code never matches another code."""
    if connection.vendor == "postgresql":
        return Q(assistive_needs__has_key=code)
    return Q(assistive_needs__icontains=f'"{code}"')


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())


def _person_text_has(term: str) -> Q:
    return (
        Q(skills__icontains=term)
        | Q(work_preferences__icontains=term)
        | Q(needs_desired_jobs__icontains=term)
    )


def _name_order() -> Collate:
    # Code-point order on both databases, as Python sorts the re-scored rows.
    return Collate(F("name"), "C" if connection.vendor == "postgresql" else "BINARY")


def _reference_names() -> dict[tuple[str, int], str]:
    """The names of every category and grade, in one query."""
    categories = (
        DisabilityCategory.objects.order_by()
        .annotate(kind=Value("category"))
        .values_list("kind", "pk", "name")
    )
    grades = (
        DisabilityGrade.objects.order_by()
        .annotate(kind=Value("grade"))
        .values_list("kind", "pk", "name")
    )
    return {(kind, pk): name for kind, pk, name in categories.union(grades, all=True)}


def _exclusions_q(posting: PostingFacts) -> tuple[list[tuple[str, Any, Q]], dict]:
    """(kind, key, condition) for each hard exclusion, in the order ``_exclusion`` checks
    them; each condition holds only for persons no earlier one excluded. With the names of
    the categories and grades they mention."""
    rules: list[tuple[str, Any, Q]] = []
    names: dict[tuple[str, int], str] = {}
    if posting.categories is not None or posting.grades is not None:
        names = _reference_names()
    if posting.categories is not None:
        rules.append(("category", None, Q(category__isnull=True)))
        for kind, code in sorted(names):
            if kind == "category" and code not in posting.categories:
                rules.append(("category", code, Q(category_id=code)))
    if posting.grades is not None:
        rules.append(("grade", None, Q(grade__isnull=True)))
        for kind, code in sorted(names):
            if kind == "grade" and code not in posting.grades:
                rules.append(("grade", code, Q(grade_id=code)))
    for code in NEED_ORDER:
        feature, essential, _label = NEEDS[code]
        if essential and feature not in posting.accessibility:
            rules.append(("need", code, _has_need(code)))
    out: list[tuple[str, Any, Q]] = []
    earlier: list[Q] = []
    for kind, key, q in rules:
        condition = q
        for prior in earlier:
            condition &= ~prior
        out.append((kind, key, condition))
        earlier.append(q)
    return out, names


def _eligible_q(posting: PostingFacts) -> Q:
    """Past every hard exclusion of ``_exclusions_q`` (none of its conditions holds): a
    category (grade) the posting lists, when it lists any, and no essential need it does not
    meet."""
    q = Q()
    if posting.categories is not None:
        q &= Q(category_id__in=sorted(posting.categories))
    if posting.grades is not None:
        q &= Q(grade_id__in=sorted(posting.grades))
    for code in NEED_ORDER:
        feature, essential, _label = NEEDS[code]
        if essential and feature not in posting.accessibility:
            q &= ~_has_need(code)
    return q


def _exclusion_text(kind: str, key: Any, names: dict[tuple[str, Any], str]) -> str:
    if kind == "category":
        if key is None:
            return _("岗位只面向部分残疾类别，登记信息里还没有残疾类别")
        return _("岗位不适合%(category)s") % {"category": names[(kind, key)]}
    if kind == "grade":
        if key is None:
            return _("岗位只面向部分残疾等级，登记信息里还没有残疾等级")
        return _("岗位不适合%(grade)s残疾") % {"grade": names[(kind, key)]}
    return _("必需%(need)s，岗位没有") % {"need": NEEDS[key][2]}


class SimpleCase(Func):
    """``CASE <operand> WHEN k THEN v … ELSE d END``: unlike Django's ``Case``, the operand is
    computed once per row, however many values it is compared with."""

    output_field = IntegerField()

    def __init__(self, operand: Any, values: dict[int, int], *, default: int) -> None:
        super().__init__(operand)
        self.values = values
        self.default = default

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        operand, params = compiler.compile(self.source_expressions[0])
        arms = " ".join(f"WHEN {int(k)} THEN {int(v)}" for k, v in self.values.items())
        return f"(CASE {operand} {arms} ELSE {int(self.default)} END)", params


def _accessibility_sql(posting: PostingFacts, w: dict[str, int]) -> Case:
    """The accessibility points as an SQL expression (of ``needs_text``, the needs list as
    text: ``_with_latest_needs``)."""
    wa = w["accessibility"]
    combined: Any = None
    offered = 0
    for code in NEED_ORDER:
        weight = 17 if NEEDS[code][0] in posting.accessibility else 1
        offered += weight == 17
        flag = Case(
            When(_has_need(code), then=Value(weight)), default=Value(0), output_field=IntegerField()
        )
        combined = flag if combined is None else combined + flag
    points = {
        total + 16 * met: round_half_up(wa, met, total)
        for total in range(1, len(NEED_ORDER) + 1)
        for met in range(0, min(total, offered) + 1)
    }
    return Case(
        When(Q(needs_text__in=["[]", ""]), then=Value(wa)),
        default=SimpleCase(combined, points, default=wa),
        output_field=IntegerField(),
    )


def _score_sql(posting: PostingFacts, w: dict[str, int]) -> tuple[Any, Any]:
    """The score and the distance rank as SQL expressions (the same integers as ``_factors``
    and ``Match.distance_rank``, for persons who pass the hard exclusions)."""
    suitability = (
        w["suitability"]
        if posting.categories is not None
        else round_half_up(w["suitability"], *SUITABILITY_OPEN)
    )
    constant = suitability
    parts: list[Any] = []
    # Accessibility: each need's LIKE is evaluated once, into one number that says how many
    # needs the person has and how many of them the job meets (total + 16 × met), which a
    # simple CASE (its operand computed once) turns into the points; no needs at all is the
    # common case and skips the LIKEs.
    parts.append(_accessibility_sql(posting, w))
    # Distance.
    wd = w["distance"]
    if posting.is_remote:
        rank: Any = Value(DISTANCE_ORDER["remote"])
        constant += wd
    else:
        share = {k: round_half_up(wd, *v) for k, v in DISTANCE_SHARES.items()}
        places = [
            ("village", Q(region_id=posting.region_id)),
            ("town", Q(region__code__startswith=posting.region_id[:9])),
            ("county", Q(region__code__startswith=posting.region_id[:6])),
        ]
        parts.append(
            Case(
                *(When(q, then=Value(share[k])) for k, q in places),
                default=Value(share["far"]),
                output_field=IntegerField(),
            )
        )
        rank = Case(
            *(When(q, then=Value(DISTANCE_ORDER[k])) for k, q in places),
            default=Value(DISTANCE_ORDER["far"]),
            output_field=IntegerField(),
        )
    # Education.
    minimum = posting.education_min
    if minimum not in EDUCATION_RANK:
        constant += w["education"]
    else:
        enough = [c for c, rank in EDUCATION_RANK.items() if rank >= EDUCATION_RANK[minimum]]
        parts.append(
            Case(
                When(education__in=enough, then=Value(w["education"])),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    # Skills.
    if not posting.terms:
        constant += w["skills"]
    else:
        matched = None
        for term in posting.terms:
            flag = _flag(_person_text_has(term))
            matched = flag if matched is None else matched + flag
        n = len(posting.terms)
        parts.append((Value(2 * w["skills"]) * matched + Value(n)) / Value(2 * n))
    # Hours.
    parts.append(
        Case(
            When(Q(needs_hours__isnull=True), then=Value(w["hours"])),
            When(Q(needs_hours__in=[*ANY_HOURS, posting.hours]), then=Value(w["hours"])),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    # Wage.
    if posting.wage_max is None:
        constant += w["wage"]
    else:
        parts.append(
            Case(
                When(
                    Q(needs_expected_wage__isnull=True)
                    | Q(needs_expected_wage__lte=posting.wage_max),
                    then=Value(w["wage"]),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    # Preferences.
    wp = w["preferences"]
    stated = ~Q(work_preferences_trim="") | ~Q(desired_jobs_trim="")
    hit = Q(pk__in=[])
    for term in posting.title_terms:
        hit |= Q(work_preferences__icontains=term) | Q(needs_desired_jobs__icontains=term)
    parts.append(
        Case(
            When(~stated, then=Value(round_half_up(wp, 1, 2))),
            When(hit, then=Value(wp)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    score: Any = Value(constant)
    for part in parts:
        score = score + part
    return score, rank


def _with_latest_needs(queryset: QuerySet[Person], on: dt.date) -> QuerySet[Person]:
    """The needs registration of ``needs_years`` as annotations: two plain left joins on
    constant years (a per-row "latest year" subquery made PostgreSQL re-plan every row)."""
    now, before = needs_years(on)

    def registered(year: int) -> FilteredRelation:
        return FilteredRelation(
            "needs_records",
            condition=Q(needs_records__is_current=True) & Q(needs_records__year=year),
        )

    def field(name: str) -> Case:
        return Case(
            When(needs_now__id__isnull=False, then=F(f"needs_now__{name}")),
            default=F(f"needs_before__{name}"),
        )

    return (
        queryset.annotate(needs_now=registered(now), needs_before=registered(before))
        .annotate(
            needs_desired_jobs=field("desired_jobs"),
            needs_hours=field("hours"),
            needs_expected_wage=field("expected_wage"),
        )
        .annotate(
            # The needs list as text: "[]" (no needs) is compared as is, not as JSON.
            needs_text=Cast("assistive_needs", TextField()),
            work_preferences_trim=Trim("work_preferences"),
            desired_jobs_trim=Trim(Coalesce(F("needs_desired_jobs"), Value(""))),
        )
    )


def candidates_for_posting(
    *,
    posting: Posting,
    persons: QuerySet[Person],
    on: dt.date | None = None,
    limit: int = 20,
    prune: bool = True,
) -> Ranking:
    """The best candidates for a posting among ``persons`` (already scoped by the caller),
    with how many were considered and how many each hard exclusion kept out. The full score
    (joins to the needs registration, text patterns) is ranked in SQL nearest seekers first,
    and farther ones only while they can still reach the list (``_top_by_distance``;
    everyone in one query with ``prune=False``, or when fewer than ``PRUNE_FROM`` are
    eligible). The results are the same either way."""
    on = on or timezone.localdate()
    w = weights()
    facts = PostingFacts.of(posting)
    pool = candidate_pool(persons, on)
    rules, names = _exclusions_q(facts)
    # The pool, and the persons each exclusion keeps out.
    columns = {
        "considered": Count("pk"),
        **{f"x{i}": Count("pk", filter=q) for i, (_k, _key, q) in enumerate(rules)},
    }
    if prune and connection.vendor == "sqlite":
        # Counted without the test "no job on the day" (a probe of the employed persons'
        # list per seeker, a third of the pass on SQLite), less the same counts over the
        # few employed persons: the same numbers. (PostgreSQL hashes the list once; there
        # the second count would be a second scan.)
        wide = _pool_before_jobs(persons, on)
        everyone = wide.aggregate(**columns)
        employed = wide.filter(pk__in=_employed_on(on)).aggregate(**columns)
        counts = {key: everyone[key] - employed[key] for key in columns}
    else:
        counts = pool.aggregate(**columns)
    excluded = [
        (_exclusion_text(kind, key, names), counts[f"x{i}"])
        for i, (kind, key, _q) in enumerate(rules)
        if counts[f"x{i}"]
    ]
    score, rank = _score_sql(facts, w)

    def ranked(people: QuerySet[Person]) -> QuerySet[Person]:
        # The hard exclusions are tested before the pool's tests: a few comparisons on the
        # row that leave out most of a category list's seekers before the probe of the
        # employed persons' list (the databases test a scan's conditions in this order).
        eligible = candidate_pool(people.filter(_eligible_q(facts)), on)
        return (
            _with_latest_needs(eligible, on)
            .annotate(match_score=score, match_distance=rank)
            .select_related("region__parent", "category", "grade")
            .order_by("-match_score", "match_distance", _name_order(), "pk")
        )

    rings = _distance_rings(facts, w)
    eligible_count = counts["considered"] - sum(counts[f"x{i}"] for i in range(len(rules)))
    if prune and limit > 0 and rings and eligible_count >= PRUNE_FROM:
        top = _top_by_distance(
            persons,
            ranked,
            rings,
            _seeker_bound(facts, w),
            _accessibility_sql(facts, w),
            w["accessibility"],
            limit=limit,
        )
    else:
        top = list(ranked(persons)[: limit + MARGIN])
    scored = [(person, _match(facts, PersonFacts.annotated(person), w)) for person in top]
    scored.sort(key=lambda pm: (-pm[1].score, pm[1].distance_rank, pm[0].name, str(pm[0].pk)))
    return Ranking(
        results=scored[:limit],
        considered=counts["considered"],
        excluded=excluded,
        weights=w,
        scored=len(top),
    )


def _distance_rings(posting: PostingFacts, w: dict[str, int]) -> list[tuple[int, Q]]:
    """The seekers around a posting, nearest first, as (the most points a seeker there can
    score, the condition on their village): the same village, the rest of the town, and
    everyone else. The first two are ranges of village codes (``region_under_q``) that the
    ``(region, birth_date)`` index reads directly; the rest is read by a scan (an index walk
    over most of the pool costs more than the scan). Together they hold everyone. For a
    remote posting (every seeker as near) the posting's village is read first all the same:
    its best scores set the bar the others' bounds must reach."""
    village = posting.region_id
    if posting.is_remote:
        most = _most_points(posting, w, but=())
        return [(most, Q(region_id=village)), (most, ~Q(region_id=village))]
    share = {k: round_half_up(w["distance"], *v) for k, v in DISTANCE_SHARES.items()}
    others = _most_points(posting, w, but=("distance",))
    town = region_under_q(village[:9])
    return [
        (others + share["village"], Q(region_id=village)),
        (others + share["town"], town & ~Q(region_id=village)),
        (others + max(share["county"], share["far"]), ~town),
    ]


def _most_points(posting: PostingFacts, w: dict[str, int], *, but: tuple[str, ...]) -> int:
    """The most points of every factor but ``but`` an eligible seeker can score: each
    factor's weight, suitability's as ``_factors`` gives it (the same for every seeker)."""
    points = {**w}
    if posting.categories is None:
        points["suitability"] = round_half_up(w["suitability"], *SUITABILITY_OPEN)
    return sum(points[f] for f in FACTORS if f not in but)


def _seeker_bound(posting: PostingFacts, w: dict[str, int]) -> Any:
    """The most points a seeker can score for a posting, as an SQL expression of the
    person's own row (no join, no text pattern): distance and education exactly (the
    classes of ``_score_sql``, codes being 12 digits), suitability as every eligible seeker
    gets it, every other factor at its weight."""
    share = {k: round_half_up(w["distance"], *v) for k, v in DISTANCE_SHARES.items()}
    village = posting.region_id
    distance: Any = Case(
        When(Q(region_id=village), then=Value(share["village"])),
        When(region_under_q(village[:9]), then=Value(share["town"])),
        When(region_under_q(village[:6]), then=Value(share["county"])),
        default=Value(share["far"]),
        output_field=IntegerField(),
    )
    if posting.is_remote:
        distance = Value(w["distance"])
    others = _most_points(posting, w, but=("distance", "education"))
    minimum = posting.education_min
    if minimum not in EDUCATION_RANK:
        return Value(others + w["education"]) + distance
    enough = [c for c, rank in EDUCATION_RANK.items() if rank >= EDUCATION_RANK[minimum]]
    education = Case(
        When(education__in=enough, then=Value(w["education"])),
        default=Value(0),
        output_field=IntegerField(),
    )
    return Value(others) + distance + education


def _top_by_distance(
    persons: QuerySet[Person],
    ranked: Callable[[QuerySet[Person]], QuerySet[Person]],
    rings: list[tuple[int, Q]],
    bound: Any,
    access: Any,
    weight: int,
    *,
    limit: int,
) -> list[Person]:
    """The first ``limit + MARGIN`` rows of ``ranked(persons)`` (score first), read ring by
    ring. Once ``limit`` scores are found, the ``limit``-th best, T, is the least a seeker
    must score to reach the list: a ring whose most is below T is not read, and in a ring
    that is read only the seekers whose bound (``_seeker_bound``, then with the
    accessibility points ``access`` in place of their ``weight``) is at least T are scored
    (a tie could still come first by distance or name, so ties are scored). The rows of each
    ring are merged in the order of ``ranked`` (score, distance, name in code points, id:
    what the Python sort of ``candidates_for_posting`` uses too)."""
    want = limit + MARGIN
    top: list[Person] = []
    for most, where in rings:
        if len(top) < limit:
            rows = ranked(persons.filter(where))
        else:
            least = top[limit - 1].match_score
            if most < least:
                continue
            # The bound is tested first (a few comparisons on the row, before the pool's
            # tests), then with the accessibility points in place of their weight (the needs
            # list's patterns) for the seekers it leaves.
            near = persons.filter(where).alias(match_bound=bound).filter(match_bound__gte=least)
            rows = (
                ranked(near)
                .alias(match_reach=bound - Value(weight) + access)
                .filter(match_reach__gte=least)
            )
        top = sorted(
            [*top, *rows[:want]],
            key=lambda p: (-p.match_score, p.match_distance, p.name, str(p.pk)),
        )[:want]
    return top


def _listing(person: Person) -> dict[str, Q]:
    """Postings that list categories (grades) at all, and those that list the person's own:
    plain ``IN (subquery)`` tests, which both databases hash once (a correlated ``EXISTS``
    inside ``NOT``/``OR`` made PostgreSQL probe per posting)."""
    categories = Posting.suitable_categories.through.objects.values("posting_id")
    grades = Posting.suitable_grades.through.objects.values("posting_id")
    return {
        "categories_listed": Q(pk__in=categories),
        "category_named": Q(pk__in=categories.filter(disabilitycategory_id=person.category_id)),
        "grades_listed": Q(pk__in=grades),
        "grade_named": Q(pk__in=grades.filter(disabilitygrade_id=person.grade_id)),
    }


def _posting_exclusions(person: PersonFacts, listing: dict[str, Q]) -> list[tuple[str, Q]]:
    """(reason, condition) for each hard exclusion of postings for this person, in the order
    ``_exclusion`` checks them; each condition holds only for postings no earlier one kept
    out."""
    rules: list[tuple[str, Q]] = []
    if person.category_id is None:
        reason = _("岗位只面向部分残疾类别，登记信息里还没有残疾类别")
        rules.append((reason, listing["categories_listed"]))
    else:
        reason = _("岗位不适合%(category)s") % {"category": person.category_name}
        rules.append((reason, listing["categories_listed"] & ~listing["category_named"]))
    if person.grade_id is None:
        reason = _("岗位只面向部分残疾等级，登记信息里还没有残疾等级")
        rules.append((reason, listing["grades_listed"]))
    else:
        reason = _("岗位不适合%(grade)s残疾") % {"grade": person.grade_name}
        rules.append((reason, listing["grades_listed"] & ~listing["grade_named"]))
    for code in person.needs:
        feature, essential, label = NEEDS[code]
        if essential:
            reason = _("必需%(need)s，岗位没有") % {"need": label}
            rules.append((reason, ~Q(accessibility__icontains=f'"{feature}"')))
    out: list[tuple[str, Q]] = []
    earlier: list[Q] = []
    for reason, q in rules:
        condition = q
        for prior in earlier:
            condition &= ~prior
        out.append((reason, condition))
        earlier.append(q)
    return out


# The scoring columns of a posting; the id and the JSON list come back as text, which spares
# the per-row converters of 20,000 rows.
_POSTING_COLUMNS = {
    "pk_text": Cast("pk", CharField()),
    "region_text": F("region_id"),
    "remote_int": Cast("is_remote", IntegerField()),
    "hours_text": F("hours"),
    "wage_text": Cast("wage_max", CharField()),
    "education_text": F("education_min"),
    "access_text": Cast("accessibility", TextField()),
    "terms_text": F("terms"),
    "title_terms_text": F("title_terms"),
    "title_text": F("title"),
}


def _posting_bounds(
    who: PersonFacts, w: dict[str, int], listing: dict[str, Q], *, text: str, preference_text: str
) -> tuple[Any, Any, Any]:
    """SQL expressions of the exact part of a posting's score for this person (every factor
    but skills and preferences), and of the least and the most points it can score
    (``_factors`` on the posting's columns, for postings past the hard exclusions).

    Suitability, accessibility, distance, education, hours and wage are exact; skills and
    preferences, which look for a posting's terms in the person's own words, are exact when
    the person has no words to look in (or the posting no terms) and otherwise bounded by
    nothing and their full weight."""
    ws, wp = w["skills"], w["preferences"]
    open_share = round_half_up(w["suitability"], *SUITABILITY_OPEN)
    parts: list[Any] = [
        Case(
            When(listing["categories_listed"], then=Value(w["suitability"])),
            default=Value(open_share),
            output_field=IntegerField(),
        )
    ]
    # Accessibility: the share of the person's needs the posting meets.
    wa = w["accessibility"]
    if not who.needs:
        parts.append(Value(wa))
    else:
        met: Any = None
        for code in who.needs:
            flag = _flag(Q(accessibility__icontains=f'"{NEEDS[code][0]}"'))
            met = flag if met is None else met + flag
        total = len(who.needs)
        points = {n: round_half_up(wa, n, total) for n in range(total + 1)}
        parts.append(SimpleCase(met, points, default=wa))
    # Distance.
    wd = w["distance"]
    share = {k: round_half_up(wd, *v) for k, v in DISTANCE_SHARES.items()}
    parts.append(
        Case(
            When(Q(is_remote=True), then=Value(wd)),
            When(Q(region_id=who.region_id), then=Value(share["village"])),
            When(Q(region__code__startswith=who.region_id[:9]), then=Value(share["town"])),
            When(Q(region__code__startswith=who.region_id[:6]), then=Value(share["county"])),
            default=Value(share["far"]),
            output_field=IntegerField(),
        )
    )
    # Education: nothing for a minimum above the person's (any listed one, if theirs is not).
    mine = EDUCATION_RANK.get(who.education)
    above = [c for c, rank in EDUCATION_RANK.items() if mine is None or rank > mine]
    parts.append(
        Case(
            When(Q(education_min__in=above), then=Value(0)),
            default=Value(w["education"]),
            output_field=IntegerField(),
        )
    )
    # Hours.
    if who.hours in ANY_HOURS:
        parts.append(Value(w["hours"]))
    else:
        parts.append(_flag(Q(hours=who.hours)) * Value(w["hours"]))
    # Wage.
    if who.expected_wage is None:
        parts.append(Value(w["wage"]))
    else:
        fits = Q(wage_max__isnull=True) | Q(wage_max__gte=who.expected_wage)
        parts.append(_flag(fits) * Value(w["wage"]))
    exact: Any = Value(0)
    for part in parts:
        exact = exact + part
    # Skills: full for a posting without terms; none found in a person without words.
    no_terms = Q(terms_trim="")
    # A term holds no whitespace, so none is in a text that is only whitespace.
    skills_hi = ws if text.strip() else 0
    skills_low = _flag(no_terms) * Value(ws)
    skills_high = Case(
        When(no_terms, then=Value(ws)), default=Value(skills_hi), output_field=IntegerField()
    )
    # Preferences: half for a person who states none; none for a posting without title terms.
    if not preference_text:
        pref_low = pref_high = Value(round_half_up(wp, 1, 2))
    else:
        pref_low = Value(0)
        pref_high = Case(
            When(Q(title_terms_trim=""), then=Value(0)),
            default=Value(wp),
            output_field=IntegerField(),
        )
    return exact, exact + skills_low + pref_low, exact + skills_high + pref_high


def _worth_scoring(
    eligible: QuerySet[Posting],
    who: PersonFacts,
    w: dict[str, int],
    listing: dict[str, Q],
    *,
    limit: int,
    text: str,
    preference_text: str,
) -> QuerySet[Posting]:
    """The postings that can still reach the first ``limit``: the ``limit``-th best least
    score T is found in SQL, and a posting whose most is below T is beaten by ``limit``
    postings whatever its words (their least ≥ T > its most), so it is not fetched. For a
    person without words least = most, and the postings kept are those ranked ``limit`` or
    better by it, in the same statement as their fetch.

    For a person with words, whose skills and preferences are only bounded, the postings left
    are read once more with only their terms and the exact part of their score, the two
    factors are added here (``_skills``, ``_preferences``, as ``_factors`` does), and the same
    cut is made again on the exact scores."""
    exact, low, high = _posting_bounds(
        w=w, who=who, listing=listing, text=text, preference_text=preference_text
    )
    trimmed = eligible.alias(terms_trim=Trim("terms"), title_terms_trim=Trim("title_terms"))
    if not (text.strip() or preference_text):
        # Least = most = the score: the postings whose score is at least the ``limit``-th best
        # are those ranked ``limit`` or better (a tie shares the rank of its first; a posting
        # below T has ≥ ``limit`` postings above it). One pass instead of the threshold's and
        # the cut's; fewer than ``limit`` postings are all ranked within it.
        return trimmed.alias(
            score_rank=Window(Rank(), order_by=OrderBy(low, descending=True))
        ).filter(score_rank__lte=limit)
    threshold = list(
        trimmed.annotate(least=low)
        .order_by("-least")
        .values_list("least", flat=True)[limit - 1 : limit]
    )
    if not threshold:  # fewer than ``limit`` postings: every one is shown
        return eligible
    kept = trimmed.alias(most=high).filter(most__gte=threshold[0])
    rows = kept.annotate(exact_part=exact).values_list("pk", "exact_part", "terms", "title_terms")
    found: dict[str, bool] = {}
    scores = []
    for pk, part, terms, title_terms in rows.iterator(chunk_size=5000):
        skills, _matched = _skills(tuple(terms.split()), w["skills"], text, found)
        preferences, _hit = _preferences(
            tuple(title_terms.split()), w["preferences"], preference_text
        )
        scores.append((part + skills + preferences, pk))
    cut = sorted((score for score, _pk in scores), reverse=True)[limit - 1]
    return eligible.filter(pk__in=[pk for score, pk in scores if score >= cut])


def postings_for_person(
    *,
    person: Person,
    postings: QuerySet[Posting],
    on: dt.date | None = None,
    limit: int = 20,
    prune: bool = True,
) -> Ranking:
    """The best postings for a person among ``postings`` (the caller passes the open ones),
    with how many were considered and how many each hard exclusion kept out. The exclusions
    are counted and left out in SQL; the postings that can still reach the first ``limit``
    (``_worth_scoring``; all of them with ``prune=False``) are scored here."""
    w = weights()
    needs = latest_needs([person.pk], on).get(person.pk)
    who = PersonFacts.of(person, needs)
    text, preference_text = who.text, who.preference_text
    found: dict[str, bool] = {}
    # Only whether the person's own category (grade) is listed matters: one set stands in.
    own_category = frozenset([person.category_id]) if person.category_id is not None else None
    own_grade = frozenset([person.grade_id]) if person.grade_id is not None else None
    listing = _listing(person)
    rows = postings
    rules = _posting_exclusions(who, listing)
    counts = rows.aggregate(
        considered=Count("pk"),
        **{f"x{i}": Count("pk", filter=q) for i, (_reason, q) in enumerate(rules)},
    )
    excluded: dict[str, int] = {}
    for i, (reason, _q) in enumerate(rules):
        if counts[f"x{i}"]:
            excluded[reason] = excluded.get(reason, 0) + counts[f"x{i}"]
    eligible = rows
    for _reason, q in rules:
        eligible = eligible.exclude(q)
    if prune and limit > 0:
        eligible = _worth_scoring(
            eligible, who, w, listing, limit=limit, text=text, preference_text=preference_text
        )
    # Left after the exclusions, a posting that lists categories (grades) lists the person's.
    flags = {
        "cat_listed_int": _flag(listing["categories_listed"]),
        "grade_listed_int": _flag(listing["grades_listed"]),
    }
    columns = {**_POSTING_COLUMNS, **flags}
    eligible = eligible.annotate(**columns).values_list(*columns)
    scored: list[tuple[int, int, str, str]] = []
    wants_wage, has_needs = who.expected_wage is not None, bool(who.needs)
    for row in eligible.iterator(chunk_size=5000):
        (pk, region_id, remote, hours, wage_max, education_min, access, terms, title_terms,
         title, cat_listed, grade_listed) = row  # fmt: skip
        facts = PostingFacts(
            region_id=region_id,
            is_remote=bool(remote),
            hours=hours,
            # Only read when the person states a wage, or has needs to meet.
            wage_max=Decimal(wage_max) if wants_wage and wage_max is not None else None,
            education_min=education_min,
            accessibility=frozenset(json.loads(access)) if has_needs and access else frozenset(),
            terms=tuple(terms.split()) if terms else (),
            title_terms=tuple(title_terms.split()) if title_terms else (),
            categories=own_category if cat_listed else None,
            grades=own_grade if grade_listed else None,
        )
        match = _match(
            facts,
            who,
            w,
            words=False,
            found=found,
            text=text,
            preference_text=preference_text,
        )
        scored.append((-match.score, match.distance_rank, title, pk))
    scored.sort()
    top = [uuid.UUID(row[-1]) for row in scored[:limit]]
    considered = counts["considered"]
    objects = Posting.objects.select_related(
        "employer", "region__parent", "occupation"
    ).prefetch_related("suitable_categories", "suitable_grades")
    by_pk = {p.pk: p for p in objects.filter(pk__in=top)}
    results = []
    for pk in top:
        posting = by_pk[pk]
        results.append((posting, _match(PostingFacts.of(posting), who, w)))
    return Ranking(
        results=results,
        considered=considered,
        excluded=sorted(excluded.items(), key=lambda item: -item[1]),
        weights=w,
        scored=len(scored),
    )
