"""Task-table columns by meaning (SPEC section 2): a header cell's words are folded
and searched for the cue phrases of each field (``data/headers.json``); whole header
names are matched fuzzily only to forgive typos. Each table gets its own
:class:`ColumnMap` from its own header row(s). The vocabulary itself lives in
:mod:`plan_extract.vocabulary` (below the readers, which use it too); its names are
re-exported here."""

from __future__ import annotations

from collections.abc import Sequence

from ...vocabulary import (  # noqa: F401 - re-exported: the parser's names for the vocabulary
    EXTRA,
    HEADER_SCAN_ROWS,
    MATCH_THRESHOLD,
    MAX_HEADER_CELL,
    ColumnMap,
    classify_header_cell,
    header_key,
    is_numbering_row,
    match_header,
    vocabulary,
)

FIELDS = ("tt", "content", "lead", "support", "deadline", "product")


def merge_subheader(top: Sequence[str], sub: Sequence[str], threshold: float = MATCH_THRESHOLD) -> ColumnMap | None:
    """The map of a two-row header: a column's name is its sub-header when that names
    a field (``Chủ trì`` / ``Phối hợp`` under ``Đơn vị thực hiện``), else the top name
    with the sub-header after it. None when ``sub`` is not a sub-header row."""
    if len(sub) != len(top):
        return None
    filled = [s for s in sub if s.strip()]
    if not filled or any(len(s) > 30 or any(ch.isdigit() for ch in s) for s in filled):
        return None
    voc = vocabulary()
    if not all(classify_header_cell(s, threshold)[0] or header_key(s) in voc.subheaders for s in filled):
        return None  # a data row (a continuation row's agency cell), not column names
    names: list[str] = []
    for t, s in zip(top, sub):
        if s.strip() and classify_header_cell(s, threshold)[0] not in (None, EXTRA):
            names.append(s)
        elif s.strip():
            names.append(f"{t} {s}".strip())
        else:
            names.append(t)
    cmap = match_header(names, threshold)
    if cmap is None:
        return None
    cmap.headers = [" ".join(n.split()) for n in names]
    return cmap
