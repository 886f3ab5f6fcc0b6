"""The HTML report: one self-contained page (inline CSS, inline SVG, a few lines of
inline JavaScript for the table filters; a Content-Security-Policy forbids any network
access). All document text is escaped."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from ..api import Dataset
from ..export.common import deadline_classes, doc_labels, unique_slugs, warning_records
from ..i18n import Messages
from .svg import esc, legend, timeline_chart, workload_chart

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

CSS = """
:root{--fg:#1d2330;--muted:#5b6472;--line:#d9dee6;--bg:#fff;--soft:#f4f6f9;--accent:#1f5fa8;--warn:#b35900;--late:#fdecea}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header.top{background:#16324f;color:#fff;padding:18px 28px}
header.top h1{margin:0 0 4px;font-size:22px}
header.top p{margin:0;color:#cfd8e3}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:8px 28px}
nav a{margin-right:18px;color:var(--accent);text-decoration:none;font-weight:600}
main{padding:8px 28px 40px;max-width:1400px}
h2{margin:28px 0 8px;font-size:19px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{margin:22px 0 6px;font-size:16px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
.kpi{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:130px}
.kpi b{display:block;font-size:22px}
.kpi span{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;position:sticky;top:37px}
td.num,th.num{text-align:right;white-space:nowrap}
tr.group td{background:#eef2f7;font-weight:600}
tr.overdue td{background:var(--late)}
tr:target td{outline:2px solid var(--accent)}
.muted{color:var(--muted)}
.note{color:var(--muted);font-size:12px;margin:4px 0}
.warn{color:var(--warn)}
ul.warnings{margin:4px 0 10px;padding-left:20px}
ul.warnings code{background:#fff3e6;color:var(--warn);padding:0 3px;border-radius:3px}
.chart{max-width:100%;height:auto;display:block}
.chart text{font:12px "DejaVu Sans",Arial,sans-serif;fill:#1d2330}
.chart .tick{fill:#5b6472;font-size:11px}
.chart .value{font-size:11px;fill:#1d2330}
.chart .grid{stroke:#e6e9ee;stroke-width:1}
.chart .axis{stroke:#8a93a0;stroke-width:1}
ul.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:14px;font-size:12px}
ul.legend .swatch{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px;border-radius:2px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0}
input.filter{padding:4px 8px;border:1px solid var(--line);border-radius:4px;width:320px;margin:4px 0}
section.doc{border-top:1px solid var(--line);margin-top:18px}
.content{white-space:normal}
a.back{font-size:12px;margin-left:8px}
footer{color:var(--muted);font-size:12px;padding:16px 28px;border-top:1px solid var(--line)}
table.tasks,table.overdue,table.ongoing,table.agency{table-layout:fixed}
td,th{overflow-wrap:anywhere;word-break:break-word}
.scroll{overflow-x:auto;max-width:100%}
.scroll th{position:static}
col.w-doc{width:16%}col.w-row{width:4%}col.w-tt{width:4%}col.w-content{width:30%}col.w-agency{width:14%}
col.w-deadline{width:10%}col.w-kind{width:8%}col.w-due{width:8%}col.w-product{width:10%}col.w-role{width:6%}
col.w-late{width:5%}table.agency col.w-doc{width:13%}table.agency col.w-content{width:28%}
@page{size:A4 landscape;margin:10mm}
@media print{
  body{font-size:9.5pt}
  nav,input.filter,.no-print,a.back{display:none}
  header.top{background:none;color:#000;padding:0 0 6px;border-bottom:2px solid #000}
  header.top p{color:#333}
  main{padding:0;max-width:none}
  th{position:static}
  thead{display:table-header-group}
  tr{break-inside:avoid}
  h2,h3{break-after:avoid}
  section.agency-page{break-before:page}
  details{display:block}
  a{color:inherit;text-decoration:none}
}
"""

JS = """
(function () {
  var inputs = document.querySelectorAll('input.filter');
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener('input', function () {
      var table = document.getElementById(input.getAttribute('data-table'));
      if (!table) { return; }
      var q = input.value.toLowerCase();
      var rows = table.tBodies[0].rows, shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var hit = !q || rows[i].textContent.toLowerCase().indexOf(q) >= 0;
        rows[i].hidden = !hit;
        if (hit) { shown++; }
      }
      var counter = document.getElementById(input.getAttribute('data-counter'));
      if (counter) { counter.textContent = shown + ' / ' + rows.length + ' ' + (counter.getAttribute('data-unit') || ''); }
    });
  });
  document.body.setAttribute('data-ready', 'yes');
})();
"""


def _text(value) -> str:
    """Escaped text with line breaks kept."""
    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return ""
    return esc(value).replace("\n", "<br>")


def _s(value) -> str:
    """A value as text: "" when missing (None, or NaN: pandas 3 reads missing strings as NaN)."""
    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return ""
    return str(value)


def _date(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def anchor_ids(doc_ids) -> dict[str, str]:
    """A safe, unique HTML id per document (``doc-<slug>``)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for doc_id in doc_ids:
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", str(doc_id)).strip("-").lower() or "doc"
        candidate, k = f"doc-{slug}", 2
        while candidate in used:
            candidate, k = f"doc-{slug}-{k}", k + 1
        used.add(candidate)
        out[doc_id] = candidate
    return out


def _month_end(day: dt.date, months: int = 0) -> dt.date:
    y, mo = divmod(day.month - 1 + months, 12)
    first = dt.date(day.year + y, mo + 1, 1)
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


class Context:
    """What the main page and the agency pages share."""

    def __init__(self, ds: Dataset, as_of: dt.date, lang: str):
        self.ds, self.as_of, self.m = ds, as_of, Messages(lang)
        self.lang = lang
        docs = ds.documents
        self.ids = anchor_ids(docs["doc_id"])
        self.labels = doc_labels(docs, self.m)
        self.places = {d: p for d, p in zip(docs["doc_id"], docs["place"]) if isinstance(p, str) and p}
        self.overdue = ds.overdue(as_of)
        self.overdue_keys = set(zip(self.overdue["doc_id"], self.overdue["row"].astype(int)))
        self.classes = deadline_classes(ds.tasks)
        self.classes_by_key = dict(zip(zip(ds.tasks["doc_id"], ds.tasks["row"].astype(int)), self.classes))
        #: "due next month": from the day itself to the end of the following month
        self.next_end = _month_end(as_of, 1)
        self.due_next = ds.due_between(as_of, self.next_end)
        ta = ds.task_agencies.dropna(subset=["name"]) if len(ds.task_agencies) else ds.task_agencies
        self.roles = (
            ta.drop_duplicates(["name", "doc_id", "row", "role"])[["name", "doc_id", "row", "role"]]
            if len(ta)
            else pd.DataFrame(columns=["name", "doc_id", "row", "role"])
        )
        wl = ds.workload(role=None)
        self.workload = wl
        self.agency_slugs = unique_slugs(wl["name"].tolist())

    def date(self, value) -> str:
        return self.m.date(value)

    def span(self, start, end) -> str:
        m = self.m
        if pd.isna(start) and pd.isna(end):
            return m("span.none")
        if pd.isna(end):
            return m("span.open", start=m.date(start))
        return m("span.range", start=m.date(start), end=m.date(end))


def render(
    ds: Dataset,
    as_of: dt.date,
    top: int = 25,
    source: str | None = None,
    lang: str = "vi",
    agency_dir: str | None = None,
) -> str:
    """The main page. ``agency_dir``: the folder (relative to the page) that holds the
    agency pages (:func:`render_agency`); None leaves the agency links out."""
    cx = Context(ds, as_of, lang)
    m = cx.m
    docs = ds.documents
    tasks = ds.tasks
    ids, overdue, overdue_keys = cx.ids, cx.overdue, cx.overdue_keys
    real_tasks = tasks[~tasks["is_group"]]
    dated = ds.dated_tasks()
    dated_per_doc = dated.groupby("doc_id").size()
    ongoing = ds.ongoing_tasks()
    day = m.date(as_of)
    parts: list[str] = []

    # ---- summary
    n_warn = int(docs["n_warnings"].fillna(0).sum())
    kpis = [
        (len(docs), m("kpi.documents")),
        (len(real_tasks), m("kpi.tasks")),
        (int(tasks["is_group"].sum()), m("kpi.groups")),
        (ds.task_agencies["name"].nunique(), m("kpi.agencies")),
        (len(dated), m("kpi.due")),
        (len(ongoing), m("kpi.ongoing")),
        (len(overdue), m("kpi.overdue", as_of=day)),
        (n_warn, m("kpi.warnings")),
    ]
    parts.append(
        f'<section id="summary"><h2>{esc(m("h.documents"))}</h2><div class="kpis">'
        + "".join(f'<div class="kpi"><b>{v}</b><span>{esc(label)}</span></div>' for v, label in kpis)
        + "</div>"
    )
    rows = []
    for _, d in docs.iterrows():
        did = d["doc_id"]
        dt_rows = real_tasks[real_tasks["doc_id"] == did]
        n_over = sum(1 for k in overdue_keys if k[0] == did)
        n_w = int(d["n_warnings"] or 0)
        warn_cell = f'<a href="#{ids[did]}-warnings">{n_w}</a>' if n_w else "0"
        issued = (
            m.date(d["issue_date"], str(d["issue_date_precision"]) if pd.notna(d["issue_date_precision"]) else "day")
            if pd.notna(d["issue_date"])
            else esc(_s(d["issue_date_raw"]))
        )
        rows.append(
            f'<tr><td><a href="#{ids[did]}">{esc(cx.labels[did])}</a><div class="muted">{esc(did)}</div></td>'
            f"<td>{_text(d['title'])}</td><td>{esc(_s(d['place']))}</td>"
            f'<td class="num">{esc(issued)}</td>'
            f'<td class="num">{len(dt_rows)}</td><td class="num">{int(dated_per_doc.get(did, 0))}</td>'
            f'<td class="num">{n_over}</td>'
            f'<td class="num">{warn_cell}</td>'
            f'<td><a href="#{ids[did]}-tasks">{esc(m("link.task_rows"))}</a></td></tr>'
        )
    parts.append(
        '<div class="scroll"><table class="docs"><thead><tr>'
        f"<th>{esc(m('th.document'))}</th><th>{esc(m('th.title'))}</th><th>{esc(m('th.place'))}</th>"
        f'<th class="num">{esc(m("th.issued"))}</th><th class="num">{esc(m("th.tasks"))}</th>'
        f'<th class="num">{esc(m("th.due"))}</th><th class="num">{esc(m("th.overdue"))}</th>'
        f'<th class="num">{esc(m("th.warnings"))}</th><th>{esc(m("th.rows"))}</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div></section>"
    )

    # ---- workload
    wl = cx.workload
    lead_wl = wl[wl["lead"] > 0]
    shown = lead_wl.head(top)
    top_note = m("note.workload_top", shown=len(shown), all=len(lead_wl)) if len(lead_wl) > len(shown) else ""
    parts.append(
        f'<section id="workload"><h2>{esc(m("h.workload"))}</h2>'
        f'<p class="note">{esc(m("note.workload", top=top_note, total=len(wl)))}</p>'
    )
    if len(shown):
        parts.append(
            workload_chart(
                [(r["name"], int(r["lead"]), int(r["support"])) for _, r in shown.iterrows()],
                m("chart.workload"),
                labels=(m("chart.led"), m("chart.supported")),
                tooltip=m("chart.tooltip"),
            )
        )
    else:
        parts.append(f'<p class="muted">{esc(m("empty.no_lead"))}</p>')
    parts.append("</section>")

    # ---- agencies: one printable page each
    docs_per = ds.task_agencies.groupby("name", observed=True)["doc_id"].nunique()
    over_per = (
        Counter(cx.roles.merge(overdue[["doc_id", "row"]], on=["doc_id", "row"])["name"]) if len(overdue) else Counter()
    )
    next_per = (
        Counter(cx.roles.merge(cx.due_next[["doc_id", "row"]], on=["doc_id", "row"])["name"])
        if len(cx.due_next)
        else Counter()
    )
    parts.append(
        f'<section id="agencies"><h2>{esc(m("h.agencies"))}</h2>'
        f'<p class="note">{esc(m("note.agencies"))}</p>'
        '<div class="scroll"><table class="workload"><thead><tr>'
        f'<th>{esc(m("th.agency"))}</th><th class="num">{esc(m("th.led"))}</th>'
        f'<th class="num">{esc(m("th.supported"))}</th><th class="num">{esc(m("th.total"))}</th>'
        f'<th class="num">{esc(m("th.documents"))}</th><th class="num">{esc(m("th.overdue"))}</th>'
        f'<th class="num">{esc(m("kpi.due_next", end=m.date(cx.next_end)))}</th></tr></thead><tbody>'
    )
    for _, r in wl.iterrows():
        name = r["name"]
        cell = f'<a href="{esc(agency_dir)}/{cx.agency_slugs[name]}.html">{esc(name)}</a>' if agency_dir else esc(name)
        parts.append(
            f'<tr><td>{cell}</td><td class="num">{r["lead"]}</td><td class="num">{r["support"]}</td>'
            f'<td class="num">{r["total"]}</td><td class="num">{int(docs_per.get(name, 0))}</td>'
            f'<td class="num">{over_per.get(name, 0)}</td><td class="num">{next_per.get(name, 0)}</td></tr>'
        )
    parts.append("</tbody></table></div></section>")

    # ---- deadlines (due dates only)
    parts.append(
        f'<section id="deadlines"><h2>{esc(m("h.deadlines"))}</h2><p class="note">{esc(m("note.deadlines"))}</p>'
    )
    series_labels = {d: f"{cx.labels[d]} — {cx.places.get(d, d)}" for d in docs["doc_id"]}
    for freq, key in (("M", "month"), ("Q", "quarter")):
        table = ds.due_by_period(freq)
        if table.empty:
            parts.append(f'<p class="muted">{esc(m("empty.no_due"))}</p>')
            break
        series_keys = [c for c in table.columns if c != "total" and table[c].sum() > 0]
        series = [(k, series_labels.get(k, k), [int(v) for v in table[k]]) for k in series_keys]
        if freq == "M":
            periods = [m.date(p.to_timestamp(), "month") for p in table.index]
        else:
            periods = [str(p) for p in table.index]
        parts.append(f"<h3>{esc(m('h.by_' + key))}</h3>")
        parts.append(timeline_chart(periods, series, m("chart.due_per", period=m("chart." + key))))
        if freq == "M":
            parts.append(legend([(k, series_labels.get(k, k)) for k in series_keys]))
    undated = real_tasks[~real_tasks.set_index(["doc_id", "row"]).index.isin(dated.set_index(["doc_id", "row"]).index)]
    if len(undated):
        counts = undated["deadline_kind"].astype(object).value_counts()
        parts.append(
            f'<p class="note">{esc(m("note.undated", n=len(undated), detail=", ".join(f"{m.kind(k)} {int(v)}" for k, v in counts.items())))}</p>'
        )
    parts.append("</section>")

    # ---- ongoing and recurring work
    parts.append(f'<section id="ongoing"><h2>{esc(m("h.ongoing"))}</h2><p class="note">{esc(m("note.ongoing"))}</p>')
    if len(ongoing):
        grouped = ongoing.assign(
            kind=ongoing["deadline_kind"].astype(object).map(m.kind),
            span=[cx.span(a, b) for a, b in zip(ongoing["deadline_start"], ongoing["deadline_end"])],
            rec=ongoing["deadline_recurrence"]
            .astype(object)
            .map(lambda r: m.recurrence(r) if isinstance(r, str) else ""),
            doc=ongoing["doc_id"].map(lambda d: cx.labels.get(d, d)),
        )
        summary = grouped.groupby(["doc", "kind", "span", "rec"], sort=False).size().reset_index(name="n")
        parts.append(
            '<div class="scroll"><table class="ongoing"><thead><tr>'
            f"<th>{esc(m('th.document'))}</th><th>{esc(m('th.kind'))}</th><th>{esc(m('th.span'))}</th>"
            f'<th>{esc(m("th.recurrence"))}</th><th class="num">{esc(m("th.count"))}</th></tr></thead><tbody>'
            + "".join(
                f"<tr><td>{esc(r.doc)}</td><td>{esc(r.kind)}</td><td>{esc(r.span)}</td>"
                f'<td>{esc(r.rec)}</td><td class="num">{r.n}</td></tr>'
                for r in summary.itertuples(index=False)
            )
            + "</tbody></table></div>"
        )
    else:
        parts.append(f'<p class="muted">{esc(m("empty.no_ongoing"))}</p>')
    parts.append("</section>")

    # ---- overdue
    parts.append(
        f'<section id="overdue"><h2>{esc(m("h.overdue", as_of=day))}</h2>'
        f'<p class="note">{esc(m("note.overdue", as_of=day))}</p>'
    )
    if len(overdue):
        parts.append(
            '<div class="scroll"><table class="overdue"><thead><tr>'
            f"<th>{esc(m('th.document'))}</th><th>{esc(m('th.tt'))}</th><th>{esc(m('th.content'))}</th>"
            f"<th>{esc(m('th.lead'))}</th><th>{esc(m('th.deadline'))}</th>"
            f'<th class="num">{esc(m("th.due_date"))}</th><th class="num">{esc(m("th.days_late"))}</th>'
            "</tr></thead><tbody>"
            + "".join(
                f'<tr><td><a href="#{ids[r["doc_id"]]}-row-{int(r["row"])}" title="{esc(r["doc_id"])}">'
                f"{esc(m('row_of', place=cx.places.get(r['doc_id']) or r['doc_id'], row=int(r['row'])))}</a></td>"
                f"<td>{esc(r['tt'])}</td><td>{_text(r['content'])}</td>"
                f"<td>{_text(r['lead'])}</td><td>{_text(r['deadline'])}</td>"
                f'<td class="num">{esc(m.date(r["deadline_end"]))}</td><td class="num">{r["days_overdue"]}</td></tr>'
                for _, r in overdue.iterrows()
            )
            + "</tbody></table></div>"
        )
    else:
        parts.append(f'<p class="muted">{esc(m("empty.no_overdue"))}</p>')
    parts.append("</section>")

    # ---- warnings
    parts.append(f'<section id="warnings"><h2>{esc(m("h.warnings"))}</h2>')
    any_warn = False
    for _, d in docs.iterrows():
        if not len(d["warnings"]):
            continue
        any_warn = True
        parts.append(
            f'<h3 id="{ids[d["doc_id"]]}-warnings"><a href="#{ids[d["doc_id"]]}">{esc(cx.labels[d["doc_id"]])}</a> '
            f'<span class="muted">{esc(d["doc_id"])}</span></h3><ul class="warnings">'
            + "".join(_warning_item(w) for w in warning_records(d["warnings"]))
            + "</ul>"
        )
    if not any_warn:
        parts.append(f'<p class="muted">{esc(m("empty.no_warnings"))}</p>')
    parts.append("</section>")

    # ---- documents
    parts.append(f'<section id="documents"><h2>{esc(m("h.tasks"))}</h2>')
    for _, d in docs.iterrows():
        did, aid = d["doc_id"], ids[d["doc_id"]]
        dtasks = tasks[tasks["doc_id"] == did]
        meta = [
            (m("meta.doc_id"), d["doc_id"]),
            (m("meta.type"), d["doc_type"]),
            (m("meta.number"), d["number_raw"]),
            (m("meta.issued"), d["issue_date_raw"]),
            (m("meta.place"), d["place"]),
            (m("meta.issuer"), d["issuer"]),
            (
                m("meta.signed"),
                " — ".join(
                    x
                    for x in (d["signer_authority"], d["signer_position"], d["signer_name"])
                    if isinstance(x, str) and x
                ),
            ),
            (m("meta.jurisdiction"), ", ".join(x for x in (d["district"], d["province"]) if isinstance(x, str) and x)),
            (m("meta.source"), d["source_path"]),
        ]
        parts.append(
            f'<section class="doc" id="{aid}"><h3>{esc(cx.labels[did])}: {_text(d["title"])}'
            f'<a class="back" href="#summary">{esc(m("link.summary"))}</a></h3><dl class="meta">'
            + "".join(
                f"<dt>{esc(k)}</dt><dd>{_text(v)}</dd>"
                for k, v in meta
                if v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v) != ""
            )
            + "</dl>"
        )
        if len(d["warnings"]):
            parts.append(
                f'<p class="warn">{esc(m("warn.count", n=len(d["warnings"])))}'
                f'<a href="#{aid}-warnings">{esc(m("link.see_warnings"))}</a></p>'
            )
        table_id = f"{aid}-tasks"
        parts.append(
            f'<input class="filter" type="search" placeholder="{esc(m("filter.placeholder"))}" '
            f'aria-label="{esc(m("filter.placeholder"))}" '
            f'data-table="{table_id}" data-counter="{aid}-count"> '
            f'<span class="muted" id="{aid}-count" data-unit="{esc(m("filter.shown"))}">'
            f"{esc(m('filter.rows', n=len(dtasks)))}</span>"
        )
        body = []
        for t, cls_ in zip(dtasks.itertuples(index=False), cx.classes[dtasks.index]):
            row = int(t.row)
            cls = "group" if t.is_group else ("overdue" if (did, row) in overdue_keys else "")
            kind = "" if pd.isna(t.deadline_kind) else m.kind(str(t.deadline_kind))
            cls_attr = f' class="{cls}"' if cls else ""
            due = m.date(t.deadline_end) if cls_ == "due" else ""
            body.append(
                f'<tr id="{aid}-row-{row}"{cls_attr}>'
                f'<td class="num">{row}</td><td>{esc(t.tt)}</td><td class="content">{_text(t.content)}</td>'
                f"<td>{_text(t.lead)}</td><td>{_text(t.support)}</td><td>{_text(t.deadline)}</td>"
                f'<td>{esc(kind)}</td><td class="num">{esc(due)}</td>'
                f"<td>{_text(t.product)}</td></tr>"
            )
        parts.append(
            f'<div class="scroll"><table class="tasks" id="{table_id}">'
            '<colgroup><col class="w-row"><col class="w-tt"><col class="w-content"><col class="w-agency">'
            '<col class="w-agency"><col class="w-deadline"><col class="w-kind"><col class="w-due">'
            '<col class="w-product"></colgroup>'
            f'<thead><tr><th class="num">{esc(m("th.row"))}</th><th>{esc(m("th.tt"))}</th>'
            f"<th>{esc(m('th.content'))}</th><th>{esc(m('th.lead'))}</th><th>{esc(m('th.support'))}</th>"
            f"<th>{esc(m('th.deadline'))}</th><th>{esc(m('th.kind'))}</th>"
            f'<th class="num">{esc(m("th.due_date"))}</th><th>{esc(m("th.product"))}</th></tr></thead><tbody>'
            + "".join(body)
            + "</tbody></table></div></section>"
        )
    parts.append("</section>")

    generated = m.date(dt.datetime.now()) + dt.datetime.now().strftime(" %H:%M")
    src = m("report.from", source=source) if source else ""
    nav = [
        ("summary", "nav.documents"),
        ("workload", "nav.workload"),
        ("agencies", "nav.agencies"),
        ("deadlines", "nav.deadlines"),
        ("ongoing", "nav.ongoing"),
        ("overdue", "nav.overdue"),
        ("warnings", "nav.warnings"),
        ("documents", "nav.tasks"),
    ]
    return _page(
        m,
        m("report.title"),
        f"<h1>{esc(m('report.title'))}</h1><p>"
        f"{esc(m('report.subtitle', docs=len(docs), source=src, as_of=day, generated=generated))}</p>",
        "<nav>" + "".join(f'<a href="#{a}">{esc(m(k))}</a>' for a, k in nav) + "</nav>",
        parts,
    )


def _page(m: Messages, title: str, header: str, nav: str, parts: list[str]) -> str:
    return "".join(
        [
            f'<!DOCTYPE html><html lang="{m.lang}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,">'
            f"<title>{esc(title)}</title>"
            f"<style>{CSS}</style></head><body>",
            f'<header class="top">{header}</header>',
            nav,
            "<main>",
            *parts,
            "</main>",
            f"<footer>{esc(m('report.footer'))}</footer>",
            f"<script>{JS}</script></body></html>\n",
        ]
    )


def _agency_table(cx: Context, frame: pd.DataFrame, roles: dict, overdue: bool = False) -> str:
    m = cx.m
    if frame.empty:
        return f'<p class="muted">{esc(m("empty.nothing"))}</p>'
    head = [
        ("th.document", "w-doc"),
        ("th.tt", "w-tt"),
        ("th.content", "w-content"),
        ("th.role", "w-role"),
        ("th.deadline", "w-deadline"),
        ("th.kind", "w-kind"),
        ("th.due_date", "w-due"),
        ("th.product", "w-product"),
    ]
    if overdue:
        head.insert(7, ("th.days_late", "w-late"))
    out = [
        '<table class="agency"><colgroup>'
        + "".join(f'<col class="{c}">' for _, c in head)
        + "</colgroup><thead><tr>"
        + "".join(f"<th>{esc(m(k))}</th>" for k, _ in head)
        + "</tr></thead><tbody>"
    ]
    for r in frame.itertuples(index=False):
        key = (r.doc_id, int(r.row))
        cls = cx.classes_by_key.get(key)
        due = (
            m.date(r.deadline_end)
            if cls == "due"
            else (
                cx.span(r.deadline_start, r.deadline_end)
                if cls == "ongoing" and not (pd.isna(r.deadline_start) and pd.isna(r.deadline_end))
                else ""
            )
        )
        rec = m.recurrence(r.deadline_recurrence) if isinstance(r.deadline_recurrence, str) else ""
        kind = m.kind(str(r.deadline_kind)) + (f" · {rec}" if rec else "") if not pd.isna(r.deadline_kind) else ""
        cells = [
            esc(cx.labels.get(r.doc_id, r.doc_id)),
            esc(r.tt),
            _text(r.content),
            esc(roles.get(key, "")),
            _text(r.deadline),
            esc(kind),
            esc(due),
            _text(r.product),
        ]
        if overdue:
            cells.insert(7, str(int(r.days_overdue)))
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_agency(cx: Context, name: str, report_href: str) -> str:
    """A printable page (A4 landscape) of one agency: what it leads and supports, what
    falls due from the day until the end of next month, what is overdue, its ongoing
    and recurring work."""
    m, ds = cx.m, cx.ds
    mine = cx.roles[cx.roles["name"] == name]
    role_of: dict = {}
    for doc_id, row, role in zip(mine["doc_id"], mine["row"], mine["role"].astype(object)):
        key = (doc_id, int(row))
        role_of[key] = m.role("lead") if role == "lead" or role_of.get(key) == m.role("lead") else m.role(role)
    keys = pd.MultiIndex.from_tuples(list(role_of), names=["doc_id", "row"]) if role_of else None

    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        if keys is None or frame.empty:
            return frame.iloc[0:0]
        idx = pd.MultiIndex.from_arrays([frame["doc_id"], frame["row"].astype(int)])
        return frame[idx.isin(keys)]

    tasks = ds.tasks[~ds.tasks["is_group"]]
    all_tasks = pick(tasks)
    lead_n = sum(1 for v in role_of.values() if v == m.role("lead"))
    overdue, due_next = pick(cx.overdue), pick(cx.due_next)
    ongoing = pick(ds.ongoing_tasks())
    day = m.date(cx.as_of)
    kpis = [
        (lead_n, m("kpi.led")),
        (len(role_of) - lead_n, m("kpi.supported")),
        (len(overdue), m("kpi.overdue", as_of=day)),
        (len(due_next), m("kpi.due_next", end=m.date(cx.next_end))),
    ]
    parts = [
        '<section class="agency-summary"><div class="kpis">'
        + "".join(f'<div class="kpi"><b>{v}</b><span>{esc(label)}</span></div>' for v, label in kpis)
        + "</div></section>",
        f'<section id="overdue"><h2>{esc(m("h.agency_overdue", as_of=day))}</h2>'
        + _agency_table(cx, overdue, role_of, overdue=True)
        + "</section>",
        f'<section id="due-next"><h2>{esc(m("h.agency_due_next", start=day, end=m.date(cx.next_end)))}</h2>'
        + _agency_table(cx, due_next, role_of)
        + "</section>",
        f'<section id="ongoing"><h2>{esc(m("h.agency_ongoing"))}</h2>'
        + _agency_table(cx, ongoing, role_of)
        + "</section>",
        f'<section id="all" class="agency-page"><h2>{esc(m("h.agency_tasks"))}</h2>'
        + _agency_table(cx, all_tasks, role_of)
        + "</section>",
    ]
    header = (
        f"<h1>{esc(name)}</h1><p>{esc(m('note.agency_page', as_of=day))} "
        f'<a class="no-print" style="color:#cfd8e3" href="{esc(report_href)}">{esc(m("link.report"))}</a></p>'
    )
    return _page(m, f"{name} — {m('report.title')}", header, "", parts)


def _warning_item(w: dict) -> str:
    code = f"<code>{esc(w['code'])}</code> " if w["code"] else ""
    return f"<li>{code}{esc(w['message'])}</li>"


def write(path: Path, text: str) -> Path:
    from ..writers.atomic import write_bytes

    write_bytes(path, text.encode("utf-8"), durable=False)
    return path
