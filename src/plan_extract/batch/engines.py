"""Engines run the per-document work and yield results in input order, so that the
same inputs give the same rows whatever the engine or worker count.

- ``local``: a process pool (``--workers``, default the number of cores); a worker
  that dies (memory limit, segfault) or hangs costs only the file it was on.
- ``dask``: the same work on a ``dask.distributed`` cluster (``--scheduler``)."""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator, Optional

from ..pipeline import Options
from ..writers.manifest import InputRecord
from .limits import Limits, apply_memory_limit
from .work import WorkItem, WorkResult, process

_OPTIONS: Optional[Options] = None
_LIMITS: Optional[Limits] = None


def _init(options: Options, limits: Limits) -> None:
    global _OPTIONS, _LIMITS
    _OPTIONS, _LIMITS = options, limits
    apply_memory_limit(limits.max_memory_mb)


def _work(item: WorkItem) -> WorkResult:
    return process(item, _OPTIONS, _LIMITS)


def _crashed(item: WorkItem, reason: str) -> WorkResult:
    return WorkResult(InputRecord(path=item.path, status="rejected", doc_id=item.doc_id, sha256=item.sha256,
                                  reason=reason))


class LocalEngine:
    name = "local"

    def __init__(self, workers: Optional[int] = None):
        self.workers = workers or os.cpu_count() or 1

    def run(self, items: Iterable[WorkItem], options: Options, limits: Limits) -> Iterator[WorkResult]:
        if self.workers == 1:
            for item in items:
                yield process(item, options, limits)
            return
        yield from self._pool(iter(items), options, limits)

    def _new_pool(self, options: Options, limits: Limits, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(options, limits))

    def _pool(self, items: Iterator[WorkItem], options: Options, limits: Limits) -> Iterator[WorkResult]:
        pool = self._new_pool(options, limits, self.workers)
        window: deque = deque()
        ahead = self.workers * 4
        guard = limits.max_seconds + 30 if limits.max_seconds else None
        try:
            while True:
                while len(window) < ahead:
                    item = next(items, None)
                    if item is None:
                        break
                    window.append((item, pool.submit(_work, item)))
                if not window:
                    return
                item, fut = window[0]
                try:
                    result = fut.result(timeout=guard)
                    window.popleft()
                    yield result
                except (BrokenProcessPool, FutureTimeout):
                    # find the culprit: rerun what was in flight one at a time
                    _kill(pool)
                    pending = [it for it, _ in window]
                    window.clear()
                    for it in pending:
                        yield self._isolated(it, options, limits, guard)
                    pool = self._new_pool(options, limits, self.workers)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _isolated(self, item: WorkItem, options: Options, limits: Limits, guard) -> WorkResult:
        pool = self._new_pool(options, limits, 1)
        try:
            return pool.submit(_work, item).result(timeout=guard)
        except BrokenProcessPool:
            return _crashed(item, "the worker process died on this file (memory limit or fatal error)")
        except FutureTimeout:
            return _crashed(item, f"time limit: took longer than {guard:g} s (worker stopped)")
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

    def __init__(self, scheduler: Optional[str] = None, batch: int = 256, client=None):
        self.scheduler, self.batch, self._client = scheduler, batch, client

    def run(self, items: Iterable[WorkItem], options: Options, limits: Limits) -> Iterator[WorkResult]:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the install
            raise SystemExit("--engine dask needs the dask extra: pip install 'plan-extract[dask]'")
        client = self._client or Client(self.scheduler)
        try:
            buf: list[WorkItem] = []
            for item in items:
                buf.append(item)
                if len(buf) >= self.batch:
                    yield from self._gather(client, buf, options, limits)
                    buf = []
            if buf:
                yield from self._gather(client, buf, options, limits)
        finally:
            if self._client is None:
                client.close()

    @staticmethod
    def _gather(client, items: list[WorkItem], options: Options, limits: Limits) -> Iterator[WorkResult]:
        futures = client.map(process, items, options=options, limits=limits, pure=False)
        for item, fut in zip(items, futures):
            try:
                yield fut.result()
            except Exception as exc:  # a lost worker or a killed task
                yield _crashed(item, f"dask task failed: {type(exc).__name__}: {exc}"[:300])
