"""``manifest.json``: the run — version, inputs with hashes, counts, and rejected
inputs with their one-line reasons."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from .atomic import write_bytes


@dataclass
class InputRecord:
    path: str
    status: str  # extracted / rejected / unchanged (skipped: same content hash as the last run)
    doc_id: Optional[str] = None
    sha256: Optional[str] = None
    format: Optional[str] = None
    encoding: Optional[str] = None
    reason: Optional[str] = None
    tasks: int = 0
    sections: int = 0
    warnings: int = 0
    seconds: float = 0.0


@dataclass
class Manifest:
    tool: str
    version: str
    started_at: str
    finished_at: str = ""
    output: str = ""
    inputs: list[InputRecord] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)  # inputs of earlier runs that disappeared
    engine: str = "local"

    @property
    def rejected(self) -> list[dict[str, str]]:
        return [{"path": r.path, "reason": r.reason or ""} for r in self.inputs if r.status == "rejected"]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rejected"] = self.rejected
        return d

    def write(self, out_dir: Path) -> Path:
        target = out_dir / "manifest.json"
        write_bytes(target, json.dumps(self.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
        return target
