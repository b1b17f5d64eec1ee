"""The duplicate-persons scan over N persons (PostgreSQL), beside a raw SQL self-join of the
same blocks.

The scan (``jiuye.people.services.duplicates.find_duplicates``) reads the register ordered by
birth date, groups each birth date by name (decrypting the ID numbers of those groups only and
comparing them digit by digit) and by village (comparing the names by pinyin and similarity),
and finds equal certificate numbers by their blind index. ``duplicates_scan`` also writes the
review queue. The baseline, in the same run and process, is what SQL alone can do over the same
blocks: the self-join listing the candidate pairs (same birth date and name, or same birth date
and village) and the GROUP BY of certificate indexes — it cannot compare encrypted numbers or
pinyin, so it does less than the scan; the ratio says what those comparisons cost.

Data: ``INSERT … SELECT generate_series``: names from 100 surnames × 200 given names, birth
dates over 25,000 days, the 60 villages of demo district 440199, ID numbers from 1,000 real
ciphertexts; plus planted pairs (a mistyped ID number with the same name and birth date, a
same-reading name in one village, a shared certificate number) the scan must find. Size:
``--persons N`` (or ``BENCH_DUPLICATES_PERSONS``; default 1,000,000). ``BENCH_KEEP=1`` keeps
the database. SQLite: skipped with a note.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PERSONS = 1_000_000
PLANTED = 200
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞斌波辉宇浩凯健俊帆帅旭宁龙林欣佳琳雪梅慧婷颖晶莉倩婕洁"  # noqa: E501


def _generate(persons: int) -> dict[str, Any]:
    from django.db import connection

    from bench.scratch import id_ciphertexts, village_table
    from jiuye.core.crypto import encrypt
    from jiuye.core.validators import resident_id_check_char
    from jiuye.people.services import certificate_index, id_number_index

    timings: dict[str, Any] = {}
    given2 = [a + b for a in GIVEN[:20] for b in GIVEN[20:30]]  # 200 given names
    names = [s + g for s in SURNAMES[:100] for g in given2]  # 20,000 names
    with connection.cursor() as cur:
        start = time.perf_counter()
        cur.execute("CREATE TEMP TABLE bench_cipher (n int PRIMARY KEY, c text)")
        ciphers = id_ciphertexts(1000, first_year=1950, years=60)
        cur.executemany("INSERT INTO bench_cipher VALUES (%s, %s)", list(enumerate(ciphers)))
        cur.execute("CREATE TEMP TABLE bench_name (n int PRIMARY KEY, name text)")
        cur.executemany("INSERT INTO bench_name VALUES (%s, %s)", list(enumerate(names)))
        villages = village_table(cur)
        # hashtext spreads names, dates and villages independently of each other.
        cur.execute(
            f"""
            INSERT INTO people_person (
                id, created_at, updated_at, archived_at, archived_reason, name, id_number,
                id_number_index, sex, birth_date, ethnicity, phone, address, region_id,
                certificate_number, certificate_index, hukou_type, education, is_student,
                school, major, marital_status, monitoring_category, hard_to_employ_date,
                hard_to_employ_reasons, hard_to_employ_office, low_income, wish_to_work,
                work_preferences, skills, assistive_needs, life_status, version)
            SELECT md5(i::text)::uuid, now(), now(), NULL, '', nm.name, c.c,
                'bench-' || i, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
                DATE '1950-01-01' + (abs(hashtext('d' || i)) % 25000),
                '汉族', '', '', v.code, '', 'bench-cert-' || i, 'rural',
                'junior', false, '', '', '', '', NULL, '', '', false, 'yes',
                '', '', '[]'::jsonb, 'active', 1
            FROM generate_series(1, {persons}) AS i
            JOIN bench_cipher c ON c.n = i % 1000
            JOIN bench_name nm ON nm.n = abs(hashtext('n' || i)) % {len(names)}
            JOIN bench_village v ON v.n = abs(hashtext('v' || i)) % {villages}
            """
        )
        timings["persons_s"] = time.perf_counter() - start

        # Planted pairs, with real encrypted numbers and indexes.
        start = time.perf_counter()
        cur.execute("SELECT code FROM bench_village ORDER BY n")
        codes = [row[0] for row in cur.fetchall()]
        rows = []
        for k in range(PLANTED):
            birth = f"19{40 + k % 50:02d}0{1 + k % 9}{10 + k % 18:02d}"
            body = f"440199{birth}{k % 1000:03d}"
            typo = body[:14] + body[15] + body[14] + body[16]  # two adjacent swapped
            if typo == body:
                typo = body[:16] + str((int(body[16]) + 2) % 10)  # the last digit off
            village = codes[k % len(codes)]
            birth_date = f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"
            kind = k % 3
            for j, (number, name) in enumerate(
                [(body, "欧阳明"), (typo, "欧阳明" if kind == 0 else "欧阳铭")]
            ):
                number = number + resident_id_check_char(number)
                certificate = f"bench-planted-{k}" if kind == 2 else f"bench-planted-{k}-{j}"
                index = certificate_index(certificate) if kind == 2 else certificate
                rows.append(
                    (
                        f"{k:08d}-0000-4000-8000-{j:012d}",
                        name if kind != 2 else f"{name}{j}",
                        encrypt(number),
                        id_number_index(number),
                        birth_date,
                        village,
                        index,
                    )
                )
        cur.executemany(
            """
            INSERT INTO people_person (
                id, created_at, updated_at, archived_reason, name, id_number, id_number_index,
                sex, birth_date, ethnicity, phone, address, region_id, certificate_number,
                certificate_index, hukou_type, education, is_student, school, major,
                marital_status, monitoring_category, hard_to_employ_reasons,
                hard_to_employ_office, low_income, wish_to_work, work_preferences, skills,
                assistive_needs, life_status, version)
            VALUES (%s, now(), now(), '', %s, %s, %s, 'M', %s, '汉族', '', '', %s, '', %s,
                'rural', 'junior', false, '', '', '', '', '', '', false, 'yes', '', '', '[]',
                'active', 1)
            """,
            rows,
        )
        timings["planted_s"] = time.perf_counter() - start
        start = time.perf_counter()
        cur.execute("ANALYZE people_person")
        timings["analyze_s"] = time.perf_counter() - start
    return timings


RAW_SQL = """
    SELECT count(*) FROM (
        SELECT a.id, b.id FROM people_person a JOIN people_person b
          ON a.birth_date = b.birth_date AND a.name = b.name AND a.id < b.id
        WHERE a.archived_at IS NULL AND b.archived_at IS NULL
        UNION
        SELECT a.id, b.id FROM people_person a JOIN people_person b
          ON a.birth_date = b.birth_date AND a.region_id = b.region_id AND a.id < b.id
        WHERE a.archived_at IS NULL AND b.archived_at IS NULL
    ) AS candidates
