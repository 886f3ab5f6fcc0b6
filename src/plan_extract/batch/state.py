"""The incremental state of an output folder: which input (path, content hash) gave
which document and in which dataset part its rows live. SQLite, committed only
after the part files it points at are in place."""
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


class State:
    def __init__(self, out_dir: Path):
        folder = out_dir / STATE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(folder / "state.sqlite")
        self.db.execute("""CREATE TABLE IF NOT EXISTS inputs (
            path TEXT PRIMARY KEY, doc_id TEXT, sha256 TEXT NOT NULL, status TEXT NOT NULL,
            reason TEXT, year INTEGER, part TEXT)""")
        self.db.commit()

    def entries(self) -> dict[str, Entry]:
        rows = self.db.execute("SELECT path, doc_id, sha256, status, reason, year, part FROM inputs")
        return {r[0]: Entry(*r) for r in rows}

    def parts(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT DISTINCT part FROM inputs WHERE part IS NOT NULL")}

    def commit(self, entries: Iterable[Entry]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO inputs (path, doc_id, sha256, status, reason, year, part) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(e.path, e.doc_id, e.sha256, e.status, e.reason, e.year, e.part) for e in entries])

    def close(self) -> None:
        self.db.close()
