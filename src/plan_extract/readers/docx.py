"""Reader for Word files (.docx, and old binary .doc through LibreOffice).

The body is walked in document order straight from the XML (python-docx opens the
package; its API stops short of merged cells, list numbers and content controls):

* paragraphs → :class:`Paragraph` blocks, one per line (a soft line break starts a
  new line of the same visual block), with the label Word's automatic numbering
  draws (:mod:`.docx_numbering`);
* layout tables (the borderless header ``Số …`` | ``CỘNG HÒA …`` and closing
  ``Nơi nhận`` | signature tables) → their cells' paragraphs, left column first;
* other tables → :class:`Table` blocks: ``w:tblHeader`` rows hinted as headers,
  ``w:gridSpan`` → ``col_span``, ``w:vMerge`` continuations carrying the text of the
  cell they belong to, cell paragraphs joined with ``\\n``;
* footnotes → ``¹ text`` paragraphs after the block that cites them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import Damaged, Empty, Encrypted, Unsafe
from ..ir import Block, Cell, DocumentIR, Paragraph, Provenance, Row, SourceInfo, Table
from ..model import warning
from .docx_numbering import Numbering, W, on, wval
from .docx_package import open_document, parse_xml
from .docx_styles import ParaFormat, Styles
from .soffice import convert_with_soffice
from .tablekind import is_layout_table

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP = {
    W + t
    for t in (
        "pPr",
        "rPr",
        "del",
        "moveFrom",
        "instrText",
        "delText",
        "fldData",
        "commentReference",
        "annotationRef",
        "endnoteReference",
        "proofErr",
        "bookmarkStart",
        "bookmarkEnd",
        "permStart",
        "permEnd",
        "sectPr",
        "tblPr",
        "trPr",
        "tcPr",
        "tblGrid",
        "sym",
    )
}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000\ufeff]+")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PAGE = "\x0c"  # page break marker inside collected run text
_ENCRYPTED_OLE = "EncryptedPackage".encode("utf-16-le")
MAX_SPAN = 64  # Word tables have at most 63 columns; a larger gridSpan/gridBefore is capped


def clean_line(text: str) -> str:
    """NFC, tabs and exotic spaces to one space, control characters dropped, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text).strip()


_TABS = re.compile(r"[ \u00a0]*\t[\t \u00a0]*")


def _tab_columns(line: str) -> list[str]:
    """A line laid out in columns with tab stops (``Số: 15/KH-UBND⇥⇥Xuân Lộc, ngày …``)
    gives one line per column; a tab after a short label (``a)⇥Text``) is a space."""
    if "\t" not in line:
        cleaned = clean_line(line)
        return [cleaned] if cleaned else []
    parts = [clean_line(p) for p in _TABS.split(line)]
    parts = [p for p in parts if p]
    if len(parts) >= 2 and len(parts[0]) > 4:
        return parts
    cleaned = clean_line(line)
    return [cleaned] if cleaned else []


@dataclass
class _Para:
    """A paragraph as read: its lines, and whether a page break precedes it."""

    lines: list[str]
    breaks: list[bool]  # a page break before each line
    page: int = 1
    fmt: ParaFormat | None = None


