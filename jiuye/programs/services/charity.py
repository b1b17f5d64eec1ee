"""Writes of action 三: organizations, employment and entrepreneurship leaders with the jobs
they bring, and charity projects with their beneficiaries.

Who keeps what: administrators and district staff every record; a town officer the
organizations and projects located in their town, and the leaders and beneficiaries who are
persons of their town; a department liaison the projects their own department organises (the
project's details only: beneficiaries are personal data they do not see). Leaders only read.
``by=None`` is the system (imports run from a command, tests, the demo).

The rule functions (``organization_check``, ``project_check``) are the ones the forms and the
import kinds call too, so every way in refuses the same things with the same words.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core import conflicts, dates
from jiuye.core.scoping import check_keeper, may_keep
from jiuye.core.validators import validate_uscc
from jiuye.employment.models import EmploymentRecord
from jiuye.people.models import Person
from jiuye.people.services import normalize_phone
from jiuye.programs.models.charity import (
    CharityBeneficiary,
    CharityProject,
    EmploymentLeader,
    LeaderJob,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    ProjectKind,
)

KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
# Who may register and correct charity projects: the keepers, and liaisons for their department.
PROJECT_KEEPERS = (*KEEPERS, Role.DEPARTMENT)
ORGANIZATION_FIELDS = (
    "name",
    "kind",
    "uscc",
    "region",
    "address",
    "contact_name",
    "contact_phone",
    "status",
    "note",
)
LEADER_FIELDS = ("person", "employer", "business_name", "recognised_on", "note")
PROJECT_FIELDS = (
    "name",
    "kind",
    "organiser_organization",
    "organiser_department",
    "funding_source",
    "funding_amount",
    "start_date",
    "end_date",
    "region",
    "place",
    "target_group",
    "description",
)
BENEFICIARY_FIELDS = ("joined_on", "trained", "placed", "started_business", "note")
MAX_AMOUNT = Decimal("1e10")

ORGANIZATION_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、组织已注销。"),
    already=gettext_lazy("这个组织已经归档。"),
    refused=gettext_lazy("这个组织已归档，不能再修改。"),
)
LEADER_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、不再认定。"),
    already=gettext_lazy("这位带头人已经归档。"),
    refused=gettext_lazy("这位带头人已归档，不能再修改。"),
)
BENEFICIARY_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写移出原因，例如：录错了人、不是这个项目的受益人。"),
    already=gettext_lazy("这位受益人已经移出。"),
)
PROJECT_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、项目取消。"),
    already=gettext_lazy("这个项目已经归档。"),
    refused=gettext_lazy("这个项目已归档，不能再修改。"),
)


# --- organizations --------------------------------------------------------------------------


def organization_check(values: dict[str, Any]) -> dict[str, Any]:
    """The organization's values normalised, or a ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    values = dict(values)
    values["name"] = " ".join((values.get("name") or "").split())
    if not values["name"]:
        errors["name"] = [_("请填写组织名称。")]
    if values.get("kind") not in OrganizationKind.values:
        errors["kind"] = [_("请选择组织类型。")]
    if values.get("region") is None:
        errors["region"] = [_("请选择所在地。")]
    status = values.get("status") or OrganizationStatus.ACTIVE
    if status not in OrganizationStatus.values:
        errors["status"] = [_("状态请选择“正常开展活动”或“暂停活动”。")]
    values["status"] = status
    uscc = (values.get("uscc") or "").strip().upper()
    if uscc:
        try:
            uscc, warnings = validate_uscc(uscc)
        except ValidationError as exc:
            errors["uscc"] = list(exc.messages)
        else:
            if warnings:
                errors["uscc"] = [
                    _("统一社会信用代码 %(code)s 的校验码不对，请对照登记证书核对。")
                    % {"code": uscc}
                ]
    values["uscc"] = uscc
    for key in ("address", "contact_name", "contact_phone", "note"):
        values[key] = (values.get(key) or "").strip()
    if values["contact_phone"]:
        try:
            values["contact_phone"] = normalize_phone(values["contact_phone"])
        except ValidationError as exc:
            errors["contact_phone"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return values


def _organization_keeper(by: Any, organization: Organization) -> None:
    check_keeper(by, organization.region_id, _("这个组织不在您负责的范围内。"))


@transaction.atomic
def organization_create(*, by: Any, **fields: Any) -> Organization:
    conflicts.known_fields(fields, ORGANIZATION_FIELDS, "organization")
    values = organization_check(fields)
    check_keeper(by, values["region"].pk, _("只能选择您负责的镇街或村（社区）。"))
    return conflicts.created(Organization, values, by=by, exclude=["region"])


@transaction.atomic
def organization_update(
    *, organization: Organization, by: Any, version: int | None, **fields: Any
) -> Organization:
    conflicts.known_fields(fields, ORGANIZATION_FIELDS, "organization")
    current = ORGANIZATION_ARCHIVING.editable(
        Organization.objects, organization.pk, version=version
    )
    _organization_keeper(by, current)
    values = {name: getattr(current, name) for name in ORGANIZATION_FIELDS}
    values.update(fields)
    values = organization_check(values)
    check_keeper(by, values["region"].pk, _("只能选择您负责的镇街或村（社区）。"))
    changes = {name: values[name] for name in fields}
    return conflicts.saved(current, changes, by=by, exclude=["region"])


@transaction.atomic
def organization_archive(*, organization: Organization, by: Any, reason: str) -> Organization:
    check = partial(_organization_keeper, by)
    return ORGANIZATION_ARCHIVING.archive(
        Organization.objects, organization.pk, by=by, reason=reason, check=check
    )


# --- leaders --------------------------------------------------------------------------------


def leader_business_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    """A leader's business is a registered employer or a name in words, one of the two (the
    form asks the same before it looks the person up)."""
    employer = values.get("employer")
    business = (values.get("business_name") or "").strip()
    if employer is None and not business:
        return {"business_name": [_("请填写经营的用人单位（统一社会信用代码）或经营项目名称。")]}
    if employer is not None and business:
        return {"business_name": [_("已填写登记的用人单位时，不要再填写经营项目名称。")]}
    if employer is not None and employer.is_archived:
        return {"employer": [_("这家用人单位已归档，不能关联。")]}
    return {}


def _leader_check(values: dict[str, Any], current: EmploymentLeader | None) -> None:
    errors = leader_business_errors(values)
    person = values.get("person")
    if person is None:
        errors["person"] = [_("请填写带头人的身份证号。")]
    elif person.is_archived:
        errors["person"] = [_("这个人员已归档，不能认定为带头人。")]
    else:
        taken = EmploymentLeader.objects.filter(person=person, archived_at__isnull=True)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            errors["person"] = [_("%(name)s 已经是就业创业带头人。") % {"name": person.name}]
    day = values.get("recognised_on")
    if day is None:
        errors["recognised_on"] = [_("请填写认定日期。")]
    elif later := dates.after_today(day, label=_("认定日期")):
        errors["recognised_on"] = later
    if errors:
        raise ValidationError(errors)


def _leader_keeper(by: Any, leader: EmploymentLeader) -> None:
    check_keeper(by, leader.person.region_id, _("这位带头人不在您负责的范围内。"))


@transaction.atomic
def leader_create(*, by: Any, **fields: Any) -> EmploymentLeader:
    conflicts.known_fields(fields, LEADER_FIELDS, "leader")
    values = conflicts.stripped(fields)
    _leader_check(values, None)
    check_keeper(by, values["person"].region_id, _("这个人员不在您负责的范围内。"))
    return conflicts.created(EmploymentLeader, values, by=by, exclude=["person", "employer"])


@transaction.atomic
def leader_update(
    *, leader: EmploymentLeader, by: Any, version: int | None, **fields: Any
) -> EmploymentLeader:
    conflicts.known_fields(fields, LEADER_FIELDS, "leader")
    current = LEADER_ARCHIVING.editable(
        EmploymentLeader.objects.select_related("person"), leader.pk, version=version
    )
    _leader_keeper(by, current)
    values = {name: getattr(current, name) for name in LEADER_FIELDS}
    values.update(conflicts.stripped(fields))
    _leader_check(values, current)
    changes = {k: values[k] for k in fields}
    return conflicts.saved(current, changes, by=by, exclude=["person", "employer"])


@transaction.atomic
def leader_archive(*, leader: EmploymentLeader, by: Any, reason: str) -> EmploymentLeader:
    check = partial(_leader_keeper, by)
    queryset = EmploymentLeader.objects.select_related("person")
    return LEADER_ARCHIVING.archive(queryset, leader.pk, by=by, reason=reason, check=check)


@transaction.atomic
def leader_job_link(*, leader: EmploymentLeader, record: EmploymentRecord, by: Any) -> LeaderJob:
    """Link an employment record to the leader who brought the job."""
    leader = EmploymentLeader.objects.select_related("person").get(pk=leader.pk)
    if leader.is_archived:
        raise ValidationError(_("这位带头人已归档，不能再关联就业记录。"), code="archived")
    _leader_keeper(by, leader)
    errors = []
    if record.archived_at is not None:
        errors.append(_("这条就业记录已归档，不能关联。"))
    elif not may_keep(by, record.person.region_id):
        errors.append(_("这条就业记录的人员不在您负责的范围内。"))
    elif record.person_id == leader.person_id:
        errors.append(_("带头人本人的就业不算带动就业，请选择其他人员的就业记录。"))
    else:
        other = LeaderJob.objects.filter(record=record).select_related("leader__person").first()
        if other is not None:
            errors.append(
                _("这条就业记录已关联到带头人 %(name)s。") % {"name": other.leader.person.name}
            )
    if errors:
        raise ValidationError({"record": errors})
    who = conflicts.actor(by)
    job = LeaderJob(leader=leader, record=record, created_by=who, updated_by=who)
    job.save()
    leader.updated_by = who
    leader.save(update_fields=["updated_by", "updated_at"])
    return job


# --- charity projects -----------------------------------------------------------------------


def project_check(values: dict[str, Any]) -> dict[str, list[str]]:
    """The rules of a project, by field, for the form, the services and the import alike."""
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写项目或活动名称。")]
    if values.get("kind") not in ProjectKind.values:
        errors["kind"] = [_("请选择类别：公益慈善项目或公益慈善活动。")]
    organization = values.get("organiser_organization")
    department = values.get("organiser_department")
    if organization is None and department is None:
        errors["organiser_organization"] = [_("请选择主办组织或主办部门（二选一）。")]
    elif organization is not None and department is not None:
        errors["organiser_department"] = [_("主办组织和主办部门只能填一个。")]
    elif organization is not None and organization.is_archived:
        errors["organiser_organization"] = [
            _("组织“%(name)s”已归档，不能再主办项目。") % {"name": organization.name}
        ]
    if values.get("region") is None:
        errors["region"] = [_("请选择所属地区。")]
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        errors["start_date"] = [_("请填写开始日期。")]
    if start is not None and end is not None and end < start:
        errors["end_date"] = [
            _("结束日期（%(end)s）早于开始日期（%(start)s），请改为开始日期当天或之后。")
            % {"end": end.isoformat(), "start": start.isoformat()}
        ]
    amount = values.get("funding_amount")
    if amount is not None and (amount < 0 or amount >= MAX_AMOUNT):
        errors["funding_amount"] = [_("资金请填写不小于 0 的金额（元），最多两位小数。")]
    return errors


def _project_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = conflicts.stripped(fields)
    if "name" in values:
        values["name"] = " ".join((values["name"] or "").split())
    return values


def _liaison(by: Any) -> bool:
    return conflicts.actor(by) is not None and by.role == Role.DEPARTMENT


def may_keep_project(by: Any, project: CharityProject) -> bool:
    """Whether ``by`` may correct or archive the project: a liaison the projects of their own
    department, the others by the project's place (``may_keep``)."""
    if _liaison(by):
        return bool(by.department_id) and project.organiser_department_id == by.department_id
    return may_keep(by, project.region_id)


def _project_keeper(by: Any, project: CharityProject) -> None:
    if not _liaison(by):
        check_keeper(by, project.region_id, _("这个项目不在您负责的范围内。"))
    elif not may_keep_project(by, project):
        raise ValidationError(_("这个项目不是贵部门主办的，不能修改。"), code="scope")


def _new_values_keeper(by: Any, values: dict[str, Any]) -> None:
    """A liaison's project stays their department's; the others choose a place they keep."""
    if not _liaison(by):
        check_keeper(by, values["region"].pk, _("只能选择您负责的镇街或村（社区）。"))
        return
    department = values.get("organiser_department")
    if department is None or department.pk != by.department_id:
        raise ValidationError(
            {"organiser_department": [_("部门联络员只能登记和修改本部门主办的项目。")]},
            code="scope",
        )


@transaction.atomic
def project_create(*, by: Any, **fields: Any) -> CharityProject:
    conflicts.known_fields(fields, PROJECT_FIELDS, "project")
    values = _project_values(fields)
    conflicts.refuse(project_check(values))
    _new_values_keeper(by, values)
    return conflicts.created(
        CharityProject,
        values,
        by=by,
        exclude=["region", "organiser_organization", "organiser_department"],
    )


@transaction.atomic
def project_update(
    *, project: CharityProject, by: Any, version: int | None, **fields: Any
) -> CharityProject:
    conflicts.known_fields(fields, PROJECT_FIELDS, "project")
    current = PROJECT_ARCHIVING.editable(CharityProject.objects, project.pk, version=version)
    _project_keeper(by, current)
    values = {name: getattr(current, name) for name in PROJECT_FIELDS}
    values.update(_project_values(fields))
    conflicts.refuse(project_check(values))
    _new_values_keeper(by, values)
    exclude = ["region", "organiser_organization", "organiser_department"]
    return conflicts.saved(current, {k: values[k] for k in fields}, by=by, exclude=exclude)


@transaction.atomic
def project_archive(*, project: CharityProject, by: Any, reason: str) -> CharityProject:
    check = partial(_project_keeper, by)
    return PROJECT_ARCHIVING.archive(
        CharityProject.objects, project.pk, by=by, reason=reason, check=check
    )


def beneficiary_errors(project: CharityProject, values: dict[str, Any]) -> dict[str, list[str]]:
    """What a beneficiary row must hold, by field (the form, the service and the import)."""
    day = values.get("joined_on") or project.start_date
    start, end = project.start_date, project.end_date
    if end is not None and not start <= day <= end:
        message = _("受益日期应在项目的开始日期和结束日期之间（%(start)s至%(end)s）。")
    elif day < start:
        message = _("受益日期不能早于项目的开始日期（%(start)s）。")
    else:
        return {}
    texts = {"start": dates.day_text(start), "end": dates.day_text(end) if end else ""}
    return {"joined_on": [message % texts]}


@transaction.atomic
def beneficiary_save(
    *, project: CharityProject, person: Person, by: Any, version: int | None = None, **fields: Any
) -> CharityBeneficiary:
    """Record a person as a beneficiary of the project, or correct what came of it (``version``
    is the version the user saw: 0 when they added a new one; None skips the check)."""
    conflicts.known_fields(fields, BENEFICIARY_FIELDS, "beneficiary")
    project = CharityProject.objects.get(pk=project.pk)
    if project.is_archived:
        raise ValidationError(_("这个项目已归档，不能再登记受益人。"), code="archived")
    if person.is_archived:
        raise ValidationError({"person": [_("这个人员已归档，不能登记为受益人。")]})
    if not may_keep(by, person.region_id):
        raise ValidationError({"person": [_("这个人员不在您负责的范围内。")]})
    values = conflicts.stripped(fields)
    values["joined_on"] = values.get("joined_on") or project.start_date
    conflicts.refuse(beneficiary_errors(project, values))
    current = (
        CharityBeneficiary.objects.select_for_update()
        .filter(project=project, person=person)
        .first()
    )
    conflicts.check_version(current, version)
    who = conflicts.actor(by)
    if current is not None and current.is_archived:
        # Recorded again after a removal: the row counts again.
        values.update(archived_at=None, archived_by=None, archived_reason="")
    if current is None:
        row = CharityBeneficiary(
            project=project, person=person, created_by=who, updated_by=who, **values
        )
        row.full_clean(exclude=["project", "person"])
        row.save()
        return row
    changed = conflicts.assign(current, values)
    return conflicts.bump(current, by=by, changed=changed) if changed else current


@transaction.atomic
def beneficiary_archive(
    *, beneficiary: CharityBeneficiary, by: Any, reason: str
) -> CharityBeneficiary:
    """Take a beneficiary off the project (archived with the reason, never deleted)."""

    def check(row: CharityBeneficiary) -> None:
        check_keeper(by, row.person.region_id, _("这个人员不在您负责的范围内。"))

    queryset = CharityBeneficiary.objects.select_related("person")
    return BENEFICIARY_ARCHIVING.archive(
        queryset, beneficiary.pk, by=by, reason=reason, check=check
    )


@transaction.atomic
def leader_job_unlink(*, job: LeaderJob, by: Any) -> None:
    """Take a job linked by mistake off the leader. The link row is deleted (it is a plain
    link, not a record with a history of its own; the audit trail keeps the deletion); the
    employment record itself is untouched."""
    job = LeaderJob.objects.select_related("record__person").get(pk=job.pk)
    leaders = EmploymentLeader.objects.select_related("person")
    leader = conflicts.locked(leaders, pk=job.leader_id, version=None)
    if leader.is_archived:
        raise ValidationError(_("这位带头人已归档，不能再修改带动就业的人员。"), code="archived")
    _leader_keeper(by, leader)
    if not may_keep(by, job.record.person.region_id):
        raise ValidationError(_("这条就业记录的人员不在您负责的范围内。"), code="scope")
    job.delete()
    leader.updated_by = conflicts.actor(by)
    leader.save(update_fields=["updated_by", "updated_at"])
