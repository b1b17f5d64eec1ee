"""The public pages (file, filed, lookup, status) and the staff pages (queue, detail, reply,
export, report) through the test client."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import TOWN_A, pdf_bytes
from jiuye.core import antibot
from jiuye.core.models import AccessEvent
from jiuye.grievances.models import Grievance, Satisfaction, Status
from jiuye.grievances.services import grievance_reply
from jiuye.grievances.tests.factories import file_grievance

pytestmark = pytest.mark.django_db

FILE = reverse("grievances:file")
LOOKUP = reverse("grievances:lookup")
STATUS = reverse("grievances:status")


def _form_data(client: Client, **overrides: Any) -> dict[str, Any]:
    """What a person types, with the form's own anti-bot stamp."""
    page = client.get(FILE)
    stamp = re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)
    data = {
        "kind": "complaint",
        "category": "service",
        "about": "town",
        "town": TOWN_A,
        "department": "",
        "employer_name": "",
        "text": "窗口工作人员态度不好。",
        "contact_name": "王先生",
        "contact_phone": "138 1234 5678",
        "website": "",
        "started": stamp,
    }
    data.update(overrides)
    return data


def _errors(response: Any) -> str:
    assert response.status_code in (200, 429)
    html = response.content.decode()
    assert "<title>错误：" in html
    return html


def test_anyone_files_a_complaint_and_gets_its_reference_and_check_code(reference) -> None:
    client = Client()
    response = client.post(FILE, _form_data(client))
    assert response.status_code == 302 and response.url == reverse("grievances:filed")
    grievance = Grievance.objects.get()
    assert grievance.department_id == f"town-{TOWN_A}"
    assert grievance.contact_phone == "13812345678"
    page = client.get(response.url).content.decode()
    assert grievance.reference in page
    code = re.search(r'<dd class="reference">(\d{6})</dd>', page).group(1)
    assert client.get(STATUS).status_code == 200  # the filer's own browser sees the status
    other = Client()
    assert other.get(STATUS).url == LOOKUP  # another browser must look it up
    found = other.post(LOOKUP, {"reference": grievance.reference.lower(), "code": code})
    assert found.status_code == 302 and found.url == STATUS


