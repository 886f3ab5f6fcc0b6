"""Header, sections, footnotes and references on inputs written for the test."""

from __future__ import annotations

from plan_extract.ir import SourceInfo
from plan_extract.pipeline import Options, build_document
from plan_extract.readers.text import read_text

DOC = """\
Số: /KH-UBND

Hiệp Hoà, ngày tháng 01 năm 2024

KẾ HOẠCH

Thực hiện kiểm soát thủ tục
hành chính năm 2024

Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa;

Thực hiện Kế hoạch số 03/KH-UBND ngày 08/01/2024 của Chủ tịch UBND tỉnh về kiểm soát TTHC
năm 2024;

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

a) Tổ chức thực hiện có hiệu quả¹ công tác kiểm soát, một

cửa liên thông.

- Gạch đầu dòng là văn bản, không phải mục.

(1) Mục đánh số trong ngoặc cũng là văn bản.

b) Bảo đảm công khai.

1.1. Mục con

II. TỔ CHỨC THỰC HIỆN

**Điều 2.** Tổ chức thực hiện:

¹ Tại Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ

Nơi nhận:

- Văn phòng UBND tỉnh (b/c);
- Lưu: VT.

**TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH**

Phạm Văn Nghị
"""


def build(text: str):
    ir = read_text(text.encode("utf-8"), SourceInfo(path="d.txt", format="txt", sha256="", size=0))
    return build_document(ir, "d", Options())


def test_header_with_blank_number_and_day():
    h = build(DOC).header
    assert (h.number, h.symbol, h.number_raw) == (None, "KH-UBND", "/KH-UBND")
    assert (h.place, h.issue_date, h.issue_date_precision) == ("Hiệp Hoà", "2024-01", "month")
    assert h.doc_type == "Kế hoạch"
    assert h.title == "Thực hiện kiểm soát thủ tục hành chính năm 2024"
    assert h.legal_bases == [
        "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa;",
        "Thực hiện Kế hoạch số 03/KH-UBND ngày 08/01/2024 của Chủ tịch UBND tỉnh về kiểm soát TTHC năm 2024;",
    ]
    assert h.recipients == ["Văn phòng UBND tỉnh (b/c)", "Lưu: VT."]
    assert h.signer_authority == "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"
    assert h.signer_position == "PHÓ CHỦ TỊCH"
    assert h.signer_name == "Phạm Văn Nghị"


def test_full_and_year_only_dates():
    text = DOC.replace("ngày tháng 01 năm 2024", "ngày 26 tháng 01 năm 2024").replace("Số: /KH-UBND", "Số: 15/KH-UBND")
    h = build(text).header
    assert (h.number, h.issue_date, h.issue_date_precision) == ("15", "2024-01-26", "day")
    h = build(DOC.replace("ngày tháng 01 năm 2024", "ngày tháng năm 2024")).header
    assert (h.issue_date, h.issue_date_precision) == ("2024", "year")


def test_sections_levels_titles_and_text():
    doc = build(DOC)
    got = [(s.label, s.kind, s.level, s.parent) for s in doc.sections]
    assert got == [
        ("I", "roman", 1, None),
        ("1", "arabic", 2, 0),
        ("a", "letter", 3, 1),
        ("b", "letter", 3, 1),
        ("1.1", "dotted", 4, 3),
        ("II", "roman", 1, None),
        ("Điều 2", "article", 2, 5),
    ]
    a = doc.sections[2]
    # the page-break continuation is rejoined and the footnote mark removed
    assert a.title == "Tổ chức thực hiện có hiệu quả công tác kiểm soát, một cửa liên thông."
    assert a.text.splitlines() == [
        "- Gạch đầu dòng là văn bản, không phải mục.",
        "(1) Mục đánh số trong ngoặc cũng là văn bản.",
    ]
    assert doc.sections[6].title == "Tổ chức thực hiện:"  # bold run-in heading


def test_footnotes_and_references():
    doc = build(DOC)
    assert [(f.mark, f.text) for f in doc.footnotes] == [
        ("1", "Tại Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ")
    ]
    refs = {(r.doc_type, r.number_raw, r.date, r.issuer, r.cited_in.split(":")[0]) for r in doc.references}
    assert ("Nghị định", "61/2018/NĐ-CP", "2018-04-23", "Chính phủ", "header") in refs
    assert ("Kế hoạch", "03/KH-UBND", "2024-01-08", "Chủ tịch UBND tỉnh", "header") in refs
    assert ("Nghị quyết", "76/NQ-CP", "2021-07-15", "Chính phủ", "footnote") in refs


def test_repeated_section_label_is_a_warning():
    doc = build(DOC.replace("II. TỔ CHỨC THỰC HIỆN", "I. TỔ CHỨC THỰC HIỆN"))
    [w] = [w for w in doc.warnings if w.code == "repeated_section_label"]
    assert w.message.startswith("repeated section label I ") and w.line is not None and w.row is None


def test_document_without_task_table_has_zero_tasks_and_a_warning():
    doc = build(DOC)
    assert doc.tasks == []
    assert [w.code for w in doc.warnings if w.code == "no_task_table"] == ["no_task_table"]
