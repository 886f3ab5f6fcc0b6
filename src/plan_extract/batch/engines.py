"""Engines run the work in batches of documents and yield the batches in input order,
so that the same inputs give the same rows whatever the engine or worker count.

- ``local``: a process pool (``--workers``, default the number of cores) that is sent
  small batches (fewer round trips; each worker converts its rows to Arrow and writes
  its JSON files under temporary names); a worker that dies (memory limit, segfault)
  or hangs costs only the file it was on: the batches in flight are redone one file at
  a time to find it.
- ``dask``: the same work on a ``dask.distributed`` cluster (``--scheduler``); workers
  need no shared file system, so the JSON comes back in the result."""
from __future__ import annotations

import gc
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import Iterable, Iterator, Optional

from ..options import Options
from ..writers.manifest import InputRecord
from .limits import Limits, apply_memory_limit
from .work import WorkBatch, WorkItem, WorkResult, process_batch

_OPTIONS: Optional[Options] = None
_LIMITS: Optional[Limits] = None
_STAGE: Optional[str] = None

# documents per batch sent to a pool worker: enough to amortise the round trip and the
# Arrow conversion, few enough that the pool stays balanced and a crash redoes little
POOL_BATCH = 16


def _init(options: Options, limits: Limits, stage_dir: Optional[str]) -> None:
    global _OPTIONS, _LIMITS, _STAGE
    _OPTIONS, _LIMITS, _STAGE = options, limits, stage_dir
    apply_memory_limit(limits.max_memory_mb)


def _work(items: list[WorkItem]) -> WorkBatch:
    return process_batch(items, _OPTIONS, _LIMITS, _STAGE)


def _crashed(item: WorkItem, reason: str) -> WorkResult:
    return WorkResult(InputRecord(path=item.path, status="rejected", doc_id=item.doc_id, sha256=item.sha256,
                                  reason=reason))


def _settle(options: Options) -> None:
    """Load the reference data now and move everything alive so far (modules, registry,
    gazetteer) out of the garbage collector's sight: the collector no longer walks these
    objects on every full collection, and forked workers do not copy the memory pages
    the walk would touch."""
    from ..pipeline import warm_up

    warm_up(options)
    gc.freeze()


def batches(items: Iterable[WorkItem], size: int) -> Iterator[list[WorkItem]]:
    it = iter(items)
    while True:
        batch = list(islice(it, size))
        if not batch:
            return
        yield batch


class LocalEngine:
    name = "local"

    def __init__(self, workers: Optional[int] = None, batch: int = POOL_BATCH):
        self.workers = workers or os.cpu_count() or 1
        self.batch = max(1, batch)

    def run(self, items: Iterable[WorkItem], options: Options, limits: Limits,
            stage_dir: Optional[str] = None) -> Iterator[WorkBatch]:
        if self.workers == 1:
            settled = False
            for batch in batches(items, self.batch * 4):
                if not settled:
                    _settle(options)
                    settled = True
                yield process_batch(batch, options, limits, stage_dir)
            return
        yield from self._pool(batches(items, self.batch), options, limits, stage_dir)

    def _new_pool(self, options: Options, limits: Limits, workers: int, stage_dir) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(options, limits, stage_dir))

    def _pool(self, chunks: Iterator[list[WorkItem]], options: Options, limits: Limits,
              stage_dir: Optional[str]) -> Iterator[WorkBatch]:
        first = next(chunks, None)
        if first is None:
            return  # nothing to do (a re-run over unchanged files): no pool at all
        chunks = chain([first], chunks)
        _settle(options)  # before the fork: the workers inherit the loaded data
        pool = self._new_pool(options, limits, self.workers, stage_dir)
        window: deque = deque()
        # batches in flight: enough to keep every worker busy while this process
        # commits a chunk of results (writes its Parquet parts)
        ahead = self.workers * 8
        # a worker that does not answer in time is stuck (the per-file alarm did not
        # fire); a batch of several slow files may also get here: both are redone one
        # file at a time, each under its own guard, so the result is the same
        guard = (limits.max_seconds * 2 + 30) if limits.max_seconds else None
        try:
            while True:
                while len(window) < ahead:
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    window.append((chunk, pool.submit(_work, chunk)))
                if not window:
                    return
                chunk, fut = window[0]
                try:
                    result = fut.result(timeout=guard)
                    window.popleft()
                    yield result
                except (BrokenProcessPool, FutureTimeout):
                    # find the culprit: redo what was in flight one file at a time
                    _kill(pool)
                    pending = [it for ch, _ in window for it in ch]
                    window.clear()
                    single = limits.max_seconds + 30 if limits.max_seconds else None
                    for it in pending:
                        yield self._isolated(it, options, limits, single, stage_dir)
                    pool = self._new_pool(options, limits, self.workers, stage_dir)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _isolated(self, item: WorkItem, options: Options, limits: Limits, guard, stage_dir) -> WorkBatch:
        pool = self._new_pool(options, limits, 1, stage_dir)
        try:
            return pool.submit(_work, [item]).result(timeout=guard)
        except BrokenProcessPool:
            return WorkBatch([_crashed(item, "the worker process died on this file (memory limit or fatal error)")])
        except FutureTimeout:
            return WorkBatch([_crashed(item, f"time limit: took longer than {guard:g} s (worker stopped)")])
        finally:
            _kill(pool)


def _kill(pool: ProcessPoolExecutor) -> None:
    for proc in list(getattr(pool, "_processes", {}).values()):
        try:
            proc.kill()
        except Exception:
            pass
    pool.shutdown(wait=False, cancel_futures=True)


class DaskEngine:
    """Runs the work on a dask.distributed cluster; results come back in order."""

    name = "dask"

    def __init__(self, scheduler: Optional[str] = None, batch: int = POOL_BATCH, in_flight: int = 16,
                 client=None):
        self.scheduler, self.batch, self.in_flight, self._client = scheduler, max(1, batch), in_flight, client

    def run(self, items: Iterable[WorkItem], options: Options, limits: Limits,
            stage_dir: Optional[str] = None) -> Iterator[WorkBatch]:
        """``stage_dir`` is ignored: workers may not see the output folder, so the JSON
        comes back with the results."""
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the install
            raise SystemExit("--engine dask needs the dask extra: pip install 'plan-extract[dask]'")
        client = self._client or Client(self.scheduler)
        try:
            window: deque = deque()
            for chunk in batches(items, self.batch):
                window.append((chunk, client.submit(process_batch, chunk, options, limits, pure=False)))
                if len(window) >= self.in_flight:
                    yield from self._result(client, *window.popleft(), options, limits)
            while window:
                yield from self._result(client, *window.popleft(), options, limits)
        finally:
            if self._client is None:
                client.close()

    @staticmethod
    def _result(client, chunk: list[WorkItem], fut, options: Options, limits: Limits) -> Iterator[WorkBatch]:
        try:
            yield fut.result()
            return
        except Exception:  # a lost worker or a killed task: redo the batch one file at a time
            pass
        for item in chunk:
            try:
                yield client.submit(process_batch, [item], options, limits, pure=False).result()
            except Exception as exc:
                yield WorkBatch([_crashed(item, f"dask task failed: {type(exc).__name__}: {exc}"[:300])])
