"""Batch runs: incremental re-runs, determinism across worker counts, per-file
limits, a run killed mid-way, and the Dask engine on a local two-worker cluster."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from plan_extract.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TABLES = ("documents", "sections", "tasks", "task_agencies", "references")
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


def load(out: Path, name: str) -> pd.DataFrame:
    df = pd.read_parquet(out / name)
    keys = [c for c in ("doc_id", "row", "role", "mention", "section", "ref") if c in df.columns]
    df = df.sort_values(keys).reset_index(drop=True)
    for col in df.columns:  # compare values, not categorical encodings
        if isinstance(df[col].dtype, pd.CategoricalDtype):
            df[col] = df[col].astype(object)
    return df


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))


def statuses(out: Path) -> dict[str, str]:
    return {Path(r["path"]).name: r["status"] for r in manifest(out)["inputs"]}


def test_incremental_rerun_skips_unchanged_replaces_changed_reports_removed(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    out = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1"]) == 0
    first = load(out, "tasks")
    assert len(first) == 189

    package = (out / "datapackage.json").read_bytes()
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1"]) == 0
    assert set(statuses(out).values()) == {"unchanged"}
    pd.testing.assert_frame_equal(load(out, "tasks"), first)
    assert (out / "datapackage.json").read_bytes() == package  # the tables did not change

    changed = src / "vinh-bao-2024-kiem-soat-tthc.txt"
    changed.write_text(
        changed.read_text("utf-8").replace("Tập huấn, hướng dẫn nghiệp vụ", "Tập huấn lại, hướng dẫn nghiệp vụ"),
        "utf-8",
    )
    (src / "tam-duong-2021-de-an-468.txt").unlink()
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1"]) == 0
    st = statuses(out)
    assert st["vinh-bao-2024-kiem-soat-tthc.txt"] == "extracted"
    assert st["xuan-loc-2022-cai-cach-hanh-chinh.txt"] == "unchanged"
    assert [Path(p).name for p in manifest(out)["removed"]] == ["tam-duong-2021-de-an-468.txt"]
    after = load(out, "tasks")
    assert len(after) == 189  # the changed document's rows were replaced, not duplicated
    vb = after[after.doc_id == "vinh-bao-2024-kiem-soat-tthc"]
    assert (vb.content == "Tập huấn lại, hướng dẫn nghiệp vụ công tác cải cách, kiểm soát TTHC").sum() == 1
    listed = {
        p
        for r in json.loads((out / "datapackage.json").read_text("utf-8"))["resources"]
        if r["name"] != "manifest"
        for p in r["path"]
    }
    assert listed == {p.relative_to(out).as_posix() for p in out.glob("*/year=*/part-*.parquet")}

    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1", "--force"]) == 0
    assert set(statuses(out).values()) == {"extracted"}
    assert len(load(out, "tasks")) == 189


def test_same_rows_whatever_the_worker_count(tmp_path):
    src = tmp_path / "in"
    generate(40, src, seed=5)
    outs = {}
    for w in (1, 2):
        outs[w] = tmp_path / f"out{w}"
        assert main(["extract", str(src), "-o", str(outs[w]), "-q", "-w", str(w), "--batch-size", "7"]) == 0
    for name in TABLES:
        pd.testing.assert_frame_equal(load(outs[1], name), load(outs[2], name))
        # the same part files, so the same rows in the same order as read back
        assert sorted(p.relative_to(outs[1]) for p in (outs[1] / name).rglob("*.parquet")) == sorted(
            p.relative_to(outs[2]) for p in (outs[2] / name).rglob("*.parquet")
        )
        pd.testing.assert_frame_equal(pd.read_parquet(outs[1] / name), pd.read_parquet(outs[2] / name))
    assert len(load(outs[1], "documents")) == 40


def test_inputs_are_known_however_their_path_is_spelled(tmp_path, monkeypatch):
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    assert main(["extract", "in", "-o", str(out), "-q", "-w", "1"]) == 0
    assert manifest(out)["inputs"][0]["path"] == str(src / "ha-tinh-so-noi-vu-2024-kiem-soat-tthc.txt")
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1"]) == 0
    m = manifest(out)
    assert set(statuses(out).values()) == {"unchanged"} and m["removed"] == []
    monkeypatch.chdir(src)
    assert main(["extract", ".", "-o", str(out), "-q", "-w", "1"]) == 0
    assert set(statuses(out).values()) == {"unchanged"}


def _stat_rows(out: Path) -> dict[str, tuple]:
    with sqlite3.connect(out / ".plan-extract" / "state.sqlite") as db:
        return {Path(p).name: (size, mtime) for p, size, mtime in db.execute("SELECT path, size, mtime_ns FROM inputs")}


def test_unchanged_files_are_known_by_size_and_time_then_by_hash(tmp_path):
    """A file with the size and modification time it had when hashed is not read again;
    a touched file with the same content is unchanged by its hash (and its new time is
    recorded); a file modified just before it was hashed has no trusted time."""
    src = tmp_path / "in"
    src.mkdir()
    hh, vb, xl = (
        "hiep-hoa-2024-kiem-soat-tthc.txt",
        "vinh-bao-2024-kiem-soat-tthc.txt",
        "xuan-loc-2022-cai-cach-hanh-chinh.txt",
    )
    for name in (hh, vb, xl):
        shutil.copy(SAMPLES / name, src / name)
    old = time.time() - 3600
    for name in (hh, vb):
        os.utime(src / name, (old, old))
    out = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1"]) == 0
    stats = _stat_rows(out)
    assert stats[hh] == ((src / hh).stat().st_size, (src / hh).stat().st_mtime_ns)
    assert stats[xl] == (None, None)  # copied a moment ago: its time may not tell a later edit

    # same size, same time, other content: taken as unchanged without reading
    text = (src / hh).read_text("utf-8")
    edited = text.replace("Phạm Văn Nghị", "Phạm Văn Nghệ")
    assert len(edited.encode("utf-8")) == len(text.encode("utf-8")) and edited != text
    (src / hh).write_text(edited, "utf-8")
    os.utime(src / hh, (old, old))
    # touched, same content
    later = old + 60
    os.utime(src / vb, (later, later))
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1"]) == 0
    assert statuses(out) == {hh: "unchanged", vb: "unchanged", xl: "unchanged"}
    assert _stat_rows(out)[vb] == ((src / vb).stat().st_size, (src / vb).stat().st_mtime_ns)
    assert (
        json.loads((out / "json" / "hiep-hoa-2024-kiem-soat-tthc.json").read_text("utf-8"))["header"]["signer_name"]
        == "Phạm Văn Nghị"
    )

    # --force reads and hashes everything again
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1", "--force"]) == 0
    assert statuses(out)[hh] == "extracted"
    assert (
        json.loads((out / "json" / "hiep-hoa-2024-kiem-soat-tthc.json").read_text("utf-8"))["header"]["signer_name"]
        == "Phạm Văn Nghệ"
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_duplicate_doc_id_keeps_the_first_document_only(tmp_path, workers):
    """Two files named alike in different folders: the second is rejected, and neither
    its rows nor its JSON reach the output (they are dropped at commit time, from the
    middle of a batch that also holds the first)."""
    src = tmp_path / "in"
    for folder, sample in (
        ("a", "hiep-hoa-2024-kiem-soat-tthc.txt"),
        ("b", "vinh-bao-2024-kiem-soat-tthc.txt"),
        ("c", "xuan-loc-2022-cai-cach-hanh-chinh.txt"),
    ):
        (src / folder).mkdir(parents=True)
        shutil.copy(SAMPLES / sample, src / folder / ("plan.txt" if folder != "c" else sample))
    out = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", workers]) == 0
    recs = {str(Path(r["path"]).relative_to(src)): r for r in manifest(out)["inputs"]}
    assert recs["a/plan.txt"]["status"] == "extracted"
    assert recs["b/plan.txt"]["status"] == "rejected"
    assert recs["b/plan.txt"]["reason"].startswith("duplicate doc_id 'plan'")
    assert recs["b/plan.txt"]["code"] == "duplicate"
    tasks = load(out, "tasks")
    assert tasks.groupby("doc_id").size().to_dict() == {"plan": 46, "xuan-loc-2022-cai-cach-hanh-chinh": 32}
    assert len(load(out, "documents")) == 2
    assert manifest(out)["tables"]["tasks"] == 78 and manifest(out)["tables"]["documents"] == 2
    doc = json.loads((out / "json" / "plan.json").read_text("utf-8"))
    assert len(doc["tasks"]) == 46 and doc["header"]["signer_name"] == "Phạm Văn Nghị"
    assert sorted(p.name for p in (out / "json").iterdir()) == ["plan.json", "xuan-loc-2022-cai-cach-hanh-chinh.json"]


def test_per_file_limits_reject_with_a_reason(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    big = src / "big.txt"
    big.write_bytes(b"x" * (2 * 1024 * 1024))
    out = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1", "--max-size", "1"]) == 0
    rejected = {Path(r["path"]).name: (r["code"], r["reason"]) for r in manifest(out)["rejected"]}
    assert rejected["big.txt"] == ("too_large", "file too large: 2.0 MB (limit 1 MB, --max-size)")
    assert manifest(out)["counts"]["extracted"] == 5
    out2 = tmp_path / "out2"
    assert main(["extract", str(SAMPLES), "-o", str(out2), "-q", "-w", "2", "--timeout", "0.0001"]) == 0
    reasons = [r["reason"] for r in manifest(out2)["rejected"]]
    assert len(reasons) == 5 and all(r.startswith("time limit") for r in reasons)
    assert {r["code"] for r in manifest(out2)["rejected"]} == {"timeout"}


def test_a_file_that_kills_its_worker_costs_only_itself(tmp_path, monkeypatch):
    """A worker process that dies (segfault, OOM killer: here os._exit) on one file: the
    batches in flight are redone one file at a time, that file is rejected with the
    reason, every other file is extracted, and no staged JSON is left behind."""
    import plan_extract.batch.work as work

    real = work.process

    def process(item, *args, **kwargs):
        if item.path.endswith("tam-duong-2021-de-an-468.txt"):
            os._exit(1)
        return real(item, *args, **kwargs)

    monkeypatch.setattr(work, "process", process)  # the pool's workers are forked: they see it
    src = tmp_path / "in"
    generate(40, src, seed=3)
    shutil.copy(SAMPLES / "tam-duong-2021-de-an-468.txt", src)
    out = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "2"]) == 0
    m = manifest(out)
    assert m["counts"]["extracted"] == 40 and m["counts"]["rejected"] == 1
    assert m["rejected"] == [
        {
            "path": str(src / "tam-duong-2021-de-an-468.txt"),
            "code": "internal",
            "reason": "the worker process died on this file (memory limit or fatal error)",
        }
    ]
    assert load(out, "documents").doc_id.nunique() == 40
    assert not list((out / "json").glob(".*"))


def committed(out: Path) -> int:
    db = out / ".plan-extract" / "state.sqlite"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as con:
            return con.execute("SELECT count(*) FROM inputs").fetchone()[0]
    except sqlite3.Error:
        return 0


# The command in a process of its own whose workers stop for good at the first file named
# GATE or after (in input order): the batches before it are committed, the run never
# ends on its own, and a signal always finds it at the same point, however loaded the
# machine is (a run left to itself could finish before the signal).
_GATED = """
import os, sys, time
import plan_extract.batch.work as work
from plan_extract.cli import main
real, gate = work.process, os.environ["GATE"]
def process(item, *args, **kwargs):
    if os.path.basename(item.path) >= gate:
        while True:
            time.sleep(1)
    return real(item, *args, **kwargs)
