"""The proportional-employment quota and the employment security fund levy (残疾人就业保障金)
as a worked calculation a person can follow (DOMAIN.md, "Proportional employment").

Pure functions of the declared figures and a ``QuotaPolicy``: no database access, so the
declaration page, the review command, the benchmark and the tests compute the same way.
Every step is computed with exact fractions (an average wage such as 3,150,010 ÷ 300 has no
finite decimal) and the amount payable is rounded to the cent once, at the end; the Decimals on
the result are for showing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from jiuye.core.i18n import cached_gettext as _

CENT = Decimal("0.01")
ZERO = Decimal(0)
_PERCENT_PLACES = Decimal("0.001")
# Integers a Decimal holds exactly in the default context (28 digits).
_EXACT = 10**28

# Employer kinds that are enterprises: only they get the small-enterprise exemption.
ENTERPRISE_KINDS = frozenset({"soe", "private"})


def staff_count(
    *, basis: str, annual: Decimal | None, monthly: Sequence[Decimal] = ()
) -> Decimal | Fraction:
    """Staff on the policy's counting basis: the annual average as declared, or the sum of the
    twelve monthly headcounts ÷ 12 (a fraction: 1,237 ÷ 12 has no finite decimal)."""
    if basis == "monthly":
        if len(monthly) != 12:
            raise ValueError("the monthly basis needs twelve monthly headcounts")
        total = sum((Fraction(Decimal(m)) for m in monthly), Fraction(0)) / 12
        return Decimal(total.numerator) if total.denominator == 1 else total
    if annual is None:
        raise ValueError("the annual basis needs the annual average staff")
    return Decimal(annual)


@dataclass(frozen=True)
class Step:
    label: str
    formula: str
    value: str


@dataclass
class LevyCalculation:
    staff: Decimal
    ratio: Decimal
    counted: Decimal
    wage_total: Decimal
    required: Decimal = ZERO
    shortfall: Decimal = ZERO
    actual_ratio: Decimal = ZERO
    average_wage: Decimal = ZERO
    wage_cap: Decimal | None = None
    wage_used: Decimal = ZERO
    levy_before: Decimal = ZERO
    share: Decimal = Decimal(1)
    payable: Decimal = ZERO
    met: bool = False
    exempt: bool = False
    steps: list[Step] = field(default_factory=list)

    @property
    def levy_before_rounded(self) -> Decimal:
        return self.levy_before.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(numerator: int, denominator: int = 1) -> Decimal:
    """An exact number (a fraction's numerator and positive denominator, in lowest terms or
    not) as a Decimal for showing (28 significant digits): the division's result depends on
    the value only."""
    if denominator == 1 and -_EXACT < numerator < _EXACT:
        return Decimal(numerator)  # what the division gives: exact, exponent 0
    return Decimal(numerator) / Decimal(denominator)


def _cents(numerator: int, denominator: int) -> Decimal:
    """An exact non-negative amount (a fraction as in ``_decimal``) rounded half up to the
    cent: the floor of amount × 100 + 1/2."""
    return (Decimal((200 * numerator + denominator) // (2 * denominator)) / 100).quantize(CENT)


def _fmt(value: Decimal, places: int = 2) -> str:
    quantum = CENT if places == 2 else Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,}"


def _num(value: Decimal) -> str:
    """A count as written: 200, 2.5, 0.83 (no trailing zeros)."""
    text = f"{value.normalize():f}"
    return text


def _pct(value: Decimal) -> str:
    return f"{_num((value * 100).quantize(_PERCENT_PLACES, rounding=ROUND_HALF_UP).normalize())}%"


def _day(day: Any) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def rule_sentence(policy: Any) -> str:
    """The rule applied, with its document and its dates in the year they are of:
    "依据财政部公告2023年第8号（征收年度2023年1月1日至2027年12月31日）". Empty for a policy
    without a start date (a bare set of figures)."""
    start = getattr(policy, "valid_from", None)
    if start is None:
        return ""
    collection = getattr(policy, "date_basis", "data") == "collection"
    values = {
        "document": getattr(policy, "document", "") or _("本地区政策参数"),
        "basis": _("征收年度") if collection else _("数据年度"),
        "start": _day(start),
    }
    until = getattr(policy, "valid_until", None)
    if until is None:
        return _("依据%(document)s（%(basis)s%(start)s起）") % values
    return _("依据%(document)s（%(basis)s%(start)s至%(end)s）") % (values | {"end": _day(until)})


def calculate(
    *,
    staff: Decimal,
    wage_total: Decimal,
    counted: Decimal,
    employer_kind: str,
    policy: Any,
    year: int | None = None,
) -> LevyCalculation:
    """The levy of one employer for one year under ``policy`` (a QuotaPolicy or anything with
    its attributes); the first step names the rule and, given the data ``year``, the year the
    levy is collected. Raises ValueError for impossible input (negative figures, no staff with
    a wage total)."""
    return LevyRule(policy, year).calculate(
        staff=staff, wage_total=wage_total, counted=counted, employer_kind=employer_kind
    )


class LevyRule:
    """What the calculation takes of a policy and a data year, worked out once (the rule's
    sentence, the ratio, the wage cap, the reduction tiers as exact fractions, the steps'
    fixed words in the language active now): the year's review computes thousands of
    declarations under one policy. ``calculate`` is the same calculation either way."""

    def __init__(self, policy: Any, year: int | None = None) -> None:
        self.ratio = Decimal(policy.ratio)
        self.exact_ratio = self.ratio.as_integer_ratio()
        self.ratio_shown = _pct(self.ratio)
        rule = rule_sentence(policy)
        if rule and year is not None:
            rule = _("%(rule)s；%(year)d年度数据，%(collection)d年征收") % {
                "rule": rule,
                "year": year,
                "collection": year + 1,
            }
        self.rule_step = Step(_("适用政策"), "", rule) if rule else None
        self.small = policy.small_enterprise_max_staff
        self.wage_cap: Decimal | None = None
        if policy.wage_cap_multiple is not None:
            multiple, social = (
                Decimal(policy.wage_cap_multiple),
                Decimal(policy.social_average_wage),
            )
            self.wage_cap = social * multiple
            self.exact_cap = self.wage_cap.as_integer_ratio()
            self.cap_label = _("计征工资（不超过当地社会平均工资的%(n)s倍）") % {
                "n": _num(multiple)
            }
            self.cap_formula_end = f", {_fmt(social)} × {_num(multiple)})"
        # Per tier, from the highest ratio down: its floor, its share, and the share shown.
        tiers = policy.reduction_tiers or []
        self.tiers = [
            (
                Decimal(tier["min_ratio"]).as_integer_ratio(),
                Decimal(tier["share"]),
                Decimal(tier["share"]).as_integer_ratio(),
                _pct(Decimal(tier["share"])),
            )
            for tier in tiers
        ]
        self.tier_sentences = [_tier_sentence(tiers, n) for n in range(len(tiers))]
        self.words = {
            "required": _("应安排残疾人数"),
            "counted": _("已安排残疾人数（按规定折算）"),
            "actual": _("实际安排比例"),
            "small": _("小微企业免征"),
            "small_formula": _("在职职工 %(staff)s 人 ≤ %(limit)d 人"),
            "small_value": _("免征，应缴 0.00 元"),
            "met": _("达到规定比例"),
            "met_value": _("应缴 0.00 元"),
            "shortfall": _("差额人数"),
            "average": _("职工年平均工资"),
            "before": _("减缴前应缴"),
            "tier": _("分档减缴"),
            "payable": _("应缴残疾人就业保障金"),
            "payable_formula": _("%(levy)s × %(share)s（结果四舍五入到分）"),
            "yuan": _("%(amount)s 元"),
        }
        self.whole_share = _pct(Decimal(1))

    def calculate(
        self, *, staff: Decimal, wage_total: Decimal, counted: Decimal, employer_kind: str
    ) -> LevyCalculation:
        """The levy of one employer under this rule (``calculate`` above). Exact, as fractions
        kept as (numerator, denominator) pairs of integers, denominators positive and not
        reduced: the same values as with ``Fraction``, without its cost per operation (a
        Decimal shown from a pair depends only on the value)."""
        words = self.words
        sn, sd = (Fraction(staff) if isinstance(staff, str) else staff).as_integer_ratio()
        wn, wd = Decimal(wage_total).as_integer_ratio()
        cn, cd = Decimal(counted).as_integer_ratio()
        staff, wage_total, counted = _decimal(sn, sd), Decimal(wage_total), Decimal(counted)
        if staff < 0 or wage_total < 0 or counted < 0:
            raise ValueError("staff, wage total and counted employees cannot be negative")
        ratio = self.ratio
        calc = LevyCalculation(staff=staff, ratio=ratio, counted=counted, wage_total=wage_total)
        steps = calc.steps
        if self.rule_step is not None:
            steps.append(self.rule_step)
        staff_shown, counted_shown = _num(staff), _num(counted)
        rn, rd = self.exact_ratio
        qn, qd = sn * rn, sd * rd  # required: staff × ratio
        calc.required = _decimal(qn, qd)
        required_shown = _num(calc.required)
        steps.append(Step(words["required"], f"{staff_shown} × {self.ratio_shown}", required_shown))
        steps.append(Step(words["counted"], "", counted_shown))
        an, ad = (cn * sd, cd * sn) if sn else (0, 1)  # actual ratio: counted ÷ staff
        calc.actual_ratio = _decimal(an, ad)
        actual_shown = _pct(calc.actual_ratio)
        steps.append(
            Step(
                words["actual"],
                f"{counted_shown} ÷ {staff_shown}" if staff else "",
                actual_shown,
            )
        )
        small = self.small
        if employer_kind in ENTERPRISE_KINDS and small is not None and staff <= small:
            calc.exempt = True
            steps.append(
                Step(
                    words["small"],
                    words["small_formula"] % {"staff": staff_shown, "limit": small},
                    words["small_value"],
                )
            )
            return calc
        if cn * qd >= qn * cd:  # counted ≥ required
            calc.met = True
            steps.append(
                Step(words["met"], f"{counted_shown} ≥ {required_shown}", words["met_value"])
            )
            return calc
        hn, hd = qn * cd - cn * qd, qd * cd  # shortfall: required − counted
        calc.shortfall = _decimal(hn, hd)
        shortfall_shown = _num(calc.shortfall)
        steps.append(
            Step(words["shortfall"], f"{required_shown} − {counted_shown}", shortfall_shown)
        )
        if not staff:
            raise ValueError("an employer with a shortfall must have staff")
        yuan = words["yuan"]
        un, ud = vn, vd = wn * sd, wd * sn  # the average wage: wage total ÷ staff
        calc.average_wage = _decimal(vn, vd)
        average_fmt = _fmt(calc.average_wage)
        steps.append(
            Step(
                words["average"],
                f"{_fmt(wage_total)} ÷ {staff_shown}",
                yuan % {"amount": average_fmt},
            )
        )
        if self.wage_cap is not None:
            calc.wage_cap = self.wage_cap
            kn, kd = self.exact_cap
            if kn * vd < vn * kd:  # the wage used: the lesser of the average and the cap
                un, ud = kn, kd
        calc.wage_used = _decimal(un, ud)
        wage_used_fmt = _fmt(calc.wage_used)
        if self.wage_cap is not None:
            steps.append(
                Step(
                    self.cap_label,
                    f"min({average_fmt}{self.cap_formula_end}",
                    yuan % {"amount": wage_used_fmt},
                )
            )
        bn, bd = hn * un, hd * ud  # levy before reductions: shortfall × wage used
        calc.levy_before = _decimal(bn, bd)
        levy_before_fmt = _fmt(calc.levy_before)
        steps.append(
            Step(
                words["before"],
                f"{shortfall_shown} × {wage_used_fmt}",
                yuan % {"amount": levy_before_fmt},
            )
        )
        pn, pd, share_shown = 1, 1, self.whole_share
        for ((fn, fd), decimal_share, (tn, td), shown), (sentence, values) in zip(
            self.tiers, self.tier_sentences, strict=True
        ):
            if an * fd >= fn * ad:  # actual ratio ≥ the tier's floor
                pn, pd, share_shown = tn, td, shown
                calc.share = decimal_share
                said = sentence % {**values, "actual": actual_shown}
                steps.append(Step(words["tier"], said, share_shown))
                break
        calc.payable = _cents(bn * pn, bd * pd)
        steps.append(
            Step(
                words["payable"],
                words["payable_formula"] % {"levy": levy_before_fmt, "share": share_shown},
                yuan % {"amount": _fmt(calc.payable)},
            )
        )
        return calc


def _tier_sentence(tiers: Sequence[dict[str, Any]], position: int) -> tuple[str, dict[str, str]]:
    """The reduction rule that applies, as a sentence with its thresholds (tiers run from the
    highest ratio down): "实际安排比例 0.667%，低于 1%，按应缴额的 90% 缴纳". Its template and
    its values but the actual ratio (``actual``), which is the employer's."""
    values = {"share": _pct(Decimal(tiers[position]["share"]))}
    floor = Decimal(tiers[position]["min_ratio"])
    if position > 0:
        values["above"] = _pct(Decimal(tiers[position - 1]["min_ratio"]))
        if floor > 0:
            values["floor"] = _pct(floor)
            return (
                _(
                    "实际安排比例 %(actual)s，达到 %(floor)s 但低于 %(above)s，"
                    "按应缴额的 %(share)s 缴纳"
                ),
                values,
            )
        return _("实际安排比例 %(actual)s，低于 %(above)s，按应缴额的 %(share)s 缴纳"), values
    values["floor"] = _pct(floor)
    return _("实际安排比例 %(actual)s，达到 %(floor)s，按应缴额的 %(share)s 缴纳"), values
