"""The ``services`` import kind: service records entered in bulk from paper forms (核对、需求登记
and every service), one row per record.

A row names the person by ID number (who must be on the register and in the importer's scope),
the service type by name or code, and the day. Person + type + day is the natural key, so the
same file imported again changes nothing. A 就业需求登记 row also carries the answer to "wants
work" (and why not) and the desired jobs; it becomes a needs registration like the form makes,
the year's latest registration being the current one, and the registry's wish to work follows
the person's latest current registration. Afterwards the yearly cases of the persons and years
touched are recomputed. A batch rolls back completely.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.casework.models import (
    Channel,
    NeedsRecord,
    NotWantingReason,
    Outcome,
    ServiceKind,
    ServiceRecord,
    ServiceType,
    WantsWork,
)
from jiuye.casework.services import check_service_date, recompute_cases
from jiuye.core import crypto
from jiuye.core.audit import audit_bulk
from jiuye.core.importing import (
    CellError,
    Column,
    ImportKind,
    RollbackError,
    RowOutcome,
    parse_date,
    register_kind,
)
from jiuye.core.masking import mask_id_number
from jiuye.core.models import ImportBatch, ImportRecord
from jiuye.core.scoping import region_in_scope
from jiuye.core.validators import validate_resident_id
from jiuye.people.models import Person, WishToWork
from jiuye.people.services import ID_INDEX_PURPOSE

SERVICE_MODEL = "casework.ServiceRecord"
PERSON_MODEL = "people.Person"

CHANNELS = {str(label): value for value, label in Channel.choices}
CHANNELS.update(
    {
        "入户": Channel.HOME_VISIT,
        "上门": Channel.HOME_VISIT,
        "走访": Channel.HOME_VISIT,
        "窗口": Channel.WINDOW,
        "现场": Channel.WINDOW,
        "网上": Channel.ONLINE,
        "微信": Channel.ONLINE,
        "电话联系": Channel.PHONE,
        **{value: value for value in Channel.values},
    }
)
OUTCOMES = {str(label): value for value, label in Outcome.choices}
OUTCOMES.update({"完成": Outcome.DONE, "跟进": Outcome.FOLLOW_UP, "拒绝": Outcome.DECLINED})
WANTS = {
    "是": WantsWork.YES,
    "有": WantsWork.YES,
    "有就业意愿": WantsWork.YES,
    "否": WantsWork.NO,
    "无": WantsWork.NO,
    "没有": WantsWork.NO,
    "暂无": WantsWork.NO,
    "暂无就业意愿": WantsWork.NO,
    "无就业意愿": WantsWork.NO,
}
REASONS = {str(label): value for value, label in NotWantingReason.choices}

# What an import compares and may change on a record that is already there (a blank 经办人 in
# the file leaves the recorded officer as it is).
SERVICE_FIELDS = ("channel", "notes", "outcome", "follow_up_date", "officer_name")
NEEDS_FIELDS = ("wants_work", "not_wanting_reason", "desired_jobs")
DATE_FIELDS = {"follow_up_date"}


def _label(table: dict[str, str], value: str) -> str:
    for label, code in table.items():
        if code == value and label != code:
            return label
    return ""


def _actor(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


class ServicesKind(ImportKind):
    name = "services"
    label = gettext_lazy("服务记录")
    model = ServiceRecord
    key_label = gettext_lazy("身份证号、服务类型和服务日期")
    columns = (
        Column(
            "id_number",
            "身份证号",
            ("身份证号码", "公民身份号码"),
            required=True,
            mask="id",
            note="18位，最后一位可以是X；人员须已在登记库中",
            example="44019919900307123X",
        ),
        Column(
            "service_type",
            "服务类型",
            ("服务项目",),
            required=True,
            note="服务类型名称或代码，如：基本信息核对、就业需求登记、推荐岗位、援助走访",
            example="推荐岗位",
        ),
        Column(
            "date",
            "服务日期",
            ("日期",),
            required=True,
            kind="date",
            note="不能晚于今天，不能早于本人出生日期",
            example="2024-05-01",
        ),
        Column(
            "channel",
            "服务方式",
            required=True,
            note="入户走访、电话、服务窗口、线上",
            example="电话",
        ),
        Column("notes", "服务内容", ("服务情况",), example="推荐到东城示范企业电商客服岗位"),
        Column(
            "outcome",
            "服务结果",
            note="已完成、需跟进、未联系上、本人拒绝；不填为已完成",
            example="已完成",
        ),
        Column("officer", "经办人", ("经办人姓名",), note="不填为导入人", example="王专干"),
        Column("follow_up_date", "下次跟进日期", kind="date"),
        Column(
            "wants_work",
            "是否有就业意愿",
            ("就业意愿",),
            note="就业需求登记必填：是 或 否；其他服务类型不填",
        ),
        Column("desired_jobs", "意向岗位", note="就业需求登记时填写，多个用“、”分隔"),
        Column(
            "not_wanting_reason",
            "暂无意愿原因",
            ("无就业意愿原因",),
            note="没有就业意愿时必填："
            + "、".join(str(label) for _v, label in NotWantingReason.choices),
        ),
    )

    def __init__(self) -> None:
        self._types: dict[str, ServiceType] = {}
        self._persons: dict[str, Person | None] = {}
        self._today: dt.date | None = None

    def begin(self) -> None:
        self._types = {}
        for service_type in ServiceType.objects.filter(disabled_at__isnull=True):
            self._types[service_type.code] = service_type
            self._types[service_type.name] = service_type
        self._persons = {}
        self._today = timezone.localdate()

    def template_rows(self) -> list[list[str]]:
        return [
            [c.example for c in self.columns],
            [
                "44019919900307123X",
                "就业需求登记",
                "2024-05-02",
                "入户走访",
                "本人想做电商客服",
                "已完成",
                "王专干",
                "",
                "是",
                "电商客服、手工编织",
                "",
            ],
        ]

    # --- reading a row ------------------------------------------------------------------------

    def _person(self, id_number: str) -> Person | None:
        index = crypto.blind_index(id_number, purpose=ID_INDEX_PURPOSE)
        if index not in self._persons:
            self._persons[index] = (
                Person.objects.filter(id_number_index=index).select_related("region").first()
            )
        return self._persons[index]

    def _date(self, text: str, key: str, errors: list[CellError]) -> dt.date | None:
        text = text.strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            errors.append(CellError(key, _("日期“%(v)s”看不懂，请写成 2024-05-01。") % {"v": text}))
            return None

    @staticmethod
    def _choice(
        table: dict[str, str], text: str, key: str, errors: list[CellError], options: str
    ) -> str:
        value = table.get(text.strip())
        if value is None:
            errors.append(
                CellError(
                    key, _("“%(v)s”不是可选的值，可填：%(opts)s") % {"v": text, "opts": options}
                )
            )
            return ""
        return value

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        out = RowOutcome()
        errors, data = out.errors, out.data
        person = self._clean_person(values.get("id_number", ""), by, errors)
        type_text = values.get("service_type", "").strip()
        service_type = self._types.get(type_text)
        if service_type is None:
            names = "、".join(t.name for code, t in self._types.items() if code == t.code)
            message = (
                _("请填写服务类型。")
                if not type_text
                else _("服务类型“%(v)s”不存在，可填：%(opts)s") % {"v": type_text, "opts": names}
            )
            errors.append(CellError("service_type", message))
        day = self._date(values.get("date", ""), "date", errors)
        if day is None and not any(e.column == "date" for e in errors):
            errors.append(CellError("date", _("请填写服务日期。")))
        if day is not None and person is not None:
            try:
                check_service_date(person, day)
            except ValidationError as error:
                errors.append(CellError("date", error.message_dict["date"][0]))
                day = None
        channel_text = values.get("channel", "").strip()
        if not channel_text:
            errors.append(
                CellError("channel", _("请填写服务方式：入户走访、电话、服务窗口或线上。"))
            )
            channel = ""
        else:
            channel = self._choice(
                CHANNELS, channel_text, "channel", errors, _("入户走访、电话、服务窗口、线上")
            )
        outcome_text = values.get("outcome", "").strip()
        outcome = (
            self._choice(
                OUTCOMES, outcome_text, "outcome", errors, _("已完成、需跟进、未联系上、本人拒绝")
            )
            if outcome_text
            else Outcome.DONE
        )
        follow_up = self._date(values.get("follow_up_date", ""), "follow_up_date", errors)
        if follow_up is not None and day is not None and follow_up < day:
            errors.append(CellError("follow_up_date", _("下次跟进日期不能早于服务日期。")))
        officer = values.get("officer", "").strip()
        if len(officer) > 50:
            errors.append(CellError("officer", _("经办人姓名太长（最多50个字）。")))
        data.update(
            person_id=person.pk if person else None,
            service_type_id=service_type.code if service_type else "",
            kind=service_type.kind if service_type else "",
            date=day,
            channel=channel,
            notes=values.get("notes", "").strip(),
            outcome=outcome,
            officer_name=officer,
            follow_up_date=follow_up,
        )
        if service_type is not None and service_type.kind == ServiceKind.NEEDS:
            self._clean_needs(values, data, errors)
        if person is not None and service_type is not None and day is not None:
            out.key = f"{person.pk}|{service_type.code}|{day.isoformat()}"
        return out

    def _clean_person(self, raw: str, by: Any, errors: list[CellError]) -> Person | None:
        if not raw.strip():
            errors.append(CellError("id_number", _("请填写身份证号。")))
            return None
        try:
            id_number = validate_resident_id(raw)
        except ValidationError as error:
            message = error.messages[0]
            if "*" in raw:
                message = _("身份证号是脱敏显示的（含 *），请使用完整号码。")
            errors.append(CellError("id_number", message))
            return None
        person = self._person(id_number)
        masked = mask_id_number(id_number)
        if person is None:
            errors.append(
                CellError(
                    "id_number",
                    _("登记库中没有身份证号为 %(id)s 的人员，请先登记该人员或核对号码。")
                    % {"id": masked},
                )
            )
            return None
        actor = _actor(by)
        if actor is not None and not region_in_scope(actor, person.region_id):
            errors.append(
                CellError(
                    "id_number",
                    _("身份证号为 %(id)s 的人员不在您负责的镇街，不能为其导入服务记录。")
                    % {"id": masked},
                )
            )
            return None
        if person.is_archived:
            errors.append(
                CellError(
                    "id_number",
                    _("身份证号为 %(id)s 的人员已归档，不能再登记服务。") % {"id": masked},
                )
            )
            return None
        return person

    def _clean_needs(
        self, values: dict[str, str], data: dict[str, Any], errors: list[CellError]
    ) -> None:
        text = values.get("wants_work", "").strip()
        if not text:
            errors.append(CellError("wants_work", _("就业需求登记请填写“是”或“否”。")))
            wants = ""
        else:
            wants = self._choice(WANTS, text, "wants_work", errors, _("是、否"))
        reason = ""
        reason_text = values.get("not_wanting_reason", "").strip()
        if wants == WantsWork.NO:
            if not reason_text:
                errors.append(
                    CellError(
                        "not_wanting_reason",
                        _("没有就业意愿时请填写原因：%(opts)s") % {"opts": "、".join(REASONS)},
                    )
                )
            else:
                reason = self._choice(
                    REASONS, reason_text, "not_wanting_reason", errors, "、".join(REASONS)
                )
        desired = values.get("desired_jobs", "").strip()
        if len(desired) > 200:
            errors.append(CellError("desired_jobs", _("意向岗位太长（最多200个字）。")))
        data.update(wants_work=wants, not_wanting_reason=reason, desired_jobs=desired[:200])

    # --- matching and writing -----------------------------------------------------------------

    def existing(self, keys: list[str]) -> dict[str, Model]:
        person_ids = {key.split("|", 1)[0] for key in keys}
        wanted = set(keys)
        found: dict[str, Model] = {}
        records = ServiceRecord.objects.filter(person_id__in=person_ids).select_related("needs")
        for record in records.order_by("created_at"):
            key = f"{record.person_id}|{record.service_type_id}|{record.date.isoformat()}"
            if key in wanted and key not in found:
                found[key] = record
        return found

    def prepare(
        self, data: dict[str, Any], current: Model | None, *, by: Any
    ) -> tuple[Model, dict[str, tuple[Any, Any]]] | None:
        if current is None:
            record = ServiceRecord(
                id=uuid.uuid4(),
                person_id=data["person_id"],
                service_type_id=data["service_type_id"],
                date=data["date"],
                channel=data["channel"],
                notes=data["notes"],
                outcome=data["outcome"],
                follow_up_date=data["follow_up_date"],
                officer_name=data["officer_name"],
            )
            record.needs_values = (  # type: ignore[attr-defined]
                {name: data[name] for name in NEEDS_FIELDS}
                if data["kind"] == ServiceKind.NEEDS
                else None
            )
            return record, {}
        assert isinstance(current, ServiceRecord)
        changes: dict[str, tuple[Any, Any]] = {}
        for name in SERVICE_FIELDS:
            if name == "officer_name" and not data[name]:
                continue
            before = getattr(current, name)
            if before != data[name]:
                changes[name] = (before, data[name])
                setattr(current, name, data[name])
        needs = getattr(current, "needs", None)
        if data["kind"] == ServiceKind.NEEDS and needs is not None:
            for name in NEEDS_FIELDS:
                before = getattr(needs, name)
                if before != data[name]:
                    changes[f"needs.{name}"] = (before, data[name])
                    setattr(needs, name, data[name])
        return (current, changes) if changes else None

    def write(
        self,
        *,
        creates: list[Model],
        updates: list[tuple[Model, dict[str, tuple[Any, Any]]]],
        batch: ImportBatch,
        by: Any,
    ) -> None:
        actor = _actor(by)
        actor_name = (actor.get_full_name() or actor.username) if actor else ""
        touched: set[tuple[Any, int]] = set()
        needs_touched: set[tuple[Any, int]] = set()
        new_needs = []
        for record in creates:
            assert isinstance(record, ServiceRecord)
            record.import_batch = batch
            record.created_by = record.updated_by = actor
            if not record.officer_name:
                record.officer, record.officer_name = actor, actor_name
            touched.add((record.person_id, record.date.year))
            values = getattr(record, "needs_values", None)
            if values is not None:
                needs_touched.add((record.person_id, record.date.year))
                new_needs.append(
                    NeedsRecord(
                        person_id=record.person_id,
                        year=record.date.year,
                        registered_on=record.date,
                        service_record=record,
                        notes=record.notes,
                        is_current=False,
                        created_by=actor,
                        updated_by=actor,
                        **values,
                    )
                )
        ServiceRecord.objects.bulk_create(creates, batch_size=1000)
        NeedsRecord.objects.bulk_create(new_needs, batch_size=1000)
        if updates:
            self._write_updates(updates, batch, actor, touched, needs_touched)
        audit_bulk(
            model=ServiceRecord,
            changes=[(r, {"import_batch": (None, batch.pk)}) for r in creates],
            action=LogEntry.Action.CREATE,
            actor=actor,
            batch=str(batch.pk),
        )
        audit_bulk(
            model=NeedsRecord,
            changes=[(n, {"import_batch": (None, batch.pk)}) for n in new_needs],
            action=LogEntry.Action.CREATE,
            actor=actor,
            batch=str(batch.pk),
        )
        _settle_needs(needs_touched)
        self._follow_wish(needs_touched, batch, actor)
        _recompute(touched)

    def _write_updates(
        self,
        updates: list[tuple[Model, dict[str, tuple[Any, Any]]]],
        batch: ImportBatch,
        actor: Any,
        touched: set[tuple[Any, int]],
        needs_touched: set[tuple[Any, int]],
    ) -> None:
        records, needs, log = [], [], []
        for record, diff in updates:
            assert isinstance(record, ServiceRecord)
            before = {name: _stored(b) for name, (b, _a) in diff.items()}
            before["import_batch"] = str(record.import_batch_id or "")
            log.append(
                ImportRecord(
                    batch=batch,
                    model=SERVICE_MODEL,
                    object_id=str(record.pk),
                    action=ImportRecord.Action.UPDATED,
                    before=before,
                )
            )
            record.import_batch = batch
            record.updated_by = actor
            records.append(record)
            touched.add((record.person_id, record.date.year))
            if any(name.startswith("needs.") for name in diff):
                needs.append(record.needs)
                needs_touched.add((record.person_id, record.date.year))
        ServiceRecord.objects.bulk_update(
            records, [*SERVICE_FIELDS, "import_batch", "updated_by"], batch_size=1000
        )
        NeedsRecord.objects.bulk_update(needs, list(NEEDS_FIELDS), batch_size=1000)
        ImportRecord.objects.bulk_create(log, batch_size=1000)
        audit_bulk(
            model=ServiceRecord,
            changes=updates,
            action=LogEntry.Action.UPDATE,
            actor=actor,
            batch=str(batch.pk),
        )

    def _follow_wish(
        self, needs_touched: set[tuple[Any, int]], batch: ImportBatch, actor: Any
    ) -> None:
        """The registry's wish to work follows each person's latest current registration, as
        a registration through the form does; the old value is kept for a rollback."""
        person_ids = {person_id for person_id, _year in needs_touched}
        if not person_ids:
            return
        latest: dict[Any, str] = {}
        current = NeedsRecord.objects.filter(person_id__in=person_ids, is_current=True)
        for person_id, wants in current.order_by("year", "registered_on", "created_at").values_list(
            "person_id", "wants_work"
        ):
            latest[person_id] = wants
        changed, log = [], []
        for person in Person.objects.filter(pk__in=latest):
            wish = WishToWork.YES if latest[person.pk] == WantsWork.YES else WishToWork.NO
            if person.wish_to_work == wish:
                continue
            log.append(
                ImportRecord(
                    batch=batch,
                    model=PERSON_MODEL,
                    object_id=str(person.pk),
                    action=ImportRecord.Action.UPDATED,
                    before={"wish_to_work": person.wish_to_work, "_after": wish},
                )
            )
            changed.append((person, {"wish_to_work": (person.wish_to_work, wish)}))
        for person, diff in changed:
            # A version bump: an edit form opened before the import now sees a conflict.
            Person.objects.filter(pk=person.pk).update(
                wish_to_work=diff["wish_to_work"][1],
                version=F("version") + 1,
                updated_by=actor,
                updated_at=timezone.now(),
            )
        ImportRecord.objects.bulk_create(log)
        audit_bulk(
            model=Person,
            changes=changed,
            action=LogEntry.Action.UPDATE,
            actor=actor,
            batch=str(batch.pk),
        )

    # --- rollback -----------------------------------------------------------------------------

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        actor = _actor(by)
        logs = list(ImportRecord.objects.filter(batch=batch))
        updated = {uuid.UUID(r.object_id): r for r in logs if r.model == SERVICE_MODEL}
        # A later batch that changed a record this one wrote holds it now: undo that one first.
        changed_later = (
            ImportRecord.objects.filter(
                model=SERVICE_MODEL,
                before__import_batch=str(batch.pk),
                batch__status=ImportBatch.Status.SUCCEEDED,
            )
            .exclude(batch=batch)
            .exists()
        )
        if (
            changed_later
            or ServiceRecord.objects.filter(pk__in=updated).exclude(import_batch=batch).exists()
        ):
            raise RollbackError(_("这个批次之后又有导入修改了其中的服务记录，请先撤销后面的批次。"))
        created = list(
            ServiceRecord.objects.filter(import_batch=batch)
            .exclude(pk__in=updated)
            .select_related("service_type")
        )
        touched = {(r.person_id, r.date.year) for r in created}
        needs_touched = {
            (r.person_id, r.date.year) for r in created if r.service_type.kind == ServiceKind.NEEDS
        }
        needs = list(NeedsRecord.objects.filter(service_record__in=created))
        audit_bulk(
            model=NeedsRecord,
            changes=[(n, {}) for n in needs],
            action=LogEntry.Action.DELETE,
            actor=actor,
            batch=str(batch.pk),
        )
        audit_bulk(
            model=ServiceRecord,
            changes=[(r, {}) for r in created],
            action=LogEntry.Action.DELETE,
            actor=actor,
            batch=str(batch.pk),
        )
        # Undoing an import removes what it added: these rows did not exist before it.
        NeedsRecord.objects.filter(pk__in=[n.pk for n in needs]).delete()
        ServiceRecord.objects.filter(pk__in=[r.pk for r in created]).delete()
        for pk, log in updated.items():
            record = ServiceRecord.objects.select_related("needs").get(pk=pk)
            for name, value in log.before.items():
                if name == "import_batch":
                    record.import_batch_id = uuid.UUID(value) if value else None
                elif name.startswith("needs."):
                    setattr(record.needs, name[6:], value)
                    needs_touched.add((record.person_id, record.date.year))
                else:
                    setattr(record, name, _restored(name, value))
            record.updated_by = actor
            record.save(update_fields=[*SERVICE_FIELDS, "import_batch", "updated_by", "updated_at"])
            if hasattr(record, "needs"):
                record.needs.save(update_fields=list(NEEDS_FIELDS))
            touched.add((record.person_id, record.date.year))
        _settle_needs(needs_touched)
        for log in logs:
            if log.model != PERSON_MODEL:
                continue
            # Put the wish back only if nobody changed it since the import.
            Person.objects.filter(pk=log.object_id, wish_to_work=log.before["_after"]).update(
                wish_to_work=log.before["wish_to_work"], version=F("version") + 1, updated_by=actor
            )
        _recompute(touched)

    # --- export -------------------------------------------------------------------------------

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = ServiceRecord.objects.filter(archived_at__isnull=True).select_related(
            "person", "service_type", "needs"
        )
        if filters.get("region"):
            code = filters["region"]
            qs = qs.filter(person__region__code__startswith=code.rstrip("0") or code)
        return qs.order_by("date", "created_at")

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        assert isinstance(obj, ServiceRecord)
        person = obj.person
        needs = getattr(obj, "needs", None)
        return [
            person.id_number if reveal else mask_id_number(person.id_number),
            obj.service_type.name,
            obj.date.isoformat(),
            _label(CHANNELS, obj.channel),
            obj.notes,
            _label(OUTCOMES, obj.outcome),
            obj.officer_name,
            obj.follow_up_date.isoformat() if obj.follow_up_date else "",
            ("是" if needs.wants_work == WantsWork.YES else "否") if needs else "",
            needs.desired_jobs if needs else "",
            _label(REASONS, needs.not_wanting_reason) if needs else "",
        ]


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _restored(name: str, value: Any) -> Any:
    if name in DATE_FIELDS and value:
        return dt.date.fromisoformat(value)
    return value


def _settle_needs(pairs: Iterable[tuple[Any, int]]) -> None:
    """In each person's year the latest registration (by day, then by entry) of a record that
    is not archived is the current one."""
    by_year: dict[int, set[Any]] = defaultdict(set)
    for person_id, year in pairs:
        by_year[year].add(person_id)
    for year, person_ids in by_year.items():
        rows = NeedsRecord.objects.filter(person_id__in=person_ids, year=year)
        latest: dict[Any, Any] = {}
        for pk, person_id in (
            rows.filter(service_record__archived_at__isnull=True)
            .order_by("registered_on", "created_at")
            .values_list("pk", "person_id")
        ):
            latest[person_id] = pk
        rows.filter(is_current=True).exclude(pk__in=latest.values()).update(is_current=False)
        NeedsRecord.objects.filter(pk__in=latest.values()).update(is_current=True)


def _recompute(pairs: Iterable[tuple[Any, int]]) -> None:
    by_year: dict[int, set[Any]] = defaultdict(set)
    for person_id, year in pairs:
        by_year[year].add(person_id)
    for year, person_ids in by_year.items():
        recompute_cases(person_ids, [year])


register_kind(ServicesKind())