work.process = process  # the pool's workers are forked: they see it
sys.exit(main(sys.argv[1:]))
"""


def gated_run(src: Path, out: Path, after: int, *args: str, **popen) -> subprocess.Popen:
    """The command over ``src`` (batches of 20, two workers), stopped for good after the
    first ``after`` files (a multiple of 20) are committed."""
    gate = sorted(p.name for p in src.iterdir())[after]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), GATE=gate)
    proc = subprocess.Popen(
        [sys.executable, "-c", _GATED, "extract", str(src), "-o", str(out), "-w", "2", "--batch-size", "20", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
        **popen,
    )
    deadline = time.monotonic() + 300
    while committed(out) < after:
        assert proc.poll() is None and time.monotonic() < deadline, "the gated run did not get to the gate"
        time.sleep(0.02)
    return proc


def children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_run_leaves_readable_output_its_workers_die_and_the_next_run_completes(tmp_path):
    """kill -9 of the command alone: its workers die with it (they would go on writing
    into the output), what was committed is readable, and the next run sweeps what the
    killed one left and completes the work."""
    src = tmp_path / "in"
    generate(200, src, seed=11)
    clean = tmp_path / "clean"
    assert main(["extract", str(src), "-o", str(clean), "-q", "-w", "1", "--batch-size", "20"]) == 0
    expected = {name: load(clean, name) for name in TABLES}

    out = tmp_path / "out"
    proc = gated_run(src, out, 60, "-q", stderr=subprocess.DEVNULL)
    workers = children(proc.pid)
    assert len(workers) == 2 and all(alive(w) for w in workers)
    proc.kill()  # the driver only, as `kill -9 <pid>` does
    proc.wait()
    deadline = time.monotonic() + 60
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers)
    partial = pd.read_parquet(out / "tasks")  # readable after the kill
    assert partial.doc_id.nunique() == 60
    assert not partial.duplicated(["doc_id", "row"]).any()
    # what a run killed while writing leaves: temporary files of the JSON, the manifest, a part
    left = [
        out / "json" / ".x.json.abcd1234.tmp",
        out / ".manifest.json.abcd1234.tmp",
        next((out / "tasks").glob("year=*")) / ".part-0123.parquet.abcd1234.tmp",
    ]
    for p in left:
        p.write_bytes(b"half")

    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "2", "--batch-size", "20"]) == 0
    counts = manifest(out)["counts"]
    assert (counts["unchanged"], counts["extracted"]) == (60, 140)
    for name in TABLES:
        pd.testing.assert_frame_equal(load(out, name), expected[name])
    assert not [p for p in out.rglob(".*") if p.name != ".plan-extract"]


def test_dask_engine_on_a_local_two_worker_cluster_gives_the_same_rows(tmp_path):
    distributed = pytest.importorskip("distributed", reason="the dask extra is part of the test install")
    from plan_extract.batch.engines import DaskEngine
    from plan_extract.batch.run import RunConfig, run

    src = tmp_path / "in"
    generate(30, src, seed=3)
    local = tmp_path / "local"
    assert main(["extract", str(src), "-o", str(local), "-q", "-w", "2"]) == 0
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        m = run(
            RunConfig(inputs=[str(src)], output=tmp_path / "dask", engine=DaskEngine(client=client), progress=False)
        )
    assert m.engine == "dask" and m.counts["extracted"] == 30
    for name in TABLES:
        pd.testing.assert_frame_equal(load(tmp_path / "dask", name), load(local, name))


def test_pool_batches_share_the_work_and_progress_counts_every_file(tmp_path):
    """With few inputs the batches shrink (not under 16) so that each worker gets two,
    the same batches for any worker count up to the number of cores; the progress
    callback counts the files (and the rejected ones) as the workers finish them, up to
    the total; each batch's part is staged by its worker."""
    from plan_extract.batch.engines import LocalEngine, part_size
    from plan_extract.batch.limits import Limits
    from plan_extract.batch.store import DatasetStore
    from plan_extract.batch.work import WorkItem
    from plan_extract.options import Options

    src = tmp_path / "in"
    generate(30, src, seed=5)
    (src / "empty.txt").write_bytes(b"")
    items = [WorkItem(str(p), p.stem) for p in sorted(src.iterdir())]
    out = tmp_path / "out"
    (out / "json").mkdir(parents=True)
    calls: list[tuple[int, int]] = []
    engine = LocalEngine(2)
    assert [part_size(n, 256, 2) for n in (31, 100, 1000, 10_000)] == [16, 25, 250, 256]
    assert part_size(100, 20, 2) == 20 and part_size(5, 256, 8) == 16
    for n in (31, 1000, 10_000):
        assert engine.batch_size(n, 256) == LocalEngine(1).batch_size(n, 256)
    got = list(
        engine.run(
            items,
            Options(),
            Limits(),
            stage=str(out),
            batch_size=256,
            progress=lambda done, rejected: calls.append((done, rejected)),
        )
    )
    size = engine.batch_size(31, 256)
    assert [len(b.results) for b in got] == [len(items[i : i + size]) for i in range(0, 31, size)]
    assert [r.record.path for b in got for r in b.results] == [it.path for it in items]  # input order
    assert calls == sorted(calls) and calls[-1] == (31, 1)
    assert [r.record.reason for b in got for r in b.results if r.record.status == "rejected"] == ["empty file"]
    for b in got:
        staged = [Path(p) for years in b.staged.values() for p in years.values()]
        assert staged and all(p.exists() and p.name.startswith(".part-") for p in staged)
        DatasetStore.discard(b.staged)
        assert not any(p.exists() for p in staged)


