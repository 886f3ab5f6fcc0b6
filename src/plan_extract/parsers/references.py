"""Documents cited anywhere in a plan (SPEC section 3): ``Kế hoạch số 1379/KH-UBND
ngày 21/5/2021 của UBND tỉnh Lai Châu``, ``Nghị định số 61/2018/NĐ-CP``,
``Quyết định 468/QĐ-TTg``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Reference

DOC_WORDS = (
    "Kế hoạch",
    "Quyết định",
    "Nghị định",
    "Nghị quyết",
    "Thông tư",
    "Chỉ thị",
    "Công văn",
    "Luật",
    "Hướng dẫn",
    "Thông báo",
    "Chương trình",
    "Đề án",
    "Báo cáo",
    "Văn bản",
    "Công điện",
)
_DOC_WORD = re.compile(r"(" + "|".join(DOC_WORDS) + r")(?:\s+liên tịch)?(?:\s+số)?\s*:?\s*$", re.I)
_LIST_LEAD = re.compile(r"(" + "|".join(DOC_WORDS) + r")s?\b[^.;]{0,60}?:\s*(?:[^.;]*?;\s*)*?\s*(?:số\s*)?$", re.I)
# A number and symbol (61/2018/NĐ-CP, 1379/KH-UBND) that does not follow a letter, digit
# or slash. The pattern starts with its first digit, the "does not follow" test being a
# look-behind over that digit and the character before it: a pattern that starts with a
# plain character class lets the regex engine skip quickly from digit to digit.
NUMBER = re.compile(r"(\d(?<![\w/]\d)\d{0,5}(?:/\d{4})?(?:-[A-ZĐ]{1,6})?/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-Za-zĐđ0-9]+)*)")
_DATE_AFTER = re.compile(r"^\s*,?\s*(?:ngày\s*)?(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{4})")
_ISSUER_AFTER = re.compile(
    r"^\s*của\s+(.+?)(?=\s+(?:về|ban hành|phê duyệt|hướng dẫn|quy định|triển khai|sửa đổi|thực hiện|"
    r"tại|trên|đối với|nhằm)\b|\s+và\s+(?:" + "|".join(DOC_WORDS) + r")\b|[,;.()\n]|$)",
    re.I,
)
_SYMBOL_PARTS = re.compile(r"[/-]")
_CODES = {
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "NĐ": "Nghị định",
    "NQ": "Nghị quyết",
    "TT": "Thông tư",
    "CT": "Chỉ thị",
    "CV": "Công văn",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "BC": "Báo cáo",
    "CĐ": "Công điện",
    "TTr": "Tờ trình",
    "QH": "Luật",
}


def _type_from_symbol(number: str) -> str | None:
    parts = _SYMBOL_PARTS.split(number)
    for part in parts[1:]:
        if part in _CODES:
            return _CODES[part]
        if part.isalpha():
            break
    return None


def _word_case(word: str) -> str:
    return word[0].upper() + word[1:].lower()


def find_references(items: Iterable[tuple[str, str]], own_number: str | None = None) -> list[Reference]:
    """References in (text, cited_in) pairs, in order, one per citation."""
    out: list[Reference] = []
    for text, where in items:
        if "/" not in text:
            continue  # every number has a slash
        for m in NUMBER.finditer(text):
            if own_number and m.group(1) == own_number:
                continue
            out.append(_reference(text, m, where))
    return out


def _reference(text: str, m: re.Match, where: str) -> Reference:
    """The citation of the number ``m`` matched in ``text``: its type (the word before
    it, else its symbol), its date and issuer (the words after it) and the cited text."""
    number = m.group(1)
    doc_type, start = _doc_type_before(text, m.start())
    date, issuer, end = _date_and_issuer_after(text, m.end())
    return Reference(
        doc_type=doc_type or _type_from_symbol(number),
        number_raw=number,
        date=date,
        issuer=issuer,
        text=text[start:end].strip(),
        cited_in=where,
    )


def _doc_type_before(text: str, start: int) -> tuple[str | None, int]:
    """The document type named right before the number at ``start`` (``Kế hoạch số``) or
    at the head of its list (``Căn cứ các Quyết định: số 20/…; số``), and where the cited
    text starts."""
    offset = max(0, start - 200)
    before = text[offset:start]
    word = _DOC_WORD.search(before, max(0, len(before) - 48))
    if word:
        return _word_case(word.group(1)), offset + word.start()
    if before.rfind(":") > before.rfind("."):  # a list lead ends in a colon, no full stop after it
        lead = _LIST_LEAD.search(before)
        if lead:
            return _word_case(lead.group(1)), start
    return None, start


def _date_and_issuer_after(text: str, end: int) -> tuple[str | None, str | None, int]:
    """The issue date and the issuer written after the number ending at ``end``
    (``ngày 21/5/2021 của UBND tỉnh Lai Châu``), and where the cited text ends."""
    after = text[end : end + 200]
    date = None
    dm = _DATE_AFTER.match(after)
    if dm:
        d, mo, y = (int(x) for x in dm.groups())
        if 1 <= d <= 31 and 1 <= mo <= 12:
            date = f"{y:04d}-{mo:02d}-{d:02d}"
        after = after[dm.end() :]
        end += dm.end()
    im = _ISSUER_AFTER.match(after)
    return date, (im.group(1).strip() if im else None), end
