"""Documents cited anywhere in a plan (SPEC section 3): ``Kế hoạch số 1379/KH-UBND
ngày 21/5/2021 của UBND tỉnh Lai Châu``, ``Nghị định số 61/2018/NĐ-CP``,
``Quyết định 468/QĐ-TTg``."""
from __future__ import annotations

import re
from typing import Iterable, Optional

from ..model import Reference

DOC_WORDS = ("Kế hoạch", "Quyết định", "Nghị định", "Nghị quyết", "Thông tư", "Chỉ thị", "Công văn",
             "Luật", "Hướng dẫn", "Thông báo", "Chương trình", "Đề án", "Báo cáo", "Văn bản", "Công điện")
_DOC_WORD = re.compile(r"(" + "|".join(DOC_WORDS) + r")(?:\s+liên tịch)?(?:\s+số)?\s*:?\s*$", re.I)
_LIST_LEAD = re.compile(r"(" + "|".join(DOC_WORDS) + r")s?\b[^.;]{0,60}?:\s*(?:[^.;]*?;\s*)*?\s*(?:số\s*)?$", re.I)
NUMBER = re.compile(r"(?<![\w/])(\d{1,6}(?:/\d{4})?(?:-[A-ZĐ]{1,6})?/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-Za-zĐđ0-9]+)*)")
_DATE_AFTER = re.compile(r"^\s*,?\s*(?:ngày\s*)?(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{4})")
_ISSUER_AFTER = re.compile(
    r"^\s*của\s+(.+?)(?=\s+(?:về|ban hành|phê duyệt|hướng dẫn|quy định|triển khai|sửa đổi|thực hiện|"
    r"tại|trên|đối với|nhằm)\b|\s+và\s+(?:" + "|".join(DOC_WORDS) + r")\b|[,;.()\n]|$)", re.I)
_CODES = {"KH": "Kế hoạch", "QĐ": "Quyết định", "NĐ": "Nghị định", "NQ": "Nghị quyết", "TT": "Thông tư",
          "CT": "Chỉ thị", "CV": "Công văn", "TB": "Thông báo", "HD": "Hướng dẫn", "BC": "Báo cáo",
          "CĐ": "Công điện", "TTr": "Tờ trình", "QH": "Luật"}


def _type_from_symbol(number: str) -> Optional[str]:
    parts = re.split(r"[/-]", number)
    for part in parts[1:]:
        if part in _CODES:
            return _CODES[part]
        if part.isalpha():
            break
    return None


def find_references(items: Iterable[tuple[str, str]], own_number: Optional[str] = None) -> list[Reference]:
    """References in (text, cited_in) pairs, in order, one per citation."""
    out: list[Reference] = []
    for text, where in items:
        for m in NUMBER.finditer(text):
            number = m.group(1)
            if own_number and number == own_number:
                continue
            before = text[max(0, m.start() - 200):m.start()]
            word = _DOC_WORD.search(before, max(0, len(before) - 48))
            doc_type = None
            if word:
                doc_type = word.group(1)[0].upper() + word.group(1)[1:].lower()
            else:
                lead = _LIST_LEAD.search(before)  # "Căn cứ các Quyết định: số 20/…; số 566/…"
                doc_type = (lead.group(1)[0].upper() + lead.group(1)[1:].lower()) if lead else None
            doc_type = doc_type or _type_from_symbol(number)
            after = text[m.end():m.end() + 200]
            date = None
            dm = _DATE_AFTER.match(after)
            if dm:
                d, mo, y = (int(x) for x in dm.groups())
                if 1 <= d <= 31 and 1 <= mo <= 12:
                    date = f"{y:04d}-{mo:02d}-{d:02d}"
                after = after[dm.end():]
            im = _ISSUER_AFTER.match(after)
            issuer = im.group(1).strip() if im else None
            start = word.start() + max(0, m.start() - 200) if word else m.start()
            out.append(Reference(doc_type=doc_type, number_raw=number, date=date, issuer=issuer,
                                 text=text[start:m.end() + (dm.end() if dm else 0)].strip(), cited_in=where))
    return out
