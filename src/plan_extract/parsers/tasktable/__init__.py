"""The task tables: columns by meaning (:mod:`.columns`), table assembly and logical
rows with continuations merged (:mod:`.rows`), hierarchy (:mod:`.hierarchy`)."""

from __future__ import annotations

from collections.abc import Sequence

from ...ir import Block, DocumentIR
from ...model import DocWarning, Task
from ...options import TableOptions
from .hierarchy import assign, label_style
from .rows import RawRow, TableParse, parse_rows


def group_headings(raw: Sequence[RawRow]) -> list[bool]:
    """Rows that open their own series (SPEC rule 7): a merged heading row (``1. Title``
    in the TT cell), and a group row set apart (title merged across the row, or bold)
    whose next row is a task with the same label style (group 1, 2 … with tasks 1, 2,
    3 under each)."""
    out = []
    for i, r in enumerate(raw):
        heading = r.heading
        if not heading and r.is_group and r.set_apart and i + 1 < len(raw):
            nxt = raw[i + 1]
            style = label_style(r.values["tt"])
            heading = (
                style is not None
                and not nxt.is_group
                and nxt.table == r.table
                and label_style(nxt.values["tt"]) == style
            )
        out.append(heading)
    return out


def parse_task_table(ir: DocumentIR) -> tuple[list[Task], list[DocWarning]]:
    """Task rows and table warnings of a document (see :func:`read_task_tables`)."""
    tasks, warnings, _ = read_task_tables(ir.blocks)
    return tasks, warnings


def read_task_tables(
    blocks: Sequence[Block], options: TableOptions | None = None
) -> tuple[list[Task], list[DocWarning], TableParse]:
    """Task rows in reading order, numbered from 1, with is_group and hierarchy set;
    the warnings of table assembly; the assembly itself (layout tables to read as
    paragraphs). ``options``: the header search (:class:`TableOptions`)."""
    parsed: TableParse = parse_rows(blocks, options)
    raw = parsed.rows
    groups = [r.is_group for r in raw]
    headings = group_headings(raw)
    placement: list[tuple[int | None, int]] = []
    start = 0
    for i in range(1, len(raw) + 1):  # the hierarchy starts anew with each task table
        if i == len(raw) or raw[i].first_of_table:
            part = assign([r.values["tt"] for r in raw[start:i]], groups[start:i], headings[start:i])
            placement += [(p + start if p is not None else None, lv) for p, lv in part]
            start = i
    tasks: list[Task] = []
    for i, (r, is_group, (parent, level)) in enumerate(zip(raw, groups, placement)):
        v = r.values  # _to_row fills in every field
        tasks.append(
            Task(
                row=i + 1,
                tt=v["tt"],
                content=v["content"],
                lead=v["lead"],
                support=v["support"],
                deadline=v["deadline"],
                product=v["product"],
                extra=dict(r.extra),
                is_group=is_group,
                parent_row=parent + 1 if parent is not None else None,
                level=level,
                provenance={"page": r.prov.page, "line": r.prov.line},
            )
        )
    return tasks, parsed.warnings, parsed
