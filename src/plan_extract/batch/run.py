"""A batch run over files and folders into an output folder: incremental (unchanged
inputs skipped by content hash), parallel, observable (progress bar, manifest), and
safe (atomic writes; a killed run leaves the previous output readable and the next
run completes the work)."""
from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Generator, Iterator, Optional, Protocol, Sequence

from .. import __version__
from ..errors import Duplicate, TooLarge, Unreadable, Unsupported
from ..options import BATCH_SIZE, Options, doc_id_for
from ..writers.atomic import STAGED_SUFFIX, write_bytes
from ..writers.manifest import InputRecord, Manifest
from .discover import discover
from .limits import Limits
from .state import Entry, State
from .store import DatasetStore
from .work import WorkBatch, WorkItem, WorkResult

CHUNK_DOCS = BATCH_SIZE


class Engine(Protocol):
    """Where the batches run (:mod:`.engines`: a process pool, a Dask cluster)."""

    def run(self, items: Sequence[WorkItem], options: Options, limits: Limits, stage: Optional[str] = None,
            batch_size: int = CHUNK_DOCS, progress: Optional[Callable[[int, int], None]] = None
            ) -> Generator[WorkBatch, None, None]: ...


@dataclass
class RunConfig:
    inputs: list[str]
    output: Path
    options: Options = field(default_factory=Options)
    limits: Limits = field(default_factory=Limits)
    engine: Optional[Engine] = None  # LocalEngine / DaskEngine; default LocalEngine()
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
    orphans = store.remove_orphans(state.parts())  # and parts staged by a killed run
    (out / "json").mkdir(exist_ok=True)
    _sweep_staged(out)  # JSON staged by a killed run
    store.ensure_tables()
    previous = state.entries()
    files = [Path(p) for p in discover(cfg.inputs, out)]
    seen_paths = {str(p) for p in files}
    owners = {e.doc_id: e.path for e in previous.values()
              if e.status == "extracted" and e.doc_id is not None and e.path in seen_paths}
    stats: dict[str, tuple[Optional[int], Optional[int]]] = {}  # path -> (size, mtime_ns) to record
    restat: list[tuple[str, Optional[int], Optional[int]]] = []  # unchanged content, new stat
    items: list[WorkItem] = []
    skipped_rejected = 0
    for path in files:
        item = _prepare(path, cfg, previous, stats)
        if item is None:  # the same size and time as when it was hashed: not even read
            prev = previous[str(path)]
            _unchanged(InputRecord(path=str(path), status="unchanged"), prev, manifest)
            skipped_rejected += prev.status == "rejected"
        else:
            items.append(item)
    bar = _progress(len(files), cfg.progress)
    if bar:
        bar.update(len(files) - len(items))

    def progress(done: int, rejected: int) -> None:
        bar.update(len(files) - len(items) + done - bar.n)
        bar.set_postfix(rejected=skipped_rejected + rejected, refresh=False)

    batch: Optional[WorkBatch] = None
    work = engine.run(items, cfg.options, cfg.limits, stage=str(out), batch_size=cfg.batch_size,
                      progress=progress if bar else None)
    try:
        for batch in work:
            with _interrupts_deferred():
                _commit(batch, out, state, store, previous, owners, manifest, stats, restat)
            batch = None
        state.update_stats(restat)
    finally:
        work.close()  # a stopped run: the workers are stopped before the sweep below
        if batch is not None:  # a run stopped before its commit: its staged files go
            _discard_staged(batch)
        _sweep_staged(out)  # and those of batches lost with a crashed worker
        store.sweep_staged()
        if bar:
            bar.close()
        state.close()
    manifest.removed = sorted(p for p in previous if p not in seen_paths)
    recs = manifest.inputs
    manifest.counts = {
        "inputs": len(recs), "extracted": sum(r.status == "extracted" for r in recs),
        "rejected": sum(r.status == "rejected" for r in recs),
        "unchanged": sum(r.status == "unchanged" for r in recs),
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


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl-C (or kill, which the command turns into the same) during a commit takes
    effect when the commit is done: the state then records every part in place."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:  # delivered again, to the handler it was meant for
            signal.raise_signal(caught[0])


def _unchanged(rec: InputRecord, prev: Entry, manifest: Manifest) -> None:
    """An input whose content is that of the last run: recorded as it was then."""
    rec.doc_id, rec.sha256, rec.reason, rec.code = prev.doc_id, prev.sha256, prev.reason, prev.code
    manifest.inputs.append(rec)


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
    size and modification time as when it was last hashed (not even read, then). The
    worker reads and hashes the file, and finds it unchanged when its content hash is
    that of the last run. ``stats`` receives the (size, mtime_ns) to record."""
    key, doc_id = str(path), doc_id_for(path)
    prev = previous.get(key)
    try:
        st = path.stat()
    except OSError as exc:
        return WorkItem(key, doc_id, reason=f"cannot read file: {exc.strerror or exc}", code=Unreadable.code)
    if not stat.S_ISREG(st.st_mode):
        return WorkItem(key, doc_id, reason="not a regular file (a pipe, device or folder)",
                        code=Unsupported.code)
    size = st.st_size
    if size > cfg.limits.max_bytes:
        mb = 1024 * 1024
        return WorkItem(key, doc_id, reason=f"file too large: {size / mb:.1f} MB "
                                            f"(limit {cfg.limits.max_bytes / mb:g} MB, --max-size)",
                        code=TooLarge.code)
    if prev is not None and not cfg.force and prev.sha256 and prev.mtime_ns is not None \
            and (prev.size, prev.mtime_ns) == (size, st.st_mtime_ns):
        return None
    trusted = st.st_mtime_ns < time.time_ns() - _RACY_NS
    stats[key] = (size, st.st_mtime_ns) if trusted else (None, None)
    known = prev.sha256 if prev is not None and prev.sha256 and not cfg.force else None
    return WorkItem(key, doc_id, previous_sha256=known, max_bytes=cfg.limits.max_bytes)


def _sweep_staged(out: Path) -> None:
    for staged in (out / "json").glob(f".*{STAGED_SUFFIX}"):
        staged.unlink(missing_ok=True)


def _discard_staged(batch: WorkBatch) -> None:
    for r in batch.results:
        if r.json_staged:
            Path(r.json_staged).unlink(missing_ok=True)
            r.json_staged = None
    DatasetStore.discard(batch.staged)
    batch.staged = {}


def _commit(batch: WorkBatch, out: Path, state: State, store: DatasetStore, previous: dict[str, Entry],
            owners: dict[str, str], manifest: Manifest, stats: dict[str, tuple[Optional[int], Optional[int]]],
            restat: list[tuple[str, Optional[int], Optional[int]]]) -> None:
    """Put one batch in place: its JSON files and dataset part, then its state entries
    (the state never points at files that are not there)."""
    extracted: list[WorkResult] = []
    dropped: list[WorkResult] = []  # documents rejected here: their rows leave the part
    chunk: list[WorkResult] = []
    for r in batch.results:
        rec = r.record
        if rec.status == "unchanged":  # touched, not changed: only its new size and time
            _unchanged(rec, previous[rec.path], manifest)
            size, mtime_ns = stats.pop(rec.path, (None, None))
            restat.append((rec.path, size, mtime_ns))
            continue
        chunk.append(r)
        if rec.status != "extracted":
            continue
        assert rec.doc_id is not None, "an extracted document has its doc_id"
        owner = owners.get(rec.doc_id)
        if owner is not None and owner != rec.path:
            rec.status, rec.code = "rejected", Duplicate.code
            rec.reason = f"duplicate doc_id {rec.doc_id!r} (already from {owner})"
            dropped.append(r)
            if r.json_staged:
                Path(r.json_staged).unlink(missing_ok=True)
                r.json_staged = None
        else:
            owners[rec.doc_id] = rec.path
            extracted.append(r)
    # rows of documents that are re-extracted (or now rejected) leave their old parts
    stale: dict[str, set[str]] = {}
    for r in chunk:
        prev = previous.get(r.record.path)
        if prev is not None and prev.part and prev.doc_id:
            stale.setdefault(prev.part, set()).add(prev.doc_id)
    for stale_part, doc_ids in stale.items():
        store.drop_documents(stale_part, doc_ids)
    for r in extracted:
        target = out / "json" / f"{r.record.doc_id}.json"
        if r.json_staged:
            os.replace(r.json_staged, target)
            r.json_staged = None
        else:
            assert r.json_bytes is not None, "a document's JSON is staged or held"
            write_bytes(target, r.json_bytes, durable=False)
        r.json_bytes = None
    part = batch.part if extracted else None
    if part is not None:
        if batch.staged:
            store.publish_part(part, batch.staged, batch.rows_of(dropped))
            batch.staged = {}
        else:
            store.write_part(part, batch.tables, batch.rows_of(dropped))
        for r in extracted:
            for name, n in r.row_counts.items():
                manifest.tables[name] = manifest.tables.get(name, 0) + n
    else:
        DatasetStore.discard(batch.staged)
        batch.staged = {}
    entries = []
    for r in chunk:
        rec = r.record
        ok = rec.status == "extracted"
        size, mtime_ns = stats.pop(rec.path, (None, None))
        entries.append(Entry(path=rec.path, doc_id=rec.doc_id, sha256=rec.sha256 or "", status=rec.status,
                             reason=rec.reason, code=rec.code, year=r.year, part=part if ok else None, size=size,
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
