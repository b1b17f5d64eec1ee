"""Tests for jiuye.actionplan.services.plan_table.

The expectations for the shipped table are written out by hand or cut from the raw file with
plain line splitting, never taken from the parser, so a parser that loses or repeats text fails.
No database is needed.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
from pathlib import Path

from django.conf import settings

# Runs without pytest-django too (`-p no:django`); messages are then returned untranslated.
if not settings.configured:
    settings.configure(USE_I18N=False)

import openpyxl  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from jiuye.actionplan.services.plan_table import (  # noqa: E402
    ALL_TOWNS,
    ParsedAction,
    ParsedPlan,
    PlanTableError,
    detect_text_encoding,
    parse_plan_table,
)
from jiuye.actionplan.tests.conftest import HEADER, build_docx  # noqa: E402

SEED_PATH = Path(__file__).resolve().parent.parent / "data" / "plan_2022_2024.txt"
SEED = SEED_PATH.read_bytes()
SEED_TEXT = SEED.decode("utf-8")
TITLE = "2022—2024年促进残疾人就业三年行动方案工作目标任务落实分解表"

# number, title, departments, opening of the targets, ending of the targets,
# non-whitespace characters in the targets, sentences ending in "。"
EXPECTED = [
    (
        1,
        "实施机关、事业单位带头安排残疾人就业行动",
        ("区委组织部", "区人力资源和社会保障局", "区委编办", "区残联"),
        "建立残疾人就业情况统计制度，",
        "定期公示机关、事业单位安排残疾人就业情况。",
        91,
        3,
    ),
    (
        2,
        "实施企业安排残疾人就业行动",
        (
            "区国资局",
            "区人力资源和社会保障局",
            "区工业和信息化局",
            "区残联",
            "区民政局",
            "区工商联",
        ),
        "为企业搭建助残就业平台，",
        "纳入企业社会责任报告或编制专项社会责任报告。",
        129,
        3,
    ),
    (
        3,
        "实施残疾人组织助残就业行动",
        ("区残联",),
        "发挥各级各类残疾人协会、",
        "开展就业主题的公益慈善项目和活动。",
        139,
        3,
    ),
    (
        4,
        "实施新就业形态促进残疾人就业行动",
        ("区商务局", "区工业和信息化局", "区残联"),
        "加强残疾人电商就业培训。",
        "给予宣传推广、派单倾斜、免费培训等就业帮扶。",
        191,
        4,
    ),
    (
        5,
        "实施就业困难残疾人就业援助行动",
        ("区残联", "区人力资源和社会保障局", "区民政局"),
        "对就业困难残疾人开展调查摸底和走访，",
        "促进符合条件的残疾人就业创业。",
        215,
        5,
    ),
    (
        6,
        "实施农村残疾人就业扶持行动",
        ("区农业农村局", "区人力资源和社会保障局", "区残联", "区财政局", "区文化旅游广电局"),
        "落实巩固拓展残疾人脱贫攻坚成果同乡村振兴有效衔接各项政策，",
        "以先进的农业科技助力农村残疾人就业增收。",
        247,
        3,
    ),
    (
        7,
        "实施残疾人大学生就业帮扶行动",
        ("区教育局", "区人力资源和社会保障局", "区财政局", "区残联", "各镇街"),
        "教育、残联、人力资源和社会保障等部门密切配合，",
        "有条件的镇街可采用政府购买服务方式开展残疾人大学生就业服务。",
        262,
        6,
    ),
    (
        8,
        "实施盲人就业拓展行动",
        ("区残联", "区卫健局", "区人力资源和社会保障局", "区商务局"),
        "推广落实盲人医疗按摩政策，",
        "拓展盲人在互联网服务、文化艺术、心理卫生等领域的就业渠道。",
        283,
        5,
    ),
    (
        9,
        "实施残疾人职业技能提升行动",
        ("区残联", "区人力资源和社会保障局", "区财政局"),
        "落实《关于印发“十四五”残疾人就业技能提升计划的通知》（残联发〔2022〕13号），",
        "定期组织开展区级残疾人职业技能竞赛和培训成果交流活动。",
        172,
        3,
    ),
    (
        10,
        "实施残疾人就业服务能力提升行动",
        ("区残联", "区人力资源和社会保障局", "各镇街"),
        "加强和改进残疾人就业服务。",
        "定期举办残疾人就业服务交流和竞赛。",
        200,
        5,
    ),
]
NUMERALS = "一二三四五六七八九十"

# Independent of the parser: in the seed each row starts on a line holding "(N)…", and the
# targets cell is the single line after it.
ROW_START = re.compile(r"^[ \t]*[（(][一二三四五六七八九十]+[）)]")
SEED_LINES = SEED_TEXT.split("\n")
ROW_LINES = [index for index, line in enumerate(SEED_LINES) if ROW_START.match(line)]


def raw_targets_cell(number: int) -> str:
    return SEED_LINES[ROW_LINES[number - 1] + 1].strip()


@pytest.fixture(scope="module")
def seed_plan() -> ParsedPlan:
    return parse_plan_table(SEED, "plan_2022_2024.txt")


def row_chunks() -> tuple[str, list[str]]:
    """The seed cut into the part above the first row and one chunk of lines per row."""
    preamble = "\n".join(SEED_LINES[: ROW_LINES[0]]) + "\n"
    bounds = [*ROW_LINES, len(SEED_LINES)]
    chunks = ["\n".join(SEED_LINES[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return preamble, chunks


def error_of(data: bytes, filename: str) -> str:
    with pytest.raises(PlanTableError) as caught:
        parse_plan_table(data, filename)
    assert caught.value.message == str(caught.value)
    return caught.value.message


# --------------------------------------------------------------------------------------
# The shipped table
# --------------------------------------------------------------------------------------


def test_the_shipped_table_is_the_original_export_byte_for_byte() -> None:
    # The file is evidence of what the district adopted; nobody should "tidy" it.
    digest = "922927e3e2f15df11d6dca24a2dbcfafdc4db61834eb412563b6dde380cb417e"
    assert hashlib.sha256(SEED).hexdigest() == digest


def test_the_seed_has_ten_actions_numbered_one_to_ten(seed_plan: ParsedPlan) -> None:
    assert [a.number for a in seed_plan.actions] == list(range(1, 11))
    assert "".join(a.numeral for a in seed_plan.actions) == NUMERALS


def test_it_reads_the_title_format_and_encoding_of_the_seed(seed_plan: ParsedPlan) -> None:
    assert seed_plan.title == TITLE
    assert seed_plan.source_format == "text"
    assert seed_plan.encoding == "utf-8"


@pytest.mark.parametrize(
    ("number", "title", "departments", "opening", "ending", "characters", "sentences"), EXPECTED
)
def test_each_action_has_its_title_departments_deadline_and_targets(
    seed_plan: ParsedPlan,
    number: int,
    title: str,
    departments: tuple[str, ...],
    opening: str,
    ending: str,
    characters: int,
    sentences: int,
) -> None:
    action = seed_plan.actions[number - 1]
    assert action.title == title
    assert action.departments == departments
    assert action.deadline == "全年"
    assert action.targets.startswith(opening)
    assert action.targets.endswith(ending)
    assert action.targets == action.targets.strip()
    assert len("".join(action.targets.split())) == characters
    assert action.targets.count("。") == sentences


@pytest.mark.parametrize("number", range(1, 11))
def test_every_sentence_of_the_targets_cell_appears_exactly_once(
    seed_plan: ParsedPlan, number: int
) -> None:
    raw = raw_targets_cell(number)
    sentences = [s + "。" for s in raw.split("。") if s.strip()]
    assert sentences, "the raw cell should hold sentences"
    targets = seed_plan.actions[number - 1].targets
    for sentence in sentences:
        assert targets.count(sentence) == 1, sentence
    assert len(targets) == len(raw)


def test_all_towns_is_kept_as_its_own_token(seed_plan: ParsedPlan) -> None:
    assert seed_plan.actions[6].departments[-1] == ALL_TOWNS
    assert seed_plan.actions[9].departments[-1] == ALL_TOWNS
    assert all("等" not in d and "负责" not in d for a in seed_plan.actions for d in a.departments)


def test_each_action_names_the_line_it_starts_on(seed_plan: ParsedPlan) -> None:
    assert seed_plan.actions[0].source == "第14行"
    # Row 十 begins on its own line, after a line holding only a tab.
    assert seed_plan.actions[9].source == "第58行"


# --------------------------------------------------------------------------------------
# The same table, written differently
# --------------------------------------------------------------------------------------


def test_a_gb18030_copy_parses_identically(seed_plan: ParsedPlan) -> None:
    data = SEED_TEXT.encode("gb18030")
    assert detect_text_encoding(data) == "gb18030"
    plan = parse_plan_table(data, "plan.txt")
    assert plan == ParsedPlan(TITLE, seed_plan.actions, "text", "gb18030")


def test_a_copy_with_crlf_line_endings_parses_identically(seed_plan: ParsedPlan) -> None:
    plan = parse_plan_table(SEED_TEXT.replace("\n", "\r\n").encode(), "plan.txt")
    assert plan == seed_plan
    assert plan.actions[9].source == "第58行"


def test_a_utf8_copy_with_a_byte_order_mark_parses_identically(seed_plan: ParsedPlan) -> None:
    data = b"\xef\xbb\xbf" + SEED
    assert detect_text_encoding(data) == "utf-8-sig"
    plan = parse_plan_table(data, "plan.txt")
    assert plan.actions == seed_plan.actions
    assert plan.title == TITLE
    assert plan.encoding == "utf-8-sig"


def test_single_blank_lines_between_rows_and_no_empty_tab_row_parse_identically(
    seed_plan: ParsedPlan,
) -> None:
    text = re.sub(r"(\n[ \t]*)+\n", "\n\n", SEED_TEXT)
    text = text.replace("\n\t\n\t\n\t\n\t\n", "\n")
    assert "\n\n\n" not in text
    assert parse_plan_table(text.encode(), "plan.txt") == seed_plan


def test_form_feeds_and_unusual_spaces_between_rows_are_ignored(seed_plan: ParsedPlan) -> None:
    preamble, chunks = row_chunks()
    text = preamble + "\n\x0c\n\u3000\xa0\n".join(chunks)
    plan = parse_plan_table(text.encode(), "plan.txt")
    assert plan.actions == seed_plan.actions
    # A form feed does not count as a line in an editor.
    assert plan.actions[1].source == f"第{ROW_LINES[1] + 1 + 2}行"


def test_a_word_export_with_one_row_per_line_parses_identically(seed_plan: ParsedPlan) -> None:
    lines = [TITLE, "\t".join(HEADER)]
    for a in seed_plan.actions:
        departments = "、".join(a.departments) + "等按职责分工负责"
        lines.append("\t".join([f"({a.numeral}){a.title}", a.targets, departments, a.deadline]))
    plan = parse_plan_table("\n".join(lines).encode("gb18030"), "plan.txt")
    assert plan.actions == seed_plan.actions
    assert plan.title == TITLE
    assert plan.actions[0].source == "第3行"


def test_text_below_the_table_does_not_end_up_in_the_last_deadline(
    seed_plan: ParsedPlan,
) -> None:
    data = SEED + "\n\n注：本表由区残联负责解释。\n".encode()
    assert parse_plan_table(data, "plan.txt").actions == seed_plan.actions


def test_a_cell_whose_text_spans_lines_keeps_its_line_breaks() -> None:
    text = (
        "\t内容\t工作任务目标\t责任部门\t完成时限\n"
        "\t（一）实施机关、事业单位\n带头安排残疾人就业行动"
        "\t建立统计制度。\n  制定推进计划。\n"
        "\t区残联，区民政局;区财政局 区教育局\n各镇街等部门按职责分工负责。"
        "\t2022年\n12月底前\n"
    )
    (action,) = parse_plan_table(text.encode(), "plan.txt").actions
    assert action.title == "实施机关、事业单位带头安排残疾人就业行动"
    assert action.targets == "建立统计制度。\n制定推进计划。"
    assert action.departments == ("区残联", "区民政局", "区财政局", "区教育局", ALL_TOWNS)
    assert action.deadline == "2022年12月底前"


def test_sub_items_numbered_like_actions_inside_a_targets_cell_stay_in_that_cell(
    seed_plan: ParsedPlan,
) -> None:
    text = SEED_TEXT.replace("推进计划。招录", "推进计划。\n（二）招录")
    plan = parse_plan_table(text.encode(), "plan.txt")
    assert len(plan.actions) == 10
    assert "推进计划。\n（二）招录、安置残疾人就业" in plan.actions[0].targets
    assert plan.actions[1:] == seed_plan.actions[1:]


def test_a_word_unicode_text_export_is_read_as_utf16(seed_plan: ParsedPlan) -> None:
    plan = parse_plan_table(SEED_TEXT.replace("\n", "\r\n").encode("utf-16"), "plan.txt")
    assert plan == ParsedPlan(TITLE, seed_plan.actions, "text", "utf-16")


def test_plans_with_more_than_ten_actions_are_numbered_on() -> None:
    numerals = [*NUMERALS, "十一", "十二"]
    rows = [f"\t（{n}）实施第{i}项行动\t目标{i}。\t区残联\t全年" for i, n in enumerate(numerals, 1)]
    text = "\t内容\t工作任务目标\t责任部门\t完成时限\n" + "\n".join(rows)
    plan = parse_plan_table(text.encode(), "plan.txt")
    assert [(a.number, a.numeral) for a in plan.actions][-3:] == [
        (10, "十"),
        (11, "十一"),
        (12, "十二"),
    ]


def build_xlsx(rows: list[list[object]], *, merge: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "分解表"
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed_rows(plan: ParsedPlan, header: tuple[str, ...]) -> list[list[object]]:
    """The plan as spreadsheet rows in the order of ``header`` (unknown columns get a status)."""
    rows: list[list[object]] = [[plan.title], list(header)]
    for a in plan.actions:
        values = {
            "内容": f"（{a.numeral}）{a.title}",
            "工作任务目标": a.targets,
            "责任部门": "、".join(a.departments) + "等按职责分工负责",
            "完成时限": a.deadline,
        }
        rows.append([values.get(name, f"{name}：进行中") for name in header])
    return rows


def test_a_word_document_with_the_same_table_parses_identically(seed_plan: ParsedPlan) -> None:
    plan = parse_plan_table(build_docx(seed_plan), "plan.docx")
    assert plan == ParsedPlan(TITLE, seed_plan.actions, "docx", "")
    assert plan.actions[0].source == "表格第2行"


def test_a_spreadsheet_with_two_extra_status_columns_parses_identically(
    seed_plan: ParsedPlan,
) -> None:
    data = build_xlsx(seed_rows(seed_plan, (*HEADER, "状态", "进展说明")), merge="A1:F1")
    plan = parse_plan_table(data, "plan.xlsx")
    assert plan == ParsedPlan(TITLE, seed_plan.actions, "xlsx", "")
    assert plan.actions[0].source == "工作表“分解表”第3行"


def test_spreadsheet_columns_are_found_by_name_not_position(seed_plan: ParsedPlan) -> None:
    header = ("状态", "责任部门", "内容", "完成时限", "备注", "工作任务目标")
    plan = parse_plan_table(build_xlsx(seed_rows(seed_plan, header)), "plan.xlsx")
    assert plan.actions == seed_plan.actions


def test_a_department_cell_merged_down_several_rows_applies_to_each(
    seed_plan: ParsedPlan,
) -> None:
    rows = seed_rows(seed_plan, HEADER)
    rows[4][2] = None  # row 三 shares row 二's merged departments cell (C4:C5)
    plan = parse_plan_table(build_xlsx(rows, merge="C4:C5"), "plan.xlsx")
    assert plan.actions[2].departments == seed_plan.actions[1].departments


def test_the_filename_does_not_decide_the_format(seed_plan: ParsedPlan) -> None:
    assert parse_plan_table(build_docx(seed_plan), "upload.bin").source_format == "docx"
    assert parse_plan_table(SEED, "plan.csv").actions == seed_plan.actions


# --------------------------------------------------------------------------------------
# Files that cannot be read
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param("加强和改进残疾人就业服务。各镇街对就业年龄段", id="inside-targets"),
        pytest.param("加强和改进残疾人就业服务。各镇街对就业年龄段".encode()[:-1], id="mid-char"),
        pytest.param("各镇街按职责分工负责\n", id="before-deadline"),
    ],
)
def test_a_file_cut_off_in_the_last_row_is_reported_as_truncated(cut: str | bytes) -> None:
    marker = cut if isinstance(cut, bytes) else cut.encode()
    end = SEED.rindex(marker) + len(marker)
    message = error_of(SEED[:end], "plan.txt")
    assert "截断" in message
    assert "第58行" in message
    assert "（十）" in message
    assert "“完成时限”" in message


def test_a_truncated_row_names_every_missing_column() -> None:
    end = SEED.rindex("加强和改进".encode())
    message = error_of(SEED[: end + 6], "plan.txt")
    assert "缺少“责任部门”和“完成时限”，表格可能被截断" in message


def test_an_empty_cell_in_the_middle_names_the_row_and_column() -> None:
    lines = list(SEED_LINES)
    lines[ROW_LINES[2] + 1] = "\t"
    message = error_of("\n".join(lines).encode(), "plan.txt")
    assert message.startswith(f"第{ROW_LINES[2] + 1}行：（三）“实施残疾人组织助残就业行动”")
    assert "缺少“工作任务目标”" in message
    assert "截断" not in message


def test_a_missing_numeral_names_the_row_where_the_gap_is() -> None:
    start, end = ROW_LINES[2], ROW_LINES[3]  # drop row 三 with the blank line after it
    text = "\n".join(SEED_LINES[:start] + SEED_LINES[end:])
    message = error_of(text.encode(), "plan.txt")
    assert message.startswith(f"第{start + 1}行：")
    assert "应为“（三）”，这里是“（四）”" in message
    assert "跳号" in message


def test_a_repeated_numeral_is_rejected() -> None:
    text = SEED_TEXT.replace("(三)实施残疾人组织", "(二)实施残疾人组织")
    assert "应为“（三）”，这里是“（二）”" in error_of(text.encode(), "plan.txt")


def test_a_text_file_missing_a_column_names_it() -> None:
    text = SEED_TEXT.replace("\t责任部门\n", "\t部门\n")
    message = error_of(text.encode(), "plan.txt")
    assert "表头缺少“责任部门”列" in message
    assert "第3行" in message


def test_a_text_file_without_a_table_is_rejected() -> None:
    message = error_of("关于促进残疾人就业的通知\n请各单位认真落实。\n".encode(), "plan.txt")
    assert "没有找到表头" in message


def test_a_header_without_any_action_below_is_rejected() -> None:
    message = error_of("\t内容\t工作任务目标\t责任部门\t完成时限\n\t\t\t\t\n".encode(), "a.txt")
    assert "没有找到任何行动" in message


def test_an_empty_file_is_rejected() -> None:
    assert "文件是空的" in error_of(b"", "plan.txt")
    with pytest.raises(PlanTableError, match="文件是空的"):
        detect_text_encoding(b"")


def test_a_whitespace_only_file_is_rejected() -> None:
    assert "只有空白" in error_of(" \r\n\t\n\u3000\n".encode(), "plan.txt")


def test_random_bytes_are_rejected_as_not_text() -> None:
    junk = random.Random(20240101).randbytes(4096)
    assert b"\x00" in junk
    assert "不是文本文件" in error_of(junk, "plan.txt")
    with pytest.raises(PlanTableError, match="不是文本文件"):
        detect_text_encoding(junk)


def test_bytes_that_are_neither_utf8_nor_gbk_name_the_line() -> None:
    data = "\t内容\n\t工作任务目标\n".encode() + b"\t\xff\xfe\xfd\xff\n"
    message = error_of(data, "plan.txt")
    assert "无法识别文件的文字编码" in message
    assert "第3行" in message


def test_a_word_document_without_a_table_is_rejected(seed_plan: ParsedPlan) -> None:
    message = error_of(build_docx(seed_plan, with_table=False), "plan.docx")
    assert "Word 文件中没有表格" in message


def test_a_spreadsheet_missing_the_departments_column_names_it(seed_plan: ParsedPlan) -> None:
    header = ("内容", "工作任务目标", "部门", "完成时限")
    message = error_of(build_xlsx(seed_rows(seed_plan, header)), "plan.xlsx")
    assert message.startswith("工作表“分解表”第2行（表头）：表头缺少“责任部门”列")


def test_an_empty_spreadsheet_is_rejected() -> None:
    assert "没有任何数据" in error_of(build_xlsx([]), "plan.xlsx")


def test_a_spreadsheet_row_without_a_numeral_names_the_row(seed_plan: ParsedPlan) -> None:
    rows = seed_rows(seed_plan, HEADER)
    rows[5][0] = "实施新就业形态促进残疾人就业行动"
    message = error_of(build_xlsx(rows), "plan.xlsx")
    assert message.startswith("工作表“分解表”第6行：“内容”应以带括号的序号开头")


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
@pytest.mark.parametrize("damage", ["cut", "scribble"])
def test_a_damaged_office_file_is_reported_as_damaged(
    seed_plan: ParsedPlan, kind: str, damage: str
) -> None:
    data = build_docx(seed_plan) if kind == "docx" else build_xlsx(seed_rows(seed_plan, HEADER))
    if damage == "cut":
        data = data[: len(data) // 2]
    else:
        middle = len(data) // 3
        data = (
            data[:middle]
            + bytes(b ^ 0x5A for b in data[middle : middle + 64])
            + data[middle + 64 :]
        )
    message = error_of(data, f"plan.{kind}")
    assert "文件已损坏或不是有效的 Word/Excel 文件" in message
    assert f"plan.{kind}" in message


def test_binary_junk_named_like_a_word_file_is_reported_as_damaged() -> None:
    junk = random.Random(7).randbytes(2048)
    assert "文件已损坏或不是有效的 Word/Excel 文件" in error_of(junk, "plan.docx")


def test_tab_separated_text_named_xls_is_read_as_text(seed_plan: ParsedPlan) -> None:
    assert parse_plan_table(SEED, "plan.xls") == seed_plan


# --------------------------------------------------------------------------------------
# Property: spacing and bracket widths do not change the table
# --------------------------------------------------------------------------------------

SEPARATORS = ["", "\n", "\n\n\n", "\n\x0c\n", "\n\t\n\t\n\t\n\t\n", "\n \u3000\xa0\n", "\n\t\n"]


@st.composite
def respaced_seed(draw: st.DrawFn) -> str:
    preamble, chunks = row_chunks()
    pieces = [preamble]
    for chunk in chunks:
        lines = chunk.rstrip().split("\n")
        while not lines[-1].strip():
            lines.pop()
        opening = draw(st.sampled_from("（("))
        closing = draw(st.sampled_from("）)"))
        lines[0] = re.sub(
            r"[（(]([一二三四五六七八九十]+)[）)]", rf"{opening}\1{closing}", lines[0]
        )
        respaced = []
        for line in lines:
            before = draw(st.sampled_from(["", " ", "\u3000"]))
            if line.startswith("\t"):
                after = draw(st.sampled_from(["", " ", "  ", "\xa0"]))
                line = "\t" + after + line[1:]
            respaced.append(before + line)
        pieces.append("\n".join(respaced) + "\n" + draw(st.sampled_from(SEPARATORS)))
    text = "".join(pieces)
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


@hypothesis_settings(max_examples=60, deadline=None)
@given(text=respaced_seed())
def test_respacing_the_seed_and_swapping_bracket_widths_keeps_the_same_actions(
    seed_plan: ParsedPlan, text: str
) -> None:
    plan = parse_plan_table(text.encode(), "plan.txt")
    assert plan.title == TITLE
    assert plan.actions == seed_plan.actions


def test_parsed_actions_compare_without_their_source(seed_plan: ParsedPlan) -> None:
    action = seed_plan.actions[0]
    moved = ParsedAction(
        action.number,
        action.numeral,
        action.title,
        action.targets,
        action.departments,
        action.deadline,
        source="表格第2行",
    )
    assert moved == action


def test_a_crafted_workbook_is_refused_without_harming_the_web_process(tmp_path) -> None:  # noqa: ANN001
    # Values in A1 and XFD1048576 would make the reader ask for 512 GiB and abort the process:
    # the plan upload reads workbooks through the imports' limited reader.
    from jiuye.core.tests.test_import_files import far_corner

    data = far_corner(tmp_path / "plan.xlsx").read_bytes()
    with pytest.raises(PlanTableError, match="表格太大"):
        parse_plan_table(data, "plan.xlsx")
