"""The output tables as hive-partitioned Parquet datasets (``tasks/year=2024/…``)
that grow without being rewritten: each batch of documents adds one part file per
table and year; re-running a document drops its rows from the part that held them.
Part files appear by atomic rename, so a reader never sees a half-written file."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Optional

from ..dataset import TABLE_KEYS
from ..writers.atomic import STAGED_SUFFIX, atomic_path

TABLES = tuple(TABLE_KEYS)  # pyarrow is imported only where rows are written

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def part_id(doc_ids: Iterable[str]) -> str:
    return hashlib.sha1("\n".join(sorted(doc_ids)).encode("utf-8")).hexdigest()[:16]


def year_key(year: Optional[int]) -> tuple[bool, int]:
    """Years in increasing order, documents without a year last."""
    return year is None, year or 0


def _year_dir(year: Optional[int]) -> str:
    return f"year={year if year is not None else NULL_PARTITION}"


class DatasetStore:
    def __init__(self, out_dir: Path):
        self.out = out_dir

    def part_files(self, part: str) -> list[Path]:
        return sorted(self.out.glob(f"*/year=*/part-{part}.parquet"))

    def all_part_ids(self) -> set[str]:
        return {p.stem[len("part-"):] for p in self.out.glob("*/year=*/part-*.parquet") if p.parent.parent.name in TABLES}

    def write_part(self, part: str, tables: dict[str, dict[Optional[int], list]]) -> None:
        """One file per table and year for a batch of documents: ``tables`` gives, for
        each table and year, the Arrow tables (slices) that hold its rows, in order."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        for name in TABLES:
            for year in sorted(tables.get(name, {}), key=year_key):
                pieces = [t for t in tables[name][year] if t.num_rows]
                if not pieces:
                    continue
                subset = pa.concat_tables(pieces).drop_columns(["year"])
                target = self.out / name / _year_dir(year) / f"part-{part}.parquet"
                with atomic_path(target) as tmp:
                    pq.write_table(subset, tmp, compression="zstd")

    def drop_documents(self, part: str, doc_ids: set[str]) -> None:
        """Remove these documents' rows from a part (rewrite it, or delete it when empty)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        for path in self.part_files(part):
            table = pq.read_table(path)
            keep = table.filter(pc.invert(pc.is_in(table.column("doc_id"), pa.array(sorted(doc_ids)))))
            if keep.num_rows == table.num_rows:
                continue
            if keep.num_rows == 0:
                path.unlink()
            else:
                with atomic_path(path) as tmp:
                    pq.write_table(keep, tmp, compression="zstd")

    def remove_orphans(self, known: set[str]) -> list[Path]:
        """Delete part files no committed state points at (left by a killed run)."""
        removed = []
        for path in self.out.glob("*/year=*/part-*.parquet"):
            if path.stem[len("part-"):] not in known:
                path.unlink()
                removed.append(path)
        for path in self.out.glob(f"*/year=*/.part-*{STAGED_SUFFIX}"):
            path.unlink()
        for name in TABLES:
            for d in (self.out / name).glob("year=*"):
                if d.is_dir() and not any(d.iterdir()):
                    os.rmdir(d)
        return removed

    def ensure_tables(self) -> None:
        """Every table exists as a folder, also when it has no rows yet."""
        for name in TABLES:
            (self.out / name).mkdir(parents=True, exist_ok=True)
            legacy = self.out / f"{name}.parquet"
            if legacy.exists():
                legacy.unlink()
