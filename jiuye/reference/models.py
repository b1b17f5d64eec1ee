"""Reference data: regions, departments, disability categories and grades."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import optional_fk, user_fk
from jiuye.core.models import DisableableModel

region_code_validator = RegexValidator(
    r"^\d{12}$", _("区划代码应为12位数字（2位省、2位市、2位县区、3位乡镇街道、3位村社区）。")
)


class Region(DisableableModel):
    """An administrative division keyed by its 12-digit statistical code.

    The hierarchy is the code prefix, so everything under a town is one indexed prefix query.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省")
        CITY = 2, _("市")
        COUNTY = 3, _("县区")
        TOWN = 4, _("镇街")
        VILLAGE = 5, _("村社区")

    # Significant prefix length of a code at each level.
    PREFIX_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}

    code = models.CharField(
        _("区划代码"), max_length=12, primary_key=True, validators=[region_code_validator]
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices, db_index=True)
    parent = optional_fk("self", _("上级"), related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: self.PREFIX_LENGTH[self.level]]

    @staticmethod
    def level_of(code: str) -> int:
        """The level a well-formed code sits at, read from its trailing zeros."""
        if code[9:] != "000":
            return Region.Level.VILLAGE
        if code[6:9] != "000":
            return Region.Level.TOWN
        if code[4:6] != "00":
            return Region.Level.COUNTY
        if code[2:4] != "00":
            return Region.Level.CITY
        return Region.Level.PROVINCE

    @staticmethod
    def parent_code_of(code: str) -> str | None:
        level = Region.level_of(code)
        if level == Region.Level.PROVINCE:
            return None
        keep = Region.PREFIX_LENGTH[level - 1]
        return code[:keep].ljust(12, "0")

    def town_code(self) -> str | None:
        """Code of the town/street this region belongs to (itself if it is one)."""
        if self.level < self.Level.TOWN:
            return None
        return self.code[:9] + "000"


def region_fk(verbose_name: str | None = None, *, related_name: str = "+") -> models.ForeignKey:
    """Where a record is (required; a region is disabled, never deleted)."""
    return models.ForeignKey(
        Region, verbose_name=verbose_name, on_delete=models.PROTECT, related_name=related_name
    )


