"""Staff review: the queue, return → resubmit → confirm, conflicts resolved by staff, a
correction as a new version, and the review confirmation (.docx) with the figures."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from jiuye.employers.models import Declaration, DeclarationStatus
from jiuye.employers.tests.declaration_fixtures import (
    YEAR,
    declare,
    line,
    person,
    social_average_wage,
)
from jiuye.employers.tests.declaration_fixtures import declaration_url as _url
from jiuye.employment.models import EmploymentRecord

pytestmark = pytest.mark.django_db


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_queue_counts_conflicts_and_persons_not_in_the_registry(
    client_for, employer_a, employer_b
) -> None:  # noqa: ANN001
    from conftest import make_id_number

    shared = person(11)
    stranger = make_id_number(seq=13)
    declare(employer_b, [line(shared)], submit=True)
    declaration = declare(
        employer_a,
        [
            line(shared),
            {
                **line(person(15)),
                "name": "未登记",
                "id_number": stranger,
                "certificate_number": f"{stranger}43",
            },
        ],
        submit=True,
    )
    page = client_for("district").get(reverse("employers:review-queue"))
    rows = {d.pk: d for d in page.context["page"]}
    assert (rows[declaration.pk].conflicts, rows[declaration.pk].unknown) == (1, 1)
    detail = client_for("district").get(_url("declaration", declaration))
    assert detail.context["counts"] == {"conflicts": 1, "unknown": 1}


def test_return_resubmit_confirm(client_for, employer_a) -> None:  # noqa: ANN001
    who = person(21)
    declaration = declare(employer_a, [line(who)], submit=True)
    staff, employer = client_for("district"), client_for("employer")
    empty = staff.post(_url("declaration-return", declaration), {"reason": " "})
    assert empty.status_code == 200 and "reason" in empty.context["form"].errors
    staff.post(_url("declaration-return", declaration), {"reason": "请补充社保缴费证明"})
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RETURNED
    assert employer.post(_url("declaration-submit", declaration)).status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert staff.post(_url("declaration-confirm", declaration)).status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.CONFIRMED
    assert EmploymentRecord.objects.filter(person=who, employer=employer_a).exists()
    # Employers and leaders do not review.
    for persona in ("employer", "leader", "town_a"):
        assert client_for(persona).post(_url("declaration-confirm", declaration)).status_code == 403


def test_a_conflict_is_resolved_on_the_conflicts_page(client_for, employer_a, employer_b) -> None:  # noqa: ANN001
    shared = person(31, name="孙八")
    a = declare(employer_a, [line(shared)], submit=True)
    b = declare(employer_b, [line(shared)], submit=True)
    staff = client_for("district")
    page = staff.get(reverse("employers:conflicts"), {"year": YEAR})
    (conflict,) = page.context["conflicts"]
    html = page.content.decode()
    assert employer_a.name in html and employer_b.name in html and "孙八" in html
    refused = staff.post(_url("declaration-confirm", a))
    assert refused.status_code == 302
    a.refresh_from_db()
    assert a.status == DeclarationStatus.SUBMITTED
    line_a = a.employees.get()
    response = staff.post(
        reverse("employers:conflict-resolve", args=[line_a.pk]), {"decision": "count"}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.counted, b.counted) == (1, 0)
    staff.post(_url("declaration-confirm", a))
    a.refresh_from_db()
    assert a.status == DeclarationStatus.CONFIRMED
    bad = staff.post(reverse("employers:conflict-resolve", args=[line_a.pk]), {"decision": "x"})
    assert bad.status_code == 302
    assert client_for("employer").get(reverse("employers:conflicts")).status_code == 403


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [line(person(41))], confirm=True)
    staff = client_for("district")
    empty = staff.post(_url("declaration-correct", declaration), {"reason": ""})
    assert "reason" in empty.context["form"].errors
    response = staff.post(_url("declaration-correct", declaration), {"reason": "漏报一人"})
    correction = Declaration.objects.get(employer=employer_a, version=2)
    assert response.url == _url("declaration", correction)
    assert correction.status == DeclarationStatus.DRAFT
    page = client_for("employer").get(_url("declaration", correction))
    assert "漏报一人" in page.content.decode()
    assert list(page.context["versions"]) == [declaration]
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.CONFIRMED


def test_the_confirmation_document_holds_the_figures(client_for, employer_a) -> None:  # noqa: ANN001
    # DOMAIN: 200 staff, 2 counted (1.0 %), unit wage 150,000 capped at 2 × 60,000 = 120,000
    # → 1 × 120,000 × 50 % = 60,000.
    social_average_wage(YEAR, 60000)
    declaration = declare(
        employer_a, [line(person(51)), line(person(53))], wages=200 * 150000, confirm=True
    )
    assert str(declaration.levy_payable) == "60000.00"
    for persona in ("employer", "district"):
        response = client_for(persona).get(_url("declaration-confirmation", declaration))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        text = _docx_text(response.content)
        for figure in (
            employer_a.name,
            employer_a.uscc,
            str(YEAR),
            "200",
            "120,000.00 元",
            "60,000.00 元",
            "减缴前应缴",
            "分档减缴",
            "依据财政部公告2023年第8号（征收年度2023年1月1日至2027年12月31日）",
        ):
            assert figure in text, figure
        assert "职工51" not in text  # no person in the document


def test_no_confirmation_before_confirming(client_for, employer_a, employer_b) -> None:  # noqa: ANN001
    draft = declare(employer_a, [])
    assert client_for("employer").get(_url("declaration-confirmation", draft)).status_code == 404
    other = declare(employer_b, [], confirm=True)
    assert client_for("employer").get(_url("declaration-confirmation", other)).status_code == 404
