"""Borderless tables of a PDF page: tables set by text positions only, no rulings.

Only where the text really forms columns: a block of at least
``PdfOptions.table_min_rows`` consecutive lines of which each puts its words into at
least ``PdfOptions.table_min_columns`` parts set apart by gaps of at least
``table_gap_sizes`` font sizes (and ``table_min_gap`` points), the gaps of every line
falling into the same gutters, columns of white that no word of the block crosses,
and the text of each column lining up (left ends, centres or right ends within
``table_align_sizes`` font sizes; the first line, a header, may be set otherwise).
Running prose (word spaces only), the header block and the signature block (two
parts a line) never qualify. A line of the block without such gaps (the second line
of a wrapped cell) belongs to it when it lies between two of its lines, or right
under its last one, and crosses no gutter.

Rows: a line starts a new row unless it sits closer under the line before than
``table_wrap_gap`` font sizes and leaves the first column empty (a wrapped cell).
The block becomes a :class:`~.pdf_tables.Fragment` with one cell per row and column
(no spans), read like a ruled table's fragment; a column is as wide as its text
reaches, so a cell line that ends short of that ends a paragraph (``\\n``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..options import PdfOptions
from .pdf_layout import Line, Word, widest_free
from .pdf_tables import Fragment, build_fragment, cell_text

Gutter = tuple[float, float]


def _gap_min(line: Line, options: PdfOptions) -> float:
    return max(options.table_min_gap, options.table_gap_sizes * line.size)


def _gaps(line: Line, options: PdfOptions) -> list[Gutter]:
    """The gaps between the parts of a line that are wide enough to part columns."""
    out: list[Gutter] = []
    gap_min = _gap_min(line, options)
    right: float | None = None
    for w in line.words:
        if right is not None and w.x0 - right >= gap_min:
            out.append((right, w.x0))
        right = w.x1 if right is None else max(right, w.x1)
    return out


def _narrow(gutters: list[Gutter], line: Line, keep: float) -> list[Gutter] | None:
    """Each gutter less the parts the line's words cover (the widest free part that
    is left); None when no free part of some gutter is ``keep`` wide."""
    out = []
    for gutter in gutters:
        best = widest_free(line, gutter)
        if best is None or best[1] - best[0] < keep:
            return None
        out.append(best)
    return out


def _match(gutters: list[Gutter], line: Line, options: PdfOptions) -> list[Gutter] | None:
    """A columned line that fits the block: its own wide gaps meet the gutters, and it
    puts words into at least the minimum number of columns. The gutters narrowed."""
    gaps = _gaps(line, options)
    if len(gaps) + 1 < options.table_min_columns:
        return None
    keep = 0.5 * _gap_min(line, options)
    narrowed = _narrow(gutters, line, keep)
    if narrowed is None:
        return None
    filled = {_column(narrowed, (w.x0 + w.x1) / 2) for w in line.words}
    return narrowed if len(filled) >= options.table_min_columns else None


def _column(gutters: Sequence[Gutter], x: float) -> int:
    k = 0
    for a, _b in gutters:
        if x > a:
            k += 1
    return k


def _extents(gutters: Sequence[Gutter], line: Line) -> dict[int, tuple[float, float]]:
    """Left and right end of the line's text in each column it fills."""
    out: dict[int, tuple[float, float]] = {}
    for w in line.words:
        c = _column(gutters, (w.x0 + w.x1) / 2)
        a, b = out.get(c, (w.x0, w.x1))
        out[c] = (min(a, w.x0), max(b, w.x1))
    return out


def _aligned(spans: Sequence[tuple[float, float]], tol: float) -> bool:
    """The parts of one column line up: left ends, centres or right ends within ``tol``."""
    for key in (lambda s: s[0], lambda s: (s[0] + s[1]) / 2, lambda s: s[1]):
        values = [key(s) for s in spans]
        if max(values) - min(values) <= tol:
            return True
    return False


def _lines_up(gutters: Sequence[Gutter], body: Sequence[Line], tol: float) -> bool:
    """Every column of the lines below the first (the first may be a header set
    otherwise, centred over its column) lines up."""
    cols: dict[int, list[tuple[float, float]]] = {}
    for ln in body:
        for c, span in _extents(gutters, ln).items():
            cols.setdefault(c, []).append(span)
    return all(_aligned(spans, tol) for spans in cols.values() if len(spans) > 1)


