"""Annual declarations: every line verified against the registry and the policy, the levy
computed from the counted employees, the review workflow and its employment records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from conftest import TOWN_A, make_id_number, make_uscc
from jiuye.employers import services
from jiuye.employers.models import DeclarationStatus, Employer
from jiuye.employers.services.levy import calculate
from jiuye.employers.services.verification import shown
from jiuye.employers.tests.declaration_fixtures import line as _line
from jiuye.employers.tests.declaration_fixtures import person as _person
from jiuye.employment.models import EmploymentRecord, Source
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

YEAR = 2024  # policy 2024: ratio 1.5 %, minimum wage 2,300, social average wage 106,000, cap 2×


def _employer(name: str = "甲公司", uscc: str = "91440199MA5TEXT56", kind: str = "private"):  # noqa: ANN202
    return Employer.objects.create(
        name=name, uscc=make_uscc(uscc), kind=kind, region=Region.objects.get(code=TOWN_A)
    )


def _declare(employer, lines, staff=200, wages=200 * 80000):  # noqa: ANN001, ANN202
    declaration = services.declaration_start(employer=employer, year=YEAR, by=None)
    declaration = services.declaration_save(
        declaration=declaration, by=None, staff_annual=staff, wage_total=wages
    )
    for values in lines:
        services.employee_add(declaration=declaration, by=None, **values)
    return services.declaration_compute(declaration)


def _counts(declaration) -> dict[str, Decimal]:  # noqa: ANN001
    return {e.name: e.counts for e in declaration.employees.all()}


def _failed(declaration, name: str) -> set[str]:  # noqa: ANN001
    employee = declaration.employees.get(name=name)
    return {c["code"] for c in employee.checks if c["status"] == "fail"}


def test_grade_two_counts_twice_and_grade_three_once(reference) -> None:  # noqa: ANN001
    two, three = _person(11, grade=2), _person(13, grade=3)
    declaration = _declare(_employer(), [_line(two), _line(three)])
    assert _counts(declaration) == {"职工11": 2, "职工13": 1}
    assert declaration.counted == 3
    assert declaration.met  # 200 × 1.5 % = 3


def test_each_failed_condition_is_explained_and_not_counted(reference) -> None:  # noqa: ANN001
    expiring = _person(21, certificate_valid_until=dt.date(YEAR, 6, 30))
    short = _person(23)
    low = _person(25)
    uninsured = _person(27)
    service = _person(29)
    declaration = _declare(
        _employer(),
        [
            _line(expiring),
            _line(short, contract_start=dt.date(YEAR, 1, 1), contract_end=dt.date(YEAR, 11, 30)),
            _line(low, monthly_wage=Decimal("2299")),  # one yuan under the minimum
            _line(uninsured, insurance_months=11),
            _line(service, contract_type="service"),
        ],
    )
    assert _failed(declaration, "职工21") == {"certificate_valid"}
    assert _failed(declaration, "职工23") == {"contract"}
    assert _failed(declaration, "职工25") == {"wage"}
    assert _failed(declaration, "职工27") == {"insurance"}
    assert _failed(declaration, "职工29") == {"contract"}
    assert declaration.counted == 0
    checks = shown(declaration.employees.get(name="职工25").checks)
    message = " ".join(c["message"] for c in checks)
    assert "2,299.00" in message and "2,300.00" in message


def test_a_wage_exactly_at_the_minimum_and_a_contract_of_exactly_a_year_count(reference) -> None:  # noqa: ANN001
    person = _person(31)
    declaration = _declare(
        _employer(),
        [
            _line(
                person,
                monthly_wage=Decimal("2300"),
                contract_start=dt.date(YEAR, 1, 1),
                contract_end=dt.date(YEAR, 12, 31),
            )
        ],
    )
    assert _counts(declaration) == {"职工31": 1}


def test_a_person_not_in_the_registry_is_listed_for_staff(reference) -> None:  # noqa: ANN001
    stranger = make_id_number(seq=41)
    declaration = _declare(
        _employer(),
        [
            {
                **_line(_person(43)),
                "name": "未登记",
                "id_number": stranger,
                "certificate_number": f"{stranger}43",
            }
        ],
    )
    assert _failed(declaration, "未登记") == {"registry"}
    assert declaration.employees.get(name="未登记").person is None


def test_the_levy_is_computed_from_the_counted_employees(reference) -> None:  # noqa: ANN001
    one = _person(51, grade=4)
    declaration = _declare(_employer(), [_line(one)], staff=200, wages=200 * 300000)
    # 3 required − 1 counted = 2 short; wage capped at 2 × 106,000; actual 0.5 % → 90 %.
    assert declaration.shortfall == 2
    assert declaration.wage_used == Decimal("212000.00")
    assert declaration.levy_payable == Decimal("381600.00")
    assert declaration.steps[-1]["value"] == "381,600.00 元"


def test_a_person_claimed_by_two_employers_is_a_conflict_until_staff_rule(reference) -> None:  # noqa: ANN001
    person = _person(61)
    first, second = _employer(), _employer("乙公司", "91440199MA5TEXT78")
    a = _declare(first, [_line(person)])
    services.declaration_submit(declaration=a, by=None)
    b = _declare(second, [_line(person)])
    services.declaration_submit(declaration=b, by=None)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.employees.get().conflict and b.employees.get().conflict
    assert a.counted == b.counted == 0
    # The message to each employer never names the other.
    for declaration, other in ((a, "乙公司"), (b, "甲公司")):
        assert other not in str(declaration.employees.get().checks)
    with pytest.raises(ValidationError, match="裁定"):
        services.declaration_confirm(declaration=a, by=None)
    services.conflict_resolve(employee=a.employees.get(), by=None, decision="count")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.counted, b.counted) == (1, 0)
    services.declaration_confirm(declaration=a, by=None)
    record = EmploymentRecord.objects.get(person=person)
    assert (record.form, record.source, record.employer_id) == (
        "quota",
        Source.DECLARATION,
        first.pk,
    )


def test_a_consistent_dispatch_agreement_is_not_a_conflict(reference) -> None:  # noqa: ANN001
    # The agency declares the person as dispatched and counted at the user employer, which
    # declares them as its own: one claim, no conflict, both can be confirmed.
    person = _person(63)
    agency, user = _employer(), _employer("乙公司", "91440199MA5TEXT78")
    a = _declare(
        agency, [_line(person, dispatched=True, dispatch_agency="甲公司", counts_here=False)]
    )
    services.declaration_submit(declaration=a, by=None)
    b = _declare(user, [_line(person)])
    services.declaration_submit(declaration=b, by=None)
    a.refresh_from_db()
    b.refresh_from_db()
    assert not a.employees.get().conflict and not b.employees.get().conflict
    assert (a.counted, b.counted) == (0, 1)
    services.declaration_confirm(declaration=a, by=None)
    services.declaration_confirm(declaration=b, by=None)


def test_malformed_lines_are_refused_with_field_messages_and_nothing_saved(reference) -> None:  # noqa: ANN001
    person, other = _person(71), _person(73)
    declaration = services.declaration_start(employer=_employer(), year=YEAR, by=None)
    cases = [
        ({"id_number": person.id_number[:-1] + "0"}, "id_number"),
        ({"certificate_number": other.certificate_number}, "certificate_number"),
        ({"monthly_wage": Decimal("-1")}, "monthly_wage"),
        ({"contract_type": "gig"}, "contract_type"),
        ({"insurance_months": "twelve"}, "insurance_months"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as error:
            services.employee_add(declaration=declaration, by=None, **_line(person, **change))
        assert field in error.value.message_dict
    services.employee_add(declaration=declaration, by=None, **_line(person))
    with pytest.raises(ValidationError) as error:
        services.employee_add(declaration=declaration, by=None, **_line(person))
    assert "已经在本次申报" in str(error.value)
    assert declaration.employees.count() == 1


def test_workflow_return_resubmit_confirm_lock_and_correct(reference) -> None:  # noqa: ANN001
    person = _person(81)
    employer = _employer()
    declaration = _declare(employer, [_line(person)])
    services.declaration_submit(declaration=declaration, by=None)
    with pytest.raises(ValidationError):
        services.declaration_return(declaration=declaration, by=None, reason=" ")
    services.declaration_return(declaration=declaration, by=None, reason="请补充工资总额证明")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RETURNED
    services.declaration_save(declaration=declaration, by=None, staff_annual=210, wage_total=1)
    services.declaration_submit(declaration=declaration, by=None)
    services.declaration_confirm(declaration=declaration, by=None)
    declaration.refresh_from_db()
    assert declaration.is_locked
    with pytest.raises(ValidationError):
        services.employee_add(declaration=declaration, by=None, **_line(_person(83)))
    correction = services.declaration_correct(declaration=declaration, by=None, reason="漏报一人")
    assert (correction.version, correction.status) == (2, DeclarationStatus.DRAFT)
    assert correction.employees.count() == 1
    services.employee_add(declaration=correction, by=None, **_line(_person(85)))
    services.declaration_submit(declaration=correction, by=None)
    services.declaration_confirm(declaration=correction, by=None)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUPERSEDED
    assert EmploymentRecord.objects.filter(employer=employer).count() == 2


def test_quota_review_recomputes_a_year_idempotently(reference) -> None:  # noqa: ANN001
    from io import StringIO

    from django.core.management import call_command

    declaration = _declare(_employer(), [_line(_person(91))])
    services.declaration_submit(declaration=declaration, by=None)
    outputs = []
    for options in ({"all": True}, {"all": True}, {}):
        out = StringIO()
        call_command("quota_review", year=YEAR, stdout=out, **options)
        outputs.append(out.getvalue().split(" in ")[0])
    assert outputs[0] == outputs[1] == f"year {YEAR}: reviewed 1, recomputed 1 (0 unchanged)"
    # Nothing changed since: the digest stored with the result says so.
    assert outputs[2] == f"year {YEAR}: reviewed 1, recomputed 0 (1 unchanged)"


def test_public_sector_statistics_flag_drops_and_missing_persons(reference) -> None:  # noqa: ANN001
    from jiuye.employers.selectors import public_sector_statistics

    agency = _employer("区某局", "11440199MB2TEXT01", kind="agency")
    kept, dropped = _person(101), _person(103)
    for year, lines in ((YEAR - 1, [_line(kept), _line(dropped)]), (YEAR, [_line(kept)])):
        declaration = services.declaration_start(employer=agency, year=year, by=None)
        services.declaration_save(declaration=declaration, by=None, staff_annual=100, wage_total=1)
        for values in lines:
            services.employee_add(declaration=declaration, by=None, **values)
        services.declaration_submit(declaration=declaration, by=None)
        services.declaration_confirm(declaration=declaration, by=None)
    rows = {row.employer.name: row for row in public_sector_statistics(year=YEAR)}
    row = rows["区某局"]
    assert row.change == -1
    assert any("减少" in flag for flag in row.flags)
    assert any("职工103" in flag for flag in row.flags)


def test_the_list_cannot_be_longer_than_the_declared_staff(reference) -> None:  # noqa: ANN001
    declaration = services.declaration_start(employer=_employer(), year=YEAR, by=None)
    services.declaration_save(declaration=declaration, by=None, staff_annual=1, wage_total=60000)
    services.employee_add(declaration=declaration, by=None, **_line(_person(75)))
    with pytest.raises(ValidationError) as error:
        services.employee_add(declaration=declaration, by=None, **_line(_person(77)))
    assert "超过了申报的在职职工人数 1 人" in str(error.value)
    assert declaration.employees.count() == 1


def test_check_sentences_are_shown_in_the_readers_language(reference) -> None:  # noqa: ANN001
    from django.utils import translation

    person = _person(81)
    declaration = services.declaration_start(employer=_employer(), year=YEAR, by=None)
    services.employee_add(
        declaration=declaration, by=None, **_line(person, monthly_wage=Decimal("1"))
    )
    services.declaration_compute(declaration)
    stored = declaration.employees.get().checks
    with translation.override("en"):
        english = " ".join(c["message"] for c in shown(stored))
    with translation.override("zh-hans"):
        chinese = " ".join(c["message"] for c in shown(stored))
    assert "minimum wage" in english and "最低工资" not in english
    assert "最低工资" in chinese


@pytest.mark.parametrize(
    ("year", "rule", "share"),
    [
        # Data year 2018 is collected in 2019, before 财政部公告2019年第98号: the full levy.
        (2018, "依据财税〔2015〕72号（数据年度2018年4月1日起）", Decimal("1")),
        (
            2019,
            "依据财政部公告2019年第98号（征收年度2020年1月1日至2022年12月31日）",
            Decimal("0.9"),
        ),
        (
            2021,
            "依据财政部公告2019年第98号（征收年度2020年1月1日至2022年12月31日）",
            Decimal("0.9"),
        ),
        (2022, "依据财政部公告2023年第8号（征收年度2023年1月1日至2027年12月31日）", Decimal("0.9")),
        (2026, "依据财政部公告2023年第8号（征收年度2023年1月1日至2027年12月31日）", Decimal("0.9")),
    ],
)
def test_a_declaration_uses_the_rule_of_the_year_its_levy_is_collected(  # noqa: ANN001
    reference, year, rule, share
) -> None:
    declaration = services.declaration_start(employer=_employer(), year=year, by=None)
    declaration = services.declaration_save(
        declaration=declaration, by=None, staff_annual=200, wage_total=200 * 50000
    )
    declaration = services.declaration_compute(declaration)
    assert declaration.steps[0] == {
        "label": "适用政策",
        "formula": "",
        "value": f"{rule}；{year}年度数据，{year + 1}年征收",
    }
    assert declaration.levy_payable == (declaration.levy_before * share).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"contract_start": dt.date(YEAR - 3, 1, 1), "contract_end": dt.date(YEAR - 1, 12, 31)},
            "contract_end",
            f"合同在{YEAR}年开始前已经结束，不属于本年度。",
        ),
        (
            {"contract_start": dt.date(YEAR + 1, 1, 1)},
            "contract_start",
            f"合同开始日期晚于{YEAR}年底，不属于本年度。",
        ),
        (
            # The registered person was born 1990-03-07.
            {"contract_start": dt.date(2006, 3, 6)},
            "contract_start",
            "合同开始日期早于本人年满16周岁的日期（2006-03-07），请核对。",
        ),
    ],
)
def test_a_contract_outside_the_declared_year_or_before_sixteen_is_refused(  # noqa: ANN001
    reference, change, field, message
) -> None:
    declaration = services.declaration_start(employer=_employer(), year=YEAR, by=None)
    with pytest.raises(ValidationError) as error:
        services.employee_add(declaration=declaration, by=None, **_line(_person(87), **change))
    assert error.value.message_dict[field] == [message]


def test_monthly_headcounts_that_do_not_divide_by_twelve_are_computed(reference) -> None:  # noqa: ANN001
    """Twelve monthly headcounts summing to 1,237: the levy is worked out on the exact average
    (1,237 ÷ 12), and the declaration keeps it rounded to the cent for showing (the page and the
    review both compute it; the field holds two decimals)."""
    months = [103] * 11 + [104]
    declaration = services.declaration_start(employer=_employer(), year=YEAR, by=None)
    declaration = services.declaration_save(
        declaration=declaration, by=None, staff_monthly=months, wage_total=1237 * 80000 // 12
    )
    services.employee_add(declaration=declaration, by=None, **_line(_person(11, grade=3)))
    declaration = services.declaration_compute(declaration)
    declaration.refresh_from_db()
    assert declaration.staff == Decimal("103.08")
    # The levy of the exact 1,237 ÷ 12 staff (required 1.54625), not of 103.08 (1.5462).
    exact = calculate(
        staff=Fraction(1237, 12),
        wage_total=Decimal(1237 * 80000 // 12),
        counted=Decimal(1),
        employer_kind="private",
        policy=declaration.policy,
        year=YEAR,
    )
    payable = declaration.levy_payable
    assert payable == exact.payable > 0
    assert (
        exact.payable
        != calculate(
            staff=Decimal("103.08"),
            wage_total=Decimal(1237 * 80000 // 12),
            counted=Decimal(1),
            employer_kind="private",
            policy=declaration.policy,
            year=YEAR,
        ).payable
    )
    services.declaration_submit(declaration=declaration, by=None)
    call_command("quota_review", year=YEAR, all=True, stdout=StringIO())
    declaration.refresh_from_db()
    assert (declaration.staff, declaration.levy_payable) == (Decimal("103.08"), payable)
