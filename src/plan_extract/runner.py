"""A batch run: find the inputs, extract each document (a bad file is rejected
with a one-line reason and the batch goes on), write JSON, Parquet and the manifest."""
from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from . import __version__
from .ir import ReadError
from .model import DocumentResult
from .pipeline import Options, doc_id_for, extract_document
from .readers import SUPPORTED_EXTENSIONS
from .writers.json_out import write_document
from .writers.manifest import InputRecord, Manifest
from .writers.parquet_out import write_tables


def discover(inputs: Iterable[Path | str], output: Optional[Path] = None) -> Iterator[Path]:
    """Input files in a stable order: files as given, folders walked recursively
    (hidden entries, the output folder and symlink loops skipped)."""
    out_resolved = output.resolve() if output else None
    seen: set[Path] = set()
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            for root, dirs, files in os.walk(p, followlinks=False):
                rootp = Path(root)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and (out_resolved is None or (rootp / d).resolve() != out_resolved))
                for name in sorted(files):
                    f = rootp / name
                    if name.startswith(".") or f.suffix.lower() not in SUPPORTED_EXTENSIONS:
                        continue
                    key = f.resolve()
                    if key not in seen:
                        seen.add(key)
                        yield f
        else:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                yield p


@dataclass
class Outcome:
    record: InputRecord
    doc: Optional[DocumentResult] = None


def process_one(path: Path, options: Options) -> Outcome:
    start = time.perf_counter()
    rec = InputRecord(path=str(path), status="extracted", doc_id=doc_id_for(path))
    try:
        doc = extract_document(path, options)
    except ReadError as exc:
        rec.status, rec.reason = "rejected", str(exc)
        return Outcome(rec)
    except Exception as exc:  # a parser bug must not stop the batch
        rec.status, rec.reason = "rejected", f"internal error: {type(exc).__name__}: {exc}"[:300]
        return Outcome(rec)
    finally:
        rec.seconds = round(time.perf_counter() - start, 4)
    rec.sha256, rec.format, rec.encoding = doc.source.sha256, doc.source.format, doc.source.encoding
    rec.tasks, rec.sections, rec.warnings = len(doc.tasks), len(doc.sections), len(doc.warnings)
    return Outcome(rec, doc)


def run(inputs: list[str], output: Path, options: Options, progress: bool = True) -> Manifest:
    output.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(tool="plan-extract", version=__version__, output=str(output),
                        started_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    files = list(discover(inputs, output))
    docs: list[DocumentResult] = []
    bar = _progress(len(files), progress)
    ids: dict[str, str] = {}
    for path in files:
        outcome = process_one(path, options)
        rec = outcome.record
        if outcome.doc is not None:
            if rec.doc_id in ids:
                rec.status, rec.reason = "rejected", f"duplicate doc_id {rec.doc_id!r} (also {ids[rec.doc_id]})"
            else:
                ids[rec.doc_id] = str(path)
                write_document(outcome.doc, output)
                docs.append(outcome.doc)
        manifest.inputs.append(rec)
        if bar:
            bar.update(1)
            bar.set_postfix(rejected=sum(r.status == "rejected" for r in manifest.inputs), refresh=False)
    if bar:
        bar.close()
    manifest.tables = write_tables(docs, output)
    manifest.counts = {
        "inputs": len(manifest.inputs),
        "extracted": sum(r.status == "extracted" for r in manifest.inputs),
        "rejected": sum(r.status == "rejected" for r in manifest.inputs),
        "tasks": sum(len(d.tasks) for d in docs), "sections": sum(len(d.sections) for d in docs),
    }
    manifest.finished_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    manifest.write(output)
    return manifest


def _progress(total: int, enabled: bool):
    if not enabled or not sys.stderr.isatty() or total == 0:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="doc", desc="extract", file=sys.stderr)
