"""Jurisdiction of the issuing body (SPEC section 4, last paragraph).

The header's place line (``Xuân Lộc``), the issuing body (``ỦY BAN NHÂN DÂN HUYỆN VĨNH
BẢO``, ``GIÁM ĐỐC SỞ NỘI VỤ``) and the body text (``huyện Tam Đường``, ``tỉnh Lai Châu``)
are resolved against the gazetteer ``data/gazetteer.json`` in the structure in force on
the issue date: 63 provinces with districts before 1 July 2025, 34 provinces with
communes only from then on (no huyện).  Fields that cannot be resolved stay null.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import regex

from plan_extract.model import Jurisdiction

__all__ = ["resolve_jurisdiction", "Gazetteer", "Unit", "fold_name", "REFORM_DATE"]

REFORM_DATE = "2025-07-01"  # two-level local government (Nghị quyết 202/2025/QH15)
LEGACY = "before_2025_07_01"
CURRENT = "from_2025_07_01"

# --------------------------------------------------------------------------- folding

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# old-style tone placement (hoà, thuỷ, uỷ) -> new style (hòa, thủy, ủy): the tone of a
# syllable-final oa / oe / uy goes on the first vowel (not after q: quý stays quý).
_TONE_PLACE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![^\W\d_])")


def fold_tone_placement(text: str) -> str:
    """``Hoà`` → ``Hòa``, ``Thuỷ`` → ``Thủy``, ``Uỷ`` → ``Ủy``; NFC in, NFC out."""
    nfd = unicodedata.normalize("NFD", text)
    if not any(t in nfd for t in _TONES):
        return unicodedata.normalize("NFC", nfd)

    def fix(m: re.Match) -> str:
        first, second, tone = m.group(1), m.group(2), m.group(3)
        if first in "oO" and second not in "aAeE":
            return m.group(0)
        if first in "uU" and second not in "yY":
            return m.group(0)
        return first + tone + second

    return unicodedata.normalize("NFC", _TONE_PLACE.sub(fix, nfd))


def _build_strip_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base:
            table[cp] = base
    for cp in range(0x0300, 0x0370):  # stray combining marks
        table[cp] = None  # type: ignore[assignment]
    return table


_STRIP_TABLE = _build_strip_table()


def strip_marks(text: str) -> str:
    """Diacritics removed (đ → d); NFC text in."""
    return text.translate(_STRIP_TABLE)


_NONWORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=16384)
def fold_name(text: str) -> str:
    """Key for a unit name: tone placement folded, lower case, punctuation and hyphens
    to spaces, spaces collapsed (diacritics kept)."""
    text = fold_tone_placement(unicodedata.normalize("NFC", text)).lower()
    return " ".join(_NONWORD.sub(" ", text).split())


def _loose(text: str) -> str:
    """Key without diacritics (fallback for text typed without marks)."""
    return strip_marks(fold_name(text))


# --------------------------------------------------------------------------- gazetteer

LEVEL_OF_TYPE = {
    "tỉnh": "tinh",
    "thành phố trung ương": "tinh",
    "huyện": "huyen",
    "quận": "huyen",
    "thị xã": "huyen",
    "thành phố": "huyen",
    "xã": "xa",
    "phường": "xa",
    "thị trấn": "xa",
    "đặc khu": "xa",
}

# Names used in documents for provinces renamed in the gazetteer snapshot.
_PROVINCE_ALIASES = {
    "46": ["Thừa Thiên Huế", "Thừa Thiên - Huế"],
    "79": ["TP HCM", "TPHCM", "HCM", "Sài Gòn", "Thành phố Hồ Chí Minh"],
    "77": ["Bà Rịa Vũng Tàu", "BR-VT"],
}


@dataclass(frozen=True)
class Unit:
    level: str  # tinh / huyen / xa
    code: str
    name: str
    type: str  # Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn, Đặc khu
    province_code: str | None = None
    province: str | None = None
    district_code: str | None = None
    district: str | None = None


@dataclass
class _Structure:
    provinces: dict[str, Unit] = field(default_factory=dict)  # code -> unit
    districts: dict[str, Unit] = field(default_factory=dict)
    communes: dict[str, Unit] = field(default_factory=dict)
    by_name: dict[str, list[Unit]] = field(default_factory=dict)  # fold_name -> units
    by_loose: dict[str, list[Unit]] = field(default_factory=dict)

    def add(self, unit: Unit, *names: str) -> None:
        {"tinh": self.provinces, "huyen": self.districts, "xa": self.communes}[unit.level][unit.code] = unit
        for n in (unit.name, *names):
            k = fold_name(n)
            if unit not in self.by_name.setdefault(k, []):
                self.by_name[k].append(unit)
            lk = strip_marks(k)
            if unit not in self.by_loose.setdefault(lk, []):
                self.by_loose[lk].append(unit)

    def lookup(self, name: str) -> list[Unit]:
        k = fold_name(name)
        hit = self.by_name.get(k)
        if hit:
            return list(hit)
        return list(self.by_loose.get(strip_marks(k), ()))


class Gazetteer:
    """Both structures of ``data/gazetteer.json``, indexed by folded name and by code."""

    _instance: Gazetteer | None = None

    def __init__(self, data: dict):
        self.meta = data.get("_meta", {})
        self.legacy = _Structure()
        self.current = _Structure()
        for p in data[LEGACY]["provinces"]:
            pu = Unit("tinh", p["code"], p["name"], p["type"])
            self.legacy.add(pu, *_PROVINCE_ALIASES.get(p["code"], ()))
            for d in p.get("districts", ()):
                du = Unit("huyen", d["code"], d["name"], d["type"], p["code"], p["name"])
                self.legacy.add(du)
                for code, name, typ in d.get("communes", ()):
                    self.legacy.add(Unit("xa", code, name, typ or "Xã", p["code"], p["name"], d["code"], d["name"]))
        for p in data[CURRENT]["provinces"]:
            pu = Unit("tinh", p["code"], p["name"], p["type"])
            self.current.add(pu, *_PROVINCE_ALIASES.get(p["code"], ()))
            for code, name, typ in p.get("communes", ()):
                self.current.add(Unit("xa", code, name, typ, p["code"], p["name"]))

    @classmethod
    def get(cls) -> Gazetteer:
        if cls._instance is None:
            text = resources.files("plan_extract").joinpath("data/gazetteer.json").read_text(encoding="utf-8")
            cls._instance = cls(json.loads(text))
        return cls._instance

    def structure(self, issue_date: str | None) -> _Structure:
        return self.current if is_after_reform(issue_date) else self.legacy

    def unit(self, level: str, code: str | None) -> Unit | None:
        """A unit by level and code, looked up in the old structure, then the new."""
        if not code:
            return None
        for s in (self.legacy, self.current):
            table = {"tinh": s.provinces, "huyen": s.districts, "xa": s.communes}.get(level, {})
            if code in table:
                return table[code]
        return None

    def find(
        self,
        level: str | None,
        name: str,
        province_code: str | None = None,
        issue_date: str | None = None,
        type_word: str | None = None,
        district_code: str | None = None,
    ) -> Unit | None:
        """A unit of ``level`` named ``name`` (within the province when given, of the type
        ``type_word`` when given: huyện / thị xã …); None when not found or ambiguous."""
        structures = [self.structure(issue_date)] if issue_date else [self.legacy, self.current]
        for s in structures:
            hits = [
                u
                for u in s.lookup(name)
                if u.level == level and (province_code is None or u.level == "tinh" or u.province_code == province_code)
            ]
            if len(hits) > 1 and district_code and level == "xa":
                hits = [u for u in hits if u.district_code == district_code] or hits
            if len(hits) > 1 and type_word:
                hits = [u for u in hits if u.type.lower() == type_word.lower()] or hits
            if len(hits) == 1:
                return hits[0]
        return None

    def is_name(self, name: str) -> bool:
        """True when some unit (any level, either structure) carries this name."""
        return bool(self.legacy.lookup(name) or self.current.lookup(name))


def is_after_reform(issue_date: str | None) -> bool:
    """True when the two-level structure (34 provinces, communes only) is in force.
    A partial date counts from its first day (``2025`` → 2025-01-01)."""
    if not issue_date:
        return False
    m = re.match(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", issue_date.strip())
    if not m:
        return False
    y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    return (y, mo, d) >= (2025, 7, 1)


# --------------------------------------------------------------------------- parsing

_UP = r"\p{Lu}"
_TYPE_WORDS = r"thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường|đặc khu|tp\.?|tx\.?"
# "<type> <Name>": a name of up to five capitalised words (or a number: Phường 1, Quận 3)
_UNIT_MENTION = regex.compile(rf"(?i:\b({_TYPE_WORDS}))\s+((?:{_UP}[\w]*|\d+)(?:[ \-–]+{_UP}[\w]*){{0,4}})")
_STOP_WORDS = {
    "ủy",
    "uỷ",
    "ubnd",
    "hđnd",
    "sở",
    "phòng",
    "văn",
    "ban",
    "trung",
    "các",
    "về",
    "và",
    "năm",
    "giai",
    "kế",
    "quyết",
    "căn",
    "thực",
    "nghị",
    "đảng",
    "hội",
    "chủ",
    "công",
    "cổng",
    "trường",
    "nhân",
    "thông",
    "chương",
}


def _norm_type(word: str) -> str:
    w = fold_tone_placement(word).lower().rstrip(".")
    return {"tp": "thành phố", "tx": "thị xã"}.get(w, w)


def _trim_name(name: str) -> str:
    words = re.split(r"\s+", name.strip())
    out: list[str] = []
    for w in words:
        if out and fold_tone_placement(w).lower() in _STOP_WORDS:
            break
        out.append(w)
    return " ".join(out).strip(" -–")


# _TYPE_WORDS in lower case, to find where a mention can start
_TYPE_WORDS_LOWER = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường", "đặc khu", "tp", "tx")


def _type_word_starts(low: str) -> list[int]:
    """Where one of the type words starts in a lower-cased text, in order."""
    starts: set[int] = set()
    for word in _TYPE_WORDS_LOWER:
        i = low.find(word)
        while i >= 0:
            starts.add(i)
            i = low.find(word, i + 1)
    return sorted(starts)


def _iter_unit_mentions(text: str):
    """The matches of _UNIT_MENTION in text, the same as its ``finditer`` gives. Trying
    the regex at every position of a whole body text is slow: it is only tried where a
    type word starts (found with ``str.find`` in the lower-cased text, which has the same
    positions unless some character lower-cases to two)."""
    low = text.lower()
    if len(low) != len(text):
        yield from _UNIT_MENTION.finditer(text)
        return
    end = 0
    for start in _type_word_starts(low):
        if start < end:
            continue  # inside the mention found last
        m = _UNIT_MENTION.match(text, start)
        if m:
            yield m
            end = m.end()


def _unit_mentions(text: str) -> Counter:
    """Counter of (type word, folded name) for every ``huyện X`` / ``tỉnh Y`` in text."""
    c: Counter = Counter()
    if not text:
        return c
    for m in _iter_unit_mentions(unicodedata.normalize("NFC", text)):
        name = _trim_name(m.group(2))
        if name:
            c[(_norm_type(m.group(1)), fold_name(name))] += 1
    return c


_ISSUER_UNIT = re.compile(
    rf"(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd|hội đồng nhân dân|hđnd)\s+({_TYPE_WORDS})\s*(.*)$", re.I
)
_PROVINCIAL_BODY = re.compile(
    r"\b(sở|ban quản lý|thanh tra tỉnh|văn phòng ủy ban nhân dân tỉnh|văn phòng ubnd tỉnh|bộ chỉ huy|"
    r"công an tỉnh|đài phát thanh|kho bạc nhà nước tỉnh|bảo hiểm xã hội tỉnh|cục thuế)\b",
    re.I,
)
_CENTRAL_BODY = re.compile(r"\b(bộ|thủ tướng|chính phủ|văn phòng chính phủ)\b", re.I)
_PLACE_PREFIX = re.compile(rf"^\s*(?i:({_TYPE_WORDS}))\s+", re.I)


@dataclass
class _Hint:
    level: str | None = None  # tinh / huyen / xa / trung-uong
    type_word: str | None = None
    name: str | None = None


def _is_central_city(name: str) -> bool:
    """A province-level unit of type ``thành phố`` carries this name (in either structure)."""
    gaz = Gazetteer.get()
    key = fold_name(name)
    for st in (gaz.current, gaz.legacy):
        for u in st.provinces.values():
            if fold_name(u.name) == key and u.type.lower() == "thành phố":
                return True
    return False


def _issuer_hint(issuer: str | None) -> _Hint:
    if not issuer:
        return _Hint()
    text = fold_tone_placement(" ".join(unicodedata.normalize("NFC", issuer).split()))
    m = _ISSUER_UNIT.search(text)
    if m:
        tw = _norm_type(m.group(1))
        name = m.group(2).strip(" .,;") or None
        level = LEVEL_OF_TYPE.get(tw)
        if tw == "thành phố" and name and _is_central_city(name):
            level = "tinh"  # Hà Nội, Hồ Chí Minh, Hải Phòng …: a city run by the centre is a province
        return _Hint(level, tw, name)
    if _PROVINCIAL_BODY.search(text):
        return _Hint("tinh")
    if re.search(r"\bphòng\b", text, re.I):
        return _Hint("huyen")
    if _CENTRAL_BODY.search(text):
        return _Hint("trung-uong")
    return _Hint()


def _jur(u: Unit, s: _Structure) -> Jurisdiction:
    if u.level == "tinh":
        return Jurisdiction(level="tinh", province=u.name, province_code=u.code)
    if u.level == "huyen":
        return Jurisdiction(
            level="huyen", province=u.province, province_code=u.province_code, district=u.name, district_code=u.code
        )
    return Jurisdiction(
        level="xa",
        province=u.province,
        province_code=u.province_code,
        district=u.district,
        district_code=u.district_code,
        commune=u.name,
        commune_code=u.code,
    )


def _type_words(u: Unit) -> set[str]:
    t = u.type.lower()
    if u.level == "tinh":
        return {"tỉnh", "thành phố"} if t == "thành phố" else {"tỉnh"}
    return {t}


def resolve_jurisdiction(
    place: str | None, issuer: str | None, body_text: str, issue_date: str | None
) -> Jurisdiction | None:
    """The administrative unit the issuing body governs, or None when nothing is known.

    ``issue_date`` (``2024-01-26``, ``2024-01`` or ``2024``) picks the structure: before
    2025-07-01 provinces > districts > communes, from then on provinces > communes."""
    gaz = Gazetteer.get()
    s = gaz.structure(issue_date)
    hint = _issuer_hint(issuer)
    if hint.level == "trung-uong":
        return Jurisdiction(level="trung-uong")
    if s is gaz.current and hint.level == "huyen":
        hint.level = None  # no district level any more: let the place decide
    mentions = _unit_mentions(body_text or "")
    if issuer:
        for k, v in _unit_mentions(issuer).items():
            mentions[k] += 3 * v

    place_type = None
    place_name = None
    if place:
        p = unicodedata.normalize("NFC", place).strip(" ,.")
        m = _PLACE_PREFIX.match(p)
        if m:
            place_type = _norm_type(m.group(1))
            p = p[m.end() :]
        place_name = p.strip() or None

    names: list[tuple[str, float]] = []  # (name, weight)
    if hint.name:
        names.append((hint.name, 4.0))
    if place_name:
        names.append((place_name, 2.0))
    if not names:
        # no place line: the unit most often named in the body
        best = [(n, c) for (t, n), c in mentions.most_common(5)]
        names.extend((n, 1.0) for n, _ in best[:3])

    def province_evidence(pcode: str | None) -> float:
        if not pcode:
            return 0.0
        pu = s.provinces.get(pcode) or gaz.legacy.provinces.get(pcode)
        if not pu:
            return 0.0
        return float(sum(c for (t, n), c in mentions.items() if t in ("tỉnh", "thành phố") and n == fold_name(pu.name)))

    scored: dict[Unit, float] = {}
    for name, weight in names:
        key = fold_name(name)
        for u in s.lookup(name):
            if hint.level and u.level != hint.level:
                continue
            if (
                hint.type_word
                and hint.name
                and name == hint.name
                and hint.type_word not in _type_words(u)
                and not (u.level == "tinh" and hint.type_word == "tỉnh")
            ):
                continue
            if place_type and name == place_name and place_type not in _type_words(u):
                continue
            sc = weight
            typed = sum(c for (t, n), c in mentions.items() if n == key and t in _type_words(u))
            sc += 2.0 * typed
            if u.level == "xa" and not hint.level and not place_type:
                sc -= 3.0  # a commune only when nothing larger carries that name
            if u.level != "tinh":
                sc += 1.5 * province_evidence(u.province_code)
            scored[u] = max(scored.get(u, float("-inf")), sc)

    if not scored:
        if hint.level == "tinh":
            # a provincial body whose province is not named in place/issuer: the province
            # most named in the body
            prov = [(n, c) for (t, n), c in mentions.most_common() if t == "tỉnh"]
            for n, _ in prov:
                hits = [u for u in s.lookup(n) if u.level == "tinh"]
                if hits:
                    return _jur(hits[0], s)
            return Jurisdiction(level="tinh")
        if hint.level:
            j = Jurisdiction(level=hint.level)
            if hint.name and hint.level == "huyen":
                j.district = hint.name.title()
            return j
        return None

    ranked = sorted(scored.items(), key=lambda kv: -kv[1])
    best_u, best_sc = ranked[0]
    ties = [u for u, sc in ranked if sc == best_sc]
    if len(ties) > 1:
        # same name in several units the text cannot tell apart: keep what is common
        levels = {u.level for u in ties}
        if len(levels) == 1:
            lvl = levels.pop()
            provs = {u.province_code for u in ties}
            j = Jurisdiction(level=lvl)
            if lvl == "huyen":
                j.district = best_u.name
            elif lvl == "xa":
                j.commune = best_u.name
            elif lvl == "tinh":
                return None
            if len(provs) == 1 and best_u.province_code:
                j.province, j.province_code = best_u.province, best_u.province_code
            return j
        # a province and a district (or commune) of one name: the province, unless the
        # issuer or the text says otherwise (equal scores mean no such evidence)
        provinces = [u for u in ties if u.level == "tinh"]
        if provinces:
            return _jur(provinces[0], s)
        return _jur(sorted(ties, key=lambda u: {"tinh": 0, "huyen": 1, "xa": 2}[u.level])[0], s)
    return _jur(best_u, s)
