"""Tables in text conversions of web pages (SPEC section 1) besides one-row-per-line
pipe rows:

* **cell-per-line** tables: every cell on its own line(s) between lines holding only
  ``|``; a row is ``|`` cell ``|`` cell … ``|``, so two such lines meet between rows;
* **grid** tables: ``+---+---+`` rule lines, cells between ``|`` on the lines between;
* **HTML** ``<table>`` markup inside the text.

Each finder takes the document's lines and a start index and returns the rows it
read and the index of the first line after the table (or None when the lines there
are not such a table). The finders are structural: they know nothing of task tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ir import Cell
from .markup import clean_inline

_RULE_LINE = re.compile(r"^\s*[-_=~*.]{3,}\s*$")  # the short rules drawn under a header cell
_LIST_START = re.compile(r"^\s*(?:[-+•–]\s|\*\s|\d{1,2}[.)]\s|[a-zđ]\)\s)")
_LABEL_START = re.compile(r"^[*_\s]*(?:[IVXLC]+\.|\d{1,2}(?:\.\d{1,2})*\.?\s|[a-zđ]\)|Điều\s+\d+|[A-Z]\.\s|\(\d+\))")
_GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")


@dataclass
class TextRow:
    cells: list[Cell]
    line: int  # 1-based line of the row's first cell


def is_bar_line(line: str) -> bool:
    return line.strip() == "|"


def _emphasis_open(line: str) -> bool:
    """True when the line leaves a ``**`` or ``*`` span open (a bold heading wrapped
    across lines by the converter)."""
    stars = re.findall(r"\*+", line)
    return sum(len(s) for s in stars) % 2 == 1 or len([s for s in stars if len(s) >= 2]) % 2 == 1


def wrap_width(lines: list[str]) -> int | None:
    """The width at which a converter hard-wrapped the text's lines, or None when
    lines are whole paragraphs: the 95th percentile of line lengths, when it is short
    enough to be a wrapping width and lines of about that width often run on into a
    line that starts in lower case (a sentence cut by the wrapping)."""
    body = [ln.strip() for ln in lines if len(ln.strip()) > 1 and not is_bar_line(ln)]
    if len(body) < 40:
        return None
    lengths = sorted(len(ln) for ln in body)
    p95 = lengths[int(len(lengths) * 0.95) - 1]
    if not 50 <= p95 <= 120:
        return None
    cut = sum(1 for a, b in zip(body, body[1:]) if len(a) >= 0.75 * p95 and b[:1].islower())
    return p95 if cut >= max(5, len(body) // 20) else None


def _whole_emphasis(line: str) -> bool:
    s = line.strip()
    return len(s) > 4 and s.startswith("**") and s.endswith("**") and "**" not in s[2:-2]


def continues(prev: str, line: str, wrap: int | None) -> bool:
    """True when ``line`` continues the paragraph whose last physical line is ``prev``
    (the converter wrapped it): never before a list item or a label; always inside an
    open emphasis span (see :func:`join_wrapped`); else when the line starts in lower case, or with a digit or
    punctuation, or when ``prev`` reached the wrapping width."""
    if _LIST_START.match(line) or _LABEL_START.match(line) or _whole_emphasis(line) or _whole_emphasis(prev):
        return False  # a list item, a label, or a line set in bold of its own (a heading)
    first = line.lstrip("*_ ")[:1]
    if not first:
        return True
    if first.islower() or first in ",.;:)–-%/" or first.isdigit():
        return True
    return wrap is not None and len(prev.strip()) >= wrap - 20 and not prev.rstrip("*_ ").endswith((".", ";", ":"))


def join_wrapped(lines: list[str], wrap: int | None = None) -> list[str]:
    """The lines of one block joined where the converter wrapped them. An emphasis
    span left open joins the next line only in hard-wrapped text: in text whose lines
    are whole paragraphs, a bold span over two lines holds two lines (an authority
    line and a position)."""
    out: list[str] = []
    prev = ""
    open_span = False
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out and ((open_span and wrap is not None) or continues(prev, line, wrap)):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        prev = line
        open_span = _emphasis_open(out[-1])
    return out


def _is_bold(raw: str) -> bool:
    """The whole (non-empty) cell is wrapped in ``**`` / ``<b>`` / ``<strong>``."""
    s = raw.strip()
    if not s or (s[0] != "*" and s[0] != "<"):
        return False  # most cells: no markup at their start
    s = re.sub(r"\s+", " ", s)
    if s.startswith("**") and s.endswith("**") and len(s) > 4:
        inner = s[2:-2]
        return "**" not in inner.replace("** **", "")
    low = s.lower()
    return (low.startswith("<b>") and low.endswith("</b>")) or (
        low.startswith("<strong>") and low.endswith("</strong>")
    )


def make_cell(lines: list[str], wrap: int | None = None) -> Cell:
    """One cell from its source lines: wrapped lines joined, list items kept on
    their own lines, rule lines dropped, markup stripped."""
    kept = [ln for ln in lines if ln.strip() and not _RULE_LINE.match(ln)]
    raw = "\n".join(join_wrapped(kept, wrap))
    return Cell(clean_inline(raw), bold=_is_bold(raw))


# -- cell-per-line tables ---------------------------------------------------------------


def read_bar_table(lines: list[str], start: int, wrap: int | None = None) -> tuple[list[TextRow], int]:
    """Read the cell-per-line table whose first ``|`` line is ``lines[start]``.

    Between two cells stands one ``|`` line; between two rows two (the end of one row
    and the start of the next); a run of k > 2 holds k - 2 empty cells as well, given
    first to the row that ends (up to the width of the table's first row), then to the
    row that starts. The table ends at a ``|`` line followed by a blank line or the
    end of the text, at text that no ``|`` line closes, or, in conversions without
    blank lines, at text after a single ``|`` line that completed a row of full width
    (or at a markdown heading). See :func:`split_swallowed` for what such text can
    still leave inside a row.
    Returns the rows and the index of the first line after the table.
    """
    n = len(lines)
    rows: list[TextRow] = []
    gaps: list[int] = []  # empty cells in the run of bars after each row
    cur: list[Cell] = []
    cur_line = start + 1
    width: int | None = None
    bars = 0  # ``|`` lines since the last cell
    pos = start

    def close_row(empties: int) -> None:
        nonlocal cur, width
        if cur:
            rows.append(TextRow(cur, cur_line))
            gaps.append(empties)
            if width is None:
                width = len(cur)
        elif gaps:
            gaps[-1] += empties
        cur = []

    while pos < n:
        line = lines[pos]
        if is_bar_line(line):
            bars += 1
            pos += 1
            continue
        if not line.strip():
            break
        if bars >= 2:
            close_row(bars - 2)
            cur_line = pos + 1
        elif cur and ((width is not None and len(cur) >= _full_width(rows, width)) or _starts_block(line)):
            break  # a full row closed by one bar, then text (or a heading): the table has ended
        j = pos
        while j < n and lines[j].strip() and not is_bar_line(lines[j]):
            j += 1
        if j >= n or not is_bar_line(lines[j]):
            break  # text that no bar closes is not a cell
        if not cur:
            cur_line = pos + 1
        cur.append(make_cell(lines[pos:j], wrap))
        bars = 0
        pos = j
    close_row(max(0, bars - 1))
    widths = sorted(len(r.cells) for r in rows)
    _place_empty_cells(rows, gaps, widths[int(len(widths) * 0.9) - 1] if len(widths) >= 10 else (width or 0))
    return rows, pos


_BLOCK_START = re.compile(r"^[#*_\s]*(?:#|PHỤ LỤC\b|Phụ lục\s+[IVX\d]+\b)")


def _starts_block(line: str) -> bool:
    """A line no table cell starts with: a markdown heading, or the title of an
    appendix (``PHỤ LỤC II``) that a conversion without blank lines runs on after the
    last row of the table before it."""
    return bool(_BLOCK_START.match(line))


def _full_width(rows: list[TextRow], first: int) -> int:
    """The width of the table's full rows: the first row's until a few rows are read,
    then the width nine rows in ten do not exceed (a first row that swallowed the text
    before the table does not count for more than one row)."""
    if len(rows) < 5:
        return first
    widths = sorted(len(r.cells) for r in rows)
    return widths[int(len(widths) * 0.9) - 1]


def _place_empty_cells(rows: list[TextRow], gaps: list[int], width: int) -> None:
    """Give the empty cells of each run of bars to the row before it, up to the table's
    width, the rest to the row after; but after a label-and-title row (a group title
    merged across the row) to the row after, when that makes it as wide as the table
    (an empty TT cell)."""
    for k, empties in enumerate(gaps):
        if not empties:
            continue
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        if nxt is not None and len(rows[k].cells) <= 2 and len(nxt.cells) + empties == width:
            nxt.cells[:0] = [Cell("") for _ in range(empties)]
            continue
        prev = rows[k].cells
        while empties and len(prev) < width:
            prev.append(Cell(""))
            empties -= 1
        if empties and nxt is not None:
            nxt.cells[:0] = [Cell("") for _ in range(empties)]


def split_swallowed(rows: list[TextRow]) -> list[str | list[TextRow]]:
    """Tables of a conversion without blank lines can run into each other: the last
    row of one table, the text between (one run of lines, so one "cell") and the first
    row of the next table all stand between the same two double bars. Such a row is
    wider than the rows after it (than nine in ten of them: one more such row may follow)
    and than the rows before it: its last cells, as many as the full width of the rows
    after it, start a new table; the cell before them is the text
    between (returned as a str); the cells before that end the table before.
    Returns a list of row lists and strings, in order."""
    out: list[str | list[TextRow]] = []
    cur: list[TextRow] = []
    for k, row in enumerate(rows):
        n = len(row.cells)
        nxt = sorted(len(r.cells) for r in rows[k + 1 :])
        before = max((len(r.cells) for r in cur), default=0)
        w = nxt[min(len(nxt) - 1, int(len(nxt) * 0.9))] if nxt else 0  # the full width of the rows after
        if nxt and n > w + 1 and n > before:
            head, between, tail = row.cells[: n - w - 1], row.cells[n - w - 1], row.cells[n - w :]
            if head:
                cur.append(TextRow(head, row.line))
            if cur:
                out.append(cur)
            if between.text:
                out.append(between.text)
            cur = [TextRow(tail, row.line)]
            continue
        cur.append(row)
    if cur:
        out.append(cur)
    return out


# -- grid tables ---------------------------------------------------------------------------


def is_grid_rule(line: str) -> bool:
    return bool(_GRID_RULE.match(line))


def read_grid_table(lines: list[str], start: int) -> tuple[list[TextRow], int]:
    """A grid table (``+---+---+`` rules, ``|`` between cells); a cell's text may run
    over several lines between two rules."""
    n = len(lines)
    rows: list[TextRow] = []
    i = start
    bounds = [m.start() for m in re.finditer(r"\+", lines[start])]
    block: list[str] = []
    block_line = start + 2
    i += 1
    while i < n:
        line = lines[i]
        if is_grid_rule(line):
            if block:
                rows.append(TextRow(_grid_cells(block, bounds), block_line))
            block = []
            block_line = i + 2
            bounds = [m.start() for m in re.finditer(r"\+", line)] or bounds
            i += 1
            continue
        if line.strip().startswith("|"):
            block.append(line)
            i += 1
            continue
        break
    if block:
        rows.append(TextRow(_grid_cells(block, bounds), block_line))
    return rows, i


def _grid_cells(block: list[str], bounds: list[int]) -> list[Cell]:
    """The cells of one grid row: split each line at the column boundaries of the
    rule above (or at its ``|`` characters when the line is not aligned to them)."""
    ncols = max(1, len(bounds) - 1)
    parts: list[list[str]] = [[] for _ in range(ncols)]
    for line in block:
        aligned = all(b < len(line) and line[b] in "|+" for b in bounds[:-1])
        if aligned:
            pieces = [line[bounds[k] + 1 : bounds[k + 1]] for k in range(ncols)]
        else:
            s = line.strip()
            pieces = s.strip("|").split("|")
        for k in range(min(ncols, len(pieces))):
            parts[k].append(pieces[k])
    return [make_cell(p) for p in parts]


# -- HTML tables inside text -------------------------------------------------------------

_TABLE_OPEN = re.compile(r"<table\b", re.I)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.I)


def html_table_end(lines: list[str], start: int, max_lines: int = 20000) -> int | None:
    """Index of the line after the ``</table>`` that closes the table opened on
    ``lines[start]`` (nested tables counted), or None when it is never closed."""
    depth = 0
    for i in range(start, min(len(lines), start + max_lines)):
        depth += len(_TABLE_OPEN.findall(lines[i]))
        depth -= len(_TABLE_CLOSE.findall(lines[i]))
        if depth <= 0:
            return i + 1
    return None


def read_html_table(markup: str, first_line: int) -> list[TextRow]:
    """The rows of the outermost ``<table>`` of ``markup``: ``rowspan`` cells repeated
    (``v_merged``) on the rows they cover, ``colspan`` kept as ``col_span``. Parsed
    with lxml's HTML parser (no network, no entities resolved)."""
    from lxml import etree, html

    try:
        root = html.fragment_fromstring(
            markup, create_parent="div", parser=html.HTMLParser(no_network=True, remove_comments=True)
        )
    except (etree.ParserError, ValueError):
        return []
    table = root.find(".//table")
    if table is None:
        return []
    trs = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
    rows: list[TextRow] = []
    carry: dict[int, tuple[int, Cell]] = {}  # column -> (rows left, cell) of a rowspan
    for tr in trs:
        cells: list[Cell] = []
        col = 0
        tds = [td for td in tr if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")]
        k = 0
        while k < len(tds) or col in carry:
            if col in carry:
                left, src = carry[col]
                cells.append(Cell(src.text, src.col_span, v_merged=True, bold=src.bold))
                if left <= 1:
                    del carry[col]
                else:
                    carry[col] = (left - 1, src)
                col += src.col_span
                continue
            td = tds[k]
            k += 1
            span = _int_attr(td, "colspan")
            rspan = _int_attr(td, "rowspan")
            cell = _html_cell(td, span)
            cells.append(cell)
            if rspan > 1:
                carry[col] = (rspan - 1, cell)
            col += span
        rows.append(TextRow(cells, first_line))
    return rows


def _owner_table(el):
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _int_attr(el, name: str) -> int:
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or "1"), 1000))
    except ValueError:
        return 1


def _html_cell(td, span: int) -> Cell:
    from lxml import etree

    for bad in td.xpath(".//script|.//style"):
        bad.drop_tree()
    markup = etree.tostring(td, encoding="unicode", method="html")
    inner = re.sub(r"^<t[dh]\b[^>]*>|</t[dh]>\s*$", "", markup.strip(), flags=re.I)
    text = clean_inline(inner)
    texts = [t for t in td.itertext() if t.strip()]
    bold_texts = [
        t
        for el in td.iter()
        if isinstance(el.tag, str) and el.tag.lower() in ("b", "strong")
        for t in el.itertext()
        if t.strip()
    ]
    bold = bool(texts) and "".join(texts).split() == "".join(bold_texts).split()
    return Cell(text, span, bold=bold)
