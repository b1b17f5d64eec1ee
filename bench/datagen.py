"""Synthetic data at scale for the PostgreSQL benchmarks, made by SQL (``INSERT … SELECT
generate_series``) or ``bulk_create`` in the scratch database of a child process with Django set
up: the registry with service records (``bench_coverage``, ``bench_load``), employers with their
declarations (``bench_quota``, ``bench_load``), and job postings (``bench_matching``,
``bench_load``). Each generator returns the seconds of its steps."""

from __future__ import annotations

import time
from typing import Any


def _vacuum(connection: Any) -> str:
    """VACUUM ANALYZE (the visibility map lets the planner use index-only scans), or only
    ANALYZE inside a transaction (a test's), where VACUUM cannot run."""
    return "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"


def registry(persons: int, year: int, *, records_per_person: int = 3) -> dict[str, float]:
    """``persons`` registry persons, their open jobs, ``records_per_person`` service records a
    person over last year and this year, and the yearly cases derived from them; returns the
    seconds of each step. Person ``i`` (1-based) has id ``md5(i)`` and blind index
    ``bench-<i>``, so other generators can point at it without a join."""
    from django.db import connection

    from bench.scratch import id_ciphertexts, village_table

    timings: dict[str, float] = {}
    working = int(persons * 0.6)
    with connection.cursor() as cur:
        start = time.perf_counter()
        cur.execute("CREATE TEMP TABLE bench_cipher (n int PRIMARY KEY, c text)")
        cur.executemany(
            "INSERT INTO bench_cipher VALUES (%s, %s)",
            list(enumerate(id_ciphertexts(1000, first_year=1970, years=40))),
        )
        villages = village_table(cur)
        # Persons 1..working are of working age on 31 December of the year (born 17–53 years
        # before), the rest older. The id is md5(i) as a UUID, so records can point at person i
        # without a join.
        cur.execute(
            f"""
            INSERT INTO people_person (
                id, created_at, updated_at, archived_at, archived_reason, name, id_number,
                id_number_index, sex, birth_date, ethnicity, phone, address, region_id,
                certificate_number, certificate_index, hukou_type, education, is_student,
                school, major, marital_status, monitoring_category, hard_to_employ_date,
                hard_to_employ_reasons, hard_to_employ_office, low_income, wish_to_work,
                work_preferences, skills, assistive_needs, life_status, version)
            SELECT md5(i::text)::uuid, now(), now(), NULL, '', '测试' || i, c.c,
                'bench-' || i, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
                CASE WHEN i <= {working}
                     THEN make_date({year} - 17 - (i % 37), 1 + i % 12, 1 + i % 28)
                     ELSE make_date({year} - 61 - (i % 30), 1 + i % 12, 1 + i % 28) END,
                '汉族', '', '', v.code, '', '', CASE WHEN i % 5 < 3 THEN 'rural' ELSE 'urban' END,
                'junior', false, '', '', '', '',
                CASE WHEN i <= {working} AND i % 12 = 0 THEN DATE '2020-01-01' END,
                '', '', i % 6 = 0,
                CASE WHEN i % 10 < 5 THEN 'yes' WHEN i % 10 < 7 THEN 'no' ELSE 'unknown' END,
                '', '', '[]'::jsonb, 'active', 1
            FROM generate_series(1, {persons}) AS i
            JOIN bench_cipher c ON c.n = i % 1000
            JOIN bench_village v ON v.n = i % {villages}
            """
        )
        timings["persons"] = time.perf_counter() - start

        # A quarter of the working-age persons hold a job covering the year's end.
        start = time.perf_counter()
        cur.execute(
            f"""
            INSERT INTO employment_employmentrecord (
                id, created_at, updated_at, archived_at, archived_reason, person_id, form,
                new_form_subtype, employer_id, employer_name, job_title, start_date, end_date,
                end_reason, contract_type, contract_months, monthly_wage, social_insurance,
                source, evidence, second_job, needs_review, review_note, version)
            SELECT gen_random_uuid(), now(), now(), NULL, '', md5(i::text)::uuid, 'flexible', '',
                NULL, '某单位', '', DATE '2019-01-01', NULL, '', '', NULL, NULL, false,
                'import', '', false, false, '', 1
            FROM generate_series(1, {working}) AS i WHERE i % 4 = 1
            """
        )
        timings["employment"] = time.perf_counter() - start

        # 3 records a person over two years; 90 % to working-age persons.
        start = time.perf_counter()
        cur.execute(
            "SELECT code, kind, is_visit FROM casework_servicetype WHERE disabled_at IS NULL"
        )
        types = cur.fetchall()
        services = [code for code, kind, _v in types if kind == "service"]
        service_array = "ARRAY[" + ",".join(f"'{c}'" for c in services) + "]"
        records = persons * records_per_person
        cur.execute("SELECT setseed(0.42)")  # the same records every run
        cur.execute(
            f"""
            INSERT INTO casework_servicerecord (
                id, created_at, updated_at, archived_at, archived_reason, person_id,
                service_type_id, date, officer_id, officer_name, channel, notes, outcome,
                follow_up_date, attachment, attachment_name, idempotency_key, import_batch_id)
            SELECT gen_random_uuid(), now(), now(), NULL, '',
                md5((CASE WHEN random() < 0.9 THEN 1 + floor(random() * {working})
                          ELSE 1 + floor(random() * {persons}) END)::bigint::text)::uuid,
                CASE WHEN x < 0.35 THEN 'verification'
                     WHEN x < 0.55 THEN 'needs_registration'
                     ELSE ({service_array})[1 + floor(random() * {len(services)})::int] END,
                make_date({year} - floor(random() * 2)::int, 1 + floor(random() * 11)::int,
                          1 + floor(random() * 28)::int),
                NULL, '专干', 'phone', '', 'done', NULL, '', '', NULL, NULL
            FROM (SELECT r, random() AS x FROM generate_series(1, {records}) AS r) AS g
            """
        )
        timings["service_records"] = time.perf_counter() - start

        # The yearly cases, derived from the records by one statement (what the services keep
        # up to date one person at a time). 80 % of registrations say "wants work".
        start = time.perf_counter()
        cur.execute(
            """
            INSERT INTO casework_annualcase (
                person_id, year, verified_on, needs_registered_on, wants_work, served_on,
                last_service_on, last_visit_on)
            WITH cases AS (
                SELECT s.person_id, extract(year FROM s.date)::int AS y,
                    min(s.date) FILTER (WHERE t.kind = 'verification') AS verified_on,
                    min(s.date) FILTER (WHERE t.kind = 'needs') AS needs_on,
                    max(s.date) AS last_on,
                    max(s.date) FILTER (WHERE t.is_visit) AS visit_on
                FROM casework_servicerecord s
                JOIN casework_servicetype t ON t.code = s.service_type_id
                WHERE s.archived_at IS NULL
                GROUP BY 1, 2
            )
            SELECT c.person_id, c.y, c.verified_on, c.needs_on,
                CASE WHEN c.needs_on IS NULL THEN ''
                     WHEN get_byte(decode(md5(c.person_id::text), 'hex'), 0) < 205 THEN 'yes'
                     ELSE 'no' END,
                served.on_, c.last_on, c.visit_on
            FROM cases c
            LEFT JOIN LATERAL (
                SELECT min(s2.date) AS on_
                FROM casework_servicerecord s2
                JOIN casework_servicetype t2 ON t2.code = s2.service_type_id
                WHERE c.needs_on IS NOT NULL AND s2.person_id = c.person_id
                  AND s2.archived_at IS NULL AND t2.kind = 'service'
                  AND s2.date >= c.needs_on AND s2.date <= make_date(c.y, 12, 31)
            ) served ON true
            """
        )
        timings["annual_cases"] = time.perf_counter() - start
        start = time.perf_counter()
        for table in (
            "people_person",
            "employment_employmentrecord",
            "casework_servicerecord",
            "casework_annualcase",
        ):
            cur.execute(f"{_vacuum(connection)} {table}")
        timings["analyze"] = time.perf_counter() - start
    return timings


