"""The annual report's content: it opens, every action has its section, every figure in its
tables is the plan dashboard's figure of that year and scope, and a frozen year's report
does not change when records do."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import VILLAGE_A, VILLAGE_B, register_person
from jiuye.actionplan.selectors import indicator_rows
from jiuye.actionplan.services.targets import year_freeze
from jiuye.core.indicators import registry
from jiuye.dashboards.selectors.report import ReportError
from jiuye.dashboards.services.report import report_write
from jiuye.dashboards.services.report_document import INDICATOR_HEADERS, TOWN_HEADERS
from jiuye.dashboards.tests.conftest import (
    REPORT_PROBLEMS,
    REPORT_STEPS,
    YEAR,
    read_docx,
    tables_of,
)
from jiuye.reference.models import Region
from jiuye.reference.selectors import district_and_towns


@pytest.fixture
def plan(plan_built_once):  # noqa: ANN001, ANN201
    """The plan, built once for this module (conftest.plan_built_once): the one test here without
    it reads no database, and none commits."""
    return plan_built_once


pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2025, 1, 10, 9, 0))


def _expected(region: Region) -> dict[str, tuple[Any, ...]]:
    """What the dashboard says of each indicator: (target, value, rate, status), the value
    the frozen one when there is one."""
    out = {}
    for row in indicator_rows(region=region, year=YEAR, drill_down=False):
        value = row.frozen if row.frozen is not None else row.actual
        rate = (value / row.target * 100).quantize(Decimal("0.1")) if row.target else None
        status = "未设目标" if rate is None else "✔ 已达到目标" if rate >= 100 else "▲ 未达到目标"
        out[str(row.indicator.name)] = (row.target, value, rate, status)
    return out


def _number(cell: str) -> Decimal | None:
    if cell == "—":
        return None
    return Decimal(cell.split()[0].removesuffix("%"))


def _indicator_lines(document: Any) -> dict[str, tuple[Any, ...]]:
    lines: dict[str, tuple[Any, ...]] = {}
    for header, rows in tables_of(document):
        if header != INDICATOR_HEADERS:
            continue
        for name, target, value, rate, status in rows:
            assert name not in lines, f"{name} is in two tables"
            lines[name] = (_number(target), _number(value), _number(rate), status)
    return lines


def _towns_table(document: Any) -> list[list[str]]:
    return next(rows for header, rows in tables_of(document) if header == TOWN_HEADERS)


def _figures_in(document: Any, pattern: str) -> list[tuple[Any, ...]]:
    """The name and numbers of every paragraph matching ``pattern``."""
    found = []
    for paragraph in document.paragraphs:
        match = re.match(pattern, paragraph.text)
        if match:
            name, *numbers = match.groups()
            found.append((name, *(Decimal(n) for n in numbers)))
    return found


def _assert_numbers(document: Any, region: Region, towns: list[Region]) -> None:
    expected = _expected(region)
    assert len(expected) == len(registry.all())
    assert _indicator_lines(document) == expected
    town_rows = _towns_table(document)
    assert [row[0] for row in town_rows] == [t.name for t in towns]
    for row, town in zip(town_rows, towns, strict=True):
        figures = _expected(town).items()
        targeted = [(name, f) for name, f in figures if f[2] is not None]
        met = sum(1 for _n, f in targeted if f[2] >= 100)
        assert row[1:4] == [str(len(targeted)), str(met), str(len(targeted) - met)]
        behind = [(f[2], name) for name, f in targeted if f[2] < 100]
        worst = min(behind, key=lambda b: b[0]) if behind else None  # the first of the lowest
        assert row[4] == (f"{worst[1]} {worst[0]}%" if worst else "—")
    # The problems and next steps restate the figures behind their targets: the same numbers.
    problem = r"^(.+)：完成([\d.]+)\D*，目标([\d.]+)\D*，完成比例([\d.]+)%。$"
    problems = _figures_in(document, problem)
    behind = {n: f for n, f in expected.items() if f[2] is not None and f[2] < 100}
    assert {n: (t, v, r) for n, v, t, r in problems} == {
        n: (f[0], f[1], f[2]) for n, f in behind.items()
    }
    steps = _figures_in(document, r"^(.+)：距年度目标还差([\d.]+)\D*，由.+抓紧推进。$")
    assert dict(steps) == {n: f[0] - f[1] for n, f in behind.items()}
    summary = next(p.text for p in document.paragraphs if "共设定目标的指标" in p.text)
    targeted = [f for f in expected.values() if f[2] is not None]
    met = sum(1 for f in targeted if f[2] >= 100)
    assert f"共设定目标的指标{len(targeted)}项，已达到目标{met}项" in summary


def test_the_report_opens_and_every_action_has_its_section(report_world) -> None:  # noqa: ANN001
    document = read_docx(report_write(year=YEAR, region=report_world["district"], now=NOW))
    sections = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    actions = report_world["plan"].actions.order_by("number")
    assert sections == [f"（{a.numeral}）{a.title}" for a in actions]
    assert len(sections) == 10
    text = "\n".join(p.text for p in document.paragraphs)
    # The approved reports' text, who wrote it and who approved it when.
    assert "区人社局全年开展就业服务。" in text
    assert "东城街道逐户走访就业困难残疾人。" in text
    assert "报送人：liaison" in text and "district（" in text and "审核通过" in text
    # The reviewers' comments are among the problems; the appendix names the time of figures.
    assert "审核意见：请补充参会名单" in text
    assert "实时数" in text and "2025年01月10日 09:00" in text
    assert len(document.inline_shapes) >= 2  # charts of targeted indicators and of the towns
    descriptions = [
        el.get("descr") for el in document.element.body.iter() if el.tag.endswith("}docPr")
    ]
    assert all(descriptions) and "各镇街已达到目标的指标数" in descriptions[-1]


def _chapter(document: Any, title: str) -> list[Any]:
    """The paragraphs of the chapter (Heading 1) named ``title``, up to the next chapter."""
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == title) + 1
    end = next(
        (i for i in range(start, len(paragraphs)) if paragraphs[i].style.name == "Heading 1"),
        len(paragraphs),
    )
    return paragraphs[start:end]


def _by_action(chapter: list[Any]) -> dict[str, list[str]]:
    """The chapter's lines under each Heading 3, by that heading."""
    out: dict[str, list[str]] = {}
    heading = ""
    for paragraph in chapter:
        if paragraph.style.name == "Heading 3":
            heading = paragraph.text
            out[heading] = []
        else:
            out.setdefault(heading, []).append(paragraph.text)
    return out


