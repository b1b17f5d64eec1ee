"""The ``postings`` import kind: job postings from a spreadsheet (a fair's list of vacancies,
an employer's or the HR bureau's list), through the one import framework (core.importing).

- A row names its employer by unified social credit code; the employer must be registered and
  not archived.
- Natural key: employer's code + title + place (region code), so importing the same file again
  changes nothing. An archived posting is not matched: the row creates a new one.
- Status 草稿 (draft, the default) or 已发布 (published). A re-import publishes a draft but never
  takes a published, filled or closed posting back to draft.
- Administrators and district staff import postings anywhere; a town officer only postings
  whose place is in their town.
- Each created or updated posting remembers its batch; a batch can be rolled back unless its
  postings were changed since (or, for new ones, already have referrals).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import Model, ProtectedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.audit import audit_bulk
from jiuye.core.importing import (
    CellError,
    Column,
    ImportFileError,
    ImportKind,
    RollbackError,
    RowOutcome,
    apply_row,
    parse_bool,
    parse_date,
    register_kind,
    versioned_journal,
)
from jiuye.core.models import ImportBatch, ImportRecord
from jiuye.core.scoping import region_in_scope
from jiuye.core.validators import validate_uscc
from jiuye.employers.models import Employer
from jiuye.employment.importing import CONTRACT_SYNONYMS, SUBTYPE_SYNONYMS
from jiuye.employment.models import ContractType, NewFormSubtype
from jiuye.jobs.models import AccessFeature, Hours, Occupation, Posting, PostingStatus, TargetGroup
from jiuye.jobs.services.postings import keep_terms, normalize_skills, posting_check
from jiuye.people.models import Education
from jiuye.reference.models import DisabilityCategory, Region

MODEL_LABEL = "jobs.Posting"
WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
# What an import may change on a posting it matches (employer, title and place are the key).
UPDATABLE = (
    "occupation_id",
    "openings",
    "is_remote",
    "new_form_subtype",
    "hours",
    "wage_min",
    "wage_max",
    "contract_type",
    "education_min",
    "skills",
    "accessibility",
    "target_groups",
    "deadline",
    "description",
)
CATEGORIES = "suitable_categories"
LIST_SEPARATORS = re.compile(r"[、，,;；/\s]+")
_SPACES = re.compile(r"\s+")

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


def _fold(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def _table(choices: Any, synonyms: dict[str, str]) -> dict[str, str]:
    """Accepted cell text (folded) → stored value: the Chinese label whatever the language,
    the stored code, and common short forms."""
    with translation.override(None):
        table = {_fold(str(label)): value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    table.update({_fold(k): v for k, v in synonyms.items()})
    return table


def _labels(choices: Any) -> dict[str, str]:
    with translation.override(None):
        return {value: str(label) for value, label in choices.choices}


def posting_key(uscc: str, title: str, region_code: str) -> str:
    return f"{uscc}|{_fold(title)}|{region_code}"


def _restore(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key == "deadline":
        return dt.date.fromisoformat(value)
    if key in ("wage_min", "wage_max"):
        return Decimal(value)
    if key == "published_at":
        return dt.datetime.fromisoformat(value)
    return value


class PostingsKind(ImportKind):
    name = "postings"
    label = gettext_lazy("招聘岗位")
    model = Posting
    key_label = gettext_lazy("单位统一社会信用代码、岗位名称和工作地点")
    columns = (
        Column(
            "uscc",
            "单位统一社会信用代码",
            ("统一社会信用代码", "信用代码", "社会信用代码", "单位信用代码"),
            required=True,
            note="18位；单位须已在“用人单位”中登记",
            example="91440199MA5TEXT12X",
        ),
        Column(
            "title", "岗位名称", ("岗位", "职位", "职位名称"), required=True, example="电商客服"
        ),
        Column(
            "occupation",
            "职业类别",
            ("职业", "职业分类", "职业代码"),
            note="职业代码或名称，如 4-04 或 信息传输、软件和信息技术服务人员",
            example="4-04",
        ),
        Column(
            "openings",
            "招聘人数",
            ("人数", "招聘数量", "需求人数"),
            kind="int",
            note="不填为 1",
            example="2",
        ),
        Column(
            "region",
            "工作地点",
            ("工作地点代码", "区划代码", "地点"),
            required=True,
            note="12位区划代码，或镇街名称、“镇街名称 村社区名称”；远程岗位填单位所在地",
            example="440199001000",
        ),
        Column(
            "is_remote",
            "可远程",
            ("可远程工作", "远程", "线上工作"),
            kind="bool",
            note="是 或 否；不填为 否",
            example="是",
        ),
        Column(
            "new_form_subtype",
            "新就业形态",
            ("新就业形态类型",),
            note="直播带货、电商/网店、快递外卖配送、网约车、平台用工、网络客服/云客服、"
            "短视频/自媒体、其他新就业形态；不是的留空",
            example="网络客服/云客服",
        ),
        Column(
            "hours",
            "工作时间",
            ("工时", "工作时间类型"),
            note="全职、兼职、弹性时间、轮班；不填为 全职",
            example="弹性时间",
        ),
        Column("wage_min", "月薪下限", ("最低月薪", "月薪下限（元）", "工资下限"), example="3000"),
        Column("wage_max", "月薪上限", ("最高月薪", "月薪上限（元）", "工资上限"), example="4500"),
        Column(
            "contract_type",
            "合同类型",
            ("劳动合同类型",),
            note="固定期限劳动合同、无固定期限劳动合同、以完成一定工作任务为期限、劳务协议、"
            "在编、无合同；不填为 未确定",
            example="固定期限劳动合同",
        ),
        Column(
            "education_min",
            "最低学历",
            ("学历要求", "学历"),
            note="不限、小学、初中、高中、中专/职高、大专、本科、研究生",
            example="高中",
        ),
        Column(
            "skills",
            "技能要求",
            ("技能", "技能标签"),
            note="用顿号、逗号或分号分开，每项不超过20个字，最多20项",
            example="电商客服、打字",
        ),
        Column(
            CATEGORIES,
            "适合残疾类别",
            ("适合的残疾类别", "残疾类别"),
            note="视力、听力、言语、肢体、智力、精神、多重（或代码 1–7），用顿号分开；"
            "不填表示都适合",
            example="视力残疾、肢体残疾",
        ),
        Column(
            "accessibility",
            "无障碍条件",
            ("无障碍设施", "无障碍"),
            note="无障碍通道、无障碍卫生间、兼容读屏软件的办公系统、盲文或电子文档、手语支持、"
            "可用文字沟通、简明易懂的工作说明、允许就业辅导员陪同、弹性工作时间，用顿号分开",
            example="兼容读屏软件的办公系统、弹性工作时间",
        ),
        Column(
            "target_groups",
            "面向人群",
            ("面向对象", "招聘对象"),
            note="高校毕业生、盲人、就业困难人员、农村残疾人，用顿号分开",
            example="高校毕业生",
        ),
        Column(
            "deadline",
            "截止日期",
            ("报名截止日期", "截止时间"),
            kind="date",
            note="如 2025-12-31；不填为长期招聘",
        ),
        Column("description", "岗位描述", ("岗位说明", "工作内容", "职位描述")),
        Column(
            "status",
            "状态",
            ("岗位状态", "发布状态"),
            note="草稿 或 已发布；不填为 草稿。已发布的岗位再次导入时不会改回草稿",
            example="已发布",
        ),
    )

    def __init__(self) -> None:
        self.begin()

    def begin(self) -> None:
        self._employers: dict[str, Employer | None] = {}
        self._occupations: dict[str, Occupation] | None = None
        self._regions: dict[str, Region] | None = None
        self._region_names: dict[str, str | None] = {}
        self._categories: dict[str, int] | None = None
        self._seen: dict[str, int] = {}
        self._writer_checked = False
        self._tables = {
            "new_form_subtype": _table(NewFormSubtype, SUBTYPE_SYNONYMS),
            "hours": _table(Hours, HOURS_SYNONYMS),
            "contract_type": _table(ContractType, CONTRACT_SYNONYMS),
            "education_min": _table(Education, EDUCATION_SYNONYMS),
            "accessibility": _table(AccessFeature, ACCESS_SYNONYMS),
            "target_groups": _table(TargetGroup, GROUP_SYNONYMS),
            "status": {_fold(k): v for k, v in STATUS_SYNONYMS.items()}
            | {v: v for v in (PostingStatus.DRAFT, PostingStatus.PUBLISHED)},
        }

    # --- look-ups (cached per run) ----------------------------------------------------------

    def _check_writer(self, by: Any) -> None:
        if self._writer_checked:
            return
        if getattr(by, "pk", None) and by.role not in WRITERS:
            raise ImportFileError(_("只有区残联工作人员、系统管理员和镇街专干可以导入招聘岗位。"))
        self._writer_checked = True

    def _employer(self, code: str) -> Employer | None:
        if code not in self._employers:
            self._employers[code] = Employer.objects.filter(uscc=code).first()
        return self._employers[code]

    def _occupation(self, text: str) -> Occupation | None:
        if self._occupations is None:
            self._occupations = {}
            for occupation in Occupation.objects.filter(disabled_at__isnull=True):
                self._occupations[occupation.code] = occupation
                self._occupations[_fold(occupation.name)] = occupation
        return self._occupations.get(_fold(text))

    def _load_regions(self) -> dict[str, Region]:
        if self._regions is None:
            regions = list(
                Region.objects.filter(
                    level__in=(Region.Level.TOWN, Region.Level.VILLAGE), disabled_at__isnull=True
                )
            )
            self._regions = {r.code: r for r in regions}
            towns = {r.code[:9]: r for r in regions if r.level == Region.Level.TOWN}
            names: dict[str, str | None] = {}
            for region in regions:
                town = towns.get(region.code[:9])
                if region.level == Region.Level.TOWN:
                    names[_fold(region.name)] = region.code
                    continue
                if town is not None:
                    names[_fold(town.name + region.name)] = region.code
                plain = _fold(region.name)
                # A village name repeated in several towns needs its town.
                names[plain] = None if plain in names else region.code
            self._region_names = names
        return self._regions

    def _region(self, raw: str, error: Any) -> Region | None:
        regions = self._load_regions()
        text = _fold(raw)
        if not text:
            error("region", _("请填写工作地点（12位区划代码或镇街名称）。"))
            return None
        if text.isdigit():
            region = regions.get(text)
            if region is None:
                error(
                    "region",
                    _("区划代码“%(v)s”不是本区的镇街或村（社区），请核对。") % {"v": text},
                )
            return region
        if text in self._region_names and self._region_names[text] is None:
            error(
                "region",
                _("“%(v)s”在几个镇街都有，请写成“镇街名称 村社区名称”或填区划代码。")
                % {"v": raw.strip()},
            )
            return None
        code = self._region_names.get(text)
        if code is None:
            error(
                "region",
                _("没有叫“%(v)s”的镇街或村（社区），请核对名称或填区划代码。") % {"v": raw.strip()},
            )
            return None
        return regions[code]

    def _category_table(self) -> dict[str, int]:
        if self._categories is None:
            table: dict[str, int] = {}
            for category in DisabilityCategory.objects.filter(disabled_at__isnull=True):
                table[str(category.code)] = category.code
                table[_fold(category.name)] = category.code
                table[_fold(category.name).removesuffix("残疾")] = category.code
            self._categories = table
        return self._categories

    # --- one row ----------------------------------------------------------------------------

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        self._check_writer(by)
        out = RowOutcome()
        errors, data = out.errors, out.data
        headers = {c.key: c.header for c in self.columns}

        def error(key: str, message: str) -> None:
            errors.append(CellError(key if key in values else headers.get(key, ""), message))

        employer = self._clean_employer(values.get("uscc", ""), error)
        title = " ".join((values.get("title") or "").split())
        data["title"] = title
        occupation = None
        if values.get("occupation", "").strip():
            occupation = self._occupation(values["occupation"])
            if occupation is None:
                error(
                    "occupation",
                    _("职业类别“%(v)s”不在职业分类中，请填职业代码（如 4-04）或名称。")
                    % {"v": values["occupation"].strip()},
                )
        if "occupation" in values:
            data["occupation_id"] = occupation.pk if occupation else None
        if "openings" in values:
            data["openings"] = self._int(values["openings"], "openings", error, default=1)
        region = self._region(values.get("region", ""), error)
        town_officer = getattr(by, "pk", None) and by.role == Role.TOWN
        if region is not None and town_officer and not region_in_scope(by, region.code):
            error("region", _("您只能导入本镇街范围内的岗位。"))
        if "is_remote" in values:
            text = values["is_remote"].strip()
            try:
                data["is_remote"] = parse_bool(text)
            except ValueError:
                error("is_remote", _("应填“是”或“否”，当前为“%(v)s”。") % {"v": text})
        for key in ("new_form_subtype", "contract_type", "education_min"):
            if key in values:
                data[key] = self._choice(key, values[key], error)
        if "hours" in values:
            data["hours"] = self._choice("hours", values["hours"], error) or Hours.FULL_TIME
        for key in ("wage_min", "wage_max"):
            if key in values:
                data[key] = self._wage(values[key], key, error)
        if "skills" in values:
            data["skills"] = normalize_skills(values["skills"])
        for key in ("accessibility", "target_groups"):
            if key in values:
                data[key] = self._choices(key, values[key], error)
        if CATEGORIES in values:
            data[CATEGORIES] = self._clean_categories(values[CATEGORIES], error)
        if "deadline" in values:
            data["deadline"] = self._date(values["deadline"], error)
        if "description" in values:
            data["description"] = values["description"].strip()
        status = self._choice("status", values.get("status", ""), error)
        data["status"] = status or PostingStatus.DRAFT
        if errors or employer is None or region is None:
            return out
        checked = {
            "openings": 1,
            "hours": Hours.FULL_TIME,
            **{k: v for k, v in data.items() if k != CATEGORIES},
            "employer": employer,
            "region": region,
            "occupation": occupation,
        }
        publishing = data["status"] == PostingStatus.PUBLISHED
        for key, message in posting_check(checked, publishing=publishing).items():
            error(key if key in headers else "", message)
        if errors:
            return out
        data["employer_id"] = employer.pk
        data["region_id"] = region.code
        data["_employer"] = employer
        data["_region"] = region
        data["_occupation"] = occupation
        out.key = posting_key(employer.uscc, title, region.code)
        first = self._seen.get(out.key)
        if first is not None:
            errors.append(
                CellError(
                    "",
                    _("与第%(first)d行重复：同一单位、同一岗位名称、同一工作地点只能有一行。")
                    % {"first": first},
                )
            )
        else:
            self._seen[out.key] = row_number
        return out

    def _clean_employer(self, raw: str, error: Any) -> Employer | None:
        try:
            code, _warnings = validate_uscc(raw)
        except ValidationError as exc:
            error("uscc", exc.messages[0])
            return None
        employer = self._employer(code)
        if employer is None:
            error(
                "uscc",
                _("统一社会信用代码 %(v)s 的单位还没有登记，请先在“用人单位”中登记该单位。")
                % {"v": code},
            )
            return None
        if employer.is_archived:
            error(
                "uscc",
                _("用人单位“%(name)s”已归档，不能再导入它的岗位。") % {"name": employer.name},
            )
            return None
        return employer

    def _choice(self, key: str, text: str, error: Any) -> str:
        folded = _fold(text)
        if not folded:
            return ""
        table = self._tables[key]
        value = table.get(folded) if folded in table else table.get(folded.lower())
        if value is None:
            note = next(c.note for c in self.columns if c.key == key)
            error(key, _("“%(v)s”不是可选的值。%(note)s") % {"v": text.strip(), "note": note})
            return ""
        return value

    def _choices(self, key: str, text: str, error: Any) -> list[str]:
        found: list[str] = []
        for part in LIST_SEPARATORS.split(text.strip()):
            if not part:
                continue
            value = self._choice(key, part, error)
            if value and value not in found:
                found.append(value)
        return found

    def _clean_categories(self, text: str, error: Any) -> list[int]:
        table = self._category_table()
        found: list[int] = []
        for part in LIST_SEPARATORS.split(text.strip()):
            folded = _fold(part)
            if not folded:
                continue
            code = table.get(folded)
            if code is None:
                error(
                    CATEGORIES,
                    _("“%(v)s”不是残疾类别。可填：视力、听力、言语、肢体、智力、精神、多重。")
                    % {"v": part},
                )
                continue
            if code not in found:
                found.append(code)
        return sorted(found)

    @staticmethod
    def _int(text: str, key: str, error: Any, *, default: int) -> int | None:
        text = text.strip().removesuffix("人").removesuffix("名")
        if not text:
            return default
        if not text.isdigit() or not 1 <= int(text) <= 10_000:
            error(key, _("招聘人数应为 1–10000 之间的整数，如 2。"))
            return None
        return int(text)

    @staticmethod
    def _wage(text: str, key: str, error: Any) -> Decimal | None:
        text = text.strip().removesuffix("元").replace(",", "").replace("，", "")
        if not text:
            return None
        try:
            wage = Decimal(text)
        except InvalidOperation:
            error(key, _("“%(v)s”不是金额数字，如 3500。") % {"v": text})
            return None
        if not wage.is_finite() or wage != wage.quantize(Decimal("0.01")):
            error(key, _("金额“%(v)s”不对：最多两位小数，请核对。") % {"v": text})
            return None
        return wage

    @staticmethod
    def _date(text: str, error: Any) -> dt.date | None:
        text = text.strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            error("deadline", _("日期“%(v)s”看不懂，请写成 2025-12-31。") % {"v": text})
            return None

    # --- matching and writing ---------------------------------------------------------------

    def existing(self, keys: list[str]) -> dict[str, Model]:
        codes = {key.split("|", 1)[0] for key in keys}
        wanted = set(keys)
        found: dict[str, Model] = {}
        postings = (
            Posting.objects.filter(employer__uscc__in=codes, archived_at__isnull=True)
            .select_related("employer")
            .prefetch_related(CATEGORIES)
            .order_by("-created_at")
        )
        for posting in postings:
            key = posting_key(posting.employer.uscc, posting.title, posting.region_id)
            if key in wanted and key not in found:
                found[key] = posting
        return found

    def prepare(
        self, data: dict[str, Any], current: Model | None, *, by: Any
    ) -> tuple[Model, dict[str, tuple[Any, Any]]] | None:
        actor = by if getattr(by, "pk", None) else None
        fields = {k: v for k, v in data.items() if not k.startswith("_") and k != CATEGORIES}
        if current is None:
            # A column the file does not have takes the default (one opening, full time).
            fields = {"openings": 1, "hours": Hours.FULL_TIME, **fields}
            posting = Posting(id=uuid.uuid4(), created_by=actor, updated_by=actor, **fields)
            posting.employer = data["_employer"]
            posting.region = data["_region"]
            posting.occupation = data["_occupation"]
            if posting.status == PostingStatus.PUBLISHED:
                posting.published_at = timezone.now()
            keep_terms(posting)
            posting._categories = data.get(CATEGORIES, [])  # type: ignore[attr-defined]
            return posting, {}
        assert isinstance(current, Posting)
        changes = apply_row(current, fields, UPDATABLE)
        if data["status"] == PostingStatus.PUBLISHED and current.status in (
            PostingStatus.DRAFT,
            PostingStatus.REVIEW,
        ):
            changes["status"] = (current.status, PostingStatus.PUBLISHED)
            current.status = PostingStatus.PUBLISHED
            if current.published_at is None:
                changes["published_at"] = (None, timezone.now())
                current.published_at = changes["published_at"][1]
        before = sorted(c.pk for c in current.suitable_categories.all())
        if CATEGORIES in data and data[CATEGORIES] != before:
            changes[CATEGORIES] = (before, data[CATEGORIES])
        if not changes:
            return None
        if "occupation_id" in changes:
            current.occupation = data["_occupation"]
        if {"skills", "occupation_id"} & set(changes):
            keep_terms(current)
        current.updated_by = actor
        return current, changes

    def write(
        self,
        *,
        creates: list[Model],
        updates: list[tuple[Model, dict[str, tuple[Any, Any]]]],
        batch: ImportBatch,
        by: Any,
    ) -> None:
        actor = by if getattr(by, "pk", None) else None
        through = Posting.suitable_categories.through
        for posting in creates:
            posting.import_batch = batch
        Posting.objects.bulk_create(creates, batch_size=1000)
        links = [
            through(posting_id=p.pk, disabilitycategory_id=code)
            for p in creates
            for code in getattr(p, "_categories", [])
        ]
        journal = versioned_journal(
            batch=batch, model_label=MODEL_LABEL, creates=creates, updates=updates
        )
        now = timezone.now()
        for posting, diff in updates:
            posting.updated_at = now
            if CATEGORIES in diff:
                through.objects.filter(posting_id=posting.pk).delete()
                links.extend(
                    through(posting_id=posting.pk, disabilitycategory_id=code)
                    for code in diff[CATEGORIES][1]
                )
        if updates:
            fields = sorted(
                {f for _p, diff in updates for f in diff if f != CATEGORIES}
                | {"import_batch", "updated_by", "updated_at", "version", "terms", "title_terms"}
            )
            Posting.objects.bulk_update([p for p, _d in updates], fields, batch_size=1000)
        through.objects.bulk_create(links, batch_size=1000)
        ImportRecord.objects.bulk_create(journal, batch_size=1000)
        audit_bulk(
            model=Posting,
            changes=[
                (p, {"title": (None, p.title), "import_batch": (None, batch.pk)}) for p in creates
            ],
            action=LogEntry.Action.CREATE,
            actor=actor,
            batch=str(batch.pk),
        )
        if updates:
            audit_bulk(
                model=Posting,
                changes=updates,
                action=LogEntry.Action.UPDATE,
                actor=actor,
                batch=str(batch.pk),
            )

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        journal = list(ImportRecord.objects.filter(batch=batch, model=MODEL_LABEL))
        ids = [uuid.UUID(entry.object_id) for entry in journal]
        current = {p.pk: p for p in Posting.objects.filter(pk__in=ids)}
        for entry in journal:
            posting = current.get(uuid.UUID(entry.object_id))
            if posting is not None and posting.version != entry.before.get("_version"):
                raise RollbackError(
                    _(
                        "这个批次导入的岗位（%(name)s）之后又被修改过，不能自动撤销。"
                        "请先撤销后面的批次，或逐个修改。"
                    )
                    % {"name": posting.title}
                )
        actor = by if getattr(by, "pk", None) else None
        created = [
            current[uuid.UUID(e.object_id)]
            for e in journal
            if e.action == ImportRecord.Action.CREATED and uuid.UUID(e.object_id) in current
        ]
        audit_bulk(
            model=Posting,
            changes=[(p, {}) for p in created],
            action=LogEntry.Action.DELETE,
            actor=actor,
            batch=str(batch.pk),
        )
        try:
            # Undoing an import removes what it added: these postings did not exist before it.
            Posting.objects.filter(pk__in=[p.pk for p in created]).delete()
        except ProtectedError as exc:
            raise RollbackError(
                _(
                    "这个批次导入的岗位已有推荐记录，不能撤销。如导入有误，请逐个修改或归档这些岗位。"
                )
            ) from exc
        through = Posting.suitable_categories.through
        restored = []
        for entry in journal:
            if entry.action != ImportRecord.Action.UPDATED:
                continue
            values = {
                k: _restore(k, v)
                for k, v in entry.before.items()
                if not k.startswith("_") and k != CATEGORIES
            }
            if CATEGORIES in entry.before:
                through.objects.filter(posting_id=entry.object_id).delete()
                through.objects.bulk_create(
                    through(posting_id=entry.object_id, disabilitycategory_id=code)
                    for code in entry.before[CATEGORIES]
                )
            # Back to the state before the import, its version too: a form opened before the
            # import saw exactly this posting, a form opened after it now gets a conflict, and
            # an earlier batch can still be rolled back after this one.
            Posting.objects.filter(pk=entry.object_id).update(
                version=entry.before["_version"] - 1,
                updated_by=actor,
                updated_at=timezone.now(),
                **values,
            )
            posting = Posting.objects.select_related("occupation").get(pk=entry.object_id)
            keep_terms(posting)
            posting.save(update_fields=["terms", "title_terms"])
            restored.append(posting)
        if restored:
            audit_bulk(
                model=Posting,
                changes=[(p, {}) for p in restored],
                action=LogEntry.Action.UPDATE,
                actor=actor,
                batch=str(batch.pk),
            )

    # --- template and export ----------------------------------------------------------------

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = (
            Posting.objects.filter(archived_at__isnull=True)
            .select_related("employer", "occupation")
            .prefetch_related(CATEGORIES)
        )
        if filters.get("region"):
            code = filters["region"].rstrip("0") or filters["region"]
            qs = qs.filter(region__code__startswith=code)
        return qs.order_by("employer__uscc", "title", "region_id")

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        assert isinstance(obj, Posting)
        subtypes, hours = _labels(NewFormSubtype), _labels(Hours)
        contracts, education = _labels(ContractType), _labels(Education)
        access, groups = _labels(AccessFeature), _labels(TargetGroup)
        with translation.override(None):
            categories = "、".join(c.name for c in obj.suitable_categories.all())
            status = (
                "已发布" if obj.status != PostingStatus.DRAFT else str(PostingStatus.DRAFT.label)
            )
        return [
            obj.employer.uscc,
            obj.title,
            obj.occupation_id or "",
            str(obj.openings),
            obj.region_id,
            "是" if obj.is_remote else "否",
            subtypes.get(obj.new_form_subtype, ""),
            hours.get(obj.hours, ""),
            "" if obj.wage_min is None else f"{obj.wage_min:f}",
            "" if obj.wage_max is None else f"{obj.wage_max:f}",
            contracts.get(obj.contract_type, ""),
            education.get(obj.education_min, "不限"),
            "、".join(obj.skills),
            categories,
            "、".join(access.get(c, c) for c in obj.accessibility),
            "、".join(groups.get(c, c) for c in obj.target_groups),
            obj.deadline.isoformat() if obj.deadline else "",
            obj.description,
            status,
        ]


register_kind(PostingsKind())
