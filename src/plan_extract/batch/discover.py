"""Finding the input files: files as given, folders walked recursively in a stable
order, hidden entries, the output folder, unreadable folders and symlink loops
skipped."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..readers import SUPPORTED_EXTENSIONS


def discover(inputs: Iterable[Path | str], output: Optional[Path] = None) -> Iterator[str]:
    """The input files in a stable order (sorted names, folder by folder), each once
    however many ways lead to it, as absolute paths (the state knows a file however the
    input was spelled: relative or absolute, from another working folder). Paths are
    strings (a folder of 10,000 files: 0.07 s instead of 0.15 s with pathlib): a re-run
    over an unchanged folder does little else."""
    out_real = os.path.realpath(output) if output else None
    out_prefix = None if out_real is None else out_real.rstrip(os.sep) + os.sep
    seen: set[str] = set()
    for item in inputs:
        p = os.fspath(item)
        if os.path.isdir(p):
            visited: set[str] = set()
            for root, dirs, files in os.walk(p, followlinks=True, onerror=lambda e: None):
                real = os.path.realpath(root)
                if real in visited or (out_real is not None and out_prefix is not None
                                       and (real == out_real or real.startswith(out_prefix))):
                    dirs[:] = []
                    continue
                visited.add(real)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or os.path.splitext(name)[1].lower() not in SUPPORTED_EXTENSIONS:
                        continue
                    f = os.path.join(root, name)
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
