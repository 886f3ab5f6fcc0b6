"""The incremental state of an output folder: which input (path, content hash) gave
which document and in which dataset part its rows live, and the size and modification
time the file had when it was hashed (a file whose size and time are unchanged is not
read again). SQLite, committed only after the part files it points at are in place."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

STATE_DIR = ".plan-extract"


@dataclass
class Entry:
    path: str
    doc_id: Optional[str]
    sha256: str
    status: str
    reason: Optional[str]
    year: Optional[int]
    part: Optional[str]
    size: Optional[int] = None       # the file's size and st_mtime_ns when it was hashed,
    mtime_ns: Optional[int] = None   # or None when they cannot be trusted (see run._prepare)
    code: Optional[str] = None       # a rejection's code


class State:
    def __init__(self, out_dir: Path):
        folder = out_dir / STATE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(folder / "state.sqlite")
        self.db.execute("""CREATE TABLE IF NOT EXISTS inputs (
            path TEXT PRIMARY KEY, doc_id TEXT, sha256 TEXT NOT NULL, status TEXT NOT NULL,
            reason TEXT, year INTEGER, part TEXT, size INTEGER, mtime_ns INTEGER, code TEXT)""")
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(inputs)")}
        for name, kind in (("size", "INTEGER"), ("mtime_ns", "INTEGER"), ("code", "TEXT")):
            if name not in columns:  # a state written before these columns existed
                self.db.execute(f"ALTER TABLE inputs ADD COLUMN {name} {kind}")
        self.db.commit()

    def entries(self) -> dict[str, Entry]:
        rows = self.db.execute("SELECT path, doc_id, sha256, status, reason, year, part, size, mtime_ns, code "
                               "FROM inputs")
        return {r[0]: Entry(*r) for r in rows}

    def parts(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT DISTINCT part FROM inputs WHERE part IS NOT NULL")}

    def commit(self, entries: Iterable[Entry]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO inputs (path, doc_id, sha256, status, reason, year, part, size, mtime_ns, "
                "code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.path, e.doc_id, e.sha256, e.status, e.reason, e.year, e.part, e.size, e.mtime_ns, e.code)
                 for e in entries])

    def update_stats(self, stats: Iterable[tuple[str, Optional[int], Optional[int]]]) -> None:
        """New (size, mtime_ns) of inputs whose content turned out unchanged."""
        with self.db:
            self.db.executemany("UPDATE inputs SET size = ?, mtime_ns = ? WHERE path = ?",
                                [(size, mtime, path) for path, size, mtime in stats])

    def close(self) -> None:
        self.db.close()
