"""The employer registry pages: search and filter, export, register with a bad and with an
overridden credit code, edit with a conflict, archive, CSR reports, inviting an employer user,
and who sees what."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B, VILLAGE_A, make_uscc, pdf_bytes
from jiuye.accounts.models import Role, User
from jiuye.core.models import AccessEvent
from jiuye.employers.models import CsrReport, Declaration, Employer
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

BAD_CHECK = "91440199MA5TEXT78"  # body of a code; the wrong check character is added below


def _bad_code() -> str:
    good = make_uscc(BAD_CHECK)
    return good[:17] + ("0" if good[17] != "0" else "1")


def _form(**over: str) -> dict[str, str]:
    data = {
        "name": "南岗新材料有限公司",
        "uscc": make_uscc(BAD_CHECK),
        "uscc_override_reason": "",
        "kind": "private",
        "industry": "C",
        "region": VILLAGE_A,
        "address": "建设路1号",
        "contact_name": "王五",
        "contact_phone": "020-1234 5678",
    }
    data.update(over)
    return data


def _employer(name: str, code_body: str, town: str = TOWN_A, kind: str = "private") -> Employer:
    return Employer.objects.create(
        name=name, uscc=make_uscc(code_body), kind=kind, region=Region.objects.get(code=town)
    )


# --- list, search, export ------------------------------------------------------------------


def test_the_list_searches_by_name_and_code_and_filters_by_type_and_town(
    client_for, employer_a, employer_b
) -> None:  # noqa: ANN001
    agency = _employer("东城街道办事处", "11440199MA5TEXT90", kind="agency")
    client = client_for("district")
    url = reverse("employers:list")

    page = client.get(url)
    assert page.status_code == 200
    assert [e.name for e in page.context["page"]] == [
        "东城示范企业",
        "东城街道办事处",
        "西城示范企业",
    ]

    assert [e.name for e in client.get(url, {"q": "西城"}).context["page"]] == ["西城示范企业"]
    typed = " ".join([employer_b.uscc[:9], employer_b.uscc[9:].lower()])
    assert [e.pk for e in client.get(url, {"q": typed}).context["page"]] == [employer_b.pk]
    assert [e.pk for e in client.get(url, {"kind": "agency"}).context["page"]] == [agency.pk]
    found = client.get(url, {"town": TOWN_B}).context["page"]
    assert [e.pk for e in found] == [employer_b.pk]


def test_a_town_officer_sees_only_the_employers_of_their_town(
    client_for, employer_a, employer_b
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    page = client.get(reverse("employers:list"))
    assert [e.pk for e in page.context["page"]] == [employer_a.pk]
    assert "town" not in page.context["search_form"].fields
    assert client.get(reverse("employers:detail", args=[employer_b.pk])).status_code == 404
    assert client.get(reverse("employers:detail", args=[employer_a.pk])).status_code == 200
    # Reading is all a town officer does here.
    assert client.get(reverse("employers:edit", args=[employer_a.pk])).status_code == 403


def test_archived_employers_are_left_out_unless_asked_for(client_for, employer_a) -> None:  # noqa: ANN001
    gone = _employer("已注销公司", "91440199MA5TEXT91")
    client = client_for("district")
    client.post(reverse("employers:archive", args=[gone.pk]), {"reason": "已注销"})
    url = reverse("employers:list")
    assert [e.pk for e in client.get(url).context["page"]] == [employer_a.pk]
    names = [e.name for e in client.get(url, {"include_archived": "on"}).context["page"]]
    assert names == ["东城示范企业", "已注销公司"]


def test_the_export_has_the_template_columns_and_is_logged(
    client_for, employer_a, employer_b
) -> None:  # noqa: ANN001
    response = client_for("leader").get(reverse("employers:export"), {"kind": "soe"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["单位名称", "统一社会信用代码", "单位类型", "行业", "所在地代码"]
    assert rows[1:] == [["西城示范企业", employer_b.uscc, "国有企业", "", TOWN_B, "", "", "", "否"]]
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.detail["kind"] == "employers" and event.detail["rows"] == 1


# --- detail ----------------------------------------------------------------------------------


def test_the_page_shows_fields_reports_declarations_and_accounts(
    client_for, employer_a, personas
) -> None:  # noqa: ANN001
    CsrReport.objects.create(employer=employer_a, year=2023, includes_disability=True,
                             link="https://example.com/csr.pdf")  # fmt: skip
    Declaration.objects.create(employer=employer_a, year=2023, wage_total=0)
    page = client_for("district").get(reverse("employers:detail", args=[employer_a.pk]))
    text = page.content.decode()
    assert employer_a.uscc in text and "民营企业" in text and "东城街道" in text
    assert "https://example.com/csr.pdf" in text
    assert "草稿" in text  # the declaration of 2023, as text until its pages exist
    assert "employer（employer）" in text  # the bound account
    # A leader reads the employer but not who holds its accounts; no buttons to change it.
    leader = client_for("leader").get(reverse("employers:detail", args=[employer_a.pk]))
    assert "employer（employer）" not in leader.content.decode()
    assert reverse("employers:edit", args=[employer_a.pk]) not in leader.content.decode()


def test_an_employer_user_sees_only_their_own_employer(client_for, employer_a, employer_b) -> None:  # noqa: ANN001
    client = client_for("employer")
    assert client.get(reverse("employers:detail", args=[employer_a.pk])).status_code == 200
    assert client.get(reverse("employers:detail", args=[employer_b.pk])).status_code == 404
    listing = client.get(reverse("employers:list"))
    assert listing.url == reverse("employers:detail", args=[employer_a.pk])
    assert client.get(reverse("employers:export")).status_code == 403


# --- create and edit -------------------------------------------------------------------------


def test_it_registers_an_employer(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(reverse("employers:create"), _form())
    employer = Employer.objects.get(name="南岗新材料有限公司")
    assert response.url == reverse("employers:detail", args=[employer.pk])
    assert employer.region_id == VILLAGE_A and employer.industry == "C"
    assert employer.contact_phone == "02012345678"
    assert employer.uscc_override_reason == ""
    entry = LogEntry.objects.get_for_object(employer).get()
    assert entry.actor.username == "district"


def test_a_code_failing_the_check_is_refused_without_a_reason(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(reverse("employers:create"), _form(uscc=_bad_code()))
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"][0].startswith("统一社会信用代码校验码不符")
    text = response.content.decode()
    assert "<title>错误：" in text and 'href="#id_uscc"' in text
    assert 'value="南岗新材料有限公司"' in text  # what was typed is kept
    assert not Employer.objects.filter(uscc=_bad_code()).exists()


def test_a_code_failing_the_check_is_kept_with_a_reason(client_for) -> None:  # noqa: ANN001
    reason = "与营业执照核对一致，为早期赋码"
    client_for("district").post(
        reverse("employers:create"), _form(uscc=_bad_code(), uscc_override_reason=reason)
    )
    employer = Employer.objects.get(uscc=_bad_code())
    assert employer.uscc_override_reason == reason


def test_a_malformed_code_and_missing_fields_are_named(client_for) -> None:  # noqa: ANN001
    response = client_for("admin").post(
        reverse("employers:create"), _form(uscc="9144O199", name="", kind="", region="")
    )
    errors = response.context["form"].errors
    assert errors["uscc"] == ["统一社会信用代码应为18位，当前为8位。"]
    assert errors["name"] == ["请填写单位名称。"]
    assert errors["kind"] == ["请选择单位类型。"]
    assert errors["region"] == ["请选择单位所在的镇街或村（社区）。"]


def test_a_code_already_registered_names_the_employer(client_for, employer_a) -> None:  # noqa: ANN001
    response = client_for("district").post(reverse("employers:create"), _form(uscc=employer_a.uscc))
    assert response.context["form"].errors["uscc"] == [
        "这个统一社会信用代码已登记为“东城示范企业”，不能重复登记。"
    ]
    assert response.context["duplicate"] == employer_a


def test_a_leader_cannot_register_or_change_employers(client_for, employer_a) -> None:  # noqa: ANN001
    client = client_for("leader")
    assert client.get(reverse("employers:create")).status_code == 403
    assert client.post(reverse("employers:create"), _form()).status_code == 403
    assert client.post(reverse("employers:edit", args=[employer_a.pk]), _form()).status_code == 403
    assert client.put(reverse("employers:edit", args=[employer_a.pk])).status_code == 403
    assert not Employer.objects.filter(name="南岗新材料有限公司").exists()


def test_the_wrong_method_is_refused(client_for, employer_a) -> None:  # noqa: ANN001
    client = client_for("district")
    assert client.post(reverse("employers:list")).status_code == 405
    assert client.delete(reverse("employers:edit", args=[employer_a.pk])).status_code == 405


def test_it_edits_an_employer(client_for, employer_a) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("employers:edit", args=[employer_a.pk])
    version = client.get(url).context["form"].initial["version"]
    data = _form(uscc=employer_a.uscc, name="东城示范企业（更名）", kind="soe", version=version,
                 region=TOWN_A, is_concentrated="on")  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    employer_a.refresh_from_db()
    assert (employer_a.name, employer_a.kind, employer_a.is_concentrated) == (
        "东城示范企业（更名）",
        "soe",
        True,
    )


def test_a_second_editor_gets_a_conflict_not_a_silent_overwrite(client_for, employer_a) -> None:  # noqa: ANN001
    first, second = client_for("district"), client_for("admin")
    url = reverse("employers:edit", args=[employer_a.pk])
    version = first.get(url).context["form"].initial["version"]
    second.get(url)
    data = _form(uscc=employer_a.uscc, region=TOWN_A, version=version)
    assert first.post(url, {**data, "name": "甲"}).status_code == 302
    response = second.post(url, {**data, "name": "乙"})
    assert response.status_code == 200
    assert "刚被其他人修改过" in response.context["form"].non_field_errors()[0]
    employer_a.refresh_from_db()
    assert employer_a.name == "甲"


# --- archive ---------------------------------------------------------------------------------


def test_archiving_needs_a_reason_and_keeps_the_record(client_for, employer_a) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("employers:archive", args=[employer_a.pk])
    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["请填写归档原因。"]
    assert client.post(url, {"reason": "已注销"}).status_code == 302
    employer_a.refresh_from_db()
    assert employer_a.is_archived and employer_a.archived_reason == "已注销"
    page = client.get(reverse("employers:detail", args=[employer_a.pk]))
    assert "已注销" in page.content.decode()
    # An archived employer is not changed any more.
    edit = client.get(reverse("employers:edit", args=[employer_a.pk]))
    assert edit.status_code == 302


# --- CSR reports ------------------------------------------------------------------------------


def _pdf(name: str = "csr.pdf", size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() + b"0" * size, content_type="application/pdf")


def test_it_adds_a_csr_report_with_a_pdf_and_changes_it_later(client_for, employer_a) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("employers:csr", args=[employer_a.pk])
    response = client.post(url, {"year": "2023", "includes_disability": "yes", "file": _pdf()})
    assert response.status_code == 302, response.context["form"].errors
    report = CsrReport.objects.get(employer=employer_a, year=2023)
    assert report.includes_disability and report.file
    download = client_for("employer").get(reverse("employers:csr-file", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    form = client.get(url, {"year": "2023"}).context["form"]
    assert form.initial["includes_disability"] == "yes" and "remove_file" in form.fields
    client.post(url, {"year": "2023", "includes_disability": "no", "link": "example.com/r"})
    report.refresh_from_db()
    assert not report.includes_disability
    assert report.link == "https://example.com/r" and report.file  # the PDF is kept
    assert CsrReport.objects.filter(employer=employer_a).count() == 1


def test_a_csr_report_needs_a_link_or_a_real_pdf_under_10_mb(client_for, employer_a) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("employers:csr", args=[employer_a.pk])
    errors = client.post(url, {"year": "2023", "includes_disability": "yes"}).context["form"].errors
    assert errors["link"] == ["请填写报告链接或上传 PDF 文件（至少一项）。"]
    fake = SimpleUploadedFile("r.pdf", b"MZ not a pdf")
    errors = (
        client.post(url, {"year": "2023", "includes_disability": "yes", "file": fake})
        .context["form"]
        .errors
    )
    assert "不是真正的 PDF 文件" in errors["file"][0]
    big = _pdf("big.pdf", 10 * 1024 * 1024)
    errors = (
        client.post(url, {"year": "2023", "includes_disability": "yes", "file": big})
        .context["form"]
        .errors
    )
    assert "超过了 10 MB 的上限" in errors["file"][0]
    errors = client.post(url, {"year": "2999", "link": "https://e.com"}).context["form"].errors
    assert errors["year"] == ["报告年度不能晚于今年。"]
    assert errors["includes_disability"] == ["请选择报告中是否包含残疾人就业内容。"]
    assert not CsrReport.objects.exists()


# --- inviting an employer user ---------------------------------------------------------------


def test_an_invited_user_is_bound_to_the_employer_and_sees_only_it(
    client_for, employer_a, employer_b
) -> None:  # noqa: ANN001
    staff = client_for("district")
    url = reverse("employers:invite", args=[employer_b.pk])
    response = staff.post(url, {"username": "xicheng-hr", "display_name": "赵六"})
    assert response.url == reverse("employers:detail", args=[employer_b.pk])
    user = User.objects.get(username="xicheng-hr")
    assert (user.role, user.employer_id) == (Role.EMPLOYER, employer_b.pk)

    page = staff.get(response.url).content.decode()
    password = page.split('<code class="secret">')[1].split("</code>")[0]
    assert "只显示这一次" in page
    # Shown once: the next visit does not show it again.
    assert '<code class="secret">' not in staff.get(response.url).content.decode()

    invited = Client()
    login = invited.post(
        reverse("accounts:login"), {"username": "xicheng-hr", "password": password}
    )
    assert login.status_code == 302
    assert invited.get(reverse("employers:detail", args=[employer_b.pk])).status_code == 200
    assert invited.get(reverse("employers:detail", args=[employer_a.pk])).status_code == 404
    assert invited.get(reverse("people:list")).status_code == 403


def test_an_invitation_with_a_taken_user_name_is_refused(client_for, employer_a) -> None:  # noqa: ANN001
    response = client_for("admin").post(
        reverse("employers:invite", args=[employer_a.pk]), {"username": "Employer"}
    )
    assert response.context["form"].errors["username"] == ["用户名“Employer”已被使用，请换一个。"]


def test_only_district_staff_and_admins_invite(client_for, employer_a) -> None:  # noqa: ANN001
    for persona in ("town_a", "leader", "employer", "liaison", "jobseeker"):
        response = client_for(persona).post(
            reverse("employers:invite", args=[employer_a.pk]), {"username": f"x-{persona}"}
        )
        assert response.status_code == 403, persona
    assert not User.objects.filter(username__startswith="x-").exists()


def test_the_list_and_the_page_stay_within_the_query_budget(
    client_for, employer_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for n in range(60):
        _employer(f"批量单位{n:02d}", f"91440199MA5Q{n:05d}")
    CsrReport.objects.create(employer=employer_a, year=2023, link="https://example.com/r")
    Declaration.objects.create(employer=employer_a, year=2023, wage_total=0)
    client = client_for("district")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("employers:list"), {"page": "2"}).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("employers:detail", args=[employer_a.pk])).status_code == 200
