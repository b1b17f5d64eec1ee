"""The report's charts as PNG images, drawn on the server with Pillow (no plotting library) and
a CJK font, from the same figures as the report's tables.

The font is ``JIUYE_REPORT_FONT`` when set, else what ``fc-match`` finds for Simplified Chinese
(fonts-noto-cjk on Debian), else the fixed Debian path; without one the report is refused with
a message saying what to install, rather than drawn with boxes for every character."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from jiuye.dashboards.selectors.report import ReportError, number_text

DEBIAN_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# The face of the Noto CJK collection for Simplified Chinese.
DEBIAN_FONT_INDEX = 2
WIDTH = 1400
BAR_HEIGHT = 44
GAP = 18
LABEL_WIDTH = 520
MARGIN = 30
INK = (33, 37, 41)
BAR = (31, 78, 121)
BAR_MET = (25, 111, 61)
TARGET_LINE = (180, 40, 40)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    text: str  # what is written at the bar's end (the figure with its unit)
    met: bool = False


def _fc_match() -> tuple[str, int] | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}|%{lang}", "sans-serif:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _sep, rest = out.partition("|")
    index, _sep, langs = rest.partition("|")
    if not path or "zh-cn" not in langs.split("|"):
        return None
    return path, int(index or 0)


@functools.cache
def _font_file(configured: str) -> tuple[str, int]:
    if configured:
        if not Path(configured).is_file():
            raise ReportError(
                _("找不到报告图表用的中文字体文件 %(path)s（JIUYE_REPORT_FONT）。")
                % {"path": configured}
            )
        return configured, DEBIAN_FONT_INDEX if configured.endswith(".ttc") else 0
    if DEBIAN_FONT.is_file():
        return str(DEBIAN_FONT), DEBIAN_FONT_INDEX
    found = _fc_match()
    if found is not None:
        return found
    raise ReportError(
        _(
            "服务器上没有中文字体，无法绘制报告中的图表。请安装 fonts-noto-cjk"
            "（apt-get install fonts-noto-cjk），或用 JIUYE_REPORT_FONT 指定一个中文字体文件。"
        )
    )


def font(size: int) -> ImageFont.FreeTypeFont:
    path, index = _font_file(settings.JIUYE_REPORT_FONT)
    try:
        return ImageFont.truetype(path, size, index=index)
    except OSError as exc:
        raise ReportError(
            _("中文字体文件 %(path)s 无法读取：%(error)s") % {"path": path, "error": exc}
        ) from exc


def font_check() -> None:
    """Raise ``ReportError`` now (before any work) when no CJK font can be loaded."""
    font(12)


def _fit(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text + "…"


def bar_chart(
    title: str, bars: list[Bar], *, reference: Decimal | None = None, scale: Decimal | None = None
) -> bytes:
    """Horizontal bars, the scale the largest of the values, ``scale`` and ``reference`` (drawn
    as a line: 100 % for completion rates), each bar labelled with its figure in text, so
    nothing is told by colour alone."""
    title_face, label_face = font(34), font(26)
    height = MARGIN * 2 + 60 + len(bars) * (BAR_HEIGHT + GAP)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), title, font=title_face, fill=INK)
    top = MARGIN + 60
    scale_max = max([b.value for b in bars] + [reference or Decimal(0), scale or Decimal(1)])
    room = WIDTH - LABEL_WIDTH - MARGIN * 2 - 200
    for i, bar in enumerate(bars):
        y = top + i * (BAR_HEIGHT + GAP)
        label = _fit(draw, bar.label, label_face, LABEL_WIDTH - 20)
        draw.text((MARGIN, y + 6), label, font=label_face, fill=INK)
        length = int(room * float(max(bar.value, Decimal(0)) / scale_max))
        x0 = MARGIN + LABEL_WIDTH
        draw.rectangle(
            (x0, y, x0 + max(length, 2), y + BAR_HEIGHT), fill=BAR_MET if bar.met else BAR
        )
        draw.text((x0 + length + 12, y + 6), bar.text, font=label_face, fill=INK)
    if reference is not None:
        x = MARGIN + LABEL_WIDTH + int(room * float(reference / scale_max))
        draw.line((x, top - 10, x, height - MARGIN), fill=TARGET_LINE, width=3)
        draw.text(
            (x + 6, top - 44), f"{number_text(reference)}%", font=label_face, fill=TARGET_LINE
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
