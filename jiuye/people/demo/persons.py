"""Demo persons: realistic synthetic persons (:mod:`jiuye.people.demo.synthetic`) written
straight to the tables in bulk rather than through the import framework, so a demo database with
thousands of persons takes seconds. Idempotent: a person whose ID number is already registered
(by its blind index) is skipped, so running it again creates nothing."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import translation

from jiuye.core.audit import audit_bulk
from jiuye.core.crypto import blind_index
from jiuye.core.tallies import mark_dirty
from jiuye.core.validators import resident_id_birth_date, resident_id_sex
from jiuye.people.demo.synthetic import HARD_TO_EMPLOY_OFFICE, Village, generate_persons
from jiuye.people.models import (
    AssistiveNeed,
    Education,
    HukouType,
    MaritalStatus,
    MonitoringCategory,
    Person,
    WishToWork,
)
from jiuye.people.services import CERTIFICATE_INDEX_PURPOSE, id_number_index

CHUNK = 2_000
HUKOU = {"农业": HukouType.RURAL, "非农业": HukouType.URBAN}
WISH = {"有": WishToWork.YES, "无": WishToWork.NO, "不清楚": WishToWork.UNKNOWN}


def _labels_to_codes(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    # Labels are lazy translations: read them in Chinese whatever language is active.
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices}


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _chunks(rows: Iterator[dict[str, str]], size: int) -> Iterator[list[dict[str, str]]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


@transaction.atomic
def demo_persons(*, persons: int, seed: int, villages: list[Village]) -> tuple[int, int]:
    """Write the first ``persons`` synthetic persons of ``seed``; returns (created, skipped)."""
    codes = {
        "education": _labels_to_codes(Education.choices),
        "marital": _labels_to_codes(MaritalStatus.choices),
        "monitoring": _labels_to_codes(MonitoringCategory.choices),
        "needs": _labels_to_codes(AssistiveNeed.choices),
    }
    created = skipped = 0
    rows = generate_persons(persons, seed=seed, villages=villages)
    for chunk in _chunks(rows, CHUNK):
        indexed = [(id_number_index(row["身份证号"]), row) for row in chunk]
        existing = set(
            Person.objects.filter(id_number_index__in=[index for index, _ in indexed]).values_list(
                "id_number_index", flat=True
            )
        )
        new = [_person(row, index, codes) for index, row in indexed if index not in existing]
        Person.objects.bulk_create(new, batch_size=CHUNK)
        # Straight to the table: their villages' coverage tallies, if any were counted before,
        # are marked, so the casework seeder's writes recount them instead of moving them by a
        # delta from counts that do not hold these persons (ADR 0005).
        mark_dirty({person.region_id for person in new})
        audit_bulk(
            model=Person,
            changes=(
                (
                    person,
                    {
                        "name": (None, person.name),
                        "region": (None, person.region_id),
                        "category": (None, person.category_id),
                        "grade": (None, person.grade_id),
                    },
                )
                for person in new
            ),
            action=LogEntry.Action.CREATE,
            batch=f"demo_data seed={seed}",
        )
        created += len(new)
        skipped += len(existing)
    return created, skipped


def _person(row: dict[str, str], index: str, codes: dict[str, dict[str, str]]) -> Person:
    id_number = row["身份证号"]
    certificate = row["残疾人证号"]
    hard_to_employ = _date(row["就业困难认定日期"])
    return Person(
        name=row["姓名"],
        id_number=id_number,
        id_number_index=index,
        sex=resident_id_sex(id_number),
        birth_date=resident_id_birth_date(id_number),
        ethnicity=row["民族"],
        phone=row["联系电话"],
        address=row["住址"],
        region_id=row["村社区代码"],
        certificate_number=certificate,
        certificate_index=blind_index(certificate, purpose=CERTIFICATE_INDEX_PURPOSE),
        category_id=int(row["残疾类别"]),
        grade_id=int(row["残疾等级"]),
        hukou_type=HUKOU[row["户口性质"]],
        education=codes["education"][row["文化程度"]],
        is_student=row["在校学生"] == "是",
        school=row["学校"],
        major=row["专业"],
        graduation_year=int(row["毕业年份"]) if row["毕业年份"] else None,
        marital_status=codes["marital"][row["婚姻状况"]],
        monitoring_category=codes["monitoring"].get(row["防返贫监测类别"], ""),
        monitoring_identified=_date(row["纳入监测日期"]),
        hard_to_employ_date=hard_to_employ,
        hard_to_employ_reasons=row["就业困难认定原因"],
        hard_to_employ_office=HARD_TO_EMPLOY_OFFICE if hard_to_employ else "",
        low_income=row["低保"] == "是",
        wish_to_work=WISH[row["就业意愿"]],
        skills=row["技能特长"],
        assistive_needs=[codes["needs"][label] for label in row["无障碍需求"].split("、") if label],
    )