class EnglishNamed(DisableableModel):
    """Reference data that carries its English name (``name_en``) shows it to English readers."""

    name: str
    name_en: str

    class Meta:
        abstract = True

    def __str__(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Department(DisableableModel):
    """A responsible unit of the plan: a district department, or a town/street for 各镇街."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("区直部门")
        TOWN = "town", _("镇街")

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    aliases = models.CharField(
        _("别名"), max_length=300, blank=True, help_text=_("用“、”分隔，导入计划表时用于识别部门")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    region = optional_fk(
        Region, _("对应镇街"), related_name="department", field=models.OneToOneField
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["kind", "sort_order", "code"]
        verbose_name = verbose_name_plural = _("责任部门")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="department", region__isnull=True)
                | models.Q(kind="town", region__isnull=False),
                name="department_town_has_region",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace(",", "、").split("、") if a.strip()]


class CodedName(EnglishNamed):
    """A numbered entry of a national standard's list, with its Chinese and English names
    (shown in the reader's language)."""

    code = models.PositiveSmallIntegerField(_("代码"), primary_key=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=40)

    class Meta:
        abstract = True
        ordering = ["code"]


class DisabilityCategory(CodedName):
    """GB/T 26341-2010 categories 1–7."""

    class Meta(CodedName.Meta):
        verbose_name = verbose_name_plural = _("残疾类别")


class DisabilityGrade(CodedName):
    """Grades 1–4; grade 1 is the most severe."""

    class Meta(CodedName.Meta):
        verbose_name = verbose_name_plural = _("残疾等级")


class WorkingAgeRule(models.Model):
    """Working-age bounds (就业年龄段) from a date on. A parameter, because the retirement-age
    reform from 2025 moves the upper bounds; the defaults are DOMAIN.md's (to verify locally)."""

    valid_from = models.DateField(_("生效日期"), unique=True)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"))
    male_max_age = models.PositiveSmallIntegerField(_("男性最高年龄"))
    female_max_age = models.PositiveSmallIntegerField(_("女性最高年龄"))
    # The gradual raise of the retirement age (jiuye.reference.working_age): from valid_from on,
    # whoever would have retired in or after that month retires one month later for every
    # ``*_delay_every_months`` months past it, up to ``*_delay_max_months``. Empty: no raise.
    male_delay_every_months = models.PositiveSmallIntegerField(
        _("男性每几个月延迟1个月"), null=True, blank=True
    )
    male_delay_max_months = models.PositiveSmallIntegerField(
        _("男性最多延迟月数"), null=True, blank=True
    )
    female_delay_every_months = models.PositiveSmallIntegerField(
        _("女性每几个月延迟1个月"), null=True, blank=True
    )
    female_delay_max_months = models.PositiveSmallIntegerField(
        _("女性最多延迟月数"), null=True, blank=True
    )
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = verbose_name_plural = _("就业年龄段")

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.min_age}–{self.male_max_age}/{self.female_max_age}"


class QuotaPolicy(models.Model):
    """The proportional-employment and levy parameters in force for a region from a date on
    (DOMAIN.md): set by a province, or by a city or county where the province sets a different
    ratio there.

    A row's dates are of the year its ``date_basis`` names: the data year (数据年度, the year
    whose staff and wages are declared) or the collection year (征收年度, the year the levy is
    collected: data year + 1; 财政部公告2019年第98号 and 2023年第8号 are dated so). The row that
    applies to the declaration of data year Y is, for the employer's most specific region
    (longest code prefix), the latest-starting row in force on 31 December of Y (data-year rows)
    or of Y + 1 (collection-year rows); see ``reference.selectors.quota_policy``."""

    class DateBasis(models.TextChoices):
        DATA_YEAR = "data", _("数据年度")
        COLLECTION_YEAR = "collection", _("征收年度")

    class CountingBasis(models.TextChoices):
        ANNUAL = "annual", _("年平均人数")
        MONTHLY = "monthly", _("按月人数之和 ÷ 12")

    region = region_fk(_("适用地区"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    date_basis = models.CharField(
        _("日期口径"),
        max_length=10,
        choices=DateBasis.choices,
        default=DateBasis.DATA_YEAR,
        help_text=_("生效、失效日期指数据年度还是征收年度（征收年度 = 数据年度 + 1）"),
    )
    ratio = models.DecimalField(
        _("安排比例"), max_digits=6, decimal_places=5, help_text=_("例如 0.015 表示 1.5%")
    )
    counting_basis = models.CharField(
        _("职工人数计算口径"),
        max_length=10,
        choices=CountingBasis.choices,
        default=CountingBasis.ANNUAL,
    )
    double_count_grades = models.JSONField(
        _("按两人计算的残疾等级"), default=list, help_text=_("例如 [1, 2]：一级、二级按两人计算")
    )
    minimum_wage = models.DecimalField(
        _("当地月最低工资标准（元）"), max_digits=10, decimal_places=2
    )
    social_average_wage = models.DecimalField(
        _("当地社会平均工资（元/年）"), max_digits=12, decimal_places=2
    )
    wage_cap_multiple = models.DecimalField(
        _("平均工资封顶倍数"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("空：不封顶；3 或 2：不超过当地社会平均工资的 3 倍或 2 倍"),
    )
    reduction_tiers = models.JSONField(
        _("分档减缴"),
        default=list,
        blank=True,
        help_text=_(
            '从高到低的档次，每档 {"min_ratio": 实际比例下限, "share": 应缴比例}；空：不减缴'
        ),
    )
    small_enterprise_max_staff = models.PositiveSmallIntegerField(
        _("小微企业免征人数上限"),
        null=True,
        blank=True,
        help_text=_("在职职工不超过这个人数的企业免征；空：无免征"),
    )
    window_opens = models.CharField(
        _("申报开始（月-日）"), max_length=5, default="03-01", help_text=_("例如 03-01")
    )
    window_closes = models.CharField(
        _("申报截止（月-日）"), max_length=5, default="06-30", help_text=_("例如 06-30")
    )
    document = models.CharField(
        _("文号"), max_length=100, blank=True, help_text=_("例如 财政部公告2023年第8号")
    )
    source = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        ordering = ["region_id", "-valid_from"]
        verbose_name = verbose_name_plural = _("按比例就业政策参数")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "valid_from"], name="quota_policy_region_from"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.valid_from:%Y-%m-%d} {self.ratio_percent}%"

    @property
    def ratio_percent(self) -> Decimal:
        return (self.ratio * 100).normalize()

    @property
    def year_offset(self) -> int:
        """Collection year − data year for this row's dates: 1 or 0."""
        return 1 if self.date_basis == self.DateBasis.COLLECTION_YEAR else 0

    def in_force_for(self, data_year: int) -> bool:
        """Whether the row is in force on 31 December of the year its dates are of."""
        on = dt.date(data_year + self.year_offset, 12, 31)
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)

    def data_year_start(self) -> tuple[int, int, int]:
        """The start as (year, month, day) in data-year terms, to compare rows of both bases."""
        return (self.valid_from.year - self.year_offset, self.valid_from.month, self.valid_from.day)


class RegionBoundary(models.Model):
    """The outline of a region on a map: a GeoJSON Polygon or MultiPolygon geometry (longitude,
    latitude in WGS 84 or GCJ-02, as the file had it), imported from a FeatureCollection per
    region level (``reference.importing.boundaries``). One per region; an import replaces it."""

    region = models.OneToOneField(
        Region,
        verbose_name=_("行政区划"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="boundary",
    )
    geometry = models.JSONField(_("边界"))
    # sha256 of the geometry as stored: the audit trail shows that the outline changed (the
    # geometry itself is too large to copy there) and a re-import of the same file changes nothing.
    digest = models.CharField(_("边界摘要"), max_length=64)
    source = models.CharField(_("来源文件"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("导入时间"))
    imported_by = user_fk(_("导入人"))

    class Meta:
        ordering = ["region_id"]
        verbose_name = verbose_name_plural = _("区划边界")

    def __str__(self) -> str:
        return str(self.region_id)
