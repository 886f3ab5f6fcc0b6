"""Engines run the work in batches of documents (one batch: one dataset part and one
commit of the run state) and yield the batches in input order, so that the same
inputs give the same rows whatever the engine or worker count.

- ``local``: a process pool (``--workers``, default the number of cores). Each worker
  reads and hashes its files, extracts them, and writes their JSON and the batch's
  Parquet part under temporary names; what comes back is small (the records and the
  temporary names). Workers count the files they finish in shared counters, which
  drive the progress bar and tell a slow batch from a stuck worker. A worker that dies
  (memory limit, segfault) or hangs costs only the file it was on: the batches in
  flight are redone, and the one that fails again is redone one file at a time.
- ``dask``: the same work on a ``dask.distributed`` cluster (``--scheduler``); workers
  need no shared file system, so the files' bytes go with the work and the JSON and
  the rows come back in the result."""

from __future__ import annotations

import gc
import math
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from ..errors import Internal, ReadError, Timeout
from ..options import Options
from ..writers.manifest import InputRecord
from .limits import Limits, apply_memory_limit
from .work import WorkBatch, WorkItem, WorkResult, process_batch, read_input

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# The process pool's modules (multiprocessing, concurrent.futures) are imported when a
# pool starts: a re-run over unchanged files starts none.

# progress(done, rejected): documents finished so far by the engine, and how many of
# them were rejected
Progress = Callable[[int, int], None]

_OPTIONS: Options | None = None
_LIMITS: Limits | None = None
_STAGE: str | None = None
_COUNTERS: tuple | None = None  # (done, rejected): shared with the driver


def _init(options: Options, limits: Limits, stage: str | None, counters, driver: int | None = None) -> None:
    global _OPTIONS, _LIMITS, _STAGE, _COUNTERS
    _OPTIONS, _LIMITS, _STAGE, _COUNTERS = options, limits, stage, counters
    _die_with(driver)
    from .lock import release_inherited

    release_inherited()
    apply_memory_limit(limits.max_memory_mb)
    _pyarrow_without_pandas()
    # Ctrl-C reaches the whole process group: the driver stops the workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


_PR_SET_PDEATHSIG = 1


def _die_with(driver: int | None) -> None:
    """Make this worker die when the driver process ``driver`` does (``kill -9`` of the
    command must not leave workers writing into the output): on Linux the kernel sends
    SIGKILL at the parent's death (prctl PR_SET_PDEATHSIG); elsewhere a daemon thread
    watches the parent pid. A driver already gone by now: exit at once. ``driver`` is
    None when the worker's parent is not the driver (a fork server): the worker then
    dies with its parent."""
    parent = driver if driver is not None else os.getppid()
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # died before the signal was armed
        os._exit(1)
    if not armed:
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="plan-extract-parent-watch", daemon=True).start()


def _pyarrow_without_pandas() -> None:
    """Before pyarrow converts a Python list it checks whether the list is a pandas
    object, and the first check imports pandas: 0.45 s and 40 MB in every worker, which
    never holds a pandas object. A pool worker (a process of its own, that runs nothing
    but batches) lets that first check find no pandas; pyarrow remembers it and
    converts lists as lists. Any later use that needs pandas imports it as usual."""
    if "pandas" in sys.modules:
        return  # the driver had it: the worker inherited it for free
    import pyarrow as pa

    sys.meta_path.insert(0, _NoPandas)  # `import pandas` fails
    try:
        pa.array([], type=pa.string())
    finally:
        sys.meta_path.remove(_NoPandas)


