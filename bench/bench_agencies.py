"""Benchmark: match 100,000 agency mentions against the registry on one core.

Mentions are drawn from the lead / support cells of tests/gold/*.json and variations of
them (case, old-style tone placement, abbreviations written out or shortened, trailing
punctuation, a doubled last word, spacing, and typos that defeat the exact lookup), then
matched with a fresh ``AgencyMatcher`` per sample document (cold cache).

    PYTHONPATH=src python bench/bench_agencies.py [--n 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from plan_extract.model import Jurisdiction  # noqa: E402
from plan_extract.normalize.agencies import AgencyMatcher, AgencyRegistry, split_mentions  # noqa: E402

DOCS = {
    "xuan-loc-2022-cai-cach-hanh-chinh": (Jurisdiction("huyen", "Đồng Nai", "75", "Xuân Lộc", "741"), None),
    "hiep-hoa-2024-kiem-soat-tthc": (Jurisdiction("huyen", "Bắc Giang", "24", "Hiệp Hòa", "223"), None),
    "tam-duong-2021-de-an-468": (Jurisdiction("huyen", "Lai Châu", "12", "Tam Đường", "106"), None),
    "vinh-bao-2024-kiem-soat-tthc": (
        Jurisdiction("huyen", "Hải Phòng", "31", "Vĩnh Bảo", "316"),
        "ỦY BAN NHÂN DÂN HUYỆN VĨNH BẢO",
    ),
    "ha-tinh-so-noi-vu-2024-kiem-soat-tthc": (Jurisdiction("tinh", "Hà Tĩnh", "42"), "GIÁM ĐỐC SỞ NỘI VỤ"),
}
SWAPS = [
    ("Ủy ban nhân dân", "UBND"),
    ("UBND", "Ủy ban nhân dân"),
    ("HĐND", "Hội đồng nhân dân"),
    ("Hòa", "Hoà"),
    ("hóa", "hoá"),
    ("Văn hóa - Thông tin", "VH-TT"),
    ("thủ tục hành chính", "TTHC"),
    ("TTHC", "thủ tục hành chính"),
    ("Phòng", "phòng"),
    ("và", "&"),
]


def variant(m: str, rnd: random.Random) -> str:
    r = rnd.random()
    if r < 0.30:
        return m
    if r < 0.40:
        return m.upper()
    if r < 0.45:
        return m.lower()
    if r < 0.60:
        a, b = rnd.choice(SWAPS)
        return m.replace(a, b)
    if r < 0.65:
        return m + rnd.choice([".", ";", ",", " ."])
    if r < 0.70:
        return m + " " + m.split()[-1]
    if r < 0.75:
        return "  ".join(m.split())
    # a typo: drop, double or swap one character
    if len(m) < 4:
        return m
    i = rnd.randrange(1, len(m) - 1)
    op = rnd.randrange(3)
    if op == 0:
        return m[:i] + m[i + 1 :]
    if op == 1:
        return m[:i] + m[i] + m[i:]
    return m[: i - 1] + m[i] + m[i - 1] + m[i + 1 :]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rnd = random.Random(args.seed)

    base: dict[str, list[str]] = {}
    for doc in DOCS:
        data = json.loads((ROOT / "tests" / "gold" / f"{doc}.json").read_text(encoding="utf-8"))
        cells = {t[k] for t in data["tasks"] for k in ("lead", "support") if t.get(k)}
        base[doc] = sorted({m for c in cells for m in split_mentions(c)})
    per_doc = args.n // len(DOCS)
    work = {doc: [variant(rnd.choice(ms), rnd) for _ in range(per_doc)] for doc, ms in base.items()}
    total = sum(len(v) for v in work.values())
    unique = sum(len(set(v)) for v in work.values())

    t0 = time.perf_counter()
    registry = AgencyRegistry.load()
    t_load = time.perf_counter() - t0

    matched = 0
    t0 = time.perf_counter()
    for doc, mentions in work.items():
        jur, issuer = DOCS[doc]
        matcher = AgencyMatcher(registry, jur, issuer)
        for m in mentions:
            matched += matcher.match(m).matched
    elapsed = time.perf_counter() - t0

    print(f"registry load: {t_load:.3f} s ({len(registry)} types)")
    print(f"mentions: {total} ({unique} distinct strings), matched: {matched} ({100 * matched / total:.1f}%)")
    print(f"total: {elapsed:.3f} s, {total / elapsed:,.0f} mentions/s (target: under 5 s)")


if __name__ == "__main__":
    main()
