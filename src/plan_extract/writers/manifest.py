"""``manifest.json``: the run — version, inputs with hashes, counts, and rejected
inputs with their codes and one-line reasons."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
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
    element: Optional[str] = None  # web pages: the element read as the document
    reason: Optional[str] = None
    code: Optional[str] = None  # a rejection's code (plan_extract.errors.REJECTION_CODES)
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
    def rejected(self) -> list[dict[str, Optional[str]]]:
        return [{"path": r.path, "code": r.code, "reason": r.reason or ""}
                for r in self.inputs if r.status == "rejected"]

    def to_json(self) -> str:
        """Indented at the top level, one line per input and per rejection: readable,
        easy to grep, and written by the C encoder (an indented dump of 10,000 inputs
        takes the pure-Python one)."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["inputs"] = [vars(r) for r in self.inputs]
        d["rejected"] = self.rejected

        def dump(value) -> str:
            return json.dumps(value, ensure_ascii=False)

        parts = []
        for key, value in d.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                text = "[\n  " + ",\n  ".join(dump(v) for v in value) + "\n ]"
            else:
                text = dump(value)
            parts.append(f" {dump(key)}: {text}")
        return "{\n" + ",\n".join(parts) + "\n}\n"

    def write(self, out_dir: Path) -> Path:
        target = out_dir / "manifest.json"
        write_bytes(target, self.to_json().encode("utf-8"))
        return target
