"""Fuzzing with hypothesis: the text reader and the whole pipeline never raise
anything but a ReadError, and the table parser loses no text (every non-markup
character inside a task table ends up in exactly one field of one row).

The suite runs a fixed number of examples; `make fuzz` runs many more
(FUZZ_EXAMPLES, default 20000)."""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_extract.ir import ReadError, SourceInfo
from plan_extract.parsers.tasktable import parse_task_table
from plan_extract.pipeline import Options, build_document
from plan_extract.readers.text import read_text

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Sản phẩm"]
LETTERS = "aăâbcdđeêghiklmnoôơpqrsuưvxyàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ"


def info() -> SourceInfo:
    return SourceInfo(path="f.txt", format="txt", sha256="", size=0)


@FUZZ
@given(st.binary(max_size=3000))
def test_reader_on_any_bytes(data):
    try:
        doc = read_text(data, info())
    except ReadError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for block in doc.blocks:
        assert "\x00" not in getattr(block, "text", "")


_line = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "Số: 12/KH-UBND",
            "Hà Nội, ngày 01 tháng 02 năm 2024",
            "KẾ HOẠCH",
            "I. MỤC TIÊU",
            "1. Nội dung",
            "a) Việc",
            "Nơi nhận:",
            "- UBND tỉnh;",
            "KT. CHỦ TỊCH",
            "Nguyễn Văn A",
            "\t".join(FIELDS),
            "1\tViệc\tPhòng A\t\tQuý II\tBC",
            "| TT | Nội dung |",
            "|---|---|",
            "¹ Chú thích",
            "<b>I</b>\t<ul><li>- x</li></ul>",
            "**Điều 1.** Ban hành",
            "",
        ]
    ),
)


@FUZZ
@given(st.lists(_line, max_size=40))
def test_pipeline_on_any_text(lines):
    text = "\n".join(lines)
    try:
        ir = read_text(text.encode("utf-8"), info())
        doc = build_document(ir, "f", Options())
    except ReadError:
        return
    rows = [t.row for t in doc.tasks]
    assert rows == list(range(1, len(rows) + 1))
    for t in doc.tasks:
        assert t.parent_row is None or t.parent_row < t.row
        assert t.level >= 1


_word = st.text(alphabet=LETTERS, min_size=4, max_size=9)
_cell = st.lists(_word, min_size=0, max_size=4).map(" ".join)
_label = st.one_of(st.just(""), st.integers(1, 30).map(str), st.sampled_from(["I", "II", "IV", "1.1", "2.3"]))


@st.composite
def task_table(draw):
    order = draw(st.permutations(FIELDS))
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        rows = []
        for _ in range(draw(st.integers(1, 6))):
            values = {f: draw(_cell) for f in FIELDS}
            values["TT"] = draw(_label)
            width = len(FIELDS) + draw(st.integers(-1, 1))  # rows a cell short or long
            cells = [values[f] for f in order]
            if width > len(cells):
                cells.insert(draw(st.integers(0, len(cells))), "")
            elif width < len(cells) and not cells[-1]:
                cells.pop()
            rows.append(cells)
        blocks.append(rows)
    return order, blocks


def _chars(texts) -> Counter:
    return Counter(ch for t in texts for ch in t if not ch.isspace())


@FUZZ
@given(task_table())
def test_table_parser_loses_no_text(table):
    order, blocks = table
    lines = []
    for rows in blocks:
        lines.append("\t".join(order))
        lines += ["\t".join(cells) for cells in rows]
        lines.append("")
    doc = read_text("\n".join(lines).encode("utf-8"), info())
    tasks, _ = parse_task_table(doc)
    source = [c for rows in blocks for cells in rows for c in cells]
    produced = [v for t in tasks for v in (t.tt, t.content, t.lead, t.support, t.deadline, t.product)]
    produced += [v for t in tasks for v in t.extra.values()]
    assert _chars(produced) == _chars(source)
