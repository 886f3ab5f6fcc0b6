"""What an extraction is configured with, and how a document is named: light enough
for the command line and the batch driver to import without the parsers.

One options object per stage, each with its named defaults here (in the manner of
pdfplumber's ``TableSettings``): :class:`ReaderOptions` (the PDF page limit and
:class:`PdfOptions`), :class:`TableOptions` (the task-table header search),
:class:`Limits` (the batch's per-file limits); :class:`Options` holds the reader and
table options and travels from the command line through the batch workers to the
readers and parsers. Nothing is passed through the environment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .vocabulary import HEADER_SCAN_ROWS, MATCH_THRESHOLD

if TYPE_CHECKING:
    from .normalize.agencies import AgencyRegistry

#: PDFs of more pages are rejected (``--max-pages``): pdfminer needs about half a
#: millisecond per page just to list the pages and a tenth of a second or more to lay
#: one out, so a file of thousands of pages would run into the per-file time limit
#: after minutes of work, where a page count rejects it at once
MAX_PDF_PAGES = 500
#: documents per Parquet part file and per commit of the run state (``--batch-size``)
BATCH_SIZE = 256


@dataclass(frozen=True)
class PdfOptions:
    """Thresholds of the PDF reader (named defaults; a caller may pass its own).

    Overlay text (a signature stamp, a signature image with text drawn over it, a
    watermark) is told from body text by what is found on the page:
    """

    # a glyph turned more than this (|sin| of its angle, 0.1 ~ 6 degrees) off the
    # page's reading direction is drawn over the page, not set in its lines
    overlay_min_turn: float = 0.1
    # a glyph whose box covers this share of another glyph's box overlaps it
    overlay_overlap: float = 0.3
    # a run of text (same font, size and colour, drawn in one go) of which this share
    # of glyphs overlaps other text is overlay (the run drawn over the other)
    overlay_run_share: float = 0.25
    # a run inside a drawn image whose fill colour is this far (0..1, RGB distance
    # over sqrt 3) from the body text's colour is overlay (a stamp's red or blue)
    overlay_colour_distance: float = 0.25
    # a run inside an image whose size differs from the body text's by this factor
    overlay_size_ratio: float = 1.6
    # an overlay filling a blank of a body line is read with the part of that line
    # around it (its ``context``): parts end at a gap this wide (in font sizes, and at
    # least min_half_gap points), as ``Số: /KH-UBND`` ends before the place and date
    half_gap_sizes: float = 2.5
    min_half_gap: float = 24.0

    # Borderless tables (no rulings) are found where the text forms columns
    # (:mod:`plan_extract.readers.pdf_columns`): at least table_min_rows consecutive
    # lines, each in at least table_min_columns parts, the parts set apart by gaps of
    # at least table_gap_sizes font sizes and table_min_gap points that fall into the
    # same gutters on every line. table_min_columns of 1 or less switches it off.
    table_min_columns: int = 3
    table_min_rows: int = 3
    table_gap_sizes: float = 1.2
    table_min_gap: float = 8.0
    # the text of a column lines up: left ends, centres or right ends within this
    # many font sizes
    table_align_sizes: float = 1.0
    # a line closer than this (font sizes) under the one before, its first column
    # empty, goes on with the same row (a wrapped cell)
    table_wrap_gap: float = 0.6
    # a wider vertical gap (font sizes) between two lines ends the table
    table_max_row_gap: float = 3.0


@dataclass(frozen=True)
class ReaderOptions:
    """The readers' settings."""

    # reject PDFs of more pages; None: no limit
    max_pdf_pages: int | None = MAX_PDF_PAGES
    pdf: PdfOptions = field(default_factory=PdfOptions)


@dataclass(frozen=True)
class TableOptions:
    """The task-table parser's header search (:mod:`plan_extract.vocabulary`)."""

    # a header cell that names no field by its cue words is the field whose known
    # name it matches this well (rapidfuzz ratio, 0..100): typos forgiven
    match_threshold: float = MATCH_THRESHOLD
    # a header row is looked for among this many first rows of a table
    header_scan_rows: int = HEADER_SCAN_ROWS


@dataclass(frozen=True)
class Limits:
    """The batch's limits per file (:mod:`plan_extract.batch.limits` applies them)."""

    max_bytes: int = 64 * 1024 * 1024  # --max-size MB
    max_seconds: float = 60.0  # --timeout seconds per file
    max_memory_mb: int | None = 2048  # --max-memory MB per worker process (None: no limit)


@dataclass
class Options:
    agency_files: Sequence[str] = field(default_factory=tuple)
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    table: TableOptions = field(default_factory=TableOptions)

    @property
    def pdf(self) -> PdfOptions:
        """The PDF reader's thresholds (``reader.pdf``)."""
        return self.reader.pdf

    @cached_property
    def registry(self) -> AgencyRegistry:
        from .normalize.agencies import AgencyRegistry

        return AgencyRegistry.load(extra_files=list(self.agency_files))


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text):
    """``text`` without lone surrogates (the undecodable bytes of a file name that is
    not UTF-8, as Python gives them): each becomes U+FFFD, so that the text can be
    written as UTF-8 (JSON, Parquet, SQLite)."""
    return text if not isinstance(text, str) or text.isascii() else _SURROGATE.sub("\ufffd", text)


def doc_id_for(path: Path) -> str:
    """The file name without its extension (its undecodable bytes as U+FFFD)."""
    return printable(Path(path).stem)
