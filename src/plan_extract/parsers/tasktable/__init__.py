"""The appendix task table: columns by header name (:mod:`.columns`), logical rows
with continuations merged (:mod:`.rows`), hierarchy (:mod:`.hierarchy`)."""
from __future__ import annotations

from ...ir import DocumentIR
from ...model import DocWarning, Task
from .hierarchy import assign
from .rows import TableParse, parse_rows


def parse_task_table(ir: DocumentIR) -> tuple[list[Task], list[DocWarning]]:
    """Task rows in reading order, numbered from 1, with is_group and hierarchy set."""
    parsed: TableParse = parse_rows(ir.tables())
    raw = parsed.rows
    groups = [r.is_group for r in raw]
    placement = assign([r.values["tt"] for r in raw], groups, [r.heading for r in raw])
    tasks: list[Task] = []
    for i, (r, is_group, (parent, level)) in enumerate(zip(raw, groups, placement)):
        v = r.values  # _to_row fills in every field
        tasks.append(Task(
            row=i + 1, tt=v["tt"], content=v["content"], lead=v["lead"], support=v["support"],
            deadline=v["deadline"], product=v["product"], extra=dict(r.extra), is_group=is_group,
            parent_row=parent + 1 if parent is not None else None, level=level,
            provenance={"page": r.prov.page, "line": r.prov.line},
        ))
    return tasks, parsed.warnings
