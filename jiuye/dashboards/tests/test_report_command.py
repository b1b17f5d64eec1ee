"""`manage.py annual_report`: writes the report, says clearly why it cannot."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jiuye.dashboards.tests.conftest import YEAR, read_docx

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("annual_report", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_districts_and_a_towns_report(report_world, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "report.docx"
    assert "已生成 示范区2024年度报告" in _run("--year", str(YEAR), str(path))
    assert read_docx(path.read_bytes()).paragraphs[0].text.startswith("示范区2024年度")
    town = tmp_path / "town.docx"
    _run("--year", str(YEAR), "--region", "东城街道", str(town))
    assert read_docx(town.read_bytes()).paragraphs[0].text.startswith("东城街道2024年度")
    with pytest.raises(CommandError, match="已存在；要覆盖请加 --force"):
        _run("--year", str(YEAR), str(path))
    _run("--year", str(YEAR), "--region", "440199001000", "--force", str(path))
    assert read_docx(path.read_bytes()).paragraphs[0].text.startswith("东城街道2024年度")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2019"], r"2019年不在任何行动方案的年度内。现有方案：2022–2024年"),
        (["--year", str(YEAR), "--region", "火星镇"], r"“火星镇”不是本区的镇街。可选：东城街道"),
    ],
)
def test_the_command_refuses_a_year_or_region_in_words(
    report_world, tmp_path: Path, args: list[str], message: str
) -> None:  # noqa: ANN001
    with pytest.raises(CommandError, match=message):
        _run(*args, str(tmp_path / "r.docx"))
    assert not (tmp_path / "r.docx").exists()


def test_the_command_refuses_a_path_it_cannot_write(report_world, tmp_path: Path) -> None:  # noqa: ANN001
    with pytest.raises(CommandError, match="文件夹 .*nowhere 不存在"):
        _run("--year", str(YEAR), str(tmp_path / "nowhere" / "r.docx"))
    with pytest.raises(CommandError, match=r"报告文件应以 \.docx 结尾"):
        _run("--year", str(YEAR), str(tmp_path / "r.pdf"))
    (tmp_path / "taken.docx").mkdir()
    with pytest.raises(CommandError, match="无法写入"):
        _run("--year", str(YEAR), "--force", str(tmp_path / "taken.docx"))
