"""From table blocks to logical task rows (SPEC section 2, rules 1 to 5): headers
and numbering rows dropped, repeated and partial headers dropped, cells aligned to
the column map, continuation rows after a page break merged into the row before,
and merged heading rows (``1. Title`` in the TT cell) split into label and title."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ...ir import Provenance, Row, Table
from ...model import DocWarning, warning
from .columns import FIELDS, ColumnMap, is_numbering_row, match_header

_LABEL = r"(?:[IVXLCDM]+|\d+(?:\.\d+)*|[A-Za-zĐđ])"
_HEADING_IN_CELL = re.compile(rf"^({_LABEL})[.)]\s*(\S.*)$", re.S)
_BARE_LABEL = re.compile(rf"^({_LABEL})[.)]?$")
_DETAIL_FIELDS = ("lead", "support", "deadline", "product")  # all empty in a group row


@dataclass
class RawRow:
    """A logical task-table row before hierarchy and normalisation."""

    values: dict[str, str]
    extra: dict[str, str]
    prov: Provenance
    heading: bool = False  # a merged heading row (rule 5)

    def get(self, fld: str) -> str:
        return self.values.get(fld, "")

    @property
    def is_group(self) -> bool:
        return not any(map(self.values.get, _DETAIL_FIELDS))


@dataclass
class TableParse:
    rows: list[RawRow] = field(default_factory=list)
    column_map: Optional[ColumnMap] = None
    warnings: list[DocWarning] = field(default_factory=list)


def _expand_spans(row: Row) -> list[str]:
    """The cell texts, a cell merged across n columns followed by n - 1 empty ones."""
    out: list[str] = []
    for cell in row.cells:
        out.append(cell.text)
        if cell.col_span > 1:
            out += [""] * (cell.col_span - 1)
    return out


def align(texts: list[str], width: int) -> list[str]:
    """Fit a row to the header width: pad short rows; drop empty cells of long rows,
    trailing ones first, until it fits (a row that fits is returned as it is)."""
    if len(texts) == width:
        return texts
    texts = list(texts)
    while len(texts) > width and texts and not texts[-1].strip():
        texts.pop()
    i = len(texts) - 1
    while len(texts) > width and i >= 0:
        if not texts[i].strip():
            del texts[i]
        i -= 1
    if len(texts) > width:  # no empty cell left to drop: join the overflow into the last column
        texts = texts[: width - 1] + [" ".join(t for t in texts[width - 1:] if t.strip())]
    return texts + [""] * (width - len(texts))


def _to_row(texts: list[str], cmap: ColumnMap, prov: Provenance) -> RawRow:
    values = dict.fromkeys(FIELDS, "")
    extra: dict[str, str] = {}
    for fld, header, text in zip(cmap.fields, cmap.headers, align(texts, cmap.width)):
        if fld:
            values[fld] = text
        else:
            extra[header or f"column {len(extra) + 1}"] = text
    row = RawRow(values, extra, prov)
    tt = values["tt"].strip()
    bare = _BARE_LABEL.match(tt)  # "1", "1.", "a)": the label alone
    m = None if bare else _HEADING_IN_CELL.match(tt)
    if m:
        # "1. Cải cách thể chế" in the TT cell: label and title
        values["tt"] = m.group(1)
        values["content"] = " ".join(x for x in (m.group(2).strip(), values["content"]) if x)
        row.heading = True
    else:
        values["tt"] = bare.group(1) if bare else tt
        m = _HEADING_IN_CELL.match(values["content"]) if not tt else None
        if m and row.is_group and "\n" not in values["content"]:
            values["tt"], values["content"] = m.group(1), m.group(2).strip()
            row.heading = True
    return row


def _append(target: RawRow, cont: RawRow) -> None:
    for fld, text in cont.values.items():
        if text:
            target.values[fld] = f"{target.values[fld]} {text}" if target.values.get(fld) else text
    for key, text in cont.extra.items():
        if text:
            target.extra[key] = f"{target.extra[key]} {text}" if target.extra.get(key) else text


def parse_rows(tables: list[Table]) -> TableParse:
    """Walk the document's tables in reading order and assemble the task rows."""
    out = TableParse()
    cmap: Optional[ColumnMap] = None
    for table in tables:
        if table.layout:
            continue
        after_header = False
        block_start = True
        for row in table.rows:
            texts = _expand_spans(row)
            if not "".join(texts).strip():
                continue  # every cell blank
            header = match_header(texts)
            if header is not None:
                if cmap is None:
                    cmap = out.column_map = header
                    if header.unmapped:
                        out.warnings.append(warning(
                            "columns_unmapped", "task table columns not all mapped: " + ", ".join(header.unmapped)
                            + " (kept in extra)", table=tables.index(table) + 1, page=row.prov.page,
                            line=row.prov.line))
                after_header = True  # repeated or partial headers leave the map as it was
                continue
            if cmap is None:
                break  # a table before any task-table header is not a task table
            if (after_header or block_start) and is_numbering_row(texts):
                continue
            if block_start and not after_header and abs(len(texts) - cmap.width) > 1:
                break  # a headerless table of another shape does not continue the task table
            data = _to_row(texts, cmap, row.prov)
            if (after_header or block_start) and not data.values["tt"] and out.rows \
                    and not data.heading:
                _append(out.rows[-1], data)
            else:
                out.rows.append(data)
            after_header = block_start = False
    return out
