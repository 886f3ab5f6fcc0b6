"""Benchmark of ``parsers.layout.rejoin`` (paragraphs starting in lower case joined to
the one before): a plan whose body is N paragraphs that each continue the previous
one, as a converted text with a blank line after every wrapped line gives. The join
used to rebuild the text at every continuation (quadratic: 200,000 paragraphs took
20 s); it collects the pieces and joins once.

    python bench/bench_rejoin.py [--sizes 50000 200000] [--repeat 3]

Prints a markdown table and writes it to bench/RESULTS-rejoin.md: the median seconds
of ``rejoin`` alone and of the whole extraction of the text file.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

HEAD = (
    "Số: 9/KH-UBND\n\nVĩnh Bảo, ngày 05 tháng 02 năm 2024\n\nKẾ HOẠCH\nThử nghiệm\n\n"
    "I. NỘI DUNG\n\nNội dung bắt đầu ở đây,\n\n"
)


def document(n: int) -> str:
    return HEAD + "".join(f"tiếp theo dòng số {i} của đoạn văn rất dài\n\n" for i in range(n))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[50_000, 200_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from plan_extract.ir import Paragraph, Provenance
    from plan_extract.parsers.layout import rejoin
    from plan_extract.pipeline import extract_document

    rows = []
    for n in args.sizes:
        paras = [Paragraph(f"tiếp theo dòng số {i}", Provenance("bench", line=i)) for i in range(n)]
        paras.insert(0, Paragraph("Nội dung bắt đầu ở đây,", Provenance("bench", line=0)))
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            joined = rejoin(paras)
            times.append(time.perf_counter() - start)
        assert len(joined) == 1
        path = Path(f"/tmp/bench-rejoin-{n}.txt")
        path.write_text(document(n), encoding="utf-8")
        whole = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            extract_document(path)
            whole.append(time.perf_counter() - start)
        path.unlink()
        rows.append((n, statistics.median(times), statistics.median(whole)))
    lines = ["| paragraphs | rejoin (s) | whole extraction of the .txt (s) |", "|---:|---:|---:|"]
    lines += [f"| {n:,} | {a:.3f} | {b:.2f} |" for n, a, b in rows]
    text = (
        f"# rejoin benchmark\n\nPython {platform.python_version()} on {platform.machine()}, "
        f"median of {args.repeat}; `python bench/bench_rejoin.py`.\n\n" + "\n".join(lines) + "\n"
    )
    print(text)
    (Path(__file__).resolve().parent / "RESULTS-rejoin.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