class _NoPandas:
    """An import finder that refuses pandas."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not loaded in a batch worker")
        return None


def _count(result: WorkResult) -> None:
    assert _COUNTERS is not None, "a pool worker: _init set the counters"
    done, rejected = _COUNTERS
    with done.get_lock():
        done.value += 1
    if result.record.status == "rejected":
        with rejected.get_lock():
            rejected.value += 1


def _work(items: list[WorkItem], stage_part: bool = True) -> WorkBatch:
    assert _OPTIONS is not None and _LIMITS is not None, "a pool worker: _init set them"
    return process_batch(items, _OPTIONS, _LIMITS, _STAGE, stage_part=stage_part, on_done=_count)


def _crashed(item: WorkItem, reason: str, code: str = Internal.code) -> WorkResult:
    return WorkResult(InputRecord(path=item.path, status="rejected", doc_id=item.doc_id, reason=reason, code=code))


def _settle(options: Options) -> None:
    """Load the reference data and pyarrow now, and move everything alive so far
    (modules, registry, gazetteer) out of the garbage collector's sight: the collector
    no longer walks these objects on every full collection, and forked workers do not
    copy the memory pages the walk would touch."""
    from ..pipeline import warm_up

    warm_up(options)
    # pyarrow too (0.1-0.2 s): every worker needs it, and the driver needs it at the end
    # of the run for the data package; imported once here, it is shared by the fork
    # instead of being imported in each worker and again, alone, at the end
    import pyarrow  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    gc.freeze()


# the smallest batch made to spread few inputs over the workers
MIN_BATCH = 16


def part_size(n_items: int, batch_size: int, spread: int) -> int:
    """Documents per batch (one part, one commit): ``batch_size``, or fewer (not under
    MIN_BATCH) when the inputs are too few to give each of ``spread`` workers two."""
    return max(1, min(batch_size, max(MIN_BATCH, math.ceil(n_items / (2 * spread)))))


def batches(items: Iterable[WorkItem], size: int) -> Iterator[list[WorkItem]]:
    it = iter(items)
    while True:
        batch = list(islice(it, size))
        if not batch:
            return
        yield batch


class LocalEngine:
    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1

    def batch_size(self, n_items: int, batch_size: int) -> int:
        """Documents per batch on this machine, the same for any worker count up to the
        number of cores (the same parts, so the same files and row order)."""
        return part_size(n_items, batch_size, max(self.workers, os.cpu_count() or 1))

    def run(
        self,
        items: Sequence[WorkItem],
        options: Options,
        limits: Limits,
        stage: str | None = None,
        batch_size: int = 256,
        progress: Progress | None = None,
    ) -> Generator[WorkBatch, None, None]:
        if not items:
            return  # nothing to do (a re-run over unchanged files): no pool at all
        _settle(options)  # before the fork: the workers inherit the loaded data
        size = self.batch_size(len(items), batch_size)
        if self.workers == 1:
            done = [0, 0]

            def tick(r: WorkResult) -> None:
                done[0] += 1
                done[1] += r.record.status == "rejected"
                if progress is not None:
                    progress(*done)

            for chunk in batches(items, size):
                yield process_batch(chunk, options, limits, stage, on_done=tick)
            return
        yield from _Pool(self.workers, options, limits, stage, progress).run(batches(items, size))


class _Stuck(Exception):
    """No file finished for the guard's time while a batch was in flight."""


class _Pool:
    """The process pool of the local engine, its shared counters, and what is done
    when one of its workers dies or hangs."""

    # how often the driver looks at the counters while it waits for a batch
    POLL = 0.2
    # a worker is stuck (its per-file alarm did not fire) when no file finished for
    # twice the time limit and this many seconds more
    GRACE = 30.0

    def __init__(self, workers: int, options: Options, limits: Limits, stage: str | None, progress: Progress | None):
        import multiprocessing

        self.workers, self.options, self.limits, self.stage = workers, options, limits, stage
        self.progress = progress
        self.ctx = ctx = multiprocessing.get_context()
        self.counters = (ctx.Value("q", 0), ctx.Value("q", 0))
        self.delivered = [0, 0]  # documents (and rejected ones) in the batches yielded so far
        self.base = [0, 0]  # what the counters do not count (they restart after a crash)
        self.guard = (limits.max_seconds * 2 + self.GRACE) if limits.max_seconds else None

    def _new(self, workers: int) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        driver = os.getpid() if self.ctx.get_start_method() in ("fork", "spawn") else None
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self.ctx,
            initializer=_init,
            initargs=(self.options, self.limits, self.stage, self.counters, driver),
        )

    def _delivered(self, batch: WorkBatch) -> None:
        self.delivered[0] += len(batch.results)
        self.delivered[1] += sum(r.record.status == "rejected" for r in batch.results)

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.base[0] + self.counters[0].value, self.base[1] + self.counters[1].value)

    def _result(self, fut) -> WorkBatch:
        """The batch of ``fut``, reporting progress while it waits; BrokenProcessPool when
        a worker died, _Stuck when no file finished for the guard's time."""
        from concurrent.futures import FIRST_COMPLETED, wait

        last, seen = time.monotonic(), self.counters[0].value
        while not fut.done():
            wait([fut], timeout=self.POLL, return_when=FIRST_COMPLETED)
            self._report()
            now = self.counters[0].value
            if now != seen:
                last, seen = time.monotonic(), now
            elif self.guard is not None and time.monotonic() - last > self.guard:
                raise _Stuck
        return fut.result()

    def run(self, chunks: Iterator[list[WorkItem]]) -> Iterator[WorkBatch]:
        from concurrent.futures.process import BrokenProcessPool

        pool = self._new(self.workers)
        window: deque = deque()
        ahead = self.workers * 2  # batches in flight: a worker never waits for the next one
        try:
            while True:
                while len(window) < ahead:
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    window.append((chunk, pool.submit(_work, chunk)))
                if not window:
                    return
                try:
                    result = self._result(window[0][1])
                except (BrokenProcessPool, _Stuck):
                    # a worker died or hangs: redo what was in flight, without this pool;
                    # the counters start again from what was delivered
                    _kill(pool)
                    pending = [ch for ch, _ in window]
                    window.clear()
                    self.base = list(self.delivered)
                    for counter in self.counters:
                        counter.value = 0
                    for ch in pending:
                        batch = self._redo(ch)
                        self._delivered(batch)
                        yield batch
                    pool = self._new(self.workers)
                    continue
                window.popleft()
                self._delivered(result)
                self._report()
                yield result
        finally:  # done, or stopped (Ctrl-C, an error): no worker writes anything after this
            _kill(pool)

    def _redo(self, chunk: list[WorkItem]) -> WorkBatch:
        """A batch of a broken pool, alone in a new worker; when it fails again, its files
        one at a time, each in a worker of its own."""
        counted = [c.value for c in self.counters]
        batch, _, _ = self._isolated(chunk, stage_part=True)
        if batch is not None:
            return batch
        for counter, value in zip(self.counters, counted):  # its files are counted as they are redone
            counter.value = value
        done = []
        for item in chunk:
            one, reason, code = self._isolated([item], stage_part=False)
            if one is None:
                one = WorkBatch([_crashed(item, reason, code)])
                self.base[0] += 1
                self.base[1] += 1
            done.append(one)
        return WorkBatch.merge(done)

    def _isolated(self, chunk: list[WorkItem], stage_part: bool) -> tuple[WorkBatch | None, str, str]:
        """The chunk's batch from a worker of its own; or None, the reason and its code."""
        from concurrent.futures.process import BrokenProcessPool

        pool = self._new(1)
        try:
            return self._result(pool.submit(_work, chunk, stage_part)), "", ""
        except BrokenProcessPool:
            return None, "the worker process died on this file (memory limit or fatal error)", Internal.code
        except _Stuck:
            return None, f"time limit: took longer than {self.guard:g} s (worker stopped)", Timeout.code
        finally:
            _kill(pool)


