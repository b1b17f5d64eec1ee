"""Writes of job postings: create, change, submit for review, review, change status, archive.

Who may write:
- administrators and district staff: every posting;
- a town officer: postings whose place (region) is in their town;
- an employer user: its own employer's postings, created as drafts and sent for review
  (draft → review → published by staff, or back to draft with a note); it may change only its
  drafts, and may mark its published postings filled or closed;
- ``by=None`` (an import or a command): no role check.

Staff create postings as drafts or publish them directly. Nothing is deleted: a posting is
archived with a reason. ``terms`` and ``title_terms`` (jieba search terms,
``jobs.services.terms``) are kept up to date by every write, for matching and keyword search.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.accounts.models import Role
from jiuye.core import conflicts
from jiuye.core.scoping import region_in_scope
from jiuye.employers.models import Employer
from jiuye.employment.models import ContractType, NewFormSubtype
from jiuye.jobs.models import AccessFeature, Hours, Occupation, Posting, PostingStatus, TargetGroup
from jiuye.jobs.services.terms import terms_of
from jiuye.notifications import selectors as told
from jiuye.notifications.services import Event, notify
from jiuye.people.models import Education
from jiuye.reference.models import DisabilityCategory, DisabilityGrade, Region

# What posting_create and posting_update accept.
FIELDS = (
    "employer",
    "title",
    "occupation",
    "openings",
    "region",
    "is_remote",
    "new_form_subtype",
    "hours",
    "schedule",
    "wage_min",
    "wage_max",
    "contract_type",
    "education_min",
    "skills",
    "requirements",
    "experience_years",
    "suitable_categories",
    "suitable_grades",
    "accessibility",
    "target_groups",
    "benefits",
    "description",
    "deadline",
)
MANY = ("suitable_categories", "suitable_grades")
STAFF_WRITERS = frozenset({Role.ADMIN, Role.DISTRICT, Role.TOWN})
REVIEWERS = frozenset({Role.ADMIN, Role.DISTRICT})
MAX_SKILLS = 20
MAX_SKILL_LENGTH = 20
MAX_OPENINGS = 10_000
MAX_WAGE = Decimal("1000000")
SKILL_SEPARATORS = "、，,;；\n"

# Status changes through posting_set_status: from → allowed targets.
TRANSITIONS: dict[str, frozenset[str]] = {
    PostingStatus.DRAFT: frozenset({PostingStatus.PUBLISHED}),
    PostingStatus.PUBLISHED: frozenset({PostingStatus.FILLED, PostingStatus.CLOSED}),
    PostingStatus.FILLED: frozenset({PostingStatus.PUBLISHED, PostingStatus.CLOSED}),
    PostingStatus.CLOSED: frozenset({PostingStatus.PUBLISHED}),
}
# What an employer may do to its own published postings without staff.
EMPLOYER_TARGETS = frozenset({PostingStatus.FILLED, PostingStatus.CLOSED})


# --- who may do what ------------------------------------------------------------------------


def can_edit(user: Any, posting: Posting) -> bool:
    """Whether a user may change this posting's fields (not archived; an employer only its
    drafts)."""
    if posting.is_archived or not can_manage(user, posting):
        return False
    if user is not None and user.role == Role.EMPLOYER:
        return posting.status == PostingStatus.DRAFT
    return True


def can_manage(user: Any, posting: Posting) -> bool:
    """Whether a posting is within what a user writes: its region for staff, its employer for
    an employer user. ``None`` is the system (imports, commands)."""
    if user is None or not getattr(user, "pk", None):
        return True
    if user.role in (Role.ADMIN, Role.DISTRICT):
        return True
    if user.role == Role.TOWN:
        return bool(posting.region_id) and region_in_scope(user, posting.region_id)
    if user.role == Role.EMPLOYER:
        return bool(user.employer_id) and posting.employer_id == user.employer_id
    return False


def status_targets(user: Any, posting: Posting) -> list[str]:
    """The statuses this user may move the posting to now (for the buttons on its page)."""
    if posting.is_archived or not can_manage(user, posting):
        return []
    targets = TRANSITIONS.get(posting.status, frozenset())
    if user is not None and getattr(user, "role", None) == Role.EMPLOYER:
        targets = targets & EMPLOYER_TARGETS
    order = list(PostingStatus.values)
    return sorted(targets, key=order.index)


def _require_manage(by: Any, posting: Posting) -> None:
    if not can_manage(by, posting):
        raise PermissionDenied


# --- cleaning -------------------------------------------------------------------------------


def normalize_skills(value: Any) -> list[str]:
    """Skill tags from a list or from text separated by 、，, or ;: trimmed, blanks dropped,
    repeats (ignoring case) dropped, in the order typed."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value
        for sep in SKILL_SEPARATORS:
            text = text.replace(sep, ",")
        items: Iterable[Any] = text.split(",")
    else:
        items = value
    seen: dict[str, str] = {}
    for item in items:
        tag = " ".join(str(item).split())
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return list(seen.values())


