"""The review confirmation (审核确认书) of a confirmed declaration, as a Word document: the
employer, the year, every figure of the computation and its worked steps, the reviewer and the
date. No person is named in it: it goes to the employer and on to the tax authority."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from jiuye.employers.models import Declaration
from jiuye.employers.selectors import figure
from jiuye.employers.services.levy import rule_sentence

FONT = "SimSun"


def _yuan(value: object) -> str:
    return _("%(amount)s 元") % {"amount": f"{value:,.2f}"}


def confirmation_docx(declaration: Declaration) -> bytes:
    employer = declaration.employer
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    # East Asian text takes its font from this attribute, not from font.name.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    document.core_properties.title = _("按比例安排残疾人就业审核确认书")
    document.core_properties.language = "zh-CN"

    heading = document.add_heading(_("按比例安排残疾人就业审核确认书"), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        _("%(year)d年度（第%(version)d版）")
        % {"year": declaration.year, "version": declaration.version}
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading(_("用人单位"), level=2)
    _table(
        document,
        [
            (_("单位名称"), employer.name),
            (_("统一社会信用代码"), employer.uscc),
            (_("单位类型"), employer.get_kind_display()),
            (_("申报年度"), str(declaration.year)),
        ],
    )

    document.add_heading(_("审核结果"), level=2)
    rows = [
        (_("在职职工人数"), figure(declaration.staff)),
        (_("应安排残疾人数"), figure(declaration.required)),
        (_("已安排残疾人数（按规定折算）"), figure(declaration.counted)),
        (_("差额人数"), figure(declaration.shortfall)),
        (_("计征工资（职工年平均工资，按规定封顶）"), _yuan(declaration.wage_used)),
        (_("减缴前应缴保障金"), _yuan(declaration.levy_before)),
        (_("应缴残疾人就业保障金"), _yuan(declaration.levy_payable)),
        (
            _("小微企业免征"),
            _("是，免征") if declaration.exempt else _("否"),
        ),
        (_("是否达到规定比例"), _("是") if declaration.met else _("否")),
    ]
    _table(document, rows)

    document.add_heading(_("计算过程"), level=2)
    for number, step in enumerate(declaration.steps, start=1):
        formula = f"{step['formula']} = " if step.get("formula") else ""
        document.add_paragraph(f"{number}. {step['label']}：{formula}{step['value']}")
    if declaration.policy_id:
        policy = declaration.policy
        document.add_paragraph(
            _("适用政策：%(region)s，%(rule)s，安排比例 %(ratio)s%%。%(source)s")
            % {
                "region": policy.region,
                "rule": rule_sentence(policy),
                "ratio": figure(policy.ratio * 100),
                "source": policy.source,
            }
        )

    document.add_heading(_("审核"), level=2)
    reviewer = declaration.confirmed_by
    confirmed = timezone.localtime(declaration.confirmed_at) if declaration.confirmed_at else None
    _table(
        document,
        [
            (_("审核人"), str(reviewer) if reviewer else "—"),
            (_("审核确认日期"), f"{confirmed:%Y-%m-%d}" if confirmed else "—"),
            (_("审核单位"), _("区残疾人联合会（残疾人就业服务机构）")),
        ],
    )
    document.add_paragraph(_("请按本确认书的应缴金额向税务机关申报缴纳残疾人就业保障金。"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document: Document, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = str(label)
        cells[1].text = str(value)
