"""Table assembly and task rows (SPEC section 2). Each table of the document gets its
own column map from its own header row(s); a table without a header continues the
task table before it only where it continues that table (same width, nothing but a
page's furniture between them). Tables are classified as task tables or not, with a
``table_skipped`` warning for a data table that is not taken, and layout tables
(header and signature blocks) are handed back to be read as paragraphs. Inside a
task table: headers and numbering rows dropped, repeated and partial headers
dropped, cells aligned to the column map, continuation rows after a page break
merged into the row before, and merged heading rows (``1. Title`` in the TT cell)
split into label and title."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...ir import Block, Paragraph, Provenance, Row, Table
from ...model import DocWarning, warning
from ...options import TableOptions
from ...vocabulary import has_layout_cue
from .columns import FIELDS, ColumnMap, is_numbering_row, match_header, merge_subheader

_LABEL = r"(?:[IVXLCDM]+|\d+(?:\.\d+)*|[A-Za-zĐđ])"
_HEADING_IN_CELL = re.compile(rf"^({_LABEL})[.)]\s*(\S.*)$", re.S)
_BARE_LABEL = re.compile(rf"^({_LABEL})[.)]?$")
_DETAIL_FIELDS = ("lead", "support", "deadline", "product")  # all empty in a group row
_FURNITURE = re.compile(r"^(?:\d{1,3}|-\s*\d{1,3}\s*-|trang \d+.*|\(tiếp theo\)|\(tiếp\))$", re.I)


@dataclass
class RawRow:
    """A logical task-table row before hierarchy and normalisation."""

    values: dict[str, str]
    extra: dict[str, str]
    prov: Provenance
    heading: bool = False  # a merged heading row (rule 5)
    set_apart: bool = False  # drawn as a group: a title merged across cells, or bold
    table: int = 0  # the task table (1, 2, …) the row belongs to
    first_of_table: bool = False

    def get(self, fld: str) -> str:
        return self.values.get(fld, "")

    @property
    def is_group(self) -> bool:
        return not any(map(self.values.get, _DETAIL_FIELDS))


@dataclass
class TableParse:
    rows: list[RawRow] = field(default_factory=list)
    column_map: ColumnMap | None = None  # the first task table's
    warnings: list[DocWarning] = field(default_factory=list)
    layout: list[Table] = field(default_factory=list)  # tables to read as paragraphs


def _warn(code: str, message: str, table: Table, number: int | None = None) -> DocWarning:
    return warning(code, message, table=number, page=table.prov.page, line=table.prov.line)


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
        texts = texts[: width - 1] + [" ".join(t for t in texts[width - 1 :] if t.strip())]
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


def _merged_title(row: Row, cmap: ColumnMap) -> str:
    """The title of a group row drawn as a label and a title merged across the rest of
    the row (a cell spanning columns, or a row of a text conversion with only those
    two cells); "" when the row is not such."""
    cells = row.cells
    if len(cells) < 2 or not cells[0].text.strip() or not cells[1].text.strip():
        return ""
    if any(c.text.strip() for c in cells[2:]):
        return ""
    if len(cells) >= cmap.width and cells[1].col_span == 1:
        return ""
    return cells[1].text


_TIME_START = re.compile(
    r"^[-–+•]?\s*(?:quý|năm|tháng|thường xuyên|hằng|hàng|giai đoạn|trước|trong năm|"
    r"trong quý|trong tháng|từ năm|định kỳ|hoàn thành|(?:thực hiện|triển khai) (?:thường xuyên|trong|từ|"
    r"hằng|hàng|định kỳ|giai đoạn)|(?:19|20)\d\d|\d{1,2}/)",
    re.I,
)
_AGENCY_HEAD = re.compile(
    r"^[-–+•]?\s*(?:Sở|Bộ|UBND|Ủy ban|Uỷ ban|Ban|Phòng|Văn phòng|Trung tâm|Các|các|Cục|"
    r"Chi cục|Viện|Đài|Công an|Ngân hàng|Hội|Đoàn|Thành phố|Tỉnh|Huyện|Xã)\b"
)


def _features(text: str) -> tuple[float, float, float]:
    """What a cell looks like: its length (log), an agency's name, a time."""
    import math

    t = text.strip()
    return (math.log1p(len(t)), float(bool(_AGENCY_HEAD.match(t))), float(bool(_TIME_START.match(t))))


OFFSET_MARGIN = 1.0  # how much better other columns must fit before a short row leaves the rightmost ones