def _block_at(lines: Sequence[Line], i: int, options: PdfOptions) -> tuple[int, list[Gutter]] | None:
    """(end, gutters) of a borderless table whose first line is ``lines[i]``, or None."""
    first = lines[i]
    gutters = _gaps(first, options)
    if len(gutters) + 1 < options.table_min_columns:
        return None
    members = [i]  # the columned lines
    end = i + 1
    k = i + 1
    while k < len(lines):
        ln, prev = lines[k], lines[k - 1]
        if ln.page != first.page or ln.top - prev.bottom > options.table_max_row_gap * max(prev.size, 1.0):
            break
        nxt = _match(gutters, ln, options)
        if (
            nxt is not None
            and len(nxt) == len(gutters)
            and _lines_up(nxt, [lines[m] for m in members[1:]] + [ln], options.table_align_sizes * ln.size)
        ):
            gutters = nxt
            members.append(k)
            end = k + 1
        elif _narrow(gutters, ln, 0.5 * _gap_min(ln, options)) is not None:
            # a line without gaps of its own inside the gutters: a wrapped cell when a
            # columned line follows, or when it sits close under the block's last line
            # with its first column empty
            if (
                end == k
                and ln.top - prev.bottom < options.table_wrap_gap * max(prev.size, 1.0)
                and _column(gutters, (ln.words[0].x0 + ln.words[0].x1) / 2) > 0
            ):
                end = k + 1
        else:
            break
        k += 1
    if len(members) < options.table_min_rows:
        return None
    return end, gutters


def find_borderless(lines: Sequence[Line], options: PdfOptions) -> list[tuple[int, int, list[Gutter]]]:
    """(start, end, gutters) of each borderless table among a page's lines (in order)."""
    out = []
    i = 0
    while i < len(lines):
        found = _block_at(lines, i, options)
        if found is None:
            i += 1
            continue
        end, gutters = found
        out.append((i, end, gutters))
        i = end
    return out


def _rows(block: Sequence[Line], gutters: Sequence[Gutter], options: PdfOptions) -> list[list[Line]]:
    rows: list[list[Line]] = []
    for ln in block:
        first_col_empty = all(_column(gutters, (w.x0 + w.x1) / 2) > 0 for w in ln.words)
        if rows and first_col_empty and ln.top - rows[-1][-1].bottom < options.table_wrap_gap * max(ln.size, 1.0):
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return rows


def to_fragment(block: Sequence[Line], gutters: Sequence[Gutter], page: int, options: PdfOptions) -> Fragment | None:
    """The block as a grid: columns between the gutters' middles, rows between the
    middles of the gaps that part them."""
    rows = _rows(block, gutters, options)
    x0 = min(ln.x0 for ln in block) - 1.0
    x1 = max(ln.x1 for ln in block) + 1.0
    xs = [x0] + [(a + b) / 2 for a, b in gutters] + [x1]
    tops = [min(ln.top for ln in r) for r in rows]
    bottoms = [max(ln.bottom for ln in r) for r in rows]
    ys = [tops[0] - 1.0] + [(bottoms[k] + tops[k + 1]) / 2 for k in range(len(rows) - 1)] + [bottoms[-1] + 1.0]
    boxes = [(xs[c], ys[r], xs[c + 1], ys[r + 1]) for r in range(len(rows)) for c in range(len(xs) - 1)]
    words: list[Word] = [w for ln in block for w in ln.words]
    frag = build_fragment(page, (xs[0], ys[0], xs[-1], ys[-1]), boxes, words)
    if frag is None:
        return None
    # a column is as wide as its text reaches (no rule says more): a cell line that
    # ends short of that ends a paragraph, one that reaches it is wrapped
    lefts = [
        min((w.x0 for cell in frag.cells if cell.c0 == c for w in cell.words), default=xs[c])
        for c in range(len(xs) - 1)
    ]
    rights = [a for a, _b in gutters] + [x1 - 1.0]
    for cell in frag.cells:
        cell.bbox = (lefts[cell.c0] - 1.0, cell.bbox[1], rights[cell.c1 - 1] + 1.0, cell.bbox[3])
        cell.text = cell_text(cell)
    return frag


def borderless_tables(lines: list[Line], page: int, options: PdfOptions) -> tuple[list[Line], list[Fragment]]:
    """The page's lines less those of its borderless tables, and the tables."""
    if options.table_min_columns <= 1:
        return lines, []  # detection switched off
    found = find_borderless(lines, options)
    if not found:
        return lines, []
    fragments = []
    taken: set[int] = set()
    for start, end, gutters in found:
        frag = to_fragment(lines[start:end], gutters, page, options)
        if frag is not None:
            fragments.append(frag)
            taken.update(range(start, end))
    return [ln for k, ln in enumerate(lines) if k not in taken], fragments
