"""Zones of a plan document's running text: the header block (number, place and
date, document type, title, issuer), the preamble (legal bases), the body (numbered
sections), the closing (recipients and signature) and the appendix. Paragraphs
broken by a page break are rejoined here, before any parser reads them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..ir import DocumentIR, Paragraph
from ..normalize.text import fold

DOC_TYPES = {
    "KE HOACH": "Kế hoạch", "QUYET DINH": "Quyết định", "CHI THI": "Chỉ thị",
    "THONG BAO": "Thông báo", "CONG VAN": "Công văn", "BAO CAO": "Báo cáo",
    "NGHI QUYET": "Nghị quyết", "CHUONG TRINH": "Chương trình", "DE AN": "Đề án",
    "TO TRINH": "Tờ trình", "HUONG DAN": "Hướng dẫn", "KET LUAN": "Kết luận",
}
NUMBER_LINE = re.compile(
    r"^(?:(?:Nghị quyết|Quyết định|Kế hoạch|Chỉ thị|Thông báo|Công văn)\s+)?Số\s*[:.]?\s*"
    r"(?P<raw>[^\s/]*\s*/\s*[\wĐđ][\wĐđ\-/.]*)", re.I)
DATE_LINE = re.compile(
    r"^(?P<place>[^,\n]{2,40}?),\s*ngày\s*(?P<d>\d{1,2})?\s*(?:/|tháng)\s*(?P<m>\d{1,2})?\s*"
    r"(?:/|năm)\s*(?P<y>\d{4})", re.I)
RECIPIENTS_LINE = re.compile(r"^Nơi\s+nhận\s*:?", re.I)
SECTION_LABEL = re.compile(
    r"^(?:(?P<article>Điều\s+\d+)\s*[.:]?|(?P<roman>[IVXLC]+)\s*\.|(?P<dotted>\d{1,2}(?:\.\d{1,2})+)\.?"
    r"|(?P<arabic>\d{1,2})\s*\.|(?P<letter>[a-zđ])\s*\))(?=\s|$)\s*(?P<title>.*)$", re.S)
# the words an issuing body's name starts with (a line after the title naming who issues)
ISSUER_START = re.compile(
    r"^(?:ỦY BAN|UỶ BAN|UBND|HỘI ĐỒNG|THỦ TƯỚNG|CHÍNH PHỦ|BỘ\b|SỞ\b|CHỦ TỊCH|GIÁM ĐỐC|BAN\b|TỔNG CỤC|"
    r"CỤC\b|QUỐC HỘI|TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|ĐẢNG ỦY|BÍ THƯ|VĂN PHÒNG|THƯỜNG TRỰC|MẶT TRẬN)")
FOOTNOTE_LINE = re.compile(r"^(?P<mark>[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*(?P<text>\S.*)$", re.S)


@dataclass
class Zones:
    paragraphs: list[Paragraph]
    number: Optional[int] = None
    date: Optional[int] = None
    doc_type: Optional[int] = None
    title: list[int] = field(default_factory=list)
    issuer: list[int] = field(default_factory=list)
    preamble: tuple[int, int] = (0, 0)  # [start, end) indexes of legal bases
    body: tuple[int, int] = (0, 0)
    closing: tuple[int, int] = (0, 0)
    appendix: tuple[int, int] = (0, 0)

    def texts(self, span: tuple[int, int]) -> list[Paragraph]:
        return self.paragraphs[span[0]:span[1]]


def doc_type_of(text: str) -> Optional[str]:
    return DOC_TYPES.get(fold(text).upper()) if len(text) < 40 and ":" not in text else None


def _is_upper_line(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def starts_continuation(text: str) -> bool:
    """A paragraph starting in lower case continues the previous one (a page break),
    unless it is a letter section label such as ``a)``."""
    return bool(text) and text[0].islower() and not SECTION_LABEL.match(text)


# paragraph texts that are footnote marks only: joined with a continuation they become a
# footnote line (FOOTNOTE_LINE needs a character after the marks)
_BARE_MARKS = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s*$")


def rejoin(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Paragraphs with each continuation (see :func:`starts_continuation`) joined to the
    one before it (with a space), unless that one is a footnote line. Linear: the
    pieces of a paragraph are joined once, when it is complete (joining at every
    continuation took quadratic time: 20 s for 200,000 continuation lines)."""
    out: list[Paragraph] = []
    pieces: list[str] = []  # the texts making up out[-1]
    footnote = False        # FOOTNOTE_LINE matches out[-1]'s text as joined so far

    def close() -> None:
        if len(pieces) > 1:
            prev = out[-1]
            out[-1] = Paragraph(" ".join(pieces), prev.prov, prev.gap_before, prev.page_break_before)

    for p in paragraphs:
        if out and not footnote and starts_continuation(p.text):
            pieces.append(p.text)
            # the match depends only on how the text starts: marks alone become a footnote
            # line once a continuation follows them
            footnote = bool(_BARE_MARKS.match(pieces[0]))
        else:
            close()
            out.append(p)
            pieces = [p.text]
            footnote = bool(FOOTNOTE_LINE.match(p.text))
    close()
    return out


