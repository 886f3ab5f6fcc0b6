"""Reader for converted text (.txt / .md): paragraphs are lines, tables are runs of
tab-separated or markdown pipe rows. Markup inside cells and lines is removed here,
so that the IR holds clean text whatever the source format."""
from __future__ import annotations

import re
from typing import Optional

from ..ir import Cell, DocumentIR, Paragraph, Provenance, Row, SourceInfo, Table
from ..model import warning
from .encoding import decode
from .markup import clean_inline

_SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")


def _is_pipe_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def _table_cells(line: str) -> Optional[list[str]]:
    """The raw cells of a table line (a markdown pipe row or a tab-separated line),
    or None when the line is running text."""
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


def read_text(data: bytes, info: SourceInfo) -> DocumentIR:
    text, encoding = decode(data)
    info.encoding = encoding
    doc = DocumentIR(source=info)
    if encoding.startswith("mixed:"):
        doc.warnings.append(warning("mixed_encoding", "the file mixes UTF-8 and Windows-1258 lines; each line "
                                    "was decoded on its own"))
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
            doc.blocks.append(Table(table_rows, Provenance(info.path, line=table_start),
                                    page_break_before=table_gap))
        table_rows = []

    for lineno, line in enumerate(lines, start=1):
        if "\t" in line and table_rows and not line.strip(" \t\r"):
            continue  # a row of empty cells inside a table
        if not line.strip():
            flush_table()
            gap = True
            continue
        cells = _table_cells(line)
        if cells is not None:
            if _is_separator(line, cells):
                gap = False
                continue
            if not table_rows:
                table_start, table_gap = lineno, gap
            texts = [clean_inline(c) for c in cells]
            if any(texts):
                table_rows.append(Row([Cell(t) for t in texts], Provenance(info.path, line=lineno)))
            gap = False
            continue
        flush_table()
        cleaned = clean_inline(line)
        if cleaned:
            doc.blocks.append(Paragraph(cleaned, Provenance(info.path, line=lineno), gap_before=gap))
            gap = False
    flush_table()
    return doc
