"""The annual report written into the district's Word template: cover, summary, one section per
action (tasks, departments, approved reports, indicator table, chart), the towns, problems and
next steps, and an appendix of data sources and the time of the figures.

Every paragraph uses one of the template's named styles (``template``), so restyling the
template restyles the report. ``progress(step, steps)`` is told after each part, for the page's
progress bar."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm

from jiuye.dashboards.selectors.report import (
    Figure,
    ReportContent,
    ReportError,
    Section,
    TownLine,
    number_text,
)
from jiuye.dashboards.services import report_charts as charts
from jiuye.dashboards.services import report_template as names

Progress = Callable[[int, int], None]

INDICATOR_HEADERS = ("指标", "目标", "完成值", "完成比例", "状态")
TOWN_HEADERS = ("镇街", "设目标的指标", "已达到目标", "未达到目标", "完成比例最低的指标")
CHART_WIDTH = Cm(15.5)


def template_path() -> Path:
    return Path(settings.JIUYE_REPORT_TEMPLATE or names.SHIPPED)


def open_template() -> DocumentType:
    """The template with its body emptied (its styles, header, footer and page setup kept)."""
    path = template_path()
    if not path.is_file():
        raise ReportError(
            _("找不到年度报告模板 %(path)s（JIUYE_REPORT_TEMPLATE）。") % {"path": path}
        )
    try:
        document = Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is not .docx
        raise ReportError(
            _("年度报告模板 %(path)s 不是有效的 Word（.docx）文件。") % {"path": path}
        ) from exc
    have = {style.name for style in document.styles}
    missing = [name for name in names.STYLES if name not in have]
    if missing:
        raise ReportError(
            _("年度报告模板缺少样式：%(names)s。请在 Word 中恢复这些样式，或改用随产品提供的模板。")
            % {"names": "、".join(missing)}
        )
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _unit(value: str, unit: str) -> str:
    return f"{value} {unit}".strip()


def _value_cells(figure: Figure) -> list[str]:
    return [
        figure.name,
        _unit(number_text(figure.target), figure.unit) if figure.target is not None else "—",
        _unit(number_text(figure.value), figure.unit),
        f"{figure.rate}%" if figure.rate is not None else "—",
        figure.status,
    ]


def _table(document: DocumentType, headers: tuple[str, ...], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers), style=names.TABLE)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = _(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    # The header row repeats on every page the table runs over.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = tr_pr.makeelement(qn("w:tblHeader"), {})
    tr_pr.append(repeat)
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def _chart(
    document: DocumentType,
    number: int,
    title: str,
    bars: list[charts.Bar],
    reference: Decimal | None = None,
    scale: Decimal | None = None,
) -> int:
    """A chart with its caption and its description for screen readers; the next number."""
    if not bars:
        return number
    png = charts.bar_chart(title, bars, reference=reference, scale=scale)
    document.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    picture = document.paragraphs[-1]
    described = "；".join(f"{b.label} {b.text}" for b in bars)
    for doc_pr in picture._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", f"{title}：{described}")
    document.add_paragraph(
        _("图%(n)d %(title)s（数字见上表）") % {"n": number, "title": title}, names.CAPTION
    )
    return number + 1


def _rate_bars(figures: list[Figure]) -> list[charts.Bar]:
    return [
        charts.Bar(label=f.name, value=f.rate, text=f"{f.rate}%", met=not f.behind)
        for f in figures
        if f.rate is not None
    ]


def _cover(document: DocumentType, content: ReportContent) -> None:
    document.add_paragraph(
        _("%(region)s%(year)d年度残疾人就业促进行动工作报告")
        % {"region": content.region.name, "year": content.year},
        names.COVER_TITLE,
    )
    document.add_paragraph(content.plan.name, names.COVER_SUBTITLE)
    document.add_paragraph(
        _("%(district)s残疾人联合会") % {"district": settings.JIUYE_DISTRICT_NAME},
        names.COVER_SUBTITLE,
    )
    document.add_paragraph(_figures_time(content), names.COVER_SUBTITLE)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _figures_time(content: ReportContent) -> str:
    if content.frozen_at is not None:
        return _("数据为%(time)s冻结的年度数字") % {
            "time": timezone.localtime(content.frozen_at).strftime("%Y年%m月%d日 %H:%M")
        }
    return _("数据截至%(time)s（实时数）") % {
        "time": timezone.localtime(content.generated_at).strftime("%Y年%m月%d日 %H:%M")
    }


def _summary(document: DocumentType, content: ReportContent) -> None:
    document.add_paragraph(_("一、总体情况"), names.HEADING_1)
    targeted = content.targeted
    document.add_paragraph(
        _(
            "%(year)d年，%(region)s按照《%(plan)s》推进%(actions)d项行动、%(tasks)d项任务。"
            "共设定目标的指标%(targeted)d项，已达到目标%(met)d项，未达到目标%(behind)d项；"
            "应报送的年度进展报告%(owed)d份，已审核通过%(accepted)d份。"
        )
        % {
            "year": content.year,
            "region": content.region.name,
            "plan": content.plan.name,
            "actions": len(content.sections),
            "tasks": sum(len(s.tasks) for s in content.sections),
            "targeted": len(targeted),
            "met": content.met,
            "behind": content.behind,
            "owed": content.owed,
            "accepted": content.accepted,
        },
        names.BODY,
    )
    if content.general:
        document.add_paragraph(_("综合指标"), names.HEADING_3)
        _table(document, INDICATOR_HEADERS, [_value_cells(f) for f in content.general])


def _section(document: DocumentType, section: Section, chart_number: int) -> int:
    action = section.action
    document.add_paragraph(f"（{action.numeral}）{action.title}", names.HEADING_2)
    document.add_paragraph(_("工作任务目标：") + action.targets, names.BODY)
    document.add_paragraph(_("责任部门：") + section.departments, names.BODY)
    document.add_paragraph(_("任务与责任部门"), names.HEADING_3)
    if not section.tasks:
        document.add_paragraph(_("本行动没有分解任务。"), names.BODY)
    for line in section.tasks:
        parts = [f"{line.task.code} {line.task.title}"]
        if line.lead:
            parts.append(_("牵头：%(d)s") % {"d": "、".join(line.lead)})
        if line.others:
            parts.append(_("配合：%(d)s") % {"d": "、".join(line.others)})
        document.add_paragraph("；".join(parts), names.LIST)
    document.add_paragraph(_("工作进展（已审核通过的进展报告）"), names.HEADING_3)
    if not section.reports:
        document.add_paragraph(_("本年度没有已审核通过的进展报告。"), names.BODY)
    for approved in section.reports:
        report = approved.report
        reviewed = (
            timezone.localtime(report.reviewed_at).strftime("%Y年%m月%d日")
            if report.reviewed_at
            else "—"
        )
        document.add_paragraph(
            _(
                "%(code)s · %(dept)s · %(period)s"
                "（报送人：%(author)s；%(reviewer)s于%(when)s审核通过）"
            )
            % {
                "code": approved.task.code,
                "dept": report.department.name,
                "period": report.period.name,
                "author": approved.author or "—",
                "reviewer": approved.reviewer or "",
                "when": reviewed,
            },
            names.BODY,
        )
        document.add_paragraph(report.narrative, names.QUOTE)
        if report.figures:
            document.add_paragraph(_("主要数据：") + report.figures, names.QUOTE)
    document.add_paragraph(_("指标完成情况"), names.HEADING_3)
    if section.figures:
        _table(document, INDICATOR_HEADERS, [_value_cells(f) for f in section.figures])
        chart_number = _chart(
            document,
            chart_number,
            _("（%(n)s）各指标完成比例") % {"n": action.numeral},
            _rate_bars(section.figures),
            reference=Decimal(100),
        )
    else:
        document.add_paragraph(_("本行动没有系统计算的指标。"), names.BODY)
    return chart_number


def _town_cells(line: TownLine) -> list[str]:
    worst = line.furthest_behind
    return [
        line.town.name,
        str(len(line.targeted)),
        str(line.met),
        str(line.behind),
        f"{worst.name} {worst.rate}%" if worst else "—",
    ]


def _towns(document: DocumentType, content: ReportContent, chart_number: int) -> int:
    document.add_paragraph(_("三、各镇街情况"), names.HEADING_1)
    document.add_paragraph(
        _("各镇街设定目标的指标及完成情况（目标由区残联按镇街设定）。"), names.BODY
    )
    _table(document, TOWN_HEADERS, [_town_cells(line) for line in content.towns])
    bars = [
        charts.Bar(
            label=line.town.name,
            value=Decimal(line.met),
            text=_("%(met)d／%(all)d项") % {"met": line.met, "all": len(line.targeted)},
        )
        for line in content.towns
        if line.targeted
    ]
    most = max((len(line.targeted) for line in content.towns), default=0)
    return _chart(document, chart_number, _("各镇街已达到目标的指标数"), bars, scale=Decimal(most))


def _problems(document: DocumentType, content: ReportContent) -> None:
    """Chapters four and five: first what the approved reports wrote, under each action's name
    (task · department: text); then the computed lines, under their own heading when reports'
    lines precede them."""
    chapters = [
        (
            _("四、存在的问题"),
            [(s, s.problems) for s in content.sections if s.problems],
            content.problems,
            _("指标和报送情况反映的问题"),
            _("各项指标均已达到目标，年度进展报告均已审核通过。"),
        ),
        (
            _("五、下一步工作"),
            [(s, s.next_steps) for s in content.sections if s.next_steps],
            content.next_steps,
            _("补齐差距、督促报送"),
            _("巩固已达到的目标，按方案继续推进各项任务。"),
        ),
    ]
    for title, notes, lines, lines_heading, nothing in chapters:
        document.add_paragraph(title, names.HEADING_1)
        for section, section_notes in notes:
            action = section.action
            document.add_paragraph(f"（{action.numeral}）{action.title}", names.HEADING_3)
            for note in section_notes:
                document.add_paragraph(
                    _("%(code)s · %(dept)s：%(text)s")
                    % {"code": note.task.code, "dept": note.department, "text": note.text},
                    names.LIST,
                )
        if notes and lines:
            document.add_paragraph(lines_heading, names.HEADING_3)
        for text in lines or ([] if notes else [nothing]):
            document.add_paragraph(text, names.LIST)


def _appendix(document: DocumentType, content: ReportContent) -> None:
    document.add_paragraph(_("附：数据来源与数据时间"), names.HEADING_1)
    if content.frozen_at is not None:
        document.add_paragraph(
            _(
                "本报告的指标数字为%(year)d年度冻结数：%(by)s于%(time)s冻结，此后业务数据的变化"
                "不影响本报告。"
            )
            % {
                "year": content.year,
                "by": content.frozen_by or _("区残联"),
                "time": timezone.localtime(content.frozen_at).strftime("%Y年%m月%d日 %H:%M"),
            },
            names.BODY,
        )
    else:
        document.add_paragraph(
            _(
                "本报告的指标数字为实时数，由系统业务数据于%(time)s计算；该年度尚未冻结，"
                "之后生成的报告可能不同。"
            )
            % {"time": timezone.localtime(content.generated_at).strftime("%Y年%m月%d日 %H:%M")},
            names.BODY,
        )
    document.add_paragraph(
        _(
            "指标目标来自“指标目标”页面设定的%(year)d年度%(region)s目标；"
            "完成比例 = 完成值 ÷ 目标 × 100%%。"
        )
        % {"year": content.year, "region": content.region.name},
        names.BODY,
    )
    for source in content.sources:
        document.add_paragraph(
            _("%(source)s：%(names)s")
            % {"source": source.name, "names": "、".join(source.indicators)},
            names.LIST,
        )
    document.add_paragraph(
        _("报告生成时间：%(time)s")
        % {"time": timezone.localtime(content.generated_at).strftime("%Y年%m月%d日 %H:%M")},
        names.BODY,
    )


def report_docx(content: ReportContent, progress: Progress | None = None) -> bytes:
    """The report as .docx bytes."""
    charts.font_check()
    steps = len(content.sections) + 4
    tell = progress or (lambda step, total: None)
    document = open_template()
    _cover(document, content)
    _summary(document, content)
    tell(1, steps)
    document.add_paragraph(_("二、各项行动进展"), names.HEADING_1)
    chart_number = 1
    for index, section in enumerate(content.sections, start=2):
        chart_number = _section(document, section, chart_number)
        tell(index, steps)
    chart_number = _towns(document, content, chart_number)
    tell(steps - 2, steps)
    _problems(document, content)
    _appendix(document, content)
    tell(steps - 1, steps)
    out = io.BytesIO()
    document.save(out)
    tell(steps, steps)
    return out.getvalue()
