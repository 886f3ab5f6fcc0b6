"""Deadline normalisation (SPEC section 4, "Deadlines").

``normalize_deadline(text, doc_year, doc_month=None) -> DeadlineNorm`` turns a raw
deadline cell into ``kind`` / ``start`` / ``end`` (ISO dates or None) / ``recurrence``.
It never raises.

How it works
------------
1. The cell is folded for matching only: lower case, diacritics removed (any Unicode
   form, NFC or NFD, gives the same result; ``đ``/``Đ``/``Ð`` -> ``d``), dashes and odd
   spaces unified, whitespace collapsed, punctuation trimmed at both ends.
2. Things that look like times but are not are blanked out first: document numbers
   (``01/2020/TT-VPCP``, ``15/KH-UBND``, ``19-NQ/TW``) with the ``ngày …`` date that
   follows them, ``ISO 9001:2015`` and ``Luật … năm 2015``.
3. ``… (và) các năm tiếp theo`` / ``các năm sau`` is noted and removed.
4. An ordered table of rules (``_RULES``) is tried; the first one that accepts wins:
   lead keyword rules (on_event, continuous, periodic, per_plan: the cell *starts*
   with the keyword), then time expressions anywhere in the cell, then the same
   keywords anywhere, then relative forms (``Trong năm``, ``Trong tháng``), else
   ``other``.

Time expressions are read by one scanner (``_POINT``): a *point* is a day, a month or a
list of months, a quarter or a list of quarters, a year or a list of years, a part of a
month, or the first/last N months of a year. Two points joined by ``-``, ``đến``,
``tới`` form a range; a year written on only one side is lent to the other (and rolled
back/forward one year when the range would otherwise run backwards:
``Tháng 11 - tháng 2/2025`` is 2024-11-01..2025-02-28). A missing year is taken from
``doc_year``; with ``doc_year=None`` the kind is kept and the dates are None.

Results are cached per (text, doc_year, doc_month) (a fresh ``DeadlineNorm`` is built on
every call, so callers may mutate it); an uncached call costs some 5-20 us.

Decisions where SPEC is silent
------------------------------
* ``Tuần đầu/cuối/thứ N tháng M`` -> ``range`` over that week (days 1-7, 8-14, …; the
  last week is the last 7 days of the month). ``Đầu/Giữa/Cuối tháng M`` (and
  ``thượng/trung/hạ tuần``) -> ``range`` over the 10-day thirds (1-10, 11-20, 21-end).
* ``6 tháng đầu năm 2024`` -> ``range`` 2024-01-01..2024-06-30; ``6 tháng cuối năm``
  -> ``range`` 07-01..12-31 of doc_year; ``Nửa đầu/cuối năm`` likewise.
* ``Trước`` / ``Chậm nhất`` / ``Đến (hết)`` / ``Hạn`` / ``Không quá`` + a day ->
  ``by_date`` (end = that day, as in the gold ``Trước ngày 30/8/2024``); + a month,
  quarter or year -> ``by_date`` with end = the last day of that period.
* Lists of months / quarters / years (``Tháng 3, 6, 9``, ``Quý III/2024; Quý IV/2024``,
  ``Tháng 12/2024 và tháng 1/2025``) span the first to the last item; a list of months is
  ``months``, of quarters ``quarter``, of years ``year``. ``Đầu/Cuối năm 2024`` reads
  as the year 2024.
* ``Từ`` / ``Kể từ`` / ``Sau`` + a point without a second point, or a point followed by
  ``trở đi`` -> ``range`` with start set and end None.
* ``… và các năm tiếp theo``: end None and recurrence ``yearly`` on every kind, except
  ``date``/``by_date``, which keep their end (else nothing would be left).
* A stated repetition (``hằng năm``, ``hàng quý``, ``theo tháng``, ``thường niên``…) sets
  ``recurrence`` on any kind (``Quý IV hằng năm`` -> quarter of doc_year, yearly). Several
  different repetitions (``hàng quý, hằng năm``), or a daily/weekly/half-yearly one,
  give ``periodic``.
* ``continuous`` and ``per_plan`` take the span of a time expression in the cell only
  when that expression writes its year (``Thường xuyên trong quý IV/2024`` ->
  2024-10-01..2024-12-31); a bare day (the date of a referenced document) is ignored.
* Invalid days are clamped to the month's last day (``31/2/2024`` -> 2024-02-29,
  ``31/4`` -> 04-30). Days outside 1..31, months outside 1..12, quarters outside I..IV
  are not read as times at all (the cell then usually ends as ``other``). Years are read
  only in 1900..2199. An ISO date is never invalid.
* ``doc_month`` is used only for relative cells: ``Trong tháng`` / ``Tháng này`` (month
  of issue) and ``Trong quý`` / ``Quý này`` (quarter of issue). A month earlier than the
  issue month is *not* moved to the next year: SPEC says the year is the issue year.
* ``N tháng/lần`` -> ``periodic`` (1 tháng: monthly, 3 tháng / 1 quý: quarterly,
  12 tháng / 1 năm: yearly, else periodic).
* ``Hằng ngày`` / ``Hàng tuần`` -> ``periodic`` with recurrence ``periodic``;
  ``Đột xuất``, ``Theo yêu cầu``, ``Kể từ khi …`` -> ``on_event``; any cell starting
  with ``Theo …`` that is not a repetition (``Theo quý``, ``Theo định kỳ``) or a request
  (``Theo yêu cầu``) is ``per_plan``.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from plan_extract.model import DeadlineNorm

__all__ = ["normalize_deadline", "KINDS", "RECURRENCES"]

KINDS = frozenset(
    {
        "date",
        "by_date",
        "month",
        "months",
        "quarter",
        "year",
        "range",
        "continuous",
        "periodic",
        "on_event",
        "per_plan",
        "other",
        "missing",
    }
)
RECURRENCES = frozenset({None, "monthly", "quarterly", "yearly", "periodic"})

_A = re.ASCII

# --------------------------------------------------------------------------- folding

# Non-ASCII characters left after NFD that are neither combining marks nor to be blanked.
_ODD_MAP = {
    "\u0111": "d",
    "\u00f0": "d",
    "\u0256": "d",
    "\u0189": "d",
    "\uff0f": "/",
    "\u2044": "/",
    "\u2215": "/",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u00ad": "",
}
_ODD_MAP.update({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
# Anything else non-ASCII (after NFD) that is not a combining mark becomes a space.
_ODD = re.compile(r"[^\x00-\x7f\u0300-\u036f]")

_WS = re.compile(r"\s+")
_SLASH_SP = re.compile(r"\s*/\s*")
_STRIP = " .,;:-_*+~!?\"'`()[]{}<>\u2026\u2022\u00b7"

_Y = r"(?:19|20|21)\d\d"

# Things that look like dates or years but are references to other documents.
_DOCREF = re.compile(
    r"\b\d+(?:[/\-]\d+)*[/\-](?!(?:thang|quy|nam|ngay|den|tu|toi|dau|giua|cuoi|hang|tuan|het)\b)"
    r"[a-z][a-z0-9]*(?:[/\-.][a-z0-9]+)*"
    r"(?:\s*,?\s*(?:ban hanh\s*)?ngay\s*(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
    r"|\d{1,2}\s*thang\s*\d{1,2}\s*,?\s*nam\s*\d{4}))?"
    r"|\biso\s*\d+(?:\s*:\s*\d+)?"
    r"|\b(?:bo luat|luat|hien phap)\b[^,;()]*?\bnam\s*" + _Y + r"(?!\d)",
    _A,
)

# "... (và) các năm tiếp theo": open end, yearly.
_NEXT_YEARS = re.compile(r"\b(?:cac|nhung)\s+nam\s+(?:tiep\s+theo|ke\s+tiep|tiep|sau(?:\s+do)?)\b", _A)
_DANGLING_AND = re.compile(r"(?:[\s,;]*\b(?:va|&|cho))?[\s,;]*$", _A)


def _odd(m: re.Match) -> str:
    return _ODD_MAP.get(m.group(), " ")


def _fold(text: str) -> str:
    """Lower case, NFD, combining marks dropped, ASCII only (see module docstring)."""
    s = unicodedata.normalize("NFD", text.lower())
    if not s.isascii():
        s = s.replace("\u0111", "d")
        if _ODD.search(s):
            s = _ODD.sub(_odd, s)
        s = s.encode("ascii", "ignore").decode("ascii")  # drops the combining marks
    s = " ".join(s.split())
    if "/" in s:
        s = _SLASH_SP.sub("/", s)
    return s.strip(_STRIP)


# --------------------------------------------------------------------------- recurrence

# "theo quy" is a quarter, "theo quy dinh" a regulation: guard the unit word.
_UNIT_GUARD = (
    r"\b(?!\s*(?:\d|(?:iv|v|i{1,3})\b|dinh\b|che\b|trinh\b|hoach\b|mo\b|tac\b"
    r"|pham\b|chuan\b|uoc\b|luat\b|doi\b|hoc\b|nay\b))"
)
_REP = r"\b(?:hang|moi|tung|theo(?:\s+tung)?|dinh\s+ky)\s+"
_RECUR = re.compile(
    r"(?P<monthly>" + _REP + r"thang" + _UNIT_GUARD + r")"
    r"|(?P<quarterly>" + _REP + r"quy" + _UNIT_GUARD + r")"
    r"|(?P<yearly>" + _REP + r"nam" + _UNIT_GUARD + r"|\bthuong nien\b)"
    r"|(?P<periodic>"
    + _REP
    + r"(?:ngay|tuan)"
    + _UNIT_GUARD
    + r"|\b(?:dinh\s+ky|moi|hang|bao\s+cao)\s+(?:\d+|sau|ba|hai)\s+(?:thang|tuan|ngay)"
    r"(?!\s*(?:(?:dau|cuoi)\b|/|mot\s+lan\b)))"
    r"|(?P<every>\b(?P<every_n>\d{1,2}|mot)\s*(?P<every_u>ngay|tuan|thang|quy|nam)\s*(?:/|mot)\s*lan\b)",
    _A,
)
_EVERY = {
    ("1", "thang"): "monthly",
    ("3", "thang"): "quarterly",
    ("1", "quy"): "quarterly",
    ("12", "thang"): "yearly",
    ("1", "nam"): "yearly",
}
_PERIODIC_KW = (
    r"(?:\bdinh\s+ky\b|"
    + _REP
    + r"(?:ngay|tuan|thang|quy|nam)"
    + _UNIT_GUARD
    + r"|\bthuong nien\b|\b(?:\d{1,2}|mot)\s*(?:ngay|tuan|thang|quy|nam)\s*(?:/|mot)\s*lan\b)"
)

_RECUR_GATE = re.compile(r"hang|moi|tung|theo|dinh|nien|bao|lan", _A)


def _recurrence(t: str) -> str | None:
    if not _RECUR_GATE.search(t):
        return None
    found: set[str] = set()
    for m in _RECUR.finditer(t):
        if m.group("every"):
            n = m.group("every_n").lstrip("0").replace("mot", "1") or "0"
            found.add(_EVERY.get((n, m.group("every_u")), "periodic"))
        elif m.lastgroup is not None:  # the name of the alternative that matched
            found.add(m.lastgroup)
    if not found:
        return None
    if len(found) == 1:
        return found.pop()
    return "periodic"


# --------------------------------------------------------------------------- time points


class _Pt(NamedTuple):
    """A time point. ``year`` None means "not written".

    day: a=month b=day | month: a..b months, c=count | quarter: a..b | year: a..b
    part: month a, days b..c (c=0: month end) | half: months a..b
    """

    kind: str
    year: int | None
    a: int
    b: int
    c: int = 0


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NUMWORD = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "sau": 6, "chin": 9}
_ORD = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5}
_Q = r"(?:iv|i{1,3}|[1-4])(?![a-z0-9])"
_Q_RX = re.compile(r"\b(?:iv|i{1,3}|[1-4])\b", _A)
_D2_RX = re.compile(r"\d{1,2}", _A)
_Y_RX = re.compile(_Y, _A)


def _ys(n: str) -> str:
    """Optional year suffix: ``/2024``, ``-2024``, ``năm 2024``, ``, năm 2024``, ``, 2024``."""
    return (
        rf"(?:\s*[/.\-]\s*(?P<{n}1>{_Y})(?!\d)"
        rf"|\s*,?\s*(?:nam\s*)?(?P<{n}2>{_Y})(?!\d))?"
    )


_POINT_ALTS = [
    (
        "daytext",
        rf"\bngay\s*(?P<dt_d>\d{{1,2}})\s*thang\s*(?P<dt_m>\d{{1,2}})(?!\d)"
        rf"(?:\s*,?\s*nam\s*(?P<dt_y>{_Y})(?!\d))?",
    ),
    (
        "date",
        rf"(?:\bngay\s*)?(?<![\d/.:])(?P<d_d>\d{{1,2}})\s*[/.\-]\s*(?P<d_m>\d{{1,2}})\s*[/.\-]\s*"
        rf"(?P<d_y>{_Y}|\d\d)(?!\d)(?![/.]\d)",
    ),
    (
        "dm",
        rf"(?:\bngay\s*)?(?<![\d/.:])(?P<e_d>\d{{1,2}})/(?P<e_m>\d{{1,2}})(?!\d)(?![/.\-]\d)"
        rf"(?:\s*,?\s*nam\s*(?P<e_y>{_Y})(?!\d))?",
    ),
    (
        "part",
        r"\b(?:(?P<p_w>tuan\s*(?:dau|cuoi|thu\s*(?:[1-5]|nhat|hai|ba|tu|nam)|[1-5]))"
        r"|(?P<p_x>(?<!bat )dau|giua|cuoi|thuong tuan|trung tuan|ha tuan))"
        r"\s*(?:cua\s*|trong\s*)?thang\s*(?P<p_m>\d{1,2})(?!\d)" + _ys("p_y"),
    ),
    (
        "half",
        rf"\b(?:(?P<h_n>\d{{1,2}}|mot|hai|ba|bon|sau|chin)\s*thang|nua)\s*(?P<h_x>dau|cuoi)\s*"
        rf"(?:cua\s*)?nam(?:\s*(?P<h_y>{_Y})(?!\d))?",
    ),
    ("month", r"\bthang\s*(?P<m_l>\d{1,2}(?!\d)(?:\s*(?:,|;|&|va)\s*(?:thang\s*)?\d{1,2}(?!\d))*)" + _ys("m_y")),
    ("quarter", rf"\bquy\s*(?P<q_l>{_Q}(?:\s*(?:,|;|&|va)\s*(?:quy\s*)?{_Q})*)" + _ys("q_y")),
    ("monthyear", rf"(?<![\d/.:])(?P<my_m>\d{{1,2}})\s*[/.\-]\s*(?P<my_y>{_Y})(?!\d)(?![/.]\d)"),
    (
        "year",
        rf"(?:\b(?:nam hoc|nam|giai doan)\s*)?(?<![\d/.:])"
        rf"(?P<y_l>{_Y}(?!\d)(?:\s*(?:,|;|&|va)\s*(?:nam\s*)?{_Y}(?!\d))*)(?![/.]\d)",
    ),
]
_POINT = re.compile("|".join(f"(?P<{n}>{p})" for n, p in _POINT_ALTS), _A)
# Where a point can start (a cheap scan; _POINT is then only tried there).
_POINT_START = re.compile(
    r"\d|\b(?:ngay|tuan|dau|giua|cuoi|thuong|trung|ha|nua|mot|hai|ba|bon|sau"
    r"|chin|thang|quy|nam|giai)",
    _A,
)
_CONN = re.compile(r"\s*(?:-|~|>|den(?:\s+het)?|toi|cho\s+den(?:\s+het)?)\s*(?:(?:het|ngay)\s*)?", _A)
_LIST_CONN = re.compile(r"\s*(?:[,;&+]|va)\s*", _A)
_BARE_MONTH = re.compile(r"(?:thang\s*)?(?P<n>\d{1,2})(?!\d)(?![/.]\d{1,2}\b)" + _ys("y"), _A)
_BARE_QUARTER = re.compile(rf"(?:quy\s*)?(?P<n>{_Q})" + _ys("y"), _A)

_BY_PREFIX = re.compile(
    r"\b(?:truoc|cham\s+nhat(?:\s+la)?|han\s+chot|thoi\s+han|han|khong\s+qua|khong\s+muon\s+hon"
    r"|muon\s+nhat|den|den\s+het|het|toi)\W*(?:ngay\W*)?$",
    _A,
)
_FROM_PREFIX = re.compile(r"\b(?:tu|ke\s+tu|bat\s+dau(?:\s+tu)?|sau)\W*(?:ngay\W*)?$", _A)
_OPEN_SUFFIX = re.compile(r"^\W*(?:tro\s+di|tro\s+ve\s+sau|ve\s+sau)\b", _A)


def _yr(m: re.Match, *names: str) -> int | None:
    for n in names:
        v = m.group(n)
        if v:
            y = int(v)
            return y + 2000 if y < 100 else y
    return None


def _ok_md(mo: int, d: int) -> bool:
    return 1 <= mo <= 12 and 1 <= d <= 31


def _build(m: re.Match) -> _Pt | None:
    """A point from a ``_POINT`` match, or None when its numbers are not a time."""
    k = m.lastgroup
    if k == "daytext" or k == "date" or k == "dm":
        p = {"daytext": "dt", "date": "d", "dm": "e"}[k]
        d, mo = int(m.group(p + "_d")), int(m.group(p + "_m"))
        if not _ok_md(mo, d):
            return None
        return _Pt("day", _yr(m, p + "_y"), mo, d)
    if k == "month":
        ms = [int(x) for x in _D2_RX.findall(m.group("m_l"))]
        if not all(1 <= x <= 12 for x in ms):
            return None
        return _Pt("month", _yr(m, "m_y1", "m_y2"), min(ms), max(ms), len(set(ms)))
    if k == "quarter":
        qs = [_ROMAN[x] for x in _Q_RX.findall(m.group("q_l"))]
        if not qs:
            return None
        return _Pt("quarter", _yr(m, "q_y1", "q_y2"), min(qs), max(qs))
    if k == "monthyear":
        mo = int(m.group("my_m"))
        if not 1 <= mo <= 12:
            return None
        return _Pt("month", int(m.group("my_y")), mo, mo, 1)
    if k == "year":
        ys = [int(x) for x in _Y_RX.findall(m.group("y_l"))]
        return _Pt("year", min(ys), min(ys), max(ys))
    if k == "part":
        mo = int(m.group("p_m"))
        if not 1 <= mo <= 12:
            return None
        y = _yr(m, "p_y1", "p_y2")
        w = m.group("p_w")
        if w:
            w = w[4:].strip()
            if w == "dau":
                n = 1
            elif w == "cuoi":
                return _Pt("part", y, mo, -7, 0)
            else:
                w = w[3:].strip() if w.startswith("thu") else w
                n = _ORD.get(w) or int(w)
            return _Pt("part", y, mo, 7 * n - 6, 7 * n)
        x = m.group("p_x")
        lo, hi = {"dau": (1, 10), "thuong tuan": (1, 10), "giua": (11, 20), "trung tuan": (11, 20)}.get(x, (21, 0))
        return _Pt("part", y, mo, lo, hi)
    if k == "half":
        nw = m.group("h_n")
        n = 6 if nw is None else (_NUMWORD.get(nw) or int(nw))
        if not 1 <= n <= 12:
            return None
        y = _yr(m, "h_y")
        if m.group("h_x") == "dau":
            return _Pt("half", y, 1, n)
        return _Pt("half", y, 13 - n, 12)
    return None


def _last(y: int, mo: int) -> int:
    return calendar.monthrange(y, mo)[1]


def _span(p: _Pt, y: int) -> tuple[date, date]:
    """First and last day of point ``p`` in year ``y`` (year points ignore ``y``)."""
    k = p.kind
    if k == "day":
        d = date(y, p.a, min(p.b, _last(y, p.a)))
        return d, d
    if k == "month" or k == "half":
        return date(y, p.a, 1), date(y, p.b, _last(y, p.b))
    if k == "quarter":
        return date(y, 3 * p.a - 2, 1), date(y, 3 * p.b, _last(y, 3 * p.b))
    if k == "year":
        return date(p.a, 1, 1), date(p.b, 12, 31)
    # part of a month
    last = _last(y, p.a)
    if p.b < 0:  # last week
        return date(y, p.a, last - 6), date(y, p.a, last)
    lo = min(p.b, last)
    hi = last if p.c == 0 else min(p.c, last)
    return date(y, p.a, lo), date(y, p.a, hi)


def _single_kind(p: _Pt) -> str:
    if p.kind == "day":
        return "date"
    if p.kind == "month":
        return "months" if p.c > 1 else "month"
    if p.kind in ("quarter", "year"):
        return p.kind
    return "range"


def _second(t: str, pos: int, a: _Pt) -> tuple[_Pt | None, int]:
    """The point after a range connector at ``pos`` (full or bare, given ``a``)."""
    m = _POINT.match(t, pos)
    if m:
        b = _build(m)
        if b is not None:
            return b, m.end()
        return None, pos
    if a.kind == "month":
        m = _BARE_MONTH.match(t, pos)
        if m and 1 <= int(m.group("n")) <= 12:
            n = int(m.group("n"))
            return _Pt("month", _yr(m, "y1", "y2"), n, n, 1), m.end()
    elif a.kind == "quarter":
        m = _BARE_QUARTER.match(t, pos)
        if m:
            n = _ROMAN[m.group("n")]
            return _Pt("quarter", _yr(m, "y1", "y2"), n, n), m.end()
    return None, pos


class _Time(NamedTuple):
    kind: str
    start: date | None
    end: date | None
    is_day: bool  # a single day (date/by_date, or its open-ended variant)


def _time_expr(t: str, doc_year: int | None) -> _Time | None:
    """The first time expression of ``t``, classified, or None."""
    resume = 0
    for cand in _POINT_START.finditer(t):
        if cand.start() < resume:
            continue
        m = _POINT.match(t, cand.start())
        if m is None:
            continue
        a = _build(m)
        if a is None:
            resume = m.end()
            continue
        pos = m.end()
        b = None
        c = _CONN.match(t, pos)
        if c and c.end() > pos:
            b, end_pos = _second(t, c.end(), a)
            if b is not None:
                pos = end_pos
        if b is None and a.kind in ("month", "quarter", "year"):
            # "Quý III/2024; Quý IV/2024", "Tháng 12/2024 và tháng 1/2025": a list
            last, p = None, pos
            while True:
                lc = _LIST_CONN.match(t, p)
                m2 = _POINT.match(t, lc.end()) if lc else None
                nb = _build(m2) if m2 else None
                if m2 is None or nb is None or nb.kind != a.kind:
                    break
                last, p = nb, m2.end()
            if last is not None:
                te = _range(a, last, doc_year)
                return te._replace(kind="months" if a.kind == "month" else a.kind)
        pre = t[: m.start()]
        if b is not None:
            return _range(a, b, doc_year)
        y = a.year if a.year is not None else doc_year
        s = e = None
        if y is not None:
            s, e = _span(a, y)
        if _FROM_PREFIX.search(pre) or _OPEN_SUFFIX.search(t[pos:]):
            return _Time("range", s, None, False)
        if _BY_PREFIX.search(pre):
            return _Time("by_date", None, e, True)
        kind = _single_kind(a)
        if kind == "date":
            return _Time("date", None, e, True)
        return _Time(kind, s, e, False)
    return None


def _range(a: _Pt, b: _Pt, doc_year: int | None) -> _Time:
    if a.kind == b.kind and a.kind in ("quarter", "year"):
        kind = a.kind
    else:
        kind = "range"
    ya, yb = a.year, b.year
    if ya is None and yb is None:
        if doc_year is None:
            return _Time(kind, None, None, False)
        ya = yb = doc_year
        if _span(b, yb)[1] < _span(a, ya)[0]:
            yb += 1
    elif ya is None:
        assert yb is not None
        ya = yb
        if _span(a, ya)[0] > _span(b, yb)[1]:
            ya -= 1
    elif yb is None:
        assert ya is not None
        yb = ya
        if _span(b, yb)[1] < _span(a, ya)[0]:
            yb += 1
    sa, ea = _span(a, ya)
    sb, eb = _span(b, yb)
    if sa > eb:  # written backwards with explicit years
        return _Time(kind, min(sa, sb), max(ea, eb), False)
    return _Time(kind, sa, eb, False)


# --------------------------------------------------------------------------- rules


class _Ctx(NamedTuple):
    t: str
    doc_year: int | None
    doc_month: int | None


_Result = tuple  # (kind, start: date|None, end: date|None, recurrence|None-or-"default")
_Handler = Callable[[_Ctx, re.Match], _Result | None]


def _fixed(kind: str) -> _Handler:
    return lambda ctx, m: (kind, None, None)


def _with_span(kind: str) -> _Handler:
    """continuous / per_plan: the span of a time expression whose year is written."""

    def handler(ctx: _Ctx, m: re.Match) -> _Result:
        te = _time_expr(ctx.t, None)
        if te is not None and not te.is_day and te.start is not None and te.end is not None:
            return kind, te.start, te.end
        return kind, None, None

    return handler


def _time_handler(ctx: _Ctx, m: re.Match) -> _Result | None:
    te = _time_expr(ctx.t, ctx.doc_year)
    if te is None:
        return None
    return te.kind, te.start, te.end


def _relative(ctx: _Ctx, m: re.Match) -> _Result:
    unit, y, mo = m.group(1), ctx.doc_year, ctx.doc_month
    if unit == "nam":
        return ("year",) + ((date(y, 1, 1), date(y, 12, 31)) if y else (None, None))
    kind = "month" if unit == "thang" else "quarter"
    if y is None or mo is None or not 1 <= mo <= 12:
        return kind, None, None
    if unit == "thang":
        return ("month",) + _span(_Pt("month", y, mo, mo, 1), y)
    q = (mo - 1) // 3 + 1
    return ("quarter",) + _span(_Pt("quarter", y, q, q), y)


_LEAD_ON_EVENT = (
    r"^(?:ngay\s+)?(?:sau\s+khi|khi|ngay\s+khi|ngay\s+sau|ke\s+tu\s+khi|theo\s+yeu\s+cau"
    r"|dot\s+xuat|neu\s+co|trong\s+truong\s+hop|tuy\s+theo\s+tinh\s+hinh)\b"
)
_ANY_ON_EVENT = (
    r"\b(?:sau\s+khi|khi\s+co|ngay\s+khi|khi\s+duoc|khi\s+phat\s+sinh|ke\s+tu\s+khi"
    r"|ke\s+tu\s+ngay(?!\s*\d)|theo\s+yeu\s+cau|dot\s+xuat|phat\s+sinh)\b"
)
_LEAD_VERB = r"(?:bao\s+cao\s+|thuc\s+hien\s+|trien\s+khai\s+|to\s+chuc\s+|kiem\s+tra\s+|hoan\s+thanh\s+)?"
_PER_PLAN_ANY = (
    r"\btheo\s+(?:ke\s+hoach|chuong\s+trinh|lo\s+trinh|quy\s+dinh|tien\s+do|moc|huong\s+dan"
    r"|chi\s+dao|thoi\s+gian|thoi\s+han|van\s+ban|de\s+an|quyet\s+dinh|thong\s+tu"
    r"|nghi\s+dinh|nghi\s+quyet|cong\s+van)\b"
    r"|\b(?:thoi\s+gian|thoi\s+han|tien\s+do)\s+(?:theo\s+)?quy\s+dinh\b"
)

# Ordered (name, pattern, handler): the first rule whose pattern is found and whose
# handler does not decline (return None) decides the kind.
_RULES: list[tuple[str, re.Pattern, _Handler]] = [
    ("on_event", re.compile(_LEAD_ON_EVENT, _A), _fixed("on_event")),
    ("continuous", re.compile(r"^" + _LEAD_VERB + r"(?:thuong\s+xuyen|lien\s+tuc)\b", _A), _with_span("continuous")),
    ("periodic", re.compile(r"^" + _LEAD_VERB + r"(?:theo\s+)?" + _PERIODIC_KW, _A), _fixed("periodic")),
    (
        "per_plan",
        re.compile(
            r"^" + _LEAD_VERB + r"(?:theo\b|can\s+cu\b|dung\s+(?:thoi\s+han"
            r"|thoi\s+gian|tien\s+do|quy\s+dinh|ke\s+hoach)\b)",
            _A,
        ),
        _with_span("per_plan"),
    ),
    ("time", re.compile(r"", _A), _time_handler),
    ("periodic_any", re.compile(_PERIODIC_KW, _A), _fixed("periodic")),
    ("on_event_any", re.compile(_ANY_ON_EVENT, _A), _fixed("on_event")),
    ("continuous_any", re.compile(r"\b(?:thuong\s+xuyen|lien\s+tuc)\b", _A), _with_span("continuous")),
    ("per_plan_any", re.compile(_PER_PLAN_ANY, _A), _with_span("per_plan")),
    (
        "relative",
        re.compile(
            r"^(?:(?:ngay\s+|xong\s+|hoan\s+thanh\s+)?trong\s+|vao\s+)?(nam|thang|quy)"
            r"(?:\s+nay)?$",
            _A,
        ),
        _relative,
    ),
]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


@lru_cache(maxsize=8192)
def _normalize(text: str, doc_year: int | None, doc_month: int | None) -> tuple:
    t = _fold(text)
    if not t:
        return "missing", None, None, None
    t = _DOCREF.sub(" ", t)
    nm = _NEXT_YEARS.search(t)
    next_years = nm is not None
    if nm is not None:
        t = _DANGLING_AND.sub("", t[: nm.start()]) + " " + _NEXT_YEARS.sub(" ", t[nm.end() :])
    t = _WS.sub(" ", t).strip(_STRIP)
    ctx = _Ctx(t, doc_year, doc_month)
    result: _Result | None = None
    for _name, rx, handler in _RULES:
        m = rx.search(t)
        if m is None:
            continue
        result = handler(ctx, m)
        if result is not None:
            break
    if result is None:
        result = ("other", None, None)
    kind, start, end = result
    rec = _recurrence(t)
    if kind == "periodic" and rec is None:
        rec = "periodic"
    if next_years:
        rec = "yearly"
        if kind not in ("date", "by_date"):
            end = None
    return kind, _iso(start), _iso(end), rec


def _clean_int(v: object, lo: int, hi: int) -> int | None:
    if isinstance(v, int) and not isinstance(v, bool):
        n = v
    else:
        try:
            n = int(v)  # type: ignore[call-overload]  # any object: int() raises for what it cannot take
        except (TypeError, ValueError, OverflowError):
            return None
    return n if lo <= n <= hi else None


def normalize_deadline(text: str, doc_year: int | None, doc_month: int | None = None) -> DeadlineNorm:
    """Normalise a raw deadline cell (SPEC section 4). Never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    y = _clean_int(doc_year, 1000, 9000) if doc_year is not None else None
    mo = _clean_int(doc_month, 1, 12) if doc_month is not None else None
    try:
        kind, start, end, rec = _normalize(text, y, mo)
    except Exception:  # pragma: no cover - safety net; the fuzz tests call _normalize
        return DeadlineNorm("other")
    return DeadlineNorm(kind, start, end, rec)
