"""One run at a time per output folder: an exclusive ``flock`` on a lock file in the
folder's state directory, held by the driver for the whole run (its pool workers
close the descriptor they inherit: see :func:`release_inherited`). A second run into
the same folder refuses at once (:class:`OutputBusy`) or, asked to, waits for the
first to finish; it never sweeps or commits beside it."""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "lock"

_HELD: list[int] = []  # descriptors of the locks this process holds


class OutputBusy(Exception):
    """Another run holds the output folder."""


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {text})" if text.isdigit() else ""


@contextmanager
def output_lock(state_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the output folder whose state directory is ``state_dir`` for the block.
    OutputBusy when another run holds it and ``wait`` is false; with ``wait``, block
    until it is free (Ctrl-C still stops the wait)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(state_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            raise OutputBusy(f"the output folder is in use by another run{_holder(fd)}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        _HELD.append(fd)
        yield
    finally:
        if fd in _HELD:
            _HELD.remove(fd)
        os.close(fd)  # releases the lock


def release_inherited() -> None:
    """In a forked worker: close the lock descriptors inherited from the driver, so
    that the lock lives exactly as long as the driver's run."""
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()
