"""``manifest.json``: the run — version, inputs with hashes, counts, and rejected
inputs with their codes and one-line reasons."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

from .atomic import write_bytes


@dataclass
class InputRecord:
    path: str
    status: str  # extracted / rejected / unchanged (not redone: same content hash as the last run;
    #              an unchanged input keeps what the last run found: its reason and code when rejected)
    doc_id: str | None = None
    sha256: str | None = None
    format: str | None = None
    encoding: str | None = None
    element: str | None = None  # web pages: the element read as the document
    reason: str | None = None
    code: str | None = None  # a rejection's code (plan_extract.errors.REJECTION_CODES)
    tasks: int = 0
    sections: int = 0
    warnings: int = 0
    review: list[str] = field(default_factory=list)  # codes of warnings a reviewer should look at
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
    # files found in the input folders and not read: {path, reason} (hidden, another format,
    # a Word lock file, a folder that cannot be listed)
    skipped: list[dict[str, str]] = field(default_factory=list)
    # the whole output after the run (this run's and earlier runs' documents): documents,
    # inputs rejected, and rows per table
    dataset: dict[str, int] = field(default_factory=dict)
    interrupted: bool = False  # stopped (Ctrl-C, kill): only the committed batches are listed

    @property
    def rejected(self) -> list[dict[str, str | None]]:
        """Every input that is not in the dataset for a reason: rejected by this run, or
        by an earlier one and unchanged since."""
        return [
            {"path": r.path, "code": r.code, "reason": r.reason or ""}
            for r in self.inputs
            if r.status == "rejected" or (r.status == "unchanged" and r.code)
        ]

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
        # a file name that is not UTF-8 holds lone surrogates (Python's escape of its bytes):
        # written as JSON escapes (\udcff), which json.loads turns back into the same name
        write_bytes(target, self.to_json().encode("utf-8", "backslashreplace"))
        return target