def _best_offset(cells: list[str], full_rows: list[list[str]], width: int) -> int:
    """The first column of a run of cells that stand in consecutive columns: the
    rightmost columns, unless other columns' cells (in the table's full rows) look
    clearly more like them (a name in the lead column, a date in the deadline one)."""
    k = len(cells)
    if not full_rows:
        return width - k
    profiles = []
    for j in range(width):
        feats = [_features(r[j]) for r in full_rows if j < len(r)]
        profiles.append(tuple(sum(f[i] for f in feats) / len(feats) for i in range(3)))
    mine = [_features(c) for c in cells]

    def cost(at: int) -> float:
        return sum(
            abs(m[0] - profiles[at + i][0]) / 3
            + abs(m[1] - profiles[at + i][1])
            + 1.5 * abs(m[2] - profiles[at + i][2])
            for i, m in enumerate(mine)
        )

    right = width - k  # where a merge most often leaves the cells: TT, content, lead merged down
    best = min(range(width - k + 1), key=lambda at: (cost(at), -at))
    return best if cost(best) < cost(right) - OFFSET_MARGIN else right


def _lost_merge(row: Row, cells: list[str], cmap: ColumnMap) -> bool:
    """A row with fewer cells than the table has columns, none merged across, whose
    first cell is not a label and whose last cell is filled: the cells a vertical merge covers were dropped (a web
    page's conversion), not a group title merged across the row."""
    if len(cells) >= cmap.width or any(c.col_span > 1 for c in row.cells) or len(cells) < 2:
        return False
    first = cells[0].strip()
    if not cells[-1].strip() or sum(1 for c in cells if c.strip()) < 2:
        return False  # trailing cells left out (a tab or pipe row), not leading ones merged away
    return bool(first) and not _BARE_LABEL.match(first) and not _HEADING_IN_CELL.match(first.split("\n")[0][:12])


_ENUM = re.compile(r"^\((\d{1,2})\)")


def _continues_text(prev: RawRow, row: RawRow) -> bool:
    """A row without label or lead whose content carries on the task above it: a
    sentence cut mid-way (it starts in lower case) or the next item of a ``(1) … (2) …``
    run — the rest of a row a page break cut, where the conversion lost the repeated
    header that would say so."""
    content = row.values["content"].lstrip()
    if not content or row.values["lead"].strip() or prev.is_group or not prev.values["tt"]:
        return False
    if content[0].islower():
        return True
    m = _ENUM.match(content)
    return m is not None and f"({int(m.group(1)) - 1})" in prev.values["content"]


def _append(target: RawRow, cont: RawRow) -> None:
    for fld, text in cont.values.items():
        if text:
            target.values[fld] = f"{target.values[fld]} {text}" if target.values.get(fld) else text
    for key, text in cont.extra.items():
        if text:
            target.extra[key] = f"{target.extra[key]} {text}" if target.extra.get(key) else text


def _header_of(texts: list[list[str]], options: TableOptions) -> tuple[int, int, ColumnMap] | None:
    """(first header row, rows the header takes, map) of a table, or None."""
    for i, row in enumerate(texts[: options.header_scan_rows]):
        cmap = match_header(row, options.match_threshold)
        if cmap is None:
            continue
        if i + 1 < len(texts) and not is_numbering_row(texts[i + 1]):
            two = merge_subheader(row, texts[i + 1], options.match_threshold)
            tt_col = cmap.index("tt")
            content_col = cmap.index("content")
            sub = texts[i + 1]
            if (
                two is not None
                and (tt_col is None or not sub[tt_col].strip())
                and (content_col is None or not sub[content_col].strip())
            ):
                return i, 2, two
        return i, 1, cmap
    return None


def _is_furniture(block: Block) -> bool:
    """A paragraph a page break leaves between two parts of one table: a page number,
    ``(tiếp theo)``."""
    return isinstance(block, Paragraph) and bool(_FURNITURE.match(block.text.strip()))


