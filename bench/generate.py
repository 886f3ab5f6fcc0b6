"""Generate N realistic plan documents from the five samples, for benchmarks.

    python bench/generate.py N OUTDIR [--seed 1] [--docx-share 0.02]

Each document is a sample with its number, issue day, years (shifted together),
deadlines and agency names varied; a share of them is written as .docx (through the
test suite's Word fixture builder) so that batches mix formats as real ones do.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
PHONG = [
    "Phòng Tư pháp",
    "Phòng Nội vụ",
    "Phòng Tài chính - Kế hoạch",
    "Phòng Văn hóa và Thông tin",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Kinh tế và Hạ tầng",
    "Phòng Y tế",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Lao động - Thương binh và Xã hội",
]
_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")
_NUMBER = re.compile(r"^(Số:\s*)(\d*)(\s*/)", re.M)
_DAY = re.compile(r"(ngày )(\d{1,2})?( tháng)")
_PHONG = re.compile("|".join(re.escape(p) for p in PHONG))


def vary(text: str, rnd: random.Random) -> str:
    shift = rnd.randint(-3, 2)
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    text = _NUMBER.sub(lambda m: f"{m.group(1)}{rnd.randint(1, 9999)}{m.group(3)}", text, count=1)
    text = _DAY.sub(lambda m: f"{m.group(1)}{rnd.randint(1, 28):02d}{m.group(3)}", text, count=1)
    return _PHONG.sub(lambda m: rnd.choice(PHONG), text)


def generate(n: int, out: Path, seed: int = 1, docx_share: float = 0.0) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    sources = [(p.stem, p.read_text("utf-8")) for p in SAMPLES]
    make_docx = None
    if docx_share > 0:
        sys.path.insert(0, str(ROOT / "tests"))
        from fixtures.make_docx import docx_from_text as make_docx  # the test suite's builder
    paths = []
    for i in range(n):
        stem, text = sources[i % len(sources)]
        body = vary(text, rnd)
        if make_docx is not None and rnd.random() < docx_share:
            path = out / f"{stem}-{i:06d}.docx"
            path.write_bytes(make_docx(body))
        else:
            path = out / f"{stem}-{i:06d}.txt"
            path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--docx-share", type=float, default=0.0)
    a = ap.parse_args()
    paths = generate(a.n, a.out, a.seed, a.docx_share)
    print(f"{len(paths)} documents in {a.out}")


if __name__ == "__main__":
    main()
