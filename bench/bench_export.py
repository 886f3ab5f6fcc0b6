"""Benchmark: export 10,000 task rows as the office workbook and the calendars.

The five samples are extracted once, then their tables are copied (doc_id suffixed
``-copy-N``) until the tasks table holds ``--tasks`` rows; the copy is written as one
Parquet file per table. Each repeat times, in one process: ``load`` (reading the
tables), ``--xlsx`` (the workbook, with its per-agency sheets) and ``--ics`` (the
calendars), the two last as the command runs them (``plan-extract export``).
Writes bench/RESULTS-export.md.

    PYTHONPATH=src python bench/bench_export.py [--tasks 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from plan_extract.api import load  # noqa: E402
from plan_extract.cli import main  # noqa: E402
from plan_extract.export.ics import write_calendars  # noqa: E402
from plan_extract.export.xlsx import write_workbook  # noqa: E402
from plan_extract.writers import schema as S  # noqa: E402


def build(tmp: Path, n_tasks: int) -> Path:
    samples = tmp / "samples-out"
    assert main(["extract", str(ROOT / "samples"), "-o", str(samples), "--quiet", "--workers", "1"]) == 0
    ds = load(samples)
    per_copy = len(ds.tasks)
    copies = -(-n_tasks // per_copy)
    out = tmp / "big"
    out.mkdir()
    for name in S.TABLES:
        folder = samples / name
        table = pq.read_table(folder if folder.is_dir() else samples / f"{name}.parquet")
        table = pa.Table.from_arrays([table.column(f.name).cast(f.type) for f in S.TABLES[name]], schema=S.TABLES[name])
        df = table.to_pandas()
        frames = []
        for k in range(copies):
            c = df.copy()
            c["doc_id"] = c["doc_id"] + f"-copy-{k}"
            frames.append(c)
        big = pd.concat(frames, ignore_index=True)
        if name == "tasks":
            big = big.iloc[:n_tasks]
        pq.write_table(pa.Table.from_pandas(big, schema=S.TABLES[name], preserve_index=False), out / f"{name}.parquet")
    return out


def main_(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS-export.md")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        out = build(tmp, args.tasks)
        runs = []
        for i in range(args.repeat):
            c0 = time.process_time()
            t0 = time.perf_counter()
            ds = load(out)
            t1 = time.perf_counter()
            res = write_workbook(ds, tmp / f"plan-{i}.xlsx", lang="vi")
            t2 = time.perf_counter()
            cal = write_calendars(ds, tmp / f"ics-{i}", lang="vi")
            t3 = time.perf_counter()
            runs.append(
                {
                    "load": t1 - t0,
                    "xlsx": t2 - t1,
                    "ics": t3 - t2,
                    "total": t3 - t0,
                    "cpu": time.process_time() - c0,
                    "size": (tmp / f"plan-{i}.xlsx").stat().st_size,
                }
            )
            print(
                f"run {i + 1}: load {t1 - t0:.2f} s, xlsx {t2 - t1:.2f} s, ics {t3 - t2:.2f} s, total {t3 - t0:.2f} s",
                file=sys.stderr,
            )
        n_tasks, n_docs = len(ds.tasks), len(ds.documents)
        med = {k: statistics.median(r[k] for r in runs) for k in ("load", "xlsx", "ics", "total", "cpu")}
        lines = [
            "# Export benchmark (bench/bench_export.py)",
            "",
            f"{n_tasks:,} task rows of {n_docs} documents (the five samples copied), "
            f"{len(res['agencies'])} agency sheets, {cal['events']:,} calendar events in {len(cal['files'])} files; "
            f"workbook {runs[-1]['size'] / 1e6:.1f} MB.",
            f"Machine: {platform.machine()}, Python {platform.python_version()}, one process; "
            f"median of {args.repeat} runs; seconds are wall-clock, `cpu` the process's CPU time for the "
            f"whole export (wall-clock grows when other work shares the cores; the load average is "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end of this run).",
            "",
            "| step | median s | min–max s |",
            "|---|---|---|",
        ]
        for k in ("load", "xlsx", "ics", "total", "cpu"):
            vals = [r[k] for r in runs]
            lines.append(f"| {k} | {med[k]:.2f} | {min(vals):.2f}–{max(vals):.2f} |")
        lines += [
            "",
            f"Target: the whole export of 10,000 tasks under 10 s: wall-clock "
            f"{'met' if med['total'] < 10 else 'NOT met'} ({med['total']:.2f} s), CPU time "
            f"{'met' if med['cpu'] < 10 else 'NOT met'} ({med['cpu']:.2f} s).",
            "",
        ]
        args.results.write_text("\n".join(lines), "utf-8")
        print("\n".join(lines))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main_())
