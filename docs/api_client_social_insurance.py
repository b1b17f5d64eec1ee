#!/usr/bin/env python3
"""Sample client of the social insurance check (人社局 side), standard library only.

The human resources and social security bureau's system runs this (or its own version of it)
on a schedule:

1. ``GET /api/v1/exchanges/social-insurance/pending`` pages through the disabled employees of
   the quota declarations under review that have no answer yet (full ID numbers: the key must
   be marked "可取完整证件号码" by the platform's administrator; every read is logged);
2. it looks each person up in the social insurance records (here: ``lookup``, a stand-in that
   reads a CSV file the bureau exported, or answers "not insured");
3. ``POST /api/v1/exchanges/social-insurance/answers`` sends the answers back, 200 at a time:
   per employee whether insured, the months paid in the declaration year and the paying unit.
   The district's reviewers see them on each declaration's review page.

Usage::

    JIUYE_URL=https://jiuye.example.gov.cn JIUYE_KEY=jy_xxxxxxxx_... \\
        python3 docs/api_client_social_insurance.py --year 2025 --records insured.csv [--dry-run]

``insured.csv`` (optional) has the columns ``身份证号,年度,缴费月数,参保单位``; a person not in
it is answered as not insured. ``--dry-run`` prints the answers instead of sending them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

BATCH = 200


class ApiError(Exception):
    """An answer of the platform other than 2xx, with its problem+json title and detail."""


def call(base: str, key: str, method: str, path: str, *, query: dict[str, Any] | None = None,
         body: Any = None) -> Any:  # fmt: skip
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"平台地址应以 http:// 或 https:// 开头：{base}")
    url = base.rstrip("/") + path
    if query:
        url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - http(s) only
    request.add_header("Authorization", f"Bearer {key}")
    request.add_header("Accept", "application/json")
    request.add_header("Accept-Language", "zh-hans")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        try:
            problem = json.loads(error.read().decode("utf-8"))
        except ValueError:
            problem = {}
        message = problem.get("detail") or problem.get("title") or error.reason
        raise ApiError(f"{error.code} {message}") from None


def pending(base: str, key: str, year: int | None = None) -> Iterator[dict[str, Any]]:
    """Every declared employee waiting for an answer, page by page (keyset cursor)."""
    cursor = None
    while True:
        page = call(
            base,
            key,
            "GET",
            "/api/v1/exchanges/social-insurance/pending",
            query={"year": year, "cursor": cursor, "limit": 200},
        )
        yield from page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return


def load_records(path: str | None) -> dict[tuple[str, int], dict[str, Any]]:
    """The bureau's own extract: (ID number, year) -> months paid and paying unit."""
    records: dict[tuple[str, int], dict[str, Any]] = {}
    if not path:
        return records
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["身份证号"].strip().upper(), int(row["年度"]))
            records[key] = {"months": int(row["缴费月数"]), "unit": row.get("参保单位", "").strip()}
    return records


def lookup(records: dict[tuple[str, int], dict[str, Any]], item: dict[str, Any]) -> dict[str, Any]:
    """The answer for one declared employee (replace with the bureau's own look-up)."""
    found = records.get((item["id_number"].upper(), item["year"]))
    if found is None:
        return {"employee": item["employee"], "insured": False, "months": 0}
    return {
        "employee": item["employee"],
        "insured": found["months"] > 0,
        "months": min(found["months"], 12),
        "unit": found["unit"],
    }


def send(base: str, key: str, answers: list[dict[str, Any]]) -> dict[str, int]:
    totals = {"received": 0, "created": 0, "updated": 0}
    for start in range(0, len(answers), BATCH):
        result = call(
            base,
            key,
            "POST",
            "/api/v1/exchanges/social-insurance/answers",
            body={"answers": answers[start : start + BATCH]},
        )
        for name in totals:
            totals[name] += result.get(name, 0)
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="人社局社保核验：取待核验名单并回传结果")
    parser.add_argument("--url", default=os.environ.get("JIUYE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--key", default=os.environ.get("JIUYE_KEY", ""))
    parser.add_argument("--year", type=int, default=None, help="只核验这一年度的申报")
    parser.add_argument(
        "--records", default=None, help="社保缴费记录 CSV（身份证号,年度,缴费月数,参保单位）"
    )
    parser.add_argument("--dry-run", action="store_true", help="只显示将回传的结果，不提交")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("请用 --key 或环境变量 JIUYE_KEY 提供接口密钥")
    try:
        records = load_records(args.records)
        answers = [lookup(records, item) for item in pending(args.url, args.key, args.year)]
        if args.dry_run:
            json.dump(answers, sys.stdout, ensure_ascii=False, indent=2)
            print()
            return 0
        if not answers:
            print("没有待核验的申报职工。")
            return 0
        totals = send(args.url, args.key, answers)
    except ApiError as error:
        print(f"接口返回错误：{error}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as error:
        print(f"出错：{error}", file=sys.stderr)
        return 1
    print(
        f"已回传 {totals['received']} 人的核验结果"
        f"（新增 {totals['created']}，更新 {totals['updated']}）。"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
