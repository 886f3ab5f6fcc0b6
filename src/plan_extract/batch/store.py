"""The output tables as hive-partitioned Parquet datasets (``tasks/year=2024/…``)
that grow without being rewritten: each batch of documents adds one part file per
table and year; re-running a document drops its rows from the part that held them.
A part is written under temporary names (by the worker that extracted it) and
appears by atomic rename at commit, so a reader never sees a half-written file."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..dataset import TABLE_KEYS
from ..writers.atomic import STAGED_SUFFIX, atomic_path, durable_replace, stage_path

if TYPE_CHECKING:
    import pyarrow as pa

TABLES = tuple(TABLE_KEYS)  # pyarrow is imported only where rows are written

# documents without an issue year: ``year=0`` rather than hive's null partition, which
# plain pandas cannot read beside the others ("Cannot yet unify dictionaries with
# nulls"); plan_extract.load() gives their year back as null
NULL_PARTITION = "0"


def part_id(doc_ids: Iterable[str]) -> str:
    return hashlib.sha1("\n".join(sorted(doc_ids)).encode("utf-8")).hexdigest()[:16]


def year_key(year: int | None) -> tuple[bool, int]:
    """Years in increasing order, documents without a year last."""
    return year is None, year or 0


# rows to leave out of a part: table -> year -> (offset, count) in that year's file
Cuts = dict[str, dict[int | None, list[tuple[int, int]]]]


def _cut(table: pa.Table, cuts: list[tuple[int, int]]) -> pa.Table:
    """The table without the rows in these (offset, count) ranges."""
    import pyarrow as pa

    keep, pos = [], 0
    for start, n in sorted(cuts):
        if start > pos:
            keep.append(table.slice(pos, start - pos))
        pos = max(pos, start + n)
    if pos < table.num_rows:
        keep.append(table.slice(pos))
    return pa.concat_tables(keep) if keep else table.slice(0, 0)


def _without(table: pa.Table, doc_ids: set[str]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    return table.filter(pc.invert(pc.is_in(table.column("doc_id"), pa.array(sorted(doc_ids)))))


def _write(table: pa.Table, path: Path | str) -> None:
    """One Parquet file of a part (zstd: parts are read far more often than written)."""
    import pyarrow.parquet as pq

    pq.write_table(table, path, compression="zstd")


def _year_dir(year: int | None) -> str:
    return f"year={year if year is not None else NULL_PARTITION}"


class DatasetStore:
    def __init__(self, out_dir: Path):
        self.out = out_dir

    def part_files(self, part: str) -> list[Path]:
        return sorted(self.out.glob(f"*/year=*/part-{part}.parquet"))

    def all_part_ids(self) -> set[str]:
        return {
            p.stem[len("part-") :] for p in self.out.glob("*/year=*/part-*.parquet") if p.parent.parent.name in TABLES
        }

    def target(self, name: str, year: int | None, part: str) -> Path:
        return self.out / name / _year_dir(year) / f"part-{part}.parquet"

    def stage_part(self, part: str, tables: dict[str, dict[int | None, pa.Table]]) -> dict[str, dict[int | None, str]]:
        """Write a part's files under temporary (hidden) names next to where they go:
        one file per table and year. Readers and the next run's sweep ignore them until
        ``publish_part`` renames them."""
        staged: dict[str, dict[int | None, str]] = {}
        for name in TABLES:
            for year in sorted(tables.get(name, {}), key=year_key):
                table = tables[name][year]
                if not table.num_rows:
                    continue
                target = self.target(name, year, part)
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = stage_path(target.parent, target.name)
                try:
                    _write(table.drop_columns(["year"]), tmp)
                except BaseException:
                    tmp.unlink(missing_ok=True)
                    raise
                staged.setdefault(name, {})[year] = str(tmp)
        return staged

    def publish_part(self, part: str, staged: dict[str, dict[int | None, str]], cuts: Cuts | None = None) -> None:
        """Move a staged part into place (flushed to disk first), without the rows in
        ``cuts``."""
        import pyarrow.parquet as pq

        for name, years in staged.items():
            for year, tmp in years.items():
                drop = (cuts or {}).get(name, {}).get(year)
                if drop:
                    table = _cut(pq.read_table(tmp), drop)
                    if not table.num_rows:
                        os.unlink(tmp)
                        continue
                    _write(table, tmp)
                durable_replace(tmp, self.target(name, year, part))

    def write_part(self, part: str, tables: dict[str, dict[int | None, pa.Table]], cuts: Cuts | None = None) -> None:
        """A part from tables in memory (results of a remote worker or of documents redone
        one at a time), without the rows in ``cuts``."""
        if cuts:
            tables = {
                name: {
                    year: _cut(t, cuts[name][year]) if year in cuts.get(name, {}) else t for year, t in years.items()
                }
                for name, years in tables.items()
            }
        self.publish_part(part, self.stage_part(part, tables))

    @staticmethod
    def discard(staged: dict[str, dict[int | None, str]]) -> None:
        for years in staged.values():
            for tmp in years.values():
                Path(tmp).unlink(missing_ok=True)

    def sweep_staged(self) -> None:
        """Remove part files staged by a run (or a worker) that stopped before its commit."""
        for path in self.out.glob(f"*/year=*/.part-*{STAGED_SUFFIX}"):
            path.unlink(missing_ok=True)

    def drop_documents(self, part: str, doc_ids: set[str]) -> None:
        """Remove these documents' rows from a part (rewrite it, or delete it when empty)."""
        import pyarrow.parquet as pq

        for path in self.part_files(part):
            table = pq.read_table(path)
            keep = _without(table, doc_ids)
            if keep.num_rows == table.num_rows:
                continue
            if keep.num_rows == 0:
                path.unlink()
            else:
                with atomic_path(path) as tmp:
                    _write(keep, tmp)

    def remove_orphans(self, known: set[str]) -> list[Path]:
        """Delete part files no committed state points at (left by a killed run)."""
        removed = []
        for path in self.out.glob("*/year=*/part-*.parquet"):
            if path.stem[len("part-") :] not in known:
                path.unlink()
                removed.append(path)
        self.sweep_staged()
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
