"""Merging two records of one person, and undoing a merge within 30 days.

Staff pick, field by field, which record's value the surviving record keeps. Every row of any
model pointing at the other record (``MERGE_RULES``: every ForeignKey/OneToOne to Person in the
project, checked by a test) moves to the survivor in one transaction; the other record is
archived ("合并到 …") and gives up its blind indexes, so the survivor may take its ID number.

A row that cannot move because the survivor already has one like it (a unique constraint: one
membership per person and project, one account per person…) is *set aside*: it is shown on the
merge page beforehand, saved in full in the merge's snapshot and deleted; undo puts it back.
A row that others depend on (deleting it would delete or block more) cannot be set aside: the
merge is refused with a message naming it.

Undo puts back the exact state: both persons' rows, every moved row's person, every set-aside
row, the pair. It is refused after 30 days, or when the surviving record was changed since.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import conflicts
from jiuye.core.audit import audit_bulk
from jiuye.core.roles import Role
from jiuye.core.scoping import may_keep
from jiuye.core.tallies import mark_dirty
from jiuye.people.models import DuplicatePair, DuplicateStatus, Person, PersonMerge
from jiuye.people.services.person import EDITABLE_FIELDS, person_update

MERGERS = frozenset({Role.ADMIN, Role.DISTRICT, Role.TOWN})
CROSS_TOWN_MERGERS = frozenset({Role.ADMIN, Role.DISTRICT})
UNDO_DAYS = 30

MOVE = "move"  # the rows move to the survivor (a colliding row is set aside)
KEEP = "keep"  # the rows stay with the record they name (history of the queue itself)
# The rows move, but a collision refuses the merge: nothing is set aside (a login account is
# never deleted by a merge; staff disable one of the two accounts first).
MOVE_OR_REFUSE = "move_or_refuse"
MOVING = frozenset({MOVE, MOVE_OR_REFUSE})

# Every ForeignKey / OneToOneField to Person, by "app_label.Model.field". A test compares this
# with the models Django knows, so a new model pointing at Person fails until it is listed here.
MERGE_RULES: dict[str, str] = {
    "accounts.User.person": MOVE_OR_REFUSE,
    "casework.AnnualCase.person": MOVE,
    "casework.NeedsRecord.person": MOVE,
    "casework.PostPlacement.person": MOVE,
    "casework.ServiceRecord.person": MOVE,
    "employers.DeclaredEmployee.person": MOVE,
    "employment.EmploymentRecord.person": MOVE,
    "jobs.FairSeeker.person": MOVE,
    "jobs.Referral.person": MOVE,
    "people.ChangeRequest.person": MOVE,
    "people.Consent.person": MOVE,
    "people.DuplicatePair.first": KEEP,
    "people.DuplicatePair.second": KEEP,
    # The record's own categories: the survivor's are picked on the merge page.
    "people.Person_multiple_categories.person": KEEP,
    "people.PersonMerge.merged": KEEP,
    "people.PersonMerge.survivor": KEEP,
    "people.RegistrationApplication.person": MOVE,
    "people.TransferRequest.person": MOVE,
    "programs.AuxMembership.person": MOVE,
    "programs.CharityBeneficiary.person": MOVE,
    "programs.EmploymentLeader.person": MOVE,
    "programs.GraduateRecord.person": MOVE,
    "programs.MassageApplication.person": MOVE,
    "programs.MonitoringExchange.person": MOVE,
    "training.Certificate.person": MOVE,
    "training.CompetitionEntry.person": MOVE,
    "training.Enrolment.person": MOVE,
    "training.MassageEstablishment.owner": MOVE,
    "training.MassageQualification.person": MOVE,
}

# What staff choose between, field by field (sex and birth date follow from the ID number).
MERGE_FIELDS = tuple(
    name for name in (f.name for f in Person._meta.get_fields()) if name in EDITABLE_FIELDS
)


def relation_key(field: models.Field) -> str:
    return f"{field.model._meta.label}.{field.name}"


def person_relations() -> Iterator[models.Field]:
    """Every concrete ForeignKey/OneToOneField to Person in the project (auto-created
    many-to-many tables included)."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if (
                getattr(field, "concrete", False)
                and field.is_relation
                and (field.many_to_one or field.one_to_one)
                and field.related_model is Person
            ):
                yield field


