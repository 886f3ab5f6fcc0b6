"""The document header and closing (SPEC section 3): number and symbol, place and
issue date with its precision, document type, title, issuer, legal bases,
recipients and the signature block."""

from __future__ import annotations

import re

from ..model import Header
from ..normalize.text import one_line
from .layout import DATE_LINE, NUMBER_LINE, RECIPIENTS_LINE, Zones, doc_type_of, looks_like_name

AUTHORITY = re.compile(r"^(?:KT|TM|TL|TUQ|Q|K/T|T/M|T/L)\s*\.\s*\S")
POSITION_WORDS = re.compile(
    r"\b(CHỦ TỊCH|GIÁM ĐỐC|THỦ TƯỚNG|TRƯỞNG|BÍ THƯ|CHÁNH|THỦ TRƯỞNG|TỔNG|CỤC TRƯỞNG|"
    r"VỤ TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG|PHÓ)\b"
)
LEGAL_BASIS = re.compile(r"^(Căn cứ|Thực hiện)\b", re.I)
_ITEM = re.compile(r"^[-+•–]\s*")


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def parse_issue_date(m: re.Match) -> tuple[str | None, str | None]:
    y, mo, d = m.group("y"), m.group("m"), m.group("d")
    mo, d = (x.replace(" ", "") if x else x for x in (mo, d))  # "tháng 0 6": a digit set apart
    if not y:
        return None, None
    year = int(y)
    if mo and 1 <= int(mo) <= 12:
        if d and 1 <= int(d) <= 31:
            return f"{year:04d}-{int(mo):02d}-{int(d):02d}", "day"
        return f"{year:04d}-{int(mo):02d}", "month"
    return f"{year:04d}", "year"


def parse_header(z: Zones) -> Header:
    p = z.paragraphs
    h = Header()
    if z.number is not None:
        number = NUMBER_LINE.match(p[z.number].text)
        assert number is not None  # find_zones chose the line by this pattern
        raw = re.sub(r"\s+", "", number.group("raw"))
        num, _, symbol = raw.partition("/")
        h.number_raw, h.number, h.symbol = raw, (num or None), (symbol or None)
    if z.date is not None:
        m = DATE_LINE.match(p[z.date].text)
        assert m is not None  # find_zones chose the line by this pattern
        h.place = one_line(m.group("place"))
        h.issue_date, h.issue_date_precision = parse_issue_date(m)
    if z.doc_type is not None:
        h.doc_type = doc_type_of(p[z.doc_type].text)
    if z.title:
        h.title = one_line(" ".join(p[i].text for i in z.title))
    if z.issuer:
        h.issuer = one_line(" ".join(p[i].text for i in z.issuer))
    h.legal_bases = [one_line(x.text) for x in z.texts(z.preamble) if LEGAL_BASIS.match(x.text)]
    _parse_closing(z, h)
    if h.issue_date is None:
        _date_from_adoption(z, h)
    if h.issuer is None:
        h.issuer = _issuer_from_appendix(z)
    return h


_TRAILING_NAME = re.compile(r"^(?P<head>.*?[A-ZÀ-ỸĐ]{2,}[^a-zà-ỹđ]*?)\s+(?P<name>(?:[A-ZÀ-ỸĐ][a-zà-ỹđ]+\s*){2,6})$")
_POSITION_START = re.compile(
    r"\b(?:PHÓ\s|(?:CHỦ TỊCH|GIÁM ĐỐC|THỦ TƯỚNG|BỘ TRƯỞNG|TRƯỞNG BAN|TRƯỞNG ĐOÀN|"
    r"CHÁNH VĂN PHÒNG|VIỆN TRƯỞNG|CỤC TRƯỞNG|VỤ TRƯỞNG|BÍ THƯ)$)"
)


def unflatten_closing(lines: list[str]) -> list[str]:
    """The closing as lines, where a conversion flattened it into one line a cell:
    ``Nơi nhận: - A; - B;`` gives one line per recipient, and ``KT. THỦ TƯỚNG PHÓ THỦ
    TƯỚNG Trương Hòa Bình`` gives the authority, the position and the name."""
    out: list[str] = []
    for line in lines:
        if RECIPIENTS_LINE.match(line) and re.search(r"[;:]\s*-\s", line):
            head, *items = re.split(r"(?:(?<=[:;.])|^)\s*-\s+", line)
            out.append(head.strip())
            out += [f"- {it.strip()}" for it in items if it.strip()]
            continue
        m = _TRAILING_NAME.match(line.strip())
        if m and _is_upper(m.group("head")) and len(m.group("head").split()) >= 2:
            head = m.group("head").strip()
            parts = [head]
            auth = AUTHORITY.match(head)
            if auth:
                pos = _POSITION_START.search(head, auth.end())
                if pos and pos.start() > auth.end():
                    parts = [head[: pos.start()].strip(), head[pos.start() :].strip()]
            out += parts + [m.group("name").strip()]
            continue
        out.append(line)
    return out


_ADOPTED = re.compile(
    r"\b(?:thông qua|ký ban hành|ban hành)\b[^.;]{0,80}?\bngày\s+(?P<d>\d{1,2})\s+tháng\s+"
    r"(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})",
    re.I,
)