def _codes(values: Iterable[Any] | None) -> list[Any]:
    return [getattr(v, "pk", v) for v in (values or [])]


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def posting_check(
    values: dict[str, Any], *, publishing: bool, today: dt.date | None = None
) -> dict[str, str]:
    """The rules across a posting's fields: ``{field: message}`` for each one broken.
    ``publishing`` adds the rules of a posting that goes (or stays) public."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("请填写岗位名称，例如：电商客服。")
    elif len(title) > 100:
        errors["title"] = _("岗位名称最多100个字，请缩短。")
    employer = values.get("employer")
    if employer is None:
        errors["employer"] = _("请填写用人单位。")
    elif employer.is_archived:
        errors["employer"] = _("用人单位“%(name)s”已归档，不能再发布岗位。") % {
            "name": employer.name
        }
    occupation = values.get("occupation")
    if occupation is not None and occupation.is_disabled:
        errors["occupation"] = _("职业类别“%(name)s”已停用，请选择其他类别。") % {
            "name": occupation.name
        }
    openings = values.get("openings")
    if openings is None or not isinstance(openings, int) or openings < 1:
        errors["openings"] = _("招聘人数至少为 1。")
    elif openings > MAX_OPENINGS:
        errors["openings"] = _("招聘人数不能超过 %(n)d，请核对。") % {"n": MAX_OPENINGS}
    region = values.get("region")
    if region is None:
        if values.get("is_remote"):
            errors["region"] = _("远程岗位也请选择工作地点（单位所在的镇街或村社区）。")
        else:
            errors["region"] = _("请选择工作地点（镇街或村社区）。")
    elif region.level < Region.Level.TOWN or region.is_disabled:
        errors["region"] = _("工作地点请选择到镇街或村（社区）一级。")
    if values.get("hours") not in Hours.values:
        errors["hours"] = _("请选择工作时间（全职、兼职、弹性时间或轮班）。")
    if (values.get("new_form_subtype") or "") not in ("", *NewFormSubtype.values):
        errors["new_form_subtype"] = _("请从列表中选择新就业形态，不是新就业形态的选“否”。")
    if (values.get("contract_type") or "") not in ("", *ContractType.values):
        errors["contract_type"] = _("请从列表中选择合同类型。")
    if (values.get("education_min") or "") not in ("", *Education.values):
        errors["education_min"] = _("请从列表中选择最低学历，不限学历的选“不限”。")
    wages: dict[str, Decimal | None] = {}
    for key, label in (("wage_min", _("月薪下限")), ("wage_max", _("月薪上限"))):
        try:
            wage = _decimal(values.get(key))
        except ValueError:
            errors[key] = _("%(label)s请填写金额，例如 3500。") % {"label": label}
            continue
        if wage is not None and (wage < 0 or wage >= MAX_WAGE):
            errors[key] = _("%(label)s应在 0 到 999999 元之间。") % {"label": label}
            continue
        wages[key] = wage
    low, high = wages.get("wage_min"), wages.get("wage_max")
    if low is not None and high is not None and low > high:
        errors["wage_min"] = _("月薪下限不能高于上限，请核对两个金额。")
    experience = values.get("experience_years") or 0
    if not isinstance(experience, int) or not 0 <= experience <= 50:
        errors["experience_years"] = _("工作经验请填写 0 到 50 之间的整数年数。")
    skills = values.get("skills") or []
    if len(skills) > MAX_SKILLS:
        errors["skills"] = _("技能要求最多 %(n)d 个标签，请只留下最重要的。") % {"n": MAX_SKILLS}
    else:
        long = [tag for tag in skills if len(tag) > MAX_SKILL_LENGTH]
        if long:
            errors["skills"] = _(
                "技能标签“%(tag)s”太长（最多 %(n)d 个字）。请拆成几个短标签，用顿号分开。"
            ) % {"tag": long[0], "n": MAX_SKILL_LENGTH}
    unknown = [c for c in values.get("accessibility") or [] if c not in AccessFeature.values]
    if unknown:
        errors["accessibility"] = _("无法识别的无障碍条件：%(v)s。请从列表中勾选。") % {
            "v": "、".join(map(str, unknown))
        }
    unknown = [c for c in values.get("target_groups") or [] if c not in TargetGroup.values]
    if unknown:
        errors["target_groups"] = _("无法识别的面向人群：%(v)s。请从列表中勾选。") % {
            "v": "、".join(map(str, unknown))
        }
    for key, size, label in (
        ("schedule", 100, _("班次安排")),
        ("benefits", 300, _("福利待遇")),
        ("requirements", 2000, _("其他要求")),
        ("description", 5000, _("岗位描述")),
    ):
        if len(values.get(key) or "") > size:
            errors[key] = _("%(label)s最多 %(n)d 个字，请缩短。") % {"label": label, "n": size}
    deadline = values.get("deadline")
    if publishing and deadline is not None and deadline < today:
        errors["deadline"] = _(
            "截止日期 %(day)s 已经过了，不能发布。请把截止日期改为今天（%(today)s）或以后，"
            "或者不填。"
        ) % {"day": f"{deadline:%Y-%m-%d}", "today": f"{today:%Y-%m-%d}"}
    return errors


def posting_publishing(current: Posting | None, *, status: str, deadline: Any) -> bool:
    """Whether a write needs the publishing rules of ``posting_check``: a new posting not
    kept as a draft, a posting being published, or a published one whose deadline changes.
    ``status`` is the posting's status after the write."""
    if current is None:
        return status != PostingStatus.DRAFT
    if status == PostingStatus.PUBLISHED and current.status != PostingStatus.PUBLISHED:
        return True
    return current.status == PostingStatus.PUBLISHED and deadline != current.deadline


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    values = dict(fields)
    if "title" in values:
        values["title"] = " ".join((values["title"] or "").split())
    for key in ("schedule", "benefits", "requirements", "description"):
        if key in values:
            values[key] = (values[key] or "").strip()
    for key in ("new_form_subtype", "contract_type", "education_min"):
        if key in values:
            values[key] = values[key] or ""
    if "skills" in values:
        values["skills"] = normalize_skills(values["skills"])
    for key in ("accessibility", "target_groups"):
        if key in values:
            values[key] = list(dict.fromkeys(values[key] or []))
    for key in MANY:
        if key in values:
            values[key] = sorted(set(_codes(values[key])))
    if "experience_years" in values and values["experience_years"] is None:
        values["experience_years"] = 0
    for key in ("wage_min", "wage_max"):
        if key in values and values[key] == "":
            values[key] = None
    return values


