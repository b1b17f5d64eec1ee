"""The employer's declaration pages: its own declarations only, the figures and the staff list
with each line's verification in words, the worked calculation, submitting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jiuye.employers.models import Declaration, DeclarationStatus
from jiuye.employers.tests.declaration_fixtures import (
    YEAR,
    declare,
    form_line,
    line,
    make_id_number,
    person,
)
from jiuye.employers.tests.declaration_fixtures import declaration_url as _url

pytestmark = pytest.mark.django_db


def test_an_employer_starts_a_declaration_of_last_year_by_default(client_for, employer_a) -> None:  # noqa: ANN001
    client = client_for("employer")
    page = client.get(reverse("employers:declarations"))
    assert page.status_code == 200
    assert (
        page.context["start_form"]["year"].value()
        == page.context["start_form"].fields["year"].choices[1][0]
    )
    response = client.post(reverse("employers:declaration-start"), {"year": YEAR})
    declaration = Declaration.objects.get(employer=employer_a, year=YEAR)
    assert response.url == _url("declaration", declaration)
    # Starting again continues the same draft.
    again = client.post(reverse("employers:declaration-start"), {"year": YEAR})
    assert again.url == response.url


def test_an_employer_sees_only_its_own_declarations(client_for, employer_a, employer_b) -> None:  # noqa: ANN001
    own = declare(employer_a, [])
    other = declare(employer_b, [])
    client = client_for("employer")
    listed = client.get(reverse("employers:declarations")).context["page"].object_list
    assert list(listed) == [own]
    for name in ("declaration", "declaration-confirmation"):
        assert client.get(_url(name, other)).status_code == 404
    for name in ("declaration-figures", "declaration-employee-add", "declaration-submit"):
        assert client.post(_url(name, other), {}).status_code == 404
    line_pk = other.pk  # any id: the declaration is already out of scope
    assert client.get(_url("declaration-employee-edit", other, line_pk)).status_code == 404


def test_figures_errors_are_named_and_kept(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [])
    response = client_for("employer").post(
        _url("declaration-figures", declaration), {"staff_annual": "-3", "wage_total": "abc"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"staff_annual", "wage_total"}
    html = response.content.decode()
    assert "<title>错误：" in html
    assert 'aria-invalid="true"' in html
    assert 'value="-3"' in html


def test_the_worked_calculation_shows_the_domain_example(client_for, employer_a) -> None:  # noqa: ANN001
    # DOMAIN: 200 staff, 1 counted (0.5 %), wage 80,000 → 2 × 80,000 × 90 % = 144,000.
    declaration = declare(employer_a, [])
    client = client_for("employer")
    client.post(
        _url("declaration-figures", declaration),
        {"staff_annual": "200", "wage_total": str(200 * 80000)},
    )
    added = client.post(_url("declaration-employee-add", declaration), form_line(person(11)))
    assert added.status_code == 302
    html = client.get(_url("declaration", declaration)).content.decode()
    for text in (
        "200 × 1.5%",
        "3 − 1",
        "16,000,000.00 ÷ 200",
        "2 × 80,000.00",
        "144,000.00 元",
        # YEAR 2024 is collected in 2025: the rule of the collection year, with its dates.
        "依据财政部公告2023年第8号（征收年度2023年1月1日至2027年12月31日）；2024年度数据，2025年征收",
        "✓ 符合：姓名、身份证号和残疾人证号与残疾人登记库一致，证件有效。",
        "核验结果：计入 1 人",
    ):
        assert text in html, text
    declaration.refresh_from_db()
    assert str(declaration.levy_payable) == "144000.00"


def test_each_failed_check_is_said_in_words(client_for, employer_a) -> None:  # noqa: ANN001
    low = person(21)
    declaration = declare(employer_a, [line(low, monthly_wage=2299)])
    html = client_for("employer").get(_url("declaration", declaration)).content.decode()
    assert "✗ 不符合：月工资 2,299.00 元低于当地最低工资标准 2,300.00 元。" in html
    assert "核验结果：不计入" in html
    # The full numbers are never on the page.
    assert low.id_number not in html


def test_a_bad_line_is_refused_with_the_field_named(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [])
    who, other = person(31), person(33)
    response = client_for("employer").post(
        _url("declaration-employee-add", declaration),
        form_line(who, certificate_number=other.certificate_number, monthly_wage="-5"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "certificate_number" in errors and "monthly_wage" in errors
    assert declaration.employees.count() == 0


def test_a_line_is_edited_and_removed(client_for, employer_a) -> None:  # noqa: ANN001
    who = person(41)
    declaration = declare(employer_a, [line(who)])
    employee = declaration.employees.get()
    client = client_for("employer")
    page = client.get(_url("declaration-employee-edit", declaration, employee.pk))
    assert page.status_code == 200
    assert who.id_number not in page.content.decode()
    data = form_line(who, id_number="", certificate_number="", monthly_wage="5000")
    assert (
        client.post(_url("declaration-employee-edit", declaration, employee.pk), data).status_code
        == 302
    )
    employee.refresh_from_db()
    assert str(employee.monthly_wage) == "5000.00"
    assert employee.id_number == who.id_number
    assert (
        client.post(_url("declaration-employee-remove", declaration, employee.pk)).status_code
        == 302
    )
    assert declaration.employees.count() == 0


def test_a_claim_by_another_employer_is_shown_without_naming_it(
    client_for, employer_a, employer_b
) -> None:  # noqa: ANN001
    shared = person(51, name="王五")
    other_only = person(53, name="赵六")
    declare(employer_b, [line(shared), line(other_only)], submit=True)
    own = declare(employer_a, [line(shared)], submit=True)
    html = client_for("employer").get(_url("declaration", own)).content.decode()
    assert "同一年度另有单位申报了此人" in html
    assert employer_b.name not in html and "赵六" not in html
    # After staff rule for the other employer, the ruling's note (which names it) stays hidden.
    from jiuye.employers import services

    other_line = employer_b.declarations.get().employees.get(name="王五")
    services.conflict_resolve(employee=other_line, by=None, decision="count")
    html = client_for("employer").get(_url("declaration", own)).content.decode()
    assert "区残联裁定此人不计入本单位" in html
    assert employer_b.name not in html


def test_submit_locks_the_declaration_for_the_employer(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [line(person(61))])
    client = client_for("employer")
    assert client.post(_url("declaration-submit", declaration)).status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    page = client.get(_url("declaration", declaration))
    assert page.context["figures_form"] is None and page.context["employee_form"] is None
    refused = client.post(_url("declaration-employee-add", declaration), form_line(person(63)))
    assert refused.status_code == 302
    assert declaration.employees.count() == 1


def test_a_returned_declaration_shows_the_reasons_at_the_top(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [line(person(71))], submit=True)
    client_for("district").post(
        _url("declaration-return", declaration), {"reason": "请补充工资总额证明"}
    )
    html = client_for("employer").get(_url("declaration", declaration)).content.decode()
    assert "区残联退回了这份申报" in html
    assert html.index("请补充工资总额证明") < html.index("一、职工人数和工资总额")


def test_district_staff_declare_on_an_employers_behalf(client_for, employer_b) -> None:  # noqa: ANN001
    client = client_for("district")
    response = client.post(
        reverse("employers:declaration-start"), {"year": YEAR, "uscc": employer_b.uscc.lower()}
    )
    declaration = Declaration.objects.get(employer=employer_b)
    assert response.url == _url("declaration", declaration)
    missing = client.post(reverse("employers:declaration-start"), {"year": YEAR})
    assert "uscc" in missing.context["form"].errors
    unknown = client.post(reverse("employers:declaration-start"), {"year": YEAR, "uscc": "X"})
    assert "没有找到信用代码" in unknown.context["form"].errors["uscc"][0]


def test_a_leader_reads_figures_but_never_the_staff_list(client_for, employer_a) -> None:  # noqa: ANN001
    who = person(81, name="钱七")
    declaration = declare(employer_a, [line(who)])
    client = client_for("leader")
    page = client.get(_url("declaration", declaration))
    assert page.status_code == 200
    assert page.context["lines"] == []
    assert "钱七" not in page.content.decode()
    assert client.post(_url("declaration-figures", declaration), {}).status_code == 403
    assert client.post(_url("declaration-submit", declaration)).status_code == 403


def test_town_officers_read_only_their_towns_declarations(
    client_for, employer_a, employer_b
) -> None:  # noqa: ANN001
    own = declare(employer_a, [])
    other = declare(employer_b, [])
    client = client_for("town_a")
    assert client.get(_url("declaration", own)).status_code == 200
    assert client.get(_url("declaration", other)).status_code == 404
    assert client.post(_url("declaration-submit", own)).status_code == 403


def test_wrong_methods_are_refused(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [])
    client = client_for("employer")
    assert client.get(_url("declaration-submit", declaration)).status_code == 405
    assert client.get(reverse("employers:declaration-start")).status_code == 405


def test_an_employer_learns_only_whether_what_it_entered_matches_the_registry(
    client_for, employer_a
) -> None:  # noqa: ANN001
    """A stranger's ID with a made-up name, an expired certificate, a deceased person and an
    unregistered number all read the same to the employer; the district sees why."""
    stranger = person(31, grade=1, name="真实姓名")
    expired = person(32, certificate_valid_until=dt.date(YEAR, 6, 30))
    deceased = person(33)
    type(deceased).objects.filter(pk=deceased.pk).update(
        life_status="deceased", life_status_date=dt.date(YEAR - 1, 3, 1)
    )
    unknown = {**line(person(34)), "id_number": make_id_number(seq=35)}
    unknown["certificate_number"] = unknown["id_number"] + "43"
    declaration = declare(
        employer_a,
        [line(stranger, name="编造姓名"), line(expired), line(deceased), unknown],
    )
    html = client_for("employer").get(_url("declaration", declaration)).content.decode()
    refused = "✗ 不符合：与残疾人登记库核对未通过"
    assert html.count(refused) == 4
    for secret in ("真实姓名", "过期", "去世", "登记库中没有此人", "一级"):
        assert secret not in html, secret
    staff = client_for("district").get(_url("declaration", declaration)).content.decode()
    for reason in ("登记库中是“真实姓名”", "过期", "去世", "登记库中没有此人"):
        assert reason in staff, reason
