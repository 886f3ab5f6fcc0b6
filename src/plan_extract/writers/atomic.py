"""Atomic file writes: a crashed or interrupted run leaves the previous file intact."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGED_SUFFIX = ".tmp"  # temporary files are hidden (a leading dot) and end with this

_MODE: list[int] = []

NAME_MAX = 255  # bytes in a file name (Linux, macOS, Windows file systems)
_RANDOM = 8  # the random part mkstemp adds


def temp_prefix(name: str) -> str:
    """``.<name>.``, ``name`` cut (at a character boundary) so that the temporary file's
    whole name stays within NAME_MAX bytes: a legal 250-byte name must not make an
    illegal temporary one."""
    budget = NAME_MAX - 2 - _RANDOM - len(STAGED_SUFFIX)
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) > budget:
        name = raw[:budget].decode("utf-8", "ignore")
        while len(name.encode("utf-8", "surrogateescape")) > budget:
            name = name[:-1]
    return f".{name}."


def _new_temp(folder: Path | str, name: str) -> tuple[int, Path]:
    """A new temporary file in ``folder`` named after ``name``, open (the descriptor is
    the caller's), with the permissions a plain ``open()`` would give it (0666 less the
    umask), not mkstemp's owner-only 0600: the output is meant to be shared."""
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(name), suffix=STAGED_SUFFIX, dir=folder)
    if not _MODE:
        mask = os.umask(0)
        os.umask(mask)
        _MODE.append(0o666 & ~mask)
    os.fchmod(fd, _MODE[0])
    return fd, Path(tmp)


@contextmanager
def atomic_path(target: Path | str, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target``.
    ``durable`` also flushes the file to disk before the rename (survives a power
    cut, not only a crash of the process); per-document files skip it for speed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = stage_path(target.parent, target.name)
    try:
        yield tmp_path
        if durable:
            with open(tmp_path, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes(target: Path | str, data: bytes, durable: bool = True) -> None:
    with atomic_path(target, durable) as tmp:
        tmp.write_bytes(data)


def stage_path(folder: Path, name: str) -> Path:
    """A new, empty temporary file in ``folder``, named after ``name`` (hidden, ending
    with STAGED_SUFFIX), for the caller to fill and then move into place or delete."""
    fd, tmp = _new_temp(folder, name)
    os.close(fd)
    return tmp


def durable_replace(staged: Path | str, target: Path | str) -> None:
    """Flush a staged file to disk, then move it over ``target`` (atomic)."""
    with open(staged, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(staged, target)


def stage_bytes(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a new temporary file in ``folder`` (named after ``name``, hidden)
    and return its path; the caller moves it into place with ``os.replace`` or deletes it.
    A run killed in between leaves only hidden ``*.tmp`` files, removed by the next run."""
    fd, tmp = _new_temp(folder, name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp
