"""Writes of auxiliary employment and the labour-project bank (action 五).

Administrators and district staff keep every institution and project; a town officer those
located in their town, and the members who are persons of their town. A membership keeps its
auxiliary employment record (form 辅助性就业) in step through ``jiuye.employment.services``,
so the person's employment status is derived from employment records as everywhere else.

The live allocations of a project never exceed its volume, and the deliveries of an allocation
never exceed its quantity: each write locks the project (or allocation) row first, then sums,
so two allocations made at the same moment are checked one after the other (on SQLite every
write transaction starts IMMEDIATE, which serialises them the same way).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core import conflicts, dates
from jiuye.core.scoping import check_keeper, may_keep
from jiuye.employment import services as employment
from jiuye.employment.models import EmploymentForm, Source
from jiuye.jobs.models import AccessFeature
from jiuye.programs.models.auxiliary import (
    AuxIncome,
    AuxInstitution,
    AuxMembership,
    InstitutionKind,
    InstitutionStatus,
    LabourAllocation,
    LabourDelivery,
    LabourProject,
)

WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
INSTITUTION_FIELDS = (
    "name",
    "kind",
    "region",
    "address",
    "capacity",
    "accessibility",
    "operator",
    "employer",
    "status",
    "opened_on",
    "contact_name",
    "contact_phone",
)
MEMBERSHIP_FIELDS = ("start_date", "end_date", "hours_per_week", "monthly_income")
PROJECT_FIELDS = (
    "code",
    "name",
    "source_employer",
    "source_name",
    "work_content",
    "unit",
    "unit_price",
    "volume",
    "start_date",
    "end_date",
    "skills",
    "suitable_categories",
    "region",
    "collected_on",
)
MAX_CAPACITY = 10_000
MAX_HOURS = Decimal(60)
INSTITUTION_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、机构已撤销。"),
    already=gettext_lazy("这个机构已经归档。"),
    refused=gettext_lazy("这个机构已归档，不能再修改。"),
)
PROJECT_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、企业取消订单。"),
    already=gettext_lazy("这个劳动项目已经归档。"),
    refused=gettext_lazy("这个劳动项目已归档，不能再修改。"),
)


def _today() -> dt.date:
    return timezone.localdate()


# --- institutions ---------------------------------------------------------------------------


def institution_check(values: dict[str, Any], *, by: Any) -> dict[str, list[str]]:
    """Rules of one institution (the form, the service and the import use them)."""
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写机构名称。")]
    if values.get("kind") not in InstitutionKind.values:
        errors["kind"] = [
            _("请选择机构类型：阳光家园、残疾人之家、托养机构、辅助性就业机构或职业康复机构。")
        ]
    region = values.get("region")
    if region is None:
        errors["region"] = [_("请选择所在地。")]
    elif not may_keep(by, region.pk):
        errors["region"] = [_("只能选择您负责的镇街或村（社区）。")]
    capacity = values.get("capacity")
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("可容纳人数请填写 1 到 10000 之间的整数。")]
    unknown = set(values.get("accessibility") or []) - set(AccessFeature.values)
    if unknown:
        errors["accessibility"] = [_("请从列出的无障碍设施中选择。")]
    if values.get("status", InstitutionStatus.OPERATING) not in InstitutionStatus.values:
        errors["status"] = [_("请选择运营状态：运营中、暂停运营或筹建中。")]
    opened = values.get("opened_on")
    if later := dates.after_today(opened, label=_("成立日期")):
        errors["opened_on"] = later
    employer = values.get("employer")
    if employer is not None and employer.is_archived:
        errors["employer"] = [_("这家用人单位已归档，不能关联。")]
    return errors


@transaction.atomic
def institution_create(*, by: Any, import_batch: Any = None, **fields: Any) -> AuxInstitution:
    conflicts.known_fields(fields, INSTITUTION_FIELDS, "institution")
    fields = conflicts.stripped(fields)
    fields.setdefault("accessibility", [])
    conflicts.refuse(institution_check(fields, by=by))
    return conflicts.created(
        AuxInstitution, fields, by=by, exclude=["region", "employer", "import_batch"]
    )


@transaction.atomic
def institution_update(
    *, institution: AuxInstitution, by: Any, version: int | None, **fields: Any
) -> AuxInstitution:
    conflicts.known_fields(fields, INSTITUTION_FIELDS, "institution")
    fields = conflicts.stripped(fields)
    current = INSTITUTION_ARCHIVING.editable(
        AuxInstitution.objects, institution.pk, version=version
    )
    check_keeper(by, current.region_id, _("这个机构不在您负责的范围内。"))
    values = {name: getattr(current, name) for name in INSTITUTION_FIELDS}
    values.update(fields)
    conflicts.refuse(institution_check(values, by=by))
    changed = conflicts.assign(current, fields)
    if not changed:
        return current
    current.full_clean(exclude=["region", "employer", "import_batch"])
    current = conflicts.bump(current, by=by, changed=changed)
    if changed & {"name", "employer"}:
        for membership in current.members.filter(archived_at__isnull=True):
            sync_employment(membership, by=by)
    return current


@transaction.atomic
def institution_archive(*, institution: AuxInstitution, by: Any, reason: str) -> AuxInstitution:
    def check(row: AuxInstitution) -> None:
        check_keeper(by, row.region_id, _("这个机构不在您负责的范围内。"))
        if row.members.filter(archived_at__isnull=True, end_date__isnull=True).exists():
            raise ValidationError(
                _("这个机构还有在册人员，请先为他们登记离开日期，再归档机构。"), code="in_use"
            )

    return INSTITUTION_ARCHIVING.archive(
        AuxInstitution.objects, institution.pk, by=by, reason=reason, check=check
    )


# --- members --------------------------------------------------------------------------------


def employment_values(institution: AuxInstitution, values: dict[str, Any]) -> dict[str, Any]:
    """The auxiliary employment record a membership stands for."""
    return {
        "form": EmploymentForm.AUXILIARY,
        "employer": institution.employer,
        "employer_name": "" if institution.employer_id else institution.name,
        "job_title": str(institution.get_kind_display()),
        "start_date": values.get("start_date"),
        "end_date": values.get("end_date"),
        "monthly_wage": values.get("monthly_income"),
        "evidence": (_("辅助性就业机构登记：%(name)s") % {"name": institution.name})[:300],
    }


# Employment-record fields shown as the membership's own.
_EMPLOYMENT_TO_MEMBERSHIP = {
    "start_date": "start_date",
    "end_date": "end_date",
    "monthly_wage": "monthly_income",
    "employer": "institution",
}


def membership_check(
    values: dict[str, Any], *, person: Any, institution: Any, by: Any, current: Any = None
) -> dict[str, list[str]]:
    """Rules of one membership, the auxiliary employment record's among them."""
    errors: dict[str, list[str]] = {}
    if institution is None:
        errors["institution"] = [_("请选择机构。")]
    elif institution.is_archived:
        errors["institution"] = [
            _("机构“%(name)s”已归档，不能再登记人员。") % {"name": institution.name}
        ]
    if person is None:
        errors["person"] = [_("请填写人员。")]
        return errors
    if person.is_archived:
        errors["person"] = [_("这个人员已归档，不能再登记。")]
    elif not may_keep(by, person.region_id):
        errors["person"] = [_("这个人员不在您负责的范围内。")]
    hours = values.get("hours_per_week")
    if hours is not None and not Decimal(0) < Decimal(hours) <= MAX_HOURS:
        errors["hours_per_week"] = [_("每周工作小时请填写 0 到 60 之间的数（可有一位小数）。")]
    income = values.get("monthly_income")
    if income is not None and Decimal(income) < 0:
        errors["monthly_income"] = [_("月收入不能是负数。")]
    if institution is not None and values.get("start_date") is not None:
        for field, message in employment.employment_check(
            employment_values(institution, values), person=person
        ).items():
            errors.setdefault(_EMPLOYMENT_TO_MEMBERSHIP.get(field, "start_date"), [message])
        start, end = values["start_date"], values.get("end_date")
        others = AuxMembership.objects.filter(
            person=person, institution=institution, archived_at__isnull=True
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end is not None:
            others = others.filter(start_date__lte=end)
        if current is not None:
            others = others.exclude(pk=current.pk)
        other = others.first()
        if other is not None and "start_date" not in errors:
            errors["start_date"] = [
                _("这个人员在这个机构已有 %(day)s 开始的在册记录，时间不能重叠。")
                % {"day": f"{other.start_date:%Y-%m-%d}"}
            ]
    elif values.get("start_date") is None:
        errors["start_date"] = [_("请填写进入日期。")]
    return errors


def sync_employment(membership: AuxMembership, *, by: Any, source: str = Source.STAFF) -> None:
    """Keep the membership's auxiliary employment record as the membership says (opened when
    there is none or it was archived elsewhere, corrected otherwise, archived with it)."""
    membership = AuxMembership.objects.select_related("institution__employer", "person").get(
        pk=membership.pk
    )
    record = membership.employment
    if membership.is_archived:
        if record is not None and not record.is_archived:
            employment.employment_archive(record=record, reason=_("辅助性就业登记已归档"), by=by)
        return
    values = employment_values(
        membership.institution,
        {name: getattr(membership, name) for name in MEMBERSHIP_FIELDS},
    )
    if record is None or record.is_archived:
        record = employment.employment_open(
            person=membership.person,
            by=by,
            source=source,
            import_batch=membership.import_batch,
            **values,
        )
        AuxMembership.objects.filter(pk=membership.pk).update(employment=record)
    else:
        employment.employment_update(record=record, by=by, version=None, **values)


def _person_unarchived(person: Any) -> None:
    if person.is_archived:
        raise ValidationError(_("这个人员已归档，不能再登记。"), code="archived")


@transaction.atomic
def membership_create(
    *, institution: AuxInstitution, person: Any, by: Any, **fields: Any
) -> AuxMembership:
    """A person starts attending an institution; their auxiliary employment is recorded."""
    conflicts.known_fields(fields, MEMBERSHIP_FIELDS, "membership")
    conflicts.refuse(membership_check(fields, person=person, institution=institution, by=by))
    membership = conflicts.created(
        AuxMembership,
        {"institution": institution, "person": person, **fields},
        by=by,
        exclude=["institution", "person", "employment", "import_batch"],
    )
    sync_employment(membership, by=by)
    membership.refresh_from_db()
    return membership


@transaction.atomic
def membership_update(
    *, membership: AuxMembership, by: Any, version: int | None, **fields: Any
) -> AuxMembership:
    """Correct a membership or record the day the person left (``end_date``)."""
    conflicts.known_fields(fields, MEMBERSHIP_FIELDS, "membership")
    queryset = AuxMembership.objects.select_related("person", "institution")
    current = conflicts.editable(
        queryset,
        pk=membership.pk,
        version=version,
        archived=_("这条在册记录已归档，不能再修改。"),
    )
    values = {name: getattr(current, name) for name in MEMBERSHIP_FIELDS}
    values.update(fields)
    conflicts.refuse(
        membership_check(
            values, person=current.person, institution=current.institution, by=by, current=current
        )
    )
    changed = conflicts.assign(current, fields)
    if not changed:
        return current
    current.full_clean(exclude=["institution", "person", "employment", "import_batch"])
    current = conflicts.bump(current, by=by, changed=changed)
    sync_employment(current, by=by)
    return current


@transaction.atomic
def membership_archive(*, membership: AuxMembership, by: Any, reason: str) -> AuxMembership:
    """Take a membership entered in error out of every count, with its employment record."""

    def check(row: AuxMembership) -> None:
        if not may_keep(by, row.person.region_id):
            raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")

    archiving = conflicts.Archiving(
        required=gettext_lazy("请填写归档原因，例如：重复录入、信息有误。"),
        already=gettext_lazy("这条在册记录已经归档。"),
    )
    queryset = AuxMembership.objects.select_related("person")
    row = archiving.archive(queryset, membership.pk, by=by, reason=reason, check=check)
    sync_employment(row, by=by)
    return row


# --- labour projects ------------------------------------------------------------------------


def project_check(values: dict[str, Any], *, by: Any, current: Any = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    code = (values.get("code") or "").strip()
    if not code:
        errors["code"] = [_("请填写项目编号。")]
    else:
        taken = LabourProject.objects.filter(code=code)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            errors["code"] = [
                _("项目编号 %(code)s 已被其他项目使用，请换一个编号。") % {"code": code}
            ]
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写项目名称。")]
    if not (values.get("work_content") or "").strip():
        errors["work_content"] = [_("请填写工作内容，例如：手工串珠、纸盒折叠。")]
    if values.get("source_employer") is None and not (values.get("source_name") or "").strip():
        errors["source_name"] = [_("请填写来源企业名称，或填写已登记企业的统一社会信用代码。")]
    price = values.get("unit_price")
    if price is None or Decimal(price) < 0:
        errors["unit_price"] = [_("请填写单价（元，不能是负数）。")]
    volume = values.get("volume")
    if volume is None or volume < 1:
        errors["volume"] = [_("请填写总量（大于 0 的整数）。")]
    elif current is not None:
        allocated = allocated_total(current)
        if volume < allocated:
            errors["volume"] = [
                _("总量不能少于已调配的数量（%(n)d%(unit)s）。")
                % {"n": allocated, "unit": values.get("unit") or current.unit}
            ]
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        errors["start_date"] = [_("请填写开始日期。")]
    if end is None:
        errors["end_date"] = [_("请填写结束日期。")]
    elif start is not None and end < start:
        errors["end_date"] = [_("结束日期不能早于开始日期。")]
    region = values.get("region")
    if region is None:
        errors["region"] = [_("请选择收集地区。")]
    elif not may_keep(by, region.pk):
        errors["region"] = [_("只能选择您负责的地区。")]
    collected = values.get("collected_on")
    if collected is None:
        errors["collected_on"] = [_("请填写入库日期。")]
    elif later := dates.after_today(collected, label=_("入库日期")):
        errors["collected_on"] = later
    return errors


@transaction.atomic
def project_create(*, by: Any, **fields: Any) -> LabourProject:
    conflicts.known_fields(fields, PROJECT_FIELDS, "project")
    fields = conflicts.stripped(fields)
    categories = fields.pop("suitable_categories", [])
    conflicts.refuse(project_check(fields, by=by))
    project = conflicts.created(
        LabourProject, fields, by=by, exclude=["region", "source_employer", "import_batch"]
    )
    project.suitable_categories.set(categories)
    return project


@transaction.atomic
def project_update(
    *, project: LabourProject, by: Any, version: int | None, **fields: Any
) -> LabourProject:
    conflicts.known_fields(fields, PROJECT_FIELDS, "project")
    fields = conflicts.stripped(fields)
    categories = fields.pop("suitable_categories", None)
    current = PROJECT_ARCHIVING.editable(LabourProject.objects, project.pk, version=version)
    check_keeper(by, current.region_id, _("这个劳动项目不在您负责的范围内。"))
    values = {n: getattr(current, n) for n in PROJECT_FIELDS if n != "suitable_categories"}
    values.update(fields)
    conflicts.refuse(project_check(values, by=by, current=current))
    changed = conflicts.assign(current, fields)
    if categories is not None:
        before = set(current.suitable_categories.values_list("pk", flat=True))
        if before != {c.pk for c in categories}:
            current.suitable_categories.set(categories)
            changed.add("updated_at")
    if not changed:
        return current
    current.full_clean(exclude=["region", "source_employer", "import_batch"])
    return conflicts.bump(current, by=by, changed=changed)


@transaction.atomic
def project_archive(*, project: LabourProject, by: Any, reason: str) -> LabourProject:
    def check(row: LabourProject) -> None:
        check_keeper(by, row.region_id, _("这个劳动项目不在您负责的范围内。"))
        if row.allocations.filter(archived_at__isnull=True).exists():
            raise ValidationError(
                _("这个项目已有调配记录，不能归档；如调配有误，请先撤销调配。"), code="in_use"
            )

    return PROJECT_ARCHIVING.archive(
        LabourProject.objects, project.pk, by=by, reason=reason, check=check
    )


# --- allocations ----------------------------------------------------------------------------


def allocated_total(project: LabourProject, *, excluding: Any = None) -> int:
    """The quantity of the project's live allocations (without ``excluding``, an allocation
    being corrected)."""
    qs = LabourAllocation.objects.filter(project=project, archived_at__isnull=True)
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.aggregate(n=Sum("quantity"))["n"] or 0


def over_volume_message(project: LabourProject, allocated: int, quantity: int) -> str:
    left = max(project.volume - allocated, 0)
    return _(
        "调配数量超过了项目“%(name)s”可调配的数量：项目总量 %(volume)d%(unit)s，"
        "已调配 %(allocated)d%(unit)s，还可调配 %(left)d%(unit)s，本次填写 %(quantity)d%(unit)s。"
        "请减少调配数量。"
    ) % {
        "name": project.name,
        "volume": project.volume,
        "allocated": allocated,
        "left": left,
        "quantity": quantity,
        "unit": project.unit,
    }


def allocation_check(
    values: dict[str, Any], *, by: Any, allocated: int | None = None
) -> dict[str, list[str]]:
    """Rules of one allocation; ``allocated`` is what the project has allocated already
    (summed here when not given)."""
    errors: dict[str, list[str]] = {}
    project, institution = values.get("project"), values.get("institution")
    quantity = values.get("quantity")
    if project is None:
        errors["project"] = [_("请选择劳动项目。")]
    elif project.is_archived:
        errors["project"] = [_("劳动项目“%(name)s”已归档，不能再调配。") % {"name": project.name}]
    elif not may_keep(by, project.region_id):
        errors["project"] = [_("这个劳动项目不在您负责的范围内。")]
    if institution is None:
        errors["institution"] = [_("请选择承接机构。")]
    elif institution.is_archived:
        errors["institution"] = [
            _("机构“%(name)s”已归档，不能承接项目。") % {"name": institution.name}
        ]
    elif institution.status != InstitutionStatus.OPERATING:
        errors["institution"] = [
            _("机构“%(name)s”目前不是运营中，不能承接项目。") % {"name": institution.name}
        ]
    elif not may_keep(by, institution.region_id):
        errors["institution"] = [_("这个机构不在您负责的范围内。")]
    if quantity is None or quantity < 1:
        errors["quantity"] = [_("请填写调配数量（大于 0 的整数）。")]
    day = values.get("allocated_on")
    if day is None:
        errors["allocated_on"] = [_("请填写调配日期。")]
    elif project is not None and not project.start_date <= day <= project.end_date:
        errors["allocated_on"] = [
            _("调配日期须在项目期限内（%(start)s 至 %(end)s）。")
            % {"start": f"{project.start_date:%Y-%m-%d}", "end": f"{project.end_date:%Y-%m-%d}"}
        ]
    if project is not None and quantity and "quantity" not in errors:
        if allocated is None:
            allocated = allocated_total(project)
        if allocated + quantity > project.volume:
            errors["quantity"] = [over_volume_message(project, allocated, quantity)]
    return errors


def lock_projects(pks: Any) -> None:
    """Lock the projects' rows until the end of the transaction: whoever allocates from them
    meanwhile waits, then sums what this transaction allocated."""
    list(LabourProject.objects.select_for_update().filter(pk__in=list(pks)).values_list("pk"))


@transaction.atomic
def allocation_create(
    *, project: LabourProject, institution: AuxInstitution, by: Any, **fields: Any
) -> LabourAllocation:
    """Give part of a project's volume to an institution. The project row is locked before the
    sum, so concurrent allocations can never together exceed the volume."""
    conflicts.known_fields(fields, ("quantity", "allocated_on", "note"), "allocation")
    project = LabourProject.objects.select_for_update().get(pk=project.pk)
    values = {"project": project, "institution": institution, **conflicts.stripped(fields)}
    conflicts.refuse(allocation_check(values, by=by))
    if LabourAllocation.objects.filter(
        project=project, institution=institution, allocated_on=fields["allocated_on"]
    ).exists():
        raise ValidationError(
            {"allocated_on": [_("这一天已向这个机构调配过这个项目，请修改原调配记录。")]}
        )
    return conflicts.created(
        LabourAllocation, values, by=by, exclude=["project", "institution", "import_batch"]
    )


def delivered_total(allocation: LabourAllocation, *, excluding: Any = None) -> int:
    qs = LabourDelivery.objects.filter(allocation=allocation, archived_at__isnull=True)
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.aggregate(n=Sum("quantity"))["n"] or 0


@transaction.atomic
def allocation_archive(*, allocation: LabourAllocation, by: Any, reason: str) -> LabourAllocation:
    """Undo an allocation entered in error (its volume becomes free again)."""

    def check(row: LabourAllocation) -> None:
        check_keeper(by, row.institution.region_id, _("这个机构不在您负责的范围内。"))
        if delivered_total(row):
            raise ValidationError(_("这次调配已有交付记录，不能撤销。"), code="in_use")

    archiving = conflicts.Archiving(
        required=gettext_lazy("请填写撤销原因，例如：录错数量、机构不再承接。"),
        already=gettext_lazy("这次调配已经撤销。"),
    )
    queryset = LabourAllocation.objects.select_related("institution")
    return archiving.archive(queryset, allocation.pk, by=by, reason=reason, check=check)


# --- deliveries and income ------------------------------------------------------------------


def _locked_allocation(pk: Any) -> LabourAllocation:
    return (
        LabourAllocation.objects.select_for_update(of=("self",))
        .select_related("institution", "project")
        .get(pk=pk)
    )


def delivery_errors(
    allocation: LabourAllocation,
    quantity: int | None,
    delivered_on: dt.date | None,
    *,
    current: LabourDelivery | None = None,
) -> dict[str, list[str]]:
    """A delivery never exceeds what the allocation still owes (the other live deliveries
    counted, ``current`` left out when it is being corrected), and is dated from the
    allocation's day up to today."""
    errors: dict[str, list[str]] = {}
    delivered = delivered_total(allocation, excluding=current)
    if quantity is None or quantity < 1:
        errors["quantity"] = [_("请填写交付数量（大于 0 的整数）。")]
    elif delivered + quantity > allocation.quantity:
        errors["quantity"] = [
            _(
                "交付数量超过了调配数量：调配 %(n)d%(unit)s，已交付 %(done)d%(unit)s，"
                "还可交付 %(left)d%(unit)s。"
            )
            % {
                "n": allocation.quantity,
                "done": delivered,
                "left": allocation.quantity - delivered,
                "unit": allocation.project.unit,
            }
        ]
    if delivered_on is None:
        errors["delivered_on"] = [_("请填写交付日期。")]
    elif later := dates.after_today(delivered_on, label=_("交付日期")):
        errors["delivered_on"] = later
    elif delivered_on < allocation.allocated_on:
        errors["delivered_on"] = [_("交付日期不能早于调配日期。")]
    return errors


@transaction.atomic
def delivery_create(
    *, allocation: LabourAllocation, by: Any, quantity: int, delivered_on: dt.date, note: str = ""
) -> LabourDelivery:
    """Work an institution handed back; never more than the allocation still owes."""
    allocation = _locked_allocation(allocation.pk)
    if allocation.is_archived:
        raise ValidationError(_("这次调配已撤销，不能登记交付。"), code="archived")
    check_keeper(by, allocation.institution.region_id, _("这个机构不在您负责的范围内。"))
    conflicts.refuse(delivery_errors(allocation, quantity, delivered_on))
    values = {
        "allocation": allocation,
        "quantity": quantity,
        "delivered_on": delivered_on,
        "note": (note or "").strip(),
    }
    return conflicts.created(LabourDelivery, values, by=by, exclude=["allocation"])


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def income_record(
    *,
    membership: AuxMembership,
    by: Any,
    month: dt.date,
    amount: Decimal,
    delivery: LabourDelivery | None = None,
) -> AuxIncome:
    """Income paid to a member for a month (one entry a month; ``income_update`` corrects it,
    ``income_archive`` takes it back)."""
    membership = AuxMembership.objects.select_related("person", "institution").get(pk=membership.pk)
    if not may_keep(by, membership.person.region_id):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")
    month = month_start(month) if month else month
    conflicts.refuse(income_errors(membership, month, amount, delivery))
    values = {"membership": membership, "month": month, "amount": amount, "delivery": delivery}
    return conflicts.created(AuxIncome, values, by=by, exclude=["membership", "delivery"])


def income_errors(
    membership: AuxMembership,
    month: dt.date | None,
    amount: Decimal | None,
    delivery: LabourDelivery | None,
    *,
    current: AuxIncome | None = None,
) -> dict[str, list[str]]:
    """A month of the membership, one live entry a month (``current`` aside), an amount not
    below zero, and a delivery of the member's own institution."""
    errors: dict[str, list[str]] = {}
    if month is None:
        errors["month"] = [_("请填写收入月份。")]
    else:
        first = month_start(membership.start_date)
        last = month_start(membership.end_date or _today())
        if not first <= month <= last:
            errors["month"] = [_("收入月份须在这个人员在册期间内。")]
        else:
            taken = AuxIncome.objects.filter(
                membership=membership, month=month, archived_at__isnull=True
            )
            if current is not None:
                taken = taken.exclude(pk=current.pk)
            if taken.exists():
                errors["month"] = [_("这个月的收入已经登记过。")]
    if amount is None or amount < 0:
        errors["amount"] = [_("请填写金额（元，不能是负数）。")]
    if delivery is not None and delivery.allocation.institution_id != membership.institution_id:
        errors["delivery"] = [_("只能选择本机构的交付记录。")]
    elif (
        delivery is not None
        and delivery.is_archived
        and delivery.pk != getattr(current, "delivery_id", None)
    ):
        errors["delivery"] = [_("这条交付记录已归档，不能再对应收入。")]
    return errors


DELIVERY_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、数量录错。"),
    already=gettext_lazy("这条交付记录已经归档。"),
    refused=gettext_lazy("这条交付记录已归档，不能再修改。"),
)
INCOME_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、录错了人或月份。"),
    already=gettext_lazy("这条收入记录已经归档。"),
    refused=gettext_lazy("这条收入记录已归档，不能再修改。"),
)
DELIVERY_FIELDS = ("quantity", "delivered_on", "note")
INCOME_FIELDS = ("month", "amount", "delivery")


