"""Agency mentions of the lead / support cells (SPEC section 4, "Agencies").

A cell is split into mentions (``split_mentions``), each mention is matched against a
registry of agency *types* (``data/agencies.json`` plus the user's ``--agencies`` files)
by an ``AgencyMatcher`` bound to the document's jurisdiction and issuing body.

Matching, in order:

1. the mention is cleaned (trailing punctuation, a word doubled by a page-break join),
   tone placement is folded (``Hoà`` → ``Hòa``) and abbreviations are expanded
   (``UBND`` → ``Ủy ban nhân dân``);
2. its administrative level is read from the text (``tỉnh``, ``cấp huyện``, ``xã``,
   ``Sở …`` → tỉnh, ``Bộ …`` → trung ương …); a mention that names no level takes the
   level of the issuing body (the jurisdiction);
3. the registry is cut down to the types of that level (**a hard filter**: a mention never
   matches an agency of another level, whatever the string score), then to the types that
   make sense for the issuer (``Văn phòng`` of a Sở plan is the Sở's office);
4. the mention's key (diacritics, case, punctuation, level words and place names removed)
   is looked up exactly, then as a registered head followed by a qualifier (collectives:
   ``Các phòng, ban, đơn vị được giao …``), then fuzzily with ``rapidfuzz``.

Registry file shape (a JSON list; a user file has the same shape, and an entry whose
``type_id`` already exists extends/overrides it)::

    {"type_id": "phong-tu-phap",            # kind of agency across documents
     "name": "Phòng Tư pháp",               # canonical name; {level} → tỉnh/huyện/xã…,
                                            #   {unit} → the issuing body (Sở Nội vụ, …)
     "kind": "specific",                    # specific / collective / external
     "levels": ["huyen"],                   # tinh / huyen / xa / trung-uong; [] = any
     "aliases": ["Phòng TP", {"alias": "Văn phòng", "issuer_kinds": ["so"]}],
     "prefix": false,                       # an alias may be followed by a qualifier
     "units": false,                        # a collective of administrative units
                                            #   (UBND cấp xã): only below the issuer's level
     "within": null,                        # "so" / "issuer": a unit of the issuing body
     "issuer_kinds": null}                  # only in plans of these issuers (so, ubnd, …)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import regex
from rapidfuzz import fuzz, process

from plan_extract.model import AgencyMention, Jurisdiction
from plan_extract.normalize.jurisdiction import Gazetteer, fold_name, fold_tone_placement, strip_marks
from plan_extract.normalize.text import nfc, one_line

__all__ = ["split_mentions", "AgencyRegistry", "AgencyType", "AgencyMatcher", "expand_abbreviations", "LEVELS", "KINDS"]

LEVELS = ("trung-uong", "tinh", "huyen", "xa")
KINDS = ("specific", "collective", "external")
_RANK = {"trung-uong": 0, "tinh": 1, "huyen": 2, "xa": 3}
_LEVEL_WORD = {"trung-uong": "Trung ương", "tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}
FUZZY_CUTOFF = 85.0

# abbreviation -> expansion (canonical casing).  Longest first when compiled.
_ABBREVIATIONS: dict[str, str] = {
    "UBMTTQVN": "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "MTTQVN": "Mặt trận Tổ quốc Việt Nam",
    "MTTQ": "Mặt trận Tổ quốc",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "ĐBQH": "đại biểu Quốc hội",
    "TTHC": "thủ tục hành chính",
    "CCHC": "cải cách hành chính",
    "CNTT": "công nghệ thông tin",
    "TTĐT": "Thông tin điện tử",
    "TTPVHCC": "Trung tâm Phục vụ hành chính công",
    "PVHCC": "Phục vụ hành chính công",
    "PV HCC": "Phục vụ hành chính công",
    "HCC": "hành chính công",
    "DVC": "dịch vụ công",
    "QPPL": "quy phạm pháp luật",
    "VH-TT&TT": "Văn hóa - Thông tin và Thể thao",
    "VHTT&TT": "Văn hóa - Thông tin và Thể thao",
    "VH-TT-TT": "Văn hóa - Thông tin và Thể thao",
    "VH, KH&TT": "Văn hóa, Khoa học và Thông tin",
    "VH-TT&DL": "Văn hóa, Thể thao và Du lịch",
    "VHTT&DL": "Văn hóa, Thể thao và Du lịch",
    "VHTTDL": "Văn hóa, Thể thao và Du lịch",
    "VH-TT": "Văn hóa - Thông tin",
    "VH&TT": "Văn hóa và Thông tin",
    "VHTT": "Văn hóa - Thông tin",
    "TN&MT": "Tài nguyên và Môi trường",
    "TNMT": "Tài nguyên và Môi trường",
    "TC-KH": "Tài chính - Kế hoạch",
    "TCKH": "Tài chính - Kế hoạch",
    "KH&ĐT": "Kế hoạch và Đầu tư",
    "KHĐT": "Kế hoạch và Đầu tư",
    "KH&CN": "Khoa học và Công nghệ",
    "KHCN": "Khoa học và Công nghệ",
    "TT&TT": "Thông tin và Truyền thông",
    "TTTT": "Thông tin và Truyền thông",
    "LĐ-TB&XH": "Lao động - Thương binh và Xã hội",
    "LĐTB&XH": "Lao động - Thương binh và Xã hội",
    "LĐ-TBXH": "Lao động - Thương binh và Xã hội",
    "LĐTBXH": "Lao động - Thương binh và Xã hội",
    "NN&PTNT": "Nông nghiệp và Phát triển nông thôn",
    "NNPTNT": "Nông nghiệp và Phát triển nông thôn",
    "NN&MT": "Nông nghiệp và Môi trường",
    "PTNT": "Phát triển nông thôn",
    "GD&ĐT": "Giáo dục và Đào tạo",
    "GDĐT": "Giáo dục và Đào tạo",
    "KT&HT": "Kinh tế và Hạ tầng",
    "KT-HT": "Kinh tế và Hạ tầng",
    "KTHT": "Kinh tế và Hạ tầng",
    "KT, HT&ĐT": "Kinh tế, Hạ tầng và Đô thị",
    "QLĐT": "Quản lý đô thị",
    "BHXH": "Bảo hiểm xã hội",
    "KBNN": "Kho bạc Nhà nước",
    "VPĐKĐĐ": "Văn phòng Đăng ký đất đai",
    "ĐKĐĐ": "Đăng ký đất đai",
    "TN&TKQ": "Tiếp nhận và Trả kết quả",
    "BCĐ": "Ban Chỉ đạo",
    "BCH": "Ban Chỉ huy",
    "CHQS": "Chỉ huy Quân sự",
    "QLDA": "Quản lý dự án",
    "THADS": "Thi hành án dân sự",
    "TAND": "Tòa án nhân dân",
    "VKSND": "Viện Kiểm sát nhân dân",
    "TNCS": "Thanh niên Cộng sản",
    "HCM": "Hồ Chí Minh",
    "LHPN": "Liên hiệp Phụ nữ",
    "CCB": "Cựu chiến binh",
    "LĐLĐ": "Liên đoàn Lao động",
    "GTVT": "Giao thông vận tải",
    "TTYT": "Trung tâm Y tế",
    "VPCP": "Văn phòng Chính phủ",
    "CBCCVC": "cán bộ, công chức, viên chức",
    "PT-TH": "Phát thanh - Truyền hình",
    "PTTH": "Phát thanh - Truyền hình",
    "TT-TH": "Truyền thanh - Truyền hình",
    "TTTH": "Truyền thanh - Truyền hình",
}
# short abbreviations that are ordinary words in lower case: matched case-sensitively
_ABBREVIATIONS_CS: dict[str, str] = {
    "VP": "Văn phòng",
    "UB": "Ủy ban",
    "TP.": "thành phố",
    "TP": "thành phố",
    "Tp.": "thành phố",
    "TX.": "thị xã",
    "TX": "thị xã",
}


def _abbr_pattern(abbr: str) -> str:
    out = []
    for ch in abbr:
        if ch in "-–":
            out.append(r"\s*[-–]\s*")
        elif ch == "&":
            out.append(r"\s*&\s*")
        elif ch == ",":
            out.append(r"\s*,\s*")
        elif ch == " ":
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _compile_abbr(table: dict[str, str], flags: int) -> re.Pattern:
    keys = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w&])(" + "|".join(_abbr_pattern(k) for k in keys) + r")(?![\w&])", flags)


_ABBR_RE = _compile_abbr(_ABBREVIATIONS, re.IGNORECASE)
_ABBR_UP_RE = _compile_abbr(_ABBREVIATIONS, 0)
_ABBR_CS_RE = _compile_abbr(_ABBREVIATIONS_CS, 0)
_ABBR_LOOKUP = {re.sub(r"[\s\-–&,]", "", k).upper(): v for k, v in _ABBREVIATIONS.items()}
_ABBR_CS_LOOKUP = {k: v for k, v in _ABBREVIATIONS_CS.items()}


def expand_abbreviations(text: str) -> str:
    """``UBND`` → ``Ủy ban nhân dân``, ``VH-TT`` → ``Văn hóa - Thông tin`` …"""

    def rep(m: re.Match) -> str:
        k = re.sub(r"[\s\-–&,]", "", m.group(1)).upper()
        return _ABBR_LOOKUP.get(k, m.group(1))

    def rep_cs(m: re.Match) -> str:
        return _ABBR_CS_LOOKUP.get(m.group(1), m.group(1))

    if not _HAS_ABBR.search(text):
        return one_line(text)
    text = _PAIR_DASH.sub(r"\1 - ", text)
    # abbreviations are written in capitals; a text without any capital run is scanned
    # case-insensitively (slower)
    text = (_ABBR_UP_RE if _CAPS_RUN.search(text) else _ABBR_RE).sub(rep, text)
    text = _ABBR_CS_RE.sub(rep_cs, text)
    return one_line(text)


_HAS_ABBR = re.compile(
    r"[A-ZĐ]{2}|Tp\.|(?i:ubnd|hđnd|tthc|cntt|cchc|bhxh|[a-zđ]&[a-zđ]|\b[a-zđ]{2,3}\s*-\s*[a-zđ]{2}\b)"
)
_CAPS_RUN = re.compile(r"[A-ZĐ]{2}")


_PAIR_DASH = re.compile(r"(?i)\b(HĐND|UBND|ĐBQH)\s*[-–]\s*(?=(?:UBND|HĐND|Ủy ban|Uỷ ban|Hội đồng)\b)")


# --------------------------------------------------------------------------- level analysis

_LEVEL_EXPR = regex.compile(
    r"(?P<cap>(?i:\bcấp)\s+)?"
    r"(?P<word>(?i:\b(?:thành\s+phố|thị\s+xã|thị\s+trấn|trung\s+ương|đặc\s+khu|tỉnh|huyện|quận|phường|xã)\b))"
    r"(?P<place>(?:\s+(?:\p{Lu}[\p{L}\p{M}]*|\d+)){1,4})?"
)
_CHI_NHANH = regex.compile(r"(?i:\bchi\s+nhánh)(?P<place>(?:\s+(?:\p{Lu}[\p{L}\p{M}]*)){1,4})")
_CENTRAL_MARK = regex.compile(
    r"\bBộ\s+(?!Chỉ\b)(?=\p{Lu})|(?i:\bchính\s+phủ\b|\bthủ\s+tướng\b|\btrung\s+ương\b)|(?<!(?i:biểu)\s)\bQuốc\s+hội\b"
)
_SO_MARK = regex.compile(r"(?<!(?i:cơ|trụ)\s)(?i:\bsở\b)")
_WORD_LEVEL = {
    "tỉnh": "tinh",
    "huyện": "huyen",
    "quận": "huyen",
    "thị xã": "huyen",
    "thành phố": "city",
    "xã": "xa",
    "phường": "xa",
    "thị trấn": "xa",
    "đặc khu": "xa",
    "trung ương": "trung-uong",
}
# words that never start a place name (they start the next agency or a qualifier)
_PLACE_STOP = {
    "ủy",
    "uỷ",
    "ban",
    "phòng",
    "văn",
    "sở",
    "trung",
    "các",
    "về",
    "và",
    "hội",
    "chủ",
    "công",
    "cổng",
    "trường",
    "đài",
    "kho",
    "chi",
    "thanh",
    "bảo",
    "bộ",
    "cục",
    "đoàn",
    "liên",
    "mặt",
    "tòa",
    "toà",
    "viện",
    "hạt",
    "bưu",
    "doanh",
    "ngân",
    "nhân",
    "cán",
    "lãnh",
    "thường",
    "tổ",
    "người",
    "trên",
    "thuộc",
    "tại",
    "theo",
    "có",
    "được",
    "với",
    "của",
}


@dataclass(frozen=True)
class _Analysis:
    key: str  # folded key: no diacritics, lower case, no level words / place names / "và"
    level: str | None  # explicit level read from the text (None: implicit)
    level_word: str | None  # the level word as written (huyện, thị xã …), None for "cấp …"
    place: str | None  # place name written after the level word that gave the level
    has_cap: bool = False


def _trim_place(words: list[str], all_caps: bool) -> list[str]:
    """The place name among the capitalised words after a level word: the longest run
    that the gazetteer knows, else the words up to the next agency head."""
    gaz = Gazetteer.get()
    for n in range(len(words), 0, -1):
        cand = " ".join(words[:n])
        if gaz.is_name(cand):
            return words[:n]
    out: list[str] = []
    for w in words:
        lw = w.lower()
        if lw in _PLACE_STOP:
            break
        if not all_caps and len(w) >= 3 and w.isupper() and not w.isdigit():
            break  # an abbreviation (UBND …) is not a place name
        out.append(w)
    return out


_KEY_DROP = re.compile(r"[^\w]+")


def _key_of(text: str) -> str:
    text = strip_marks(text.lower()).replace("&", " va ")
    return " ".join(w for w in _KEY_DROP.sub(" ", text).split() if w != "va")


_NONSPACE = re.compile(r"\S+")
_PAREN = re.compile(r"\([^)]*\)")


@lru_cache(maxsize=1 << 16)
def _analyse(text: str, city_level: str = "huyen") -> _Analysis:
    """Level, place and key of an (expanded, tone-folded) mention."""
    text = _PAREN.sub(" ", text)
    all_caps = text.upper() == text
    marks: list[tuple[int, str, str | None, str | None, bool]] = []  # pos, level, word, place, cap
    pieces: list[str] = []
    last = 0
    word: str | None
    place: str | None
    level: str | None
    for m in _LEVEL_EXPR.finditer(text):
        word = one_line(m.group("word")).lower()
        start, end = m.start(), m.end()
        if word == "xã":
            before = text[max(0, m.start("word") - 8) : m.start("word")].lower()
            after = text[m.end("word") : m.end("word") + 5].lower()
            if before.endswith("hợp tác ") or after.startswith(" hội") or after.startswith("-hội"):
                continue
        place = None
        place_end = m.end("word")
        if m.group("place"):
            spans = [w for w in _NONSPACE.finditer(m.group("place"))]
            kept = _trim_place([w.group(0) for w in spans], all_caps)
            if kept:
                place = " ".join(kept)
                place_end = m.start("place") + spans[len(kept) - 1].end()
        end = place_end
        lvl = _WORD_LEVEL[word]
        if lvl == "city":
            lvl = city_level
            if place:
                hits = Gazetteer.get().legacy.lookup(place) + Gazetteer.get().current.lookup(place)
                if any(u.level == "tinh" and u.type == "Thành phố" for u in hits):
                    lvl = "tinh"
                elif hits:
                    lvl = "huyen"
        cap = bool(m.group("cap"))
        marks.append((start, lvl, None if cap else word, place, cap))
        pieces.append(text[last:start])
        pieces.append(" cấp " if cap else " ")
        last = end
    pieces.append(text[last:])
    stripped = "".join(pieces)
    # chi nhánh <Name>: a district branch of a provincial office
    for m in _CHI_NHANH.finditer(stripped) if "nhánh" in stripped.lower() else ():
        words = m.group("place").split()
        kept = _trim_place(words, all_caps)
        if kept:
            marks.append((10**6 + m.start(), "huyen", None, " ".join(kept), False))
            stripped = stripped.replace(m.group("place"), " ", 1)
            break
    low = text.lower()
    if "bộ" in low or "chính" in low or "thủ" in low or "trung" in low or "quốc" in low:
        for m in _CENTRAL_MARK.finditer(text):
            marks.append((m.start(), "trung-uong", None, None, False))
    if "sở" in low:
        for m in _SO_MARK.finditer(text):
            marks.append((m.start(), "tinh", None, None, False))
    level = word = place = None
    has_cap = False
    if marks:
        marks.sort(key=lambda x: x[0])
        _, level, word, place, has_cap = marks[-1]
        if place is None:
            # a place written with an earlier mark of the same level (UBND tỉnh Lai Châu …)
            for _, lv, _, pl, _ in reversed(marks):
                if lv == level and pl:
                    place = pl
                    break
    return _Analysis(_key_of(stripped), level, word, place, has_cap)


# --------------------------------------------------------------------------- splitting

# agency heads: a part after a separator that starts with one of these is a new mention.
_STARTERS_CAP = [
    "Văn phòng",
    "Phòng",
    "Sở",
    "Ban",
    "Trung tâm",
    "Đài",
    "Công an",
    "Chi cục",
    "Chi nhánh",
    "Cục",
    "Kho bạc",
    "Bảo hiểm",
    "Thanh tra",
    "Bưu điện",
    "Doanh nghiệp",
    "Trường",
    "Tòa án",
    "Toà án",
    "Viện",
    "Mặt trận",
    "Hội",
    "Đoàn",
    "Liên đoàn",
    "Bộ",
    "Hạt",
    "Ngân hàng",
    "Huyện ủy",
    "Huyện uỷ",
    "Tỉnh ủy",
    "Tỉnh uỷ",
    "Đảng ủy",
    "Đảng uỷ",
    "Công ty",
    "Viettel",
    "VNPT",
    "Hợp tác xã",
    "Người dân",
    "Tổ chức",
    "Chủ tịch",
    "Thường trực",
    "Lãnh đạo",
    "Giám đốc",
    "Cơ quan",
    "Đơn vị",
    "Nhân viên",
    "Công chức",
    "Cán bộ",
    "Phó",
    "Thành phố",
    "Tập đoàn",
    "Hiệp hội",
    "Liên hiệp",
]
_STARTERS_ANY = [
    "các",
    "ủy ban",
    "uỷ ban",
    "ubnd",
    "hđnd",
    "ubmttq",
    "mttq",
    "bhxh",
    "kbnn",
    "chuyên trách",
    "hội đồng nhân dân",
    "ủy ban nhân dân",
    "uỷ ban nhân dân",
    "doanh nghiệp",
    "cộng đồng",
    "một số",
]
_STARTER_RE = re.compile(
    r"^(?:" + "|".join(re.escape(s) for s in sorted(_STARTERS_CAP, key=len, reverse=True)) + r")\b"
    r"|^(?i:" + "|".join(re.escape(s) for s in sorted(_STARTERS_ANY, key=len, reverse=True)) + r")\b"
)
_SINGLE_WORD_AGENCIES = {"viettel", "vnpt", "ubnd", "hđnd", "ubmttq", "bhxh", "kbnn", "mttq"}
_PROTECT = [
    re.compile(r"(HĐND|Hội đồng nhân dân)(\s*(?:,|và|-|–|&)\s*)(?=(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\b)", re.I),
    re.compile(r"(ĐBQH|đại biểu Quốc hội)(\s*(?:,|và)\s*)(?=(?:HĐND|Hội đồng nhân dân)\b)", re.I),
]
_SEP_SUB = {",": "\x02", "và": "\x01", "-": "\x03", "–": "\x03", "&": "\x04"}
_SEP_RESTORE = {"\x02": ",", "\x01": "và", "\x03": "-", "\x04": "&"}
_ELLIPSIS = re.compile(r"^(?i:cấp)\s+(?i:tỉnh|huyện|xã)\b")
_CAP_IN = re.compile(r"^(.*?)\s*\b(?i:cấp)\s+(?i:tỉnh|huyện|xã)\b")
_GLUED = regex.compile(
    r"(?<=\b(?:xã|trấn|huyện|tỉnh|phường))\s+(?=(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Phòng|Văn phòng|Các)\b)"
)
_TAGS = re.compile(r"<\s*(br|/p|/li|li|/div|p)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?(?:b|i|u|strong|em|span|p|ul|ol|li|div|br|sup|sub)\b[^>]*>", re.I)
_BULLET = re.compile(r"^\s*(?:[-–+•*]|\d{1,2}[.)]|[a-zđ]\))\s*")
_TRAIL = " \t.,;:"


def _protect(text: str) -> str:
    def rep(m: re.Match) -> str:
        sep = m.group(2)
        for k, v in _SEP_SUB.items():
            sep = sep.replace(k, v)
        return m.group(1) + sep

    for p in _PROTECT:
        text = p.sub(rep, text)
    return text


def _restore(text: str) -> str:
    for k, v in _SEP_RESTORE.items():
        text = text.replace(k, v)
    return text


_ACRONYM = re.compile(r"^[A-ZĐ]{2,6}$")  # VTV, VOV, TTXVN: an agency of its own


def _starts_agency(part: str) -> bool:
    part = part.strip()
    if _ACRONYM.match(part):
        return True
    if not part or not _STARTER_RE.match(part):
        return False
    words = part.split()
    if len(words) == 1 and words[0].lower() not in _SINGLE_WORD_AGENCIES and words[0].lower() != "bộ":
        return False
    return True


def _split_dash(seg: str) -> list[str]:
    pieces = re.split(r"\s+[-–]\s+", seg)
    out: list[str] = []
    for p in pieces:
        if out and _starts_agency(p):
            out.append(p)
        elif out:
            out[-1] = out[-1] + " - " + p
        else:
            out.append(p)
    return out


def _split_commas(seg: str) -> list[str]:
    parts = re.split(r"(\s*,\s*|\s+và\s+)", seg)
    items: list[str] = []
    cur = parts[0]
    for i in range(1, len(parts), 2):
        sep, part = parts[i], parts[i + 1]
        ps = part.strip()
        if cur.strip() and _ELLIPSIS.match(ps) and (cap := _CAP_IN.match(cur.strip())):
            items.append(cur)
            head = cap.group(1).strip()
            cur = (head + " " + ps).strip()
        elif cur.strip() and _starts_agency(ps):
            items.append(cur)
            cur = part
        else:
            cur = cur + sep + part
    items.append(cur)
    return items


def _clean_item(text: str) -> str:
    text = one_line(text)
    text = _BULLET.sub("", text)
    return text.strip(_TRAIL).strip()


_OPEN_END = re.compile(r"(?:\b(?:và|của|thuộc|trực thuộc|các|cấp|lãnh đạo)|[,\-–&/(])\s*$", re.I)


# a line that ends with an agency's head word still needs its name (``Ủy ban`` / ``Kinh tế …``)
_HEAD_END = re.compile(r"\b(?:Ủy ban|Uỷ ban|Ban|Sở|Bộ|Phòng|Hội đồng|Trung tâm|Cục|Chi cục|Viện|Đài)\s*$")


def _unwrap_lines(lines: list[str]) -> list[str]:
    """The cell's lines with those that only continue a wrapped name joined to the line
    before: a line that does not start with a bullet joins when the line before ends open
    (``và``, ``của``, ``Lãnh đạo``, a comma) or with a head word that needs its name
    (``Ủy ban``), when it is one word (``Minh``), or when it starts in lower case and
    starts no agency itself (``thị trấn``). Other lines stay mentions of their own (a
    person's name a line in a ``Người thực hiện`` column)."""
    out: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if (
            out
            and not re.match(r"^[-–+•*]\s", line)
            and not out[-1].rstrip().endswith((";", "."))
            and (
                _OPEN_END.search(out[-1])
                or _HEAD_END.search(out[-1])
                or len(line.split()) == 1
                or (line[:1].islower() and not _starts_agency(line))
            )
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def split_mentions(cell: str) -> list[str]:
    """Split a lead / support cell into agency mentions (raw text, trimmed).

    ``;`` and list items always split; a line break splits unless it only wraps a name
    (``Bộ Khoa học và`` / ``Công nghệ``, ``Lãnh đạo`` / ``Sở Giáo dục và Đào tạo``); in a dash
    list (the cell starts with ``- ``) a `` - `` followed by an agency head (Phòng, Văn phòng, UBND, Sở, Các …) starts
    a new mention; a comma or ``và`` splits only where the right side starts a new agency
    (``UBND các xã, thị trấn`` and ``Văn phòng HĐND và UBND huyện`` stay whole).  A comma
    ellipsis borrows the head: ``UBND cấp huyện, cấp xã`` → ``UBND cấp huyện``,
    ``UBND cấp xã``."""
    if not cell:
        return []
    text = nfc(cell).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _TAGS.sub("\n", text)
    text = _ANY_TAG.sub(" ", text)
    text = text.replace("**", " ").replace("__", " ")
    dash_list = bool(re.match(r"^\s*[-–+•]\s", text))
    text = _protect(text)
    mentions: list[str] = []
    for line in _unwrap_lines(text.split("\n")):
        line = line.strip()
        if not line:
            continue
        for seg in line.split(";"):
            seg = _BULLET.sub("", seg.strip()) if re.match(r"^\s*[-–+•*]\s", seg) else seg.strip()
            seg = seg.strip(_TRAIL)
            if not seg:
                continue
            parts = _split_dash(seg) if dash_list else [seg]
            for part in parts:
                for item in _split_commas(part):
                    for glued in _GLUED.split(item):
                        m = _clean_item(_restore(glued))
                        if not m:
                            continue
                        if _ELLIPSIS.match(m) and mentions and (cap := _CAP_IN.match(mentions[-1])):
                            head = cap.group(1).strip()
                            if head:
                                m = head + " " + m
                        mentions.append(m)
    return mentions


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class AgencyType:
    type_id: str
    name: str
    kind: str
    levels: tuple[str, ...]
    aliases: tuple[tuple[str, tuple[str, ...]], ...]  # (alias text, issuer kinds or ())
    prefix: bool = False
    units: bool = False
    within: str | None = None
    issuer_kinds: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: dict, where: str = "") -> AgencyType:
        try:
            tid = str(d["type_id"]).strip()
            name = str(d["name"]).strip()
        except KeyError as e:
            raise ValueError(f"agency registry {where}: entry without {e.args[0]!r}: {d!r}") from None
        kind = d.get("kind", "specific")
        if kind not in KINDS:
            raise ValueError(f"agency registry {where}: {tid}: kind {kind!r} is not one of {KINDS}")
        levels = tuple(d.get("levels") or ())
        bad = [lv for lv in levels if lv not in LEVELS]
        if bad:
            raise ValueError(f"agency registry {where}: {tid}: unknown levels {bad}")
        aliases = []
        own = [] if "{unit}" in name else [name]
        for a in [*own, *d.get("aliases", ())]:
            if isinstance(a, dict):
                aliases.append((str(a["alias"]), tuple(a.get("issuer_kinds") or ())))
            else:
                aliases.append((str(a), ()))
        return cls(
            tid,
            name,
            kind,
            levels,
            tuple(aliases),
            bool(d.get("prefix", False)),
            bool(d.get("units", False)),
            d.get("within"),
            tuple(d.get("issuer_kinds") or ()),
        )


@dataclass
class _Alias:
    key: str
    type: AgencyType
    issuer_kinds: tuple[str, ...]


@lru_cache(maxsize=1 << 14)
def _split_cached(cell: str) -> tuple[str, ...]:
    return tuple(split_mentions(cell))


class AgencyRegistry:
    """The agency types: the packaged ``data/agencies.json`` plus user files."""

    def __init__(self, types: Iterable[AgencyType]):
        self.types: dict[str, AgencyType] = {}
        for t in types:
            self.types[t.type_id] = t
        self._aliases: list[_Alias] = []
        for t in self.types.values():
            seen = set()
            for text, kinds in t.aliases:
                key = alias_key(text)
                if key and (key, kinds) not in seen:
                    seen.add((key, kinds))
                    self._aliases.append(_Alias(key, t, kinds))

    def __len__(self) -> int:
        return len(self.types)

    def __contains__(self, type_id: str) -> bool:
        return type_id in self.types

    def get(self, type_id: str) -> AgencyType | None:
        return self.types.get(type_id)

    @property
    def aliases(self) -> list[_Alias]:
        return self._aliases

    @staticmethod
    def _read(data: object, where: str) -> list[dict]:
        if isinstance(data, dict):
            data = data.get("agencies", data.get("types"))
        if not isinstance(data, list):
            raise ValueError(f"agency registry {where}: expected a JSON list of agency types")
        return [d for d in data if isinstance(d, dict) and not set(d) <= {"_comment"}]

    @classmethod
    def load(cls, extra_files: Sequence[str | Path] = ()) -> AgencyRegistry:
        text = resources.files("plan_extract").joinpath("data/agencies.json").read_text(encoding="utf-8")
        entries: dict[str, dict] = {}
        for d in cls._read(json.loads(text), "data/agencies.json"):
            entries[d["type_id"]] = dict(d)
        for f in extra_files:
            p = Path(f)
            try:
                data = json.loads(p.read_text(encoding="utf-8-sig"))
            except (OSError, json.JSONDecodeError) as e:
                raise ValueError(f"agency registry {p}: cannot read: {e}") from None
            for d in cls._read(data, str(p)):
                if "type_id" not in d:
                    raise ValueError(f"agency registry {p}: entry without 'type_id': {d!r}")
                old = entries.get(d["type_id"])
                if old is not None:
                    merged = {**old, **d}
                    merged["aliases"] = list(old.get("aliases", ())) + list(d.get("aliases", ()))
                    entries[d["type_id"]] = merged
                else:
                    entries[d["type_id"]] = dict(d)
        return cls(AgencyType.from_dict(d, "registry") for d in entries.values())


@lru_cache(maxsize=4096)
def alias_key(text: str) -> str:
    """Key of a registry alias: same folding as a mention, ``{level}``/``{unit}`` dropped."""
    text = text.replace("{level}", "huyện").replace("{unit}", " ")
    text = expand_abbreviations(fold_tone_placement(nfc(text)))
    return _analyse(text).key


# --------------------------------------------------------------------------- matcher

_DUP_TAIL = re.compile(r"(\S+)\s+(\S+)$")
_EXTERNAL_HINT = re.compile(
    r"(?i)\b(doanh nghiệp|công ty|bưu điện|ngân hàng|hợp tác xã|tổ chức|cá nhân|người dân|"
    r"viettel|vnpt|nhà đầu tư|nhà thầu)\b"
)


def _drop_dup_tail(text: str) -> str:
    m = _DUP_TAIL.search(text)
    if m and strip_marks(m.group(1).lower()) == strip_marks(m.group(2).lower()):
        return text[: m.start(2)].rstrip()
    return text


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


@lru_cache(maxsize=1 << 16)
def _canonical_text(text: str) -> str:
    text = one_line(expand_abbreviations(fold_tone_placement(nfc(text))))
    if text.isupper() and len(text) > 4:
        text = text.lower()
        text = re.sub(r"\b(ủy ban nhân dân)\b", "Ủy ban nhân dân", text)
    return _sentence_start(text)


@dataclass
class _Candidates:
    exact: dict[str, list[_Alias]] = field(default_factory=dict)
    prefix: dict[str, list[_Alias]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    by_key: dict[str, list[_Alias]] = field(default_factory=dict)


def _issuer_kind(issuer: str | None) -> str | None:
    if not issuer:
        return None
    t = fold_tone_placement(nfc(issuer)).lower()
    if re.search(r"(?<!cơ )\bsở\b", t):
        return "so"
    if re.search(r"\b(ủy ban nhân dân|ubnd|chủ tịch)\b", t):
        return "ubnd"
    if re.search(r"\bphòng\b", t):
        return "phong"
    if re.search(r"\bban\b", t):
        return "ban"
    if re.search(r"\b(bộ|chính phủ|thủ tướng)\b", t):
        return "trung-uong"
    return None


class AgencyMatcher:
    """Matches mentions against the registry for one document (jurisdiction + issuer)."""

    def __init__(self, registry: AgencyRegistry, jurisdiction: Jurisdiction | None, issuer: str | None = None):
        self.registry = registry
        self.jurisdiction = jurisdiction
        self.issuer = issuer
        j = jurisdiction
        self.j_level = j.level if j and j.level in _RANK else None
        self.issuer_kind = _issuer_kind(issuer) or ("ubnd" if self.j_level in ("tinh", "huyen", "xa") else None)
        gaz = None
        self._unit_type: dict[str, str | None] = {}
        if j and (j.province_code or j.district_code or j.commune_code):
            gaz = Gazetteer.get()
            for lv, code in (("tinh", j.province_code), ("huyen", j.district_code), ("xa", j.commune_code)):
                u = gaz.unit(lv, code)
                self._unit_type[lv] = u.type.lower() if u else None
        # "thành phố" without a name: the province when the issuer sits in a centrally run
        # city and is not itself a city
        self.city_level = "huyen"
        if self._unit_type.get("tinh") == "thành phố" and self.j_level != "huyen":
            self.city_level = "tinh"
        if (
            self._unit_type.get("tinh") == "thành phố"
            and self.j_level == "huyen"
            and self._unit_type.get("huyen") != "thành phố"
        ):
            self.city_level = "tinh"
        # the issuing Sở (a registry type) when the issuer is one
        self.issuer_type: AgencyType | None = None
        self.issuer_name: str | None = None
        if self.issuer_kind == "so" and issuer:
            m = re.search(r"(?i)\bsở\b.*$", fold_tone_placement(nfc(issuer)))
            if m:
                so_text = one_line(m.group(0))
                key = alias_key(so_text)
                for a in registry.aliases:
                    if a.key == key and a.type.type_id.startswith("so-"):
                        self.issuer_type = a.type
                        break
                if self.issuer_type is None:
                    keys = [a.key for a in registry.aliases if a.type.type_id.startswith("so-")]
                    best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
                    if best:
                        self.issuer_type = next(a.type for a in registry.aliases if a.key == best[0])
                self.issuer_name = (
                    self.issuer_type.name if self.issuer_type else "Sở " + _sentence_start(so_text[3:].strip().lower())
                )
        self._cand_cache: dict[tuple, _Candidates] = {}
        self._cached = lru_cache(maxsize=1 << 16)(self._match_text)

    # ---------------------------------------------------------------- helpers
    def _level_word(self, level: str | None, written: str | None) -> str:
        """The word naming ``level``: as written in the mention (thị xã, quận …), else the
        type of the issuer's own unit at that level (huyện, thành phố …), else the default."""
        if written and _WORD_LEVEL.get(written) in (level, "city"):
            return written
        if level in _RANK and self.j_level and _RANK[level] <= _RANK[self.j_level]:
            t = self._unit_type.get(level)
            if t:
                return t
        return _LEVEL_WORD.get(level or "", "")

    def _unit_name(self, t: AgencyType, level: str | None) -> str:
        if t.within == "so":
            return self.issuer_name if self.issuer_kind == "so" and self.issuer_name else "Sở"
        if self.issuer_kind == "so" and self.issuer_name:
            return self.issuer_name
        lv = self.j_level or level
        return ("Ủy ban nhân dân " + self._level_word(lv, None)).strip()

    def _code(self, level: str | None) -> str | None:
        j = self.jurisdiction
        if not j or not level:
            return None
        return {"tinh": j.province_code, "huyen": j.district_code, "xa": j.commune_code}.get(level)

    def _candidates(self, level: str | None, named: bool, fallback: bool) -> _Candidates:
        ck = (level, named, fallback)
        c = self._cand_cache.get(ck)
        if c is not None:
            return c
        c = _Candidates()
        J = self.j_level
        for a in self.registry.aliases:
            t = a.type
            if t.issuer_kinds and self.issuer_kind not in t.issuer_kinds:
                continue
            if a.issuer_kinds and self.issuer_kind not in a.issuer_kinds:
                continue
            if fallback:
                # implicit level found nothing at the issuer's level: a type that exists at
                # one level only (Cục Thuế, Sở …), exact aliases only
                if not t.levels or len(t.levels) != 1 or t.levels[0] == J:
                    continue
                lv: str | None = t.levels[0]
            else:
                if t.levels and level is not None and level not in t.levels:
                    continue  # the hard level filter
                lv = level
            if J and lv and t.levels:
                below = _RANK[lv] > _RANK[J]
                if t.kind == "specific" and below and not named and t.within is None:
                    continue  # which commune's UBND? not one agency
                if t.units and (named or not below):
                    continue
            elif t.units and named:
                continue
            c.exact.setdefault(a.key, []).append(a)
            if t.prefix:
                c.prefix.setdefault(a.key, []).append(a)
            if not fallback:
                if a.key not in c.by_key:
                    c.keys.append(a.key)
                c.by_key.setdefault(a.key, []).append(a)
        self._cand_cache[ck] = c
        return c

    # ---------------------------------------------------------------- matching
    def match(self, mention: str) -> AgencyMention:
        raw, name, id_, type_id, kind, level, score, matched = self._cached(mention or "")
        return AgencyMention(
            raw=raw, name=name, id=id_, type_id=type_id, kind=kind, level=level, score=score, matched=matched
        )

    def mentions(self, cell: str) -> list[AgencyMention]:
        return [self.match(m) for m in _split_cached(cell)]

    def _match_text(self, mention: str) -> tuple:
        raw = _clean_item(nfc(mention))
        return (raw, *self._match_clean(raw))

    def _match_clean(self, raw: str) -> tuple:
        text = _drop_dup_tail(raw)
        canon = _canonical_text(text)
        an = _analyse(canon, self.city_level)
        key = an.key
        level = an.level or self.j_level
        named = bool(an.place)
        if an.place and level and self.jurisdiction and self._place_is_own(level, an.place):  # named
            named = False  # "huyện Xuân Lộc" in a Xuân Lộc plan: the issuer's own unit
            own_place = True
        else:
            own_place = False
        hit: _Alias | None = None
        score = 0.0
        tail = ""
        fallback_level = None
        if key:
            cands = self._candidates(level, named, False)
            lst = cands.exact.get(key)
            if lst:
                hit, score = self._pick(lst), 100.0
            if hit is None and cands.prefix:
                toks = key.split()
                for i in range(len(toks) - 1, 0, -1):
                    head = " ".join(toks[:i])
                    lst = cands.prefix.get(head)
                    if lst:
                        hit = self._pick(lst)
                        score = float(fuzz.partial_ratio(head, key))
                        tail = " ".join(toks[i:])
                        break
            if hit is None and cands.keys:
                best = process.extractOne(key, cands.keys, scorer=fuzz.ratio)
                if best:
                    score = float(best[1])
                    if best[1] >= FUZZY_CUTOFF:
                        hit = self._pick(cands.by_key[best[0]])
            if hit is None and an.level is None and self.j_level:
                fb = self._candidates(None, named, True).exact.get(key)
                if fb:
                    hit, score = self._pick(fb), 100.0
                    fallback_level = hit.type.levels[0]
        if hit is None:
            kind = (
                "collective"
                if canon.lower().startswith("các ")
                else "external"
                if _EXTERNAL_HINT.search(canon)
                else "specific"
            )
            return (canon, None, None, kind, an.level, round(score, 1), False)
        t = hit.type
        lv: str | None
        if fallback_level:
            lv = fallback_level
        elif t.levels:
            lv = level
        else:
            lv = an.level
        # canonical name
        if tail:
            name = canon  # a registered head with its own qualifier: keep the words
        else:
            name = t.name
            if "{level}" in name:
                word = self._level_word(lv, an.level_word if not an.has_cap else None)
                name = name.replace("{level}", word)
                if an.place and not own_place and t.kind == "specific":
                    name = f"{name} {an.place}"
            if "{unit}" in name:
                name = name.replace("{unit}", self._unit_name(t, lv))
            name = one_line(name)
        # id qualified by jurisdiction
        scope = lv or self.j_level
        if t.kind != "specific" and lv and self.j_level and _RANK[lv] > _RANK[self.j_level]:
            scope = self.j_level  # a collective of lower units: scoped by the issuer's unit
        code = None
        if an.place and not own_place and scope == an.level:
            u = Gazetteer.get().find(
                scope,
                an.place,
                self._code("tinh") if scope != "tinh" else None,
                type_word=an.level_word,
                district_code=self._code("huyen"),
            )
            code = u.code if u else _slug(an.place)
        elif scope:
            code = self._code(scope)
        parts = [scope, code]
        if t.within in ("so", "issuer") and self.issuer_kind == "so" and self.issuer_type and scope == "tinh":
            parts.append(self.issuer_type.type_id)
        parts.append(t.type_id)
        id_ = ":".join(p for p in parts if p)
        return (name, id_, t.type_id, t.kind, lv, round(score, 1), True)

    def _place_is_own(self, level: str, place: str) -> bool:
        j = self.jurisdiction
        if j is None:
            return False
        own = {"tinh": j.province, "huyen": j.district, "xa": j.commune}.get(level)
        if not own:
            return False
        return fold_name(own) == fold_name(place) or strip_marks(fold_name(own)) == strip_marks(fold_name(place))

    @staticmethod
    def _pick(lst: list[_Alias]) -> _Alias:
        """Among aliases of one key: one tied to the issuer's kind first, then registry order."""
        for a in lst:
            if a.issuer_kinds:
                return a
        return lst[0]


def _slug(text: str) -> str:
    return "-".join(_key_of(text).split())
