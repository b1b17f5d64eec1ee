"""Bring a database loaded before the policy rows were dated by collection year in line with
quota_policy.csv.

``load_reference`` never overwrites or deletes a policy row once loaded (from then on the row
belongs to district staff, who correct it on the policy pages), so it cannot do this itself: a
loader that deleted the rows missing from the file would also delete the rows staff added for
their own region. This migration touches only the province rows (440000000000) that the earlier
file shipped and that nobody changed since (same wages, same source text, no document):

- a row the new file still has (same start date) takes the new file's dating and wording
  (财政部公告2019年第98号 and 2023年第8号 by collection year, the documents named);
- a row the new file no longer has (the yearly 2019, 2021, 2022, 2024–2027 rows) is deleted;
  when a declaration was computed with it, it is kept for that declaration but retired (in
  force on its first day only, so no declaration year picks it again).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

PROVINCE = "440000000000"
OLD_SOURCE = "《残疾人就业条例》；财税〔2015〕72号；"
NOTE = "工资数额为示范值，请按当地公布数据修改"
CAP_2 = "封顶2倍（2018年4月起）；"
OLD_TIERS = "财政部公告2019年第98号；财政部公告2023年第8号；" + CAP_2

# The earlier file's rows: start → (minimum wage, social average wage, source).
SHIPPED_BEFORE = {
    "2015-01-01": (1895, 53000, OLD_SOURCE + NOTE),
    "2015-10-01": (1895, 53000, OLD_SOURCE + "20人及以下小微企业免征（2015年10月起）；" + NOTE),
    "2016-01-01": (1895, 57000, OLD_SOURCE + NOTE),
    "2017-01-01": (1895, 61000, OLD_SOURCE + NOTE),
    "2017-04-01": (1895, 61000, OLD_SOURCE + "封顶3倍（2017年4月起）；" + NOTE),
    "2018-01-01": (2100, 66000, OLD_SOURCE + "封顶3倍（2017年4月起）；" + NOTE),
    "2018-04-01": (2100, 66000, OLD_SOURCE + CAP_2 + NOTE),
    "2019-01-01": (2100, 72000, OLD_SOURCE + CAP_2 + NOTE),
    "2020-01-01": (2100, 79000, OLD_TIERS + NOTE),
    "2021-01-01": (2300, 88000, OLD_TIERS + NOTE),
    "2022-01-01": (2300, 96000, OLD_TIERS + NOTE),
    "2023-01-01": (2300, 102000, OLD_TIERS + NOTE),
    "2024-01-01": (2300, 106000, OLD_TIERS + NOTE),
    "2025-01-01": (2500, 110000, OLD_TIERS + NOTE),
    "2026-01-01": (2500, 114000, OLD_TIERS + NOTE),
    "2027-01-01": (2500, 118000, OLD_TIERS + NOTE),
    "2028-01-01": (
        2500,
        118000,
        "财政部公告2023年第8号的减缴与免征执行至2027年底，之后待新规定；" + NOTE,
    ),
}
_DOC_2015 = "财税〔2015〕72号"
# What the current file says of the rows it kept (the fields that changed).
SHIPPED_NOW = {
    **{
        day: {"document": _DOC_2015}
        for day in (
            "2015-01-01",
            "2015-10-01",
            "2016-01-01",
            "2017-01-01",
            "2017-04-01",
            "2018-01-01",
            "2018-04-01",
        )
    },
    "2020-01-01": {
        "valid_until": dt.date(2022, 12, 31),
        "date_basis": "collection",
        "document": "财政部公告2019年第98号",
        "source": "分档减缴、30人及以下企业免征、封顶2倍，征收年度2020—2022年"
        "（2019—2021年度数据）；" + NOTE,
    },
    "2023-01-01": {
        "valid_until": dt.date(2027, 12, 31),
        "date_basis": "collection",
        "social_average_wage": Decimal(106000),
        "document": "财政部公告2023年第8号",
        "source": "延续分档减缴和30人及以下企业免征，征收年度2023—2027年"
        "（2022—2026年度数据）；" + NOTE,
    },
    "2028-01-01": {
        "date_basis": "collection",
        "document": "《残疾人就业条例》；财税〔2015〕72号",
        "source": "财政部公告2023年第8号的减缴与免征到征收年度2027年底为止，之后待新规定；"
        "封顶2倍（财税〔2018〕39号）；" + NOTE,
    },
}
RETIRED = "（已由按征收年度的参数取代，只为按它计算过的申报保留）"


def _untouched(row, minimum_wage, average_wage, source) -> bool:
    return (
        row.minimum_wage == minimum_wage
        and row.social_average_wage == average_wage
        and row.source == source
        and row.document == ""
        and row.date_basis == "data"
        and row.valid_until is None
    )


def forwards(apps, schema_editor):
    QuotaPolicy = apps.get_model("reference", "QuotaPolicy")
    Declaration = apps.get_model("employers", "Declaration")
    rows = QuotaPolicy.objects.filter(
        region__code=PROVINCE,
        valid_from__in=[dt.date.fromisoformat(day) for day in SHIPPED_BEFORE],
    )
    for row in rows:
        day = row.valid_from.isoformat()
        if not _untouched(row, *SHIPPED_BEFORE[day]):
            continue  # changed by staff since: theirs to correct on the policy pages
        if day in SHIPPED_NOW:
            for name, value in SHIPPED_NOW[day].items():
                setattr(row, name, value)
            row.save()
        elif Declaration.objects.filter(policy=row).exists():
            row.valid_until = row.valid_from
            row.source = (row.source + RETIRED)[:300]
            row.save()
        else:
            row.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0002_dated_policy_rows_and_retirement_reform"),
        ("employers", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