def test_a_filing_with_an_attachment_keeps_it_for_the_handler(reference, client_for) -> None:
    client = Client()
    upload = SimpleUploadedFile("证明.pdf", pdf_bytes(), "application/pdf")
    assert client.post(FILE, _form_data(client, attachment=upload)).status_code == 302
    grievance = Grievance.objects.get()
    handler = client_for("town_a")
    response = handler.get(reverse("grievances:attachment", kwargs={"pk": grievance.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": ""}, "kind", "请选择是投诉还是建议。"),
        ({"category": "nonsense"}, "category", "category"),
        ({"text": "  "}, "text", "请写下您要反映的情况或建议。"),
        ({"text": "字" * 2001}, "text", "内容最多2000字"),
        ({"town": ""}, "town", "请选择是哪个镇街。"),
        ({"about": "employer", "employer_name": ""}, "employer_name", "请填写单位名称。"),
        (
            {"about": "employer", "employer_name": "某公司", "town": ""},
            "town",
            "请选择这个单位所在的镇街。",
        ),
        ({"about": "department", "department": ""}, "department", "请选择是哪个部门。"),
        ({"contact_name": "", "contact_phone": ""}, "contact_phone", "不想留的，请勾选“匿名提交”"),
        ({"contact_phone": "12"}, "contact_phone", "联系电话应为11位手机号"),
        (
            {"attachment": SimpleUploadedFile("a.jpg", b"<html>", "image/jpeg")},
            "attachment",
            "不是真正的",
        ),
    ],
)
def test_bad_input_is_named_beside_its_field_and_nothing_is_filed(
    reference, overrides: dict[str, Any], field: str, message: str
) -> None:
    client = Client()
    response = client.post(FILE, _form_data(client, **overrides))
    html = _errors(response)
    assert f'href="#id_{field}' in html  # the error summary links to the field
    if field != "category":
        assert message in html
    else:
        assert "请从列表中选择" in html or "选择一个有效" in html or "有效" in html
    assert "窗口工作人员态度不好" in html or overrides.get("text") is not None  # typed text kept
    assert not Grievance.objects.exists()


def test_an_anonymous_filing_needs_no_contact_and_keeps_none(reference) -> None:
    client = Client()
    data = _form_data(client, anonymous="on", contact_name="", contact_phone="")
    assert client.post(FILE, data).status_code == 302
    grievance = Grievance.objects.get()
    assert grievance.anonymous and grievance.contact_phone == ""


def test_the_honeypot_refuses_a_script_that_fills_every_box(reference) -> None:
    client = Client()
    html = _errors(client.post(FILE, _form_data(client, website="http://spam.example")))
    assert "应当留空" in html
    assert not Grievance.objects.exists()


def test_a_form_sent_back_too_fast_is_asked_again_then_accepted(
    reference, settings, monkeypatch
) -> None:
    settings.JIUYE_GRIEVANCE_MIN_FILL_SECONDS = 3
    client = Client()
    data = _form_data(client)
    html = _errors(client.post(FILE, data))
    assert "提交得太快了" in html
    assert not Grievance.objects.exists()
    real = antibot.time.time
    monkeypatch.setattr(antibot.time, "time", lambda: real() + 5)
    assert client.post(FILE, data).status_code == 302  # the same stamp, a moment later


def test_a_missing_or_forged_stamp_asks_for_another_submit(reference) -> None:
    client = Client()
    html = _errors(client.post(FILE, _form_data(client, started="forged")))
    assert "页面已过期" in html
    assert not Grievance.objects.exists()
    stamp = re.search(r'name="started" value="([^"]+)"', html).group(1)
    assert stamp != "forged"
    assert client.post(FILE, _form_data(client, started=stamp)).status_code == 302


def test_filings_from_one_address_are_limited_per_hour(reference, settings) -> None:
    settings.JIUYE_GRIEVANCE_FILINGS_PER_HOUR = 2
    client = Client()
    for _ in range(2):
        assert client.post(FILE, _form_data(client)).status_code == 302
    response = client.post(FILE, _form_data(client))
    assert response.status_code == 429
    assert "一小时内最多可以提交2条" in _errors(response)
    assert Grievance.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(FILE, _form_data(other)).status_code == 302


def test_the_form_needs_its_csrf_token(reference) -> None:
    client = Client(enforce_csrf_checks=True)
    data = _form_data(client)
    assert client.post(FILE, data).status_code == 403
    assert not Grievance.objects.exists()


def test_a_wrong_code_and_an_unknown_reference_get_the_same_answer(reference) -> None:
    filed = file_grievance()
    wrong = "111111" if filed.check_code != "111111" else "222222"
    one = Client().post(LOOKUP, {"reference": filed.grievance.reference, "code": wrong})
    two = Client().post(LOOKUP, {"reference": "TS2026-AAAAAA", "code": filed.check_code})
    for response in (one, two):
        html = _errors(response)
        assert "受理编号或查询码不对" in html
    empty = _errors(Client().post(LOOKUP, {"reference": "", "code": ""}))
    assert "请填写受理编号。" in empty and "请填写查询码。" in empty


def test_wrong_lookups_are_limited_per_hour_even_before_the_right_code(reference, settings) -> None:
    settings.JIUYE_GRIEVANCE_LOOKUP_FAILURES_PER_HOUR = 3
    filed = file_grievance()
    client = Client()
    for guess in range(3):
        client.post(LOOKUP, {"reference": filed.grievance.reference, "code": f"{guess:06d}x"})
    right = {"reference": filed.grievance.reference, "code": filed.check_code}
    response = client.post(LOOKUP, right)
    assert response.status_code == 429 and "查询错误次数太多" in _errors(response)


def test_the_filer_reads_the_reply_and_rates_it(personas) -> None:
    filed = file_grievance()
    grievance_reply(
        grievance=filed.grievance, by=personas["town_a"], reply="已约谈窗口人员并道歉。"
    )
    client = Client()
    client.post(LOOKUP, {"reference": filed.grievance.reference, "code": filed.check_code})
    page = client.get(STATUS).content.decode()
    assert "已约谈窗口人员并道歉。" in page and "您对答复满意吗" in page
    assert "13812345678" not in page  # the status page shows no contact
    html = _errors(client.post(STATUS, {"satisfaction": ""}))
    assert "请选择是否满意。" in html
    assert client.post(STATUS, {"satisfaction": "satisfied"}).status_code == 302
    filed.grievance.refresh_from_db()
    assert filed.grievance.satisfaction == Satisfaction.SATISFIED
    assert "您对答复满意吗" not in client.get(STATUS).content.decode()


def test_the_queue_masks_contacts_and_the_handler_sees_them_on_the_page(
    personas, client_for
) -> None:
    grievance = file_grievance().grievance
    client = client_for("town_a")
    queue = client.get(reverse("grievances:queue")).content.decode()
    assert grievance.reference in queue
    assert "138****5678" in queue and "13812345678" not in queue and "王先生" not in queue
    detail = client.get(reverse("grievances:detail", kwargs={"pk": grievance.pk})).content.decode()
    assert "13812345678" in detail
    assert (
        grievance.reference
        not in client_for("town_b").get(reverse("grievances:queue")).content.decode()
    )


def test_the_queue_filters_say_what_was_wrong(personas, client_for) -> None:
    file_grievance()
    response = client_for("district").get(reverse("grievances:queue"), {"status": "x"})
    assert "请从列表中选择状态" in response.content.decode()


def test_a_handler_replies_and_an_empty_reply_is_refused(personas, client_for) -> None:
    grievance = file_grievance().grievance
    client = client_for("town_a")
    url = reverse("grievances:reply", kwargs={"pk": grievance.pk})
    html = _errors(client.post(url, {"reply": ""}))
    assert "请填写答复内容。" in html
    assert client.post(url, {"reply": "已处理"}).status_code == 302
    grievance.refresh_from_db()
    assert grievance.status == Status.REPLIED
    assert client_for("town_b").post(url, {"reply": "x"}).status_code == 404
    assert client_for("leader").post(url, {"reply": "x"}).status_code == 403


def test_the_district_reassigns_a_misrouted_grievance(personas, client_for) -> None:
    grievance = file_grievance().grievance
    url = reverse("grievances:reassign", kwargs={"pk": grievance.pk})
    html = _errors(client_for("district").post(url, {"department": ""}))
    assert "请选择改派给哪个单位。" in html
    assert client_for("district").post(url, {"department": "rsj"}).status_code == 302
    grievance.refresh_from_db()
    assert grievance.department_id == "rsj"
    assert (
        client_for("liaison")
        .get(reverse("grievances:detail", kwargs={"pk": grievance.pk}))
        .status_code
        == 200
    )


def test_the_export_is_masked_and_logged(personas, client_for) -> None:
    file_grievance()
    response = client_for("town_a").get(reverse("grievances:queue-export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert "138****5678" in cells and "13812345678" not in cells
    assert AccessEvent.objects.filter(action="export", detail__kind="grievances").exists()


def test_the_report_counts_and_lists_the_overdue(personas, client_for) -> None:
    import datetime as dt

    late = file_grievance(today=dt.date(2020, 1, 1)).grievance
    html = client_for("district").get(reverse("grievances:report")).content.decode()
    assert late.reference in html
    assert "服务态度和办事效率" in html
    bad = client_for("district").get(reverse("grievances:report"), {"year": "20x"})
    assert "年度请填写四位数字" in bad.content.decode()


def test_wrong_codes_for_one_reference_are_limited_from_any_address(reference, settings) -> None:
    settings.JIUYE_GRIEVANCE_LOOKUP_FAILURES_PER_HOUR = 2
    filed = file_grievance()
    for address in ("10.0.0.1", "10.0.0.2"):
        Client(REMOTE_ADDR=address).post(
            LOOKUP, {"reference": filed.grievance.reference, "code": "x"}
        )
    right = {"reference": filed.grievance.reference, "code": filed.check_code}
    response = Client(REMOTE_ADDR="10.0.0.3").post(LOOKUP, right)
    assert response.status_code == 429
    assert "这个受理编号查询错误次数太多" in _errors(response)


def test_the_staff_pages_keep_to_the_query_budget(
    personas, client_for, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        file_grievance()
    grievance = Grievance.objects.first()
    client = client_for("district")
    for url in (
        reverse("grievances:queue"),
        reverse("grievances:report"),
        reverse("grievances:detail", kwargs={"pk": grievance.pk}),
    ):
        client.get(url)  # the reference caches warm up once per process
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200
