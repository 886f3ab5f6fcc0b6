"""Batch benchmark: docs/s, MB/s and peak memory of `plan-extract extract` over
generated documents, for several N and worker counts, and the time of a re-run over
the unchanged folder.

    python bench/bench_batch.py [--sizes 1000 10000] [--workers 1 2] [--repeat 3] [--docx-share 0.02] [--cold]

Each configuration runs the real command in a fresh process (and a fresh output
folder), --repeat times; the table gives the median time (and the median re-run over
the unchanged folder). The output folder of the previous repeat is moved aside, not
deleted, until the end: on a file system without a journal (ext4 here), the inodes of
thousands of files deleted moments before make every new file's allocation scan them
(ext4 skips recently deleted inodes), seconds of kernel time that have nothing to do
with this tool and fall on one run or another at random. The inputs are read once
before the runs of each N, so that the first run, like the others, finds them in the
page cache instead of waiting for the disk; ``--cold`` drops them from the page cache
before every run instead, as for a folder just received (results in
bench/RESULTS-batch-cold.md). Peak memory is the largest
resident set of one process (the command or one of its workers), over all repeats. Results are printed as a markdown
table and written to bench/RESULTS-batch.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXE = [sys.executable, "-m", "plan_extract.cli"]


def _run(args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS MB of the largest process: the command or one of its workers)."""
    start = time.perf_counter()
    proc = subprocess.Popen(EXE + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)  # this run's usage only, its workers included
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, EXE + args)
    return seconds, usage.ru_maxrss / 1024


def _evict(folder: Path) -> None:
    """Drop the folder's files from the page cache (they are clean: nothing is lost)."""
    for p in folder.iterdir():
        fd = os.open(p, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--docx-share", type=float, default=0.0)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="drop the inputs from the page cache before every run (a folder just received)",
    )
    a = ap.parse_args()
    trash = a.work / "trash"
    shutil.rmtree(trash, ignore_errors=True)
    trash.mkdir(parents=True)
    speedups: list[str] = []
    runs: list[str] = []  # every first run's seconds, in the order they ran
    lines = [
        "| N | workers | seconds (min–max) | docs/s | docs/s per worker | MB/s | peak RSS MB | re-run s | re-run % |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n in a.sizes:
        src = a.work / f"docs-{n}"
        if not src.exists():
            generate(n, src, seed=n, docx_share=a.docx_share)
        mb = sum(p.stat().st_size for p in src.iterdir()) / 1e6
        if not a.cold:
            for p in src.iterdir():  # every run finds the inputs in the page cache, the first one too
                p.read_bytes()
        # the worker counts take turns, repeat after repeat, so that a slow spell of a
        # shared machine falls on all of them alike
        firsts: dict[int, list[float]] = {w: [] for w in a.workers}
        agains: dict[int, list[float]] = {w: [] for w in a.workers}
        peaks: dict[int, list[float]] = {w: [] for w in a.workers}
        for _ in range(a.repeat):
            for w in a.workers:
                out = a.work / f"out-{n}-w{w}"
                if out.exists():
                    out.rename(trash / f"{out.name}-{time.monotonic_ns()}")
                subprocess.run(["sync"], check=False)  # the last run's writes do not slow this one
                if a.cold:
                    _evict(src)
                secs, peak = _run(["extract", str(src), "-o", str(out), "-w", str(w), "--quiet"])
                again, _ = _run(["extract", str(src), "-o", str(out), "-w", str(w), "--quiet"])
                firsts[w].append(secs)
                agains[w].append(again)
                peaks[w].append(peak)
        for w in a.workers:
            secs, again, peak = statistics.median(firsts[w]), statistics.median(agains[w]), max(peaks[w])
            spread = f"{min(firsts[w]):.1f}–{max(firsts[w]):.1f}"
            lines.append(
                f"| {n} | {w} | {secs:.1f} ({spread}) | {n / secs:.0f} | {n / secs / w:.0f} | "
                f"{mb / secs:.1f} | {peak:.0f} | {again:.2f} | {100 * again / secs:.1f} |"
            )
            print(lines[-1], flush=True)
        base = statistics.median(firsts[a.workers[0]])
        for w in a.workers[1:]:
            # each repeat runs the worker counts back to back: the ratio within a repeat
            # is the least disturbed by the machine's slow and fast spells
            paired = [b / t for b, t in zip(firsts[a.workers[0]], firsts[w])]
            speedups.append(
                f"N = {n}: {w} workers {base / statistics.median(firsts[w]):.2f}x "
                f"the speed of {a.workers[0]} (ratio of the medians); repeat by repeat "
                f"{statistics.median(paired):.2f}x (median; {min(paired):.2f}–{max(paired):.2f})"
            )
        runs.append(
            f"N = {n}: "
            + "; ".join(
                f"{w} worker{'s' if w > 1 else ''} " + ", ".join(f"{t:.1f}" for t in firsts[w]) for w in a.workers
            )
        )
    shutil.rmtree(trash, ignore_errors=True)
    text = (
        "\n".join(lines)
        + "\n\n"
        + ";\n".join(speedups)
        + ".\n\nSeconds of every run, repeat by repeat:\n"
        + "\n".join(f"- {r}" for r in runs)
    )
    cold = " --cold" if a.cold else ""
    info = (
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {a.repeat} runs; "
        f"`python bench/bench_batch.py --sizes {' '.join(map(str, a.sizes))} "
        f"--workers {' '.join(map(str, a.workers))} --repeat {a.repeat}{cold}`"
        + (" (inputs dropped from the page cache before every run)" if a.cold else "")
        + "\n\n"
    )
    (ROOT / "bench" / f"RESULTS-batch{'-cold' if a.cold else ''}.md").write_text(
        "# Batch benchmark\n\n" + info + text + "\n", encoding="utf-8"
    )
    print(text)


if __name__ == "__main__":
    main()
