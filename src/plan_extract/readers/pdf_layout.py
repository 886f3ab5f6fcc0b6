"""Words and lines of a PDF page, and the running lines around them.

* Glyphs are grouped into lines by vertical overlap and into words by gaps; a small
  raised digit (a footnote mark, also the number that opens a footnote at the page
  foot) becomes a superscript digit (``¹``), as the text format prints it.
* Running headers, footers and page numbers are dropped: a line at the top or the
  foot of a page that is only a page number, or that repeats (digits aside) on
  several pages.
* :class:`Measure`: the left and right edges of a page's running text.

Two-column layout zones are found in :mod:`.pdf_zones`, paragraphs rejoined in
:mod:`.pdf_paragraphs`.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?(?:trang\s*)?\d{1,4}(?:\s*(?:/|của|of)\s*\d{1,4})?(?:\s*[-–—])?$", re.I)
_DIGITS = re.compile(r"^\d{1,3}$")
EDGE_ZONE = 0.12  # share of the page height where running headers and footers live


@dataclass(slots=True)
class Glyph:
    """One character as :mod:`.pdf_objects` takes it from the page: text, box, size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class Line:
    words: list[Word]
    page: int
    page_width: float = 0.0
    page_height: float = 0.0
    text: str = ""
    size: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    column: int = 0  # 0: full width; 1, 2: left / right column of a layout zone
    zone: int = -1
    index: int = 0  # 1-based position on its page, after running lines are dropped
    split: float = 0.0  # the middle of a layout zone's gutter (zone lines only)
    col_centre: float | None = None  # centre of a zone column whose lines are centred

    def finish(self) -> Line:
        self.words.sort(key=lambda w: w.x0)
        sizes: Counter[float] = Counter()
        for w in self.words:
            sizes[round(w.size, 1)] += len(w.text)
        self.size = sizes.most_common(1)[0][0] if sizes else 0.0
        body = [w for w in self.words if abs(w.size - self.size) < 0.5] or self.words
        top = statistics.median(w.top for w in body)
        bottom = statistics.median(w.bottom for w in body)
        parts: list[str] = []
        prev: Word | None = None
        for w in self.words:
            text = w.text
            if _DIGITS.match(text) and _raised(w, top, bottom, self.size):
                text = text.translate(_SUPERSCRIPT)
                glue = prev is not None and w.x0 - prev.x1 < 1.0
            else:
                glue = (
                    prev is not None
                    and w.x0 - prev.x1 < 0.08 * self.size
                    and bool(parts)
                    and parts[-1][-1:] in "⁰¹²³⁴⁵⁶⁷⁸⁹"
                )
            if parts and not glue:
                parts.append(" ")
            parts.append(text)
            prev = w
        self.text = "".join(parts).strip()
        self.x0 = min(w.x0 for w in self.words)
        self.x1 = max(w.x1 for w in self.words)
        self.top, self.bottom = top, bottom
        return self

    @property
    def first_word_width(self) -> float:
        return self.words[0].x1 - self.words[0].x0 if self.words else 0.0


def _raised(w: Word, top: float, bottom: float, size: float) -> bool:
    """A digit set above the line: smaller and raised, or starting well above it."""
    mid = (top + bottom) / 2
    if w.size < 0.85 * size and (w.top + w.bottom) / 2 < mid - 0.1 * size:
        return True
    return w.top < top - 0.2 * size and abs(w.bottom - bottom) < 0.3 * size


def _best_row(bounds: Sequence[tuple[float, float]], top: float, bottom: float) -> int:
    """The row (among the last few) that a box joins, or -1. A box joins a row when
    the middle of one lies within the other's band; a row's band stays that of its
    first box, so that a line set between two lines of a neighbouring column (a cell
    centred in a taller row, a signature block beside the recipients) joins neither
    and never bridges them into one."""
    best, best_overlap = -1, 0.0
    mid = (top + bottom) / 2
    h = max(bottom - top, 0.1)
    for k in range(len(bounds) - 1, max(len(bounds) - 5, -1), -1):
        t, b = bounds[k]
        if not (t <= mid <= b or top <= (t + b) / 2 <= bottom):
            continue
        overlap = (min(b, bottom) - max(t, top)) / max(min(h, b - t), 0.1)
        if overlap > best_overlap:
            best, best_overlap = k, overlap
    return best if best_overlap >= 0.35 else -1


