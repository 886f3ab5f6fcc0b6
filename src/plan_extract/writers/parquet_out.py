"""The Parquet tables: one file per table, written atomically."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pyarrow.parquet as pq

from ..model import DocumentResult
from . import schema as S
from .atomic import atomic_path
from .tables import document_rows, to_arrow


def write_tables(docs: Iterable[DocumentResult], out_dir: Path) -> dict[str, int]:
    rows: dict[str, list[dict]] = {name: [] for name in S.TABLES}
    for doc in docs:
        for name, part in document_rows(doc).items():
            rows[name].extend(part)
    counts = {}
    for name in S.TABLES:
        table = to_arrow(name, rows[name])
        with atomic_path(out_dir / f"{name}.parquet") as tmp:
            pq.write_table(table, tmp, compression="zstd")
        counts[name] = table.num_rows
    return counts