def _numbers(count: int) -> list[tuple[int, str, str, str, int, int]]:
    """(n, ID ciphertext, certificate ciphertext, certificate blind index, category, grade)."""
    from jiuye.core.crypto import encrypt
    from jiuye.core.validators import resident_id_check_char
    from jiuye.people.services import certificate_index

    out = []
    for n in range(count):
        first17 = f"440199{1975 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        id_number = first17 + resident_id_check_char(first17)
        category, grade = 1 + n % 7, 1 + n % 4
        certificate = f"{id_number}{category}{grade}"
        out.append(
            (
                n,
                encrypt(id_number),
                encrypt(certificate),
                certificate_index(certificate),
                category,
                grade,
            )
        )
    return out


def declarations(
    employers: int, year: int, *, registry_persons: bool = True, employees_per_employer: int = 3
) -> dict[str, float]:
    """``employers`` employers of every type, one submitted declaration each for ``year`` and
    ``employees_per_employer`` declared employees each (2 % not in the registry, 1 % declared
    by two employers). With ``registry_persons`` the registry persons they refer to are made
    too (blind index ``bench-<i>``, id ``md5('p' || i)``); without, employee ``i`` refers to
    the person ``bench-<i>`` that :func:`registry` made. Employer ``i`` has id ``md5('e' || i)``."""
    from django.db import connection

    from bench.scratch import village_table

    timings: dict[str, float] = {}
    employees = employers * employees_per_employer
    with connection.cursor() as cur:
        start = time.perf_counter()
        cur.execute(
            "CREATE TEMP TABLE bench_numbers (n int PRIMARY KEY, id_c text, cert_c text, "
            "cert_i text, category int, grade int)"
        )
        cur.executemany("INSERT INTO bench_numbers VALUES (%s, %s, %s, %s, %s, %s)", _numbers(1000))
        villages = village_table(cur)
        # One registry person per declared employee (born 1975–2004: of working age).
        if registry_persons:
            cur.execute(
                f"""
                INSERT INTO people_person (
                    id, created_at, updated_at, archived_at, archived_reason, name, id_number,
                    id_number_index, sex, birth_date, ethnicity, phone, address, region_id,
                    certificate_number, certificate_index, category_id, grade_id, hukou_type,
                    education, is_student, school, major, marital_status, monitoring_category,
                    hard_to_employ_date, hard_to_employ_reasons, hard_to_employ_office, low_income,
                    wish_to_work, work_preferences, skills, assistive_needs, life_status, version)
                SELECT md5('p' || i)::uuid, now(), now(), NULL, '', '职工' || i, b.id_c,
                    'bench-' || i, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
                    make_date(1975 + i % 30, 1 + i % 12, 1 + i % 28), '汉族', '', '', v.code,
                    b.cert_c, b.cert_i, b.category, b.grade, 'urban', 'junior', false, '', '', '',
                    '', NULL, '', '', false, 'yes', '', '', '[]'::jsonb, 'active', 1
                FROM generate_series(1, {employees}) AS i
                JOIN bench_numbers b ON b.n = i % 1000
                JOIN bench_village v ON v.n = i % {villages}
                """
            )
        timings["persons"] = time.perf_counter() - start
        start = time.perf_counter()
        cur.execute(
            f"""
            INSERT INTO employers_employer (
                id, created_at, updated_at, archived_at, archived_reason, name, uscc,
                uscc_override_reason, kind, industry, region_id, address, contact_name,
                contact_phone, is_concentrated, version)
            SELECT md5('e' || i)::uuid, now(), now(), NULL, '', '单位' || i,
                'B' || lpad(i::text, 17, '0'), '',
                CASE WHEN i % 20 = 0 THEN 'agency' WHEN i % 20 = 1 THEN 'institution'
                     WHEN i % 10 = 2 THEN 'soe' WHEN i % 20 = 3 THEN 'social'
                     ELSE 'private' END,
                'C', v.code, '', '', '', false, 1
            FROM generate_series(1, {employers}) AS i
            JOIN bench_village v ON v.n = i % {villages}
            """
        )
        cur.execute(
            f"""
            INSERT INTO employers_declaration (
                id, created_at, updated_at, employer_id, year, version, status, staff_annual,
                staff_monthly, wage_total, staff, required, counted, shortfall, wage_used,
                levy_before, levy_payable, met, exempt, steps, returned_reason,
                correction_reason, submitted_at)
            SELECT md5('d' || i)::uuid, now(), now(), md5('e' || i)::uuid, {year}, 1,
                'submitted', 10 + (i * 37) % 990, '[]'::jsonb,
                (10 + (i * 37) % 990) * (60000 + (i * 131) % 100000), 0, 0, 0, 0, 0, 0, 0,
                false, false, '[]'::jsonb, '', '', now()
            FROM generate_series(1, {employers}) AS i
            """
        )
        timings["employers"] = time.perf_counter() - start
        start = time.perf_counter()
        # Employee i works at employer 1 + i % employers; 2 % are not in the registry; the
        # employees i ≤ 1 % of them are declared again by the next employer (a conflict).
        cur.execute(
            f"""
            INSERT INTO employers_declaredemployee (
                id, created_at, updated_at, declaration_id, name, id_number, id_number_index,
                certificate_number, certificate_index, contract_type, contract_start, contract_end,
                on_establishment, monthly_wage, insurance_months, dispatched, dispatch_agency,
                counts_here, counts, checks, conflict, staff_decision, staff_note, position)
            SELECT gen_random_uuid(), now(), now(), md5('d' || (1 + (i + k) % {employers}))::uuid,
                '职工' || i, b.id_c,
                CASE WHEN i % 50 = 0 THEN 'bench-missing-' || i ELSE 'bench-' || i END,
                b.cert_c, b.cert_i, 'fixed', DATE '2020-01-01', NULL, false, 3000 + i % 4000,
                12, false,
                '', true, 0, '[]'::jsonb, false, '', '', 1
            FROM generate_series(1, {employees}) AS i
            CROSS JOIN generate_series(0, 1) AS k
            JOIN bench_numbers b ON b.n = i % 1000
            WHERE k = 0 OR i % 100 = 7
            """
        )
        timings["declared_employees"] = time.perf_counter() - start
        start = time.perf_counter()
        for table in (
            *(["people_person"] if registry_persons else []),
            "employers_employer",
            "employers_declaration",
            "employers_declaredemployee",
        ):
            cur.execute(f"{_vacuum(connection)} {table}")
        timings["analyze"] = time.perf_counter() - start
    return timings


