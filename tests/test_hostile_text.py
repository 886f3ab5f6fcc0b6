"""Hostile and broken inputs, text and file-system cases: each case is made by the
test itself, runs in one batch with a good document, and has its expected outcome
(extracted with the right figures, or rejected with a one-line reason)."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

from plan_extract.cli import main
from plan_extract.errors import REJECTION_CODES
from textcodecs import to_cp1258

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "samples" / "hiep-hoa-2024-kiem-soat-tthc.txt"
HEADER = "TT\tNội dung công việc\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tSản phẩm\n"
PLAN_HEAD = (
    "Số: 9/KH-UBND\n\nVĩnh Bảo, ngày 05 tháng 02 năm 2024\n\nKẾ HOẠCH\nThử nghiệm\n\nI. NỘI DUNG\n\nNội dung.\n\n"
)


def run_batch(folder: Path, out: Path, *extra: str) -> dict[str, dict]:
    assert main(["extract", str(folder), "-o", str(out), "-q", "-w", "2", *extra]) == 0
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    return {Path(r["path"]).name: r for r in m["inputs"]}


def assert_good_extracted(result: dict[str, dict]) -> None:
    good = result["good.txt"]
    assert good["status"] == "extracted" and good["tasks"] == 46


def assert_rejected(rec: dict, starts: str, code: str | None = None) -> None:
    assert rec["status"] == "rejected", rec
    assert rec["reason"].startswith(starts), rec["reason"]
    assert "\n" not in rec["reason"] and len(rec["reason"]) <= 300
    assert rec["code"] in REJECTION_CODES, rec
    if code is not None:
        assert rec["code"] == code, rec


def test_catalogue_of_broken_text_files(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(GOOD, d / "good.txt")
    rnd = random.Random(1)
    cases = {
        "empty.txt": b"",
        "whitespace.txt": b" \n\t \r\n   \n",
        "random.txt": bytes(rnd.randrange(256) for _ in range(20000)),
        "invalid-utf8.txt": b"S\xe1\xbb\x91: 1/KH\n\xff\xfe\xfa\xfb\x00\x01\x02\x03" * 50,
        "nul-bytes.md": b"\x00" * 5000,
        "prose.txt": "Hôm nay trời đẹp.\nChúng tôi đi chơi công viên.\n".encode(),
        "invalid-utf16.txt": b"\xff\xfe" + "Kế hoạch".encode("utf-16-le") + b"\x00\xd8\x41",
    }
    for name, data in cases.items():
        (d / name).write_bytes(data)
    mixed = (
        (PLAN_HEAD + HEADER).encode("utf-8")
        + to_cp1258("1\tViệc một\tPhòng Tư pháp\t\tQuý II\tBáo cáo\n")
        + "2\tViệc hai\tVăn phòng\t\tQuý III\tKế hoạch\n".encode()
    )
    (d / "mixed-encodings.txt").write_bytes(mixed)
    r = run_batch(d, tmp_path / "out")
    assert_good_extracted(r)
    assert_rejected(r["empty.txt"], "empty file", "empty")
    assert_rejected(r["whitespace.txt"], "empty file", "empty")
    assert_rejected(r["random.txt"], "binary")
    assert_rejected(r["invalid-utf8.txt"], "binary")
    assert_rejected(r["nul-bytes.md"], "binary", "unsupported")
    assert_rejected(r["prose.txt"], "not a plan document", "not_a_plan")
    assert_rejected(r["invalid-utf16.txt"], "invalid UTF-16 text", "damaged")
    mixed_rec = r["mixed-encodings.txt"]
    assert mixed_rec["status"] == "extracted" and mixed_rec["encoding"] == "mixed:utf-8+windows-1258"
    doc = json.loads((tmp_path / "out" / "json" / "mixed-encodings.json").read_text("utf-8"))
    assert [(t["tt"], t["lead"]) for t in doc["tasks"]] == [("1", "Phòng Tư pháp"), ("2", "Văn phòng")]
    assert "mixed_encoding" in [w["code"] for w in doc["warnings"]]


def test_large_inputs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(GOOD, d / "good.txt")
    row = "{n}\tViệc số {n} của kế hoạch\tPhòng Tư pháp\tVăn phòng\tQuý II\tBáo cáo\n"
    big = PLAN_HEAD + HEADER + "".join(row.format(n=i) for i in range(1, 800_000))
    (d / "fifty-mb.txt").write_bytes(big.encode("utf-8")[: 50 * 1024 * 1024])
    (d / "one-long-line.txt").write_text(PLAN_HEAD + "x" * (20 * 1024 * 1024) + "\n", encoding="utf-8")
    tiny = PLAN_HEAD + "".join(f"{HEADER}{i}\tViệc {i}\tPhòng Nội vụ\t\tQuý I\tBC\n\n" for i in range(1, 10_001))
    (d / "ten-thousand-tables.txt").write_text(tiny, encoding="utf-8")
    r = run_batch(d, tmp_path / "out", "--max-size", "40", "--timeout", "600")
    assert_good_extracted(r)
    assert_rejected(r["fifty-mb.txt"], "file too large: 50.0 MB (limit 40 MB, --max-size)", "too_large")
    long_line = r["one-long-line.txt"]
    assert long_line["status"] == "extracted" and long_line["tasks"] == 0, long_line
    tables = r["ten-thousand-tables.txt"]
    assert tables["status"] == "extracted" and tables["tasks"] == 10_000


def test_file_system_oddities(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    shutil.copy(GOOD, d / "good.txt")
    shutil.copy(GOOD, d / "sub" / "kế hoạch tháng 1..bản cuối.txt")
    os.symlink(d, d / "sub" / "loop")  # a symlink loop
    os.symlink(d / "missing.txt", d / "broken.txt")  # points nowhere
    os.mkfifo(d / "pipe.txt")  # reading it would block forever
    # a file that cannot be read even by root (the tests may run as root, for whom
    # permission bits do not stop a read): the kernel answers an I/O error
    os.symlink("/proc/self/mem", d / "unreadable.txt")
    out = d / "out"  # the output folder inside the input folder
    r = run_batch(d, out)
    assert_good_extracted(r)
    assert r["kế hoạch tháng 1..bản cuối.txt"]["status"] == "extracted"
    assert (out / "json" / "kế hoạch tháng 1..bản cuối.json").exists()
    assert_rejected(r["broken.txt"], "cannot read file", "unreadable")
    assert_rejected(r["pipe.txt"], "not a regular file", "unsupported")
    assert_rejected(r["unreadable.txt"], "cannot read file: Input/output error", "unreadable")
    assert not any("/out/" in p for p in r)  # nothing read back from the output
    assert sorted(r) == sorted(
        ["good.txt", "kế hoạch tháng 1..bản cuối.txt", "broken.txt", "pipe.txt", "unreadable.txt"]
    )
    # a second run into the same output, still inside the input, stays clean
    r2 = run_batch(d, out)
    assert {v["status"] for k, v in r2.items() if k not in ("broken.txt", "pipe.txt", "unreadable.txt")} == {
        "unchanged"
    }


def test_file_names_the_file_system_accepts(tmp_path, capsys):
    """A 250-byte Vietnamese title (its temporary files must stay within NAME_MAX), a
    name too long for its JSON output, a name that is not UTF-8 and one with control
    characters: each is extracted or rejected alone, the manifest is written (the bad
    bytes as JSON escapes of Python's surrogates), the terminal gets escaped names."""
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(GOOD, d / "good.txt")
    title = "Kế hoạch triển khai thực hiện công tác cải cách hành chính và kiểm soát thủ tục hành chính năm"
    long_name = (title + " 2024 của Ủy ban nhân dân huyện")[:80] + ".txt"
    while len(long_name.encode()) < 246:
        long_name = "x" + long_name
    too_long = "y" * 251 + ".txt"  # legal (255 bytes), but its JSON output would be 256
    for name in (long_name, too_long, "bell\x07\x1b[31mred.txt"):
        shutil.copy(GOOD, d / name)
    raw = os.path.join(os.fsencode(d), b"k\xe9 ho\xe1ch.txt")  # Latin-1, not UTF-8
    shutil.copy(GOOD, raw)
    out = tmp_path / "out"
    assert main(["extract", str(d), "-o", str(out), "-w", "2"]) == 0
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    r = {Path(x["path"]).name: x for x in m["inputs"]}
    assert_good_extracted(r)
    assert len(long_name.encode()) >= 246 and r[long_name]["status"] == "extracted"
    assert (out / "json" / (long_name[:-4] + ".json")).is_file()
    assert_rejected(r[too_long], "file name too long: its JSON output", "unsupported")
    latin = os.fsdecode(b"k\xe9 ho\xe1ch.txt")
    assert latin == "k\udce9 ho\udce1ch.txt" and r[latin]["status"] == "extracted"
    assert r[latin]["doc_id"] == "k\ufffd ho\ufffdch" and (out / "json" / "k\ufffd ho\ufffdch.json").is_file()
    assert r["bell\x07\x1b[31mred.txt"]["status"] == "extracted"
    assert b"k\\udce9 ho\\udce1ch.txt" in (out / "manifest.json").read_bytes()
    doc = json.loads((out / "json" / "k\ufffd ho\ufffdch.json").read_text("utf-8"))
    assert doc["source"]["path"].endswith("k\ufffd ho\ufffdch.txt")
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\udce9" not in err
    assert "rejected: " + str(d) + "/" + too_long in err
    # a re-run finds them all unchanged, the one that is not UTF-8 too (its state key is its bytes)
    assert main(["extract", str(d), "-o", str(out), "-q", "-w", "2"]) == 0
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    assert {Path(x["path"]).name: x["status"] for x in m["inputs"]} == {
        **{n: "unchanged" for n in r},
        too_long: "rejected",
    } and m["removed"] == []
    assert [Path(x["path"]).name for x in m["rejected"]] == [too_long]


def test_what_folders_hold_and_is_not_read_is_listed_as_skipped(tmp_path, capsys):
    d = tmp_path / "in"
    (d / ".git").mkdir(parents=True)
    (d / "sub").mkdir()
    shutil.copy(GOOD, d / "good.txt")
    shutil.copy(GOOD, d / "..txt")
    (d / "~$ke-hoach.docx").write_bytes(b"\x0bNguyen Van A" + b"\x00" * 150)
    (d / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (d / "README").write_text("x")
    (d / "esc\x1b[2Jape.xlsx").write_text("x")
    r = run_batch(d, tmp_path / "out")
    assert sorted(r) == ["good.txt"]
    m = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    skipped = {Path(s["path"]).name: s["reason"] for s in m["skipped"]}
    assert skipped == {
        ".git": "hidden folder (the name starts with a dot)",
        "..txt": "hidden file (the name starts with a dot)",
        "~$ke-hoach.docx": "Word lock file (~$…): written by Word while the document is open, not a document",
        "photo.jpg": "not a format that is read (.jpg)",
        "README": "not a format that is read (no extension)",
        "esc\x1b[2Jape.xlsx": "not a format that is read (.xlsx)",
    }
    assert m["counts"]["skipped"] == 6


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_a_folder_that_cannot_be_listed_is_recorded(tmp_path):
    d = tmp_path / "in"
    (d / "locked").mkdir(parents=True)
    shutil.copy(GOOD, d / "good.txt")
    (d / "locked").chmod(0)
    try:
        r = run_batch(d, tmp_path / "out")
    finally:
        (d / "locked").chmod(0o755)
    assert_good_extracted(r)
    m = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert m["skipped"] == [{"path": str(d / "locked"), "reason": "folder cannot be listed: Permission denied"}]


def test_a_pipe_swapped_in_after_discovery_is_rejected_without_blocking(tmp_path):
    """A file replaced by a FIFO (or a device) between discovery and reading: opened
    without waiting, refused as not a regular file (with one worker, where nothing
    else watches the read)."""
    from plan_extract.batch.limits import Limits
    from plan_extract.batch.work import WorkItem, process_batch, read_input
    from plan_extract.ir import ReadError
    from plan_extract.options import Options

    pipe = tmp_path / "plan.txt"
    os.mkfifo(pipe)
    batch = process_batch([WorkItem(str(pipe), "plan"), WorkItem(str(GOOD), "good")], Options(), Limits())
    assert [(x.record.status, x.record.code, x.record.reason) for x in batch.results] == [
        ("rejected", "unsupported", "not a regular file (a pipe, device or folder)"),
        ("extracted", None, None),
    ]
    with pytest.raises(ReadError, match="not a regular file"):
        read_input("/dev/zero", None)


def _rejoin_reference(paragraphs):
    """``rejoin`` as it was (quadratic): the reference its linear form must equal."""
    from plan_extract.ir import Paragraph
    from plan_extract.parsers.layout import FOOTNOTE_LINE, starts_continuation

    out = []
    for p in paragraphs:
        if out and starts_continuation(p.text) and not FOOTNOTE_LINE.match(out[-1].text):
            prev = out[-1]
            out[-1] = Paragraph(f"{prev.text} {p.text}", prev.prov, prev.gap_before, prev.page_break_before)
        else:
            out.append(p)
    return out


def test_rejoining_continuations_is_linear_and_unchanged():
    """Paragraphs starting in lower case are joined once (not rebuilt at each one: 200,000
    took 20 s, see bench/bench_rejoin.py), with the same result as before on random
    mixes of continuations, section labels, footnote lines and bare footnote marks."""
    from plan_extract.ir import Paragraph, Provenance
    from plan_extract.parsers.layout import rejoin

    rnd = random.Random(7)
    kinds = ["tiếp theo", "Câu mới.", "a) mục", "¹ Chú thích", "¹²", "²", "¹ ", "b)", "", "đoạn", "1. Mục", "¹chú", "x"]
    for _ in range(300):
        paras = [
            Paragraph(rnd.choice(kinds), Provenance("t", line=i), rnd.random() < 0.5, rnd.random() < 0.2)
            for i in range(rnd.randint(0, 30))
        ]
        assert rejoin(paras) == _rejoin_reference(paras)
    many = [Paragraph("Mở đầu", Provenance("t", line=0))] + [
        Paragraph(f"dòng {i}", Provenance("t", line=i)) for i in range(1, 200_001)
    ]
    (joined,) = rejoin(many)
    assert joined.text.startswith("Mở đầu dòng 1 dòng 2 ") and joined.text.endswith(" dòng 200000")
    assert joined.prov.line == 0
