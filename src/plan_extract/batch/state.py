"""The incremental state of an output folder: which input (path, content hash) gave
which document and in which dataset part its rows live, and the size and modification
time the file had when it was hashed (a file whose size and time are unchanged is not
read again). SQLite, committed only after the part files it points at are in place."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..options import printable

STATE_DIR = ".plan-extract"


@dataclass
class Entry:
    path: str
    doc_id: str | None
    sha256: str
    status: str
    reason: str | None
    year: int | None
    part: str | None
    size: int | None = None  # the file's size and st_mtime_ns when it was hashed,
    mtime_ns: int | None = None  # or None when they cannot be trusted (see run._prepare)
    code: str | None = None  # a rejection's code
    format: str | None = None  # what the manifest says of an extracted input, kept for
    encoding: str | None = None  # the runs that find it unchanged
    element: str | None = None
    tasks: int = 0
    sections: int = 0
    warnings: int = 0
    rows: dict[str, int] | None = field(default=None)  # rows per table (None: not recorded)
    review: str | None = None  # the review codes of its warnings, comma-separated


_COLUMNS = (
    "path",
    "doc_id",
    "sha256",
    "status",
    "reason",
    "year",
    "part",
    "size",
    "mtime_ns",
    "code",
    "format",
    "encoding",
    "element",
    "tasks",
    "sections",
    "warnings",
    "rows",
    "review",
)
_ADDED = (
    ("size", "INTEGER"),
    ("mtime_ns", "INTEGER"),
    ("code", "TEXT"),
    ("format", "TEXT"),
    ("encoding", "TEXT"),
    ("element", "TEXT"),
    ("tasks", "INTEGER"),
    ("sections", "INTEGER"),
    ("warnings", "INTEGER"),
    ("rows", "TEXT"),
    ("review", "TEXT"),
)


def _path_key(path: str):
    """A path as stored: text, or the file name's bytes (a BLOB) when it is not UTF-8."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape")


def _path_of(key) -> str:
    return key.decode("utf-8", "surrogateescape") if isinstance(key, bytes) else key


class State:
    def __init__(self, out_dir: Path):
        folder = out_dir / STATE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(folder / "state.sqlite")
        # path: TEXT, or a BLOB for a file name that is not UTF-8 (see _path_key)
        self.db.execute("""CREATE TABLE IF NOT EXISTS inputs (
            path TEXT PRIMARY KEY, doc_id TEXT, sha256 TEXT NOT NULL, status TEXT NOT NULL,
            reason TEXT, year INTEGER, part TEXT, size INTEGER, mtime_ns INTEGER, code TEXT)""")
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(inputs)")}
        for name, kind in _ADDED:
            if name not in columns:  # a state written before these columns existed
                self.db.execute(f"ALTER TABLE inputs ADD COLUMN {name} {kind}")
        self.db.commit()

    def entries(self) -> dict[str, Entry]:
        out = {}
        for r in self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM inputs"):
            vals = dict(zip(_COLUMNS, r))
            vals.update(
                path=_path_of(r[0]),
                tasks=vals["tasks"] or 0,
                sections=vals["sections"] or 0,
                warnings=vals["warnings"] or 0,
                rows=json.loads(vals["rows"]) if vals["rows"] else None,
            )
            e = Entry(**vals)
            out[e.path] = e
        return out

    def parts(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT DISTINCT part FROM inputs WHERE part IS NOT NULL")}

    def commit(self, entries: Iterable[Entry], forget: Iterable[str] = ()) -> None:
        """Record ``entries`` and drop the entries of the paths ``forget``, in one transaction."""
        with self.db:
            self.db.executemany("DELETE FROM inputs WHERE path = ?", [(_path_key(p),) for p in forget])
            self.db.executemany(
                f"INSERT OR REPLACE INTO inputs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                [
                    (
                        _path_key(e.path),
                        printable(e.doc_id),
                        e.sha256,
                        e.status,
                        printable(e.reason),
                        e.year,
                        e.part,
                        e.size,
                        e.mtime_ns,
                        e.code,
                        e.format,
                        printable(e.encoding),
                        printable(e.element),
                        e.tasks,
                        e.sections,
                        e.warnings,
                        json.dumps(e.rows, sort_keys=True) if e.rows is not None else None,
                        e.review,
                    )
                    for e in entries
                ],
            )

    def update_stats(self, stats: Iterable[tuple[str, int | None, int | None]]) -> None:
        """New (size, mtime_ns) of inputs whose content turned out unchanged."""
        with self.db:
            self.db.executemany(
                "UPDATE inputs SET size = ?, mtime_ns = ? WHERE path = ?",
                [(size, mtime, _path_key(path)) for path, size, mtime in stats],
            )

    def close(self) -> None:
        self.db.close()
