"""The header vocabulary (``data/headers.json``): what a task-table header cell names.
A header cell's words are folded and searched for the cue phrases of each field; whole
header names are matched fuzzily only to forgive typos. Below both the readers (which
tell task tables from layout tables by their header row) and the task-table parser
(:mod:`plan_extract.parsers.tasktable.columns` re-exports these names)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .normalize.text import fold

_NUMBERING_CELL = re.compile(r"^\(?\s*(\d{1,2})\s*\)?$")
_NOTE_MARKS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\[\d{1,2}\]|\(\*+\)|\*+$")
MATCH_THRESHOLD = 84  # rapidfuzz ratio of a header cell to a known name (typos)
HEADER_SCAN_ROWS = 6  # a header row is looked for among a table's first rows
MAX_HEADER_CELL = 90  # folded characters: a longer cell is text, not a column name

# the kinds a header cell can have besides a field
EXTRA = "extra"


@dataclass
class ColumnMap:
    """The field of each column (None for a column of other meaning, kept in ``extra``)."""

    fields: list[str | None]
    headers: list[str]
    folded: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return len(self.fields)

    @property
    def unmapped(self) -> list[str]:
        return [h for h, f in zip(self.headers, self.fields) if f is None and h]

    @property
    def is_task_table(self) -> bool:
        """content and at least one of lead, support, deadline (SPEC section 2)."""
        have = set(self.fields)
        return "content" in have and bool(have & {"lead", "support", "deadline"})

    def index(self, fld: str) -> int | None:
        return self.fields.index(fld) if fld in self.fields else None


@dataclass(frozen=True)
class _Vocabulary:
    order: tuple[str, ...]
    tt: frozenset[str]
    exclude: tuple[str, ...]
    cues: tuple[tuple[str, tuple[str, ...]], ...]
    fallback: tuple[tuple[str, tuple[str, ...]], ...]
    extra: tuple[str, ...]
    names: tuple[tuple[str, str], ...]  # (folded name, field)
    subheaders: frozenset[str]  # words of a second header row that name no field


@lru_cache(maxsize=1)
def vocabulary() -> _Vocabulary:
    raw = json.loads(resources.files("plan_extract").joinpath("data/headers.json").read_text("utf-8"))
    order = tuple(raw["order"])
    return _Vocabulary(
        order=order,
        tt=frozenset(fold(t) for t in raw["tt"]),
        exclude=tuple(fold(c) for c in raw.get("exclude", [])),
        cues=tuple((f, tuple(fold(c) for c in raw["cues"][f])) for f in order),
        fallback=tuple((f, tuple(fold(c) for c in cs)) for f, cs in raw.get("fallback", {}).items()),
        extra=tuple(fold(c) for c in raw.get("extra", [])),
        names=tuple((fold(n), f) for f, ns in raw["names"].items() for n in ns),
        subheaders=frozenset(fold(n) for n in raw.get("subheaders", [])),
    )


def _has(words: str, cue: str) -> bool:
    return f" {cue} " in words


def header_key(text: str) -> str:
    """A header cell folded for matching: footnote marks and ``(*)`` removed."""
    return fold(_NOTE_MARKS.sub(" ", text))


@lru_cache(maxsize=4096)
def classify_header_cell(text: str, threshold: float = MATCH_THRESHOLD) -> tuple[str | None, bool]:
    """(field, is_fallback) for one header cell; (``"extra"``, False) for a column of
    known other meaning; (None, False) for a cell that names no column. ``threshold``:
    how well (rapidfuzz ratio) a cell must match a known name to be taken for it."""
    f = header_key(text)
    if not f or len(f) > MAX_HEADER_CELL:
        return None, False
    voc = vocabulary()
    if f in voc.tt:
        return "tt", False
    words = f" {f} "
    if any(_has(words, c) for c in voc.exclude):
        return EXTRA, False
    for fld, cues in voc.cues:
        if any(_has(words, c) for c in cues):
            return fld, False
    for fld, cues in voc.fallback:
        if any(_has(words, c) for c in cues):
            return fld, True
    if any(_has(words, c) for c in voc.extra):
        return EXTRA, False
    if len(f) > 3:  # a typo of a known name (short names must match exactly)
        from rapidfuzz import fuzz  # here: the command line imports this module's constants

        best = max(((fuzz.ratio(f, name), fld) for name, fld in voc.names if len(name) > 3), default=(0.0, None))
        if best[0] >= threshold:
            return best[1], False
    return None, False


def match_header(texts: Sequence[str], threshold: float = MATCH_THRESHOLD) -> ColumnMap | None:
    """A ColumnMap when the row names columns (a header row), else None. The map may
    still not be a task table (:attr:`ColumnMap.is_task_table`)."""
    classes = [classify_header_cell(t, threshold) for t in texts]  # a blank cell is (None, False)
    named = [c for c in classes if c[0] and c[0] != EXTRA]
    if len(named) < 2:
        return None  # most rows: data
    filled = [t for t in texts if t.strip()]
    known = [c for c in classes if c[0]]
    if len(known) < 0.6 * len(filled):
        return None
    if not any(c[0] in ("tt", "content") for c in named):
        return None
    primary = {c[0] for c in classes if c[0] and c[0] != EXTRA and not c[1]}
    fields: list[str | None] = []
    seen: set[str] = set()
    for fld, is_fallback in classes:
        if fld == EXTRA or (fld and is_fallback and fld in primary):
            fld = None  # "Đơn vị thực hiện" is lead only when no chủ trì column exists
        if fld in seen:
            fld = None  # a second column for the same field goes to extra
        if fld:
            seen.add(fld)
        fields.append(fld)
    return ColumnMap(
        fields=fields, headers=[" ".join(t.split()) for t in texts], folded=tuple(header_key(t) for t in texts)
    )


def is_numbering_row(texts: Sequence[str]) -> bool:
    """A row that only numbers the columns: (1), (2), … or 1, 2, …"""
    nums = []
    for t in texts:
        t = t.strip()
        if not t:
            continue
        m = _NUMBERING_CELL.match(t)
        if not m:
            return False  # a data row: usually known by its second cell
        nums.append(int(m.group(1)))
    return len(nums) >= 3 and nums == list(range(nums[0], nums[0] + len(nums)))


# the lines of a table that only lays out the page: the header (``Số …`` | ``CỘNG HÒA …``
# and the place-and-date line) and the closing (``Nơi nhận`` | signature authority)
_FOLDED_CUES = re.compile(
    r"^(?:cong hoa xa hoi chu nghia|doc lap tu do hanh phuc|noi nhan\b|.{2,40} ngay(?: \d{1,2})? thang)"
)
_RAW_CUES = re.compile(r"^(?:Số\s*[:.]|(?:KT|TM|TL|TUQ|K/T|T/M|T/L)\s*\.)")


def has_layout_cue(rows: Sequence[Sequence[str]]) -> bool:
    """True when a cell of the table starts with a line of the header or the closing."""
    for texts in rows:
        for text in texts:
            for line in text.split("\n")[:3]:
                if _RAW_CUES.match(line.strip()) or _FOLDED_CUES.match(fold(line)):
                    return True
    return False
