"""The PDF reader: layout (running lines, two-column zones, paragraphs rejoined,
superscript marks), tables whole across pages (repeated header dropped, split row
merged, merged cells filled, a vertical merge across a page break), table finding
only on ruled pages, rejected inputs; and the PDF fixtures printed by LibreOffice
from the five samples scored against the gold."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from plan_extract.ir import ReadError
from plan_extract.readers import read
from plan_extract.readers.pdf_check import check_text_layer
from plan_extract.readers.pdf_layout import Line, Measure, Word, drop_running_lines, group_lines
from plan_extract.readers.pdf_paragraphs import paragraphs
from plan_extract.readers.pdf_tables import append_fragment, build_fragment, continues, start_table, to_table
from plan_extract.readers.pdf_zones import mark_zones, reading_order

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

from goldcompare import score_header, score_tasks  # noqa: E402

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
W, H = 595.0, 842.0


def words(text: str, x: float, top: float, size: float = 14.0, space: float = 3.5) -> list[Word]:
    out = []
    for tok in text.split(" "):
        width = 0.5 * size * len(tok)
        out.append(Word(tok, x, x + width, top, top + size, size))
        x += width + space
    return out


def line(text: str, x: float, top: float, page: int = 1, size: float = 14.0, space: float = 3.5) -> Line:
    return Line(words(text, x, top, size, space), page, W, H).finish()


# -- layout -------------------------------------------------------------------------------------
def test_words_grouped_into_lines_and_superscript_marks():
    ws = words("giai đoạn 2021 - 2030", 85, 200)
    mark = Word("1", ws[-1].x1 + 0.2, ws[-1].x1 + 4.2, 198, 206, 8.1)
    ws += [mark] + words("và Kế hoạch", ws[-1].x1 + 8, 200)
    (ln,) = group_lines(ws, 1, W, H)
    assert ln.text == "giai đoạn 2021 - 2030¹ và Kế hoạch"


def test_page_numbers_and_repeated_running_lines_dropped():
    pages = []
    for p in range(1, 5):
        body = [line("Nội dung trang %d của kế hoạch" % p, 85, 100 + 20 * k, p) for k in range(5)]
        head = [line(str(p), 290, 35, p)] if p > 1 else []
        foot = [line("Kế hoạch số 15/KH-UBND trang %d" % p, 85, 800, p)]
        pages.append(head + body + foot)
    cleaned = drop_running_lines(pages)
    assert all(len(lines) == 5 for lines in cleaned)
    assert all(ln.text.startswith("Nội dung") for lines in cleaned for ln in lines)


def test_two_column_header_zone_reads_left_then_right():
    lines = [
        line("ỦY BAN NHÂN DÂN", 110, 60),
        line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 60),
        line("HUYỆN XUÂN LỘC", 115, 77),
        line("Độc lập - Tự do - Hạnh phúc", 330, 77),
        line("Số: 15/KH-UBND", 112, 100),
        line("Xuân Lộc, ngày 26 tháng 01 năm 2022", 320, 100),
        line("KẾ HOẠCH", 280, 130),
        line("Cải cách hành chính huyện Xuân Lộc năm 2022 và những việc cần làm ngay", 90, 150),
    ]
    merged = []
    for ln in lines:  # lines at the same height are one physical line
        if merged and abs(merged[-1].top - ln.top) < 1:
            merged[-1] = Line(merged[-1].words + ln.words, 1, W, H).finish()
        else:
            merged.append(ln)
    mark_zones(merged)
    order = [ln.text for ln in reading_order(merged)]
    assert order == [
        "ỦY BAN NHÂN DÂN",
        "HUYỆN XUÂN LỘC",
        "Số: 15/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Xuân Lộc, ngày 26 tháng 01 năm 2022",
        "KẾ HOẠCH",
        "Cải cách hành chính huyện Xuân Lộc năm 2022 và những việc cần làm ngay",
    ]


def _full(text: str, x: float, top: float, page: int = 1) -> Line:
    """A justified line that fills the measure 85..510."""
    n = len(text.split(" "))
    ln = line(text, x, top, page)
    stretch = (510 - ln.x1) / max(n - 1, 1)
    return line(text, x, top, page, space=3.5 + stretch)


def test_paragraphs_rejoined_across_lines_and_page_breaks():
    m = {1: Measure(85, 510), 2: Measure(85, 510)}
    lines = [
        _full("Căn cứ Kế hoạch số 16341/KH-UBND ngày 28/12/2021 của Ủy ban nhân dân", 113, 100),
        line("tỉnh về cải cách hành chính năm 2022;", 85, 117),
        _full("Thực hiện Quyết định số 13969/QĐ-UBND ngày 15/12/2021 của Ủy ban", 113, 140),
        _full("nhân dân huyện ban hành Chương trình cải cách hành chính huyện Xuân Lộc,", 85, 157),
        _full("giai đoạn 2021 - 2030 theo Văn phòng HĐND-", 85, 174),
        line("UBND huyện đề xuất;", 85, 60, page=2),
        line("I. MỤC TIÊU, YÊU CẦU", 230, 90, page=2),
    ]
    paras = paragraphs(lines, m)
    assert [p.text for p in paras] == [
        "Căn cứ Kế hoạch số 16341/KH-UBND ngày 28/12/2021 của Ủy ban nhân dân tỉnh về cải cách hành chính năm 2022;",
        "Thực hiện Quyết định số 13969/QĐ-UBND ngày 15/12/2021 của Ủy ban nhân dân huyện ban hành Chương trình "
        "cải cách hành chính huyện Xuân Lộc, giai đoạn 2021 - 2030 theo Văn phòng HĐND-UBND huyện đề xuất;",
        "I. MỤC TIÊU, YÊU CẦU",
    ]
    assert paras[2].page_break_before is False and paras[2].page == 2


def test_centred_title_lines_form_one_block():
    m = {1: Measure(85, 510)}
    lines = [
        line("KẾ HOẠCH", 270, 130),
        line("Thực hiện kiểm soát thủ tục hành chính", 170, 147),
        line("năm 2024", 275, 164),
        _full("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015 và các", 113, 190),
    ]
    paras = paragraphs(lines, m)
    assert [(p.text, p.gap_before) for p in paras] == [
        ("KẾ HOẠCH", True),
        ("Thực hiện kiểm soát thủ tục hành chính", False),
        ("năm 2024", False),
        ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015 và các", True),
    ]


def _centred(text: str, top: float, stretch_to: float = 0.0) -> Line:
    """A line centred on the measure 85..510; ``stretch_to``: its width, spaces widened
    (a centred line that fills the measure but for the few points Word leaves)."""
    ln = line(text, 85, top)
    space = 3.5
    if stretch_to:
        space += (stretch_to - (ln.x1 - ln.x0)) / max(len(text.split(" ")) - 1, 1)
        ln = line(text, 85, top, space=space)
    return line(text, 297.5 - (ln.x1 - ln.x0) / 2, top, space=space)


def test_centred_title_line_that_fills_the_measure_wraps_on():
    """A centred title whose first paragraph fills the measure (its ends within a few
    points of the margins, as a justified line's) and wraps on to a short centred line:
    one paragraph; the next centred line, full or short, stays in the title's block."""
    m = {1: Measure(85, 510)}
    lines = [
        line("KẾ HOẠCH", 270, 130),
        _centred("Triển khai thực hiện Chỉ thị của Ban Thường vụ về tăng cường sự lãnh đạo của", 147, 420),
        _centred("Đảng đối với", 164),
        _centred("công tác quản lý nhà nước về khoáng sản trên địa bàn tỉnh", 181, 421),
        _centred("tỉnh Lào Cai", 198),
        _full("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015 và các", 113, 224),
    ]
    paras = paragraphs(lines, m)
    assert [(p.text, p.gap_before) for p in paras] == [
        ("KẾ HOẠCH", True),
        ("Triển khai thực hiện Chỉ thị của Ban Thường vụ về tăng cường sự lãnh đạo của Đảng đối với", False),
        ("công tác quản lý nhà nước về khoáng sản trên địa bàn tỉnh tỉnh Lào Cai", False),
        ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015 và các", True),
    ]


def _columned(cells: list[tuple[float, str]], top: float, size: float = 10.0) -> Line:
    ws = []
    for x, text in cells:
        ws += words(text, x, top, size=size, space=2.5)
    return Line(ws, 1, W, H).finish()


def test_borderless_table_from_aligned_columns():
    from plan_extract.options import PdfOptions
    from plan_extract.readers.pdf_columns import borderless_tables

    xs = [60, 90, 280, 400]
    prose = [
        line("Các cơ quan, đơn vị triển khai thực hiện kế hoạch", 85, 60),
        line("Số: 15/KH-UBND", 85, 80),
    ]
    rows = [
        ["TT", "Nội dung", "Chủ trì", "Thời hạn"],
        ["1", "Rà soát thủ tục", "Văn phòng", "Tháng 6"],
        ["2", "Công bố danh mục", "Phòng Tư pháp", "Tháng 7"],
    ]
    table = [_columned(list(zip(xs, r)), 120 + 25 * k) for k, r in enumerate(rows)]
    # the content of row 2 wraps onto a second line, close under the first
    table.insert(2, _columned([(90, "thủ tục hành chính")], 157))
    after = [line("Trên đây là Kế hoạch của Ủy ban nhân dân huyện", 85, 220)]
    rest, (frag,) = borderless_tables(prose + table + after, 1, PdfOptions())
    assert [ln.text for ln in rest] == [ln.text for ln in prose + after]
    out = to_table(start_table(frag), "x.pdf")
    assert [r.texts for r in out.rows] == [
        rows[0],
        ["1", "Rà soát thủ tục thủ tục hành chính", "Văn phòng", "Tháng 6"],
        rows[2],
    ]


def test_text_that_forms_no_columns_is_no_table():
    from plan_extract.options import PdfOptions
    from plan_extract.readers.pdf_columns import borderless_tables

    lines = [  # header and signature blocks (two parts a line), prose, a two-line block
        _columned([(85, "ỦY BAN NHÂN DÂN"), (300, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")], 50),
        _columned([(85, "Số: 15/KH-UBND"), (300, "Mai Sơn, ngày 26 tháng 01 năm 2024")], 65),
        _columned([(85, "Nơi nhận:"), (350, "KT. CHỦ TỊCH")], 80),
        _columned([(85, "- UBND tỉnh;"), (350, "PHÓ CHỦ TỊCH")], 95),
        _columned([(85, "- Lưu: VT."), (350, "Nguyễn Văn An")], 110),
        _columned([(85, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015")], 130),
        _columned([(60, "1"), (90, "Việc một"), (300, "Văn phòng")], 160),
        _columned([(60, "2"), (90, "Việc hai"), (300, "Các xã")], 180),
        _columned([(85, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015")], 200),
        # columns that do not line up
        _columned([(60, "a"), (150, "b"), (300, "c")], 230),
        _columned([(60, "a"), (200, "b"), (400, "c")], 250),
        _columned([(60, "a"), (120, "b"), (250, "c")], 270),
    ]
    rest, frags = borderless_tables(lines, 1, PdfOptions())
    assert frags == [] and rest == lines


def test_text_layer_checks():
    check_text_layer(["Kế hoạch cải cách hành chính huyện Xuân Lộc năm 2022"], 1)
    with pytest.raises(ReadError, match="no text layer"):
        check_text_layer([], 3)
    with pytest.raises(ReadError, match="broken"):
        check_text_layer(["KÕ ho¹ch c¶i c¸ch hµnh chÝnh huyÖn Xu©n Léc n¨m 2022 vµ c¸c n¨m tiÕp theo"], 1)
    with pytest.raises(ReadError, match="broken"):
        check_text_layer(["(cid:12)(cid:40)(cid:33)" * 20], 1)


# -- tables -------------------------------------------------------------------------------------
COLS = [85, 120, 300, 400, 510]
HEAD = ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp"]


def _cell_words(text: str, c: int, top: float) -> list[Word]:
    return words(text, COLS[c] + 3, top + 2, size=10, space=2.5) if text else []


def _fragment(
    page: int,
    rows: list[list[str]],
    spans: dict[tuple[int, int], int] | None = None,
    top: float = 60,
    height: float = 30,
):
    """A grid of rows; ``spans[(r, c)] = n`` makes cell (r, c) span n rows."""
    spans = spans or {}
    boxes, ws, covered = [], [], set()
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            n = spans.get((r, c), 1)
            for k in range(1, n):
                covered.add((r + k, c))
            y0 = top + r * height
            boxes.append((COLS[c], y0, COLS[c + 1], y0 + n * height))
            ws += _cell_words(text, c, y0)
    bbox = (COLS[0], top, COLS[-1], top + len(rows) * height)
    return build_fragment(page, bbox, boxes, ws)


def test_vertical_merge_within_a_page_fills_every_row():
    frag = _fragment(
        1, [HEAD, ["1", "Việc một", "Văn phòng", "Các phòng"], ["2", "Việc hai", "", "Các xã"]], spans={(1, 2): 2}
    )
    table = to_table(start_table(frag), "x.pdf")
    assert [r.header_hint for r in table.rows] == [True, False, False]
    assert [(c.text, c.v_merged) for c in table.rows[2].cells] == [
        ("2", False),
        ("Việc hai", False),
        ("Văn phòng", True),
        ("Các xã", False),
    ]


def test_fragments_across_pages_joined():
    first = _fragment(
        1,
        [HEAD, ["1", "Việc một", "Văn phòng", "Các phòng"], ["2", "Việc hai bắt đầu", "", "Các xã"]],
        spans={(1, 2): 2},
    )
    second = _fragment(
        2,
        [
            HEAD,
            ["", "và kết thúc", "", ""],
            ["3", "Việc ba", "", "Các xã"],
            ["4", "Việc bốn", "Phòng Tư pháp", "Các xã"],
        ],
        spans={(1, 2): 2},
    )
    table = start_table(first)
    assert continues(table, second)
    append_fragment(table, second)
    rows = [r.texts for r in to_table(table, "x.pdf").rows]
    assert rows == [
        HEAD,
        ["1", "Việc một", "Văn phòng", "Các phòng"],
        ["2", "Việc hai bắt đầu và kết thúc", "Văn phòng", "Các xã"],
        ["3", "Việc ba", "Văn phòng", "Các xã"],
        ["4", "Việc bốn", "Phòng Tư pháp", "Các xã"],
    ]


def test_unnumbered_row_moved_whole_to_the_next_page_is_not_merged():
    """A row without TT at the top of a page that repeats the agencies of the row above
    is a row of its own kept whole on the new page, not the rest of a split row."""
    first = _fragment(1, [HEAD, ["4.3", "Tỷ lệ đạt trên 60%", "Các xã", "Văn phòng"]])
    second = _fragment(2, [["", "100% người dân", "Các xã", "Văn phòng"], ["5", "Việc năm", "Phòng Tư pháp", "Các xã"]])
    table = start_table(first)
    assert continues(table, second)
    append_fragment(table, second)
    rows = [r.texts for r in to_table(table, "x.pdf").rows]
    assert rows == [
        HEAD,
        ["4.3", "Tỷ lệ đạt trên 60%", "Các xã", "Văn phòng"],
        ["", "100% người dân", "Các xã", "Văn phòng"],
        ["5", "Việc năm", "Phòng Tư pháp", "Các xã"],
    ]


def _boxes(rows: list[list[str]], top: float = 60, height: float = 30, leave_out=()):
    """Cell boxes and words of a grid; the cells in ``leave_out`` are drawn without a
    box (their rule is missing), their words kept."""
    boxes, ws = [], []
    for r, row in enumerate(rows):
        y0 = top + r * height
        for c, text in enumerate(row):
            if (r, c) not in leave_out:
                boxes.append((COLS[c], y0, COLS[c + 1], y0 + height))
            ws += _cell_words(text, c, y0)
    return (COLS[0], top, COLS[-1], top + len(rows) * height), boxes, ws


def test_cell_left_open_at_the_page_foot_goes_on_over_the_break():
    """No rule closes the lead cell of the last row of page 1: its words stay in the
    table, and the empty cell under it on page 2 (a header repeated, nothing else
    said about the columns) takes its text."""
    bbox, boxes, ws = _boxes(
        [["1", "Việc một", "Văn phòng", "Các phòng"], ["2", "Việc hai", "Phòng Nội vụ", "Các xã"]], leave_out={(1, 2)}
    )
    first = build_fragment(1, bbox, boxes, ws)
    bbox, boxes, ws = _boxes([["3", "Việc ba", "", "Các xã"], ["4", "Việc bốn", "Phòng Tư pháp", "Các xã"]])
    second = build_fragment(2, bbox, boxes, ws)
    table = start_table(first)
    assert continues(table, second)
    append_fragment(table, second)
    out = to_table(table, "x.pdf")
    assert [r.texts for r in out.rows] == [
        ["1", "Việc một", "Văn phòng", "Các phòng"],
        ["2", "Việc hai", "Phòng Nội vụ", "Các xã"],
        ["3", "Việc ba", "Phòng Nội vụ", "Các xã"],
        ["4", "Việc bốn", "Phòng Tư pháp", "Các xã"],
    ]
    assert [c.v_merged for c in out.rows[2].cells] == [False, False, True, False]


def test_rows_of_merged_cells_only_are_not_repeated():
    """A rule in one column (an empty second line of the content cell) splits the grid
    row; the grid row under it holds nothing of its own and is not a second task."""
    boxes = [(COLS[c], 60, COLS[c + 1], 90) for c in range(4)]
    boxes += [(85, 90, 120, 150), (120, 90, 300, 120), (120, 120, 300, 150), (300, 90, 400, 150), (400, 90, 510, 150)]
    ws = sum((_cell_words(t, c, 60) for c, t in enumerate(HEAD)), [])
    ws += (
        _cell_words("1", 0, 90)
        + _cell_words("Việc một", 1, 90)
        + _cell_words("Văn phòng", 2, 90)
        + _cell_words("Các xã", 3, 90)
    )
    frag = build_fragment(1, (85, 60, 510, 150), boxes, ws)
    assert frag.nrows == 3
    rows = [r.texts for r in to_table(start_table(frag), "x.pdf").rows]
    assert rows == [HEAD, ["1", "Việc một", "Văn phòng", "Các xã"]]


def test_horizontal_span_kept_as_col_span():
    boxes = [(COLS[c], 60, COLS[c + 1], 90) for c in range(4)] + [(85, 90, 120, 120), (120, 90, 510, 120)]
    ws = (
        sum((_cell_words(t, c, 60) for c, t in enumerate(HEAD)), [])
        + _cell_words("I", 0, 90)
        + _cell_words("CÔNG TÁC CHỈ ĐẠO", 1, 90)
    )
    frag = build_fragment(1, (85, 60, 510, 120), boxes, ws)
    row = to_table(start_table(frag), "x.pdf").rows[1]
    assert [(c.text, c.col_span) for c in row.cells] == [("I", 1), ("CÔNG TÁC CHỈ ĐẠO", 3)]


# -- PDFs printed by LibreOffice -------------------------------------------------------------------
@pytest.fixture(scope="module")
def pdf_files(tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    from make_pdf import fixture_set

    return fixture_set(tmp_path_factory.getbasetemp() / "format-fixtures")["pdf"]


@pytest.fixture(scope="module")
def pdf_results(pdf_files):
    from make_pdf import extracted

    return {doc_id: extracted(path) for doc_id, path in pdf_files.items()}


def test_pdf_fixtures_score_like_the_text(pdf_results, gold_docs):
    gold_rows = perfect = hdr = hdr_n = 0
    for doc_id, gold in gold_docs.items():
        s = score_tasks(gold["tasks"], pdf_results[doc_id]["tasks"])
        gold_rows += s.gold_rows
        perfect += s.perfect
        h = score_header(gold, pdf_results[doc_id])
        hdr += sum(h.values())
        hdr_n += len(h)
    assert perfect / gold_rows >= 0.98
    assert hdr == hdr_n


def test_tables_come_out_whole(pdf_files, gold_docs):
    for doc_id, path in pdf_files.items():
        ir = read(path)
        body_rows = [r for t in ir.tables() for r in t.rows if not r.header_hint]
        assert len(body_rows) == len(gold_docs[doc_id]["tasks"]), doc_id
        assert sum(r.header_hint for t in ir.tables() for r in t.rows) <= 2 * len(ir.tables())
        assert ir.source.pages and ir.source.pages >= 5
        assert not any(p.text.isdigit() for p in ir.paragraphs()), "page numbers left in the text"


def test_only_ruled_pages_pay_for_table_finding(pdf_files, monkeypatch):
    import pdfplumber

    from plan_extract.readers import pdf as pdf_reader

    calls = []
    original = pdf_reader.find_table_cells
    monkeypatch.setattr(
        pdf_reader, "find_table_cells", lambda page, objs: calls.append(page.page_number) or original(page, objs)
    )
    path = pdf_files["hiep-hoa-2024-kiem-soat-tthc"]
    read(path)
    with pdfplumber.open(path) as pdf:
        landscape = [p.page_number for p in pdf.pages if p.width > p.height]
    assert calls == landscape


def test_turned_pages_read_the_same(pdf_files, tmp_path):
    import pypdfium2 as pdfium

    src = pdf_files["vinh-bao-2024-kiem-soat-tthc"]
    doc = pdfium.PdfDocument(str(src))
    for i in range(len(doc)):
        doc[i].set_rotation(90)
    turned = tmp_path / "turned.pdf"
    doc.save(str(turned))
    a, b = read(src), read(turned)
    assert [p.text for p in a.paragraphs()] == [p.text for p in b.paragraphs()]
    assert [r.texts for t in a.tables() for r in t.rows] == [r.texts for t in b.tables() for r in t.rows]


def _soffice_pdf(tmp_path: Path, docx_path: Path, options: str = "") -> Path:
    import subprocess

    target = "pdf" + (f":writer_pdf_Export:{options}" if options else "")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(tmp_path),
            str(docx_path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    return tmp_path / (docx_path.stem + ".pdf")


@needs_soffice
def test_encrypted_pdfs(pdf_files, tmp_path):
    docx = pdf_files["vinh-bao-2024-kiem-soat-tthc"].parent.parent / "docx" / "vinh-bao-2024-kiem-soat-tthc.docx"
    locked = _soffice_pdf(
        tmp_path,
        docx,
        '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}',
    )
    with pytest.raises(ReadError, match="encrypted PDF: a password is needed"):
        read(locked)


@needs_soffice
def test_broken_text_layer_rejected(tmp_path):
    from docx import Document

    d = Document()
    for _ in range(5):
        d.add_paragraph("KÕ ho¹ch c¶i c¸ch hµnh chÝnh huyÖn Xu©n Léc n¨m 2022 vµ c¸c n¨m tiÕp theo")
    d.save(str(tmp_path / "tcvn3.docx"))
    with pytest.raises(ReadError, match="text layer is broken"):
        read(_soffice_pdf(tmp_path, tmp_path / "tcvn3.docx"))


def test_scanned_pdf_rejected(tmp_path):
    from PIL import Image

    path = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(path, "PDF")
    with pytest.raises(ReadError, match="no text layer"):
        read(path)


def test_damaged_pdf_rejected(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer garbage")
    with pytest.raises(ReadError):
        read(path)


@needs_soffice
def test_owner_restricted_pdf_read_with_a_warning(pdf_files, tmp_path):
    docx = pdf_files["vinh-bao-2024-kiem-soat-tthc"].parent.parent / "docx" / "vinh-bao-2024-kiem-soat-tthc.docx"
    restricted = _soffice_pdf(
        tmp_path,
        docx,
        '{"RestrictPermissions":{"type":"boolean","value":"true"},'
        '"PermissionPassword":{"type":"string","value":"owner"}}',
    )
    ir = read(restricted)
    assert [w.code for w in ir.warnings] == ["encrypted_pdf"]
    assert ir.tables()


@needs_soffice
def test_ruled_header_table_read_as_text(tmp_path):
    from docx import Document

    d = Document()
    head = d.add_table(rows=1, cols=2)
    head.style = d.styles["Table Grid"]
    left, right = head.rows[0].cells
    left.text = "Số: 15/KH-UBND"
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Xuân Lộc, ngày 26 tháng 01 năm 2022")
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Cải cách hành chính năm 2022 " * 3)
    d.save(str(tmp_path / "ruled.docx"))
    ir = read(_soffice_pdf(tmp_path, tmp_path / "ruled.docx"))
    assert not ir.tables()
    assert [p.text for p in ir.paragraphs()][:4] == [
        "Số: 15/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Xuân Lộc, ngày 26 tháng 01 năm 2022",
        "KẾ HOẠCH",
    ]


@needs_soffice
@pytest.mark.parametrize("edit", ["no-repeated-header", "rows-never-split"])
def test_table_layout_variants_give_the_same_rows(pdf_files, tmp_path, edit):
    """The same table printed without a repeated header row, or with rows kept whole
    on one page, still comes out as the Word file's rows."""
    import re
    import zipfile

    from make_pdf import docx_to_pdf

    src = pdf_files["hiep-hoa-2024-kiem-soat-tthc"].parent.parent / "docx" / "hiep-hoa-2024-kiem-soat-tthc.docx"
    with zipfile.ZipFile(src) as zin:
        blobs = {name: zin.read(name) for name in zin.namelist()}
    xml = blobs["word/document.xml"].decode("utf-8")
    xml = (
        xml.replace("<w:tblHeader/>", "")
        if edit == "no-repeated-header"
        else re.sub(r"<w:tr>", "<w:tr><w:trPr><w:cantSplit/></w:trPr>", xml)
    )
    blobs["word/document.xml"] = xml.encode("utf-8")
    edited = tmp_path / src.name
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in blobs.items():
            zout.writestr(name, data)
    (pdf,) = docx_to_pdf([edited], tmp_path / "pdf")

    from plan_extract.parsers.tasktable.columns import is_numbering_row, match_header

    def body_rows(path):
        rows = [[" ".join(c.text.split()) for c in r.cells] for t in read(path).tables() for r in t.rows]
        return [r for r in rows if match_header(r) is None and not is_numbering_row(r)]

    assert body_rows(pdf) == body_rows(edited)