def _block_after(paras: list[Paragraph], start: int) -> list[int]:
    """Indexes of the visual block starting at ``start`` (lines without a gap)."""
    idx = [start]
    j = start + 1
    while j < len(paras) and not paras[j].gap_before:
        idx.append(j)
        j += 1
    return idx


def find_zones(ir: DocumentIR) -> Zones:
    paras = rejoin(ir.paragraphs())
    z = Zones(paragraphs=paras)
    n = len(paras)
    head_limit = min(n, 40)
    for i in range(head_limit):
        t = paras[i].text
        if z.number is None and NUMBER_LINE.match(t):
            z.number = i
        elif z.date is None and DATE_LINE.match(t):
            z.date = i
        elif z.doc_type is None and doc_type_of(t):
            z.doc_type = i
            break
    cursor = (z.doc_type + 1) if z.doc_type is not None else max(z.number or 0, z.date or 0) + 1
    if z.doc_type is not None and cursor < n:
        z.title = _block_after(paras, cursor)
        cursor = z.title[-1] + 1
        # a title a conversion cut into blocks of its own: the upper-case blocks after it,
        # up to the issuing body (``THỦ TƯỚNG CHÍNH PHỦ``) or the next document type
        while (cursor < n and _is_upper_line(paras[cursor].text) and not ISSUER_START.match(paras[cursor].text)
               and not SECTION_LABEL.match(paras[cursor].text)
               and not doc_type_of(paras[cursor].text.rstrip(":"))
               and sum(len(paras[i].text) for i in z.title) < 300):
            z.title += _block_after(paras, cursor)
            cursor = z.title[-1] + 1
        if cursor < n and _is_upper_line(paras[cursor].text) and not doc_type_of(paras[cursor].text.rstrip(":")):
            z.issuer = _block_after(paras, cursor)
            cursor = z.issuer[-1] + 1
    # body starts at the first section label; the preamble is what lies before it
    body_start = next((i for i in range(cursor, n) if SECTION_LABEL.match(paras[i].text)), n)
    closing_start = next((i for i in range(body_start, n) if RECIPIENTS_LINE.match(paras[i].text)), n)
    if closing_start == n:  # no "Nơi nhận": the closing starts at a signature authority line
        closing_start = next((i for i in range(body_start, n)
                              if re.match(r"^(KT|TM|TL|TUQ)\.", paras[i].text)), n)
    z.preamble = (cursor, body_start)
    z.body = (body_start, closing_start)
    closing_end = _closing_end(paras, closing_start)
    z.closing = (closing_start, closing_end)
    z.appendix = (closing_end, n)
    return z


def _closing_end(paras: list[Paragraph], start: int) -> int:
    """The closing ends after the signer's name (or after the last recipient)."""
    from .header import looks_like_name

    n = len(paras)
    for i in range(start, min(n, start + 40)):
        t = paras[i].text
        if i > start and looks_like_name(t):
            return i + 1
    return n
