"""A batch run over files and folders into an output folder: incremental (unchanged
inputs skipped by content hash), parallel, observable (progress bar, manifest), and
safe (atomic writes; a killed run leaves the previous output readable and the next
run completes the work)."""
from __future__ import annotations

import datetime as dt
import hashlib
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from .. import __version__
from ..datadict import write_datapackage
from ..pipeline import Options, doc_id_for
from ..writers.atomic import write_bytes
from ..writers.manifest import InputRecord, Manifest
from ..writers.tables import to_arrow
from .discover import discover
from .engines import LocalEngine
from .limits import Limits
from .state import Entry, State
from .store import DatasetStore, part_id
from .work import WorkItem, WorkResult

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
    engine = cfg.engine or LocalEngine()
    manifest = Manifest(tool="plan-extract", version=__version__, output=str(out), started_at=_now())
    state = State(out)
    store = DatasetStore(out)
    store.remove_orphans(state.parts())
    store.ensure_tables()
    previous = state.entries()
    files = list(discover(cfg.inputs, out))
    seen_paths = {str(p) for p in files}
    owners = {e.doc_id: e.path for e in previous.values() if e.status == "extracted" and e.path in seen_paths}
    bar = _progress(len(files), cfg.progress)
    counts = {"unchanged": 0}

    def items() -> Iterator[WorkItem]:
        for path in files:
            item = _prepare(path, cfg, previous)
            if item is None:
                counts["unchanged"] += 1
                prev = previous[str(path)]
                manifest.inputs.append(InputRecord(path=str(path), status="unchanged", doc_id=prev.doc_id,
                                                   sha256=prev.sha256, reason=prev.reason))
                if bar:
                    bar.update(1)
                continue
            yield item

    chunk: list[WorkResult] = []
    try:
        for result in engine.run(items(), cfg.options, cfg.limits):
            chunk.append(result)
            if bar:
                bar.update(1)
                bar.set_postfix(rejected=sum(r.record.status == "rejected" for r in chunk)
                                + sum(r.status == "rejected" for r in manifest.inputs), refresh=False)
            if len(chunk) >= cfg.batch_size:
                _commit(chunk, out, state, store, previous, owners, manifest)
                chunk = []
        _commit(chunk, out, state, store, previous, owners, manifest)
    finally:
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
    write_datapackage(out)
    return manifest


def _prepare(path: Path, cfg: RunConfig, previous: dict[str, Entry]) -> Optional[WorkItem]:
    """A work item, or None when the file is unchanged since the last run."""
    key, doc_id = str(path), doc_id_for(path)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return WorkItem(key, doc_id, "", None, reason="not a regular file (a pipe, device or folder)")
        size = st.st_size
        if size > cfg.limits.max_bytes:
            mb = 1024 * 1024
            return WorkItem(key, doc_id, "", None, reason=f"file too large: {size / mb:.1f} MB "
                                                            f"(limit {cfg.limits.max_bytes / mb:g} MB, --max-size)")
        data = path.read_bytes()
    except OSError as exc:
        return WorkItem(key, doc_id, "", None, reason=f"cannot read file: {exc.strerror or exc}")
    sha = hashlib.sha256(data).hexdigest()
    prev = previous.get(key)
    if prev is not None and prev.sha256 == sha and not cfg.force:
        return None
    return WorkItem(key, doc_id, sha, data)


def _commit(chunk: list[WorkResult], out: Path, state: State, store: DatasetStore,
            previous: dict[str, Entry], owners: dict[str, str], manifest: Manifest) -> None:
    if not chunk:
        return
    extracted: list[WorkResult] = []
    for r in chunk:
        rec = r.record
        if rec.status == "extracted":
            owner = owners.get(rec.doc_id)
            if owner is not None and owner != rec.path:
                rec.status, rec.reason = "rejected", f"duplicate doc_id {rec.doc_id!r} (already from {owner})"
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
        write_bytes(out / "json" / f"{r.record.doc_id}.json", r.json_bytes, durable=False)
    if extracted:
        rows: dict[str, list[dict]] = {}
        for r in extracted:
            for name, part_rows in r.rows.items():
                rows.setdefault(name, []).extend(part_rows)
        store.write_part(pid, {name: to_arrow(name, table_rows) for name, table_rows in rows.items()})
        for name, table_rows in rows.items():
            manifest.tables[name] = manifest.tables.get(name, 0) + len(table_rows)
    entries = []
    for r in chunk:
        rec = r.record
        ok = rec.status == "extracted"
        entries.append(Entry(path=rec.path, doc_id=rec.doc_id, sha256=rec.sha256 or "", status=rec.status,
                             reason=rec.reason, year=r.year, part=pid if ok else None))
        manifest.inputs.append(rec)
    state.commit(entries)
    for e in entries:
        previous[e.path] = e


def _progress(total: int, enabled: bool):
    if not enabled or not sys.stderr.isatty() or total == 0:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="doc", desc="extract", file=sys.stderr, smoothing=0.1)
