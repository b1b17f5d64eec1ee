"""Reads of job postings: what a user may see, the search of the postings page, open postings.

A posting is organisational data: every signed-in role reads published ones. Drafts, postings
under review, filled, closed and archived ones are seen only by those who write them
(district staff and administrators all; a town officer those in their town; an employer its
own) — for anyone else they are not there (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from jiuye.accounts.models import Role
from jiuye.core.scoping import town_prefix
from jiuye.jobs.models import Posting, PostingStatus, TargetGroup
from jiuye.jobs.services.terms import terms

# The status filter's extra values besides PostingStatus: open (published, deadline not past)
# is the default; "archived" lists archived postings within what the user writes.
OPEN = ""
ARCHIVED = "archived"


def _published() -> Q:
    return Q(status=PostingStatus.PUBLISHED, archived_at__isnull=True)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _written_by(user: Any) -> Q | None:
    """The postings a signed-in user writes, as a condition: an empty Q for every posting
    (district staff), None for none."""
    if user.role in (Role.ADMIN, Role.DISTRICT):
        return Q()
    if user.role == Role.TOWN and user.town_id:
        return Q(region__code__startswith=town_prefix(user.town_id))
    if user.role == Role.EMPLOYER and user.employer_id:
        return Q(employer_id=user.employer_id)
    return None


def writable_postings(user: Any) -> QuerySet[Posting]:
    """Postings a user writes, of every status (archived ones too)."""
    written = _written_by(user) if _signed_in(user) else None
    return Posting.objects.none() if written is None else Posting.objects.filter(written)


def postings_visible(user: Any) -> QuerySet[Posting]:
    """Published, not archived postings for everyone signed in; plus, for those who write
    postings, their own of every status."""
    if not _signed_in(user):
        return Posting.objects.none()
    written = _written_by(user)
    if written is None:
        return Posting.objects.filter(_published())
    return Posting.objects.filter(_published() | written) if written else Posting.objects.all()


def open_postings(on: dt.date) -> QuerySet[Posting]:
    """Published, not archived, and the deadline not passed on ``on``."""
    return Posting.objects.filter(_published()).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=on)
    )


def _open(on: dt.date) -> Q:
    return _published() & (Q(deadline__isnull=True) | Q(deadline__gte=on))


def posting_search(
    queryset: QuerySet[Posting],
    *,
    q: str = "",
    region: str = "",
    category: int | None = None,
    remote: bool = False,
    subtype: str = "",
    graduates: bool = False,
    status: str = OPEN,
    group: str = "",
    on: dt.date | None = None,
    user: Any = None,
) -> QuerySet[Posting]:
    """The postings page's filters over a queryset already narrowed to what the user sees.

    - ``q``: every word is in the title, the employer's name, the occupation, or the skills
      and requirements (by their jieba terms, so "电商客服" finds a skill "电商 客服");
    - ``region``: a town's (or village's) code: postings there, and remote postings;
    - ``category``: postings that suit this disability category — those listing it, and those
      listing none (they suit every category);
    - ``remote``: only postings that can be done remotely; ``subtype``: a new form of
      employment; ``graduates`` (or ``group``): postings meant for that target group;
    - ``status``: "" is the open postings (published, deadline not passed on ``on``); another
      posting status or "archived" lists those within what ``user`` writes (their own for an
      employer), of that status.
    With ``user`` an employer, the open list also shows its own postings of every status.
    """
    on = on or timezone.localdate()
    qs = queryset
    if status == OPEN:
        condition = _open(on)
        if user is not None and user.role == Role.EMPLOYER and user.employer_id:
            condition |= Q(employer_id=user.employer_id, archived_at__isnull=True)
        qs = qs.filter(condition)
    else:
        qs = qs.filter(pk__in=writable_postings(user).values("pk")) if user else qs.none()
        if status == ARCHIVED:
            qs = qs.filter(archived_at__isnull=False)
        else:
            qs = qs.filter(status=status, archived_at__isnull=True)
    for word in (q or "").split():
        match = (
            Q(title__icontains=word)
            | Q(employer__name__icontains=word)
            | Q(occupation__name__icontains=word)
            | Q(terms__icontains=word.lower())
            | Q(title_terms__icontains=word.lower())
        )
        parts = terms(word)
        if len(parts) > 1:
            together = Q()
            for part in parts:
                together &= Q(terms__icontains=part) | Q(title_terms__icontains=part)
            match |= together
        qs = qs.filter(match)
    if region:
        prefix = town_prefix(region) if region.endswith("000") else region
        qs = qs.filter(Q(region__code__startswith=prefix) | Q(is_remote=True))
    if category:
        through = Posting.suitable_categories.through
        listed = through.objects.filter(posting_id=OuterRef("pk"))
        qs = qs.filter(Exists(listed.filter(disabilitycategory_id=category)) | ~Exists(listed))
    if remote:
        qs = qs.filter(is_remote=True)
    if subtype:
        qs = qs.filter(new_form_subtype=subtype)
    groups = {g for g in (group, TargetGroup.GRADUATES if graduates else "") if g}
    for code in groups:
        # The codes are plain ASCII words, none part of another: a text match on the JSON
        # list is exact and works on SQLite and PostgreSQL alike.
        qs = qs.filter(target_groups__icontains=f'"{code}"')
    return qs


def postings_for_list(queryset: QuerySet[Posting]) -> QuerySet[Posting]:
    """What a row of the list (and the export) shows, in one query."""
    return queryset.select_related("employer", "region", "region__parent", "occupation").order_by(
        "-published_at", "-created_at"
    )


def posting_for_page(queryset: QuerySet[Posting]) -> QuerySet[Posting]:
    return queryset.select_related(
        "employer",
        "employer__region",
        "region",
        "region__parent",
        "occupation",
        "archived_by",
    ).prefetch_related("suitable_categories", "suitable_grades")


def review_queue(queryset: QuerySet[Posting]) -> QuerySet[Posting]:
    """Postings waiting for review, oldest first."""
    return (
        queryset.filter(status=PostingStatus.REVIEW, archived_at__isnull=True)
        .select_related("employer", "region", "region__parent")
        .order_by("updated_at")
    )