"""
RAW_CERT_SQL = """
    SELECT certificate_index, count(*) FROM people_person
    WHERE archived_at IS NULL AND certificate_index <> ''
    GROUP BY certificate_index HAVING count(*) > 1
"""


def _measure() -> dict[str, Any]:
    from django.db import connection

    from bench.scratch import vm_mb
    from jiuye.people.models import DuplicatePair
    from jiuye.people.services.duplicates import duplicates_scan, find_duplicates

    out: dict[str, Any] = {}
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(RAW_SQL)
        candidates = cur.fetchone()[0]
        cur.execute(RAW_CERT_SQL)
        shared = len(cur.fetchall())
    out["raw_sql_s"] = time.perf_counter() - start
    out["raw_candidate_pairs"] = candidates
    out["raw_shared_certificates"] = shared

    start = time.perf_counter()
    result = find_duplicates()
    out["scan_s"] = time.perf_counter() - start
    out["scan"] = {
        "persons": result.persons,
        "blocks": result.blocks,
        "decrypted": result.decrypted,
        "found": result.found,
    }
    planted = {
        (f"{k:08d}-0000-4000-8000-{0:012d}", f"{k:08d}-0000-4000-8000-{1:012d}")
        for k in range(PLANTED)
    }
    out["planted_found"] = len(planted & set(result.pairs))
    start = time.perf_counter()
    saved = duplicates_scan()
    out["scan_and_queue_s"] = time.perf_counter() - start
    out["queued"] = DuplicatePair.objects.count()
    assert saved.opened == out["queued"]
    out["peak_mb"] = vm_mb()
    return out


def _child() -> None:
    import django

    from bench.scratch import plain_static_files, result

    django.setup()
    plain_static_files()
    persons = int(os.environ.get("BENCH_DUPLICATES_PERSONS", DEFAULT_PERSONS))
    timings = _generate(persons)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_person")
        n_persons = cur.fetchone()[0]
    result({"persons": n_persons, "generate": timings, **_measure()})


def _print(outcome: dict[str, Any]) -> None:
    gen = outcome["generate"]
    print(
        f"  data: {outcome['persons']:,} persons (generated in {gen['persons_s']:.1f} s, "
        f"{PLANTED} planted pairs)"
    )
    raw = outcome["raw_sql_s"]
    scan = outcome["scan"]
    print(
        f"  raw SQL self-join of the same blocks (baseline): {raw:8.2f} s  "
        f"({outcome['raw_candidate_pairs']:,} candidate pairs, "
        f"{outcome['raw_shared_certificates']:,} shared certificates)"
    )
    print(
        f"  find_duplicates (read only)                     : {outcome['scan_s']:8.2f} s  "
        f"{outcome['scan_s'] / raw:.1f}× raw; {scan['blocks']:,} blocks, "
        f"{scan['decrypted']:,} ID numbers decrypted, {scan['found']:,} pairs"
    )
    print(
        f"  duplicates_scan (scan + review queue)           : "
        f"{outcome['scan_and_queue_s']:8.2f} s  {outcome['scan_and_queue_s'] / raw:.1f}× raw; "
        f"{outcome['queued']:,} pairs queued"
    )
    print(
        f"  planted pairs found: {outcome['planted_found']}/{PLANTED}; "
        f"peak memory of the measuring process {outcome['peak_mb']:.0f} MB"
    )


def main() -> None:
    from bench.scratch import run_in_scratch

    run_in_scratch("bench.bench_duplicates", "jiuye_bench_duplicates", _print)


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.path.insert(0, str(ROOT))
        _child()
    else:
        if "--persons" in sys.argv:
            os.environ["BENCH_DUPLICATES_PERSONS"] = sys.argv[sys.argv.index("--persons") + 1]
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        main()