def parse_rows(blocks: Sequence[Block], options: TableOptions | None = None) -> TableParse:
    """Walk the document's tables in reading order and assemble the task rows."""
    options = options or TableOptions()
    out = TableParse()
    cmap: ColumnMap | None = None
    adjacent = False  # nothing but page furniture since the last task table
    table_no = 0
    for block in blocks:
        if not isinstance(block, Table):
            if not _is_furniture(block):
                adjacent = False
            continue
        table = block
        if table.layout:
            adjacent = False
            continue
        texts = [_expand_spans(r) for r in table.rows]
        where = _where(table)
        found = _header_of(texts, options)
        start = 0
        if found is not None:
            h, nrows, hmap = found
            if not hmap.is_task_table:
                out.warnings.append(
                    _warn(
                        "table_skipped",
                        f"table {where}: columns {', '.join(h for h in hmap.headers if h)}"
                        " name no task content with a lead, support or deadline column",
                        table,
                    )
                )
                cmap, adjacent = None, False
                continue
            if cmap is not None and adjacent and _repeats(hmap, cmap):
                start, first = h + nrows, False  # the header repeated after a page break
            else:
                cmap, start = hmap, h + nrows
                table_no += 1
                if out.column_map is None:
                    out.column_map = hmap
                if hmap.unmapped:
                    out.warnings.append(
                        _warn(
                            "columns_unmapped",
                            f"table {where}: columns " + ", ".join(hmap.unmapped) + " kept in extra",
                            table,
                            table_no,
                        )
                    )
                first = True
        elif cmap is not None and adjacent and abs(max(len(t) for t in texts) - cmap.width) <= 1:
            first = False  # a block without header continues the task table before it
        else:
            if has_layout_cue(texts) or max((len(t) for t in texts), default=0) <= 2 or len(texts) == 1:
                out.layout.append(table)
            elif any(t.strip() for row in texts for t in row):
                out.warnings.append(
                    _warn(
                        "table_skipped",
                        f"table {where}: {len(texts)} rows of "
                        f"{max(len(t) for t in texts)} columns with no header row naming "
                        "task-table columns",
                        table,
                    )
                )
            adjacent = False
            continue
        _table_rows(table, texts, start, cmap, out, table_no, first)
        adjacent = True
    return out


def _repeats(new: ColumnMap, cur: ColumnMap) -> bool:
    """A header that repeats the current table's (the same fields in the same columns,
    or a shorter, partial repetition of them)."""
    if new.fields == cur.fields:
        return True
    named = [f for f in new.fields if f]
    return new.width <= cur.width and all(f in cur.fields for f in named)


def _where(table: Table) -> str:
    p = table.prov
    if p.page is not None:
        return f"on page {p.page}"
    return f"at line {p.line}" if p.line is not None else "(position unknown)"


def _table_rows(
    table: Table, texts: list[list[str]], start: int, cmap: ColumnMap, out: TableParse, table_no: int, first: bool
) -> None:
    after_header = start > 0
    block_start = True
    prev_cells: list[str] | None = None
    full_rows: list[list[str]] = []  # the table's rows with all their cells, for column profiles
    for k in range(start, len(table.rows)):
        row, cells = table.rows[k], texts[k]
        if not "".join(cells).strip():
            continue  # every cell blank
        if match_header(cells) is not None:
            after_header = True  # repeated or partial headers leave the map as it was
            continue
        if (after_header or block_start) and is_numbering_row(cells):
            continue
        if prev_cells is not None and table.sparse and _lost_merge(row, cells, cmap):
            # a conversion that drops the cells a vertical merge covers: the row's cells
            # stand in the columns whose earlier cells they resemble most; the others
            # continue the row above
            at = _best_offset(cells, full_rows, cmap.width)
            cells = prev_cells[:at] + cells + prev_cells[at + len(cells) :]
        elif len(cells) == cmap.width:
            full_rows.append(cells)
        data = _to_row(cells, cmap, row.prov)
        prev_cells = align(cells, cmap.width)
        data.table = table_no
        title = _merged_title(row, cmap)
        bold = [c.bold for c in row.cells if c.text.strip()]
        data.set_apart = bool(title) or (bool(bold) and all(bold))
        title_field = cmap.fields[1] if cmap.width > 1 else None
        if title and not data.values["content"] and title_field in _DETAIL_FIELDS and data.values[title_field] == title:
            # the title merged across the row sits in the leftmost field it covers (a
            # lead column before the content); a group's title is its content (rule 3, 5)
            data.values[title_field] = ""
            data.values["content"] = title
        if (
            out.rows
            and out.rows[-1].table == table_no
            and not data.values["tt"]
            and not data.heading
            and (((after_header or block_start) and not (first and block_start)) or _continues_text(out.rows[-1], data))
        ):
            _append(out.rows[-1], data)
        else:
            data.first_of_table = first and not any(r.table == table_no for r in out.rows)
            out.rows.append(data)
        after_header = block_start = False
