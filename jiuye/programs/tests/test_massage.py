"""Medical massage (action 八), built on training's qualifications and establishments: medical
institutions, applications moved through the approval channel's stages with their dates, the
employment rate of qualified practitioners in medical institutions on a hand-counted fixture,
and the pages' access and bad input."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_id_number, make_uscc, register_person
from jiuye.core.indicators import registry
from jiuye.core.tests.responses import answer_about, assert_one_answer, html_of
from jiuye.core.timeline import entries_for
from jiuye.employers.models import Employer
from jiuye.employment.models import EmploymentForm, Source
from jiuye.employment.services import employment_open
from jiuye.programs.models import MassageApplication, MedicalInstitution
from jiuye.programs.models.massage import ApplicationStatus
from jiuye.programs.services import massage as services
from jiuye.reference.models import Region
from jiuye.training.models import MassageQualification
from jiuye.training.services.massage import establishment_create, qualification_save

pytestmark = pytest.mark.django_db


def qualify(person, day: dt.date = dt.date(2020, 6, 30), number: str = "YLAM1") -> None:  # noqa: ANN001
    qualification_save(
        person=person,
        by=None,
        version=None,
        medical_certificate_number=number,
        medical_certificate_date=day,
    )


def employ(person, employer, start: dt.date = dt.date(2024, 1, 1)) -> None:  # noqa: ANN001
    employment_open(
        person=person,
        by=None,
        source=Source.STAFF,
        form=EmploymentForm.QUOTA,
        employer=employer,
        employer_name=employer.name,
        job_title="医疗按摩师",
        start_date=start,
    )


def submit(person, kind: str = "qualification", **extra) -> MassageApplication:  # noqa: ANN001, ANN003
    return services.application_submit(
        by=None, kind=kind, person=person, submitted_on=dt.date(2025, 3, 1), **extra
    )


def accept_and_approve(application: MassageApplication) -> None:
    """Accepted on 5 March 2025, approved on 1 May with certificate YLAM2025001."""
    services.application_advance(
        application=application, by=None, version=None, status="accepted", on=dt.date(2025, 3, 5)
    )
    services.application_advance(
        application=application,
        by=None,
        version=None,
        status="approved",
        on=dt.date(2025, 5, 1),
        number="YLAM2025001",
    )


# --- applications --------------------------------------------------------------------------


def test_an_application_moves_through_its_stages_with_dates(person_a) -> None:  # noqa: ANN001
    application = submit(person_a)
    accepted = services.application_advance(
        application=application, by=None, version=None, status="accepted", on=dt.date(2025, 3, 5)
    )
    approved = services.application_advance(
        application=accepted,
        by=None,
        version=None,
        status="approved",
        on=dt.date(2025, 5, 1),
        number="YLAM2025001",
    )
    assert (approved.status, approved.accepted_on, approved.decided_on) == (
        ApplicationStatus.APPROVED,
        dt.date(2025, 3, 5),
        dt.date(2025, 5, 1),
    )


def test_an_approved_qualification_is_recorded_on_the_persons_qualification(
    person_a,
) -> None:  # noqa: ANN001
    application = submit(person_a)
    accept_and_approve(application)
    held = MassageQualification.objects.get(person=person_a)
    assert (held.medical_certificate_number, held.medical_certificate_date) == (
        "YLAM2025001",
        dt.date(2025, 5, 1),
    )


def test_a_decided_application_cannot_move_again(person_a) -> None:  # noqa: ANN001
    application = submit(person_a)
    refused = services.application_advance(
        application=application,
        by=None,
        version=None,
        status="refused",
        on=dt.date(2025, 3, 5),
        note="材料不全",
    )
    assert refused.accepted_on == dt.date(2025, 3, 5)
    with pytest.raises(ValidationError):
        services.application_advance(
            application=refused,
            by=None,
            version=None,
            status="approved",
            on=dt.date(2025, 4, 1),
            number="X",
        )


def test_a_stage_cannot_come_before_the_last_one(person_a) -> None:  # noqa: ANN001
    application = submit(person_a)
    with pytest.raises(ValidationError) as error:
        services.application_advance(
            application=application,
            by=None,
            version=None,
            status="accepted",
            on=dt.date(2025, 1, 1),
        )
    assert "on" in error.value.error_dict


def test_approving_needs_the_number_and_refusing_the_reasons(person_a) -> None:  # noqa: ANN001
    application = submit(person_a)
    services.application_advance(
        application=application, by=None, version=None, status="accepted", on=dt.date(2025, 3, 5)
    )
    with pytest.raises(ValidationError) as error:
        services.application_advance(
            application=application,
            by=None,
            version=None,
            status="approved",
            on=dt.date(2025, 4, 1),
        )
    assert "number" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.application_advance(
            application=application,
            by=None,
            version=None,
            status="refused",
            on=dt.date(2025, 4, 1),
        )
    assert "note" in error.value.error_dict


def test_a_clinic_application_names_the_clinic(person_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        submit(person_a, kind="clinic")
    assert "clinic_name" in error.value.error_dict


def test_a_town_officer_may_not_file_for_another_towns_person(personas, person_b) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        services.application_submit(
            by=personas["town_a"],
            kind="qualification",
            person=person_b,
            submitted_on=dt.date(2025, 3, 1),
        )


# --- the employment rate -------------------------------------------------------------------


def test_the_employment_rate_counts_qualified_practitioners_in_medical_institutions_by_hand(
    reference, employer_a, employer_b
) -> None:  # noqa: ANN001
    district = Region.objects.get(code="440199000000")
    services.institution_create(by=None, employer=employer_a, kind="hospital")
    clinic_employer = Employer.objects.create(
        name="按摩所",
        uscc=make_uscc("91440199MA5TEXT78"),
        kind="private",
        region=Region.objects.get(code="440199001000"),
    )
    establishment_create(
        by=None,
        name="盲人医疗按摩所",
        kind="medical_clinic",
        licence_number="",
        address="",
        region=clinic_employer.region,
        owner=None,
        owner_name="王",
        employer=clinic_employer,
    )
    a, b, c, d = (register_person(400 + n, name) for n, name in enumerate("甲乙丙丁"))
    e = register_person(404, "戊")
    for person in (a, b, c, d):
        qualify(person)
    qualify(e, day=dt.date(2025, 3, 1))  # qualified only in 2025
    employ(a, employer_a)  # hospital: counts
    employ(b, clinic_employer)  # medical massage clinic: counts
    employ(c, employer_b)  # not a medical institution
    # d: not employed; e: employed in a hospital but qualified in 2025
    employ(e, employer_a)
    indicator = registry.get("programs.medical_massage_employment_rate")
    assert indicator.value(district, 2024) == Decimal("50.0")  # 2 of 4
    assert indicator.value(district, 2025) == Decimal("60.0")  # 3 of 5
    assert indicator.value(district, 2019) == Decimal(0)  # nobody qualified yet


# --- pages ---------------------------------------------------------------------------------


def test_a_town_officer_files_an_application_by_id_number(client_for, person_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("programs:massage-application-create"),
        {"kind": "qualification", "id_number": person_a.id_number, "submitted_on": "2025-03-01"},
    )
    application = MassageApplication.objects.get()
    assert response.url == reverse("programs:massage-application", args=[application.pk])
    assert application.person == person_a


def test_a_person_out_of_scope_is_not_found_by_id_number(client_for, person_b) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("programs:massage-application-create"),
        {"kind": "qualification", "id_number": person_b.id_number, "submitted_on": "2025-03-01"},
    )
    assert response.status_code == 200
    assert "在您负责的范围内没有找到" in response.content.decode()
    assert not MassageApplication.objects.exists()


def test_the_application_page_moves_it_to_the_next_stage(client_for, person_a) -> None:  # noqa: ANN001
    application = submit(person_a)
    url = reverse("programs:massage-application", args=[application.pk])
    response = client_for("district").post(
        url, {"status": "accepted", "on": "2025-03-05", "version": application.version}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_a_wrong_stage_is_shown_beside_the_form(client_for, person_a) -> None:  # noqa: ANN001
    application = submit(person_a)
    url = reverse("programs:massage-application", args=[application.pk])
    response = client_for("district").post(url, {"status": "approved", "on": "2025-03-05"})
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_person_page_timeline_shows_each_stage_of_the_applications(
    client_for, person_a
) -> None:  # noqa: ANN001
    application = submit(person_a, authority="区卫生健康局")
    accept_and_approve(application)
    clinic = submit(person_a, kind="clinic", clinic_name="东城盲人医疗按摩所")
    services.application_advance(
        application=clinic,
        by=None,
        version=None,
        status="refused",
        on=dt.date(2025, 3, 9),
        note="场地不符合要求",
    )
    page = client_for("town_a").get(reverse("people:detail", args=[person_a.pk])).content.decode()
    qualification = "盲人医疗按摩人员从事医疗按摩资格"
    assert f"提交申请：{qualification}" in page
    assert "当前阶段：已批准；受理部门：区卫生健康局" in page
    assert f"申请已受理：{qualification}" in page
    assert f"申请已批准：{qualification}" in page
    assert "证书或许可证号 YLAM2025001" in page
    assert "申请未批准：开办盲人医疗按摩所（东城盲人医疗按摩所）" in page
    assert "审批意见：场地不符合要求" in page
    # Refused straight after submission: accepted and decided the same day, one entry for both.
    assert "申请已受理：开办盲人医疗按摩所" not in page
    assert reverse("programs:massage-application", args=[application.pk]) in page


def test_the_timeline_links_an_application_only_for_those_who_keep_them(person_a, personas) -> None:  # noqa: ANN001
    submit(person_a)

    def urls(persona: str) -> list[str]:
        entries = entries_for(person_a, personas[persona])
        return [e.url for e in entries if e.kind == "massage_application"]

    assert urls("town_a") == [
        reverse("programs:massage-application", args=[MassageApplication.objects.get().pk])
    ]
    assert urls("leader") == [""]


def test_the_person_page_reads_applications_only_for_a_person_who_has_one(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    submit(person_a)
    client = client_for("district")
    table = MassageApplication._meta.db_table

    def reads(person) -> int:  # noqa: ANN001
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
        # A statement that reads the table (the timeline's one statement, ADR 0009), not the
        # EXISTS in the statement that fetches the person.
        return sum(
            f'FROM "{table}"' in q["sql"] and not q["sql"].startswith('SELECT "people_person"')
            for q in captured.captured_queries
        )

    assert (reads(person_a), reads(person_b)) == (1, 0)


def test_the_application_list_refuses_a_post(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(reverse("programs:massage-applications"))
    assert response.status_code == 405


def test_a_leader_may_not_register_an_institution(client_for) -> None:  # noqa: ANN001
    response = client_for("leader").post(reverse("programs:medical-institution-create"), {})
    assert response.status_code == 403


def test_the_institution_list_shows_the_rate(client_for, employer_a, person_a) -> None:  # noqa: ANN001
    services.institution_create(by=None, employer=employer_a, kind="community")
    qualify(person_a)
    employ(person_a, employer_a)
    page = client_for("town_a").get(reverse("programs:medical-institutions")).content.decode()
    assert "100.0%" in page


def test_the_exports_list_institutions_and_applications(client_for, employer_a, person_a) -> None:  # noqa: ANN001
    services.institution_create(by=None, employer=employer_a, kind="hospital")
    submit(person_a)
    institutions = client_for("leader").get(reverse("programs:medical-institutions-export"))
    rows = list(load_workbook(io.BytesIO(institutions.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("东城示范企业", employer_a.uscc, "东城街道", "医院")
    applications = client_for("town_a").get(reverse("programs:massage-applications-export"))
    rows = list(load_workbook(io.BytesIO(applications.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "张三"
    assert person_a.id_number not in str(rows[1])  # masked
    # The applicants are persons: their download is in the access log, as one export of one row.
    from jiuye.core.models import AccessEvent

    logged = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert (logged.detail["kind"], logged.detail["rows"]) == ("massage_applications", 1)
    assert MedicalInstitution.objects.count() == 1


def test_the_task_table_links_action_eight_to_the_rate() -> None:
    import csv
    from pathlib import Path

    table = Path(__file__).parents[2] / "actionplan" / "data" / "tasks_2022_2024.csv"
    with table.open(encoding="utf-8") as handle:
        codes = {(r["action"], r["position"]): r["indicator_code"] for r in csv.DictReader(handle)}
    assert codes[("8", "1")] == "programs.medical_massage_employment_rate"


def test_the_demo_registers_institutions_and_applications_at_each_stage(reference) -> None:  # noqa: ANN001
    from jiuye.programs.demo.massage import demo_massage
    from jiuye.training.tests.competition_fixtures import make_person

    for n in range(4):
        make_person(500 + n, f"盲人{n}", category="1")
    assert demo_massage(seed=1, today=dt.date(2025, 12, 1)) == 4
    assert MedicalInstitution.objects.count() == 2
    stages = MassageApplication.objects.values_list("status", flat=True)
    assert sorted(stages) == ["accepted", "approved", "refused", "submitted"]
    assert demo_massage(seed=1) == 0


def test_the_application_form_answers_another_towns_number_as_an_unregistered_one(
    client_for, person_b
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = reverse("programs:massage-application-create")
    assert_one_answer(
        [
            answer_about(
                html_of(
                    client.post(
                        url, {"kind": "qualification", "id_number": n, "submitted_on": "2025-03-01"}
                    )
                ),
                n,
            )
            for n in (person_b.id_number, make_id_number(seq=777))
        ]
    )
