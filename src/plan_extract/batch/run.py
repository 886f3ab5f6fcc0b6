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
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .. import __version__
from ..errors import Duplicate, TooLarge, Unreadable, Unsupported
from ..options import BATCH_SIZE, Options, doc_id_for
from ..writers.atomic import NAME_MAX, STAGED_SUFFIX, write_bytes
from ..writers.manifest import InputRecord, Manifest
from .discover import discover
from .limits import Limits
from .lock import output_lock
from .state import STATE_DIR, Entry, State
from .store import DatasetStore
from .work import WorkBatch, WorkItem, WorkResult

CHUNK_DOCS = BATCH_SIZE


class Engine(Protocol):
    """Where the batches run (:mod:`.engines`: a process pool, a Dask cluster)."""

    def run(
        self,
        items: Sequence[WorkItem],
        options: Options,
        limits: Limits,
        stage: str | None = None,
        batch_size: int = CHUNK_DOCS,
        progress: Callable[[int, int], None] | None = None,
    ) -> Generator[WorkBatch, None, None]: ...


@dataclass
class RunConfig:
    inputs: list[str]
    output: Path
    options: Options = field(default_factory=Options)
    limits: Limits = field(default_factory=Limits)
    engine: Engine | None = None  # LocalEngine / DaskEngine; default LocalEngine()
    force: bool = False
    progress: bool = True  # a progress bar on a terminal, progress lines otherwise
    batch_size: int = CHUNK_DOCS  # documents per part file and per state commit
    wait: bool = False  # wait for another run into the same output (else OutputBusy)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def run(cfg: RunConfig) -> Manifest:
    """Run the batch. One run at a time per output folder: OutputBusy when another run
    holds it (unless ``cfg.wait``). Ctrl-C (KeyboardInterrupt) still writes the manifest
    of what was committed (``interrupted``: true), then goes on up."""
    out = cfg.output
    out.mkdir(parents=True, exist_ok=True)
    with output_lock(out / STATE_DIR, wait=cfg.wait):
        return _run(cfg)


def _run(cfg: RunConfig) -> Manifest:
    out = cfg.output
    engine = cfg.engine
    if engine is None:
        from .engines import LocalEngine

        engine = LocalEngine()
    manifest = Manifest(tool="plan-extract", version=__version__, output=str(out), started_at=_now())
    state = State(out)
    store = DatasetStore(out)
    orphans = store.remove_orphans(state.parts())  # and parts staged by a killed run
    (out / "json").mkdir(exist_ok=True)
    _sweep_staged(out)  # JSON, manifest and data package staged by a killed run
    store.ensure_tables()
    previous = state.entries()
    skipped: list[tuple[str, str]] = []
    files = [Path(p) for p in discover(cfg.inputs, out, skipped)]
    manifest.skipped = [{"path": p, "reason": reason} for p, reason in skipped]
    seen_paths = {str(p) for p in files}
    owners = {
        e.doc_id: e.path
        for e in previous.values()
        if e.status == "extracted" and e.doc_id is not None and e.path in seen_paths
    }
    manifest.removed = sorted(p for p in previous if p not in seen_paths)
    # documents of inputs that disappeared: a new input of the same doc_id (the file moved
    # or renamed) replaces their rows instead of adding a second copy
    gone = {
        e.doc_id: e.path
        for e in previous.values()
        if e.status == "extracted" and e.doc_id is not None and e.path not in seen_paths
    }
    stats: dict[str, tuple[int | None, int | None]] = {}  # path -> (size, mtime_ns) to record
    restat: list[tuple[str, int | None, int | None]] = []  # unchanged content, new stat
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

    batch: WorkBatch | None = None
    committed = False  # a batch changed the tables
    try:
        work = engine.run(
            items,
            cfg.options,
            cfg.limits,
            stage=str(out),
            batch_size=cfg.batch_size,
            progress=progress if bar else None,
        )
        try:
            for batch in work:
                with _interrupts_deferred():
                    committed |= _commit(batch, out, state, store, previous, owners, gone, manifest, stats, restat)
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
    except KeyboardInterrupt:
        manifest.interrupted = True
        with _interrupts_deferred():  # the manifest of the batches kept, then stop
            _finish(manifest, engine, out, previous, len(files), orphans or committed)
            state.close()
        raise
    except BaseException:
        state.close()
        raise
    _finish(manifest, engine, out, previous, len(files), orphans or committed)
    state.close()
    return manifest