@pytest.mark.parametrize(
    ("title", "notes", "computed"),
    [
        ("四、存在的问题", REPORT_PROBLEMS, r"的年度进展报告尚未通过审核。$"),
        ("五、下一步工作", REPORT_STEPS, r"^督促.+报送.+任务的进展报告。$"),
    ],
)
def test_the_reports_problems_and_next_steps_lead_under_their_actions(
    report_world, title: str, notes: list[tuple[int, str, str]], computed: str
) -> None:  # noqa: ANN001
    document = read_docx(report_write(year=YEAR, region=report_world["district"], now=NOW))
    chapter = _chapter(document, title)
    sections = _by_action(chapter)
    actions = {a.number: a for a in report_world["plan"].actions.all()}
    for number, department, text in notes:
        action = actions[number]
        heading = f"（{action.numeral}）{action.title}"
        assert any(line.endswith(f"{department}：{text}") for line in sections[heading]), (
            f"{text} is not under {heading}"
        )
    # The actions come in the plan's order and carry only their own reports' lines.
    headings = [p.text for p in chapter if p.style.name == "Heading 3"]
    numbers = sorted({n for n, *_ in notes})
    expected = [f"（{actions[n].numeral}）{actions[n].title}" for n in numbers]
    assert headings[: len(expected)] == expected
    assert len(sections[expected[0]]) == sum(1 for n, *_ in notes if n == 2)
    # The computed lines (figures behind target, reports owed) follow, under their own heading.
    texts = [p.text for p in chapter]
    first_note = min(i for i, t in enumerate(texts) if any(t.endswith(n[2]) for n in notes))
    computed_lines = [i for i, t in enumerate(texts) if re.search(computed, t)]
    assert computed_lines and min(computed_lines) > first_note
    assert len(headings) == len(expected) + 1


def test_a_towns_report_leads_with_its_own_reports_problems_only(report_world) -> None:  # noqa: ANN001
    document = read_docx(report_write(year=YEAR, region=report_world["town"], now=NOW))
    text = "\n".join(p.text for p in _chapter(document, "四、存在的问题"))
    own = [t for _n, dept, t in REPORT_PROBLEMS if dept == "东城街道"]
    others = [t for _n, dept, t in REPORT_PROBLEMS if dept != "东城街道"]
    assert own and all(t in text for t in own)
    assert not any(t in text for t in others)


def test_every_number_is_the_indicator_value_of_the_district(report_world) -> None:  # noqa: ANN001
    document = read_docx(report_write(year=YEAR, region=report_world["district"], now=NOW))
    _district, towns = district_and_towns()
    _assert_numbers(document, report_world["district"], towns)
    # The figures are not all zero: the test compares something.
    lines = _indicator_lines(document)
    assert any(value for _t, value, _r, _s in lines.values())
    assert sum(rate is not None for _t, _v, rate, _s in lines.values()) == 2


