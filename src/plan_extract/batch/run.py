"""A batch run over files and folders into an output folder: incremental (unchanged
inputs skipped by content hash), parallel, observable (progress bar, manifest), and
safe (atomic writes; a killed run leaves the previous output readable and the next
run completes the work)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from .. import __version__
from ..options import Options, doc_id_for
from ..writers.atomic import STAGED_SUFFIX, write_bytes
from ..writers.manifest import InputRecord, Manifest
from .discover import discover
from .limits import Limits
from .state import Entry, State
from .store import DatasetStore, part_id
from .work import WorkBatch, WorkItem, WorkResult

CHUNK_DOCS = 256


@dataclass
class RunConfig:
    inputs: list[str]
    output: Path
    options: Options = field(default_factory=Options)
    limits: Limits = field(default_factory=Limits)
    engine: object = None           # LocalEngine / DaskEngine; default LocalEngine()
    force: bool = False
    progress: bool = True
    batch_size: int = CHUNK_DOCS     # documents per part file and per state commit


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def run(cfg: RunConfig) -> Manifest:
    out = cfg.output
    out.mkdir(parents=True, exist_ok=True)
    engine = cfg.engine
    if engine is None:
        from .engines import LocalEngine
        engine = LocalEngine()
    manifest = Manifest(tool="plan-extract", version=__version__, output=str(out), started_at=_now())
    state = State(out)
    store = DatasetStore(out)
    orphans = store.remove_orphans(state.parts())
    _sweep_staged(out)  # JSON staged by a run killed before its commit
    store.ensure_tables()
    previous = state.entries()
    # absolute paths: the state knows a file however the input was spelled (relative
    # or absolute, from another working folder)
    files = [Path(os.path.abspath(p)) for p in discover(cfg.inputs, out)]
    seen_paths = {str(p) for p in files}
    owners = {e.doc_id: e.path for e in previous.values() if e.status == "extracted" and e.path in seen_paths}
    bar = _progress(len(files), cfg.progress)
    counts = {"unchanged": 0, "rejected": 0}
    stats: dict[str, tuple[Optional[int], Optional[int]]] = {}  # path -> (size, mtime_ns) to record
    restat: list[tuple[str, Optional[int], Optional[int]]] = []  # unchanged content, new stat

    def items() -> Iterator[WorkItem]:
        for path in files:
            item = _prepare(path, cfg, previous, stats)
            if item is None:
                counts["unchanged"] += 1
                prev = previous[str(path)]
                if str(path) in stats and stats[str(path)] != (prev.size, prev.mtime_ns):
                    restat.append((str(path), *stats.pop(str(path))))
                manifest.inputs.append(InputRecord(path=str(path), status="unchanged", doc_id=prev.doc_id,
                                                   sha256=prev.sha256, reason=prev.reason))
                if bar:
                    bar.update(1)
                    if prev.status == "rejected":
                        counts["rejected"] += 1
                continue
            yield item

    pending: list[WorkBatch] = []
    stage_dir = out / "json"
    stage_dir.mkdir(exist_ok=True)
    try:
        for batch in engine.run(items(), cfg.options, cfg.limits, stage_dir=str(stage_dir)):
            pending.append(batch)
            if bar:
                counts["rejected"] += sum(r.record.status == "rejected" for r in batch.results)
                bar.update(len(batch.results))
                bar.set_postfix(rejected=counts["rejected"], refresh=False)
            if sum(len(b.results) for b in pending) >= cfg.batch_size:
                _commit(pending, out, state, store, previous, owners, manifest, stats)
                pending = []
        _commit(pending, out, state, store, previous, owners, manifest, stats)
        pending = []
        state.update_stats(restat)
    finally:
        for b in pending:  # a run stopped before their commit: their staged JSON goes
            _discard_staged(b.results)
        _sweep_staged(out)  # and that of batches lost with a crashed worker pool
        if bar:
            bar.close()
        state.close()
    manifest.removed = sorted(p for p in previous if p not in seen_paths)
    recs = manifest.inputs
    manifest.counts = {
        "inputs": len(recs), "extracted": sum(r.status == "extracted" for r in recs),
        "rejected": sum(r.status == "rejected" for r in recs), "unchanged": counts["unchanged"],
        "removed": len(manifest.removed), "tasks": sum(r.tasks for r in recs if r.status == "extracted"),
        "sections": sum(r.sections for r in recs if r.status == "extracted"),
    }
    manifest.engine = getattr(engine, "name", "local")
    manifest.finished_at = _now()
    manifest.write(out)
    if orphans or _recs_changed(recs) or not _datapackage_current(out):
        from ..datadict import write_datapackage  # needs pyarrow: only when the tables changed

        write_datapackage(out)
    return manifest


# a file modified less than this long before it is hashed may be modified again within
# the same timestamp tick: its size and time are not recorded, so the next run hashes it
_RACY_NS = 2_000_000_000


def _recs_changed(recs: list[InputRecord]) -> bool:
    return any(r.status != "unchanged" for r in recs)


def _datapackage_current(out: Path) -> bool:
    """``datapackage.json`` exists and was written by this version (it lists the part
    files, so it is rewritten whenever a run changes them)."""
    try:
        with open(out / "datapackage.json", "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return f'"version": "{__version__}"'.encode() in head


def _prepare(path: Path, cfg: RunConfig, previous: dict[str, Entry],
             stats: dict[str, tuple[Optional[int], Optional[int]]]) -> Optional[WorkItem]:
    """A work item, or None when the file is unchanged since the last run: the same
    size and modification time as when it was last hashed (not even read, then), or
    else the same content hash. ``stats`` receives the (size, mtime_ns) to record."""
    key, doc_id = str(path), doc_id_for(path)
    prev = previous.get(key)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return WorkItem(key, doc_id, "", None, reason="not a regular file (a pipe, device or folder)")
        size = st.st_size
        if size > cfg.limits.max_bytes:
            mb = 1024 * 1024
            return WorkItem(key, doc_id, "", None, reason=f"file too large: {size / mb:.1f} MB "
                                                            f"(limit {cfg.limits.max_bytes / mb:g} MB, --max-size)")
        if prev is not None and not cfg.force and prev.sha256 and prev.mtime_ns is not None \
                and (prev.size, prev.mtime_ns) == (size, st.st_mtime_ns):
            return None
        data = path.read_bytes()
    except OSError as exc:
        return WorkItem(key, doc_id, "", None, reason=f"cannot read file: {exc.strerror or exc}")
    trusted = st.st_mtime_ns < time.time_ns() - _RACY_NS
    stats[key] = (size, st.st_mtime_ns) if trusted else (None, None)
    sha = hashlib.sha256(data).hexdigest()
    if prev is not None and prev.sha256 == sha and not cfg.force:
        return None
    return WorkItem(key, doc_id, sha, data)


def _sweep_staged(out: Path) -> None:
    for staged in (out / "json").glob(f".*{STAGED_SUFFIX}"):
        staged.unlink(missing_ok=True)


def _discard_staged(results: list[WorkResult]) -> None:
    for r in results:
        if r.json_staged:
            Path(r.json_staged).unlink(missing_ok=True)
            r.json_staged = None


def _tables_by_year(batches: list[WorkBatch], kept: set[int]) -> dict[str, dict[Optional[int], list]]:
    """Table name -> year -> slices of the batches' Arrow tables holding the rows of the
    results in ``kept`` (by ``id``), in input order: a document rejected at commit time
    leaves its rows out. The batch tables are sorted by year, so a year is usually one
    slice per batch; slicing copies nothing."""
    out: dict[str, dict[Optional[int], list]] = {}
    for b in batches:
        for name, table in b.tables.items():
            years = out.setdefault(name, {})
            pos, run_year, run_start, run_len = 0, None, 0, 0
            for i in b.order:
                r = b.results[i]
                n = r.row_counts.get(name, 0)
                if not n:
                    continue
                if id(r) in kept and run_len and r.year == run_year:
                    run_len += n  # the run of this year goes on
                else:
                    if run_len:
                        years.setdefault(run_year, []).append(table.slice(run_start, run_len))
                    run_year, run_start, run_len = r.year, pos, (n if id(r) in kept else 0)
                pos += n
            if run_len:
                years.setdefault(run_year, []).append(table.slice(run_start, run_len))
    return out


def _commit(batches: list[WorkBatch], out: Path, state: State, store: DatasetStore,
            previous: dict[str, Entry], owners: dict[str, str], manifest: Manifest,
            stats: dict[str, tuple[Optional[int], Optional[int]]]) -> None:
    chunk = [r for b in batches for r in b.results]
    if not chunk:
        return
    extracted: list[WorkResult] = []
    for r in chunk:
        rec = r.record
        if rec.status == "extracted":
            owner = owners.get(rec.doc_id)
            if owner is not None and owner != rec.path:
                rec.status, rec.reason = "rejected", f"duplicate doc_id {rec.doc_id!r} (already from {owner})"
                _discard_staged([r])
            else:
                owners[rec.doc_id] = rec.path
                extracted.append(r)
    # rows of documents that are re-extracted (or now rejected) leave their old parts
    stale: dict[str, set[str]] = {}
    for r in chunk:
        prev = previous.get(r.record.path)
        if prev is not None and prev.part and prev.doc_id:
            stale.setdefault(prev.part, set()).add(prev.doc_id)
    for part, doc_ids in stale.items():
        store.drop_documents(part, doc_ids)
    pid = part_id(r.record.doc_id for r in extracted) if extracted else None
    for r in extracted:
        target = out / "json" / f"{r.record.doc_id}.json"
        if r.json_staged:
            os.replace(r.json_staged, target)
            r.json_staged = None
        else:
            write_bytes(target, r.json_bytes, durable=False)
        r.json_bytes = None
    if extracted:
        tables = _tables_by_year(batches, {id(r) for r in extracted})
        store.write_part(pid, tables)
        for name, years in tables.items():
            manifest.tables[name] = manifest.tables.get(name, 0) + sum(t.num_rows for ts in years.values() for t in ts)
    entries = []
    for r in chunk:
        rec = r.record
        ok = rec.status == "extracted"
        size, mtime_ns = stats.pop(rec.path, (None, None))
        entries.append(Entry(path=rec.path, doc_id=rec.doc_id, sha256=rec.sha256 or "", status=rec.status,
                             reason=rec.reason, year=r.year, part=pid if ok else None, size=size,
                             mtime_ns=mtime_ns))
        manifest.inputs.append(rec)
    state.commit(entries)
    for e in entries:
        previous[e.path] = e


def _progress(total: int, enabled: bool):
    if not enabled or not sys.stderr.isatty() or total == 0:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="doc", desc="extract", file=sys.stderr, smoothing=0.1)
