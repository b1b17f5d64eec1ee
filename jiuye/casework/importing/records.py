"""The ``services`` import kind: service records entered in bulk from paper forms (核对、需求登记
and every service), one row per record.

A row names the person by ID number (in the importer's scope; one message for "not registered"
and "not yours"), the service type by name or code, and the day: the natural key, so the same
file again changes nothing and an archived record is left as it is. The row is checked by the
casework services' own rules (``service_record_errors``, ``needs_errors``,
``person_service_error``). A 就业需求登记 row also carries "wants work" (and why not) and the
desired jobs; it becomes a needs registration as the form makes (the year's latest is the
current one), the registry's wish to work follows it, and the yearly cases of the persons and
years touched are recomputed. A batch rolls back unless a record was changed since.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.casework.importing.needs import PERSON_MODEL, follow_wish, recompute, settle_needs
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
from jiuye.casework.services import (
    check_service_date,
    needs_errors,
    person_service_error,
    service_record_errors,
)
from jiuye.core.audit import audit_bulk
from jiuye.core.importing import CellError, RowOutcome, register_kind
from jiuye.core.importing.declared import DeclaredKind, ErrorSink
from jiuye.core.importing.fields import Choice, Date, Lookup, Text, choice_labels
from jiuye.core.importing.journal import Changes, Undone, actor, delete_audited
from jiuye.core.models import ImportBatch, ImportRecord
from jiuye.core.tallies import mark_dirty
from jiuye.people.importing import PersonByIdNumber
from jiuye.people.models import Person

NEEDS_FIELDS = ("wants_work", "not_wanting_reason", "desired_jobs")

CHANNEL_SYNONYMS = {
    "入户": Channel.HOME_VISIT,
    "上门": Channel.HOME_VISIT,
    "走访": Channel.HOME_VISIT,
    "窗口": Channel.WINDOW,
    "现场": Channel.WINDOW,
    "网上": Channel.ONLINE,
    "微信": Channel.ONLINE,
    "电话联系": Channel.PHONE,
}
OUTCOME_SYNONYMS = {"完成": Outcome.DONE, "跟进": Outcome.FOLLOW_UP, "拒绝": Outcome.DECLINED}
WANTS_SYNONYMS = {
    "是": WantsWork.YES,
    "有": WantsWork.YES,
    "否": WantsWork.NO,
    "无": WantsWork.NO,
    "没有": WantsWork.NO,
    "暂无": WantsWork.NO,
    "无就业意愿": WantsWork.NO,
}
REASON_NAMES = "、".join(choice_labels(NotWantingReason).values())


class ServicesKind(DeclaredKind):
    name = "services"
    label = gettext_lazy("服务记录")
    who = gettext_lazy("服务记录")
    model = ServiceRecord
    key_label = gettext_lazy("身份证号、服务类型和服务日期")
    natural_key = ("id_number", "service_type", "date")
    fields = (
        PersonByIdNumber(
            attr="person",
            synonyms=("身份证号码", "公民身份号码"),
            note="18位，最后一位可以是X；人员须已在登记库中，且在您负责的范围内",
            example="44019919900307123X",
        ),
        Lookup(
            "service_type",
            "服务类型",
            ("服务项目",),
            required=True,
            queryset=lambda: ServiceType.objects.filter(disabled_at__isnull=True),
            by=("name", "code"),
            missing=gettext_lazy(
                "服务类型“%(v)s”不存在，请填写服务类型的名称或代码，"
                "如：基本信息核对、就业需求登记、推荐岗位、援助走访。"
            ),
            note="服务类型名称或代码，如：基本信息核对、就业需求登记、推荐岗位、援助走访",
            example="推荐岗位",
        ),
        Date(
            "date",
            "服务日期",
            ("日期",),
            required=True,
            note="不能晚于今天，不能早于本人出生日期",
            example="2024-05-01",
        ),
        Choice(
            "channel",
            "服务方式",
            required=True,
            choices=Channel,
            aliases=CHANNEL_SYNONYMS,
            note="入户走访、电话、服务窗口、线上",
            example="电话",
        ),
        Text("notes", "服务内容", ("服务情况",), example="推荐到东城示范企业电商客服岗位"),
        Choice(
            "outcome",
            "服务结果",
            choices=Outcome,
            aliases=OUTCOME_SYNONYMS,
            blank=Outcome.DONE,
            note="已完成、需跟进、未联系上、本人拒绝；不填为已完成",
            example="已完成",
        ),
        Text(
            "officer",
            "经办人",
            ("经办人姓名",),
            attr="officer_name",
            max_length=50,
            note="不填为导入人",
            example="王专干",
        ),
        Date("follow_up_date", "下次跟进日期"),
        Choice(
            "wants_work",
            "是否有就业意愿",
            ("就业意愿",),
            attr="",
            choices=WantsWork,
            aliases=WANTS_SYNONYMS,
            note="就业需求登记必填：是 或 否；其他服务类型不填",
        ),
        Text(
            "desired_jobs",
            "意向岗位",
            attr="",
            max_length=200,
            note="就业需求登记时填写，多个用“、”分隔",
        ),
        Choice(
            "not_wanting_reason",
            "暂无意愿原因",
            ("无就业意愿原因",),
            attr="",
            choices=NotWantingReason,
            note="没有就业意愿时必填：" + REASON_NAMES,
        ),
    )

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

    # --- reading a row --------------------------------------------------------------------

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        out = super().clean(values, row_number=row_number, by=by)
        person, day = out.data.get("id_number"), out.data.get("date")
        if out.errors and person is not None and day is not None:
            # Say what is wrong with the day too, as the form shows every problem at once.
            try:
                check_service_date(person, day)
            except ValidationError as exc:
                out.errors.extend(CellError("date", m) for m in exc.message_dict["date"])
        return out

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        if not data.get("officer"):
            data.pop("officer", None)  # a blank 经办人 leaves the recorded one (new: the importer)
        if data["service_type"].kind != ServiceKind.NEEDS:
            for key in NEEDS_FIELDS:
                data.pop(key, None)
            return
        if "wants_work" not in data:
            return  # no such column: the registration's own answer stands (validate checks it)
        # What the file must say for a needs registration (the rules are needs_errors').
        wants = data.get("wants_work") or ""
        if not wants:
            error("wants_work", _("就业需求登记请填写“是”或“否”。"))
        elif wants == WantsWork.NO and not data.get("not_wanting_reason"):
            error(
                "not_wanting_reason",
                _("没有就业意愿时请填写原因：%(opts)s") % {"opts": REASON_NAMES},
            )
        if wants != WantsWork.NO:
            data["not_wanting_reason"] = ""

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        person = data["id_number"]

        def value(key: str, attr: str) -> Any:  # the file's, or the record's without a column
            return data[key] if key in data else getattr(current, attr, None)

        problem = person_service_error(person, by)
        if problem is not None:
            return {"id_number": problem.messages}
        errors = service_record_errors(
            person=person,
            service_type=data["service_type"],
            date=data["date"],
            channel=value("channel", "channel") or "",
            outcome=value("outcome", "outcome") or Outcome.DONE,
            follow_up_date=value("follow_up_date", "follow_up_date"),
        )
        if data["service_type"].kind == ServiceKind.NEEDS:
            registration = getattr(current, "needs", None)
            wants = (
                data["wants_work"]
                if "wants_work" in data
                else getattr(registration, "wants_work", "")
            )
            if not wants:
                errors["wants_work"] = [_("就业需求登记请填写“是”或“否”。")]
            else:
                reason = (
                    data["not_wanting_reason"]
                    if "not_wanting_reason" in data
                    else getattr(registration, "not_wanting_reason", "")
                )
                errors.update(needs_errors(wants_work=wants, not_wanting_reason=reason))
        return errors

    def existing_queryset(self) -> Any:
        return ServiceRecord.objects.select_related("needs")

    # --- writing --------------------------------------------------------------------------

    def prepare(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        if current is not None and current.is_archived:  # entered in error: not brought back
            return None
        needs = {k: data[k] for k in NEEDS_FIELDS if k in data} or None
        if current is None:
            record, changes = super().prepare(data, None, by=by)
            who = actor(by)
            if not record.officer_name:
                record.officer = who
                record.officer_name = (who.display_name or who.username) if who else ""
            record._needs = needs
            return record, changes
        prepared = super().prepare(data, current, by=by)
        changes = prepared[1] if prepared else {}
        registration = getattr(current, "needs", None)
        if needs and registration is not None:
            for name, value in needs.items():
                before = getattr(registration, name)
                if before != value:
                    changes[f"needs.{name}"] = (before, value)
                    setattr(registration, name, value)
        if not changes:
            return None
        current.updated_by = actor(by)
        return current, changes

    def after_write(
        self, *, creates: list[Model], updates: list[tuple[Model, Changes]], batch: Any, by: Any
    ) -> None:
        who = actor(by)
        touched = {(r.person_id, r.date.year) for r in creates}
        touched |= {(r.person_id, r.date.year) for r, _d in updates}
        new_needs = [
            NeedsRecord(
                person_id=r.person_id,
                year=r.date.year,
                registered_on=r.date,
                service_record=r,
                notes=r.notes,
                is_current=False,
                created_by=who,
                updated_by=who,
                **{"not_wanting_reason": "", "desired_jobs": "", **r._needs},
            )
            for r in creates
            if r._needs
        ]
        NeedsRecord.objects.bulk_create(new_needs, batch_size=1000)
        changed = [r.needs for r, diff in updates if any(n.startswith("needs.") for n in diff)]
        NeedsRecord.objects.bulk_update(changed, list(NEEDS_FIELDS), batch_size=1000)
        audit_bulk(
            model=NeedsRecord,
            changes=[(n, {"import_batch": (None, batch.pk)}) for n in new_needs],
            action=LogEntry.Action.CREATE,
            actor=who,
            batch=str(batch.pk),
        )
        needs_touched = {(n.person_id, n.year) for n in [*new_needs, *changed]}
        settle_needs(needs_touched)
        follow_wish(needs_touched, batch, who)
        recompute(touched)

    # --- rollback -------------------------------------------------------------------------

    def before_rollback(self, *, batch: ImportBatch, created: list[Model], by: Any) -> None:
        needs = list(NeedsRecord.objects.filter(service_record__in=[r.pk for r in created]))
        self._removed_needs = {(n.person_id, n.year) for n in needs}
        delete_audited(NeedsRecord, needs, batch=batch, who=actor(by))

    def after_rollback(self, undone: Undone) -> None:
        who = actor(undone.by)
        restored = undone.restored
        touched = {
            (r.person_id, r.date.year) for r in [*undone.created, *(r for r, _d in restored)]
        }
        needs_touched = set(getattr(self, "_removed_needs", set()))
        for record, diff in restored:
            values = {n[6:]: v for n, (_b, v) in diff.items() if n.startswith("needs.")}
            if values:
                NeedsRecord.objects.filter(service_record=record).update(**values)
                needs_touched.add((record.person_id, record.date.year))
        settle_needs(needs_touched)
        put_back = []
        for entry in ImportRecord.objects.filter(batch=undone.batch, model=PERSON_MODEL):
            # Put the wish back only if nobody changed it since the import.
            wish = Person.objects.filter(pk=entry.object_id, wish_to_work=entry.before["_after"])
            if wish.update(
                wish_to_work=entry.before["wish_to_work"],
                version=F("version") + 1,
                updated_by=who,
            ):
                put_back.append(entry.object_id)
        # As at the import (``needs.follow_wish``): their villages are recounted.
        mark_dirty(Person.objects.filter(pk__in=put_back).values_list("region_id", flat=True))
        recompute(touched)

    # --- export ---------------------------------------------------------------------------

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = ServiceRecord.objects.filter(archived_at__isnull=True).select_related(
            "person", "service_type", "needs"
        )
        if filters.get("region"):
            code = filters["region"]
            qs = qs.filter(person__region__code__startswith=code.rstrip("0") or code)
        return qs.order_by("date", "created_at")

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        row = super().export_row(obj, reveal=reveal)
        needs = getattr(obj, "needs", None)
        if needs is not None:
            reasons = choice_labels(NotWantingReason)
            row[-3:] = [
                "是" if needs.wants_work == WantsWork.YES else "否",
                needs.desired_jobs,
                reasons.get(needs.not_wanting_reason, ""),
            ]
        return row


register_kind(ServicesKind())