def _finish(manifest: Manifest, engine, out: Path, previous: dict[str, Entry], n_files: int, tables_changed) -> None:
    """Counts, the dataset's totals and the manifest; the data package when the tables
    changed (it lists their part files)."""
    recs = manifest.inputs
    manifest.counts = {
        "inputs": len(recs),
        "extracted": sum(r.status == "extracted" for r in recs),
        "rejected": sum(r.status == "rejected" for r in recs),
        "unchanged": sum(r.status == "unchanged" for r in recs),
        "removed": len(manifest.removed),
        "tasks": sum(r.tasks for r in recs if r.status == "extracted"),
        "sections": sum(r.sections for r in recs if r.status == "extracted"),
        "skipped": len(manifest.skipped),
    }
    for rec in recs:  # documents to review, by the warning that says so (this run's and unchanged ones)
        for code in rec.review:
            manifest.counts[f"review_{code}"] = manifest.counts.get(f"review_{code}", 0) + 1
    if manifest.interrupted:
        manifest.counts["not_reached"] = n_files - len(recs)
    manifest.tables, manifest.dataset = _dataset_totals(out, previous, manifest)
    manifest.engine = getattr(engine, "name", "local")
    manifest.finished_at = _now()
    manifest.write(out)
    if tables_changed or _recs_changed(manifest.inputs) or not _datapackage_current(out):
        from ..datadict import write_datapackage  # needs pyarrow: only when the tables changed

        write_datapackage(out)


def _dataset_totals(out: Path, entries: dict[str, Entry], manifest: Manifest) -> tuple[dict[str, int], dict[str, int]]:
    """Rows per table, and documents, task rows and rejected inputs, of the whole output
    after the run (``entries``: the state, brought up to date by the commits). Rows
    come from the state; a state of an older version, which has no row counts, has them
    read from the part files' footers."""
    from .store import TABLES

    extracted = [e for e in entries.values() if e.status == "extracted" and e.part]
    tables = {name: 0 for name in TABLES}
    if all(e.rows is not None for e in extracted):
        for e in extracted:
            for name, n in (e.rows or {}).items():
                tables[name] = tables.get(name, 0) + n
    else:
        import pyarrow.parquet as pq

        for name in TABLES:
            tables[name] = sum(pq.ParquetFile(p).metadata.num_rows for p in (out / name).glob("year=*/part-*.parquet"))
    dataset = {
        "documents": len(extracted),
        "tasks": tables.get("tasks", 0),
        "sections": tables.get("sections", 0),
        "rejected": len(manifest.rejected),
    }
    return tables, dataset


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl-C (or kill, which the command turns into the same) during a commit takes
    effect when the commit is done: the state then records every part in place."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:  # delivered again, to the handler it was meant for
            signal.raise_signal(caught[0])


def _unchanged(rec: InputRecord, prev: Entry, manifest: Manifest) -> None:
    """An input whose content is that of the last run: recorded as it was then (its
    format, figures, or its rejection's reason and code)."""
    rec.doc_id, rec.sha256, rec.reason, rec.code = prev.doc_id, prev.sha256, prev.reason, prev.code
    rec.format, rec.encoding, rec.element = prev.format, prev.encoding, prev.element
    rec.tasks, rec.sections, rec.warnings = prev.tasks, prev.sections, prev.warnings
    rec.review = prev.review.split(",") if prev.review else []
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


def _prepare(
    path: Path, cfg: RunConfig, previous: dict[str, Entry], stats: dict[str, tuple[int | None, int | None]]
) -> WorkItem | None:
    """A work item, or None when the file is unchanged since the last run: the same
    size and modification time as when it was last hashed (not even read, then). The
    worker reads and hashes the file, and finds it unchanged when its content hash is
    that of the last run. ``stats`` receives the (size, mtime_ns) to record."""
    key, doc_id = str(path), doc_id_for(path)
    prev = previous.get(key)
    if len(f"{doc_id}.json".encode()) > NAME_MAX:
        return WorkItem(
            key,
            doc_id,
            reason=f"file name too long: its JSON output (json/<doc_id>.json) would be over {NAME_MAX} bytes",
            code=Unsupported.code,
        )
    try:
        st = path.stat()
    except OSError as exc:
        return WorkItem(key, doc_id, reason=f"cannot read file: {exc.strerror or exc}", code=Unreadable.code)
    if not stat.S_ISREG(st.st_mode):
        return WorkItem(key, doc_id, reason="not a regular file (a pipe, device or folder)", code=Unsupported.code)
    size = st.st_size
    if size > cfg.limits.max_bytes:
        mb = 1024 * 1024
        return WorkItem(
            key,
            doc_id,
            reason=f"file too large: {size / mb:.1f} MB (limit {cfg.limits.max_bytes / mb:g} MB, --max-size)",
            code=TooLarge.code,
        )
    if (
        prev is not None
        and not cfg.force
        and prev.sha256
        and prev.mtime_ns is not None
        and (prev.size, prev.mtime_ns) == (size, st.st_mtime_ns)
    ):
        return None
    trusted = st.st_mtime_ns < time.time_ns() - _RACY_NS
    stats[key] = (size, st.st_mtime_ns) if trusted else (None, None)
    known = prev.sha256 if prev is not None and prev.sha256 and not cfg.force else None
    return WorkItem(key, doc_id, previous_sha256=known, max_bytes=cfg.limits.max_bytes)