def _kill(pool: ProcessPoolExecutor) -> None:
    procs = list(getattr(pool, "_processes", {}).values())
    for proc in procs:
        try:
            proc.kill()
        except Exception:
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:  # gone before the caller sweeps what they staged, or commits
        try:
            proc.join(5)
        except Exception:
            pass


class DaskEngine:
    """Runs the work on a dask.distributed cluster; results come back in order. The
    files are read here and their bytes sent with the work (workers need not see this
    machine's files), and the JSON and rows come back in the results."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, in_flight: int = 16, client=None):
        self.scheduler, self.in_flight, self._client = scheduler, in_flight, client

    def run(
        self,
        items: Sequence[WorkItem],
        options: Options,
        limits: Limits,
        stage: str | None = None,
        batch_size: int = 256,
        progress: Progress | None = None,
    ) -> Generator[WorkBatch, None, None]:
        """``stage`` is ignored: workers may not see the output folder."""
        if not items:
            return
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the install
            raise SystemExit("--engine dask needs the dask extra: pip install 'plan-extract[dask]'") from None
        client = self._client or Client(self.scheduler)
        counts = [0, 0]

        def delivered(batch: WorkBatch) -> WorkBatch:
            counts[0] += len(batch.results)
            counts[1] += sum(r.record.status == "rejected" for r in batch.results)
            if progress is not None:
                progress(*counts)
            return batch

        try:
            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            size = part_size(len(items), batch_size, n_workers)
            window: deque[tuple[list[WorkItem], Any]] = deque()  # (chunk, its future)
            for chunk in batches(items, size):
                chunk = [_with_data(item) for item in chunk]
                window.append((chunk, client.submit(process_batch, chunk, options, limits, pure=False)))
                if len(window) >= self.in_flight:
                    yield delivered(self._result(client, *window.popleft(), options=options, limits=limits))
            while window:
                yield delivered(self._result(client, *window.popleft(), options=options, limits=limits))
        finally:
            if self._client is None:
                client.close()

    @staticmethod
    def _result(client, chunk: list[WorkItem], fut, options: Options, limits: Limits) -> WorkBatch:
        try:
            return fut.result()
        except Exception:  # a lost worker or a killed task: redo the batch one file at a time
            pass
        done = []
        for item in chunk:
            try:
                done.append(client.submit(process_batch, [item], options, limits, pure=False).result())
            except Exception as exc:
                done.append(WorkBatch([_crashed(item, f"dask task failed: {type(exc).__name__}: {exc}"[:300])]))
        return WorkBatch.merge(done)


def _with_data(item: WorkItem) -> WorkItem:
    """The item with its file's bytes (or the reason they could not be read)."""
    if item.reason or item.data is not None:
        return item
    from dataclasses import replace

    try:
        return replace(item, data=read_input(item.path, item.max_bytes))
    except ReadError as exc:
        return replace(item, reason=str(exc), code=exc.code)
