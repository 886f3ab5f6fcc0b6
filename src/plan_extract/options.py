"""What an extraction is configured with, and how a document is named: light enough
for the command line and the batch driver to import without the parsers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Sequence


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


@dataclass
class Options:
    agency_files: Sequence[str] = field(default_factory=tuple)
    pdf: PdfOptions = field(default_factory=PdfOptions)

    @cached_property
    def registry(self):
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
