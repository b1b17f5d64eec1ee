"""Finding likely duplicate persons (疑似重复人员) and keeping the review queue.

ID and certificate numbers are stored encrypted with an HMAC blind index beside them, so the
database can only tell whether two numbers are *equal*. "One digit off" and "two adjacent
digits swapped" cannot be asked of a blind index. The scan therefore works in blocks:

- it reads the register ordered by birth date (names, villages, no numbers), one birth date at a
  time (a few dozen persons in a district of a million);
- inside a birth date it groups persons by name: only persons sharing name *and* birth date with
  someone else have their ID number decrypted, and only those pairs are compared digit by digit;
- inside a birth date it groups persons by village and compares the names of each group by
  pinyin (``pypinyin``) and similarity (``rapidfuzz``): no numbers are needed for that;
- equal certificate numbers are equal blind indexes: one SQL query (GROUP BY the index).

No extra keyed index is stored (an index per possible typo would be 18+17 HMACs per person and
would let anyone holding the table link near-identical numbers). See the README (重复人员).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

from jiuye.core.roles import Role
from jiuye.core.scoping import may_keep, town_prefix
from jiuye.core.validators import same_name
from jiuye.people.models import DuplicatePair, DuplicateReason, DuplicateStatus, Person

# Pinyin similarity (0–100) from which two names of one village and birth date are flagged:
# 张三/张山 (zhangsan/zhangshan, 94) and 林明/凌明 (93) are; 王小明/王小红 (83) is not.
PINYIN_SIMILARITY = 88
SCANNERS = frozenset({Role.ADMIN, Role.DISTRICT, Role.TOWN})
_CHUNK = 5000


@dataclass
class ScanResult:
    persons: int = 0
    blocks: int = 0
    decrypted: int = 0
    found: int = 0
    opened: int = 0
    pairs: dict[tuple[str, str], set[str]] = field(default_factory=dict)


def _norm(name: str) -> str:
    return "".join((name or "").split())


def id_typo(a: str, b: str) -> bool:
    """Whether two ID numbers look like one number mistyped: their first 17 digits differ in
    one digit or by two adjacent digits swapped (the check character then differs too, since
    it is computed from them: a registered number always has a valid one), or only the check
    character differs (numbers taken over from older lists)."""
    a, b = a.upper(), b.upper()
    if len(a) != len(b) or a == b:
        return False
    if len(a) == 18:
        a, b = a[:17], b[:17]
        if a == b:
            return True
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


@lru_cache(maxsize=65536)
def _pinyin(name: str) -> str:
    return "".join(lazy_pinyin(_norm(name)))


def similar_names(a: str, b: str) -> bool:
    """The same name, the same reading (王小明/王晓明) or a near reading (张三/张山)."""
    if same_name(a, b):
        return True
    pa, pb = _pinyin(a), _pinyin(b)
    return pa == pb or fuzz.ratio(pa, pb) >= PINYIN_SIMILARITY


def _key(a: Any, b: Any) -> tuple[str, str]:
    x, y = str(a), str(b)
    return (x, y) if x < y else (y, x)


def _rows(queryset: Any) -> Iterator[tuple[Any, str, dt.date, str]]:
    yield from (
        queryset.order_by("birth_date")
        .values_list("pk", "name", "birth_date", "region_id")
        .iterator(chunk_size=_CHUNK)
    )


def _decrypted_ids(pks: list[Any]) -> dict[str, str]:
    # values_list decrypts the field (EncryptedTextField.from_db_value) for these rows only.
    out: dict[str, str] = {}
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        out.update(
            (str(pk), number)
            for pk, number in Person.objects.filter(pk__in=chunk).values_list("pk", "id_number")
        )
    return out


def _scan_birth_date(block: list[tuple[Any, str, dt.date, str]], result: ScanResult) -> None:
    by_name: dict[str, list[Any]] = defaultdict(list)
    by_village: dict[str, list[tuple[Any, str]]] = defaultdict(list)
    for pk, name, _birth, region in block:
        by_name[_norm(name)].append(pk)
        by_village[region].append((pk, name))
    pending = [pks for pks in by_name.values() if len(pks) > 1]
    if pending:
        numbers = _decrypted_ids([pk for pks in pending for pk in pks])
        result.decrypted += len(numbers)
        for pks in pending:
            result.blocks += 1
            for a, b in itertools.combinations(pks, 2):
                if id_typo(numbers.get(str(a), ""), numbers.get(str(b), "")):
                    result.pairs.setdefault(_key(a, b), set()).add(DuplicateReason.ID_TYPO)
    for members in by_village.values():
        if len(members) < 2:
            continue
        result.blocks += 1
        for (a, name_a), (b, name_b) in itertools.combinations(members, 2):
            if similar_names(name_a, name_b):
                result.pairs.setdefault(_key(a, b), set()).add(DuplicateReason.SIMILAR_NAME)


def _scan_certificates(queryset: Any, result: ScanResult) -> None:
    shared = (
        queryset.exclude(certificate_index="")
        .values("certificate_index")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("certificate_index", flat=True)
    )
    groups: dict[str, list[Any]] = defaultdict(list)
    for pk, index in queryset.filter(certificate_index__in=list(shared)).values_list(
        "pk", "certificate_index"
    ):
        groups[index].append(pk)
    for pks in groups.values():
        for a, b in itertools.combinations(pks, 2):
            result.pairs.setdefault(_key(a, b), set()).add(DuplicateReason.SAME_CERTIFICATE)


def find_duplicates(*, region_prefix: str = "") -> ScanResult:
    """Likely duplicates among the persons on the register (not archived) whose village code
    starts with ``region_prefix`` (everyone when empty). Reads only; see ``duplicates_scan``."""
    queryset = Person.objects.filter(archived_at__isnull=True)
    if region_prefix:
        queryset = queryset.filter(region__code__startswith=region_prefix)
    result = ScanResult()
    block: list[tuple[Any, str, dt.date, str]] = []
    for row in _rows(queryset):
        result.persons += 1
        if block and block[-1][2] != row[2]:
            if len(block) > 1:
                _scan_birth_date(block, result)
            block = []
        block.append(row)
    if len(block) > 1:
        _scan_birth_date(block, result)
    _scan_certificates(queryset, result)
    result.found = len(result.pairs)
    return result


def _pair_region(first: str, second: str) -> str:
    """The smallest area holding two villages: their town, or else their county (district)."""
    if town_prefix(first) == town_prefix(second):
        return town_prefix(first) + "000"
    return first[:6] + "000000"


def _save_pairs(pairs: dict[tuple[str, str], set[str]], now: dt.datetime) -> int:
    """Open new pairs, refresh the reasons of open ones; a dismissed or merged pair stays as
    it is (a dismissed pair never comes back). Returns how many pairs were opened."""
    opened = 0
    keys = list(pairs)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        firsts = {a for a, _b in chunk}
        existing = {
            (str(p.first_id), str(p.second_id)): p
            for p in DuplicatePair.objects.filter(first_id__in=firsts)
        }
        persons = {
            str(pk): region
            for pk, region in Person.objects.filter(
                pk__in={pk for key in chunk for pk in key}
            ).values_list("pk", "region_id")
        }
        new, changed = [], []
        for key in chunk:
            reasons = sorted(pairs[key])
            pair = existing.get(key)
            if pair is None:
                new.append(
                    DuplicatePair(
                        first_id=key[0],
                        second_id=key[1],
                        region_id=_pair_region(persons[key[0]], persons[key[1]]),
                        reasons=reasons,
                        found_at=now,
                    )
                )
            elif pair.status == DuplicateStatus.OPEN:
                pair.reasons = reasons
                pair.found_at = now
                changed.append(pair)
        DuplicatePair.objects.bulk_create(new)
        DuplicatePair.objects.bulk_update(changed, ["reasons", "found_at"])
        opened += len(new)
    return opened


def duplicates_scan(*, region_prefix: str = "", now: dt.datetime | None = None) -> ScanResult:
    """Scan (``find_duplicates``) and fill the review queue."""
    result = find_duplicates(region_prefix=region_prefix)
    with transaction.atomic():
        result.opened = _save_pairs(result.pairs, now or timezone.now())
    return result


@task()
def duplicates_scan_task(region_prefix: str = "") -> int:
    """The on-demand check (button on the queue page), run by the task worker."""
    return duplicates_scan(region_prefix=region_prefix).opened


def scan_prefix_for(by: Any) -> str:
    """What an on-demand check started by ``by`` covers: the whole register for district
    staff, their own town for a town officer."""
    role = getattr(by, "role", None)
    if role in {Role.ADMIN, Role.DISTRICT}:
        return ""
    if role == Role.TOWN and by.town_id:
        return town_prefix(by.town_id)
    raise ValidationError(_("只有区残联和镇街的工作人员可以检查重复人员。"), code="forbidden")


def duplicates_check(*, by: Any) -> str:
    """Queue the on-demand check for ``by``'s area; returns the area's prefix."""
    prefix = scan_prefix_for(by)
    duplicates_scan_task.enqueue(region_prefix=prefix)
    return prefix


@transaction.atomic
def pair_dismiss(*, pair: DuplicatePair, note: str, by: Any) -> DuplicatePair:
    """Record that the two persons are not one person: the pair stays out of later scans."""
    current = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if current.status != DuplicateStatus.OPEN:
        raise ValidationError(
            _("这对人员已经处理过（%(status)s）。") % {"status": current.get_status_display()},
            code="decided",
        )
    if not may_keep(by, current.region_id):
        raise ValidationError(_("这对人员不在您负责的范围内。"), code="scope")
    current.status = DuplicateStatus.DISMISSED
    current.note = (note or "").strip()[:300]
    current.decided_at = timezone.now()
    current.decided_by = current.updated_by = by
    current.save()
    return current
