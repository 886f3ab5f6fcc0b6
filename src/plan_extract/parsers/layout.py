"""Zones of a plan document's running text: the header block (number, place and
date, document type, title, issuer), the preamble (legal bases), the body (numbered
sections), the closing (recipients and signature) and the appendix. Paragraphs
broken by a page break are rejoined here, before any parser reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ir import DocumentIR, Paragraph
from ..normalize.text import fold, one_line

DOC_TYPES = {
    "KE HOACH": "Kế hoạch",
    "QUYET DINH": "Quyết định",
    "CHI THI": "Chỉ thị",
    "THONG BAO": "Thông báo",
    "CONG VAN": "Công văn",
    "BAO CAO": "Báo cáo",
    "NGHI QUYET": "Nghị quyết",
    "CHUONG TRINH": "Chương trình",
    "DE AN": "Đề án",
    "TO TRINH": "Tờ trình",
    "HUONG DAN": "Hướng dẫn",
    "KET LUAN": "Kết luận",
}
NUMBER_LINE = re.compile(
    r"^(?:(?:Nghị quyết|Quyết định|Kế hoạch|Chỉ thị|Thông báo|Công văn)\s+)?Số\s*[:.]?\s*"
    r"(?P<raw>[^\s/]*\s*/\s*[\wĐđ][\wĐđ\-/.]*)",
    re.I,
)
DATE_LINE = re.compile(
    r"^(?P<place>[^,\n]{2,40}?),\s*ngày\s*(?P<d>\d ?\d|\d)?\s*(?:/|tháng)\s*(?P<m>\d ?\d|\d)?\s*"
    r"(?:/|năm)\s*(?P<y>\d{4})",
    re.I,
)
_NUMBER_COLON = re.compile(r"^(?:\w+\s+){0,2}Số\s*:", re.I)
DATE_START = re.compile(r"^[^,\n]{2,40}?,\s*ngày\b", re.I)
RECIPIENTS_LINE = re.compile(r"^Nơi\s+nhận\s*:?", re.I)
SECTION_LABEL = re.compile(
    r"^(?:(?P<article>Điều\s+\d+)\s*[.:]?|(?P<roman>[IVXLC]+)\s*\.|(?P<dotted>\d{1,2}(?:\.\d{1,2})+)\.?"
    r"|(?P<arabic>\d{1,2})\s*\.|(?P<letter>[a-zđ])\s*\))(?=\s|$)\s*(?P<title>.*)$",
    re.S,
)
# the words an issuing body's name starts with (a line after the title naming who issues)
ISSUER_START = re.compile(
    r"^(?:ỦY BAN|UỶ BAN|UBND|HỘI ĐỒNG|THỦ TƯỚNG|CHÍNH PHỦ|BỘ\b|SỞ\b|CHỦ TỊCH|GIÁM ĐỐC|BAN\b|TỔNG CỤC|"
    r"CỤC\b|QUỐC HỘI|TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|ĐẢNG ỦY|BÍ THƯ|VĂN PHÒNG|THƯỜNG TRỰC|MẶT TRẬN)"
)
FOOTNOTE_LINE = re.compile(r"^(?P<mark>[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*(?P<text>\S.*)$", re.S)
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][a-zà-ỹđ]+$")


@dataclass
class Zones:
    paragraphs: list[Paragraph]
    number: int | None = None
    date: int | None = None
    doc_type: int | None = None
    title: list[int] = field(default_factory=list)
    issuer: list[int] = field(default_factory=list)
    preamble: tuple[int, int] = (0, 0)  # [start, end) indexes of legal bases
    body: tuple[int, int] = (0, 0)
    closing: tuple[int, int] = (0, 0)
    appendix: tuple[int, int] = (0, 0)
    attached: tuple[int, int] = (0, 0)  # the body of a document the decision issues (a plan)

    def texts(self, span: tuple[int, int]) -> list[Paragraph]:
        return self.paragraphs[span[0] : span[1]]


def doc_type_of(text: str) -> str | None:
    return DOC_TYPES.get(fold(text).upper()) if len(text) < 40 and ":" not in text else None


def looks_like_name(text: str) -> bool:
    """A person's name as printed under a signature: 2 to 6 capitalised words."""
    words = one_line(text).split()
    return 2 <= len(words) <= 6 and all(_NAME_WORD.match(w) for w in words)


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
    footnote = False  # FOOTNOTE_LINE matches out[-1]'s text as joined so far

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


_CUT_FIELD = re.compile(r"(?:[-/]|\b(?:ngày|tháng|năm))$", re.I)