def test_a_file_is_read_up_to_the_size_limit_only(tmp_path):
    from plan_extract.batch.work import read_input
    from plan_extract.ir import ReadError

    f = tmp_path / "a.txt"
    f.write_bytes(b"x" * 100)
    assert read_input(str(f), None) == b"x" * 100 and read_input(str(f), 100) == b"x" * 100
    with pytest.raises(ReadError, match="file too large: more than"):
        read_input(str(f), 50)
    with pytest.raises(ReadError, match="cannot read file: No such file"):
        read_input(str(tmp_path / "gone.txt"), 50)


def test_a_batch_collects_garbage_less_often_and_restores_the_callers_setting(tmp_path):
    """Inside a batch the youngest generation is collected every GC_YOUNG_THRESHOLD
    allocations; the caller's thresholds are back afterwards, also when the batch fails."""
    import gc

    from plan_extract.batch.limits import Limits
    from plan_extract.batch.work import GC_YOUNG_THRESHOLD, WorkItem, process_batch
    from plan_extract.options import Options

    src = tmp_path / "in"
    generate(3, src, seed=2)
    items = [WorkItem(str(p), p.stem) for p in sorted(src.iterdir())]
    saved = gc.get_threshold()
    gc.set_threshold(500, 7, 9)
    try:
        seen = []
        batch = process_batch(items, Options(), Limits(), on_done=lambda r: seen.append(gc.get_threshold()))
        assert [r.record.status for r in batch.results] == ["extracted"] * 3
        assert seen == [(GC_YOUNG_THRESHOLD, 7, 9)] * 3 and GC_YOUNG_THRESHOLD > 700
        assert gc.get_threshold() == (500, 7, 9)

        def fail(r):
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            process_batch(items, Options(), Limits(), on_done=fail)
        assert gc.get_threshold() == (500, 7, 9)
    finally:
        gc.set_threshold(*saved)


