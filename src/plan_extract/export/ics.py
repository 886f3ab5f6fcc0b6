"""Deadlines as iCalendar files (the ``icalendar`` library), one per lead agency: one
all-day event per task on its due date, the task text, the document and its number in
the description. Recurring deadlines become recurrence rules (``Hằng năm`` yearly,
``theo quý`` every three months, ``hằng tháng`` monthly); a recurring deadline without
a date (``Báo cáo theo quý``) is put on the last day of each period of the plan year,
and says so. Tasks without a due date (ongoing work such as ``Thường xuyên trong năm
2024``, ``Khi có phát sinh``, an empty cell) are left out and counted."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import icalendar
import pandas as pd

from .. import __version__
from ..api import Dataset
from ..i18n import Messages
from .common import (
    agency_names,
    deadline_classes,
    doc_labels,
    plan_year,
    slug,
    text,
    unique_slugs,
)
from .xlsx import NoTasks

_STEP = {"monthly": 1, "quarterly": 3}


class UnknownAgency(LookupError):
    """``--agency NAME`` names no lead agency."""


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    y, mo = divmod(day.month - 1 + months, 12)
    y, mo = day.year + y, mo + 1
    return dt.date(y, mo, min(day.day, calendar.monthrange(y, mo)[1]))


def _rule(freq: str, first: dt.date, year: int | None) -> dict:
    """The RRULE of a recurrence starting on ``first``: monthly and quarterly deadlines
    repeat through the plan year (and the period after it that reports on its end);
    yearly ones are open-ended."""
    if freq == "yearly":
        return {"FREQ": "YEARLY"}
    step = _STEP[freq]
    rule: dict = {"FREQ": "MONTHLY"}
    if step > 1:
        rule["INTERVAL"] = step
    if first == _month_end(first.year, first.month):
        rule["BYMONTHDAY"] = -1
    last = max(first, dt.date(year, 12, 31)) if year else first
    rule["UNTIL"] = _add_months(last, step) - dt.timedelta(days=1)
    return rule


def schedule(kind, start, end, recurrence, cls, year: int | None):
    """``(first day, rrule or None, anchored)`` of a task's calendar entry, or None when
    the task has no date to put in a calendar."""
    rec = recurrence if isinstance(recurrence, str) else None
    if cls == "due":
        first = pd.Timestamp(end).date()
        return first, (_rule(rec, first, year) if rec in ("monthly", "quarterly", "yearly") else None), False
    if cls != "recurring" or rec not in ("monthly", "quarterly", "yearly"):
        return None
    if not pd.isna(start):
        # "Năm 2021 và các năm tiếp theo": the end of each year from 2021; "Quý 3 năm 2021
        # và các năm tiếp theo": the end of the third quarter of each year from 2021
        s = pd.Timestamp(start).date()
        if rec == "yearly":
            first = {
                "month": _month_end(s.year, s.month),
                "quarter": _month_end(s.year, (s.month - 1) // 3 * 3 + 3),
            }.get(kind, dt.date(s.year, 12, 31))
        else:
            first = _month_end(s.year, s.month if rec == "monthly" else (s.month - 1) // 3 * 3 + 3)
        return first, _rule(rec, first, s.year), True
    if not year:
        return None
    first = {"monthly": _month_end(year, 1), "quarterly": _month_end(year, 3), "yearly": dt.date(year, 12, 31)}[rec]
    return first, _rule(rec, first, year), True


def _short(s: str, limit: int = 100) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0] + "…"


def resolve_agency(ds: Dataset, name: str, m: Messages) -> str:
    """The canonical lead-agency name that ``name`` means (exactly, ignoring case and
    spacing, or an ``agency_id``)."""
    lead = ds.task_agencies[ds.task_agencies["role"] == "lead"]
    names = sorted(set(lead["name"].dropna()))
    if name in names:
        return name
    fold = {" ".join(n.split()).casefold(): n for n in names}
    hit = fold.get(" ".join(name.split()).casefold())
    if hit:
        return hit
    by_id = lead[lead["agency_id"] == name]["name"].dropna()
    if len(by_id):
        return str(by_id.iloc[0])
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = m("export.did_you_mean", names="; ".join(f"“{c}”" for c in close)) if close else ""
    raise UnknownAgency(m("export.unknown_agency", name=name, hint=hint))


def write_calendars(
    ds: Dataset, out_dir, lang: str = "vi", agency: str | None = None, log: Callable[[str], None] | None = None
) -> dict:
    """One ``.ics`` file per lead agency (only ``agency`` when given) in ``out_dir``.
    Returns ``{"files": {agency: path}, "events", "recurring", "left_out": Counter of
    deadline kinds, "no_lead"}``."""
    m = Messages(lang)
    tasks = ds.tasks
    if tasks.empty:
        raise NoTasks(m("export.no_tasks", path=ds.output_dir))
    only = resolve_agency(ds, agency, m) if agency else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs = ds.documents
    labels = doc_labels(docs, m)
    doc_info = {d.doc_id: d for d in docs.itertuples(index=False)}
    years = {d.doc_id: plan_year(d.title, d.issue_date, d.year) for d in docs.itertuples(index=False)}
    names = agency_names(ds)
    lead_of, support_of = names.get("lead", {}), names.get("support", {})
    classes = deadline_classes(tasks)
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    per_agency: dict[str, list] = {}
    left_out: Counter = Counter()
    no_lead = recurring = 0
    cols = [
        "doc_id",
        "row",
        "tt",
        "content",
        "deadline",
        "deadline_kind",
        "deadline_start",
        "deadline_end",
        "deadline_recurrence",
        "product",
        "is_group",
    ]
    for values in zip(*(tasks[c].tolist() for c in cols), classes.tolist()):
        doc_id, row, tt, content, deadline, kind, start, end, rec, product, is_group, cls = values
        if is_group:
            continue
        key = (doc_id, int(row))
        leads = lead_of.get(key, [])
        if only is not None:
            if only not in leads:
                continue
            leads = [only]
        when = schedule(kind, start, end, rec, cls, years.get(doc_id))
        if when is None:
            left_out[str(kind)] += 1
            continue
        if not leads:
            no_lead += 1
            continue
        recurring += when[1] is not None
        for name in leads:
            per_agency.setdefault(name, []).append((values, when))

    slugs = unique_slugs(sorted(per_agency))
    files: dict[str, Path] = {}
    events = 0
    for name in sorted(per_agency):
        cal = icalendar.Calendar()
        cal.add("prodid", f"-//plan-extract {__version__}//{lang}")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", m("ics.calendar_name", agency=name))
        for values, (first, rule, anchored) in per_agency[name]:
            doc_id, row, tt, content, deadline, kind, start, end, rec, product, is_group, cls = values
            d = doc_info.get(doc_id)
            ev = icalendar.Event()
            ev.add("uid", f"{slug(doc_id, 120)}-row-{int(row)}-{slugs[name]}@plan-extract")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", first)
            ev.add("dtend", first + dt.timedelta(days=1))
            ev.add("summary", m("ics.summary", content=_short(text(content))))
            lines = [
                f"{m('ics.task')}: {text(tt) + ' ' if text(tt) else ''}{text(content)}",
                f"{m('ics.document')}: {labels.get(doc_id, doc_id)}",
                f"{m('ics.deadline')}: {text(deadline)}",
            ]
            if rule is not None:
                lines.append(m("ics.recurs", recurrence=m.recurrence(rec)))
            if anchored:
                lines.append(m("ics.recurring_anchor", deadline=text(deadline), first=m.date(first)))
            key = (doc_id, int(row))
            lines.append(f"{m('ics.lead')}: {'; '.join(lead_of.get(key, []))}")
            if support_of.get(key):
                lines.append(f"{m('ics.support')}: {'; '.join(support_of[key])}")
            if text(product):
                lines.append(f"{m('ics.product')}: {text(product)}")
            if d is not None and text(d.source_path):
                lines.append(f"{m('ics.source')}: {text(d.source_path)}")
            ev.add("description", "\n".join(lines))
            ev.add("categories", [m.kind(kind)])
            ev.add("transp", "TRANSPARENT")
            if rule is not None:
                ev.add("rrule", rule)
            cal.add_component(ev)
            events += 1
        path = out / f"{slugs[name]}.ics"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(cal.to_ical())
        tmp.replace(path)
        files[name] = path
    return {
        "files": files,
        "events": events,
        "tasks": sum(1 for _ in set((v[0][0], int(v[0][1])) for items in per_agency.values() for v in items)),
        "recurring": recurring,
        "left_out": left_out,
        "no_lead": no_lead,
        "agency": only,
    }
