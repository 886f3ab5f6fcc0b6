"""The unit of work, the same for every engine: a batch of documents in; for each
document its JSON (or a one-line rejection) and, for the batch, its rows as one
dataset part out. Reading and hashing the files, converting rows to Arrow and
writing the JSON and the part's Parquet files (under temporary names, which the
commit renames into place) all happen here, in the worker, so that the process that
commits the output has little left to do."""

from __future__ import annotations

import gc
import hashlib
import os
import stat
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Internal, ReadError, Timeout, TooLarge, Unreadable, Unsafe, Unsupported
from ..model import REVIEW_CODES
from ..normalize.text import one_line
from ..options import Options, printable
from ..writers.manifest import InputRecord
from .limits import FileTimeout, Limits, time_limit
from .store import DatasetStore, part_id

if TYPE_CHECKING:
    import pyarrow as pa

# The extraction itself (parsers, Arrow, JSON) is imported where it runs, in the
# worker: the driver, which only prepares items and commits results, starts faster.

# documents whose rows are converted to Arrow at a time: the Python rows of a whole
# part would take several times the memory of its Arrow tables
CONVERT_EVERY = 32

# allocations between two collections of the youngest generation while a batch runs
# (Python's default is 700). Extraction allocates many short-lived objects, and with
# the default most of its collections walk objects that are about to be freed anyway:
# about a tenth of the CPU of a batch, measured over the generated corpus.
GC_YOUNG_THRESHOLD = 10_000


@contextmanager
def _fewer_collections():
    """Collect garbage less often inside the block; the process's settings are restored
    after it (a batch may run in a caller's process: the one-worker engine, Dask)."""
    saved = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)


# how much of each file of a batch the kernel is asked to read ahead (all of a text
# document; the start of a large PDF, whose reading goes on by ordinary read-ahead)
PREFETCH_BYTES = 1 << 20


def prefetch(items: Sequence[WorkItem]) -> None:
    """Ask the kernel to start reading the batch's files now: a folder received today is
    not in the page cache, and a worker that reads one file at a time waits for the disk
    at every file. Cheap when the files are cached already (about 15 microseconds each);
    a file that cannot be opened is left to the read that reports it."""
    if not hasattr(os, "posix_fadvise"):
        return
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # never wait on a pipe swapped in since
    for item in items:
        if item.data is not None or item.reason:
            continue
        try:
            fd = os.open(item.path, flags)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, PREFETCH_BYTES, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


@dataclass
class WorkItem:
    path: str
    doc_id: str
    data: bytes | None = None  # the content, or None: the worker reads the file
    reason: str | None = None  # a rejection decided before the work (size, file type)
    code: str | None = None  # and its code
    previous_sha256: str | None = None  # the hash of the last run: the same content is "unchanged"
    max_bytes: int | None = None  # the size limit, checked again while reading


@dataclass
class WorkResult:
    record: InputRecord
    year: int | None = None
    json_bytes: bytes | None = None  # the document JSON, when it was not staged
    json_staged: str | None = None  # or the temporary file it was written to
    rows: dict[str, list[tuple]] = field(default_factory=dict)  # table name -> rows, until converted
    row_counts: dict[str, int] = field(default_factory=dict)  # how many rows it has in each table