POSTING_SKILLS = [
    ["电商", "客服"],
    ["直播", "带货"],
    ["按摩"],
    ["办公软件", "打字"],
    ["剪辑", "短视频"],
    ["仓库"],
    [],
    ["配音"],
]
TITLES = ["电商客服", "直播助理", "盲人按摩师", "文员", "视频剪辑", "仓库管理员", "网络客服"]


def postings(count: int, employer_ids: list[Any], villages: list[str]) -> list[Any]:
    """``count`` published postings across skills, hours, wages, accessibility and category
    lists (a third list two categories), offered in turn by ``employer_ids``; returns them."""
    from jiuye.jobs.models import Posting
    from jiuye.jobs.services.terms import terms_of

    terms_cache = {tuple(s): " ".join(terms_of(s)) for s in POSTING_SKILLS}
    title_terms = {t: " ".join(terms_of([t])) for t in TITLES}
    rows = []
    for n in range(count):
        skills = POSTING_SKILLS[n % len(POSTING_SKILLS)]
        title = TITLES[n % len(TITLES)]
        rows.append(
            Posting(
                employer_id=employer_ids[n % len(employer_ids)],
                title=title,
                region_id=villages[(n * 7) % len(villages)],
                is_remote=n % 9 == 0,
                hours=["full_time", "part_time", "flexible", "shifts"][n % 4],
                wage_max=[None, 2500, 3500, 5000][n % 4],
                education_min=["", "", "junior", "senior", "college"][n % 5],
                skills=skills,
                terms=terms_cache[tuple(skills)],
                title_terms=title_terms[title],
                accessibility=[[], ["step_free"], ["screen_reader", "braille"], ["written"]][n % 4],
                status="published",
            )
        )
    Posting.objects.bulk_create(rows, batch_size=5000)
    through = Posting.suitable_categories.through
    through.objects.bulk_create(
        [
            through(posting_id=p.pk, disabilitycategory_id=c)
            for i, p in enumerate(rows)
            if i % 3 == 0
            for c in (1 + i % 7, 1 + (i + 3) % 7)
        ],
        batch_size=5000,
    )
    return rows