def _unique_sets(field: models.Field) -> list[tuple[tuple[str, ...], models.Q | None]]:
    """The unique constraints a row's person takes part in: (the other fields, condition)."""
    meta = field.model._meta
    sets: list[tuple[tuple[str, ...], models.Q | None]] = []
    if field.unique:
        sets.append(((), None))
    for together in meta.unique_together:
        if field.name in together:
            sets.append((tuple(n for n in together if n != field.name), None))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field.name in constraint.fields:
            others = tuple(n for n in constraint.fields if n != field.name)
            sets.append((others, constraint.condition))
    return sets


def _attnames(model: type[models.Model], names: tuple[str, ...]) -> list[str]:
    return [model._meta.get_field(n).attname for n in names]


@dataclass
class MergePlan:
    """What a merge would do: how many rows of each kind move, which are set aside."""

    moving: list[tuple[str, int]]  # (verbose name, count)
    set_aside: list[models.Model]
    blocked: list[str]  # messages: rows that cannot be set aside

    @property
    def total(self) -> int:
        return sum(n for _l, n in self.moving)


def _collisions(field: models.Field, survivor: Person, merged: Person) -> list[models.Model]:
    model = field.model
    manager = model._base_manager
    found: dict[Any, models.Model] = {}
    for others, condition in _unique_sets(field):
        theirs = manager.filter(**{field.name: merged})
        ours = manager.filter(**{field.name: survivor})
        if condition is not None:
            theirs, ours = theirs.filter(condition), ours.filter(condition)
        if not others:
            if ours.exists():
                found.update((row.pk, row) for row in theirs)
            continue
        names = _attnames(model, others)
        taken = {tuple(values) for values in ours.values_list(*names)}
        for row in theirs:
            if tuple(getattr(row, n) for n in names) in taken:
                found[row.pk] = row
    return list(found.values())


def _deletes_more(row: models.Model) -> bool:
    """Whether deleting ``row`` would delete (or be blocked by) other rows."""
    collector = Collector(using=router.db_for_write(type(row)))
    try:
        collector.collect([row])
    except models.ProtectedError:
        return True
    if any(qs.exists() for qs in collector.fast_deletes):
        return True
    return sum(len(objs) for objs in collector.data.values()) > 1


def merge_plan(survivor: Person, merged: Person) -> MergePlan:
    moving: list[tuple[str, int]] = []
    set_aside: list[models.Model] = []
    blocked: list[str] = []
    for field in person_relations():
        rule = MERGE_RULES.get(relation_key(field))
        if rule not in MOVING:
            continue
        count = field.model._base_manager.filter(**{field.name: merged}).count()
        if not count:
            continue
        collisions = _collisions(field, survivor, merged)
        for row in collisions:
            if rule == MOVE_OR_REFUSE:
                blocked.append(
                    _("两条记录都有“%(kind)s”（%(row)s），不能合并。请先停用其中一个。")
                    % {"kind": field.model._meta.verbose_name, "row": row}
                )
            elif _deletes_more(row):
                blocked.append(
                    _(
                        "两条记录都有“%(kind)s”（%(row)s），且这条记录还关联着其他记录，不能自动合并。"
                        "请先处理其中一条。"
                    )
                    % {"kind": field.model._meta.verbose_name, "row": row}
                )
        set_aside.extend(collisions)
        if count - len(collisions):
            moving.append((str(field.model._meta.verbose_name), count - len(collisions)))
    return MergePlan(moving=moving, set_aside=set_aside, blocked=blocked)


