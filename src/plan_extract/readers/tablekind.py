"""What kind of table a reader is looking at: a task table (its header row names the
task-table columns, or it continues one) or a layout table that only places the
header (``Số …`` | ``CỘNG HÒA …``) and the closing (``Nơi nhận`` | signature) on the
page. Shared by the .docx and .pdf readers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..normalize.text import fold
from ..vocabulary import match_header

_FOLDED_CUES = re.compile(
    r"^(?:cong hoa xa hoi chu nghia|doc lap tu do hanh phuc|noi nhan\b|.{2,40} ngay(?: \d{1,2})? thang)"
)
_RAW_CUES = re.compile(r"^(?:Số\s*[:.]|(?:KT|TM|TL|TUQ)\s*\.)")
HEADER_SCAN_ROWS = 4


def header_row_index(rows: Sequence[Sequence[str]], scan: int = HEADER_SCAN_ROWS) -> int | None:
    """Index of the first row (among the first ``scan``) that names task-table columns."""
    for i, texts in enumerate(rows[:scan]):
        if match_header(list(texts)) is not None:
            return i
    return None


def column_fields(header: Sequence[str]) -> list[str | None]:
    """The field of each cell of a header row (None for unknown columns)."""
    cmap = match_header(list(header))
    return list(cmap.fields) if cmap is not None else [None] * len(header)


def has_layout_cue(rows: Sequence[Sequence[str]]) -> bool:
    for texts in rows:
        for text in texts:
            for line in text.split("\n")[:3]:
                if _RAW_CUES.match(line.strip()) or _FOLDED_CUES.match(fold(line)):
                    return True
    return False


def is_layout_table(rows: Sequence[Sequence[str]], task_width: int | None = None) -> bool:
    """True for a table that only lays out text (read as paragraphs), False for a
    task table or a data table continuing one."""
    if not rows:
        return True
    if header_row_index(rows) is not None:
        return False
    if has_layout_cue(rows):
        return True
    width = max(len(r) for r in rows)
    if width <= 2:
        return True
    if task_width is not None and abs(width - task_width) <= 1:
        return False
    return False
