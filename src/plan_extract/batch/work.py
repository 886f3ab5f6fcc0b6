"""The unit of work, the same for every engine: a batch of documents' bytes in; for
each document its JSON (or a one-line rejection) and, for the batch, the Arrow rows of
every table out. Converting rows to Arrow and writing the JSON happen here, in the
worker, so that the process that commits the output has little left to do."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from ..ir import ReadError
from ..options import Options
from ..writers.manifest import InputRecord
from .limits import FileTimeout, Limits, time_limit
from .store import year_key

if TYPE_CHECKING:
    import pyarrow as pa

# The extraction itself (parsers, Arrow, JSON) is imported where it runs, in the
# worker: the driver, which only prepares items and commits results, starts faster.


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
    json_bytes: Optional[bytes] = None   # the document JSON, when it was not staged
    json_staged: Optional[str] = None    # or the temporary file it was written to
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table name -> rows, until batched
    row_counts: dict[str, int] = field(default_factory=dict)   # how many rows it has in each batch table


@dataclass
class WorkBatch:
    """Results in input order, and the rows of their extracted documents as one Arrow
    table per output table. The tables hold the results' rows in the order ``order``
    (result indices sorted by year of issue, input order within a year), so that each
    year is one slice of a table; ``row_counts`` of each result say how many are its own."""

    results: list[WorkResult]
    tables: dict[str, pa.Table] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)


def process_batch(items: Sequence[WorkItem], options: Options, limits: Limits,
                  stage_dir: Optional[str] = None) -> WorkBatch:
    """Every item of the batch, its rows converted to Arrow once for the batch. With
    ``stage_dir`` (a folder the committing process can see) each JSON is written there
    under a temporary name, which the commit renames into place."""
    from ..writers.tables import to_arrow

    results = [process(item, options, limits, stage_dir) for item in items]
    order = sorted(range(len(results)), key=lambda i: year_key(results[i].year))
    rows: dict[str, list[dict]] = {}
    for i in order:
        r = results[i]
        for name, part_rows in r.rows.items():
            rows.setdefault(name, []).extend(part_rows)
        r.row_counts = {name: len(part_rows) for name, part_rows in r.rows.items()}
        r.rows = {}
    return WorkBatch(results, {name: to_arrow(name, table_rows) for name, table_rows in rows.items()}, order)


def process(item: WorkItem, options: Options, limits: Limits, stage_dir: Optional[str] = None) -> WorkResult:
    from ..pipeline import extract_document
    from ..writers.atomic import stage_bytes
    from ..writers.json_out import document_json
    from ..writers.tables import document_rows

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
    if stage_dir is not None:
        staged = stage_bytes(Path(stage_dir), f"{item.doc_id}.json", payload)
        return WorkResult(rec, year=doc.header.year, json_staged=str(staged), rows=rows)
    return WorkResult(rec, year=doc.header.year, json_bytes=payload, rows=rows)


def one_line(text: str, limit: int = 300) -> str:
    return " ".join(text.split())[:limit]
