"""The Word reader: body order, layout tables, task tables (repeated header rows,
merged cells), automatic numbering, breaks, footnotes, rejected inputs; and the .docx
fixtures built from the five samples scored against the gold."""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from plan_extract.ir import Paragraph, ReadError, Table
from plan_extract.readers import read
from plan_extract.readers.docx_numbering import format_number, to_letters, to_roman

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

from make_docx import DOC_IDS, ListMaker, _no_borders, _number, _span, _vmerge, save_deterministic  # noqa: E402

from goldcompare import score_header, score_tasks  # noqa: E402


def _save(document, tmp_path: Path, name: str = "t.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def _texts(ir) -> list[str]:
    return [b.text for b in ir.blocks if isinstance(b, Paragraph)]


def _task_table(document, rows: list[list[str]]):
    table = document.add_table(rows=0, cols=len(rows[0]))
    table.style = document.styles["Table Grid"]
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = value
    return table


HEADER = ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Sản phẩm"]


def test_body_order_paragraphs_and_tables_interleaved(tmp_path):
    d = Document()
    d.add_paragraph("Mở đầu")
    _task_table(d, [HEADER, ["1", "Việc một", "Văn phòng", "Các phòng", "Quý I", "Báo cáo"]])
    d.add_paragraph("Giữa")
    _task_table(d, [HEADER, ["2", "Việc hai", "Văn phòng", "Các phòng", "Quý II", "Báo cáo"]])
    d.add_paragraph("Kết thúc")
    ir = read(_save(d, tmp_path))
    kinds = [type(b).__name__ if isinstance(b, Table) else b.text for b in ir.blocks]
    assert kinds == ["Mở đầu", "Table", "Giữa", "Table", "Kết thúc"]
    assert ir.source.format == "docx"


def test_layout_header_and_closing_tables_read_as_paragraphs(tmp_path):
    d = Document()
    head = d.add_table(rows=1, cols=2)
    _no_borders(head)
    left, right = head.rows[0].cells
    left.text = "ỦY BAN NHÂN DÂN\nHUYỆN XUÂN LỘC"
    left.add_paragraph("Số: 15/KH-UBND")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Xuân Lộc, ngày 26 tháng 01 năm 2022")
    d.add_paragraph("KẾ HOẠCH")
    closing = d.add_table(rows=1, cols=2)
    left, right = closing.rows[0].cells
    left.text = "Nơi nhận:"
    left.add_paragraph("- UBND tỉnh;")
    left.add_paragraph("- Lưu: VT.")
    right.text = "KT. CHỦ TỊCH"
    right.add_paragraph("PHÓ CHỦ TỊCH")
    right.add_paragraph("")
    right.add_paragraph("Nguyễn Thị Cát Tiên")
    ir = read(_save(d, tmp_path))
    assert not ir.tables()
    assert _texts(ir) == [
        "ỦY BAN NHÂN DÂN",
        "HUYỆN XUÂN LỘC",
        "Số: 15/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Xuân Lộc, ngày 26 tháng 01 năm 2022",
        "KẾ HOẠCH",
        "Nơi nhận:",
        "- UBND tỉnh;",
        "- Lưu: VT.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Thị Cát Tiên",
    ]
    gaps = {p.text: p.gap_before for p in ir.paragraphs()}
    assert gaps["Số: 15/KH-UBND"] is False and gaps["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] is True
    assert gaps["- UBND tỉnh;"] is False and gaps["KT. CHỦ TỊCH"] is True


def test_task_table_header_hint_spans_and_vertical_merges(tmp_path):
    d = Document()
    t = _task_table(
        d,
        [
            HEADER,
            ["", "", "", "", "", ""],
            ["1", "Việc một", "Văn phòng", "Các phòng", "Quý I", "Báo cáo"],
            ["2", "Việc hai", "", "Các phòng", "Quý II", "Kế hoạch"],
        ],
    )
    t.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    _span(t.rows[1], 0, 6)
    t.rows[1].cells[0].text = "1. Cải cách thể chế"
    _vmerge(t.rows[2].cells[2], "restart")
    _vmerge(t.rows[3].cells[2], None)
    _vmerge(t.rows[2].cells[3], "restart")
    _vmerge(t.rows[3].cells[3], None)
    t.rows[2].cells[1].add_paragraph("- ý thứ hai")
    ir = read(_save(d, tmp_path))
    (table,) = ir.tables()
    assert [r.header_hint for r in table.rows] == [True, False, False, False]
    group = table.rows[1].cells
    assert len(group) == 1 and group[0].col_span == 6 and group[0].text == "1. Cải cách thể chế"
    row1, row2 = table.rows[2].cells, table.rows[3].cells
    assert row1[1].text == "Việc một\n- ý thứ hai"
    assert (row2[2].text, row2[2].v_merged) == ("Văn phòng", True)
    assert (row2[3].text, row2[3].v_merged) == ("Các phòng", True)
    assert row1[2].v_merged is False


def test_automatic_numbering_gives_the_printed_labels(tmp_path):
    d = Document()
    lists = ListMaker(d)
    roman = lists.new_list("upperRoman", "%1")
    arabic = lists.new_list("decimal", "%1.", start=1)
    t = _task_table(d, [HEADER] + [[""] * 6 for _ in range(6)])
    for row_i, num in ((1, roman), (2, arabic), (3, arabic), (4, roman), (5, arabic)):
        _number(t.rows[row_i].cells[0].paragraphs[0], num)
    arabic2 = lists.new_list("decimal", "%1.", start=7)
    _number(t.rows[6].cells[0].paragraphs[0], arabic2)
    bullets = lists.new_list("bullet", "•", suffix="space")
    p = d.add_paragraph("Nội dung gạch đầu dòng")
    _number(p, bullets)
    ir = read(_save(d, tmp_path))
    labels = [r.cells[0].text for r in ir.tables()[0].rows[1:]]
    assert labels == ["I", "1.", "2.", "II", "3.", "7."]
    assert _texts(ir)[-1] == "- Nội dung gạch đầu dòng"


def test_number_formats():
    assert [to_roman(n) for n in (1, 4, 9, 14, 40, 1994)] == ["I", "IV", "IX", "XIV", "XL", "MCMXCIV"]
    assert [to_letters(n) for n in (1, 26, 27)] == ["a", "z", "aa"]
    assert format_number(3, "upperLetter") == "C" and format_number(5, "decimalZero") == "05"


def test_multilevel_numbering_and_restart(tmp_path):
    d = Document()
    numbering = d.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="50"><w:multiLevelType w:val="multilevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="50"><w:abstractNumId w:val="50"/></w:num>'))
    for text, level in (("A", 0), ("B", 1), ("C", 1), ("D", 2), ("E", 2), ("F", 0), ("G", 1)):
        p = d.add_paragraph(text)
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = 50
    assert _texts(read(_save(d, tmp_path))) == ["1. A", "1.1. B", "1.2. C", "a) D", "b) E", "2. F", "2.1. G"]


def test_line_breaks_page_breaks_and_centred_blocks(tmp_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    d = Document()
    for text in ("KẾ HOẠCH", "Cải cách hành chính"):
        p = d.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = p.paragraph_format.space_after = 0
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = 0
    run = p.add_run("huyện Xuân Lộc")
    run.add_break()
    p.add_run("năm 2022")
    p = d.add_paragraph("Căn cứ Luật")
    p.paragraph_format.space_before = 0
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("Trang hai")
    ir = read(_save(d, tmp_path))
    paras = {p.text: p for p in ir.paragraphs()}
    assert _texts(ir) == ["KẾ HOẠCH", "Cải cách hành chính", "huyện Xuân Lộc", "năm 2022", "Căn cứ Luật", "Trang hai"]
    assert [paras[t].gap_before for t in ("Cải cách hành chính", "huyện Xuân Lộc", "năm 2022", "Căn cứ Luật")] == [
        False,
        False,
        False,
        True,
    ]
    assert paras["Trang hai"].page_break_before and not paras["Căn cứ Luật"].page_break_before


def test_revisions_hidden_text_fields_links_and_content_controls(tmp_path):
    d = Document()
    p = d.add_paragraph("Giữ ")
    body = (
        f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t xml:space="preserve">chèn </w:t></w:r></w:ins>'
        f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>xoá </w:delText></w:r></w:del>',
        f"<w:r {nsdecls('w')}><w:rPr><w:vanish/></w:rPr><w:t>ẩn </w:t></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'
        f"<w:r {nsdecls('w')}><w:instrText> PAGE </w:instrText></w:r>"
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r {nsdecls("w")}><w:t>7</w:t></w:r><w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
        f'<w:hyperlink {nsdecls("w")}><w:r><w:t xml:space="preserve"> liên kết</w:t></w:r></w:hyperlink>',
    )
    for xml in body:
        wrapper = parse_xml(f"<w:p {nsdecls('w')}>{xml}</w:p>")
        for child in list(wrapper):
            p._p.append(child)
    d.element.body.insert(
        len(d.element.body) - 1,
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>Trong điều khiển nội dung</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    assert _texts(read(_save(d, tmp_path))) == ["Giữ chèn 7 liên kết", "Trong điều khiển nội dung"]


def test_footnotes_become_marked_paragraphs(tmp_path):
    from make_docx import Footnotes

    d = Document()
    notes = Footnotes(d)
    p = d.add_paragraph("Chương trình giai đoạn 2021 - 2030")
    notes.reference(p, "Tại Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ")
    p.add_run(" và các kế hoạch.")
    d.add_paragraph("Đoạn sau")
    notes.finish()
    assert _texts(read(_save(d, tmp_path))) == [
        "Chương trình giai đoạn 2021 - 2030¹ và các kế hoạch.",
        "¹ Tại Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ",
        "Đoạn sau",
    ]


def test_grid_before_and_nested_table_text(tmp_path):
    d = Document()
    t = _task_table(d, [HEADER, ["1", "Việc", "Văn phòng", "", "Quý I", "Báo cáo"]])
    row = t.rows[1]
    row._tr.get_or_add_trPr().append(parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))
    row._tr.remove(row._tr.findall(f"{{{row._tr.nsmap['w']}}}tc")[0])
    inner = t.rows[1].cells[2].add_table(rows=1, cols=2)
    inner.rows[0].cells[0].text = "Phòng A"
    inner.rows[0].cells[1].text = "Phòng B"
    ir = read(_save(d, tmp_path))
    cells = ir.tables()[0].rows[1].cells
    assert cells[0].text == "" and cells[0].col_span == 1
    assert [c.text for c in cells[1:3]] == ["Việc", "Văn phòng"]
    assert cells[3].text == "Phòng A\nPhòng B"  # a small nested layout table: its cells as lines


def test_deterministic_fixture(tmp_path):
    from make_docx import build_document

    a = save_deterministic(build_document(DOC_IDS[0]), tmp_path / "a.docx").read_bytes()
    b = save_deterministic(build_document(DOC_IDS[0]), tmp_path / "b.docx").read_bytes()
    assert a == b


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"PK\x03\x04 not really a zip", "damaged .docx"),
        (None, "not a Word document"),
    ],
)
def test_rejects_broken_docx(tmp_path, data, reason):
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("xl/workbook.xml", "<workbook/>")
        data = buf.getvalue()
    path = tmp_path / "broken.docx"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=reason):
        read(path)


