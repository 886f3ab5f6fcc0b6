"""Web-page reader benchmark: a portal page of about 5 MB (the hiep-hoa sample as the
portal fixture renders it, inside 5 MB of portal chrome: news lists, menus, scripts and
styles) read into the IR, and extracted end to end. Best of ``--repeat`` runs.

    python bench/bench_html.py [--repeat 5] [--mb 5]

Writes its figures to bench/RESULTS-html.md (target: the 5 MB page read in under 1 s).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))


def big_page(mb: float) -> bytes:
    from make_html import build_html

    text = build_html("hiep-hoa-2024-kiem-soat-tthc", "portal").decode("utf-8")
    chunk = (
        "<div class='tin'><a href='/t/{i}'>Tin tức số {i}: hội nghị triển khai nhiệm vụ năm 2024</a> "
        "<span class='ngay'>ngày 01/01/2024</span><script>track({i})</script>"
        "<style>.t{i}{{color:red}}</style></div>\n"
    )
    parts, size, i = [], 0, 0
    while size < mb * 1_000_000 - len(text):
        s = chunk.format(i=i)
        parts.append(s)
        size += len(s.encode("utf-8"))
        i += 1
    half = len(parts) // 2
    text = text.replace("<nav ", "<div class=tin-tuc>" + "".join(parts[:half]) + "</div><nav ", 1)
    return text.replace("<footer>", "<div class=tin-khac>" + "".join(parts[half:]) + "</div><footer>", 1).encode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--mb", type=float, default=5.0)
    args = ap.parse_args()
    from plan_extract.options import Options
    from plan_extract.pipeline import build_document
    from plan_extract.readers import read

    data = big_page(args.mb)
    path = Path("bench-portal.html")
    read(path, data)  # warm-up: imports, reference data
    reads, totals = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ir = read(path, data)
        reads.append(time.perf_counter() - t)
        doc = build_document(ir, "bench-portal", Options())
        totals.append(time.perf_counter() - t)
    size_mb = len(data) / 1_000_000
    lines = [
        "# Web-page reader benchmark",
        "",
        f"`python bench/bench_html.py --repeat {args.repeat} --mb {args.mb:g}` on {platform.machine()}, "
        f"Python {platform.python_version()}: a portal page of {size_mb:.2f} MB (the hiep-hoa sample inside "
        "portal chrome: news lists, menus, scripts, styles), best of the runs (all runs in seconds).",
        "",
        "| step | best s | MB/s | runs |",
        "|---|---|---|---|",
        f"| read into the IR (decode, parse, strip, find the body, walk) | {min(reads):.3f} | "
        f"{size_mb / min(reads):.1f} | {', '.join(f'{x:.3f}' for x in reads)} |",
        f"| read + extract (header, sections, {len(doc.tasks)} task rows) | {min(totals):.3f} | "
        f"{size_mb / min(totals):.1f} | {', '.join(f'{x:.3f}' for x in totals)} |",
        "",
        f"Target: a 5 MB portal page read in under 1 s — {'met' if min(reads) < 1 else 'NOT met'}.",
        f"Body element: `{ir.source.element}`.",
        "",
    ]
    (ROOT / "bench" / "RESULTS-html.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