@dataclass
class WorkBatch:
    """Results in input order, and the rows of their extracted documents as one dataset
    part (``part``): per table and year of issue, either Arrow tables in memory
    (``tables``) or Parquet files written under temporary names (``staged``), rows in
    input order within a year."""

    results: list[WorkResult]
    part: str | None = None
    tables: dict[str, dict[int | None, pa.Table]] = field(default_factory=dict)
    staged: dict[str, dict[int | None, str]] = field(default_factory=dict)

    def rows_of(self, dropped: Sequence[WorkResult]) -> dict[str, dict[int | None, list[tuple[int, int]]]]:
        """Where the rows of these results are: table -> year -> (offset, count) in the
        part's table of that year (documents of a year are there in input order)."""
        wanted = {id(r) for r in dropped}
        offsets: dict[tuple[str, int | None], int] = {}
        out: dict[str, dict[int | None, list[tuple[int, int]]]] = {}
        for r in self.results:
            for name, n in r.row_counts.items():
                if not n:
                    continue
                start = offsets.get((name, r.year), 0)
                offsets[(name, r.year)] = start + n
                if id(r) in wanted:
                    out.setdefault(name, {}).setdefault(r.year, []).append((start, n))
        return out

    @classmethod
    def merge(cls, batches: Sequence[WorkBatch]) -> WorkBatch:
        """One batch of several in-memory ones (documents redone one at a time)."""
        import pyarrow as pa

        results = [r for b in batches for r in b.results]
        pieces: dict[str, dict[int | None, list]] = {}
        for b in batches:
            for name, years in b.tables.items():
                for year, table in years.items():
                    pieces.setdefault(name, {}).setdefault(year, []).append(table)
        tables = {name: {year: pa.concat_tables(ts) for year, ts in years.items()} for name, years in pieces.items()}
        return cls(results, _part_of(results), tables)


def _part_of(results: Sequence[WorkResult]) -> str | None:
    """The part's name: a hash of its documents and their contents, the same whatever
    the engine or worker count."""
    keys = [f"{r.record.doc_id}:{r.record.sha256}" for r in results if r.record.status == "extracted"]
    return part_id(keys) if keys else None


class _Rows:
    """The rows of a batch by table and year, converted to Arrow every few documents."""

    def __init__(self, slices: bool = False) -> None:
        """``slices``: convert the pending rows of all years into one table, cut into
        zero-copy slices by year. Each pa.array call has a fixed cost: year by year took
        0.24 ms per document, all years at once 0.14 ms. Only for tables written out at
        once: a slice holds on to (and pickles with) the buffers of the whole table."""
        self.slices = slices
        self.pending: dict[str, dict[int | None, list[tuple]]] = {}
        self.done: dict[str, dict[int | None, list]] = {}
        self.docs = 0

    def add(self, result: WorkResult) -> None:
        for name, rows in result.rows.items():
            if rows:
                self.pending.setdefault(name, {}).setdefault(result.year, []).extend(rows)
        result.row_counts = {name: len(rows) for name, rows in result.rows.items()}
        result.rows = {}
        self.docs += 1
        if self.docs % CONVERT_EVERY == 0:
            self._convert()

    def _convert(self) -> None:
        from ..writers.tables import to_arrow

        for name, years in self.pending.items():
            done = self.done.setdefault(name, {})
            if not self.slices:
                for year, rows in years.items():
                    done.setdefault(year, []).append(to_arrow(name, rows))
                continue
            table = to_arrow(name, [row for rows in years.values() for row in rows])
            start = 0
            for year, rows in years.items():
                done.setdefault(year, []).append(table.slice(start, len(rows)))
                start += len(rows)
        self.pending = {}

    def tables(self) -> dict[str, dict[int | None, pa.Table]]:
        import pyarrow as pa

        self._convert()
        return {
            name: {year: pa.concat_tables(ts) if len(ts) > 1 else ts[0] for year, ts in years.items()}
            for name, years in self.done.items()
        }


