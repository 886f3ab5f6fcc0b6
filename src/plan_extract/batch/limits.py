"""Per-file resource limits: size (checked before reading), wall time (an alarm in
the worker) and memory (an address-space limit on the worker process). The limits
themselves are :class:`plan_extract.options.Limits`, re-exported here."""

from __future__ import annotations

import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import FileTimeout
from ..options import Limits

__all__ = ["FileTimeout", "Limits", "apply_memory_limit", "time_limit"]


_AGAIN = 0.25  # seconds between alarms after the first


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise FileTimeout in this (main) thread after ``seconds``, and again every
    ``_AGAIN`` seconds until the block is left: an alarm that a library swallows (one
    raised while a finaliser runs is only printed) stops the file at the next one."""
    if not seconds or seconds <= 0 or signal.getsignal(signal.SIGALRM) is None:
        yield
        return
    armed = [True]

    def _raise(signum, frame):
        if armed[0]:
            raise FileTimeout(f"took longer than {seconds:g} s")

    try:
        previous = signal.signal(signal.SIGALRM, _raise)
    except ValueError:  # not the main thread (e.g. a Dask worker thread): no alarm
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds, _AGAIN)
    try:
        yield
    finally:
        try:
            armed[0] = False  # an alarm from here on does nothing
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _address_space_now() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def apply_memory_limit(max_memory_mb: int | None) -> None:
    """Cap this process's address space (a worker initialiser) at what it already
    maps plus ``max_memory_mb``: a worker forked from a large parent (a notebook, a
    test session) keeps the same headroom for its files."""
    if not max_memory_mb:
        return
    limit = _address_space_now() + int(max_memory_mb) * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