def test_a_staged_part_holds_the_same_rows_as_one_kept_in_memory(tmp_path):
    """Staged parts convert all years at once and cut the result by year; parts kept in
    memory (Dask, a redone batch) convert year by year. The same rows either way, in
    input order within each year."""
    import pyarrow.parquet as pq

    from plan_extract.batch.limits import Limits
    from plan_extract.batch.work import CONVERT_EVERY, WorkItem, process_batch
    from plan_extract.options import Options

    src = tmp_path / "in"
    generate(CONVERT_EVERY + 8, src, seed=11)  # two conversions, the second one partial
    items = [WorkItem(str(p), p.stem) for p in sorted(src.iterdir())]
    out = tmp_path / "out"
    (out / "json").mkdir(parents=True)
    kept = process_batch(items, Options(), Limits())
    staged = process_batch(items, Options(), Limits(), stage=str(out))
    assert kept.part == staged.part and kept.staged == {} and staged.tables == {}
    assert len(kept.tables["tasks"]) >= 3  # several years: slices of one table
    assert {n: set(ys) for n, ys in kept.tables.items()} == {n: set(ys) for n, ys in staged.staged.items()}
    for name, years in kept.tables.items():
        for year, table in years.items():
            written = pq.read_table(staged.staged[name][year])  # the year is in the folder name
            assert written.to_pylist() == table.drop_columns(["year"]).to_pylist(), (name, year)
            order = [r.record.doc_id for r in kept.results if r.year == year and r.row_counts[name]]
            assert list(dict.fromkeys(table.column("doc_id").to_pylist())) == order