def process_batch(
    items: Sequence[WorkItem],
    options: Options,
    limits: Limits,
    stage: str | None = None,
    stage_part: bool = True,
    on_done: Callable[[WorkResult], None] | None = None,
) -> WorkBatch:
    """Every item of the batch. With ``stage`` (the output folder, which the committing
    process sees too) each JSON, and with ``stage_part`` the part's Parquet files, are
    written there under temporary names, which the commit renames into place."""
    results: list[WorkResult] = []
    staging = stage is not None and stage_part
    rows = _Rows(slices=staging)
    prefetch(items)
    with _fewer_collections():
        for item in items:
            r = process(item, options, limits, stage)
            results.append(r)
            rows.add(r)
            if on_done is not None:
                on_done(r)
    part = _part_of(results)
    if part is None:
        return WorkBatch(results)
    if staging and stage is not None:
        return WorkBatch(results, part, staged=DatasetStore(Path(stage)).stage_part(part, rows.tables()))
    return WorkBatch(results, part, rows.tables())


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_input(path: str, max_bytes: int | None) -> bytes:
    """The file's bytes; ReadError when it cannot be read, is not a regular file (a
    pipe or device put in a file's place since it was found: opened without waiting,
    never read) or is (or has grown) larger than the limit."""
    mb = 1024 * 1024
    try:
        fd = os.open(path, _OPEN_FLAGS)
        try:
            mode = os.fstat(fd).st_mode
        except BaseException:
            os.close(fd)
            raise
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise Unsupported("not a regular file (a pipe, device or folder)")
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            cap = size if max_bytes is None else min(size, max_bytes)
            data = fh.read(cap + 1)  # one byte more: a file that grew since it was measured
            if len(data) > cap and (max_bytes is None or len(data) <= max_bytes):
                data += fh.read() if max_bytes is None else fh.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise TooLarge(f"file too large: more than {max_bytes / mb:g} MB (limit, --max-size)")
    return data


def process(item: WorkItem, options: Options, limits: Limits, stage: str | None = None) -> WorkResult:
    from ..pipeline import extract_document
    from ..writers.atomic import stage_bytes
    from ..writers.json_out import document_json
    from ..writers.tables import document_rows

    rec = InputRecord(path=item.path, status="extracted", doc_id=item.doc_id)
    if item.reason:
        rec.status, rec.reason, rec.code = "rejected", item.reason, item.code
        return WorkResult(rec)
    start = time.perf_counter()
    try:
        with time_limit(limits.max_seconds):  # the read too: a file on a stuck mount does not hang the run
            data = item.data if item.data is not None else read_input(item.path, item.max_bytes)
            rec.sha256 = hashlib.sha256(data).hexdigest()
            if item.previous_sha256 is not None and rec.sha256 == item.previous_sha256:
                rec.status = "unchanged"  # touched, not changed: nothing to redo
                return WorkResult(rec)
            doc = extract_document(Path(item.path), options, data=data, sha256=rec.sha256)
            doc.source.path = printable(doc.source.path)  # a file name that is not UTF-8
            doc.doc_id = item.doc_id
            payload = document_json(doc)
            rows = document_rows(doc)
    except ReadError as exc:
        rec.status, rec.reason, rec.code = "rejected", str(exc), exc.code
        return WorkResult(rec)
    except FileTimeout as exc:
        rec.status, rec.reason, rec.code = "rejected", f"time limit: {exc}", Timeout.code
        return WorkResult(rec)
    except MemoryError:
        rec.status, rec.code = "rejected", TooLarge.code
        rec.reason = f"memory limit: needed more than {limits.max_memory_mb} MB"
        return WorkResult(rec)
    except RecursionError:
        rec.status, rec.reason, rec.code = "rejected", "structure too deeply nested", Unsafe.code
        return WorkResult(rec)
    except Exception as exc:  # a bug must not stop the batch
        rec.status, rec.code = "rejected", Internal.code
        rec.reason = one_line(f"internal error: {type(exc).__name__}: {exc}")[:300]
        return WorkResult(rec)
    finally:
        rec.seconds = round(time.perf_counter() - start, 4)
    rec.format, rec.encoding, rec.element = doc.source.format, doc.source.encoding, doc.source.element
    rec.tasks, rec.sections, rec.warnings = len(doc.tasks), len(doc.sections), len(doc.warnings)
    rec.review = sorted({w.code for w in doc.warnings} & REVIEW_CODES)
    if stage is not None:
        staged = stage_bytes(Path(stage) / "json", f"{item.doc_id}.json", payload)
        return WorkResult(rec, year=doc.header.year, json_staged=str(staged), rows=rows)
    return WorkResult(rec, year=doc.header.year, json_bytes=payload, rows=rows)
