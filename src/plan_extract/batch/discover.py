"""Finding the input files: files as given, folders walked recursively in a stable
order, hidden entries, the output folder, unreadable folders and symlink loops
skipped."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..readers import SUPPORTED_EXTENSIONS


def discover(inputs: Iterable[Path | str], output: Optional[Path] = None) -> Iterator[Path]:
    out_resolved = output.resolve() if output else None
    seen: set[Path] = set()
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            visited: set[Path] = set()
            for root, dirs, files in os.walk(p, followlinks=True, onerror=lambda e: None):
                rootp = Path(root)
                real = rootp.resolve()
                if real in visited or (out_resolved is not None
                                       and (real == out_resolved or out_resolved in real.parents)):
                    dirs[:] = []
                    continue
                visited.add(real)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or os.path.splitext(name)[1].lower() not in SUPPORTED_EXTENSIONS:
                        continue
                    f = rootp / name
                    if os.path.islink(f):
                        key = f.resolve()
                        if out_resolved is not None and out_resolved in key.parents:
                            continue
                    else:  # its folder is resolved, and not inside the output: so is the file
                        key = real / name
                    if key not in seen:
                        seen.add(key)
                        yield f
        else:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                yield p
