"""The per-document unit of work, the same for every engine: bytes in, the JSON
document and the Arrow rows of every table out (or a one-line rejection)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..ir import ReadError
from ..pipeline import Options, extract_document
from ..writers.json_out import document_json
from ..writers.manifest import InputRecord
from ..writers.tables import document_rows
from .limits import FileTimeout, Limits, time_limit


@dataclass
class WorkItem:
    path: str
    doc_id: str
    sha256: str
    data: Optional[bytes]          # None when the file was rejected before reading (size)
    reason: Optional[str] = None   # a rejection decided before the work


@dataclass
class WorkResult:
    record: InputRecord
    year: Optional[int] = None
    json_bytes: Optional[bytes] = None
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table name -> rows (Arrow per batch)


def process(item: WorkItem, options: Options, limits: Limits) -> WorkResult:
    rec = InputRecord(path=item.path, status="extracted", doc_id=item.doc_id, sha256=item.sha256)
    if item.reason:
        rec.status, rec.reason = "rejected", item.reason
        return WorkResult(rec)
    start = time.perf_counter()
    try:
        with time_limit(limits.max_seconds):
            doc = extract_document(Path(item.path), options, data=item.data)
            doc.doc_id = item.doc_id
            payload = document_json(doc)
            rows = document_rows(doc)
    except ReadError as exc:
        rec.status, rec.reason = "rejected", str(exc)
        return WorkResult(rec)
    except FileTimeout as exc:
        rec.status, rec.reason = "rejected", f"time limit: {exc}"
        return WorkResult(rec)
    except MemoryError:
        rec.status, rec.reason = "rejected", f"memory limit: needed more than {limits.max_memory_mb} MB"
        return WorkResult(rec)
    except RecursionError:
        rec.status, rec.reason = "rejected", "structure too deeply nested"
        return WorkResult(rec)
    except Exception as exc:  # a bug must not stop the batch
        rec.status, rec.reason = "rejected", one_line(f"internal error: {type(exc).__name__}: {exc}")
        return WorkResult(rec)
    finally:
        rec.seconds = round(time.perf_counter() - start, 4)
    rec.format, rec.encoding = doc.source.format, doc.source.encoding
    rec.tasks, rec.sections, rec.warnings = len(doc.tasks), len(doc.sections), len(doc.warnings)
    return WorkResult(rec, year=doc.header.year, json_bytes=payload, rows=rows)


def one_line(text: str, limit: int = 300) -> str:
    return " ".join(text.split())[:limit]
