"""The appendix task table: columns by header name (:mod:`.columns`), logical rows
with continuations merged (:mod:`.rows`), hierarchy (:mod:`.hierarchy`)."""
from __future__ import annotations

from ...ir import DocumentIR
from ...model import Task
from .hierarchy import assign
from .rows import TableParse, parse_rows


def parse_task_table(ir: DocumentIR) -> tuple[list[Task], list[str]]:
    """Task rows in reading order, numbered from 1, with is_group and hierarchy set."""
    parsed: TableParse = parse_rows(ir.tables())
    raw = parsed.rows
    placement = assign([r.get("tt") for r in raw], [r.is_group for r in raw], [r.heading for r in raw])
    tasks: list[Task] = []
    for i, (r, (parent, level)) in enumerate(zip(raw, placement)):
        tasks.append(Task(
            row=i + 1, tt=r.get("tt"), content=r.get("content"), lead=r.get("lead"),
            support=r.get("support"), deadline=r.get("deadline"), product=r.get("product"),
            extra=dict(r.extra), is_group=r.is_group,
            parent_row=parent + 1 if parent is not None else None, level=level,
            provenance={"page": r.prov.page, "line": r.prov.line},
        ))
    return tasks, parsed.warnings
