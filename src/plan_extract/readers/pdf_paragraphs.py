"""Paragraphs of a PDF's running text: wrapped lines rejoined (a line that fills the
measure goes on on the next; an indent, a label, a wider gap or a short line ends a
paragraph), also across a page break; footnotes at a page foot held back until the
paragraph they interrupt is complete. ``gap_before`` is false only for the lines of
one visual block (a centred title broken over lines, a column of a layout zone)."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .pdf_layout import Line, Measure

_LABEL = re.compile(r"^(?:[-+•–]\s|[IVXLC]+\.\s|\d{1,2}\.(?:\d{1,2}\.?)*\s|[a-zđ]\)\s|Điều\s+\d|[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s)")
_NOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s")


def join_wrapped(head: str, tail: str) -> str:
    """Join a wrapped line to the text before it: with a space, or with none after a
    hyphen that ends a word (``HĐND-`` + ``UBND``)."""
    if head.endswith("-") and len(head) > 1 and not head[-2].isspace():
        return head + tail
    return f"{head} {tail}"


@dataclass
class Para:
    text: str
    page: int
    top: float
    gap_before: bool
    page_break_before: bool
    lines: list[Line] = field(default_factory=list)


def _pitch_ratio(lines: Sequence[Line]) -> float:
    """Median distance between consecutive baselines, in font sizes."""
    ratios = [
        (b.top - a.top) / a.size
        for a, b in zip(lines, lines[1:])
        if a.page == b.page
        and a.zone < 0
        and b.zone < 0
        and a.size > 0
        and abs(a.size - b.size) < 0.5
        and 0 < b.top - a.top < 3 * a.size
    ]
    return statistics.median(ratios) if ratios else 1.2


def body_size(lines: Sequence[Line]) -> float:
    sizes: Counter = Counter()
    for ln in lines:
        sizes[ln.size] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def paragraphs(lines: list[Line], measures: dict[int, Measure]) -> list[Para]:
    """Rejoin wrapped lines into paragraphs. Footnotes at a page foot are held back
    until the paragraph they interrupt has been continued on the next page."""
    out: list[Para] = []
    notes: list[Para] = []
    ratio = _pitch_ratio(lines)
    main_size = body_size(lines)
    prev: Line | None = None
    prev_note: Line | None = None
    for ln in lines:
        is_note = (
            ln.zone < 0
            and main_size
            and ln.size < main_size - 1.5
            and (_NOTE.match(ln.text) or (prev_note is not None and prev_note.page == ln.page))
        )
        if is_note:
            if (
                prev_note is not None
                and notes
                and not _NOTE.match(ln.text)
                and _continues(prev_note, ln, measures, ratio, False)[0]
            ):
                notes[-1].text = join_wrapped(notes[-1].text, ln.text)
                notes[-1].lines.append(ln)
            else:
                notes.append(Para(ln.text, ln.page, ln.top, True, False, [ln]))
            prev_note = ln
            continue
        prev_note = None
        if prev is None:
            out.append(Para(ln.text, ln.page, ln.top, True, False, [ln]))
            prev = ln
            continue
        new_page = ln.page != prev.page
        join, gap = _continues(prev, ln, measures, ratio, new_page)
        if join:
            para = out[-1]
            para.text = join_wrapped(para.text, ln.text)
            para.lines.append(ln)
        else:
            out.extend(notes)
            notes.clear()
            out.append(Para(ln.text, ln.page, ln.top, gap, ln.page > prev.page, [ln]))
        prev = ln
    out.extend(notes)
    return out


def _continues(prev: Line, ln: Line, measures: dict[int, Measure], ratio: float, new_page: bool) -> tuple[bool, bool]:
    """(``ln`` continues the paragraph of ``prev``; else whether a gap precedes it)."""
    if prev.zone != ln.zone or prev.column != ln.column:
        return False, True
    size = max(ln.size, 1.0)
    labelled = bool(_LABEL.match(ln.text))
    m = measures.get(ln.page) or Measure(ln.x0, ln.x1)
    if ln.zone >= 0:  # a column of a layout zone: one visual block; wrapped lines rejoined
        if abs(prev.size - ln.size) > 0.5 or labelled or ln.top - prev.bottom > 0.8 * size:
            return False, False
        if ln.text[:1].islower():
            return True, False
        # capitals under capitals are separate lines (issuer, authority and position)
        return _wrapped_in_column(prev, ln, m) and not (_caps(prev.text) and _caps(ln.text)), False
    pm = measures.get(prev.page) or m
    if not new_page and (ln.top - prev.top) > 1.25 * ratio * prev.size or abs(ln.size - prev.size) > 1.5:
        return False, True
    if labelled:
        return False, True
    indented = ln.x0 > m.left + 0.8 * size
    prev_centred = _centred(prev, pm)
    if prev_centred:
        prev_full = (prev.x1 - prev.x0) + 0.6 * size + ln.first_word_width > (pm.right - pm.left) - 2
    else:
        prev_full = prev.x1 + 0.6 * size + ln.first_word_width > pm.right + 2
    if prev_full:
        if not indented or (prev_centred and _centred(ln, m)):
            return True, False
        if not new_page and _on_axis(prev, pm) and _centred(ln, m) and _on_axis(ln, m):
            return True, False  # a centred line that fills the measure, wrapped on to a centred line
        return False, True
    if prev_centred and (_centred(ln, m) or _on_axis(ln, m)) and not new_page:
        return False, False  # lines of one centred block (a title broken over lines)
    if new_page and ln.text[:1].islower():
        return True, False
    return False, True


def _caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


CELL_MARGIN = 5.4  # points: Word's default cell padding (and the table's shift to the left)


def _wrapped_in_column(prev: Line, ln: Line, m: Measure) -> bool:
    """Would the first word of ``ln`` have fitted on ``prev``? The column is a layout
    table cell: the left one starts at the text margin; the right one ends at the text
    margin less the cell padding; centred lines give the cell's centre."""
    c = ln.col_centre
    if c is not None:
        inner = 2 * (c - m.left) if ln.column == 1 else 2 * (m.right - 2 * CELL_MARGIN - c)
    else:
        inner = (ln.split - m.left) if ln.column == 1 else (m.right - ln.split)
    return (prev.x1 - prev.x0) + 0.25 * ln.size + ln.first_word_width > inner


def _on_axis(ln: Line, m: Measure) -> bool:
    """Centred on the measure's axis, within a third of the font size (half a space
    either way, the one a wrapped line keeps at its end): a centred line, also one that
    fills the measure (which :func:`_centred` leaves out, as a justified line does)."""
    return abs((ln.x0 + ln.x1) / 2 - (m.left + m.right) / 2) < max(ln.size, 1.0) / 3


def _centred(ln: Line, m: Measure) -> bool:
    return (
        ln.x0 > m.left + 8
        and ln.x1 < m.right - 8
        and abs((ln.x0 + ln.x1) / 2 - (m.left + m.right) / 2) < 0.08 * (m.right - m.left)
    )
