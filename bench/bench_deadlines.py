"""Deadline normaliser speed: microseconds per call (uncached) over every deadline cell
of the gold files. A benchmark, not a test: wall-clock figures depend on the machine.

    python bench/bench_deadlines.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from plan_extract.normalize import deadlines as D

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold"


def cells() -> list[tuple[str, int | None, int | None]]:
    out = []
    for path in sorted(GOLD.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        issue = doc["header"].get("issue_date")
        year = int(issue[:4]) if issue else None
        month = int(issue[5:7]) if issue and len(issue) >= 7 else None
        out += [(t.get("deadline") or "", year, month) for t in doc["tasks"] if t.get("deadline_norm") is not None]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    raw = D._normalize.__wrapped__  # the uncached function
    work = cells()
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for text, year, month in work:
            raw(text, year, month)
    per_call = (time.perf_counter() - t0) / (args.repeat * len(work))
    print(f"{len(work)} cells x {args.repeat}: {per_call * 1e6:.1f} us per call (uncached)")


if __name__ == "__main__":
    main()
