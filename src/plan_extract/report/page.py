"""The HTML report: one self-contained page (inline CSS, inline SVG, a few lines of
inline JavaScript for the table filters; a Content-Security-Policy forbids any network
access). All document text is escaped."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Optional

import pandas as pd

from ..api import Dataset
from .svg import esc, legend, timeline_chart, workload_chart

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")

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
      if (counter) { counter.textContent = shown + ' / ' + rows.length + ' rows'; }
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


def _doc_label(doc: pd.Series) -> str:
    bits = [_s(doc["doc_type"]), _s(doc["number_raw"])]
    head = " ".join(b for b in bits if b).strip()
    return head or str(doc["doc_id"])


def render(ds: Dataset, as_of: dt.date, top: int = 25, source: Optional[str] = None) -> str:
    docs = ds.documents
    tasks = ds.tasks
    ids = anchor_ids(docs["doc_id"])
    overdue = ds.overdue(as_of)
    overdue_keys = set(zip(overdue["doc_id"], overdue["row"].astype(int)))
    real_tasks = tasks[~tasks["is_group"]]
    places = {d: p for d, p in zip(docs["doc_id"], docs["place"]) if isinstance(p, str) and p}
    parts: list[str] = []

    # ---- summary
    n_warn = int(docs["n_warnings"].fillna(0).sum())
    kpis = [(len(docs), "documents"), (len(real_tasks), "tasks (excl. group headings)"),
            (int(tasks["is_group"].sum()), "group headings"),
            (ds.task_agencies["name"].nunique(), "agencies named"),
            (int(real_tasks["deadline_end"].notna().sum()), "tasks with a due date"),
            (len(overdue), f"overdue on {as_of.isoformat()}"), (n_warn, "warnings")]
    parts.append('<section id="summary"><h2>Documents</h2><div class="kpis">' + "".join(
        f'<div class="kpi"><b>{v}</b><span>{esc(label)}</span></div>' for v, label in kpis) + "</div>")
    rows = []
    for _, d in docs.iterrows():
        did = d["doc_id"]
        dt_rows = real_tasks[real_tasks["doc_id"] == did]
        n_over = sum(1 for k in overdue_keys if k[0] == did)
        n_w = int(d["n_warnings"] or 0)
        warn_cell = f'<a href="#{ids[did]}-warnings">{n_w}</a>' if n_w else "0"
        rows.append(
            f'<tr><td><a href="#{ids[did]}">{esc(_doc_label(d))}</a><div class="muted">{esc(did)}</div></td>'
            f'<td>{_text(d["title"])}</td><td>{esc(_s(d["place"]))}</td>'
            f'<td class="num">{esc(_s(d["issue_date_raw"]))}</td>'
            f'<td class="num">{len(dt_rows)}</td><td class="num">{int(dt_rows["deadline_end"].notna().sum())}</td>'
            f'<td class="num">{n_over}</td>'
            f'<td class="num">{warn_cell}</td>'
            f'<td><a href="#{ids[did]}-tasks">task rows</a></td></tr>')
    parts.append('<table class="docs"><thead><tr><th>document</th><th>title</th><th>place</th>'
                 '<th class="num">issued</th><th class="num">tasks</th><th class="num">dated</th>'
                 '<th class="num">overdue</th><th class="num">warnings</th><th>rows</th></tr></thead><tbody>'
                 + "".join(rows) + "</tbody></table></section>")

    # ---- workload
    wl = ds.workload(role=None)
    lead_wl = wl[wl["lead"] > 0]
    shown = lead_wl.head(top)
    parts.append('<section id="workload"><h2>Workload per lead agency</h2>'
                 f'<p class="note">Task rows each agency leads (chủ trì), by canonical agency name from '
                 f'task_agencies; the thin light bar is the rows it supports (phối hợp). The same kind of office '
                 f'in different districts shares one name. '
                 f'{"Top " + str(len(shown)) + " of " + str(len(lead_wl)) + " lead agencies; " if len(lead_wl) > len(shown) else ""}'
                 f'all {len(wl)} agencies in the table below.</p>')
    if len(shown):
        parts.append(workload_chart([(r["name"], int(r["lead"]), int(r["support"])) for _, r in shown.iterrows()],
                                    "Tasks led per agency"))
    else:
        parts.append('<p class="muted">No agency is named as lead.</p>')
    docs_per = ds.task_agencies.groupby("name", observed=True)["doc_id"].nunique()
    parts.append('<details><summary>All agencies (lead / support / total)</summary>'
                 '<table class="workload"><thead><tr><th>agency</th><th class="num">led</th>'
                 '<th class="num">supported</th><th class="num">total</th><th class="num">documents</th></tr>'
                 '</thead><tbody>' + "".join(
                     f'<tr><td>{esc(r["name"])}</td><td class="num">{r["lead"]}</td><td class="num">{r["support"]}</td>'
                     f'<td class="num">{r["total"]}</td><td class="num">{int(docs_per.get(r["name"], 0))}</td></tr>'
                     for _, r in wl.iterrows()) + "</tbody></table></details></section>")

    # ---- deadlines
    parts.append('<section id="deadlines"><h2>Deadline timeline</h2>'
                 '<p class="note">Tasks by the month (then quarter) of their due date (<code>deadline_end</code>: '
                 'the last day of the deadline period), stacked by document.</p>')
    doc_labels = {d["doc_id"]: f'{_doc_label(d)} — {_s(d["place"]) or d["doc_id"]}' for _, d in docs.iterrows()}
    for freq, label in (("M", "month"), ("Q", "quarter")):
        table = ds.due_by_period(freq)
        if table.empty:
            parts.append('<p class="muted">No task has a due date.</p>')
            break
        series_keys = [c for c in table.columns if c != "total" and table[c].sum() > 0]
        series = [(k, doc_labels.get(k, k), [int(v) for v in table[k]]) for k in series_keys]
        periods = [str(p) for p in table.index]
        parts.append(f'<h3>By {label}</h3>')
        parts.append(timeline_chart(periods, series, f"Tasks due per {label}"))
        if freq == "M":
            parts.append(legend([(k, doc_labels.get(k, k)) for k in series_keys]))
    undated = real_tasks[real_tasks["deadline_end"].isna()]
    if len(undated):
        counts = undated["deadline_kind"].value_counts()
        counts = counts[counts > 0]
        parts.append(f'<p class="note">{len(undated)} task rows have no due date: ' + ", ".join(
            f'{esc(k)} {int(v)}' for k, v in counts.items()) + ".</p>")
    parts.append("</section>")

    # ---- overdue
    parts.append(f'<section id="overdue"><h2>Overdue on {as_of.isoformat()}</h2>'
                 f'<p class="note">Tasks whose due date is before {as_of.isoformat()} (the documents do not '
                 f'record completion).</p>')
    if len(overdue):
        parts.append('<table class="overdue"><thead><tr><th>document</th><th>TT</th><th>task</th><th>lead</th>'
                     '<th>deadline</th><th class="num">due</th><th class="num">days late</th></tr></thead><tbody>'
                     + "".join(
                         f'<tr><td><a href="#{ids[r["doc_id"]]}-row-{int(r["row"])}" title="{esc(r["doc_id"])}">'
                         f'{esc(places.get(r["doc_id"]) or r["doc_id"])} row {int(r["row"])}</a></td><td>{esc(_s(r["tt"]))}</td><td>{_text(r["content"])}</td>'
                         f'<td>{_text(r["lead"])}</td><td>{_text(r["deadline"])}</td>'
                         f'<td class="num">{_date(r["deadline_end"])}</td><td class="num">{r["days_overdue"]}</td></tr>'
                         for _, r in overdue.iterrows()) + "</tbody></table>")
    else:
        parts.append('<p class="muted">Nothing is overdue.</p>')
    parts.append("</section>")

    # ---- warnings
    parts.append('<section id="warnings"><h2>Warnings</h2>')
    any_warn = False
    for _, d in docs.iterrows():
        if not d["warnings"]:
            continue
        any_warn = True
        parts.append(f'<h3 id="{ids[d["doc_id"]]}-warnings"><a href="#{ids[d["doc_id"]]}">{esc(_doc_label(d))}</a> '
                     f'<span class="muted">{esc(d["doc_id"])}</span></h3><ul class="warnings">' + "".join(
                         _warning_item(w) for w in d["warnings"]) + "</ul>")
    if not any_warn:
        parts.append('<p class="muted">No document carries a warning.</p>')
    parts.append("</section>")

    # ---- documents
    parts.append('<section id="documents"><h2>Task rows per document</h2>')
    for _, d in docs.iterrows():
        did, aid = d["doc_id"], ids[d["doc_id"]]
        dtasks = tasks[tasks["doc_id"] == did]
        meta = [("doc_id", d["doc_id"]), ("type", d["doc_type"]), ("number", d["number_raw"]),
                ("issued", d["issue_date_raw"]), ("place", d["place"]), ("issuer", d["issuer"]),
                ("signed", " — ".join(x for x in (d["signer_authority"], d["signer_position"], d["signer_name"])
                                      if isinstance(x, str) and x)),
                ("jurisdiction", ", ".join(x for x in (d["district"], d["province"]) if isinstance(x, str) and x)),
                ("source", d["source_path"])]
        parts.append(f'<section class="doc" id="{aid}"><h3>{esc(_doc_label(d))}: {_text(d["title"])}'
                     f'<a class="back" href="#summary">↑ summary</a></h3><dl class="meta">' + "".join(
                         f"<dt>{esc(k)}</dt><dd>{_text(v)}</dd>" for k, v in meta
                         if v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v) != "") + "</dl>")
        if d["warnings"]:
            parts.append(f'<p class="warn">{len(d["warnings"])} warning(s): '
                         f'<a href="#{aid}-warnings">see warnings</a></p>')
        table_id = f"{aid}-tasks"
        parts.append(f'<input class="filter" type="search" placeholder="filter rows…" aria-label="filter rows" '
                     f'data-table="{table_id}" data-counter="{aid}-count"> '
                     f'<span class="muted" id="{aid}-count">{len(dtasks)} rows</span>')
        body = []
        for _, t in dtasks.iterrows():
            row = int(t["row"])
            cls = "group" if t["is_group"] else ("overdue" if (did, row) in overdue_keys else "")
            kind = "" if pd.isna(t["deadline_kind"]) else str(t["deadline_kind"])
            cls_attr = f' class="{cls}"' if cls else ""
            body.append(
                f'<tr id="{aid}-row-{row}"{cls_attr}>'
                f'<td class="num">{row}</td><td>{esc(_s(t["tt"]))}</td><td class="content">{_text(t["content"])}</td>'
                f'<td>{_text(t["lead"])}</td><td>{_text(t["support"])}</td><td>{_text(t["deadline"])}</td>'
                f'<td>{esc(kind)}</td><td class="num">{_date(t["deadline_end"])}</td>'
                f'<td>{_text(t["product"])}</td></tr>')
        parts.append(f'<table class="tasks" id="{table_id}"><thead><tr><th class="num">row</th><th>TT</th>'
                     '<th>content</th><th>lead</th><th>support</th><th>deadline</th><th>kind</th>'
                     '<th class="num">due</th><th>product</th></tr></thead><tbody>' + "".join(body)
                     + "</tbody></table></section>")
    parts.append("</section>")

    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    src = f" from <code>{esc(source)}</code>" if source else ""
    return "".join([
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        '<title>plan-extract report</title>'
        f"<style>{CSS}</style></head><body>",
        f'<header class="top"><h1>plan-extract report</h1><p>{len(docs)} documents{src}; '
        f'overdue as of {as_of.isoformat()}; generated {generated}.</p></header>',
        '<nav><a href="#summary">Documents</a><a href="#workload">Workload</a><a href="#deadlines">Deadlines</a>'
        '<a href="#overdue">Overdue</a><a href="#warnings">Warnings</a><a href="#documents">Task rows</a></nav>',
        "<main>", *parts, "</main>",
        '<footer>Generated by plan-extract. Self-contained page: no network access.</footer>',
        f"<script>{JS}</script></body></html>\n",
    ])


def _warning_item(w: dict) -> str:
    return f"<li><code>{esc(w['code'])}</code> {esc(w['message'])}</li>"


def write(path: Path, text: str) -> Path:
    from ..writers.atomic import write_bytes

    write_bytes(path, text.encode("utf-8"), durable=False)
    return path
