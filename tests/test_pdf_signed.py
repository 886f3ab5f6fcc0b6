"""Signed PDFs of state bodies: text drawn over the page (signature stamps, text over a
signature image, turned or overlapping text, annotation appearances) is kept out of
cells and paragraphs and given to the IR as overlays; the number and date that exist
only in the stamp fill the header's blanks (SPEC section 3); lines of two columns in
the header; the corpus's signed plan and its scan."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from plan_extract.ir import Overlay, ReadError
from plan_extract.model import Header
from plan_extract.parsers.header import apply_stamp
from plan_extract.pipeline import extract_document
from plan_extract.readers import read

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

import make_signed_pdf as fx  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "corpus" / "docs"
needs_fonts = pytest.mark.skipif(not fx.fonts_available(), reason="DejaVu fonts not installed")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    if not fx.fonts_available():
        pytest.skip("DejaVu fonts not installed")
    pytest.importorskip("reportlab")
    return fx.write_all(tmp_path_factory.mktemp("signed"))


def _texts(ir) -> list[str]:
    out = [p.text for p in ir.paragraphs()]
    for t in ir.tables():
        out += [c.text for r in t.rows for c in r.cells]
    return out


def test_stamp_over_a_table_stays_out_of_its_cells(files):
    ir = read(files["image-stamp"])
    (table,) = ir.tables()
    assert [r.texts for r in table.rows] == [fx.TASK_HEAD] + fx.TASK_ROWS
    body = " ".join(_texts(ir))
    for word in ("Ký", "15.11.2024", "1234", "Tỉnh Sơn La"):
        assert word not in body
    assert "Các cơ quan, đơn vị tổ chức thực hiện nghiêm túc" in body  # the paragraph under black text
    kinds = {o.kind: o for o in ir.overlays}
    assert kinds["turned"].lines == ["Số: 1234/KH-UBND"]
    assert kinds["image"].lines == [fx.SIGNER_STAMP]  # red over the signature image, over no text
    assert any(o.lines == fx.STAMP_LINES and o.kind == "overlap" for o in ir.overlays)
    assert any(o.lines == ["Ký số bởi Văn phòng"] and o.kind == "overlap" for o in ir.overlays)
    assert all(o.page == 1 for o in ir.overlays)


def test_stamped_number_and_signing_date_fill_the_header(files):
    h = extract_document(files["image-stamp"]).header
    assert (h.number, h.symbol, h.number_source) == ("1234", "KH-UBND", "stamp")
    assert (h.place, h.issue_date, h.issue_date_precision, h.issue_date_source) == (
        "Mai Sơn",
        "2024-11-15",
        "day",
        "stamp",
    )


def test_annotation_appearance_fills_the_blanks_in_place(files):
    ir = read(files["annotation-stamp"])
    assert [(o.lines, o.kind, o.context) for o in ir.overlays] == [
        (["1234"], "annotation", "Số: 1234 /KH-UBND"),
        (["15"], "annotation", "Mai Sơn, ngày 15 tháng 11 năm 2024"),
    ]
    paras = [p.text for p in ir.paragraphs()]
    assert "Số: /KH-UBND" in paras and "Mai Sơn, ngày tháng 11 năm 2024" in paras
    h = extract_document(files["annotation-stamp"]).header
    assert (h.number, h.number_raw, h.number_source) == ("1234", "1234/KH-UBND", "stamp")
    assert (h.issue_date, h.issue_date_source, h.title) == (
        "2024-11-15",
        "stamp",
        "Thực hiện công tác cải cách hành chính năm 2024",
    )


def test_printed_values_win_and_say_so(files):
    h = extract_document(files["same-line-header"]).header
    assert (h.number, h.number_source, h.issue_date, h.issue_date_source) == ("254", "printed", "2023-02-17", "printed")


def test_stamp_that_contradicts_the_print_is_not_taken():
    h = Header(
        symbol="KH-UBND", number_raw="/KH-UBND", place="Mai Sơn", issue_date="2024-11", issue_date_precision="month"
    )
    apply_stamp(h, [Overlay(["Số: 77/QĐ-UBND", "Ngày ký: 15.10.2024 09:12:30 +07:00"], 1, (0, 0, 1, 1), "image")])
    assert (h.number, h.number_source) == (None, None)
    assert (h.issue_date, h.issue_date_precision, h.issue_date_source) == ("2024-11", "month", "printed")


@pytest.mark.parametrize("name", ["same-line-header", "same-line-header-issuer", "same-line-header-spaces"])
def test_number_and_place_date_on_one_line(files, name):
    """Each half of a line that sets ``Số …`` left and the place and date right (the
    issuer and the motto the same) is a paragraph of its own."""
    ir = read(files[name])
    paras = [p.text for p in ir.paragraphs()]
    assert fx.SAME_LINE_NUMBER in paras and fx.SAME_LINE_DATE in paras
    if name != "same-line-header":
        assert fx.SAME_LINE_ISSUER in paras and fx.SAME_LINE_MOTTO in paras
    h = extract_document(files[name]).header
    assert (h.number, h.symbol, h.number_raw, h.place, h.issue_date, h.doc_type, h.title) == (
        "254",
        "QĐ-UBND",
        "254/QĐ-UBND",
        "Sơn La",
        "2023-02-17",
        "Quyết định",
        "Ban hành Kế hoạch chuyển đổi số năm 2023",
    )


def test_signed_corpus_plan_header():
    """The Hà Nội plan prints `Số: /KH-UBND` and `Hà Nội, ngày tháng năm 2025`; the
    signature widgets stamp 144, 20 and 5 into the blanks (read from the rendered pages)."""
    doc = extract_document(CORPUS / "ha-noi-2025-benh-an-dien-tu.pdf")
    h = doc.header
    assert (h.number, h.symbol, h.number_source) == ("144", "KH-UBND", "stamp")
    assert (h.place, h.issue_date, h.issue_date_precision, h.issue_date_source) == (
        "Hà Nội",
        "2025-05-20",
        "day",
        "stamp",
    )
    assert (h.doc_type, h.title) == (
        "Kế hoạch",
        "Triển khai hồ sơ bệnh án điện tử tại các bệnh viện trên địa bàn thành phố Hà Nội",
    )
    assert (h.signer_authority, h.signer_position, h.signer_name) == (
        "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Vũ Thu Hà",
    )
    assert h.recipients[:3] == ["Bộ Y tế", "Đ/c Bí thư Thành ủy", "Các Đ/c PBT Thành ủy"]
    assert h.recipients[-3:] == ["UBND các quận, huyện, thị xã", "Các BV trong và ngoài công lập", "Lưu: VT, KGVX."]
    ir = read(CORPUS / "ha-noi-2025-benh-an-dien-tu.pdf")
    paras = [p.text for p in ir.paragraphs()]
    assert paras[:2] == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"]  # the space the PDF draws ends a word


def test_scanned_corpus_plan_rejected():
    with pytest.raises(ReadError, match="no text layer.*OCR"):
        read(CORPUS / "can-tho-2025-70-ban-quet.pdf")


def test_overlay_thresholds_are_options(files):
    from plan_extract.options import PdfOptions, ReaderOptions

    assert any(o.kind == "turned" for o in read(files["image-stamp"]).overlays)
    lax = read(files["image-stamp"], options=ReaderOptions(pdf=PdfOptions(overlay_min_turn=1.0)))
    assert not any(o.kind == "turned" for o in lax.overlays)  # a 20° turn is then body text


def test_cell_spanning_rows_across_a_page_break(files):
    """SPEC section 2, rule 3: the lead cell of row 3, left open at the foot of page 1,
    gives its text to row 4 on page 2; the merge within page 1 fills row 2. Merged
    rows come out once each."""
    ir = read(files["spanning-cell"])
    (table,) = ir.tables()
    rows = [r.texts for r in table.rows]
    p1, p2 = fx.SPAN_ROWS_P1, fx.SPAN_ROWS_P2
    assert rows == [
        fx.TASK_HEAD,
        p1[1],
        [*p1[2][:2], p1[1][2], *p1[2][3:]],
        p1[3],
        [*p2[1][:2], p1[3][2], *p2[1][3:]],
        p2[2],
    ]
    assert [c.v_merged for c in table.rows[2].cells] == [False, False, True, False, False]
    assert [c.v_merged for c in table.rows[4].cells] == [False, False, True, False, False]
    assert [r.prov.page for r in table.rows] == [1, 1, 1, 1, 2, 2]
    tasks = extract_document(files["spanning-cell"]).tasks
    assert [(t.tt, t.lead) for t in tasks] == [
        ("1", "Văn phòng HĐND và UBND huyện"),
        ("2", "Văn phòng HĐND và UBND huyện"),
        ("3", "Phòng Nội vụ"),
        ("4", "Phòng Nội vụ"),
        ("5", "Văn phòng HĐND và UBND huyện"),
    ]


def test_borderless_table_found_from_text_columns(files):
    """A task table set by text positions only: its rows and cells; the prose around
    it, the header and the signature block stay paragraphs."""
    ir = read(files["borderless-table"])
    (table,) = ir.tables()
    assert [r.texts for r in table.rows] == fx.BORDERLESS_ROWS
    paras = [p.text for p in ir.paragraphs()]
    assert "I. NHIỆM VỤ CỤ THỂ" in paras and "Nơi nhận:" in paras and "Số: 15/KH-UBND" in paras
    assert any(p.startswith("Trên đây là Kế hoạch") and p.endswith("triển khai thực hiện.") for p in paras)
    doc = extract_document(files["borderless-table"])
    assert [(t.tt, t.content, t.lead, t.support, t.deadline) for t in doc.tasks] == [
        tuple(r) for r in fx.BORDERLESS_ROWS[1:]
    ]
    assert (doc.header.number, doc.header.signer_name) == ("15", "Nguyễn Văn An")


def test_borderless_detection_is_an_option(files):
    from plan_extract.options import PdfOptions, ReaderOptions

    assert read(files["borderless-table"]).tables()
    assert not read(files["borderless-table"], options=ReaderOptions(pdf=PdfOptions(table_min_columns=1))).tables()
    assert not read(files["borderless-table"], options=ReaderOptions(pdf=PdfOptions(table_min_rows=6))).tables()


@pytest.mark.parametrize("name", ["white-boxed-cell", "nested-boxed-cell"])
def test_boxes_around_a_cells_lines_leave_the_table_whole(files, name):
    """A box around each line of a cell split by a page break: white shading (it draws
    no ruling) or a table nested in the cell (its text is the cell's, as the Word reader
    reads it). Either way one table whose rows are the printed ones, the split row
    joined, and no cell line read as a paragraph."""
    ir = read(files[name])
    (table,) = ir.tables()
    assert [r.texts for r in table.rows] == fx.BOXED_ROWS
    assert not any(p.text in fx.BOXED_ROWS[2][1] for p in ir.paragraphs())
    doc = extract_document(files[name])
    assert [(t.tt, t.content, t.lead) for t in doc.tasks] == [(r[0], r[1], r[2]) for r in fx.BOXED_ROWS[1:]]
    assert not [w for w in doc.warnings if w.code == "table_skipped"]