def _date_from_adoption(z: Zones, h: Header) -> None:
    """A resolution prints no place-and-date line: its date is the day it was adopted,
    in the sentence that closes the body (``… thông qua tại Phiên họp thứ 49 ngày 26
    tháng 9 năm 2025``)."""
    paras = z.paragraphs[z.body[0] : z.closing[1]]
    for p in reversed(paras[-12:]):
        m = _ADOPTED.search(p.text)
        if m:
            h.issue_date, h.issue_date_precision = parse_issue_date(m)
            return


def _parse_closing(z: Zones, h: Header) -> None:
    lines = unflatten_closing([x.text for x in z.texts(z.closing)])
    authority: list[str] = []
    i = 0
    if lines and RECIPIENTS_LINE.match(lines[0]):
        rest = RECIPIENTS_LINE.sub("", lines[0]).strip()
        if rest:
            h.recipients.append(_ITEM.sub("", rest).rstrip(";,. "))
        i = 1
    while i < len(lines) and (
        _ITEM.match(lines[i]) or not (AUTHORITY.match(lines[i]) or _is_upper(lines[i]) or looks_like_name(lines[i]))
    ):
        item = _ITEM.sub("", lines[i]).strip().rstrip(";,").strip()
        if item:
            h.recipients.append(item)
        i += 1
    position: list[str] = []
    for line in lines[i:]:
        text = one_line(line)
        if AUTHORITY.match(text):
            authority.append(text)
        elif looks_like_name(text):
            h.signer_name = text
            break
        elif _is_upper(text) and (authority or POSITION_WORDS.search(text)) and not position:
            position.append(text)
    h.signer_authority = " ".join(authority) or None
    h.signer_position = " ".join(position) or None


def _issuer_from_appendix(z: Zones) -> str | None:
    """The issuing body printed above an appendix (``ỦY BAN NHÂN DÂN`` / ``HUYỆN …``)."""
    paras = z.paragraphs[z.appendix[0] : z.appendix[1]]
    for k, para in enumerate(paras[:12]):
        if re.match(r"^(ỦY|UỶ) BAN NHÂN DÂN|^SỞ |^UBND ", para.text):
            block = [para.text]
            for nxt in paras[k + 1 : k + 3]:
                if nxt.gap_before or not _is_upper(nxt.text) or "CỘNG HÒA" in nxt.text:
                    break
                block.append(nxt.text)
            return one_line(" ".join(block))
    return None


# -- the number and date stamped by the digital signature (SPEC section 3) -----------------------
_SIGNED_ON = re.compile(r"Ngày\s*ký\s*:?\s*(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})", re.I)


def apply_stamp(h: Header, overlays) -> None:
    """Where the printed number or day is blank, take the values the signature stamp
    carries (``overlays``: the IR's text drawn over the pages), and say where each
    value came from (``number_source`` / ``issue_date_source``: printed or stamp).

    A stamp fills a blank either in place (the number drawn into ``Số: /KH-UBND``,
    read from the overlay's context ``Số: 144 /KH-UBND``) or in its own lines
    (``Số: 1234/KH-UBND``, ``Ngày ký: 15.11.2024 09:12:30 +07:00``). A stamped value
    that contradicts the print (another symbol, month or year) is not taken."""
    if h.number is None:
        for ov in overlays:
            for text in ([ov.context] if ov.context else []) + list(ov.lines):
                m = NUMBER_LINE.match(text.strip())
                if not m:
                    continue
                raw = re.sub(r"\s+", "", m.group("raw"))
                num, _, symbol = raw.partition("/")
                if num and (h.symbol is None or symbol.casefold() == h.symbol.casefold()):
                    h.number_raw, h.number, h.symbol = raw, num, symbol or None
                    h.number_source = "stamp"
                    break
            if h.number_source:
                break
    elif h.number_source is None:
        h.number_source = "printed"
    if h.issue_date_precision != "day":
        found = _stamped_date(h, overlays)
        if found:
            h.issue_date, h.issue_date_precision, h.issue_date_source = found, "day", "stamp"
    if h.issue_date and h.issue_date_source is None:
        h.issue_date_source = "printed"


def _stamped_date(h: Header, overlays) -> str | None:
    printed = (h.issue_date or "").split("-")
    candidates: list[str] = []
    for ov in overlays:  # a day written into the blank of the date line first
        m = DATE_LINE.match(ov.context.strip()) if ov.context else None
        if m and (h.place is None or one_line(m.group("place")) == h.place):
            value, precision = parse_issue_date(m)
            if precision == "day" and value:
                candidates.append(value)
    if not candidates:  # then the signing time of the stamps: the last one issued it
        signed: list[str] = []
        for ov in overlays:
            for m in _SIGNED_ON.finditer(ov.text):
                value, precision = parse_issue_date(m)
                if precision == "day" and value:
                    signed.append(value)
        candidates = sorted(signed)[-1:]
    for value in candidates:
        if value.split("-")[: len(printed)] == printed or not h.issue_date:
            return value
    return None
