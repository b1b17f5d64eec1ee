"""Plan indicators of proportional employment (actions 一 and 二), computed from the confirmed
annual declarations of the year and the employers' CSR reports; the region is the employer's
(its code prefix). The four declaration figures share one query (core.indicators.shared_figures),
the CSR figure is one more."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jiuye.core.indicators import indicator, shared_figures
from jiuye.core.levy import ENTERPRISE_KINDS
from jiuye.employers.models import (
    CsrReport,
    Declaration,
    DeclarationStatus,
    DeclaredEmployee,
    Employer,
)
from jiuye.reference.models import Region

PUBLIC_KINDS = (Employer.Kind.AGENCY, Employer.Kind.INSTITUTION)


def _confirmed(region: Region, year: int) -> QuerySet[Declaration]:
    return Declaration.objects.filter(
        year=year,
        status=DeclarationStatus.CONFIRMED,
        employer__region__code__startswith=region.prefix,
    )


def _declaration_figures(region: Region, year: int) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        persons = DeclaredEmployee.objects.filter(declaration=OuterRef("pk"), counts__gt=0).values(
            "declaration"
        )
        figures = _confirmed(region, year).aggregate(
            public_met=Count("pk", filter=Q(employer__kind__in=PUBLIC_KINDS, met=True)),
            enterprises_met=Count("pk", filter=Q(employer__kind__in=ENTERPRISE_KINDS, met=True)),
            levy=Sum("levy_payable"),
            persons=Sum(
                Subquery(persons.annotate(n=Count("pk")).values("n"), output_field=IntegerField())
            ),
        )
        return figures

    return shared_figures(region, ("employers", year), compute)


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
    return CsrReport.objects.filter(
        year=year,
        includes_disability=True,
        employer__kind__in=ENTERPRISE_KINDS,
        employer__region__code__startswith=region.prefix,
        employer__archived_at__isnull=True,
    ).count()
