"""Demo graduates (action 七) for the synthetic district: the education bureau's list, sent
through the ``graduates`` import kind as the district would, for about thirty young registered
persons (last year's, this year's and next year's graduates) and four students the registry
does not know yet (the unmatched rows the district registers or rejects). Deterministic for a
seed; a second run changes nothing (the import matches its lines by their natural key)."""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.core.importing import run_import
from jiuye.core.validators import resident_id_check_char
from jiuye.people.models import Person

SCHOOLS = [
    ("广州大学", "本科", ("软件工程", "会计学", "汉语言文学")),
    ("广东轻工职业技术学院", "高职（专科）", ("电子商务", "工业设计")),
    ("广州市残疾人职业技术学校", "中职", ("中医康复保健", "计算机应用")),
    ("华南师范大学", "硕士研究生", ("特殊教育",)),
]
HEADERS = ["姓名", "身份证号", "学校", "专业", "学历层次", "入学年份", "预计毕业年份", "联系电话"]
YEARS = {"本科": 4, "高职（专科）": 3, "中职": 3, "硕士研究生": 3}
UNREGISTERED = ["陈思远", "林晓雨", "黄子涵", "周嘉怡"]


def _row(rng: random.Random, name: str, id_number: str, year: int) -> list[str]:
    school, level, majors = rng.choice(SCHOOLS)
    entry = year - YEARS[level]
    phone = f"139{rng.randrange(10**8):08d}"
    return [name, id_number, school, rng.choice(majors), level, str(entry), str(year), phone]


@seeder("graduates exchanged with the education bureau", order=77)
def demo_graduates(*, seed: int, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    rng = random.Random(seed + 7)
    young = Person.objects.filter(
        archived_at__isnull=True, birth_date__gte=dt.date(today.year - 27, 1, 1)
    ).order_by("id_number_index")[:30]
    years = (today.year - 1, today.year, today.year + 1)
    rows = [_row(rng, p.name, p.id_number, rng.choice(years)) for p in young]
    for n, name in enumerate(UNREGISTERED):
        first17 = f"440199{today.year - 22}0{n + 1}15{n + 5:03d}"
        rows.append(_row(rng, name, first17 + resident_id_check_char(first17), today.year))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graduates.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(rows)
        result = run_import(kind="graduates", path=path, dry_run=False)
    return result.created
