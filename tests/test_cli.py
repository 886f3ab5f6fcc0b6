"""The command on bad input: nothing crashes, rejected files get a one-line reason,
the rest of the batch is extracted, and the exit code follows --strict."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

from plan_extract.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def make_batch(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(SAMPLES / "xuan-loc-2022-cai-cach-hanh-chinh.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    rnd = random.Random(3)
    (folder / "noise.txt").write_bytes(bytes(rnd.randrange(256) for _ in range(4000)))
    (folder / "notable.md").write_text("Số: 12/KH-UBND\n\nKẾ HOẠCH\nMột kế hoạch không có bảng\n\n"
                                       "I. MỤC ĐÍCH\n\nNội dung.\n", encoding="utf-8")
    (folder / "letter.txt").write_text("Kính gửi anh chị,\nHẹn gặp lại tuần sau.\n", encoding="utf-8")


def test_bad_inputs_are_rejected_with_reasons_and_the_batch_goes_on(tmp_path):
    make_batch(tmp_path / "in")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "-o", str(out), "--quiet"]) == 0
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    status = {Path(r["path"]).name: (r["status"], r["reason"]) for r in m["inputs"]}
    assert status["good.txt"] == ("extracted", None)
    assert status["notable.md"] == ("extracted", None)
    assert status["empty.txt"] == ("rejected", "empty file")
    assert status["noise.txt"][0] == "rejected" and "binary" in status["noise.txt"][1]
    assert status["letter.txt"][0] == "rejected" and status["letter.txt"][1].startswith("not a plan document")
    for r in m["rejected"]:
        assert "\n" not in r["reason"] and len(r["reason"]) < 300
    notable = json.loads((out / "json" / "notable.json").read_text("utf-8"))
    assert notable["tasks"] == [] and [w["code"] for w in notable["warnings"]] == ["no_task_table"]
    assert json.loads((out / "json" / "good.json").read_text("utf-8"))["header"]["number"] == "15"


def test_strict_exits_non_zero_when_something_was_rejected(tmp_path):
    make_batch(tmp_path / "in")
    assert main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--quiet", "--strict"]) == 1
    assert main(["extract", str(SAMPLES), "-o", str(tmp_path / "out2"), "--quiet", "--strict"]) == 0


def test_help_explains_inputs_outputs_and_options():
    done = subprocess.run([sys.executable, "-m", "plan_extract.cli", "extract", "--help"],
                          capture_output=True, text=True, check=True)
    for word in ("INPUT", "tasks/year=2024/part-*.parquet", "manifest.json", "--strict", "--agencies", "OUTPUT",
                 "--force", "when interrupted (Ctrl-C, kill)"):
        assert word in done.stdout