def test_a_towns_report_has_the_towns_figures_and_reports_only(report_world) -> None:  # noqa: ANN001
    town = report_world["town"]
    document = read_docx(report_write(year=YEAR, region=town, now=NOW))
    _assert_numbers(document, town, [town])
    text = "\n".join(p.text for p in document.paragraphs)
    assert "东城街道逐户走访就业困难残疾人。" in text
    assert "区人社局全年开展就业服务。" not in text
    assert document.paragraphs[0].text == f"东城街道{YEAR}年度残疾人就业促进行动工作报告"


def _content(document: Any) -> tuple[Any, list[str]]:
    paragraphs = [p.text for p in document.paragraphs if not p.text.startswith("报告生成时间")]
    return tables_of(document), paragraphs


def _live(region: Region) -> dict[str, Decimal]:
    # A fresh Region: figures once computed are kept on the instance.
    fresh = Region.objects.get(pk=region.pk)
    return {r.indicator.code: r.actual for r in indicator_rows(region=fresh, year=YEAR)}


def test_a_frozen_year_gives_the_same_report_tomorrow(report_world, personas) -> None:  # noqa: ANN001
    district, towns = district_and_towns()
    year_freeze(year=YEAR, regions=[district, *towns], by=personas["district"])
    first = read_docx(report_write(year=YEAR, region=district, now=NOW))
    live_before = _live(district)
    for seq, village in ((601, VILLAGE_A), (602, VILLAGE_B), (603, VILLAGE_B)):
        register_person(seq, f"冻结后{seq}", village)
    live_after = _live(district)
    assert live_after != live_before  # the records changed the live figures
    later = read_docx(report_write(year=YEAR, region=district, now=NOW + dt.timedelta(days=1)))
    assert _content(later) == _content(first)
    _assert_numbers(later, *district_and_towns())
    text = "\n".join(p.text for p in later.paragraphs)
    assert "冻结数" in text and "实时数" not in text


def test_a_year_outside_every_plan_is_refused_in_words(report_world) -> None:  # noqa: ANN001
    with pytest.raises(ReportError, match=r"2019年不在任何行动方案的年度内.*2022–2024年"):
        report_write(year=2019, region=report_world["district"], now=NOW)


def test_a_missing_font_is_refused_in_words(report_world, settings) -> None:  # noqa: ANN001
    settings.JIUYE_REPORT_FONT = "/nowhere/font.ttc"
    with pytest.raises(ReportError, match="找不到报告图表用的中文字体文件 /nowhere/font.ttc"):
        report_write(year=YEAR, region=report_world["district"], now=NOW)


def test_the_report_takes_its_styles_and_letterhead_from_the_districts_template(
    report_world, settings, tmp_path
) -> None:  # noqa: ANN001
    from docx.shared import Pt

    from jiuye.dashboards.services.report_template import SHIPPED

    own = read_docx(SHIPPED.read_bytes())
    own.styles["Heading 1"].font.size = Pt(20)
    own.sections[0].header.paragraphs[0].text = "示范区残疾人联合会文件"
    own.save(str(tmp_path / "own.docx"))
    settings.JIUYE_REPORT_TEMPLATE = str(tmp_path / "own.docx")
    document = read_docx(report_write(year=YEAR, region=report_world["district"], now=NOW))
    assert document.sections[0].header.paragraphs[0].text == "示范区残疾人联合会文件"
    assert document.styles["Heading 1"].font.size == Pt(20)
    # The template's sample text is not in the report.
    assert not any("样式示例" in p.text for p in document.paragraphs)
    del own.styles["Quote"]._element.getparent()[
        list(own.styles["Quote"]._element.getparent()).index(own.styles["Quote"]._element)
    ]
    own.save(str(tmp_path / "broken.docx"))
    settings.JIUYE_REPORT_TEMPLATE = str(tmp_path / "broken.docx")
    with pytest.raises(ReportError, match="年度报告模板缺少样式：Quote"):
        report_write(year=YEAR, region=report_world["district"], now=NOW)
    settings.JIUYE_REPORT_TEMPLATE = str(tmp_path / "nowhere.docx")
    with pytest.raises(ReportError, match="找不到年度报告模板"):
        report_write(year=YEAR, region=report_world["district"], now=NOW)


def test_report_numbers_are_written_plainly() -> None:
    from jiuye.dashboards.selectors.report import number_text

    assert number_text(Decimal("1E+2")) == "100"
    assert number_text(Decimal("12.50")) == "12.5"
    assert re.fullmatch(r"\d+", number_text(Decimal("122085.0000")))