def _delivery_keeper(by: Any, delivery: LabourDelivery) -> None:
    region = delivery.allocation.institution.region_id
    check_keeper(by, region, _("这个机构不在您负责的范围内。"))


@transaction.atomic
def delivery_update(
    *, delivery: LabourDelivery, by: Any, version: int | None, **fields: Any
) -> LabourDelivery:
    """Correct a delivery (quantity, day, note). The allocation is locked first, so the
    corrected quantity with the other deliveries still never exceeds it."""
    conflicts.known_fields(fields, DELIVERY_FIELDS, "delivery")
    allocation = _locked_allocation(delivery.allocation_id)
    current = DELIVERY_ARCHIVING.editable(
        LabourDelivery.objects.select_related("allocation__institution"),
        delivery.pk,
        version=version,
    )
    _delivery_keeper(by, current)
    if allocation.is_archived:
        raise ValidationError(_("这次调配已撤销，不能再修改交付。"), code="archived")
    values = {name: getattr(current, name) for name in DELIVERY_FIELDS}
    values.update(conflicts.stripped(fields))
    conflicts.refuse(
        delivery_errors(allocation, values["quantity"], values["delivered_on"], current=current)
    )
    return conflicts.saved(current, {k: values[k] for k in fields}, by=by, exclude=["allocation"])


