"""Reference data: regions, departments, disability categories and grades."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

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
    region = models.OneToOneField(
        Region,
        verbose_name=_("对应镇街"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="department",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["kind", "sort_order", "code"]
        verbose_name = _("责任部门")
        verbose_name_plural = _("责任部门")
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


class DisabilityCategory(DisableableModel):
    """GB/T 26341-2010 categories 1–7."""

    code = models.PositiveSmallIntegerField(_("代码"), primary_key=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("残疾类别")
        verbose_name_plural = _("残疾类别")

    def __str__(self) -> str:
        return self.name


class DisabilityGrade(DisableableModel):
    """Grades 1–4; grade 1 is the most severe."""

    code = models.PositiveSmallIntegerField(_("代码"), primary_key=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("残疾等级")
        verbose_name_plural = _("残疾等级")

    def __str__(self) -> str:
        return self.name


class WorkingAgeRule(models.Model):
    """Working-age bounds (就业年龄段) from a date on. A parameter, because the retirement-age
    reform from 2025 moves the upper bounds; the defaults are DOMAIN.md's (to verify locally)."""

    valid_from = models.DateField(_("生效日期"), unique=True)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"))
    male_max_age = models.PositiveSmallIntegerField(_("男性最高年龄"))
    female_max_age = models.PositiveSmallIntegerField(_("女性最高年龄"))
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("就业年龄段")
        verbose_name_plural = _("就业年龄段")

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.min_age}–{self.male_max_age}/{self.female_max_age}"