def test_doc_without_libreoffice_says_how_to_enable(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ReadError, match="LibreOffice"):
        read(path)


def test_encrypted_word_file_rejected(tmp_path):
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64)
    with pytest.raises(ReadError, match="password"):
        read(path)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_binary_doc_converted_through_libreoffice(tmp_path):
    from plan_extract.readers.soffice import convert_with_soffice

    d = Document()
    d.add_paragraph("Số: 15/KH-UBND")
    _task_table(d, [HEADER, ["1", "Việc một", "Văn phòng", "Các phòng", "Quý I", "Báo cáo"]])
    src = _save(d, tmp_path)
    odt = tmp_path / "t.odt"  # LibreOffice keeps the table on the way docx → odt → doc
    odt.write_bytes(convert_with_soffice(src, src.read_bytes(), "odt"))
    doc_path = tmp_path / "old.doc"
    doc_path.write_bytes(convert_with_soffice(odt, odt.read_bytes(), "doc"))
    ir = read(doc_path)
    assert ir.source.format == "doc"
    assert _texts(ir)[0] == "Số: 15/KH-UBND"
    assert ir.tables()[0].rows[1].texts == ["1", "Việc một", "Văn phòng", "Các phòng", "Quý I", "Báo cáo"]


# -- the five samples as Word files ------------------------------------------------------------
@pytest.fixture(scope="module")
def docx_results(tmp_path_factory):
    from make_pdf import extracted, fixture_set

    files = fixture_set(tmp_path_factory.getbasetemp() / "format-fixtures", with_pdf=False)["docx"]
    return {doc_id: extracted(path) for doc_id, path in files.items()}


