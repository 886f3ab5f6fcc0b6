"""The text reader: encodings (round trips), markup, tables."""

from __future__ import annotations

import unicodedata

import pytest

from plan_extract.ir import Paragraph, ReadError, SourceInfo, Table
from plan_extract.readers.encoding import decode
from plan_extract.readers.markup import clean_inline
from plan_extract.readers.text import read_text
from textcodecs import to_cp1258

SAMPLE = (
    "Số: 15/KH-UBND\nXuân Lộc, ngày 26 tháng 01 năm 2022\nKẾ HOẠCH\nCải cách hành chính huyện Thủy Nguyên, Hòa Bình\n"
)


def _info():
    return SourceInfo(path="x.txt", format="txt", sha256="", size=0)


@pytest.mark.parametrize(
    "encoding,expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("cp1258", "windows-1258"),
    ],
)
def test_encodings_round_trip(encoding, expected):
    data = to_cp1258(SAMPLE) if encoding == "cp1258" else SAMPLE.encode(encoding)
    text, used = decode(data)
    assert text == SAMPLE
    assert used == expected


def test_windows_1258_decomposed_tone_marks_become_nfc():
    data = to_cp1258(SAMPLE)
    # cp1258 stores "ộ" as "ô" + combining dot below: the bytes are decomposed
    assert to_cp1258("ộ") == "ô".encode("cp1258") + "\u0323".encode("cp1258")
    text, _ = decode(data)
    assert text == unicodedata.normalize("NFC", text)
    assert "Xuân Lộc" in text


def test_nfd_utf8_becomes_nfc():
    nfd = unicodedata.normalize("NFD", SAMPLE)
    assert nfd != SAMPLE
    text, used = decode(nfd.encode("utf-8"))
    assert text == SAMPLE and used == "utf-8"


def test_random_bytes_are_rejected():
    import random

    rnd = random.Random(7)
    data = bytes(rnd.randrange(256) for _ in range(5000))
    with pytest.raises(ReadError):
        decode(data)


def test_markup_removed_but_literal_angle_text_kept():
    assert (
        clean_inline("Mã số gồm: <mã định danh của cá nhân, tổ chức>.<mã loại giấy tờ>.")
        == "Mã số gồm: <mã định danh của cá nhân, tổ chức>.<mã loại giấy tờ>."
    )
    assert clean_inline("<b>I</b>") == "I"
    assert (
        clean_inline('<ul style="list-style-type: none"> <li>- Văn phòng</li> <li>- Phòng Tư pháp</li> </ul>')
        == "- Văn phòng\n- Phòng Tư pháp"
    )
    assert clean_inline("<p>Một</p> <p>Hai</p>") == "Một\nHai"
    assert clean_inline("**KT. CHỦ TỊCH**") == "KT. CHỦ TỊCH"
    assert clean_inline("***Nơi nhận:***") == "Nơi nhận:"
    assert clean_inline("*Căn cứ Quyết định số 302/QĐ-UBND;*") == "Căn cứ Quyết định số 302/QĐ-UBND;"
    assert clean_inline("### **QUYẾT ĐỊNH:**") == "QUYẾT ĐỊNH:"
    assert clean_inline("Tờ trình + dự thảo   Quyết định\t x") == "Tờ trình + dự thảo Quyết định x"
    assert clean_inline("a &amp; b") == "a & b"


def test_tab_and_pipe_tables_and_paragraph_gaps():
    text = (
        "KẾ HOẠCH\nTiêu đề dòng một\n\nTT\tNội dung\tChủ trì\n1\tViệc một\tPhòng A\n\n"
        "| TT | Nội dung | Chủ trì |\n|---|---|---|\n| 2 | Việc <b>hai</b> | Phòng B |\n"
    )
    doc = read_text(text.encode(), _info())
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Table"]
    assert doc.blocks[1].gap_before is False
    t1, t2 = doc.blocks[2], doc.blocks[3]
    assert isinstance(t1, Table) and t1.rows[1].texts == ["1", "Việc một", "Phòng A"]
    assert [r.texts for r in t2.rows] == [["TT", "Nội dung", "Chủ trì"], ["2", "Việc hai", "Phòng B"]]
    assert t2.rows[1].prov.line == 9


def test_stray_tab_in_running_text_is_a_paragraph():
    doc = read_text("Xuân Lộc,\tngày 26 tháng 01 năm 2022\n".encode(), _info())
    assert all(isinstance(b, Paragraph) for b in doc.blocks)