def _check_many(values: dict[str, Any]) -> dict[str, str]:
    errors = {}
    for key, model, label in (
        ("suitable_categories", DisabilityCategory, _("残疾类别")),
        ("suitable_grades", DisabilityGrade, _("残疾等级")),
    ):
        codes = values.get(key)
        if not codes:
            continue
        known = set(
            model.objects.filter(pk__in=codes, disabled_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if set(codes) - known:
            errors[key] = _("无法识别的%(label)s，请重新勾选。") % {"label": label}
    return errors


def keep_terms(posting: Posting) -> None:
    """The jieba terms matching and keyword search read (``jobs.services.terms``)."""
    occupation = posting.occupation.name if posting.occupation_id else ""
    posting.terms = " ".join(terms_of([*posting.skills, posting.requirements]))
    posting.title_terms = " ".join(terms_of([posting.title, occupation]))[:300]


def _employer_for(by: Any, values: dict[str, Any]) -> None:
    """An employer user writes for its own employer only."""
    if by is not None and getattr(by, "role", None) == Role.EMPLOYER:
        given = values.get("employer")
        if given is not None and given.pk != by.employer_id:
            raise ValidationError({"employer": [_("您只能为本单位发布岗位。")]}, code="permission")
        values["employer"] = Employer.objects.get(pk=by.employer_id)


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def posting_create(
    *,
    by: Any,
    status: str = PostingStatus.DRAFT,
    import_batch: Any = None,
    **fields: Any,
) -> Posting:
    """A new posting. Staff may create it as a draft or published; an employer user's posting
    is a draft, or goes straight to review with ``status=review``."""
    conflicts.known_fields(fields, FIELDS, "posting")
    role = getattr(by, "role", None) if conflicts.actor(by) else None
    allowed = (
        {PostingStatus.DRAFT, PostingStatus.REVIEW}
        if role == Role.EMPLOYER
        else {PostingStatus.DRAFT, PostingStatus.PUBLISHED}
    )
    if role is not None and role not in STAFF_WRITERS and role != Role.EMPLOYER:
        raise PermissionDenied
    if status not in allowed:
        raise ValidationError(_("新岗位只能保存为草稿或发布。"), code="status")
    values = _normalised(fields)
    _employer_for(by, values)
    values.setdefault("openings", 1)
    errors = posting_check(
        values, publishing=posting_publishing(None, status=status, deadline=None)
    )
    errors.update(_check_many(values))
    _raise(errors)
    many = {key: values.pop(key, []) for key in MANY}
    actor = conflicts.actor(by)
    posting = Posting(created_by=actor, updated_by=actor, import_batch=import_batch, **values)
    posting.status = status
    if role == Role.TOWN and not region_in_scope(by, posting.region_id):
        raise ValidationError(
            {"region": [_("您只能在本镇街范围内发布岗位，请重新选择工作地点。")]},
            code="scope",
        )
    if status == PostingStatus.PUBLISHED:
        posting.published_at = timezone.now()
    keep_terms(posting)
    posting.full_clean(exclude=["employer", "region", "occupation", "import_batch"])
    posting.save()
    for key, codes in many.items():
        getattr(posting, key).set(codes)
    return posting


def _locked(posting: Posting, version: int | None) -> Posting:
    queryset = Posting.objects.select_related("employer", "occupation", "region")
    return conflicts.locked(queryset, pk=posting.pk, version=version)


def _many_of(posting: Posting) -> dict[str, list[Any]]:
    return {key: sorted(getattr(posting, key).values_list("pk", flat=True)) for key in MANY}


@transaction.atomic
def posting_update(*, posting: Posting, by: Any, version: int | None, **fields: Any) -> Posting:
    """Change a posting's fields (optimistic locking by ``version``; None skips the check)."""
    conflicts.known_fields(fields, FIELDS, "posting")
    current = _locked(posting, version)
    _require_manage(by, current)
    if current.is_archived:
        raise ValidationError(_("这个岗位已归档，不能再修改。"), code="archived")
    if not can_edit(by, current):
        raise ValidationError(
            _("岗位%(status)s，单位不能再修改。如需修改，请联系区残联工作人员。")
            % {"status": current.get_status_display()},
            code="status",
        )
    values = _normalised(fields)
    _employer_for(by, values)
    before_many = _many_of(current)
    merged = {name: getattr(current, name) for name in FIELDS if name not in MANY}
    merged.update(before_many)
    merged.update(values)
    publishing = posting_publishing(current, status=current.status, deadline=merged.get("deadline"))
    errors = posting_check(merged, publishing=publishing)
    errors.update(_check_many(values))
    _raise(errors)
    if (
        getattr(by, "role", None) == Role.TOWN
        and values.get("region") is not None
        and not region_in_scope(by, values["region"].pk)
    ):
        raise ValidationError(
            {"region": [_("您只能在本镇街范围内发布岗位，请重新选择工作地点。")]},
            code="scope",
        )
    changed: set[str] = set()
    for name, value in values.items():
        if name in MANY:
            continue
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed.add(name)
    many_changed = {k for k in MANY if k in values and values[k] != before_many[k]}
    if not changed and not many_changed:
        return current
    keep_terms(current)
    current.full_clean(exclude=["employer", "region", "occupation", "import_batch"])
    current = conflicts.bump(current, by=by, changed=changed | {"terms", "title_terms"})
    for key in many_changed:
        getattr(current, key).set(values[key])
    return current


@transaction.atomic
def posting_submit(*, posting: Posting, by: Any) -> Posting:
    """An employer sends its draft to staff for review."""
    current = _locked(posting, None)
    _require_manage(by, current)
    if current.is_archived:
        raise ValidationError(_("这个岗位已归档，不能提交审核。"), code="archived")
    if current.status != PostingStatus.DRAFT:
        raise ValidationError(
            _("只有草稿可以提交审核；这个岗位现在是“%(status)s”。")
            % {"status": current.get_status_display()},
            code="status",
        )
    values = {name: getattr(current, name) for name in FIELDS if name not in MANY}
    _raise(posting_check(values, publishing=True))
    current.status = PostingStatus.REVIEW
    current = conflicts.bump(current, by=by, changed={"status"})
    _tell(current, "submitted", _("岗位待审核：%(title)s（%(employer)s）"), told.reviewers(), by)
    return current


def _tell(posting: Posting, step: str, title: str, recipients: Any, by: Any) -> None:
    """A posting handed over: to the district for review, back to the employer's users."""
    notify(
        event=Event(
            key=f"posting:{posting.pk}:{step}:{posting.version}",
            kind=f"posting_{step}",
            title=title % {"title": posting.title, "employer": posting.employer.name},
            body=posting.review_note if step == "returned" else "",
            url=f"/jobs/postings/{posting.pk}/",
        ),
        recipients=recipients,
        exclude=conflicts.actor(by),
    )


@transaction.atomic
def posting_review(*, posting: Posting, by: Any, approve: bool, note: str) -> Posting:
    """Staff approve a posting under review (it is published) or return it to the employer as
    a draft with a note saying what to change."""
    if conflicts.actor(by) and by.role not in REVIEWERS:
        raise PermissionDenied
    current = _locked(posting, None)
    if current.is_archived:
        raise ValidationError(_("这个岗位已归档，不需要审核。"), code="archived")
    if current.status != PostingStatus.REVIEW:
        raise ValidationError(
            _("这个岗位现在是“%(status)s”，不在待审核状态，不能审核。")
            % {"status": current.get_status_display()},
            code="status",
        )
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise ValidationError({"note": [_("审核意见最多300个字，请缩短。")]})
    if approve:
        values = {name: getattr(current, name) for name in FIELDS if name not in MANY}
        _raise(posting_check(values, publishing=True))
        current.status = PostingStatus.PUBLISHED
        current.published_at = current.published_at or timezone.now()
    else:
        if not note:
            raise ValidationError(
                {"note": [_("请填写退回意见，告诉单位需要修改什么。")]}, code="required"
            )
        current.status = PostingStatus.DRAFT
    current.review_note = note
    current = conflicts.bump(current, by=by, changed={"status", "published_at", "review_note"})
    employer_users = told.employer_users(current.employer_id)
    if approve:
        _tell(current, "approved", _("岗位审核通过，已发布：%(title)s"), employer_users, by)
    else:
        _tell(current, "returned", _("岗位被退回，请修改：%(title)s"), employer_users, by)
    return current


@transaction.atomic
def posting_set_status(*, posting: Posting, by: Any, status: str) -> Posting:
    """Publish a staff draft, mark a published posting filled or closed, or reopen it."""
    current = _locked(posting, None)
    _require_manage(by, current)
    if current.is_archived:
        raise ValidationError(_("这个岗位已归档，不能再改变状态。"), code="archived")
    labels = dict(PostingStatus.choices)
    if status not in status_targets(by, current):
        if status not in labels:
            raise ValidationError(_("无法识别的岗位状态。"), code="status")
        raise ValidationError(
            _("岗位现在是“%(now)s”，不能改为“%(to)s”。")
            % {"now": current.get_status_display(), "to": labels[status]},
            code="status",
        )
    if status == PostingStatus.PUBLISHED:
        values = {name: getattr(current, name) for name in FIELDS if name not in MANY}
        _raise(posting_check(values, publishing=True))
        current.published_at = current.published_at or timezone.now()
    current.status = status
    return conflicts.bump(current, by=by, changed={"status", "published_at"})


@transaction.atomic
def posting_archive(*, posting: Posting, by: Any, reason: str) -> Posting:
    """Take a posting out of every list with a reason; its referrals and history stay."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("请填写归档原因，例如：重复录入、单位取消招聘。")]}, code="required"
        )
    current = _locked(posting, None)
    _require_manage(by, current)
    if current.is_archived:
        raise ValidationError(_("这个岗位已经归档。"), code="archived")
    return conflicts.bump_archived(current, by=by, reason=reason[:500])


def occupation_for(value: Any) -> Occupation | None:
    """An enabled occupation by code or exact name (imports, forms)."""
    text = str(value or "").strip()
    if not text:
        return None
    found = Occupation.objects.filter(code=text).first()
    return found or Occupation.objects.filter(name=text).first()
