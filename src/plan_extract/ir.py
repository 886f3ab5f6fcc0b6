"""The intermediate representation every reader fills and every parser reads.

A document is an ordered list of blocks: paragraphs (one physical line of text, or
one Word paragraph) and tables (rows of cells). Every block carries provenance so
that a task row or a section can be traced back to the page and line it came from.
Readers do all format-specific work (encodings, markup, Word XML, PDF geometry):
text in the IR is clean Unicode (NFC), with markup removed and line breaks inside a
cell kept as ``\\n``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ReadError  # noqa: F401  (importable from here, as before)
from .model import DocWarning


@dataclass(slots=True, unsafe_hash=True)
class Provenance:
    """Where a block came from: file, 1-based page (PDF) and 1-based line (text).
    Treated as a value and never changed; not frozen only because a frozen dataclass
    takes twice as long to create, and a text document creates one per line."""

    file: str
    page: int | None = None
    line: int | None = None


@dataclass(slots=True)
class Paragraph:
    """One paragraph of running text.

    ``gap_before`` is true when the source separates it from the previous paragraph
    (a blank line in text, always true for a Word paragraph); consecutive lines
    without a gap form one visual block (a multi-line title, a recipient list).
    ``page_break_before`` is true when a page boundary falls between this paragraph
    and the previous one (PDF pages, Word page breaks), when the reader knows it.
    """

    text: str
    prov: Provenance
    gap_before: bool = True
    page_break_before: bool = False


@dataclass(slots=True)
class Cell:
    """A table cell. ``col_span`` > 1 for a cell merged across columns.

    ``v_merged`` is true for a cell that continues a vertical merge from the row
    above (Word ``vMerge`` continuation, a PDF cell covered by a taller cell); the
    reader fills its text with the text of the cell it belongs to.
    ``bold``: every letter of the cell is bold, as the source draws it (a reader that
    cannot tell leaves it false).
    """

    text: str
    col_span: int = 1
    v_merged: bool = False
    bold: bool = False  # the whole cell is set in bold (a group heading's usual look)


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    prov: Provenance
    header_hint: bool = False  # Word w:tblHeader, a PDF row repeated at a page top

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Table:
    """A run of table rows that the source draws as one table (one text block
    between blank lines, one Word table, one PDF table fragment on one page).

    ``layout`` marks tables that only lay out the page (the borderless header and
    signature tables of a Word file): parsers read their cells as paragraphs.
    ``page_break_before`` is true when the table starts on a new page or after a
    visible break in the source, so that a header repeated there is expected.
    """

    rows: list[Row]
    prov: Provenance
    layout: bool = False
    page_break_before: bool = True
    sparse: bool = False  # the source leaves out the cells a vertical merge covers (a conversion)


Block = Paragraph | Table


@dataclass
class Overlay:
    """Text drawn over the page rather than set in it: a digital-signature stamp (an
    annotation's appearance, or text drawn over a signature image), a watermark,
    rotated or overlapping text. Kept apart from paragraphs and cells.

    ``lines``: its text, one line each; ``page`` 1-based; ``bbox`` (x0, top, x1,
    bottom) in points from the page's top left; ``kind`` what set it apart
    (``annotation``, ``turned``, ``overlap``, ``image``); ``context``: the body line it
    is drawn on, where it lies on one, read with the overlay's text put in its place
    (a number stamped into the blank of ``Số: /KH-UBND`` reads ``Số: 144 /KH-UBND``),
    else None.
    """

    lines: list[str]
    page: int
    bbox: tuple[float, float, float, float]
    kind: str
    context: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class SourceInfo:
    path: str
    format: str  # txt, md, docx, doc, pdf, html, odt, rtf
    sha256: str
    size: int
    encoding: str | None = None  # text formats and web pages: the encoding that was used
    pages: int | None = None
    element: str | None = None  # web pages: the element taken as the document (a CSS-like path)


@dataclass
class DocumentIR:
    source: SourceInfo
    blocks: list[Block] = field(default_factory=list)
    warnings: list[DocWarning] = field(default_factory=list)
    overlays: list[Overlay] = field(default_factory=list)  # text drawn over pages (PDF)

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
