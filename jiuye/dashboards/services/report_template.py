"""The Word template of the annual report: the named styles the generator writes with and the
letterhead in the page header. The shipped copy (``data/annual_report_template.docx``) was made
by ``template_build``; a district restyles its own copy in Word (Home → Styles → Modify) and
points ``JIUYE_REPORT_TEMPLATE`` at it. Rebuild the shipped copy with

    .venv/bin/python -m jiuye.dashboards.services.report_template

The generator keeps the template's page setup, header and footer and replaces its body."""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "annual_report_template.docx"

# Every style the generator uses, by its name in the template.
COVER_TITLE = "Title"
COVER_SUBTITLE = "Subtitle"
HEADING_1 = "Heading 1"
HEADING_2 = "Heading 2"
HEADING_3 = "Heading 3"
BODY = "Normal"
QUOTE = "Quote"
LIST = "List Bullet"
CAPTION = "Caption"
TABLE = "Table Grid"
PARAGRAPH_STYLES = (COVER_TITLE, COVER_SUBTITLE, HEADING_1, HEADING_2, HEADING_3, BODY, QUOTE)
PARAGRAPH_STYLES += (LIST, CAPTION)
STYLES = (*PARAGRAPH_STYLES, TABLE)

# The faces a Chinese official document uses (the district changes them in Word).
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
LETTERHEAD = "残疾人联合会"


def _east_asian(style: object, face: str, size: float, *, bold: bool = False) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name = face
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    _named_fonts(fonts, face)


def _named_fonts(fonts: object, face: str) -> None:
    """``face`` for Latin and Chinese text alike; theme fonts would override it in Word."""
    for theme in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)  # type: ignore[attr-defined]
    for key in ("ascii", "hAnsi", "eastAsia"):
        fonts.set(qn(f"w:{key}"), face)  # type: ignore[attr-defined]


def _bottom_rule(paragraph: object) -> None:
    """The red line under a letterhead."""
    p_pr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    p_pr.append(borders)


def template_build(path: Path = SHIPPED) -> Path:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    styles = document.styles
    # The document's defaults: the body face and Chinese as the East Asian language.
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    r_pr = defaults.find(qn("w:rPr"))
    _named_fonts(r_pr.find(qn("w:rFonts")), BODY_FONT)
    r_pr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    _east_asian(styles[BODY], BODY_FONT, 14)
    styles[BODY].paragraph_format.line_spacing = 1.5
    _east_asian(styles[COVER_TITLE], TITLE_FONT, 26, bold=True)
    styles[COVER_TITLE].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(styles[COVER_SUBTITLE], "楷体", 16)
    styles[COVER_SUBTITLE].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(styles[HEADING_1], HEADING_FONT, 16, bold=True)
    _east_asian(styles[HEADING_2], "楷体", 16, bold=True)
    _east_asian(styles[HEADING_3], BODY_FONT, 14, bold=True)
    _east_asian(styles[QUOTE], "楷体", 14)
    _east_asian(styles[LIST], BODY_FONT, 14)
    _east_asian(styles[CAPTION], HEADING_FONT, 12)
    styles[CAPTION].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table_style = styles[TABLE]
    assert table_style.type == WD_STYLE_TYPE.TABLE
    _east_asian(table_style, BODY_FONT, 11)
    header = section.header.paragraphs[0]
    header.text = LETTERHEAD
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.runs[0].font.size = Pt(18)
    header.runs[0].font.bold = True
    header.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
    _bottom_rule(header)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    # A sample of each style, so whoever restyles the copy sees them all; the generator drops
    # the body and keeps the styles, header, footer and page setup.
    document.add_paragraph("××区残疾人就业促进行动年度报告（样式示例）", COVER_TITLE)
    document.add_paragraph("副标题：年度与范围", COVER_SUBTITLE)
    document.add_paragraph("一级标题：一、总体情况", HEADING_1)
    document.add_paragraph("二级标题：（一）某项行动", HEADING_2)
    document.add_paragraph("三级标题：任务与责任部门", HEADING_3)
    document.add_paragraph(
        "正文：本文件只用于设定年度报告的样式。在 Word 中修改上面各样式（开始 → 样式 → 修改）"
        "和页眉中的单位名称，保存后由管理员把文件放到服务器上，并在 JIUYE_REPORT_TEMPLATE "
        "中写明路径。",
        BODY,
    )
    document.add_paragraph("引用：部门报送的进展情况原文。", QUOTE)
    document.add_paragraph("列表：存在的问题或下一步工作。", LIST)
    table = document.add_table(rows=2, cols=3, style=TABLE)
    for cell, text in zip(table.rows[0].cells, ("指标", "目标", "完成"), strict=True):
        cell.text = text
    document.add_paragraph("图表题注：图1 示例", CAPTION)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _page_number(paragraph: object) -> None:
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


if __name__ == "__main__":
    print(template_build(Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED))
