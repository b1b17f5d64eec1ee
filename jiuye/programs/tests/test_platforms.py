"""Platform partners (action 四): a platform, its commitments with what and since when, the
persons working through it counted from employment records, the indicators on a hand-counted
fixture, the ``platform_partners`` import and the pages' access and bad input."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_id_number, make_uscc, register_person
from jiuye.core.importing import get_kind, run_import, write_export
from jiuye.core.indicators import registry
from jiuye.core.tests.imports import errors_of, write_csv
from jiuye.employers.models import Employer
from jiuye.employment.services import employment_end
from jiuye.programs.models import PlatformCommitment, PlatformPartner
from jiuye.programs.selectors import platforms as selectors
from jiuye.programs.services import platforms as services
from jiuye.programs.tests import platform_fixtures as fx
from jiuye.programs.tests.platform_fixtures import make_partner, work_through
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db
partner_a = fx.partner_a

HEADER = ["统一社会信用代码", "平台类型", "开始助残合作日期", "联系人", "联系电话", "说明"]


# --- services ------------------------------------------------------------------------------


def test_an_employer_is_a_platform_once(partner_a, employer_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        make_partner(employer_a)
    assert "employer" in error.value.error_dict


def test_a_platform_needs_a_kind(employer_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        make_partner(employer_a, platform_kinds=[])
    assert "platform_kinds" in error.value.error_dict


def test_a_town_officer_may_not_register_another_towns_platform(personas, employer_b) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        services.partner_create(
            by=personas["town_a"],
            employer=employer_b,
            platform_kinds=["express"],
            since=dt.date(2024, 1, 1),
        )


def test_an_ended_commitment_is_kept_with_its_end_date(partner_a) -> None:  # noqa: ANN001
    commitment = services.commitment_add(
        partner=partner_a,
        by=None,
        kind="fee_waiver",
        description="免收押金",
        since=dt.date(2024, 3, 1),
    )
    ended = services.commitment_end(
        commitment=commitment, by=None, version=None, until=dt.date(2025, 3, 1)
    )
    assert ended.until == dt.date(2025, 3, 1)
    assert PlatformCommitment.objects.filter(pk=commitment.pk).exists()
    with pytest.raises(ValidationError):
        services.commitment_end(commitment=ended, by=None, version=None, until=dt.date(2025, 4, 1))


def test_a_commitment_cannot_end_before_it_began(partner_a) -> None:  # noqa: ANN001
    commitment = services.commitment_add(
        partner=partner_a,
        by=None,
        kind="dispatch",
        description="优先派单",
        since=dt.date(2024, 3, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.commitment_end(
            commitment=commitment, by=None, version=None, until=dt.date(2024, 1, 1)
        )
    assert "until" in error.value.error_dict


def test_workers_are_new_form_records_at_the_platform(partner_a, employer_a, person_a) -> None:  # noqa: ANN001
    work_through(person_a, employer_a, dt.date(2024, 5, 1))
    other = register_person(301, "王五")
    work_through(other, employer_a, dt.date(2024, 5, 1), subtype="")  # not a new form
    assert [r.person for r in selectors.platform_workers(partner_a)] == [person_a]
    row = selectors.partners_for_list(PlatformPartner.objects.all()).get()
    assert row.n_workers == 1


# --- indicators ----------------------------------------------------------------------------


def test_the_indicators_count_platforms_and_workers_by_hand(
    reference, employer_a, employer_b
) -> None:  # noqa: ANN001
    district = Region.objects.get(code="440199000000")
    town_a = Region.objects.get(code="440199001000")
    make_partner(employer_a, since=dt.date(2024, 3, 1))  # 东城, since 2024
    make_partner(employer_b, since=dt.date(2025, 6, 1))  # 西城, since 2025
    third = Employer.objects.create(
        name="已退出平台",
        uscc=make_uscc("91440199MA5TEXT56"),
        kind="private",
        region=town_a,
    )
    gone = make_partner(third, since=dt.date(2024, 1, 1))
    services.partner_archive(partner=gone, by=None, reason="退出合作")  # not counted
    a = register_person(311, "甲")  # 东城 village
    b = register_person(312, "乙", village="440199002001")  # 西城
    c = register_person(313, "丙")
    d = register_person(314, "丁")
    work_through(a, employer_a, dt.date(2024, 4, 1))  # working through a platform: counts
    work_through(b, employer_a, dt.date(2024, 4, 1))  # counts in 西城 (the person's region)
    ended = work_through(c, employer_a, dt.date(2024, 4, 1))
    employment_end(record=ended, end_date=dt.date(2024, 6, 30), end_reason="resigned", by=None)
    work_through(d, third, dt.date(2024, 4, 1))  # at an archived platform: not counted
    partners = registry.get("programs.platform_partners")
    workers = registry.get("programs.platform_workers")
    assert partners.value(district, 2024) == 1
    assert partners.value(district, 2025) == 2
    assert partners.value(town_a, 2025) == 1
    assert workers.value(district, 2024) == 2
    assert workers.value(town_a, 2024) == 1
    assert workers.value(district, 2023) == 0


# --- import --------------------------------------------------------------------------------


def test_the_import_creates_a_platform_and_a_reimport_changes_nothing(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    row = [employer_a.uscc, "外卖、快递", "2024-03-01", "李经理", "13800000000", ""]
    path = write_csv(tmp_path / "p.csv", HEADER, [row])
    first = run_import(kind="platform_partners", path=path, dry_run=False, by=personas["district"])
    assert (first.created, first.invalid) == (1, 0), first.errors
    partner = PlatformPartner.objects.get(employer=employer_a)
    assert partner.platform_kinds == ["food_delivery", "express"]
    again = run_import(kind="platform_partners", path=path, dry_run=False, by=personas["district"])
    assert (again.unchanged, again.created, again.updated) == (1, 0, 0)


def test_the_import_names_every_bad_row(tmp_path, personas, employer_a) -> None:  # noqa: ANN001
    rows = [
        ["91440199MA5NOPE000", "外卖", "2024-03-01", "", "", ""],
        [employer_a.uscc, "飞机", "2024-03-01", "", "", ""],
        [employer_a.uscc, "外卖", "明天", "", "", ""],
    ]
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    result = run_import(kind="platform_partners", path=path, dry_run=True, by=personas["district"])
    assert result.invalid == 3
    assert [(row, column) for row, column, _m in errors_of(result)] == [
        (2, "统一社会信用代码"),
        (3, "平台类型"),
        (4, "开始助残合作日期"),
    ]
    assert not PlatformPartner.objects.exists()


def test_a_town_officer_imports_only_their_towns_platforms(tmp_path, personas, employer_b) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "p.csv", HEADER, [[employer_b.uscc, "快递", "2024-03-01", "", "", ""]]
    )
    result = run_import(kind="platform_partners", path=path, dry_run=True, by=personas["town_a"])
    assert result.invalid == 1
    assert "本镇街" in errors_of(result)[0][2]


def test_an_exported_platforms_file_imports_back_unchanged(tmp_path, personas, partner_a) -> None:  # noqa: ANN001
    kind = get_kind("platform_partners")
    path = tmp_path / "export.csv"
    assert write_export(kind, kind.export_queryset({}), path, reveal=False) == 1
    result = run_import(kind="platform_partners", path=path, dry_run=False, by=personas["district"])
    assert (result.unchanged, result.invalid) == (1, 0), result.errors


# --- pages ---------------------------------------------------------------------------------


def test_a_town_officer_registers_a_platform_of_their_town(client_for, employer_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("programs:platform-partner-create"),
        {
            "employer_uscc": employer_a.uscc.lower(),
            "platform_kinds": ["livestream"],
            "since": "2024-05-01",
        },
    )
    partner = PlatformPartner.objects.get(employer=employer_a)
    assert response.url == reverse("programs:platform-partner", args=[partner.pk])
    assert partner.platform_kinds == ["livestream"]


def test_an_unknown_code_is_named_on_the_form(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("programs:platform-partner-create"),
        {
            "employer_uscc": "91440199MA5NOPE000",
            "platform_kinds": ["livestream"],
            "since": "2024-05-01",
        },
    )
    assert response.status_code == 200
    assert "91440199MA5NOPE000" in response.content.decode()


def test_the_platform_page_names_workers_only_in_scope(
    client_for, partner_a, employer_a, person_a
) -> None:  # noqa: ANN001
    work_through(person_a, employer_a, dt.date(2024, 5, 1))
    url = reverse("programs:platform-partner", args=[partner_a.pk])
    assert "张三" in client_for("town_a").get(url).content.decode()
    leader_page = client_for("leader").get(url).content.decode()
    assert "张三" not in leader_page
    assert "目前有 1 名残疾人" in leader_page


def test_adding_a_commitment_without_content_shows_the_form_again(client_for, partner_a) -> None:  # noqa: ANN001
    url = reverse("programs:platform-commitment-add", args=[partner_a.pk])
    response = client_for("district").post(url, {"kind": "fee_waiver", "since": "2024-05-01"})
    assert response.status_code == 200
    assert not PlatformCommitment.objects.exists()


def test_a_leader_may_not_post_to_the_platform_form(client_for, partner_a) -> None:  # noqa: ANN001
    url = reverse("programs:platform-partner-create")
    assert client_for("leader").post(url, {}).status_code == 403


def test_the_platform_list_refuses_a_post(client_for) -> None:  # noqa: ANN001
    assert client_for("district").post(reverse("programs:platform-partners")).status_code == 405


def test_the_export_lists_platforms_with_their_commitments(
    client_for, partner_a, employer_a, person_a
) -> None:  # noqa: ANN001
    services.commitment_add(
        partner=partner_a,
        by=None,
        kind="fee_waiver",
        description="免收押金",
        since=dt.date(2024, 3, 1),
    )
    work_through(person_a, employer_a, dt.date(2024, 5, 1))
    response = client_for("leader").get(reverse("programs:platform-partners-export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "东城示范企业"
    assert "免收押金" in rows[1][5]
    assert rows[1][6:8] == (1, 1)


def test_the_demo_makes_platforms_with_commitments_and_workers(
    reference, person_a, person_b
) -> None:  # noqa: ANN001
    from jiuye.programs.demo.platforms import demo_platforms

    assert demo_platforms(seed=1) == 3
    assert PlatformCommitment.objects.count() == 8
    assert demo_platforms(seed=1) == 0


def test_the_demo_gives_platform_work_only_to_persons_of_working_age(reference) -> None:  # noqa: ANN001
    """make run failed when the demo gave a child a platform job (a job before 16 is refused)."""
    from conftest import VILLAGE_A
    from jiuye.employment.models import EmploymentRecord
    from jiuye.people.services import person_register
    from jiuye.programs.demo.platforms import demo_platforms

    child = person_register(
        name="儿童",
        id_number=make_id_number(birth="20160320", seq=931),
        region=Region.objects.get(code=VILLAGE_A),
    )
    adults = [register_person(seq=940 + n, name=f"成年{n}") for n in range(8)]
    assert demo_platforms(seed=1) == 3
    workers = set(EmploymentRecord.objects.values_list("person_id", flat=True))
    assert child.pk not in workers and workers <= {a.pk for a in adults}


def test_the_task_table_links_action_four_to_the_platform_indicators() -> None:
    import csv
    from pathlib import Path

    table = Path(__file__).parents[2] / "actionplan" / "data" / "tasks_2022_2024.csv"
    with table.open(encoding="utf-8") as handle:
        codes = {(r["action"], r["position"]): r["indicator_code"] for r in csv.DictReader(handle)}
    assert codes[("4", "2")] == "programs.platform_partners"