_WORKER_SCRIPT = """
import hashlib, sys
from pathlib import Path
if sys.argv[2] == "pandas":
    import pandas  # noqa: F401
from plan_extract.batch.engines import _pyarrow_without_pandas
from plan_extract.batch.limits import Limits
from plan_extract.batch.work import WorkItem, process_batch
from plan_extract.options import Options
_pyarrow_without_pandas()
items = [WorkItem(str(p), p.stem) for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
batch = process_batch(items, Options(), Limits())
for name, years in sorted(batch.tables.items()):
    for year, table in sorted(years.items()):
        print(name, year, table.num_rows, hashlib.sha256(repr(table.to_pylist()).encode()).hexdigest())
print("pandas loaded:", "pandas" in sys.modules)
"""


def test_pool_workers_convert_rows_without_loading_pandas():
    """pyarrow's list conversion would import pandas in every worker (0.45 s, 40 MB);
    a worker lets pyarrow find no pandas and gets the same tables as a process that has
    it loaded."""

    def run(mode):
        done = subprocess.run(
            [sys.executable, "-c", _WORKER_SCRIPT, str(SAMPLES), mode],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        return done.stdout.splitlines()

    without, with_pandas = run("plain"), run("pandas")
    assert without[-1] == "pandas loaded: False" and with_pandas[-1] == "pandas loaded: True"
    assert without[:-1] == with_pandas[:-1] and len(without) > 5


def test_a_batch_asks_the_kernel_to_read_its_files_ahead(tmp_path, monkeypatch):
    """Every file the batch will read is announced (POSIX_FADV_WILLNEED, its first
    PREFETCH_BYTES) before the first is processed; files whose bytes came with the item,
    or that are rejected already, are not opened; one that cannot be opened, or a pipe
    put in a file's place, neither fails nor blocks the batch."""
    from plan_extract.batch import work as W
    from plan_extract.batch.limits import Limits
    from plan_extract.options import Options

    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise on this platform")
    src = tmp_path / "in"
    generate(3, src, seed=4)
    files = sorted(src.iterdir())
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    calls, order = [], []
    real = os.posix_fadvise

    def record(fd, offset, length, advice):
        calls.append((os.readlink(f"/proc/self/fd/{fd}"), offset, length, advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", record)
    items = [W.WorkItem(str(p), p.stem) for p in files] + [
        W.WorkItem(str(tmp_path / "gone.txt"), "gone"),
        W.WorkItem(str(src / "x.txt"), "x", reason="file too large"),
        W.WorkItem(str(files[0]), "inline", data=files[0].read_bytes()),
    ]
    want = [(p.name, (0, W.PREFETCH_BYTES, os.POSIX_FADV_WILLNEED)) for p in files]
    batch = W.process_batch(items, Options(), Limits(), on_done=lambda r: order.append(len(calls)))
    assert [(Path(c[0]).name, c[1:]) for c in calls] == want
    assert order[0] == len(calls)  # all announced before the first file was done
    assert [r.record.status for r in batch.results] == ["extracted"] * 3 + ["rejected"] * 2 + ["extracted"]
    calls.clear()
    W.prefetch([W.WorkItem(str(pipe), "pipe")])  # a pipe where a file was: opened without waiting
    assert [Path(c[0]).name for c in calls] == ["pipe.txt"]


def test_output_files_are_as_readable_as_any_file_the_user_writes(tmp_path):
    """Temporary files are created owner-only; what is renamed into place has the mode
    a plain open() gives (0666 less the umask), so analysts can read a shared output."""
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), "-o", str(out), "-q", "-w", "2"]) == 0
    mask = os.umask(0)
    os.umask(mask)
    files = [
        out / "manifest.json",
        out / "datapackage.json",
        *(out / "json").iterdir(),
        *(out / "tasks").glob("year=*/*.parquet"),
    ]
    assert len(files) >= 10  # 2 + 5 JSON + the task parts of the years the samples have
    assert {oct(f.stat().st_mode & 0o777) for f in files} == {oct(0o666 & ~mask)}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_kill_stops_the_run_in_one_line_and_leaves_nothing_half_written(tmp_path, sig):
    """Ctrl-C (SIGINT to the process group) or kill (SIGTERM to the command): the command
    stops its workers, says so in one line and exits with 130; no temporary file is
    left, what was committed is readable and has its manifest, and the next run
    completes the work."""
    src = tmp_path / "in"
    generate(200, src, seed=13)
    out = tmp_path / "out"
    proc = gated_run(src, out, 60, stderr=subprocess.PIPE)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    lines = err.decode("utf-8").strip().splitlines()
    assert lines[-1] == (
        f"interrupted: {out} keeps the batches committed so far; run the same command again to complete it"
    )
    assert all(line.startswith("extract: ") for line in lines[:-1])  # progress lines (stderr is a pipe)
    time.sleep(0.5)  # a worker still alive would write now
    assert not [p for p in out.rglob(".*") if p.name != ".plan-extract"]
    partial = pd.read_parquet(out / "tasks")
    assert partial.doc_id.nunique() == committed(out) == 60
    m = manifest(out)  # the manifest of the batches kept
    assert m["interrupted"] is True
    assert (m["counts"]["extracted"], m["counts"]["not_reached"], m["dataset"]["documents"]) == (60, 140, 60)
    assert m["tables"]["tasks"] == len(partial)
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "2", "--batch-size", "20"]) == 0
    counts = manifest(out)["counts"]
    assert (counts["unchanged"], counts["extracted"], counts["rejected"]) == (60, 140, 0)
    assert manifest(out)["interrupted"] is False
    assert load(out, "documents").doc_id.nunique() == 200


