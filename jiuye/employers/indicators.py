"""Plan indicators of proportional employment (actions 一 and 二), computed from the confirmed
annual declarations of the year and the employers' CSR reports; the region is the employer's
(its code prefix). The five figures share one statement (core.indicators.declare_figures),
which the plan dashboard runs together with the other apps' figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator
from jiuye.employers.models import (
    CsrReport,
    Declaration,
    DeclarationStatus,
    DeclaredEmployee,
    Employer,
)
from jiuye.employers.services.levy import ENTERPRISE_KINDS
from jiuye.reference.models import Region

PUBLIC_KINDS = (Employer.Kind.AGENCY, Employer.Kind.INSTITUTION)


def _confirmed(region: Region, year: int) -> QuerySet[Declaration]:
    return Declaration.objects.filter(
        year=year,
        status=DeclarationStatus.CONFIRMED,
        employer__region__code__startswith=region.prefix,
    )


@declare_figures("employers")
def _declaration_expressions(region: Region, year: int) -> dict[str, Any]:
    """The declaration figures and the CSR count of a region and year, as subqueries."""
    confirmed = _confirmed(region, year)
    levy = confirmed.order_by().values("year").annotate(total=Sum("levy_payable")).values("total")
    return {
        "public_met": CountOf(
            confirmed.filter(employer__kind__in=PUBLIC_KINDS, met=True).values("pk")
        ),
        "enterprises_met": CountOf(
            confirmed.filter(employer__kind__in=ENTERPRISE_KINDS, met=True).values("pk")
        ),
        "levy": Subquery(levy, output_field=DecimalField(max_digits=16, decimal_places=2)),
        "persons": CountOf(
            DeclaredEmployee.objects.filter(
                declaration__in=confirmed.values("pk"), counts__gt=0
            ).values("pk")
        ),
        "csr": CountOf(
            CsrReport.objects.filter(
                year=year,
                includes_disability=True,
                employer__kind__in=ENTERPRISE_KINDS,
                employer__region__code__startswith=region.prefix,
                employer__archived_at__isnull=True,
            ).values("pk")
        ),
    }


def _declaration_figures(region: Region, year: int) -> dict[str, Any]:
    """The declaration figures and the CSR count of a region and year in one statement."""
    return figures_of(region, year, "employers")


def _statistics_url(region: Region, year: int) -> str:
    return f"{reverse('employers:statistics')}?{urlencode({'year': year})}"


def _declarations_url(region: Region, year: int) -> str:
    return f"{reverse('employers:declarations')}?{urlencode({'year': year})}"


@indicator(
    code="employers.public_units_met",
    name=_("达到按比例安排残疾人就业规定比例的机关、事业单位数"),
    name_en="Agencies and public institutions meeting the quota",
    unit=_("个"),
    action=1,
    records_url=_statistics_url,
)
def public_units_met(region: Region, year: int) -> int:
    return _declaration_figures(region, year)["public_met"]


@indicator(
    code="employers.enterprises_met",
    name=_("达到按比例安排残疾人就业规定比例的企业数"),
    name_en="Enterprises meeting the quota",
    unit=_("家"),
    action=2,
    records_url=_declarations_url,
)
def enterprises_met(region: Region, year: int) -> int:
    return _declaration_figures(region, year)["enterprises_met"]


@indicator(
    code="employers.quota_employed",
    name=_("按比例安排就业的残疾人数"),
    name_en="Persons with disabilities employed under the quota",
    unit=_("人"),
    action=2,
    records_url=_declarations_url,
)
def quota_employed(region: Region, year: int) -> int:
    """Persons (not the double-counted figure) counted on a confirmed declaration of the year,
    every employer type."""
    return _declaration_figures(region, year)["persons"] or 0


@indicator(
    code="employers.levy_payable",
    name=_("应缴残疾人就业保障金"),
    name_en="Employment security fund levy payable",
    unit=_("元"),
    action=2,
    records_url=_declarations_url,
    higher_is_better=False,
)
def levy_payable(region: Region, year: int) -> Decimal:
    return _declaration_figures(region, year)["levy"] or Decimal(0)


@indicator(
    code="employers.csr_disability",
    name=_("社会责任报告包含残疾人就业内容的企业数"),
    name_en="Enterprises whose CSR report covers disability employment",
    unit=_("家"),
    action=2,
)
def csr_disability(region: Region, year: int) -> int:
    return _declaration_figures(region, year)["csr"]
