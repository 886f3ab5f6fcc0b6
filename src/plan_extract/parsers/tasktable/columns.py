"""Recognising task-table header rows and mapping columns to fields by their names
(SPEC section 2): case and diacritics folded, typos tolerated by fuzzy matching,
synonyms read from ``data/headers.json``."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional

from rapidfuzz import fuzz

from ...normalize.text import fold

FIELDS = ("tt", "content", "lead", "support", "deadline", "product")
_NUMBERING_CELL = re.compile(r"^\(?\s*(\d{1,2})\s*\)?$")
MATCH_THRESHOLD = 84


@dataclass
class ColumnMap:
    """The field of each column (None for an unknown column, kept in ``extra``)."""

    fields: list[Optional[str]]
    headers: list[str]
    folded: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return len(self.fields)

    @property
    def unmapped(self) -> list[str]:
        return [h for h, f in zip(self.headers, self.fields) if f is None and h]


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[str, str, bool], ...]:
    raw = json.loads(resources.files("plan_extract").joinpath("data/headers.json").read_text("utf-8"))
    out: list[tuple[str, str, bool]] = []
    for fld, names in raw["fields"].items():
        out.extend((fold(n), fld, False) for n in names)
    for fld, names in raw.get("fallback", {}).items():
        out.extend((fold(n), fld, True) for n in names)
    return tuple(out)


@lru_cache(maxsize=4096)
def classify_header_cell(text: str) -> tuple[Optional[str], bool]:
    """(field, is_fallback) for one header cell, or (None, False)."""
    f = fold(text)
    if not f or len(f) > 80:
        return None, False
    best: tuple[float, Optional[str], bool] = (0.0, None, False)
    for name, fld, is_fallback in _synonyms():
        if f == name:
            return fld, is_fallback
        if len(name) <= 3 or len(f) <= 3:
            continue  # short names (TT, STT) must match exactly
        score = fuzz.ratio(f, name)
        if score > best[0]:
            best = (score, fld, is_fallback)
    if best[0] >= MATCH_THRESHOLD:
        return best[1], best[2]
    return None, False


def match_header(texts: list[str]) -> Optional[ColumnMap]:
    """A ColumnMap when the row is a header row, else None."""
    classes = [classify_header_cell(t) for t in texts]  # a blank cell is (None, False)
    mapped = [c for c in classes if c[0]]
    if len(mapped) < 2:
        return None  # most rows: data
    filled = [t for t in texts if t.strip()]
    if len(mapped) < 0.6 * len(filled):
        return None
    if not any(c[0] in ("tt", "content") for c in mapped):
        return None
    fields: list[Optional[str]] = []
    primary_fields = {c[0] for c in classes if c[0] and not c[1]}
    seen: set[str] = set()
    for fld, is_fallback in classes:
        if fld and is_fallback and fld in primary_fields:
            fld = None  # e.g. "Đơn vị thực hiện" is lead only when no chủ trì column exists
        if fld in seen:
            fld = None  # a second column for the same field goes to extra
        if fld:
            seen.add(fld)
        fields.append(fld)
    return ColumnMap(fields=fields, headers=[t.strip() for t in texts],
                     folded=tuple(fold(t) for t in texts))


def is_numbering_row(texts: list[str]) -> bool:
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
