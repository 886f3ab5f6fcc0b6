"""The real-document corpus (tests/corpus): the project against a generic baseline.

    python bench/bench_corpus.py [--out bench/RESULTS-corpus.md]

Per document with gold: gold rows, the project's perfect rows and row recall, the
baseline's, the header figure and (where the agency-split gold covers it) the share of
lead/support cells split into the right mentions. The baseline is what a generic
converter gives before any project rule: every table of the file as its library reads
it (python-docx for Word, pdfplumber for PDF, lxml for web pages, pipe rows for text),
its first row taken as the header, columns mapped with the same vocabulary, rows taken
as they are, and the same hierarchy rules; no merges, no continuations, no group-row
rules, no layout tables. Scores come from tests/corpus/score.py (the contract's scorer).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT / "src"))


def _scorer():
    spec = importlib.util.spec_from_file_location("corpus_score", CORPUS / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


# -- the generic baseline ---------------------------------------------------------------


def _tables_docx(path: Path) -> list[list[list[str]]]:
    import docx  # python-docx

    doc = docx.Document(str(path))
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def _tables_pdf(path: Path) -> list[list[list[str]]]:
    import pdfplumber

    out = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            for t in page.extract_tables():
                out.append([[c or "" for c in row] for row in t])
    return out


def _tables_html(path: Path) -> list[list[list[str]]]:
    from lxml import html

    root = html.fromstring(path.read_bytes())
    return [
        [[" ".join(td.text_content().split()) for td in tr.findall("./td") + tr.findall("./th")] for tr in t.iter("tr")]
        for t in root.iter("table")
    ]


def _tables_text(path: Path) -> list[list[list[str]]]:
    tables, cur = [], []
    for line in path.read_text("utf-8", errors="replace").splitlines():
        s = line.strip()
        if s.startswith("|") and s.count("|") >= 2:
            cells = [c.strip().replace("**", "") for c in s.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                cur.append(cells)
        elif cur:
            tables.append(cur)
            cur = []
    if cur:
        tables.append(cur)
    return tables


def baseline(path: Path) -> dict:
    from plan_extract.parsers.tasktable.columns import match_header
    from plan_extract.parsers.tasktable.hierarchy import assign

    ext = path.suffix.lower()
    reader = {
        ".docx": _tables_docx,
        ".pdf": _tables_pdf,
        ".htm": _tables_html,
        ".html": _tables_html,
        ".md": _tables_text,
        ".txt": _tables_text,
    }.get(ext)
    rows = []
    try:
        tables = reader(path) if reader else []
    except Exception:  # noqa: BLE001 - a baseline that cannot read the file gives nothing
        tables = []
    for t in tables:
        if not t:
            continue
        cmap = match_header(t[0])
        if cmap is None or not cmap.is_task_table:
            continue
        for r in t[1:]:
            values = {f: "" for f in ("tt", "content", "lead", "support", "deadline", "product")}
            for fld, text in zip(cmap.fields, r):
                if fld:
                    values[fld] = " ".join(text.split())
            rows.append(values)
    groups = [not any(v[f] for f in ("lead", "support", "deadline", "product")) for v in rows]
    placed = assign([v["tt"] for v in rows], groups, [False] * len(rows))
    tasks = [
        dict(v, row=i + 1, is_group=g, parent_row=(p + 1 if p is not None else None), level=lv)
        for i, (v, g, (p, lv)) in enumerate(zip(rows, groups, placed))
    ]
    return {"tasks": tasks}


# -- agency splits -----------------------------------------------------------------------


def agency_split_share(out: Path) -> dict[str, tuple[int, int]]:
    """Per document: (cells split into the gold's mentions, cells) over the cells of the
    agency-split gold whose row the pipeline found with the same text."""
    gold_file = CORPUS / "gold" / "agency_splits.json"
    if not gold_file.exists():
        return {}
    gold = json.loads(gold_file.read_text("utf-8"))["cells"]
    fold = _scorer().fold
    res: dict[str, list[int]] = {}
    cache: dict[str, dict] = {}
    for cell in gold:
        doc = cell["doc_id"]
        if doc not in cache:
            f = out / "json" / f"{doc}.json"
            cache[doc] = json.loads(f.read_text("utf-8")) if f.exists() else {"tasks": []}
        by_text: dict[str, list] = {}
        for t in cache[doc]["tasks"]:
            for role in ("lead", "support"):
                by_text.setdefault(f"{role}|{fold(t[role])}", []).append(t[f"{role}_agencies"])
        got = by_text.get(f"{cell['role']}|{fold(cell['text'])}")
        ok = bool(got) and [fold(m["raw"]) for m in got[0]] == [fold(m) for m in cell["mentions"]]
        r = res.setdefault(doc, [0, 0])
        r[0] += ok
        r[1] += 1
    return {d: (a, b) for d, (a, b) in res.items()}


def run(out_md: Path) -> str:
    score = _scorer()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        subprocess.run(
            [sys.executable, "-m", "plan_extract.cli", "extract", str(CORPUS / "docs"), "-o", str(out), "-q"],
            check=False,
            capture_output=True,
        )
        splits = agency_split_share(out)
        lines = [
            "# Real-document corpus: the project against a generic baseline",
            "",
            "Made by `python bench/bench_corpus.py`. Gold: `tests/corpus/gold` (documents with a task "
            "table, and documents without one for the header). Baseline: the file's tables as python-docx, "
            "pdfplumber, lxml or plain pipe rows give them, first row as header, the same column vocabulary "
            "and hierarchy rules, no other project rule.",
            "",
            "| document | gold rows | perfect | row recall | baseline perfect | baseline recall | header | "
            "agency cells split right |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        tot = {
            "rows": 0,
            "perfect": 0,
            "matched": 0,
            "b_perfect": 0,
            "b_matched": 0,
            "h": 0,
            "hn": 0,
            "s_ok": 0,
            "s_n": 0,
        }
        for gf in sorted((CORPUS / "gold").glob("*.json")):
            gold = json.loads(gf.read_text("utf-8"))
            if "doc_id" not in gold:
                continue
            doc = gold["doc_id"]
            pf = out / "json" / f"{doc}.json"
            pred = json.loads(pf.read_text("utf-8")) if pf.exists() else {}
            t = score.score_tasks(gold, pred)
            src = next((CORPUS / "docs").glob(f"{doc}.*"))
            b = score.score_tasks(gold, baseline(src))
            h = score.score_header(gold, pred)
            n = t["gold_rows"]
            ok, cells = splits.get(doc, (0, 0))
            tot["rows"] += n
            tot["perfect"] += t["perfect_rows"]
            tot["matched"] += t["matched_rows"]
            tot["b_perfect"] += b["perfect_rows"]
            tot["b_matched"] += b["matched_rows"]
            tot["h"] += sum(h.values())
            tot["hn"] += len(h)
            tot["s_ok"] += ok
            tot["s_n"] += cells

            def pct(a: int, d: int) -> str:
                return f"{a / d:.3f}" if d else "–"

            lines.append(
                f"| {doc} | {n} | {pct(t['perfect_rows'], n)} | {pct(t['matched_rows'], n)} | "
                f"{pct(b['perfect_rows'], n)} | {pct(b['matched_rows'], n)} | "
                f"{pct(sum(h.values()), len(h))} | {pct(ok, cells)} |"
            )
        r = tot["rows"]
        lines.append(
            f"| **all** | {r} | **{tot['perfect'] / r:.3f}** | **{tot['matched'] / r:.3f}** | "
            f"{tot['b_perfect'] / r:.3f} | {tot['b_matched'] / r:.3f} | **{tot['h'] / tot['hn']:.3f}** | "
            f"{(tot['s_ok'] / tot['s_n']) if tot['s_n'] else 0:.3f} |"
        )
        text = "\n".join(lines) + "\n"
    out_md.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS-corpus.md"))
    a = ap.parse_args()
    print(run(Path(a.out)))


if __name__ == "__main__":
    main()