def _plain(value: Any) -> Any:
    # Full precision (DjangoJSONEncoder would cut times to milliseconds: not the exact state).
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _dump(objects: list[models.Model]) -> list[Any]:
    if not objects:
        return []
    data = serializers.serialize("python", objects)
    return json.loads(json.dumps(data, default=_plain, ensure_ascii=False))


def _load(data: list[Any]) -> None:
    for obj in serializers.deserialize("python", data):
        obj.save()  # raw: auto_now fields keep the stored values


def check_merger(by: Any, first: Person, second: Person) -> None:
    """Refuse a user who may not merge these two: a town officer merges within their own town;
    a merge across towns is the district's."""
    role = getattr(by, "role", None)
    if role not in MERGERS:
        raise ValidationError(_("只有区残联和镇街的工作人员可以合并人员。"), code="forbidden")
    if first.town_code != second.town_code and role not in CROSS_TOWN_MERGERS:
        raise ValidationError(
            _("这两条记录属于不同的镇街，跨镇街的合并只能由区残联办理。"), code="cross_town"
        )
    for person in (first, second):
        if not may_keep(by, person.region_id):
            raise ValidationError(_("这条记录不在您负责的范围内。"), code="scope")


def _chosen_values(survivor: Person, merged: Person, take: Mapping[str, str]) -> dict[str, Any]:
    """The values the survivor takes from the merged record (``take``: field → "merged")."""
    values: dict[str, Any] = {}
    for name, source in take.items():
        if source != "merged":
            continue
        if name not in MERGE_FIELDS:
            raise ValidationError(_("无法合并字段“%(name)s”。") % {"name": name})
        field = Person._meta.get_field(name)
        if field.many_to_many:
            values[name] = list(getattr(merged, name).all())
        else:
            values[name] = getattr(merged, name)
    return values


def _audit(merge: PersonMerge, by: Any, action: str) -> None:
    for person, role in ((merge.survivor, "survivor"), (merge.merged, "merged")):
        audit_bulk(
            model=Person,
            changes=[(person, {"merge": (None, action)})],
            action=LogEntry.Action.UPDATE,
            actor=by,
            additional_data={
                "merge": str(merge.pk),
                "action": action,
                "role": role,
                "survivor": str(merge.survivor_id),
                "merged": str(merge.merged_id),
            },
        )


