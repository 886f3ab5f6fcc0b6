"""What kind of table a reader is looking at: a task table (its header row names the
task-table columns, or it continues one) or a layout table that only places the
header (``Số …`` | ``CỘNG HÒA …``) and the closing (``Nơi nhận`` | signature) on the
page. Shared by the .docx and .pdf readers."""

from __future__ import annotations

from collections.abc import Sequence

from ..vocabulary import has_layout_cue, match_header

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
