"""Writes of the employer registry: register, change, archive, CSR reports, and employer user
accounts invited by district staff. Single-row saves are in the audit trail through auditlog's
signals (the models are registered in ``EmployersConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from jiuye.accounts.models import Role, User
from jiuye.accounts.services import user_create
from jiuye.core import conflicts
from jiuye.core.uploads import detect
from jiuye.core.validators import validate_uscc
from jiuye.employers.models import CsrReport, Employer

EMPLOYER_FIELDS = (
    "name",
    "uscc",
    "uscc_override_reason",
    "kind",
    "industry",
    "region",
    "address",
    "contact_name",
    "contact_phone",
    "is_concentrated",
)
MAX_CSR_BYTES = 10 * 1024 * 1024


class DuplicateEmployerError(ValidationError):
    """The credit code is registered already (to ``existing``)."""

    def __init__(self, existing: Employer) -> None:
        self.existing = existing
        super().__init__(
            {
                "uscc": [
                    _("这个统一社会信用代码已登记为“%(name)s”，不能重复登记。")
                    % {"name": existing.name}
                ]
            }
        )


def uscc_check(code: str, *, reason: str) -> tuple[str, dict[str, list[str]]]:
    """The registry's rule for a credit code, as the form, the service and the import apply
    it: well formed (else ValidationError), and a code that fails the check character kept
    only with a reason (DOMAIN.md). Returns the normalised code and the problems."""
    code, warnings = validate_uscc(code)
    if warnings and not (reason or "").strip():
        return code, {"uscc": [w.message for w in warnings]}
    return code, {}


def _check_uscc(employer: Employer) -> None:
    code, problems = uscc_check(employer.uscc, reason=employer.uscc_override_reason)
    employer.uscc = code
    if problems:
        raise ValidationError(problems)
    if not validate_uscc(code)[1]:
        employer.uscc_override_reason = ""
    duplicate = Employer.objects.filter(uscc=code).exclude(pk=employer.pk).first()
    if duplicate is not None:
        raise DuplicateEmployerError(duplicate)


@transaction.atomic
def employer_create(*, by: Any, **fields: Any) -> Employer:
    actor = conflicts.actor(by)
    values = {name: fields[name] for name in EMPLOYER_FIELDS if name in fields}
    employer = Employer(created_by=actor, updated_by=actor, **values)
    _check_uscc(employer)
    employer.full_clean()
    employer.save()
    return employer


@transaction.atomic
def employer_update(
    *, employer: Employer, by: Any, version: int | None = None, **fields: Any
) -> Employer:
    """Change an employer. ``version`` is the version the form was opened at: a later save by
    someone else is a ConflictError, never a silent overwrite (None skips the check)."""
    current = conflicts.locked(Employer.objects, pk=employer.pk, version=version)
    if current.is_archived:
        raise ValidationError(_("这个单位已归档，不能再修改。"))
    changed = []
    for name in EMPLOYER_FIELDS:
        if name in fields and getattr(current, name) != fields[name]:
            setattr(current, name, fields[name])
            changed.append(name)
    _check_uscc(current)
    if not changed:
        return current
    current.full_clean()
    return conflicts.bump(current, by=by, changed={*changed, "uscc", "uscc_override_reason"})


@transaction.atomic
def employer_archive(*, employer: Employer, reason: str, by: Any) -> Employer:
    """Take an employer off the registry with a reason; its reports, declarations and accounts
    stay (nothing is deleted)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写归档原因，例如：已注销、重复登记、迁出本区。")})
    current = conflicts.locked(Employer.objects, pk=employer.pk, version=None)
    if current.is_archived:
        raise ValidationError(_("这个单位已经归档。"))
    return conflicts.bump_archived(current, by=by, reason=reason)


def csr_file_validate(upload: UploadedFile) -> None:
    name = upload.name or ""
    if not name.lower().endswith(".pdf"):
        raise ValidationError(
            _("“%(name)s”不是 PDF 文件。请上传 PDF 格式的报告。") % {"name": name}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    if upload.size > MAX_CSR_BYTES:
        raise ValidationError(
            _("“%(name)s”有 %(size).1f MB，超过了 10 MB 的上限。请压缩后再上传，或填写报告链接。")
            % {"name": name, "size": upload.size / 1024 / 1024}
        )
    detect(upload, ["pdf"])  # a real PDF, read with a PDF parser


@transaction.atomic
def csr_save(
    *,
    employer: Employer,
    year: int,
    includes_disability: bool,
    link: str = "",
    upload: UploadedFile | None = None,
    remove_file: bool = False,
    by: Any,
) -> CsrReport:
    """Add or change the CSR report of a year (one per employer and year). A report needs a
    link, a PDF, or both."""
    actor = conflicts.actor(by)
    report = CsrReport.objects.select_for_update().filter(employer=employer, year=year).first()
    if report is None:
        report = CsrReport(employer=employer, year=year, created_by=actor)
    if upload is not None:
        csr_file_validate(upload)
    keeps_file = bool(report.file) and not remove_file
    if not link and upload is None and not keeps_file:
        raise ValidationError(
            {"link": [_("请填写报告链接或上传 PDF 文件（至少一项）。")]}, code="required"
        )
    report.includes_disability = includes_disability
    report.link = link
    report.updated_by = actor
    if remove_file and upload is None:
        report.file = ""
    if upload is not None:
        report.file.save(f"{employer.pk}-{year}.pdf", upload, save=False)
    report.full_clean()
    report.save()
    return report


def employer_invite(
    *, employer: Employer, username: str, display_name: str = "", email: str = "", by: Any
) -> tuple[User, str]:
    """An account of the employer role bound to this employer, with a one-time password."""
    if employer.is_archived:
        raise ValidationError(_("这个单位已归档，不能再为它创建账户。"))
    return user_create(
        username=username,
        role=Role.EMPLOYER,
        display_name=display_name,
        email=email,
        employer=employer,
        by=conflicts.actor(by),
    )
