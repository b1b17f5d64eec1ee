"""Filing (routing, reference number, check code, due date), replying, rating and escalating."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from conftest import TOWN_A, TOWN_B, image_bytes
from jiuye.grievances import services
from jiuye.grievances.models import About, Grievance, Satisfaction, Status
from jiuye.grievances.selectors import grievance_report, grievances_for, grievances_search
from jiuye.grievances.tests.factories import file_grievance, filed_on
from jiuye.notifications.models import Notification
from jiuye.reference.models import Department

pytestmark = pytest.mark.django_db


def test_a_complaint_about_a_town_goes_to_that_towns_unit(reference) -> None:
    grievance = file_grievance(about=About.TOWN, town=TOWN_B).grievance
    assert grievance.department_id == f"town-{TOWN_B}"


def test_a_complaint_about_a_department_goes_to_that_department(reference) -> None:
    rsj = Department.objects.get(code="rsj")
    grievance = file_grievance(about=About.DEPARTMENT, town="", department=rsj).grievance
    assert grievance.department_id == "rsj"


def test_a_complaint_about_an_employer_goes_to_its_towns_unit_and_links_the_employer(
    employer_a,
) -> None:
    grievance = file_grievance(
        about=About.EMPLOYER, town=TOWN_A, employer_name="东城示范企业"
    ).grievance
    assert grievance.department_id == f"town-{TOWN_A}"
    assert grievance.employer == employer_a
    unknown = file_grievance(about=About.EMPLOYER, town=TOWN_B, employer_name="东城示范企业")
    assert unknown.grievance.employer is None  # same name, another town: not that employer
    assert unknown.grievance.department_id == f"town-{TOWN_B}"


def test_routing_without_a_town_or_department_names_the_missing_field(reference) -> None:
    with pytest.raises(ValidationError) as error:
        file_grievance(about=About.TOWN, town="")
    assert "town" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        file_grievance(about=About.DEPARTMENT, department=None)
    assert "department" in error.value.message_dict
    town_unit = Department.objects.get(code=f"town-{TOWN_A}")
    with pytest.raises(ValidationError):
        file_grievance(about=About.DEPARTMENT, department=town_unit)


def test_reference_numbers_carry_the_year_and_are_not_sequential(reference) -> None:
    references = [file_grievance().grievance.reference for _ in range(5)]
    year = dt.date.today().year
    assert all(re.fullmatch(rf"TS{year}-[A-HJKMNP-Z2-9]{{6}}", r) for r in references)
    assert len(set(references)) == 5


def test_the_check_code_is_never_stored(reference) -> None:
    filed = file_grievance()
    assert re.fullmatch(r"\d{6}", filed.check_code)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM grievances_grievance")
        row = " ".join(str(v) for v in cursor.fetchone())
    assert filed.check_code not in row.replace(filed.grievance.reference, "")
    assert services.check_code_matches(filed.grievance, filed.check_code)
    assert not services.check_code_matches(
        filed.grievance, "000000" if filed.check_code != "000000" else "111111"
    )


def test_the_contact_is_encrypted_at_rest_and_masked_in_lists(reference) -> None:
    grievance = file_grievance().grievance
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone, contact_name FROM grievances_grievance")
        phone, name = cursor.fetchone()
    assert "13812345678" not in phone and "王先生" not in name
    assert grievance.masked_contact == "王** 138****5678"


def test_anonymous_filings_keep_no_contact_and_others_need_one(reference) -> None:
    grievance = file_grievance(anonymous=True).grievance
    grievance.refresh_from_db()
    assert (grievance.contact_name, grievance.contact_phone) == ("", "")
    assert grievance.masked_contact == "匿名"
    with pytest.raises(ValidationError) as error:
        file_grievance(contact_name="", contact_phone="")
    assert "contact_phone" in error.value.message_dict


def test_the_due_date_is_the_setting_in_calendar_days(reference, settings) -> None:
    settings.JIUYE_GRIEVANCE_DUE_DAYS = 10
    grievance = filed_on(dt.date(2026, 9, 25)).grievance  # a Friday before the holidays
    assert grievance.due_date == dt.date(2026, 10, 5)


def test_an_attachment_is_checked_by_its_content(reference) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a picture</html>", "image/jpeg")
    with pytest.raises(ValidationError) as error:
        file_grievance(attachment=fake)
    assert "attachment" in error.value.message_dict
    big = SimpleUploadedFile("big.jpg", b"x" * (services.ATTACHMENT_MAX_BYTES + 1), "image/jpeg")
    with pytest.raises(ValidationError, match="10 MB"):
        file_grievance(attachment=big)
    photo = SimpleUploadedFile("现场.jpg", image_bytes(), "image/jpeg")
    grievance = file_grievance(attachment=photo).grievance
    assert grievance.attachment_name == "现场.jpg"
    assert grievance.attachment.name.endswith(".jpg")


def test_scoping_town_officers_see_their_town_liaisons_their_department_district_all(
    personas,
) -> None:
    rsj = Department.objects.get(code="rsj")
    in_a = file_grievance(town=TOWN_A).grievance
    in_b = file_grievance(town=TOWN_B).grievance
    at_rsj = file_grievance(about=About.DEPARTMENT, town="", department=rsj).grievance
    seen = {
        name: set(grievances_for(personas[name]).values_list("pk", flat=True))
        for name in (
            "town_a",
            "town_b",
            "liaison",
            "district",
            "admin",
            "leader",
            "employer",
            "jobseeker",
        )
    }
    assert seen["town_a"] == {in_a.pk}
    assert seen["town_b"] == {in_b.pk}
    assert seen["liaison"] == {at_rsj.pk}
    assert seen["district"] == seen["admin"] == {in_a.pk, in_b.pk, at_rsj.pk}
    assert seen["leader"] == seen["employer"] == seen["jobseeker"] == set()


def test_a_reply_is_recorded_and_a_dissatisfied_filer_reopens_it(personas) -> None:
    grievance = filed_on(dt.date(2026, 3, 1)).grievance
    services.grievance_reply(grievance=grievance, by=personas["town_a"], reply="已约谈窗口人员。")
    grievance.refresh_from_db()
    assert grievance.status == Status.REPLIED and grievance.replied_by == personas["town_a"]
    services.grievance_rate(
        grievance=grievance,
        satisfaction=Satisfaction.UNSATISFIED,
        note="补贴仍未发放",
        today=dt.date(2026, 3, 20),
    )
    grievance.refresh_from_db()
    assert grievance.status == Status.OPEN
    assert grievance.due_date == dt.date(2026, 4, 4)
    assert grievance.reopened == 1
    with pytest.raises(ValidationError, match="还没有答复"):
        services.grievance_rate(grievance=grievance, satisfaction=Satisfaction.SATISFIED)


def test_a_reply_cannot_be_rated_twice_nor_empty(personas) -> None:
    grievance = file_grievance().grievance
    with pytest.raises(ValidationError):
        services.grievance_reply(grievance=grievance, by=personas["town_a"], reply="  ")
    services.grievance_reply(grievance=grievance, by=personas["town_a"], reply="已处理")
    services.grievance_rate(grievance=grievance, satisfaction=Satisfaction.SATISFIED)
    with pytest.raises(ValidationError, match="已经评价"):
        services.grievance_rate(grievance=grievance, satisfaction=Satisfaction.PARTLY)


def test_only_the_district_reassigns(personas) -> None:
    grievance = file_grievance().grievance
    rsj = Department.objects.get(code="rsj")
    with pytest.raises(ValidationError):
        services.grievance_reassign(grievance=grievance, by=personas["town_a"], department=rsj)
    services.grievance_reassign(grievance=grievance, by=personas["district"], department=rsj)
    grievance.refresh_from_db()
    assert grievance.department_id == "rsj"


def test_overdue_grievances_are_escalated_once_and_the_district_is_told(personas) -> None:
    late = filed_on(dt.date(2026, 1, 1)).grievance  # due 2026-01-16
    replied = filed_on(dt.date(2026, 1, 1)).grievance
    services.grievance_reply(grievance=replied, by=personas["town_a"], reply="已答复")
    on_time = filed_on(dt.date(2026, 1, 10)).grievance  # due 2026-01-25
    assert services.grievances_escalate(today=dt.date(2026, 1, 16)) == []  # due today: not late
    escalated = services.grievances_escalate(today=dt.date(2026, 1, 17))
    assert [g.pk for g in escalated] == [late.pk]
    late.refresh_from_db()
    assert late.escalated_at is not None
    notes = Notification.objects.filter(kind="grievance_overdue")
    assert [n.user for n in notes] == [personas["district"]]
    assert late.reference in notes[0].title
    assert services.grievances_escalate(today=dt.date(2026, 1, 18)) == []
    assert Notification.objects.filter(kind="grievance_overdue").count() == 1
    on_time.refresh_from_db()
    assert on_time.escalated_at is None


def test_the_escalation_command_reports_what_it_did(personas) -> None:
    from io import StringIO

    from django.core.management import call_command

    filed_on(dt.date(2026, 1, 1))
    out = StringIO()
    call_command("grievances_escalate", today="2026-02-01", stdout=out)
    assert "上报区残联：1 条" in out.getvalue()


def test_the_search_finds_by_reference_text_and_overdue(personas) -> None:
    late = filed_on(dt.date(2026, 1, 1)).grievance
    other = filed_on(dt.date(2026, 1, 30), text="建议增加手语翻译").grievance
    records = grievances_for(personas["district"])
    today = dt.date(2026, 2, 1)
    assert list(grievances_search(records, q=late.reference[-6:].lower(), today=today)) == [late]
    assert list(grievances_search(records, q="手语", today=today)) == [other]
    assert list(grievances_search(records, status="overdue", today=today)) == [late]


def test_the_report_counts_by_category_and_unit_and_lists_the_overdue(personas) -> None:
    rsj = Department.objects.get(code="rsj")
    late = filed_on(dt.date(2026, 1, 1)).grievance
    filed_on(dt.date(2026, 1, 30), kind="suggestion", category="access")
    filed_on(dt.date(2026, 1, 30), about=About.DEPARTMENT, town="", department=rsj)
    report = grievance_report(grievances_for(personas["district"]), today=dt.date(2026, 2, 1))
    by_category = {row.code: row for row in report.by_category}
    assert (by_category["service"].total, by_category["service"].overdue) == (2, 1)
    assert (by_category["access"].suggestions, by_category["access"].complaints) == (1, 0)
    assert {row.code: row.total for row in report.by_unit} == {f"town-{TOWN_A}": 2, "rsj": 1}
    assert report.total.total == 3
    assert report.overdue == [late]


def test_references_as_typed_are_normalised() -> None:
    assert services.normalize_reference(" ts2026 7kq3mx ") == "TS2026-7KQ3MX"
    assert services.normalize_reference("ＴＳ２０２６－７ＫＱ３ＭＸ") == "TS2026-7KQ3MX"


def test_the_audit_trail_records_changes_without_the_contact(personas) -> None:
    from auditlog.models import LogEntry

    grievance = file_grievance().grievance
    services.grievance_reply(grievance=grievance, by=personas["town_a"], reply="已处理")
    entries = LogEntry.objects.get_for_object(grievance).order_by("timestamp")
    assert entries.count() == 2  # filed, replied
    created, replied = entries
    assert "contact_phone" not in created.changes_dict
    assert "contact_name" not in created.changes_dict
    assert "check_hash" not in created.changes_dict
    assert replied.changes_dict["reply"] == ["", "已处理"]


def test_the_demo_seeder_makes_a_dozen_once(reference) -> None:
    from jiuye.grievances.demo import run

    assert run(seed=1) == 12
    assert run(seed=1) == 0
    assert Grievance.objects.filter(status=Status.REPLIED).exists()
    assert Grievance.objects.filter(anonymous=True, contact_phone="").exists()
