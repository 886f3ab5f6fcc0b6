"""The command on bad input: nothing crashes, rejected files get a one-line reason,
the rest of the batch is extracted, and the exit code follows --strict."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plan_extract.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def make_batch(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(SAMPLES / "xuan-loc-2022-cai-cach-hanh-chinh.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    rnd = random.Random(3)
    (folder / "noise.txt").write_bytes(bytes(rnd.randrange(256) for _ in range(4000)))
    (folder / "notable.md").write_text(
        "Số: 12/KH-UBND\n\nKẾ HOẠCH\nMột kế hoạch không có bảng\n\nI. MỤC ĐÍCH\n\nNội dung.\n", encoding="utf-8"
    )
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
    done = subprocess.run(
        [sys.executable, "-m", "plan_extract.cli", "extract", "--help"], capture_output=True, text=True, check=True
    )
    for word in (
        "INPUT",
        "tasks/year=2024/part-*.parquet",
        "manifest.json",
        "--strict",
        "--agencies",
        "OUTPUT",
        "--force",
        "--wait",
        "130  interrupted (Ctrl-C, kill)",
        "3    the output cannot be written",
        "4    the output folder is in use by another run",
        "2    usage:",
        "1    --strict:",
    ):
        assert word in done.stdout


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plan_extract.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_usage_errors_exit_2_before_any_work(tmp_path):
    """A missing INPUT, an OUTPUT that is a file, and worker counts, sizes and limits out
    of range: one line on stderr, exit 2, and no output folder made."""
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    out = tmp_path / "out"
    cases = [
        (["extract", str(tmp_path / "nonexistent"), "-o", str(out)], "no such file or folder: "),
        (["extract", str(SAMPLES), "-o", str(afile)], "exists and is not a folder"),
        (["extract", str(SAMPLES), "-o", str(out), "-w", "-1"], "argument -w/--workers: must be a whole number"),
        (["extract", str(SAMPLES), "-o", str(out), "-w", "0"], "argument -w/--workers: must be a whole number"),
        (["extract", str(SAMPLES), "-o", str(out), "-w", "two"], "argument -w/--workers: not a number: 'two'"),
        (["extract", str(SAMPLES), "-o", str(out), "--batch-size", "0"], "argument --batch-size: must be"),
        (["extract", str(SAMPLES), "-o", str(out), "--max-size", "0"], "argument --max-size: must be a number above 0"),
        (["extract", str(SAMPLES), "-o", str(out), "--timeout", "-1"], "argument --timeout: must be"),
        (["extract", str(SAMPLES), "-o", str(out), "--timeout", "nan"], "argument --timeout: must be"),
        (["extract", str(SAMPLES), "-o", str(out), "--max-memory", "-5"], "argument --max-memory: must be"),
    ]
    for argv, message in cases:
        done = run_cli(*argv)
        assert done.returncode == 2, (argv, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, (argv, done.stderr)
        assert not out.exists()


def test_an_empty_input_folder_says_so_and_fails_with_strict(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.xlsx").write_bytes(b"PK")
    done = run_cli("extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert done.returncode == 0
    assert f"no input file found in {tmp_path / 'in'} (1 skipped: see {tmp_path / 'out'}/manifest.json)" in done.stderr
    assert run_cli("extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--strict").returncode == 1
    m = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert m["skipped"] == [
        {"path": str(tmp_path / "in" / "notes.xlsx"), "reason": "not a format that is read (.xlsx)"}
    ]


def test_a_rerun_describes_the_whole_output_and_strict_still_fails(tmp_path):
    """A re-run over unchanged inputs: the manifest keeps each input's format, figures and
    earlier rejection, the dataset's totals, and --strict fails as the first run did; the
    summary line gives this run's figures and the dataset's."""
    make_batch(tmp_path / "in")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "-o", str(out), "-q", "--strict", "-w", "1"]) == 1
    first = json.loads((out / "manifest.json").read_text("utf-8"))
    done = run_cli("extract", str(tmp_path / "in"), "-o", str(out), "--strict", "-w", "1")
    assert done.returncode == 1
    again = json.loads((out / "manifest.json").read_text("utf-8"))
    assert {r["status"] for r in again["inputs"]} == {"unchanged"}
    assert again["rejected"] == first["rejected"] and len(again["rejected"]) == 3
    assert again["tables"] == first["tables"] and again["tables"]["tasks"] == 32
    assert (
        again["dataset"]
        == first["dataset"]
        == {"documents": 2, "tasks": 32, "sections": again["dataset"]["sections"], "rejected": 3}
    )
    keep = ("path", "doc_id", "sha256", "format", "encoding", "reason", "code", "tasks", "sections", "warnings")
    assert [{k: r[k] for k in keep} for r in again["inputs"]] == [{k: r[k] for k in keep} for r in first["inputs"]]
    good = next(r for r in again["inputs"] if r["path"].endswith("good.txt"))
    assert (good["format"], good["encoding"], good["tasks"]) == ("txt", "utf-8", 32)
    assert "0 extracted, 0 rejected, 5 unchanged, 0 task rows -> " in done.stderr
    assert "the dataset: 2 documents, 32 task rows, 3 inputs rejected" in done.stderr
    assert done.stderr.count("rejected: ") == 3


def test_an_unattended_run_logs_progress_lines(tmp_path, monkeypatch, capsys):
    """stderr not a terminal: no bar, but a line every LOG_EVERY_FILES files (and a last one)."""
    import plan_extract.batch.run as R

    monkeypatch.setattr(R, "LOG_EVERY_FILES", 2)
    assert main(["extract", str(SAMPLES), "-o", str(tmp_path / "out"), "-w", "1"]) == 0
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("extract: ")]
    assert [ln.split(" files")[0] for ln in lines] == ["extract: 2/5", "extract: 4/5", "extract: 5/5"]
    assert all(", 0 rejected, " in ln for ln in lines)


def test_output_that_cannot_be_written_is_one_line_and_exit_3(tmp_path, monkeypatch, capsys):
    """A full disk (or a read-only folder): one line naming the cause, exit 3 (not 1,
    which --strict gives to rejections), the output as the last commit left it."""
    import errno

    import plan_extract.writers.atomic as atomic

    def full(folder, name):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder))

    monkeypatch.setattr(atomic, "_new_temp", full)
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), "-o", str(out), "-w", "1", "--strict"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"plan-extract: cannot write the output {out}: No space left on device ({out / 'json'}); "
        "what was committed before is kept"
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_exit_3(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        done = run_cli("extract", str(SAMPLES), "-o", str(out))
    finally:
        out.chmod(0o755)
    assert done.returncode == 3 and "Permission denied" in done.stderr and "Traceback" not in done.stderr


def test_a_second_run_into_a_busy_output_refuses_or_waits(tmp_path):
    """The output lock held (as by a run in progress): a second run exits 4 at once with
    one line, and does not touch the folder; with --wait it runs when the lock is free."""
    import fcntl
    import threading

    out = tmp_path / "out"
    (out / ".plan-extract").mkdir(parents=True)
    fd = os.open(out / ".plan-extract" / "lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, b"4242")
    try:
        done = run_cli("extract", str(SAMPLES), "-o", str(out))
        assert done.returncode == 4
        assert done.stderr.strip() == (
            f"plan-extract: {out}: the output folder is in use by another run (pid 4242); "
            "wait for it to finish, or use --wait"
        )
        assert sorted(p.name for p in out.iterdir()) == [".plan-extract"]
        waiting = subprocess.Popen(
            [sys.executable, "-m", "plan_extract.cli", "extract", str(SAMPLES), "-o", str(out), "-q", "--wait"],
            stderr=subprocess.PIPE,
        )
        threading.Event().wait(1.0)  # not a wall-clock assertion: the run below must wait either way
        assert waiting.poll() is None and not (out / "manifest.json").exists()
    finally:
        os.close(fd)
    assert waiting.wait(timeout=300) == 0
    assert json.loads((out / "manifest.json").read_text("utf-8"))["counts"]["extracted"] == 5


def test_two_runs_started_together_give_the_dataset_of_one(tmp_path):
    """Two commands into one output at once (both --wait, and two without it): each
    ends cleanly (0, or 4 for the one that found the folder busy), and the output is
    that of a single run: no key twice, nothing missing."""
    sys.path.insert(0, str(ROOT / "bench"))
    import pandas as pd
    from generate import generate

    src = tmp_path / "in"
    generate(60, src, seed=7)
    single = tmp_path / "single"
    assert main(["extract", str(src), "-o", str(single), "-q", "-w", "2"]) == 0
    for flags, allowed in ((["--wait"], {0}), ([], {0, 4})):
        out = tmp_path / f"out{len(flags)}"
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "plan_extract.cli",
                    "extract",
                    str(src),
                    "-o",
                    str(out),
                    "-q",
                    "-w",
                    "2",
                    *flags,
                ],
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        codes = [p.wait(timeout=600) for p in procs]
        errs = [p.stderr.read().decode() for p in procs]
        assert set(codes) <= allowed and 0 in codes, (codes, errs)
        assert not any("Traceback" in e for e in errs)
        for name in ("documents", "tasks", "task_agencies", "sections"):
            got = pd.read_parquet(out / name)
            keys = [c for c in ("doc_id", "row", "role", "mention", "section") if c in got.columns]
            assert not got.duplicated(keys).any()
            want = pd.read_parquet(single / name)
            assert len(got) == len(want)
            pd.testing.assert_frame_equal(
                got.sort_values(keys).reset_index(drop=True)[keys], want.sort_values(keys).reset_index(drop=True)[keys]
            )
        assert sorted(p.name for p in (out / "json").iterdir()) == sorted(p.name for p in (single / "json").iterdir())
