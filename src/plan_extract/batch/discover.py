"""Finding the input files: files as given, folders walked recursively in a stable
order; the output folder and symlink loops left out; hidden entries, files of other
formats, Word lock files and folders that cannot be listed skipped, each with its
reason (the manifest lists them)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..readers import SUPPORTED_EXTENSIONS


def skip_reason(name: str) -> str | None:
    """Why a file found in an input folder is not read, or None when it is."""
    if name.startswith("~$"):
        return "Word lock file (~$…): written by Word while the document is open, not a document"
    if name.startswith("."):
        return "hidden file (the name starts with a dot)"
    ext = os.path.splitext(name)[1].lower()
    if ext not in SUPPORTED_EXTENSIONS:
        return f"not a format that is read ({ext or 'no extension'})"
    return None


def discover(
    inputs: Iterable[Path | str], output: Path | None = None, skipped: list[tuple[str, str]] | None = None
) -> Iterator[str]:
    """The input files in a stable order (sorted names, folder by folder), each once
    however many ways lead to it, as absolute paths (the state knows a file however the
    input was spelled: relative or absolute, from another working folder). Paths are
    strings (a folder of 10,000 files: 0.07 s instead of 0.15 s with pathlib): a re-run
    over an unchanged folder does little else. ``skipped`` receives (path, reason) of
    what folders hold and is not read."""
    out_real = os.path.realpath(output) if output else None
    out_prefix = None if out_real is None else out_real.rstrip(os.sep) + os.sep
    seen: set[str] = set()

    def skip(path: str, reason: str) -> None:
        if skipped is not None:
            skipped.append((os.path.abspath(path), reason))

    for item in inputs:
        p = os.fspath(item)
        if os.path.isdir(p):
            visited: set[str] = set()

            def unlisted(exc: OSError, top: str = p) -> None:
                skip(exc.filename or top, f"folder cannot be listed: {exc.strerror or exc}")

            for root, dirs, files in os.walk(p, followlinks=True, onerror=unlisted):
                real = os.path.realpath(root)
                if real in visited or (
                    out_real is not None
                    and out_prefix is not None
                    and (real == out_real or real.startswith(out_prefix))
                ):
                    dirs[:] = []
                    continue
                visited.add(real)
                for d in sorted(dirs):
                    if d.startswith(".") and os.path.realpath(os.path.join(root, d)) != out_real:
                        skip(os.path.join(root, d), "hidden folder (the name starts with a dot)")
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    f = os.path.join(root, name)
                    reason = skip_reason(name)
                    if reason is not None:
                        skip(f, reason)
                        continue
                    if os.path.islink(f):
                        key = os.path.realpath(f)
                        if out_prefix is not None and key.startswith(out_prefix):
                            continue
                    else:  # its folder is resolved, and not inside the output: so is the file
                        key = os.path.join(real, name)
                    if key not in seen:
                        seen.add(key)
                        yield os.path.abspath(f)
        else:
            key = os.path.realpath(p)
            if key not in seen:
                seen.add(key)
                yield os.path.abspath(p)