@transaction.atomic
def person_merge(
    *,
    survivor: Person,
    merged: Person,
    by: Any,
    survivor_version: int,
    merged_version: int,
    take: Mapping[str, str] | None = None,
    pair: DuplicatePair | None = None,
) -> PersonMerge:
    """Merge ``merged`` into ``survivor`` (see the module's docstring)."""
    if survivor.pk == merged.pk:
        raise ValidationError(_("不能把一条记录与它自己合并。"), code="same")
    # Lock in primary-key order, so two merges of one pair cannot deadlock.
    ordered = sorted(
        [(survivor, survivor_version), (merged, merged_version)], key=lambda x: str(x[0].pk)
    )
    locked = {
        p.pk: conflicts.locked(Person.objects.select_related("region"), pk=p.pk, version=v)
        for p, v in ordered
    }
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    for person in (survivor, merged):
        if person.is_archived:
            raise ValidationError(
                _("%(person)s 已归档，不能合并。") % {"person": person}, code="archived"
            )
    check_merger(by, survivor, merged)
    plan = merge_plan(survivor, merged)
    if plan.blocked:
        raise ValidationError(plan.blocked, code="blocked")
    values = _chosen_values(survivor, merged, take or {})
    if pair is not None:
        pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
        if {pair.first_id, pair.second_id} != {survivor.pk, merged.pk}:
            raise ValueError("the pair is not these two persons")
        if pair.status != DuplicateStatus.OPEN:
            raise ValidationError(_("这对人员已经处理过。"), code="decided")

    merge = PersonMerge(survivor=survivor, merged=merged, pair=pair, created_by=by, updated_by=by)
    snapshot: dict[str, Any] = {
        "persons": _dump([survivor, merged]),
        "pair": _dump([pair]) if pair else [],
        "set_aside": _dump(plan.set_aside),
        "moved": [],
    }
    for row in plan.set_aside:
        row.delete()
    moved = 0
    for field in person_relations():
        if MERGE_RULES.get(relation_key(field)) not in MOVING:
            continue
        queryset = field.model._base_manager.filter(**{field.name: merged})
        pks = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if pks:
            queryset.update(**{field.name: survivor})
            snapshot["moved"].append([field.model._meta.label, field.name, pks])
            moved += len(pks)

    # The merged record leaves the register and gives up its numbers' indexes.
    Person.objects.filter(pk=merged.pk).update(
        id_number_index=f"merged-{merge.pk.hex}",
        certificate_index="",
        archived_at=timezone.now(),
        archived_by=by,
        archived_reason=_("与 %(person)s 是同一人，已合并") % {"person": survivor},
        version=models.F("version") + 1,
        updated_by=by,
        updated_at=timezone.now(),
    )
    if values:
        survivor = person_update(person=survivor, by=by, version=survivor.version, **values)
    else:
        survivor.refresh_from_db()
    if pair is not None:
        pair.status = DuplicateStatus.MERGED
        pair.decided_at = timezone.now()
        pair.decided_by = pair.updated_by = by
        pair.save()
    merge.snapshot = json.dumps(snapshot, ensure_ascii=False)
    merge.moved_count = moved
    merge.set_aside_count = len(plan.set_aside)
    merge.survivor_version = survivor.version
    merge.save()
    _audit(merge, by, "merge")
    mark_dirty([survivor.region_id, merged.region_id])
    return merge


def undo_deadline(merge: PersonMerge) -> dt.datetime:
    return merge.created_at + dt.timedelta(days=UNDO_DAYS)


def undo_refusal(merge: PersonMerge, *, now: dt.datetime | None = None) -> str:
    """Why this merge cannot be undone now ("" when it can)."""
    if merge.undone_at is not None:
        return _("这次合并已经撤销过。")
    if (now or timezone.now()) > undo_deadline(merge):
        return _("合并已超过 %(days)s 天，不能再撤销。") % {"days": UNDO_DAYS}
    version = Person.objects.filter(pk=merge.survivor_id).values_list("version", flat=True)
    if list(version) != [merge.survivor_version]:
        return _("保留的记录在合并后又被修改过，不能自动撤销。请先核对后再处理。")
    return ""


@transaction.atomic
def merge_undo(*, merge: PersonMerge, by: Any) -> PersonMerge:
    """Put back the exact state before ``merge`` (see the module's docstring)."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    survivor = Person.objects.select_for_update().select_related("region").get(pk=merge.survivor_id)
    merged = Person.objects.select_for_update().select_related("region").get(pk=merge.merged_id)
    check_merger(by, survivor, merged)
    if refusal := undo_refusal(merge):
        raise ValidationError(refusal, code="undo")
    snapshot = json.loads(merge.snapshot)
    for label, name, pks in snapshot["moved"]:
        apps.get_model(label)._base_manager.filter(pk__in=pks).update(**{name: merged.pk})
    try:
        with transaction.atomic():
            # The survivor first: it may hold the number the merged record gets back.
            _load(snapshot["persons"])
            _load(snapshot["set_aside"])
    except IntegrityError as error:
        raise ValidationError(
            _("撤销会与合并后新登记的记录冲突（例如同一身份证号已经重新登记），不能自动撤销。"),
            code="undo",
        ) from error
    _load(snapshot["pair"])
    merge.undone_at = timezone.now()
    merge.undone_by = merge.updated_by = by
    merge.save(update_fields=["undone_at", "undone_by", "updated_by", "updated_at"])
    merge.survivor, merge.merged = survivor, merged
    _audit(merge, by, "undo")
    mark_dirty([survivor.region_id, merged.region_id])
    return merge
