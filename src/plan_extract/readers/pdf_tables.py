"""Ruled tables of a PDF, whole across pages.

``pdfplumber`` finds one table fragment per page and reports a merged cell once
(the positions it covers are empty). Here each fragment becomes a grid of cell
references, so that

* a cell spanning columns keeps its ``col_span`` and a cell spanning rows gives its
  text to every row it covers (``v_merged``),
* fragments that continue a table on the next page (same column edges, at the top of
  the page) are joined: the repeated header rows are dropped, a vertically merged
  cell crossing the page break carries its text on, and the first row after the
  break whose TT is empty, and that repeats no cell of the row above, is the rest of
  the row split by the break (SPEC section 2, rules 2 and 3),

and the whole table comes out as one :class:`~plan_extract.ir.Table`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..ir import Cell, Provenance, Row, Table
from ..normalize.text import fold
from .pdf_layout import Word, group_lines
from .pdf_paragraphs import join_wrapped
from .tablekind import column_fields, header_row_index

EDGE_TOL = 3.0
_BULLET = re.compile(r"^[-+•–]\s")
_NUMBER_CELL = re.compile(r"^\(?\s*(\d{1,2})\s*\)?$")


def is_numbering_row(texts: Sequence[str]) -> bool:
    """A row that only numbers the columns, ``(1)``, ``(2)``, … or ``1``, ``2``, … in
    sequence (at least three): structure, not vocabulary, so the reader needs no parser."""
    nums = []
    for t in texts:
        t = t.strip()
        if not t:
            continue
        m = _NUMBER_CELL.match(t)
        if not m:
            return False
        nums.append(int(m.group(1)))
    return len(nums) >= 3 and nums == list(range(nums[0], nums[0] + len(nums)))


@dataclass
class GridCell:
    """One cell as drawn: its place in the grid and its text."""

    r0: int
    r1: int
    c0: int
    c1: int
    bbox: tuple[float, float, float, float]
    words: list[Word] = field(default_factory=list)
    text: str = ""
    carried: bool = False  # text carried over from the previous page (vertical merge)
    open_top: bool = False  # no rule closes it at the top of its fragment (it comes from the page before)
    open_bottom: bool = False  # no rule closes it at the foot of its fragment (it goes on on the next page)


@dataclass
class Fragment:
    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]  # column edges
    ys: list[float]  # row edges
    cells: list[GridCell]
    grid: list[list[GridCell | None]]  # [row][col] → the cell covering it

    @property
    def ncols(self) -> int:
        return len(self.xs) - 1

    @property
    def nrows(self) -> int:
        return len(self.ys) - 1


def _edges(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EDGE_TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    i = bisect.bisect_left(edges, v - EDGE_TOL)
    return min(i, len(edges) - 1)


def build_fragment(page: int, bbox: tuple, cell_boxes: Sequence[tuple], words: Sequence[Word]) -> Fragment | None:
    """A grid from pdfplumber's cell boxes; words are put into the cells they fall in."""
    if not cell_boxes:
        return None
    xs = _edges([b[0] for b in cell_boxes] + [b[2] for b in cell_boxes])
    ys = _edges([b[1] for b in cell_boxes] + [b[3] for b in cell_boxes])
    if len(xs) < 2 or len(ys) < 2:
        return None
    cells = []
    grid: list[list[GridCell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for b in cell_boxes:
        c0, c1 = _index(xs, b[0]), _index(xs, b[2])
        r0, r1 = _index(ys, b[1]), _index(ys, b[3])
        if c1 <= c0 or r1 <= r0:
            continue
        new = GridCell(r0, r1, c0, c1, tuple(b))
        cells.append(new)
        for r in range(r0, r1):
            for c in range(c0, c1):
                grid[r][c] = new
    cells += _fill_holes(grid, xs, ys)
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        c = min(max(bisect.bisect_right(xs, cx) - 1, 0), len(xs) - 2)
        r = min(max(bisect.bisect_right(ys, cy) - 1, 0), len(ys) - 2)
        cell = grid[r][c]
        if cell is not None:
            cell.words.append(w)
    for cell in cells:
        cell.text = cell_text(cell)
    return Fragment(page, tuple(bbox), xs, ys, cells, grid)


def _fill_holes(grid: list[list[GridCell | None]], xs: list[float], ys: list[float]) -> list[GridCell]:
    """Cells for the grid positions no ruled cell covers: a cell that a rule does not
    close, as a merged cell cut by a page break is drawn (no rule under it at the foot
    of the page, or none over it at the top of the next). Each run of such positions
    in a column is one cell; one that reaches the fragment's first or last row is open
    there. Without them the words inside would be lost."""
    out: list[GridCell] = []
    nrows, ncols = len(ys) - 1, len(xs) - 1
    for c in range(ncols):
        r = 0
        while r < nrows:
            if grid[r][c] is not None:
                r += 1
                continue
            r1 = r
            while r1 < nrows and grid[r1][c] is None:
                r1 += 1
            cell = GridCell(
                r, r1, c, c + 1, (xs[c], ys[r], xs[c + 1], ys[r1]), open_top=(r == 0), open_bottom=(r1 == nrows)
            )
            for k in range(r, r1):
                grid[k][c] = cell
            out.append(cell)
            r = r1
    return out


def cell_text(cell: GridCell) -> str:
    """Lines of a cell; a line that ends although the next word would have fitted
    ends a paragraph (``\\n``), a wrapped line goes on with a space."""
    if not cell.words:
        return ""
    lines = group_lines(cell.words, 0, 0.0, 0.0)
    x0, _, x1, _ = cell.bbox
    pad = min(max(min(ln.x0 for ln in lines) - x0, 1.0), 6.0)
    inner = (x1 - x0) - 2 * pad
    text = lines[0].text
    for prev, ln in zip(lines, lines[1:]):
        width = prev.x1 - prev.x0
        fits = width + 0.6 * ln.size + ln.first_word_width < inner - 1.0
        text = f"{text}\n{ln.text}" if fits or _BULLET.match(ln.text) else join_wrapped(text, ln.text)
    return text.strip()


# -- joining fragments --------------------------------------------------------------------------
@dataclass
class LogicalTable:
    fragments: list[Fragment]
    header_rows: int  # rows at the top of the first fragment that make the header
    header_texts: list[list[str]]
    tt_col: int
    agency_cols: frozenset[int] = frozenset()  # grid columns of the lead and support fields
    rows: list[list[GridCell | None]] = field(default_factory=list)  # grid rows, all fragments
    row_pages: list[int] = field(default_factory=list)
    row_header: list[bool] = field(default_factory=list)


def _row_texts(frag: Fragment, r: int) -> list[str]:
    out = []
    c = 0
    while c < frag.ncols:
        cell = frag.grid[r][c]
        if cell is None:
            out.append("")
            c += 1
        else:
            out.append(cell.text if cell.r0 == r else "")
            c = cell.c1
    return out


def start_table(frag: Fragment) -> LogicalTable:
    texts = [_row_texts(frag, r) for r in range(frag.nrows)]
    hi = header_row_index(texts)
    nhead = 0
    tt_grid = 0
    agency: set[int] = set()
    if hi is not None:
        nhead = hi + 1
        fields = column_fields(texts[hi])
        tt_grid = _grid_col_of(frag, hi, fields.index("tt")) if "tt" in fields else 0
        agency = {_grid_col_of(frag, hi, k) for k, f in enumerate(fields) if f in ("lead", "support")}
        if nhead < len(texts) and is_numbering_row(texts[nhead]):
            nhead += 1
    table = LogicalTable([frag], nhead, [[fold(t) for t in texts[r]] for r in range(nhead)], tt_grid, frozenset(agency))
    for r in range(frag.nrows):
        table.rows.append(list(frag.grid[r]))
        table.row_pages.append(frag.page)
        table.row_header.append(r < nhead)
    return table


def _grid_col_of(frag: Fragment, r: int, logical: int) -> int:
    """The grid column where the ``logical``-th cell of row ``r`` starts."""
    c = k = 0
    while c < frag.ncols:
        cell = frag.grid[r][c]
        if k == logical:
            return c
        c = cell.c1 if cell is not None else c + 1
        k += 1
    return 0


def continues(table: LogicalTable, frag: Fragment) -> bool:
    """Same column edges as the table's last fragment (within tolerance)."""
    last = table.fragments[-1]
    if frag.page <= last.page or frag.ncols != last.ncols:
        return False
    return all(abs(a - b) <= EDGE_TOL * 2 for a, b in zip(frag.xs, last.xs))


def append_fragment(table: LogicalTable, frag: Fragment) -> None:
    table.fragments.append(frag)
    start = 0
    # repeated header rows
    k = 0
    while start < frag.nrows and k < len(table.header_texts):
        if [fold(t) for t in _row_texts(frag, start)] != table.header_texts[k]:
            break
        start += 1
        k += 1
    if start >= frag.nrows:
        return
    prev_row = _last_body_row(table)
    if prev_row is not None:
        _carry_vertical_merges(table, frag, start, prev_row)
    rows = list(range(start, frag.nrows))
    if rows and prev_row is not None and _is_split_row(table, frag, rows[0], prev_row):
        _merge_split_row(table, frag, rows[0], prev_row)
        rows = rows[1:]
    for r in rows:
        table.rows.append(list(frag.grid[r]))
        table.row_pages.append(frag.page)
        table.row_header.append(False)


def _last_body_row(table: LogicalTable) -> list[GridCell | None] | None:
    for row, hdr in zip(reversed(table.rows), reversed(table.row_header)):
        if not hdr:
            return row
    return None


def _carry_vertical_merges(table: LogicalTable, frag: Fragment, r: int, prev_row: list[GridCell | None]) -> None:
    """An empty cell at the top of the page continues a merged cell of the page before
    when it spans several rows here, or the cell above already spanned several rows,
    or no rule closes the cell above at the foot of its page or this one at the top of
    this page, or it is an agency cell of a task row (a task row without a lead or support agency
    right under one that has it is a merged cell that the page break cut)."""
    tt = frag.grid[r][table.tt_col] if table.tt_col < frag.ncols else None
    task_row = tt is not None and tt.r0 == r and bool(tt.text)
    c = 0
    while c < frag.ncols:
        cell = frag.grid[r][c]
        if cell is None:
            c += 1
            continue
        above = prev_row[c] if c < len(prev_row) else None
        if (
            cell.r0 == r
            and not cell.text
            and above is not None
            and above.text
            and above.c0 == cell.c0
            and above.c1 == cell.c1
            and c != table.tt_col
            and (
                cell.r1 - cell.r0 > 1
                or above.r1 - above.r0 > 1
                or above.carried
                or above.open_bottom
                or cell.open_top
                or (task_row and c in table.agency_cols)
            )
        ):
            cell.text = above.text
            cell.carried = True
        c = cell.c1


def _is_split_row(table: LogicalTable, frag: Fragment, r: int, prev_row: list[GridCell | None]) -> bool:
    """The first row after the break has no TT of its own: the rest of the row before.
    Unless one of its cells repeats the text of the cell above: the rest of a split cell
    never repeats what was printed before the break, so that is a new row without a
    number (a row kept whole and moved to the next page), not the end of the last one."""
    tt = frag.grid[r][table.tt_col] if table.tt_col < frag.ncols else None
    if tt is not None and (tt.r0 < r or tt.text):
        return False
    own = [cell for cell in frag.grid[r] if cell is not None and cell.r0 == r and cell.text and not cell.carried]
    if not own:
        return False
    for cell in own:
        above = prev_row[cell.c0] if cell.c0 < len(prev_row) else None
        if above is not None and above.c0 == cell.c0 and fold(above.text) == fold(cell.text):
            return False
    return True


def _merge_split_row(table: LogicalTable, frag: Fragment, r: int, prev_row: list[GridCell | None]) -> None:
    c = 0
    while c < frag.ncols:
        cell = frag.grid[r][c]
        if cell is None:
            c += 1
            continue
        target = prev_row[c] if c < len(prev_row) else None
        if cell.r0 == r and cell.text and not cell.carried and target is not None:
            target.text = join_wrapped(target.text, cell.text) if target.text else cell.text
        if cell.r1 - cell.r0 > 1 and cell.r0 == r and target is not None and target.c0 == cell.c0:
            # a merged cell going on below the split: its rows get the whole text
            cell.text = target.text
            cell.carried = True
        c = cell.c1


def to_table(table: LogicalTable, path: str) -> Table:
    rows: list[Row] = []
    seen: set[int] = set()
    for grid_row, page, hdr in zip(table.rows, table.row_pages, table.row_header):
        cells: list[Cell] = []
        c = 0
        while c < len(grid_row):
            cell = grid_row[c]
            if cell is None:
                cells.append(Cell(""))
                c += 1
                continue
            covered = id(cell) in seen or cell.carried
            seen.add(id(cell))
            cells.append(Cell(cell.text, cell.c1 - cell.c0, v_merged=covered))
            c = cell.c1
        if any(cl.text and not cl.v_merged for cl in cells):
            # a row of merged cells only (a grid row that a rule of one column makes,
            # with nothing of its own) would repeat the row above
            rows.append(Row(cells, Provenance(path, page=page), header_hint=hdr))
    first_page = table.row_pages[0] if table.row_pages else None
    return Table(rows, Provenance(path, page=first_page), layout=False, page_break_before=True)
