"""The ``postings`` import kind: job postings from a spreadsheet (a fair's list of vacancies,
an employer's or the HR bureau's list), declared for the one import framework (core.importing).

- A row names its employer by unified social credit code; the employer must be registered
  (an archived one is refused by the posting rules).
- Natural key: employer's code + title + place (region code), so importing the same file again
  changes nothing. An archived posting is not matched: the row creates a new one.
- Status 草稿 (draft, the default) or 已发布 (published). A re-import publishes a draft (or a
  posting under review) but never takes a published, filled or closed posting back to draft.
- The rules across a posting's fields are ``posting_check``, as on the form and in the
  services, with the posting's stored values for the columns the file does not have; the
  publishing rules apply when the service's would (``posting_publishing``).
- Administrators and district staff import postings anywhere; a town officer only postings
  whose place is in their town (the place of the posting a row matches, too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, actor
from jiuye.core.importing.fields import (
    Bool,
    Choice,
    Date,
    Field,
    FieldError,
    Int,
    Lookup,
    Money,
    MultiChoice,
    Text,
)
from jiuye.core.scoping import region_in_scope
from jiuye.core.validators import validate_uscc
from jiuye.employment.importing import (
    CONTRACT_SYNONYMS,
    SUBTYPE_SYNONYMS,
    YES_NO,
    EmployerByUscc,
)
from jiuye.employment.models import ContractType, NewFormSubtype
from jiuye.jobs.models import AccessFeature, Hours, Occupation, Posting, PostingStatus, TargetGroup
from jiuye.jobs.services.postings import (
    FIELDS,
    MANY,
    can_manage,
    keep_terms,
    normalize_skills,
    posting_check,
    posting_publishing,
)
from jiuye.people.models import Education
from jiuye.reference.importing import Place, categories_field

WRITERS = (Role.DISTRICT, Role.ADMIN, Role.TOWN)

HOURS_SYNONYMS = {"弹性": Hours.FLEXIBLE, "倒班": Hours.SHIFTS, "全日制": Hours.FULL_TIME}
EDUCATION_SYNONYMS = {
    "不限": "",
    "无要求": "",
    "文盲": Education.NONE,
    "中专": Education.VOCATIONAL,
    "职高": Education.VOCATIONAL,
    "技校": Education.VOCATIONAL,
    "专科": Education.COLLEGE,
    "大学": Education.BACHELOR,
    "大学本科": Education.BACHELOR,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
}
ACCESS_SYNONYMS = {
    "无障碍通道": AccessFeature.STEP_FREE,
    "无台阶": AccessFeature.STEP_FREE,
    "坡道": AccessFeature.STEP_FREE,
    "无障碍厕所": AccessFeature.ACCESSIBLE_TOILET,
    "读屏软件": AccessFeature.SCREEN_READER,
    "读屏": AccessFeature.SCREEN_READER,
    "盲文": AccessFeature.BRAILLE,
    "电子文档": AccessFeature.BRAILLE,
    "手语": AccessFeature.SIGN_LANGUAGE,
    "文字沟通": AccessFeature.WRITTEN,
    "易读": AccessFeature.EASY_READ,
    "就业辅导员": AccessFeature.JOB_COACH,
    "弹性时间": AccessFeature.FLEXIBLE_HOURS,
    "弹性工作": AccessFeature.FLEXIBLE_HOURS,
}
GROUP_SYNONYMS = {
    "毕业生": TargetGroup.GRADUATES,
    "应届毕业生": TargetGroup.GRADUATES,
    "大学生": TargetGroup.GRADUATES,
    "视障": TargetGroup.BLIND,
    "视力残疾人": TargetGroup.BLIND,
    "就业困难": TargetGroup.HARD_TO_EMPLOY,
    "农村": TargetGroup.RURAL,
}
STATUS_SYNONYMS = {
    "草稿": PostingStatus.DRAFT,
    "已发布": PostingStatus.PUBLISHED,
    "发布": PostingStatus.PUBLISHED,
    "招聘中": PostingStatus.PUBLISHED,
}
# Where the posting rules name a model attribute, the column that holds it.
COLUMN_OF = {"employer": "uscc"}


@dataclass(frozen=True)
class CheckedUscc(EmployerByUscc):
    """An employer by a code that passes the national check digits (``validate_uscc``)."""

    def code(self, text: str) -> str:
        try:
            return validate_uscc(text)[0]
        except ValidationError as exc:
            raise FieldError(exc.messages[0]) from None


@dataclass(frozen=True)
class Title(Text):
    """An empty title is left to ``posting_check``, which says what to write."""

    def empty(self) -> Any:
        return ""


@dataclass(frozen=True)
class Skills(Field):
    def empty(self) -> Any:
        return []

    def parse(self, text: str, *, by: Any) -> Any:
        return normalize_skills(text)

    def export(self, obj: Model, *, reveal: bool) -> str:
        return "、".join(getattr(obj, self.target))


def _status_after(current: Posting | None, status: str) -> str:
    """A re-import publishes a draft or a posting under review; nothing else changes status."""
    if current is None:
        return status
    if status == PostingStatus.PUBLISHED and current.status in (
        PostingStatus.DRAFT,
        PostingStatus.REVIEW,
    ):
        return PostingStatus.PUBLISHED
    return current.status


class PostingsKind(DeclaredKind):
    name = "postings"
    label = gettext_lazy("招聘岗位")
    who = gettext_lazy("招聘岗位")
    model = Posting
    key_label = gettext_lazy("单位统一社会信用代码、岗位名称和工作地点")
    natural_key = ("uscc", "title", "region")
    writers = WRITERS
    create_defaults = {"openings": 1, "hours": Hours.FULL_TIME}
    changed_since = gettext_lazy(
        "这个批次导入的岗位（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy(
        "这个批次导入的岗位已有推荐记录，不能撤销。如导入有误，请逐个修改或归档这些岗位。"
    )
    fields = (
        CheckedUscc(
            header="单位统一社会信用代码",
            synonyms=("统一社会信用代码", "信用代码", "社会信用代码", "单位信用代码"),
            required=True,
            attr="employer",
            missing=gettext_lazy(
                "统一社会信用代码 %(v)s 的单位还没有登记，请先在“用人单位”中登记该单位。"
            ),
            note="18位；单位须已在“用人单位”中登记",
            example="91440199MA5TEXT12X",
        ),
        Title("title", "岗位名称", ("岗位", "职位", "职位名称"), required=True, example="电商客服"),
        Lookup(
            "occupation",
            "职业类别",
            ("职业", "职业分类", "职业代码"),
            queryset=lambda: Occupation.objects.filter(disabled_at__isnull=True),
            by=("code", "name"),
            missing=gettext_lazy("职业类别“%(v)s”不在职业分类中，请填职业代码（如 4-04）或名称。"),
            note="职业代码或名称，如 4-04 或 信息传输、软件和信息技术服务人员",
            example="4-04",
        ),
        Int(
            "openings",
            "招聘人数",
            ("人数", "招聘数量", "需求人数"),
            minimum=1,
            maximum=10_000,
            blank=1,
            invalid=gettext_lazy("招聘人数应为 1–10000 之间的整数，如 2。"),
            note="不填为 1",
            example="2",
        ),
        Place(
            "region",
            "工作地点",
            ("工作地点代码", "区划代码", "地点"),
            required=True,
            note="12位区划代码，或镇街名称、“镇街名称 村社区名称”；远程岗位填单位所在地",
            example="440199001000",
        ),
        Bool(
            "is_remote",
            "可远程",
            ("可远程工作", "远程", "线上工作"),
            invalid=YES_NO,
            note="是 或 否；不填为 否",
            example="是",
        ),
        Choice(
            "new_form_subtype",
            "新就业形态",
            ("新就业形态类型",),
            choices=NewFormSubtype,
            aliases=SUBTYPE_SYNONYMS,
            note="直播带货、电商/网店、快递外卖配送、网约车、平台用工、网络客服/云客服、"
            "短视频/自媒体、其他新就业形态；不是的留空",
            example="网络客服/云客服",
        ),
        Choice(
            "hours",
            "工作时间",
            ("工时", "工作时间类型"),
            choices=Hours,
            aliases=HOURS_SYNONYMS,
            blank=Hours.FULL_TIME,
            note="全职、兼职、弹性时间、轮班；不填为 全职",
            example="弹性时间",
        ),
        Money(
            "wage_min",
            "月薪下限",
            ("最低月薪", "月薪下限（元）", "工资下限"),
            minimum=None,
            example="3000",
        ),
        Money(
            "wage_max",
            "月薪上限",
            ("最高月薪", "月薪上限（元）", "工资上限"),
            minimum=None,
            example="4500",
        ),
        Choice(
            "contract_type",
            "合同类型",
            ("劳动合同类型",),
            choices=ContractType,
            aliases=CONTRACT_SYNONYMS,
            note="固定期限劳动合同、无固定期限劳动合同、以完成一定工作任务为期限、劳务协议、"
            "在编、无合同；不填为 未确定",
            example="固定期限劳动合同",
        ),
        Choice(
            "education_min",
            "最低学历",
            ("学历要求", "学历"),
            choices=Education,
            aliases=EDUCATION_SYNONYMS,
            note="不限、小学、初中、高中、中专/职高、大专、本科、研究生",
            example="高中",
        ),
        Skills(
            "skills",
            "技能要求",
            ("技能", "技能标签"),
            note="用顿号、逗号或分号分开，每项不超过20个字，最多20项",
            example="电商客服、打字",
        ),
        categories_field(
            "suitable_categories",
            "适合残疾类别",
            ("适合的残疾类别", "残疾类别"),
            blank="不填表示都适合",
            example="视力残疾、肢体残疾",
        ),
        MultiChoice(
            "accessibility",
            "无障碍条件",
            ("无障碍设施", "无障碍"),
            choices=AccessFeature,
            aliases=ACCESS_SYNONYMS,
            note="无障碍通道、无障碍卫生间、兼容读屏软件的办公系统、盲文或电子文档、手语支持、"
            "可用文字沟通、简明易懂的工作说明、允许就业辅导员陪同、弹性工作时间，用顿号分开",
            example="兼容读屏软件的办公系统、弹性工作时间",
        ),
        MultiChoice(
            "target_groups",
            "面向人群",
            ("面向对象", "招聘对象"),
            choices=TargetGroup,
            aliases=GROUP_SYNONYMS,
            note="高校毕业生、盲人、就业困难人员、农村残疾人，用顿号分开",
            example="高校毕业生",
        ),
        Date(
            "deadline",
            "截止日期",
            ("报名截止日期", "截止时间"),
            note="如 2025-12-31；不填为长期招聘",
        ),
        Text("description", "岗位描述", ("岗位说明", "工作内容", "职位描述"), collapse=False),
        Choice(
            "status",
            "状态",
            ("岗位状态", "发布状态"),
            choices=PostingStatus,
            aliases=STATUS_SYNONYMS,
            exclude=(PostingStatus.REVIEW, PostingStatus.FILLED, PostingStatus.CLOSED),
            blank=PostingStatus.DRAFT,
            attr="",  # set by ``prepare``: only ever forward
            note="草稿 或 已发布；不填为 草稿。已发布的岗位再次导入时不会改回草稿",
            example="已发布",
        ),
    )

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        town = actor(by) is not None and by.role == Role.TOWN
        if town and not (
            region_in_scope(by, data["region"].code)
            and (current is None or can_manage(by, current))
        ):
            return {"region": [_("您只能导入本镇街范围内的岗位。")]}
        # As posting_update: the stored values, then what the row changes.
        if current is None:
            values = dict(self.create_defaults)
        else:
            values = {n: getattr(current, n) for n in FIELDS if n not in MANY}
        values.update({n: data[n] for n in FIELDS if n in data and n not in MANY})
        values["employer"] = data["uscc"]
        status = _status_after(current, data.get("status") or PostingStatus.DRAFT)
        publishing = posting_publishing(current, status=status, deadline=values.get("deadline"))
        errors = posting_check(values, publishing=publishing)
        return {COLUMN_OF.get(k, k): [message] for k, message in errors.items()}

    def prepare(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        status = _status_after(current, data.get("status") or PostingStatus.DRAFT)
        if current is None:
            posting, changes = super().prepare(data, None, by=by)
            posting.status = status
            # The records the row found: the audit and the terms read them without a query.
            posting.employer, posting.region = data["uscc"], data["region"]
            posting.occupation = data.get("occupation")
            if status == PostingStatus.PUBLISHED:
                posting.published_at = timezone.now()
            keep_terms(posting)
            return posting, changes
        prepared = super().prepare(data, current, by=by)
        changes = prepared[1] if prepared else {}
        if status != current.status:
            changes["status"] = (current.status, status)
            current.status = status
            if current.published_at is None:
                changes["published_at"] = (None, timezone.now())
                current.published_at = changes["published_at"][1]
        if {"skills", "occupation_id"} & set(changes):
            if "occupation_id" in changes:
                current.occupation = data["occupation"]
            terms = (current.terms, current.title_terms)
            keep_terms(current)
            for name, before in zip(("terms", "title_terms"), terms, strict=True):
                if getattr(current, name) != before:
                    changes[name] = (before, getattr(current, name))
        if not changes:
            return None
        current.updated_by = actor(by)
        return current, changes

    def existing_queryset(self) -> Any:
        return (
            Posting.objects.filter(archived_at__isnull=True)
            .select_related("employer", "occupation", "region")
            .prefetch_related("suitable_categories")
        )

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = self.existing_queryset()
        if filters.get("region"):
            code = filters["region"].rstrip("0") or filters["region"]
            qs = qs.filter(region__code__startswith=code)
        return qs.order_by("employer__uscc", "title", "region_id")

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        row = super().export_row(obj, reveal=reveal)
        row[11] = row[11] or "不限"
        # A posting under review is not public yet: it imports back as it is.
        unpublished = obj.status in (PostingStatus.DRAFT, PostingStatus.REVIEW)
        row[-1] = "草稿" if unpublished else "已发布"
        return row


register_kind(PostingsKind())
