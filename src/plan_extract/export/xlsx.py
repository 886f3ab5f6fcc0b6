"""The office workbook (XlsxWriter): a sheet of documents, a sheet of all tasks (the
hierarchy as outline levels and indentation, group rows bold, the due date as a real
Excel date beside the printed deadline, agencies by canonical name, a link to the source
file), a sheet per lead agency listed on an agencies sheet, and a sheet of warnings.
Every sheet has its header row frozen, its column widths set, an auto-filter and an A4
landscape page set-up. All text is written as text: a cell that starts with ``=``,
``+``, ``-`` or ``@`` never becomes a formula."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import xlsxwriter

from ..api import Dataset
from ..i18n import Messages
from .common import (
    agency_names,
    deadline_classes,
    doc_labels,
    sheet_names,
    text,
    warning_records,
)

#: Excel keeps at most this many hyperlinks per sheet; later links are written as text
MAX_LINKS = 65_000
URL_MAX = 2_079
INDENT_MAX = 12


class NoTasks(ValueError):
    """The output folder holds no task rows: nothing to export."""


def _date(value) -> dt.datetime | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).to_pydatetime()


def _url(path: str) -> str | None:
    p = Path(path) if path else None
    if p is None or not p.is_absolute():
        return None
    url = p.as_uri()
    if len(url) > URL_MAX:
        return None
    # XlsxWriter rewrites file:// links into Windows paths (a POSIX path loses its root:
    # "work\\samples\\a.txt"); the scheme in capitals (schemes ignore case) is kept as is
    return "FILE" + url[4:] if not re.match(r"file:///[A-Za-z]:", url) else url


def _lines(s: str, width: float) -> int:
    """Lines a text takes when wrapped in a column ``width`` characters wide."""
    per = max(4.0, width * 1.15)
    if len(s) <= per and "\n" not in s:
        return 1
    return sum(max(1, math.ceil(len(part) / per)) for part in s.split("\n"))


class _Sheet:
    """One worksheet written row by row with typed cells."""

    def __init__(self, wb: _Book, name: str, columns: Sequence[tuple[str, float, str]]):
        self.book, self.ws = wb, wb.wb.add_worksheet(name)
        self.name = name
        self.columns = columns  # (label, width, kind: text/wrap/int/date/link)
        self.row = 0
        self.links = 0
        head = wb.fmt(bold=True, wrap=True, head=True)
        for c, (label, width, _kind) in enumerate(columns):
            self.ws.write_string(0, c, label, head)
            self.ws.set_column(c, c, width)
        self.ws.set_row(0, 30)
        self.ws.freeze_panes(1, 0)
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        self.ws.fit_to_pages(1, 0)
        self.ws.repeat_rows(0)

    def add(self, values: list, bold: bool = False, indent: int = 0, level: int = 0) -> None:
        self.row += 1
        r, ws, book = self.row, self.ws, self.book
        # LibreOffice does not fit row heights to wrapped text when it opens a workbook
        # (Excel does): the height is set from an estimate of the wrapped lines (before
        # the cells: in constant-memory mode a row is written out as the next one starts)
        lines = 1
        for (_, width, kind), v in zip(self.columns, values):
            if kind in ("wrap", "indent") and isinstance(v, str) and v:
                lines = max(lines, _lines(v, width - 2 * (min(indent, INDENT_MAX) if kind == "indent" else 0)))
        height = min(409, 15 * lines) if lines > 1 else None
        if level or height:
            ws.set_row(r, height, None, {"level": min(level, 7)} if level else None)
        for c, ((_, _width, kind), v) in enumerate(zip(self.columns, values)):
            if kind == "int":
                if v is None or pd.isna(v):
                    ws.write_blank(r, c, None, book.fmt(bold=bold))
                else:
                    ws.write_number(r, c, int(v), book.fmt(bold=bold))
            elif kind == "date" and isinstance(v, str):
                ws.write_string(r, c, v, book.fmt(bold=bold))
            elif kind == "date":
                d = _date(v)
                if d is None:
                    ws.write_blank(r, c, None, book.fmt(bold=bold, date=True))
                else:
                    ws.write_datetime(r, c, d, book.fmt(bold=bold, date=True))
            elif kind == "link":
                label, target = v if isinstance(v, tuple) else (v, None)
                label = text(label)
                if target and self.links < MAX_LINKS:
                    self.links += 1
                    ws.write_url(r, c, target, book.fmt(link=True), string=label or target)
                else:
                    ws.write_string(r, c, label, book.fmt(bold=bold))
            else:
                ind = min(indent, INDENT_MAX) if kind == "indent" else 0
                ws.write_string(
                    r,
                    c,
                    v if isinstance(v, str) else text(v),
                    book.fmt(bold=bold, wrap=kind in ("wrap", "indent"), indent=ind),
                )

    def finish(self, print_columns: int | None = None) -> None:
        """Auto-filter over the table; the printed pages hold the first ``print_columns``
        columns (the source link and doc_id are for the screen)."""
        self.ws.autofilter(0, 0, max(self.row, 1), len(self.columns) - 1)
        if print_columns:
            self.ws.print_area(0, 0, max(self.row, 1), print_columns - 1)


class _Book:
    def __init__(self, path: Path, m: Messages):
        self.m = m
        self.wb = xlsxwriter.Workbook(
            str(path),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "constant_memory": False,
                "default_date_format": m("xlsx_date_format"),
            },
        )
        self._formats: dict[tuple, object] = {}

    def fmt(self, bold=False, wrap=False, indent=0, date=False, link=False, head=False):
        key = (bold, wrap, indent, date, link, head)
        f = self._formats.get(key)
        if f is None:
            props: dict = {"valign": "top"}
            if bold:
                props["bold"] = True
            if wrap:
                props["text_wrap"] = True
            if indent:
                props["indent"] = min(indent, INDENT_MAX)
            if date:
                props["num_format"] = self.m("xlsx_date_format")
                props["align"] = "left"
            if link:
                props.update({"font_color": "blue", "underline": 1})
            if head:
                props.update({"bg_color": "#DCE6F1", "border": 1})
            f = self._formats[key] = self.wb.add_format(props)
        return f


def write_workbook(ds: Dataset, path, lang: str = "vi", log: Callable[[str], None] | None = None) -> dict:
    """Write the workbook of ``ds`` to ``path``; returns counts and the agency sheet
    names (``{"tasks", "documents", "warnings", "agencies": {name: sheet}}``). Raises
    :class:`NoTasks` when there are no task rows."""
    m = Messages(lang)
    tasks = ds.tasks
    if tasks.empty:
        raise NoTasks(m("export.no_tasks", path=ds.output_dir))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    docs = ds.documents
    labels = doc_labels(docs, m)
    doc_info = {d.doc_id: d for d in docs.itertuples(index=False)}
    names = agency_names(ds)
    classes = deadline_classes(tasks)

    def issued(d):
        """The issue date as a date when the day is known, else as printed (``03/2024``)."""
        if d is None or pd.isna(d.issue_date):
            return None
        precision = text(d.issue_date_precision) or "day"
        return d.issue_date if precision == "day" else m.date(d.issue_date, precision)

    book = _Book(tmp, m)
    sheet_docs, sheet_tasks = m("sheet.documents"), m("sheet.tasks")
    sheet_agencies, sheet_warn = m("sheet.agencies"), m("sheet.warnings")

    # ---- documents
    ws = _Sheet(
        book,
        sheet_docs,
        [
            (m("col.document"), 45, "wrap"),
            (m("col.doc_type"), 12, "text"),
            (m("col.number"), 14, "text"),
            (m("col.issue_date"), 12, "date"),
            (m("col.place"), 14, "text"),
            (m("col.issuer"), 30, "wrap"),
            (m("col.title"), 60, "wrap"),
            (m("col.signer"), 22, "text"),
            (m("col.n_tasks"), 10, "int"),
            (m("col.n_groups"), 9, "int"),
            (m("col.n_warnings"), 10, "int"),
            (m("col.source"), 40, "link"),
            (m("col.doc_id"), 30, "text"),
        ],
    )
    for d in docs.itertuples(index=False):
        src = text(d.source_path)
        ws.add(
            [
                labels[d.doc_id],
                d.doc_type,
                d.number_raw,
                issued(d),
                d.place,
                d.issuer,
                d.title,
                d.signer_name,
                d.n_tasks,
                d.n_groups,
                d.n_warnings,
                (Path(src).name if src else "", _url(src)),
                d.doc_id,
            ]
        )
    ws.finish()

    # ---- tasks
    task_cols = [
        (m("col.document"), 30, "wrap"),
        (m("col.number"), 12, "text"),
        (m("col.issue_date"), 11, "date"),
        (m("col.row"), 6, "int"),
        (m("col.tt"), 6, "text"),
        (m("col.content"), 60, "indent"),
        (m("col.lead"), 30, "wrap"),
        (m("col.support"), 30, "wrap"),
        (m("col.deadline"), 18, "wrap"),
        (m("col.due"), 11, "date"),
        (m("col.kind"), 14, "wrap"),
        (m("col.span_start"), 11, "date"),
        (m("col.span_end"), 11, "date"),
        (m("col.recurrence"), 11, "wrap"),
        (m("col.product"), 24, "wrap"),
        (m("col.source"), 28, "link"),
        (m("col.doc_id"), 28, "text"),
    ]
    ws = _Sheet(book, sheet_tasks, task_cols)
    ws.ws.outline_settings(True, False, True, False)  # summary (group) rows above their tasks
    lead_of, support_of = names.get("lead", {}), names.get("support", {})
    src_cache: dict[str, tuple[str, str | None]] = {}

    def source(doc_id):
        if doc_id not in src_cache:
            d = doc_info.get(doc_id)
            src = text(d.source_path) if d is not None else ""
            src_cache[doc_id] = (Path(src).name if src else "", _url(src))
        return src_cache[doc_id]

    cols = [
        "doc_id",
        "row",
        "tt",
        "content",
        "deadline",
        "deadline_end",
        "deadline_kind",
        "deadline_start",
        "deadline_recurrence",
        "product",
        "is_group",
        "level",
    ]
    rows = list(zip(*(tasks[c].tolist() for c in cols), classes.tolist()))

    def task_values(r):
        (doc_id, row, tt, content, deadline, end, kind, start, rec, product, is_group, level, cls) = r
        d = doc_info.get(doc_id)
        key = (doc_id, int(row))
        values = [
            labels.get(doc_id, doc_id),
            d.number_raw if d is not None else "",
            issued(d),
            row,
            tt,
            content,
            "; ".join(lead_of.get(key, [])),
            "; ".join(support_of.get(key, [])),
            deadline,
            end if cls == "due" else None,
            m.kind(kind) if isinstance(kind, str) else "",
            start,
            end,
            m.recurrence(rec) if isinstance(rec, str) else "",
            product,
            source(doc_id),
            doc_id,
        ]
        return values

    for r in rows:
        is_group, level = r[10], r[11]
        lvl = int(level) if level is not None and not pd.isna(level) else 1
        ws.add(task_values(r), bold=bool(is_group), indent=max(lvl - 1, 0), level=max(lvl - 1, 0))
    ws.finish(print_columns=len(task_cols) - 2)

    # ---- agencies: one sheet per lead agency, listed on the agencies sheet
    wl = ds.workload(role=None)
    docs_per = (
        ds.task_agencies.groupby("name", observed=True)["doc_id"].nunique()
        if len(ds.task_agencies)
        else pd.Series(dtype="int64")
    )
    leads = wl[wl["lead"] > 0]["name"].tolist()
    sheets = sheet_names(leads, taken=[sheet_docs, sheet_tasks, sheet_agencies, sheet_warn])
    ws = _Sheet(
        book,
        sheet_agencies,
        [
            (m("col.agency"), 60, "wrap"),
            (m("col.sheet"), 32, "link"),
            (m("col.led"), 12, "int"),
            (m("col.supported"), 12, "int"),
            (m("col.documents"), 11, "int"),
        ],
    )
    ws.ws.write_comment(0, 1, m("xlsx.agencies_note"))
    for r in wl.itertuples(index=False):
        sheet = sheets.get(r.name)
        link = (sheet, f"internal:'{sheet.replace(chr(39), chr(39) * 2)}'!A1") if sheet else ("", None)
        ws.add([r.name, link, r.lead, r.support, int(docs_per.get(r.name, 0))])
    ws.finish()
    for name, sheet in sheets.items():
        if sheet != name and log is not None:
            log(m("export.sheet_renamed", agency=name, sheet=sheet))

    # the sheet of a lead agency holds the rows an auto-filter on its name in the lead
    # column gives, by due date (tasks without one last), then document and row
    by_key = {(r[0], int(r[1])): r for r in rows}
    led: dict[str, list[tuple]] = {}
    ta = ds.task_agencies.dropna(subset=["name"])
    ta = ta[ta["role"] == "lead"].drop_duplicates(["name", "doc_id", "row"])
    for name, doc_id, row in zip(ta["name"], ta["doc_id"], ta["row"]):
        if name in sheets and (doc_id, int(row)) in by_key:
            led.setdefault(name, []).append(by_key[(doc_id, int(row))])
    big = pd.Timestamp.max
    for name, sheet in sheets.items():
        ws = _Sheet(book, sheet, task_cols)
        items = led.get(name, [])
        items.sort(key=lambda r: (r[5] if r[12] == "due" and not pd.isna(r[5]) else big, r[0], int(r[1])))
        for r in items:
            ws.add(task_values(r))
        ws.finish(print_columns=len(task_cols) - 2)

    # ---- warnings
    ws = _Sheet(
        book,
        sheet_warn,
        [
            (m("col.document"), 40, "wrap"),
            (m("col.code"), 22, "text"),
            (m("col.message"), 80, "wrap"),
            (m("col.row"), 7, "int"),
            (m("col.table"), 7, "int"),
            (m("col.page"), 7, "int"),
            (m("col.line"), 9, "int"),
            (m("col.doc_id"), 30, "text"),
        ],
    )
    n_warn = 0
    for d in docs.itertuples(index=False):
        for w in warning_records(d.warnings):
            ws.add([labels[d.doc_id], w["code"], w["message"], w["row"], w["table"], w["page"], w["line"], d.doc_id])
            n_warn += 1
    ws.finish()

    book.wb.worksheets()[1].activate()
    book.wb.close()
    tmp.replace(path)
    return {"tasks": len(tasks), "documents": len(docs), "warnings": n_warn, "agencies": sheets, "path": path}
