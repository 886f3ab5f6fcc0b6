"""The layout of an output folder, without pandas: the key columns of each table, the
packaged column descriptions, and where a table's Parquet files are. Shared by the
loader (``api``) and the data dictionary (``datadict``)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

PathLike = str | Path

#: the key columns of each table, also the row order of the loaded frames
TABLE_KEYS: dict[str, list[str]] = {
    "documents": ["doc_id"],
    "sections": ["doc_id", "section"],
    "tasks": ["doc_id", "row"],
    "task_agencies": ["doc_id", "row", "role", "mention"],
    "references": ["doc_id", "ref"],
}


@lru_cache(maxsize=1)
def column_info() -> dict:
    """The packaged ``data/columns.json`` (column meanings and allowed values)."""
    text = resources.files("plan_extract").joinpath("data/columns.json").read_text(encoding="utf-8")
    return json.loads(text)


def table_paths(output_dir: PathLike, table: str) -> list[Path]:
    """The Parquet file(s) holding ``table``: the files of the hive dataset folder
    ``OUT/<table>/`` (sorted, hidden and temporary files skipped) when it exists, else
    ``[OUT/<table>.parquet]`` when that exists, else ``[]``."""
    out = Path(output_dir)
    folder = out / table
    if folder.is_dir():
        return sorted(
            p
            for p in folder.rglob("*.parquet")
            if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
        )
    single = out / f"{table}.parquet"
    return [single] if single.is_file() else []