def test_a_worker_stuck_where_the_alarm_cannot_reach_costs_only_its_file(tmp_path, monkeypatch):
    """A file on which the worker hangs with the alarm blocked (as in a C extension that
    never returns): the driver sees no file finish for twice the limit + the grace, stops
    the pool, redoes the batches in flight and rejects that file alone."""
    import plan_extract.batch.work as work
    from plan_extract.batch.engines import _Pool

    real = work.process

    def process(item, *args, **kwargs):
        if item.path.endswith("tam-duong-2021-de-an-468.txt"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(3600)
        return real(item, *args, **kwargs)

    monkeypatch.setattr(work, "process", process)  # the pool's workers are forked: they see it
    monkeypatch.setattr(_Pool, "GRACE", 1.0)
    src = tmp_path / "in"
    generate(40, src, seed=3)
    shutil.copy(SAMPLES / "tam-duong-2021-de-an-468.txt", src)
    out = tmp_path / "out"
    start = time.monotonic()
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "2", "--timeout", "0.5"]) == 0
    assert time.monotonic() - start < 60
    m = manifest(out)
    assert m["counts"]["extracted"] == 40 and m["counts"]["rejected"] == 1
    assert m["rejected"] == [
        {
            "path": str(src / "tam-duong-2021-de-an-468.txt"),
            "code": "timeout",
            "reason": "time limit: took longer than 2 s (worker stopped)",
        }
    ]
    assert load(out, "documents").doc_id.nunique() == 40
    assert not [p for p in out.rglob(".*") if p.name != ".plan-extract"]
