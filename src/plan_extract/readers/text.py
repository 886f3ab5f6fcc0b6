"""Reader for converted text (.txt / .md): paragraphs are lines, tables are runs of
tab-separated or markdown pipe rows. Markup inside cells and lines is removed here,
so that the IR holds clean text whatever the source format."""

from __future__ import annotations

import re

from ..ir import Cell, DocumentIR, Paragraph, Provenance, Row, SourceInfo, Table
from ..model import warning
from .encoding import decode
from .markup import clean_inline
from .text_tables import (
    TextRow,
    _emphasis_open,
    continues,
    html_table_end,
    is_bar_line,
    is_grid_rule,
    read_bar_table,
    read_grid_table,
    read_html_table,
    split_swallowed,
    wrap_width,
)
from .text_tables import _is_bold as _bold_cell

_SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")


def _is_pipe_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


_LAYOUT_GAP = re.compile(r"(?<=\S) {5,}(?=\S)")


def is_layout_text(lines: list[str]) -> bool:
    """Text a PDF converter wrote with its page layout: lines indented with spaces,
    the halves of a page (``Số …`` | place and date) on one line, wide gaps between."""
    body = [ln for ln in lines if ln.strip()]
    if len(body) < 20 or any("\t" in ln for ln in body[:200]):
        return False
    indented = sum(1 for ln in body if ln.startswith("   "))
    gapped = sum(1 for ln in body if _LAYOUT_GAP.search(ln.strip()))
    return indented >= len(body) // 5 and gapped >= 3


def _table_cells(line: str, layout: bool = False) -> list[str] | None:
    """The raw cells of a table line (a markdown pipe row or a tab-separated line, or
    in layout text a line whose parts stand apart by wide gaps), or None when the line
    is running text."""
    if layout and "|" not in line and "\t" not in line and _LAYOUT_GAP.search(line.strip()):
        return _LAYOUT_GAP.split(line.strip())
    if "|" in line and _is_pipe_row(line):
        s = line.strip()
        s = s[1:] if s.startswith("|") else s
        s = s[:-1] if s.endswith("|") and not s.endswith("\\|") else s
        if "\\" not in s:
            return s.split("|")  # no escaped pipe: a plain split is enough
        return [c.replace("\\|", "|") for c in _PIPE_SPLIT.split(s)]
    if "\t" in line:
        return line.rstrip("\r\n").split("\t")
    return None


def _is_separator(line: str, cells: list[str]) -> bool:
    """A markdown separator row (``|---|:--:|``): every filled cell is dashes."""
    if "--" not in line:  # every separator cell holds at least two dashes
        return False
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(_SEPARATOR_CELL.match(c) for c in filled)


_TABLE_TAG = re.compile(r"\s*<table\b", re.I)


def _special_table(lines: list[str], i: int, wrap: int | None) -> tuple[list[TextRow], int] | None:
    """A cell-per-line, grid or HTML table starting at ``lines[i]``: its rows and the
    index of the line after it; None when no such table starts there."""
    line = lines[i]
    first = line.lstrip()[:1]
    if first not in ("|", "+", "<") or not first:
        return None  # most lines: running text
    if is_bar_line(line):
        return read_bar_table(lines, i, wrap)
    if is_grid_rule(line) and i + 1 < len(lines) and lines[i + 1].lstrip().startswith("|"):
        return read_grid_table(lines, i)
    if _TABLE_TAG.match(line):
        end = html_table_end(lines, i)
        if end is not None:
            rows = read_html_table("\n".join(lines[i:end]), i + 1)
            if rows:
                return rows, end
    return None


def read_text(data: bytes, info: SourceInfo) -> DocumentIR:
    text, encoding = decode(data)
    info.encoding = encoding
    doc = DocumentIR(source=info)
    if encoding.startswith("mixed:"):
        doc.warnings.append(
            warning("mixed_encoding", "the file mixes UTF-8 and Windows-1258 lines; each line was decoded on its own")
        )
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    gap = True
    table_rows: list[Row] = []
    table_start = 0
    table_gap = True

    def flush_table() -> None:
        nonlocal table_rows
        if not table_rows:
            return
        if len(table_rows) == 1 and len(table_rows[0].cells) < 3:
            # a stray tab in running text, not a table
            for cell in table_rows[0].cells:
                if cell.text:
                    doc.blocks.append(Paragraph(cell.text, table_rows[0].prov, gap_before=table_gap))
        else:
            doc.blocks.append(Table(table_rows, Provenance(info.path, line=table_start), page_break_before=table_gap))
        table_rows = []

    wrap = wrap_width(lines)
    layout_text = is_layout_text(lines)
    # a conversion without blank lines: every paragraph it wrapped is a block of its own
    no_blank_lines = wrap is not None and sum(1 for ln in lines if not ln.strip()) < len(lines) // 100
    para_lines: list[tuple[int, str]] = []  # the physical lines of a paragraph the converter wrapped
    para_gap = True
    para_open = False

    def flush_para() -> None:
        nonlocal para_open
        if para_lines:
            cleaned = clean_inline(" ".join(x.strip() for _, x in para_lines))
            if cleaned:
                doc.blocks.append(Paragraph(cleaned, Provenance(info.path, line=para_lines[0][0]), gap_before=para_gap))
            para_lines.clear()
        para_open = False

    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        lineno = i + 1
        special = _special_table(lines, i, wrap)
        if special is not None:
            rows, end = special
            flush_table()
            flush_para()
            for part in split_swallowed(rows) if is_bar_line(line) else [rows]:
                if isinstance(part, str):
                    doc.blocks.extend(
                        Paragraph(t, Provenance(info.path, line=lineno), gap_before=True)
                        for t in part.split("\n")
                        if t.strip()
                    )
                elif part:
                    doc.blocks.append(
                        Table(
                            [Row(r.cells, Provenance(info.path, line=r.line)) for r in part],
                            Provenance(info.path, line=part[0].line),
                            page_break_before=gap,
                            sparse=is_bar_line(line),
                        )
                    )
                gap = False
            if end > i:
                i = end
                continue
        i += 1
        if "\t" in line and table_rows and not line.strip(" \t\r"):
            continue  # a row of empty cells inside a table
        if not line.strip():
            flush_table()
            flush_para()
            gap = True
            continue
        cells = _table_cells(line, layout_text)
        if cells is not None:
            flush_para()
            if _is_separator(line, cells):
                gap = False
                continue
            if not table_rows:
                table_start, table_gap = lineno, gap
            texts = [clean_inline(c) for c in cells]
            if any(texts):
                table_rows.append(
                    Row([Cell(t, bold=_bold_cell(c)) for c, t in zip(cells, texts)], Provenance(info.path, line=lineno))
                )
            gap = False
            continue
        flush_table()
        if wrap is not None or para_lines:
            if para_lines and not (para_open or continues(para_lines[-1][1], line, wrap)):
                flush_para()
            if not para_lines:
                para_gap = gap or no_blank_lines
            para_lines.append((lineno, line))
            para_open = _emphasis_open(" ".join(x for _, x in para_lines))
            gap = False
            continue
        cleaned = clean_inline(line)
        if cleaned:
            doc.blocks.append(Paragraph(cleaned, Provenance(info.path, line=lineno), gap_before=gap))
            gap = False
    flush_table()
    flush_para()
    return doc
