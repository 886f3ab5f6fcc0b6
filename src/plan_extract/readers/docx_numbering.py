"""Word automatic list numbering: the label a numbered paragraph shows on the page.

Word stores list numbers nowhere in the text; it draws them from ``numbering.xml``
(abstract definitions, their instances and level overrides) and the paragraph's or
its style's ``w:numPr``. :class:`Numbering` replays the counters in document order so
that a TT cell numbered by Word reads ``1.``, ``2.``, ``II`` as printed (SPEC section 2,
rule 5). Bullets come out as ``-`` (or ``+`` when the bullet is a plus sign).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
_OFF = {"0", "false", "off"}


def wval(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(W + "val", default)


def on(el: etree._Element | None) -> bool:
    """A WordprocessingML toggle (``<w:b/>``, ``<w:tblHeader w:val="0"/>``)."""
    return el is not None and (el.get(W + "val") or "1").lower() not in _OFF


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level
    legal: bool = False  # w:isLgl: all levels shown as decimal


@dataclass
class NumInstance:
    abstract_id: str
    overrides: dict[int, Level] = field(default_factory=dict)
    start_overrides: dict[int, int] = field(default_factory=dict)


def _parse_level(lvl: etree._Element, base: Level | None = None) -> Level:
    out = Level(**vars(base)) if base else Level()
    start = lvl.find(W + "start")
    if start is not None:
        out.start = _int(wval(start), 1)
    fmt = lvl.find(W + "numFmt")
    if fmt is not None:
        out.fmt = wval(fmt, "decimal") or "decimal"
    text = lvl.find(W + "lvlText")
    if text is not None:
        out.text = wval(text, "") or ""
    restart = lvl.find(W + "lvlRestart")
    if restart is not None:
        out.restart = _int(wval(restart), 0)
    out.legal = on(lvl.find(W + "isLgl")) or out.legal
    return out


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


MAX_DRAWN = 3999  # beyond this a list number is shown in digits (no label of a megabyte of Ms)


def to_roman(n: int) -> str:
    if n <= 0 or n > MAX_DRAWN:
        return str(n)
    parts = []
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, n = divmod(n, value)
        parts.append(sym * count)
    return "".join(parts)


def to_letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa (Word repeats the letter)."""
    if n <= 0 or n > 26 * 30:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return to_roman(n)
    if fmt == "lowerRoman":
        return to_roman(n).lower()
    if fmt == "upperLetter":
        return to_letters(n).upper()
    if fmt == "lowerLetter":
        return to_letters(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything exotic (ordinal, cardinalText, …)


def bullet_label(text: str) -> str:
    return "+" if text.strip() == "+" else "-"


class Numbering:
    """Counters of every list in the document, advanced paragraph by paragraph."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None):
        """``numbering.xml`` and ``styles.xml`` as parsed (entities and DTDs off, see
        :mod:`.docx_package`); None when the document has none."""
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.abstract_style_link: dict[str, str] = {}
        self.nums: dict[str, NumInstance] = {}
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self.style_based_on: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if numbering is not None:
            self._load_numbering(numbering)
        if styles is not None:
            self._load_styles(styles)

    # -- loading -----------------------------------------------------------------
    def _load_numbering(self, root: etree._Element) -> None:
        for an in root.iter(W + "abstractNum"):
            aid = an.get(W + "abstractNumId", "")
            self.abstracts[aid] = {_int(lvl.get(W + "ilvl"), 0): _parse_level(lvl) for lvl in an.findall(W + "lvl")}
            link = an.find(W + "numStyleLink")
            if link is not None:
                self.abstract_style_link[aid] = wval(link, "") or ""
        for num in root.iter(W + "num"):
            nid = num.get(W + "numId", "")
            inst = NumInstance(abstract_id=wval(num.find(W + "abstractNumId"), "") or "")
            for ov in num.findall(W + "lvlOverride"):
                ilvl = _int(ov.get(W + "ilvl"), 0)
                so = ov.find(W + "startOverride")
                if so is not None:
                    inst.start_overrides[ilvl] = _int(wval(so), 1)
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    inst.overrides[ilvl] = _parse_level(lvl)
            self.nums[nid] = inst

    def _load_styles(self, root: etree._Element) -> None:
        for st in root.iter(W + "style"):
            sid = st.get(W + "styleId", "")
            based = st.find(W + "basedOn")
            if based is not None:
                self.style_based_on[sid] = wval(based, "") or ""
            numpr = st.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                nid = wval(numpr.find(W + "numId"))
                ilvl = numpr.find(W + "ilvl")
                self.style_numpr[sid] = (nid, _int(wval(ilvl), 0) if ilvl is not None else None)

    # -- resolving -----------------------------------------------------------------
    def _style_numpr(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.style_numpr:
                return self.style_numpr[style_id]
            style_id = self.style_based_on.get(style_id)
        return None, None

    def _levels(self, num: NumInstance) -> dict[int, Level]:
        aid = num.abstract_id
        levels = self.abstracts.get(aid, {})
        link = self.abstract_style_link.get(aid)
        if link and not levels:  # numStyleLink: the definition lives behind a numbering style
            nid, _ = self._style_numpr(link)
            target = self.nums.get(nid or "")
            if target and target.abstract_id != aid:
                levels = self.abstracts.get(target.abstract_id, {})
        return levels

    def resolve(self, ppr: etree._Element | None) -> tuple[str | None, int]:
        """(numId, ilvl) of a paragraph, from its own numPr or its style's."""
        nid: str | None = None
        ilvl: int | None = None
        style_id = wval(ppr.find(W + "pStyle")) if ppr is not None else None
        if ppr is not None:
            numpr = ppr.find(W + "numPr")
            if numpr is not None:
                nid = wval(numpr.find(W + "numId"))
                il = numpr.find(W + "ilvl")
                ilvl = _int(wval(il), 0) if il is not None else None
        if nid is None or ilvl is None:
            snid, silvl = self._style_numpr(style_id)
            nid = nid if nid is not None else snid
            ilvl = ilvl if ilvl is not None else silvl
        return nid, ilvl or 0

    def label(self, ppr: etree._Element | None) -> str | None:
        """Advance the paragraph's list and return the label it shows (None when the
        paragraph is not numbered)."""
        nid, ilvl = self.resolve(ppr)
        if not nid or nid == "0" or nid not in self.nums:
            return None
        num = self.nums[nid]
        levels = self._levels(num)
        if ilvl not in levels and ilvl not in num.overrides:
            return None

        def level(i: int) -> Level:
            lv = num.overrides.get(i) or levels.get(i) or Level()
            if i in num.start_overrides:
                lv = Level(**{**vars(lv), "start": num.start_overrides[i]})
            return lv

        # One counter set per abstract definition, shared by all its instances (Word's
        # behaviour: a list goes on across instances); an instance with a start
        # override restarts that level where it is first used.
        key = num.abstract_id
        counters = self.counters.setdefault(key, {})
        if nid not in self.started:
            self.started.add(nid)
            for lvl_i in num.start_overrides:
                for k in [k for k in counters if k >= lvl_i]:
                    del counters[k]
        cur = level(ilvl)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else cur.start
        for deeper in [k for k in counters if k > ilvl]:
            lv = level(deeper)
            if lv.restart is None or (lv.restart != 0 and lv.restart > ilvl):
                del counters[deeper]
        if cur.fmt == "bullet":
            return bullet_label(cur.text)
        text = cur.text
        for i in range(ilvl, -1, -1):
            token = f"%{i + 1}"
            if token in text:
                lv = level(i)
                value = counters.get(i, lv.start)
                fmt = "decimal" if (cur.legal and i < ilvl) else lv.fmt
                text = text.replace(token, format_number(value, fmt))
        return text.strip() or None