def join_cut_fields(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Lines of one block that a narrow cell wrapped inside a field: ``Số: /KH-`` +
    ``SCT``, ``Lào Cai, ngày tháng năm`` + ``2026``."""
    out: list[Paragraph] = []
    for p in paragraphs:
        if (
            out
            and not p.gap_before
            and _CUT_FIELD.search(out[-1].text)
            and p.text[:1].isalnum()
            and len(p.text) <= 20
            and (NUMBER_LINE.match(out[-1].text) or DATE_START.match(out[-1].text))
        ):
            prev = out[-1]
            sep = "" if prev.text.endswith(("-", "/")) else " "
            out[-1] = Paragraph(f"{prev.text}{sep}{p.text}", prev.prov, prev.gap_before, prev.page_break_before)
        else:
            out.append(p)
    return out


def find_zones(ir: DocumentIR) -> Zones:
    paras = rejoin(join_cut_fields(ir.paragraphs()))
    z = Zones(paragraphs=paras)
    n = len(paras)
    head_limit = min(n, 40)
    for i in range(head_limit):
        t = paras[i].text
        if NUMBER_LINE.match(t) and (
            z.number is None or (_NUMBER_COLON.match(t) and not _NUMBER_COLON.match(paras[z.number].text))
        ):
            z.number = i  # a "Số:" line wins over a "SỐ …" inside the issuing body's name
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
        while (
            cursor < n
            and _is_upper_line(paras[cursor].text)
            and not ISSUER_START.match(paras[cursor].text)
            and not SECTION_LABEL.match(paras[cursor].text)
            and not doc_type_of(paras[cursor].text.rstrip(":"))
            and sum(len(paras[i].text) for i in z.title) < 300
        ):
            z.title += _block_after(paras, cursor)
            cursor = z.title[-1] + 1
        if (
            cursor < n
            and _is_upper_line(paras[cursor].text)
            and not doc_type_of(paras[cursor].text.rstrip(":"))
            and not SECTION_LABEL.match(paras[cursor].text)
        ):
            z.issuer = _block_after(paras, cursor)
            cursor = z.issuer[-1] + 1
    # body starts at the first section label; the preamble is what lies before it
    body_start = next((i for i in range(cursor, n) if SECTION_LABEL.match(paras[i].text)), n)
    closing_start = next((i for i in range(body_start, n) if RECIPIENTS_LINE.match(paras[i].text)), n)
    if closing_start == n:  # no "Nơi nhận": the closing starts at a signature authority line
        closing_start = next(
            (i for i in range(body_start, n) if re.match(r"^(KT|TM|TL|TUQ|K/T|T/M|T/L)\.", paras[i].text)), n
        )
    z.preamble = (cursor, body_start)
    z.body = (body_start, closing_start)
    closing_end = _closing_end(paras, closing_start)
    z.closing = (closing_start, closing_end)
    z.appendix = (closing_end, n)
    z.attached = _attached_body(paras, closing_end, z)
    return z


_APPENDIX_TITLE = re.compile(r"^(?:PHỤ LỤC|Phụ lục)\b")
_ISSUING_TYPES = ("Quyết định", "Nghị quyết", "Chỉ thị")


def _issued_type(text: str) -> bool:
    """An upper-case heading that names a document a decision issues: ``KẾ HOẠCH``,
    ``CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA CHÍNH PHỦ``, ``ĐỀ ÁN …``."""
    if len(text) > 120 or not _is_upper_line(text):
        return False
    f = fold(text).upper()
    return any(f == k or f.startswith(k + " ") for k, v in DOC_TYPES.items() if v not in _ISSUING_TYPES)


def _attached_body(paras: list[Paragraph], start: int, z: Zones) -> tuple[int, int]:
    """The numbered body of the document a decision issues (``KẾ HOẠCH`` … ``(Ban hành
    kèm theo Quyết định …)`` after the decision's signature): from its first section
    label to its own closing or the first appendix title. (start, start) when the
    document issues none."""
    n = len(paras)
    if z.doc_type is None or doc_type_of(paras[z.doc_type].text) not in _ISSUING_TYPES:
        return (start, start)
    head = next((i for i in range(start, min(n, start + 25)) if _issued_type(paras[i].text)), None)
    if head is None:
        return (start, start)
    begin = next((i for i in range(head + 1, min(n, head + 40)) if SECTION_LABEL.match(paras[i].text)), None)
    if begin is None:
        return (start, start)
    end = next(
        (
            i
            for i in range(begin, n)
            if RECIPIENTS_LINE.match(paras[i].text)
            or _APPENDIX_TITLE.match(paras[i].text)
            or re.match(r"^(KT|TM|TL|TUQ|K/T|T/M|T/L)\.", paras[i].text)
        ),
        n,
    )
    return (begin, end)


def _closing_end(paras: list[Paragraph], start: int) -> int:
    """The closing ends after the signer's name (or after the last recipient)."""
    n = len(paras)
    for i in range(start, min(n, start + 40)):
        t = paras[i].text
        if i > start and looks_like_name(t):
            return i + 1
    return n