@transaction.atomic
def delivery_archive(*, delivery: LabourDelivery, by: Any, reason: str) -> LabourDelivery:
    """Take back a delivery entered in error (its quantity is owed again). Refused while a
    member's income names it: correct that income first."""

    def check(row: LabourDelivery) -> None:
        _delivery_keeper(by, row)
        paid = AuxIncome.objects.filter(delivery=row, archived_at__isnull=True).count()
        if paid:
            raise ValidationError(
                _(
                    "有 %(n)d 条收入记录对应这次交付，不能归档。"
                    "请先在人员的在册记录页更正这些收入的“对应交付”。"
                )
                % {"n": paid},
                code="in_use",
            )

    queryset = LabourDelivery.objects.select_related("allocation__institution")
    return DELIVERY_ARCHIVING.archive(queryset, delivery.pk, by=by, reason=reason, check=check)


def _income_keeper(by: Any, income: AuxIncome) -> None:
    check_keeper(by, income.membership.person.region_id, _("这个人员不在您负责的范围内。"))


@transaction.atomic
def income_update(*, income: AuxIncome, by: Any, version: int | None, **fields: Any) -> AuxIncome:
    """Correct a month's income (month, amount, the delivery it came from)."""
    conflicts.known_fields(fields, INCOME_FIELDS, "income")
    current = INCOME_ARCHIVING.editable(
        AuxIncome.objects.select_related("membership__person"), income.pk, version=version
    )
    _income_keeper(by, current)
    values = {name: getattr(current, name) for name in INCOME_FIELDS}
    values.update(fields)
    if values["month"] is not None:
        values["month"] = month_start(values["month"])
    membership = current.membership
    conflicts.refuse(
        income_errors(
            membership, values["month"], values["amount"], values["delivery"], current=current
        )
    )
    changes = {k: values[k] for k in fields}
    return conflicts.saved(current, changes, by=by, exclude=["membership", "delivery"])


@transaction.atomic
def income_archive(*, income: AuxIncome, by: Any, reason: str) -> AuxIncome:
    """Take back an income entered in error (the month may be entered again)."""
    check = partial(_income_keeper, by)
    queryset = AuxIncome.objects.select_related("membership__person")
    return INCOME_ARCHIVING.archive(queryset, income.pk, by=by, reason=reason, check=check)


__all__ = [
    "allocation_archive",
    "allocation_create",
    "delivery_archive",
    "delivery_create",
    "delivery_update",
    "income_archive",
    "income_record",
    "income_update",
    "institution_archive",
    "institution_create",
    "institution_update",
    "membership_archive",
    "membership_create",
    "membership_update",
    "project_archive",
    "project_create",
    "project_update",
]