def test_docx_fixtures_score_like_the_text(docx_results, gold_docs):
    gold_rows = perfect = hdr = hdr_n = 0
    for doc_id, gold in gold_docs.items():
        s = score_tasks(gold["tasks"], docx_results[doc_id]["tasks"])
        gold_rows += s.gold_rows
        perfect += s.perfect
        h = score_header(gold, docx_results[doc_id])
        hdr += sum(h.values())
        hdr_n += len(h)
    assert perfect / gold_rows >= 0.98
    assert hdr == hdr_n


def test_instances_of_one_list_continue_and_restart_where_overridden(tmp_path):
    d = Document()
    numbering = d.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="60"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="61"><w:abstractNumId w:val="60"/></w:num>'))
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="62"><w:abstractNumId w:val="60"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    for text, num in (("A", 62), ("B", 61), ("C", 61), ("D", 62)):
        p = d.add_paragraph(text)
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num
    # LibreOffice writes "restart at 1" as an overriding instance followed by the plain one
    assert _texts(read(_save(d, tmp_path))) == ["1. A", "2. B", "3. C", "4. D"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_word_file_saved_by_libreoffice_reads_the_same(tmp_path):
    """Another writer's XML (LibreOffice re-saves numbering, merges and header rows
    its own way): the same task table comes out."""
    from make_docx import build_docx

    from plan_extract.readers.soffice import convert_with_soffice

    src = build_docx("tam-duong-2021-de-an-468", tmp_path / "ours")
    resaved = tmp_path / "resaved" / src.name
    resaved.parent.mkdir()
    resaved.write_bytes(convert_with_soffice(src, src.read_bytes(), "docx"))

    def rows(path):
        return [r.texts for t in read(path).tables() for r in t.rows]

    assert rows(resaved) == rows(src)


def test_tab_laid_out_header_lines_split_into_columns(tmp_path):
    d = Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN\t\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    d.add_paragraph("Số: 15/KH-UBND\t\tXuân Lộc, ngày 26 tháng 01 năm 2022")
    d.add_paragraph("a)\tTổ chức thực hiện")
    assert _texts(read(_save(d, tmp_path))) == [
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 15/KH-UBND",
        "Xuân Lộc, ngày 26 tháng 01 năm 2022",
        "a) Tổ chức thực hiện",
    ]