def lines_from_glyphs(glyphs: Sequence, page: int, width: float, height: float) -> list[Line]:
    """Glyphs to lines (vertical overlap) to words (a gap wider than a fifth of the font
    size, or a change of size, which sets a superscript apart)."""
    rows: list[list] = []
    bounds: list[tuple[float, float]] = []  # [top, bottom] of each row: its first glyph's
    for g in sorted(glyphs, key=lambda g: (g.top, g.x0)):
        k = _best_row(bounds, g.top, g.bottom)
        if k >= 0:
            rows[k].append(g)
        else:
            rows.append([g])
            bounds.append((g.top, g.bottom))
    lines = []
    for row in rows:
        row.sort(key=lambda g: g.x0)
        start = next((i for i, g in enumerate(row) if not g.text.isspace()), None)
        if start is None:
            continue  # only space glyphs
        words: list[Word] = []
        cur = row[start]
        text = [cur.text]
        x0, x1, top, bottom, size = cur.x0, cur.x1, cur.top, cur.bottom, cur.size
        spaced = False
        for g in row[start + 1 :]:
            if g.text.isspace():  # a space the PDF draws ends a word, however narrow
                spaced = True
                continue
            if spaced or g.x0 - x1 > max(1.0, 0.18 * size) or abs(g.size - size) > 0.5:
                words.append(Word("".join(text), x0, x1, top, bottom, size))
                text = [g.text]
                x0, x1, top, bottom, size = g.x0, g.x1, g.top, g.bottom, g.size
            else:
                text.append(g.text)
                x1 = max(x1, g.x1)
                top, bottom = min(top, g.top), max(bottom, g.bottom)
            spaced = False
        words.append(Word("".join(text), x0, x1, top, bottom, size))
        for w in words:
            if not w.text.isascii():
                w.text = unicodedata.normalize("NFC", w.text)
        lines.append(Line(words, page, width, height).finish())
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def group_lines(words: Sequence[Word], page: int, width: float, height: float) -> list[Line]:
    """Words to lines: a word joins the line it overlaps vertically the most."""
    lines: list[Line] = []
    bounds: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        k = _best_row(bounds, w.top, w.bottom)
        if k >= 0:
            lines[k].words.append(w)
        else:
            lines.append(Line([w], page, width, height, top=w.top, bottom=w.bottom, size=w.size))
            bounds.append((w.top, w.bottom))
    out = [ln.finish() for ln in lines]
    out.sort(key=lambda ln: (ln.top, ln.x0))
    return out


# -- running headers and footers ---------------------------------------------------------------
def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold()).strip()


def drop_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Remove page numbers and lines repeated at the top or foot of several pages."""
    edge: Counter = Counter()
    for lines in pages:
        seen = set()
        for ln in _edge_lines(lines):
            seen.add(_mask(ln.text))
        edge.update(seen)
    repeat_min = max(2, int(0.3 * len(pages) + 0.5))
    out = []
    for lines in pages:
        drop = {
            id(ln)
            for ln in _edge_lines(lines)
            if PAGE_NUMBER.match(ln.text) or (edge[_mask(ln.text)] >= repeat_min and len(pages) > 1)
        }
        out.append([ln for ln in lines if id(ln) not in drop])
    return out


def _edge_lines(lines: list[Line]) -> list[Line]:
    """The first and last line of a page when they stand apart in the edge zones."""
    if not lines:
        return []
    out = []
    h = lines[0].page_height
    first, last = lines[0], lines[-1]
    if first.bottom < h * EDGE_ZONE and (len(lines) == 1 or lines[1].top - first.bottom > 0.5 * first.size):
        out.append(first)
    if last is not first and last.top > h * (1 - EDGE_ZONE) and lines[-2].bottom < last.top - 0.5 * last.size:
        out.append(last)
    return out


# -- the text measure ----------------------------------------------------------------------------
@dataclass
class Measure:
    """Left and right edges of the running text on a page."""

    left: float
    right: float


def measure_of(lines: Sequence[Line]) -> Measure:
    body = [ln for ln in lines if ln.zone < 0] or list(lines)
    if not body:
        return Measure(0.0, 0.0)
    lefts = Counter(round(ln.x0) for ln in body)
    left = float(min(x for x, c in lefts.items() if c >= max(1, lefts.most_common(1)[0][1] // 3)))
    rights = sorted(ln.x1 for ln in body)
    right = rights[int(0.9 * (len(rights) - 1))]
    return Measure(left, right)


def widest_free(line: Line, gutter: tuple[float, float]) -> tuple[float, float] | None:
    """The widest part of ``gutter`` (x0, x1) that no word of the line crosses, or None
    when the words cover all of it."""
    free = [gutter]
    for w in line.words:
        nxt = []
        for a, b in free:
            if w.x1 <= a or w.x0 >= b:
                nxt.append((a, b))
                continue
            if w.x0 > a:
                nxt.append((a, w.x0))
            if w.x1 < b:
                nxt.append((w.x1, b))
        free = nxt
    return max(free, key=lambda g: g[1] - g[0], default=None)