def _sweep_staged(out: Path) -> None:
    """Temporary files of the JSON folder and of the folder itself (the manifest, the
    data package) that a stopped or killed run left (the output lock is held: none is
    another run's)."""
    for folder in (out / "json", out):
        for staged in folder.glob(f".*{STAGED_SUFFIX}"):
            staged.unlink(missing_ok=True)


def _discard_staged(batch: WorkBatch) -> None:
    for r in batch.results:
        if r.json_staged:
            Path(r.json_staged).unlink(missing_ok=True)
            r.json_staged = None
    DatasetStore.discard(batch.staged)
    batch.staged = {}


def _commit(
    batch: WorkBatch,
    out: Path,
    state: State,
    store: DatasetStore,
    previous: dict[str, Entry],
    owners: dict[str, str],
    gone: dict[str, str],
    manifest: Manifest,
    stats: dict[str, tuple[int | None, int | None]],
    restat: list[tuple[str, int | None, int | None]],
) -> bool:
    """Put one batch in place: its JSON files and dataset part, then its state entries
    (the state never points at files that are not there). True when the tables changed."""
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
    replaced = []  # entries of vanished inputs whose doc_id an input of this batch takes over
    for r in extracted:
        old = previous.get(gone.pop(r.record.doc_id or "", ""))
        if old is not None and old.status == "extracted":
            if old.part and old.doc_id:
                stale.setdefault(old.part, set()).add(old.doc_id)
            replaced.append(old.path)
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
    else:
        DatasetStore.discard(batch.staged)
        batch.staged = {}
    entries = []
    for r in chunk:
        rec = r.record
        ok = rec.status == "extracted"
        size, mtime_ns = stats.pop(rec.path, (None, None))
        entries.append(
            Entry(
                path=rec.path,
                doc_id=rec.doc_id,
                sha256=rec.sha256 or "",
                status=rec.status,
                reason=rec.reason,
                code=rec.code,
                year=r.year,
                part=part if ok else None,
                size=size,
                mtime_ns=mtime_ns,
                format=rec.format,
                encoding=rec.encoding,
                element=rec.element,
                tasks=rec.tasks,
                sections=rec.sections,
                warnings=rec.warnings,
                rows=dict(r.row_counts) if ok else None,
                review=",".join(rec.review) or None,
            )
        )
        manifest.inputs.append(rec)
    state.commit(entries, forget=replaced)
    for e in entries:
        previous[e.path] = e
    for path in replaced:
        previous.pop(path, None)
    return bool(stale) or part is not None


def _progress(total: int, enabled: bool):
    """A progress bar on a terminal; progress lines (every LOG_EVERY_FILES files or
    LOG_EVERY_SECONDS seconds) when the output goes to a log or a pipe."""
    if not enabled or total == 0:
        return None
    if not sys.stderr.isatty():
        return _LogProgress(total)
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="extract", file=sys.stderr, smoothing=0.1)


LOG_EVERY_FILES = 500
LOG_EVERY_SECONDS = 30.0


class _LogProgress:
    """The progress bar's interface (update, n, set_postfix, close) as plain lines:
    ``extract: 1200/10000 files (12%), 3 rejected, 41 s``."""

    def __init__(self, total: int):
        self.total, self.n, self.rejected = total, 0, 0
        self.start = self.last_time = time.monotonic()
        self.last_n = 0

    def update(self, k: int = 1) -> None:
        self.n += k
        now = time.monotonic()
        if self.n - self.last_n >= LOG_EVERY_FILES or (
            now - self.last_time >= LOG_EVERY_SECONDS and self.n > self.last_n
        ):
            self._line(now)

    def set_postfix(self, rejected: int = 0, refresh: bool = False) -> None:
        self.rejected = rejected

    def _line(self, now: float) -> None:
        self.last_n, self.last_time = self.n, now
        print(
            f"extract: {self.n}/{self.total} files ({100 * self.n // max(1, self.total)}%), "
            f"{self.rejected} rejected, {now - self.start:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    def close(self) -> None:
        if self.n != self.last_n:
            self._line(time.monotonic())