@dataclass
class _Walker:
    path: str
    numbering: Numbering
    styles: Styles
    footnotes: dict[str, str] = field(default_factory=dict)
    pending_break: bool = False
    note_queue: list[str] = field(default_factory=list)
    note_count: int = 0
    rendered_breaks: int = 0  # w:lastRenderedPageBreak seen so far: Word's own page count
    _text_seen: bool = False
    _start_page: int = 1
    task_width: int | None = None  # width of the last task table, for continuations

    # -- containers --------------------------------------------------------------
    def container(self, el: etree._Element, top_level: bool = False) -> list[Block]:
        """The blocks of a body, cell, text box or content control, in order."""
        out: list[Block] = []
        prev: _Para | None = None
        for child in _children(el):
            if child.tag == W + "p":
                para, boxes = self.paragraph(child)
                blocks = self._para_blocks(para)
                if blocks and prev is not None and _one_block(prev, para):
                    blocks[0].gap_before = False
                out.extend(blocks)
                prev = para if para.lines else prev
                for box in boxes:
                    out.extend(self.container(box))
                    prev = None
            elif child.tag == W + "tbl":
                out.extend(self.table(child))
                prev = None
            if top_level and self.note_queue:
                out.extend(self._flush_notes())
        return out

    def _para_blocks(self, para: _Para) -> list[Paragraph]:
        blocks: list[Paragraph] = []
        for i, line in enumerate(para.lines):
            blocks.append(
                Paragraph(
                    line, Provenance(self.path, page=para.page), gap_before=(i == 0), page_break_before=para.breaks[i]
                )
            )
        return blocks

    def _flush_notes(self) -> list[Block]:
        notes: list[Block] = [
            Paragraph(t, Provenance(self.path, page=self.rendered_breaks + 1)) for t in self.note_queue
        ]
        self.note_queue.clear()
        return notes

    # -- paragraphs ----------------------------------------------------------------
    def paragraph(self, p: etree._Element) -> tuple[_Para, list[etree._Element]]:
        ppr = p.find(W + "pPr")
        if ppr is not None and on(ppr.find(W + "pageBreakBefore")):
            self._page_break()
        label = self.numbering.label(ppr)
        parts: list[str] = []
        boxes: list[etree._Element] = []
        self._start_page = self.rendered_breaks + 1
        self._text_seen = False
        self._collect(p, parts, boxes)
        para = _Para(lines=[], breaks=[], page=self._start_page, fmt=self.styles.format(ppr))
        for k, segment in enumerate("".join(parts).split(_PAGE)):
            if k > 0:
                self._page_break()
            for line in segment.split("\n"):
                for part in _tab_columns(line):
                    para.lines.append(part)
                    para.breaks.append(self.pending_break)
                    self.pending_break = False
        if label:
            if para.lines:
                para.lines[0] = f"{label} {para.lines[0]}"
            else:
                para.lines, para.breaks = [label], [self.pending_break]
                self.pending_break = False
        if ppr is not None:
            sect = ppr.find(W + "sectPr")
            if sect is not None and wval(sect.find(W + "type"), "nextPage") != "continuous":
                self._page_break()
        return para, boxes

    def _page_break(self) -> None:
        self.pending_break = True

    def _collect(self, el: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        for ch in el:
            tag = ch.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == W + "t":
                parts.append(ch.text or "")
                self._text_seen = self._text_seen or bool((ch.text or "").strip())
            elif tag in (W + "tab", W + "ptab"):
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append(_PAGE if ch.get(W + "type") == "page" else "\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag == W + "softHyphen":
                continue
            elif tag == W + "lastRenderedPageBreak":
                self.rendered_breaks += 1
                if not self._text_seen:
                    self._start_page = self.rendered_breaks + 1
            elif tag == W + "footnoteReference":
                parts.append(self._note_mark(ch.get(W + "id", "")))
            elif tag == W + "r":
                rpr = ch.find(W + "rPr")
                if rpr is not None and on(rpr.find(W + "vanish")):
                    continue
                self._collect(ch, parts, boxes)
            elif tag in (W + "drawing", W + "pict", W + "object"):
                boxes.extend(ch.iter(W + "txbxContent"))
            elif tag == MC + "AlternateContent":
                choice = ch.find(MC + "Choice")
                chosen = choice if choice is not None else ch.find(MC + "Fallback")
                if chosen is not None:
                    self._collect(chosen, parts, boxes)
            else:  # hyperlink, ins, moveTo, smartTag, fldSimple, sdt, sdtContent, customXml, …
                self._collect(ch, parts, boxes)

    def _note_mark(self, note_id: str) -> str:
        text = self.footnotes.get(note_id)
        if text is None:
            return ""
        self.note_count += 1
        mark = str(self.note_count).translate(_SUPERSCRIPT)
        self.note_queue.append(f"{mark} {text}")
        return mark

    # -- tables --------------------------------------------------------------------
    def table(self, tbl: etree._Element) -> list[Block]:
        brk = self.pending_break
        page = self.rendered_breaks + 1
        grid: list[list[_CellRead]] = []
        headers: list[bool] = []
        pages: list[int] = []
        for tr in _rows(tbl):
            trpr = tr.find(W + "trPr")
            headers.append(trpr is not None and on(trpr.find(W + "tblHeader")))
            pages.append(self.rendered_breaks + 1)
            grid.append(self._row_cells(tr, trpr))
        _fill_vertical_merges(grid)
        texts = [[c.text for c in row] for row in grid]
        if is_layout_table(texts, self.task_width):
            return self._layout_blocks(grid)
        self.pending_break = False
        width = max((sum(c.span for c in row) for row in grid), default=0)
        self.task_width = width
        rows = [
            Row(
                [Cell(c.text, c.span, c.v_merged, c.bold) for c in row], Provenance(self.path, page=pg), header_hint=hdr
            )
            for row, hdr, pg in zip(grid, headers, pages)
            if row
        ]
        return [Table(rows, Provenance(self.path, page=page), layout=False, page_break_before=brk)]

    def _row_cells(self, tr: etree._Element, trpr: etree._Element | None) -> list[_CellRead]:
        cells: list[_CellRead] = []
        col = 0
        before = min(max(0, _int(wval(trpr.find(W + "gridBefore")) if trpr is not None else None)), MAX_SPAN)
        if before:
            cells.append(_CellRead(col=0, span=before, vmerge=None, blocks=[]))
            col = before
        for tc in _cells(tr):
            tcpr = tc.find(W + "tcPr")
            span = min(max(_int(wval(tcpr.find(W + "gridSpan")) if tcpr is not None else None), 1), MAX_SPAN)
            vm_el = tcpr.find(W + "vMerge") if tcpr is not None else None
            vmerge = None if vm_el is None else (wval(vm_el, "continue") or "continue")
            hm_el = tcpr.find(W + "hMerge") if tcpr is not None else None
            blocks = self.container(tc)
            bold = _all_bold(tc)
            if hm_el is not None and (wval(hm_el, "continue") or "continue") != "restart" and cells:
                cells[-1].span += span  # legacy horizontal merge: part of the cell to the left
            else:
                cells.append(_CellRead(col=col, span=span, vmerge=vmerge, blocks=blocks, bold=bold))
            col += span
        return cells

    def _layout_blocks(self, grid: list[list[_CellRead]]) -> list[Block]:
        """A layout table read as text: within each band of rows with the same cells,
        the left column first, then the next one."""
        out: list[Block] = []
        band: list[list[_CellRead]] = []

        def flush() -> None:
            if not band:
                return
            ncols = max(len(r) for r in band)
            for ci in range(ncols):
                for row in band:
                    if ci < len(row) and not row[ci].v_merged:
                        out.extend(_as_cell_block(row[ci].blocks))
            band.clear()

        for row in grid:
            real = [c for c in row if c.blocks or not c.v_merged]
            if band and len(real) != len(band[-1]):
                flush()
            band.append(row)
        flush()
        return out


def _all_bold(tc: etree._Element) -> bool:
    """Every run of the cell that holds text is bold (``w:b`` on the run)."""
    runs = [r for r in tc.iter(W + "r") if "".join(t.text or "" for t in r.iter(W + "t")).strip()]
    if not runs:
        return False
    for r in runs:
        rpr = r.find(W + "rPr")
        if rpr is None or not on(rpr.find(W + "b")):
            return False
    return True


def _one_block(prev: _Para, para: _Para) -> bool:
    """Consecutive centred paragraphs with no space between them: one visual block."""
    a, b = prev.fmt, para.fmt
    return bool(a and b and a.centred and b.centred and a.after == 0 and b.before == 0 and not any(para.breaks[:1]))


@dataclass
class _CellRead:
    col: int
    span: int
    vmerge: str | None  # None, "restart" or "continue"
    blocks: list[Block]
    bold: bool = False
    text: str = ""
    v_merged: bool = False

    def __post_init__(self) -> None:
        self.text = cell_text(self.blocks)


def cell_text(blocks: list[Block]) -> str:
    """A cell's paragraphs joined with ``\\n`` (a nested table: one line per row)."""
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            lines.append(b.text)
        else:
            for row in b.rows:
                line = " ".join(c.text.replace("\n", " ") for c in row.cells if c.text and not c.v_merged)
                if line:
                    lines.append(line)
    return "\n".join(ln for ln in lines if ln)


def _as_cell_block(blocks: list[Block]) -> list[Block]:
    """Paragraphs of one layout cell form one visual block (no gap inside)."""
    out: list[Block] = []
    first = True
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(Paragraph(b.text, b.prov, gap_before=first, page_break_before=b.page_break_before))
            first = False
        else:
            out.append(b)
            first = True
    return out


def _fill_vertical_merges(grid: list[list[_CellRead]]) -> None:
    """A ``vMerge`` continuation takes the text of the cell above that starts it."""
    origin: dict[int, _CellRead] = {}
    for row in grid:
        for c in row:
            if c.vmerge == "continue" and c.col in origin:
                src = origin[c.col]
                c.text, c.v_merged = src.text, True
                if not c.blocks:
                    c.blocks = []
            else:
                for k in list(origin):
                    if c.col <= k < c.col + c.span:
                        del origin[k]
                if c.vmerge == "restart" or c.vmerge is None:
                    origin[c.col] = c


def _children(el: etree._Element) -> Iterator[etree._Element]:
    """Block-level children, looking through content controls and custom XML."""
    for ch in el:
        if ch.tag in (W + "sdt",):
            content = ch.find(W + "sdtContent")
            if content is not None:
                yield from _children(content)
        elif ch.tag in (W + "customXml", W + "ins", W + "moveTo"):
            yield from _children(ch)
        elif ch.tag in (W + "p", W + "tbl"):
            yield ch


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    for ch in tbl:
        if ch.tag == W + "tr":
            yield ch
        elif ch.tag in (W + "sdt", W + "customXml"):
            inner = ch.find(W + "sdtContent") if ch.tag == W + "sdt" else ch
            if inner is not None:
                yield from _rows(inner)


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    for ch in tr:
        if ch.tag == W + "tc":
            yield ch
        elif ch.tag in (W + "sdt", W + "customXml"):
            inner = ch.find(W + "sdtContent") if ch.tag == W + "sdt" else ch
            if inner is not None:
                yield from _cells(inner)


def _int(value: str | None) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        return 0


# -- package ---------------------------------------------------------------------------
def _part_xml(document, reltype: str) -> bytes | None:
    try:
        return document.part.part_related_by(reltype).blob
    except (KeyError, AttributeError):
        return None


def _parsed(document, reltype: str) -> etree._Element | None:
    """A related part parsed with entities, DTDs and network off (None when absent)."""
    xml = _part_xml(document, reltype)
    if not xml:
        return None
    try:
        name = document.part.part_related_by(reltype).partname.lstrip("/")
    except (KeyError, AttributeError):
        name = reltype.rsplit("/", 1)[-1]
    return parse_xml(xml, name)


def _footnotes(root: etree._Element | None) -> dict[str, str]:
    if root is None:
        return {}
    out: dict[str, str] = {}
    for fn in root.iter(W + "footnote"):
        if fn.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        texts = []
        for t in fn.iter(W + "t", W + "tab"):
            texts.append(t.text or "" if t.tag == W + "t" else " ")
        text = clean_line("".join(texts))
        if text:
            out[fn.get(W + "id", "")] = text
    return out


def read_docx(data: bytes, info: SourceInfo) -> DocumentIR:
    """Read a .docx (checked by :mod:`.docx_package` before python-docx opens it);
    :class:`ReadError` with the reason when it is not one, is damaged or hostile."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = open_document(data)
    styles = _parsed(document, RT.STYLES)
    numbering = Numbering(_parsed(document, RT.NUMBERING), styles)
    walker = _Walker(
        path=info.path,
        numbering=numbering,
        styles=Styles(styles),
        footnotes=_footnotes(_parsed(document, RT.FOOTNOTES)),
    )
    body = document.element.body
    if body is None:
        raise Damaged("damaged .docx: word/document.xml has no body")
    try:
        blocks = walker.container(body, top_level=True)
    except RecursionError:
        raise Unsafe("rejected .docx: tables or fields nested too deeply to read") from None
    blocks.extend(walker._flush_notes())
    doc = DocumentIR(source=info, blocks=_number_lines(blocks, info.path, walker.rendered_breaks > 0))
    if not any(isinstance(b, Paragraph) and b.text for b in blocks) and not doc.tables():
        raise Empty("empty Word document (no text)")
    return doc


def _number_lines(blocks: list[Block], path: str, pages_known: bool) -> list[Block]:
    """Provenance in reading order: ``line`` counts paragraphs and table rows; ``page``
    is kept only when Word recorded where its pages broke."""
    out: list[Block] = []
    line = 0
    for b in blocks:
        if isinstance(b, Paragraph):
            line += 1
            page = b.prov.page if pages_known else None
            out.append(Paragraph(b.text, Provenance(path, page=page, line=line), b.gap_before, b.page_break_before))
        else:
            rows = []
            first = line + 1
            for r in b.rows:
                line += 1
                page = r.prov.page if pages_known else None
                rows.append(Row(r.cells, Provenance(path, page=page, line=line), r.header_hint))
            page = b.prov.page if pages_known else None
            out.append(Table(rows, Provenance(path, page=page, line=first), b.layout, b.page_break_before))
    return out


def read_doc(path: str | Path, data: bytes, info: SourceInfo) -> DocumentIR:
    """Old binary Word: converted to .docx by LibreOffice, then read as such."""
    if _ENCRYPTED_OLE in data:
        raise Encrypted("password-protected Word document (encrypted package)")
    converted = convert_with_soffice(path, data, "docx")
    doc = read_docx(converted, info)
    doc.warnings.append(warning("converted_from_doc", "converted from .doc with LibreOffice"))
    return doc


def read_converted(path: str | Path, data: bytes, info: SourceInfo, fmt: str) -> DocumentIR:
    """An OpenDocument or RTF file: converted to .docx by LibreOffice, then read as such."""
    converted = convert_with_soffice(path, data, "docx", source_format=fmt)
    doc = read_docx(converted, info)
    doc.warnings.append(warning("converted_from_doc", f"converted from .{fmt} with LibreOffice"))
    return doc
