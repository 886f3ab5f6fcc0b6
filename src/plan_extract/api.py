"""Loading an output folder into pandas, for analysts.

>>> import plan_extract
>>> ds = plan_extract.load("output/")
>>> ds.workload("lead").head()            # tasks led per agency
>>> ds.due_by_month()                     # what falls due each month
>>> ds.overdue(on="2024-06-30")           # tasks whose deadline passed before that day
>>> ds.warnings()                         # one row per document warning

Both output layouts are read: one file per table (``OUT/tasks.parquet``) and a
hive-partitioned dataset folder per table (``OUT/tasks/year=2024/part-0.parquet``); the
folder wins when both exist. Rows come back in key order (``doc_id``, ``row`` …) so both
layouts give identical frames.

Column types of the returned DataFrames (the same whatever the layout):

* dates (``issue_date``, ``deadline_start``, ``deadline_end``, ``references.date``) are
  ``datetime64[ms]`` at midnight, ``NaT`` when unknown — use ``.dt`` and compare with
  ``pd.Timestamp`` / ``datetime.date`` values directly;
* integers (``row``, ``level``, ``parent_row``, ``year``, ``pages`` …) are pandas nullable
  integers (``Int32`` / ``Int64``), so a null ``parent_row`` or ``year`` stays an integer
  column with ``<NA>``;
* coded columns (``deadline_kind``, ``role``, ``kind``, ``format`` …) are ``category`` whose
  categories are the allowed values of ``data/columns.json`` (in that order) followed by any
  other value found, so counts show every kind, also those with zero rows;
* list columns (``lead_agencies``, ``support_agencies``, ``warnings``, ``recipients``,
  ``legal_bases``) hold Python ``list`` objects (``[]`` when empty); ``extra`` holds ``dict``;
* text columns keep pandas' default string dtype; booleans are ``bool``; ``score`` is float.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from .dataset import TABLE_KEYS, column_info, table_paths
from .writers import schema as S

__all__ = ["Dataset", "load", "table_paths", "TABLE_KEYS", "DUE_KINDS", "ONGOING_KINDS"]

PathLike: TypeAlias = str | Path
DateLike: TypeAlias = str | dt.date | dt.datetime | pd.Timestamp

DATE_DTYPE = "datetime64[ms]"
#: deadline kinds whose ``deadline_end`` is a due date (the last day to finish the task)
DUE_KINDS = ("date", "by_date", "month", "months", "quarter", "year", "range")
#: kinds that describe work going on through a period, not a due date: ``Thường xuyên
#: trong năm 2024`` spans 2024 and is not due on 31 December
ONGOING_KINDS = ("continuous", "per_plan")
_HIVE = pads.partitioning(pa.schema([("year", pa.int32())]), flavor="hive")


def _allowed_values(table: str, column: str) -> list[str]:
    col = column_info()["tables"].get(table, {}).get("columns", {}).get(column, {})
    return list(col.get("values", {}))


def _read_arrow(output_dir: Path, table: str) -> pa.Table:
    schema = S.TABLES[table]
    folder = output_dir / table
    files = table_paths(output_dir, table)
    if not files:
        return schema.empty_table()
    if folder.is_dir():
        dataset = pads.dataset(
            [str(p) for p in files], format="parquet", partitioning=_HIVE, partition_base_dir=str(folder)
        )
        data = dataset.to_table()
        if "year" in data.column_names:  # year=0: the documents without an issue year
            import pyarrow.compute as pc

            i = data.column_names.index("year")
            year = data.column(i)
            data = data.set_column(i, "year", pc.if_else(pc.equal(year, 0), pa.scalar(None, year.type), year))
    else:
        data = pq.read_table(files[0])
    return _conform(data, schema)


def _conform(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """Columns in schema order with the declared types (partition columns and
    per-file dictionaries unified); columns missing from older outputs added as nulls;
    unknown extra columns kept at the end. Dictionary columns are turned into plain
    strings here and into pandas categoricals later."""
    arrays, fields = [], []
    for f in schema:
        target = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        if f.name in data.column_names:
            col = data.column(f.name)
            if pa.types.is_dictionary(col.type):
                col = col.cast(col.type.value_type)
            if not col.type.equals(target):
                col = col.cast(target)
        else:
            col = pa.nulls(len(data), type=target)
        arrays.append(col)
        fields.append(pa.field(f.name, target))
    for name in data.column_names:
        if name not in schema.names:
            col = data.column(name)
            if pa.types.is_dictionary(col.type):
                col = col.cast(col.type.value_type)
            arrays.append(col)
            fields.append(pa.field(name, col.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _to_pandas(table: str, data: pa.Table) -> pd.DataFrame:
    schema = S.TABLES[table]
    int_map = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
    }
    df = data.to_pandas(types_mapper=int_map.get, date_as_object=False)
    for f in schema:
        name, typ = f.name, f.type
        if pa.types.is_dictionary(typ):
            known = _allowed_values(table, name)
            seen = [v for v in pd.unique(df[name].dropna()) if v not in known]
            df[name] = pd.Categorical(
                df[name].astype(object).where(df[name].notna(), None), categories=known + sorted(str(v) for v in seen)
            )
        elif pa.types.is_date(typ) or pa.types.is_timestamp(typ):
            df[name] = df[name].astype(DATE_DTYPE)
        elif pa.types.is_list(typ):
            df[name] = pd.Series([_as_list(v) for v in df[name]], index=df.index, dtype=object)
        elif pa.types.is_map(typ):
            df[name] = pd.Series([dict(v) if v is not None else {} for v in df[name]], index=df.index, dtype=object)
        elif pa.types.is_boolean(typ):
            df[name] = df[name].astype("boolean") if df[name].isna().any() else df[name].astype(bool)
    keys = TABLE_KEYS[table]
    if len(df):
        df = df.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
    return df


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, float) and pd.isna(value):
        return []
    return [x for x in list(value)]


def _timestamp(value: DateLike) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


@dataclass
class Dataset:
    """The five tables of one output folder as pandas DataFrames, with joins and the
    questions analysts ask most. See the module docstring for the column types."""

    documents: pd.DataFrame
    sections: pd.DataFrame
    tasks: pd.DataFrame
    task_agencies: pd.DataFrame
    references: pd.DataFrame
    output_dir: Path | None = None
    layout: dict[str, str] = field(default_factory=dict)  # table -> "file" / "hive" / "missing"

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(getattr(self, name))}" for name in S.TABLES)
        return f"Dataset({str(self.output_dir)!r}: {sizes})"

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in S.TABLES}

    # ------------------------------------------------------------------ joins
    def tasks_with_documents(self) -> pd.DataFrame:
        """Every task row with the main fields of its document, prefixed ``doc_``:
        ``doc_type``, ``doc_number`` (number_raw), ``doc_title``, ``doc_place``,
        ``doc_issue_date``, ``doc_issuer``, ``doc_province``, ``doc_district``."""
        docs = self.documents[
            ["doc_id", "doc_type", "number_raw", "title", "place", "issue_date", "issuer", "province", "district"]
        ].rename(
            columns={
                "number_raw": "doc_number",
                "title": "doc_title",
                "place": "doc_place",
                "issue_date": "doc_issue_date",
                "issuer": "doc_issuer",
                "province": "doc_province",
                "district": "doc_district",
            }
        )
        return self.tasks.merge(docs, on="doc_id", how="left", validate="many_to_one")

    def tasks_with_agencies(self, role: str | None = None) -> pd.DataFrame:
        """One row per task × agency mention (``task_agencies``) with the task's ``tt``,
        ``content``, ``deadline``, ``deadline_kind``, ``deadline_start``, ``deadline_end``,
        ``deadline_recurrence``, ``product`` and ``is_group``. ``role`` = ``"lead"`` or
        ``"support"`` keeps only that role; ``None`` keeps both."""
        ta = self.task_agencies
        if role is not None:
            if role not in ("lead", "support"):
                raise ValueError(f"role must be 'lead', 'support' or None, not {role!r}")
            ta = ta[ta["role"] == role]
        cols = [
            "doc_id",
            "row",
            "tt",
            "content",
            "deadline",
            "deadline_kind",
            "deadline_start",
            "deadline_end",
            "deadline_recurrence",
            "product",
            "is_group",
        ]
        out = ta.merge(self.tasks[cols], on=["doc_id", "row"], how="left", validate="many_to_one")
        return out.reset_index(drop=True)

    # -------------------------------------------------------------- questions
    def workload(self, role: str | None = "lead", by: str = "name") -> pd.DataFrame:
        """Number of task rows each agency is named in.

        ``role="lead"`` or ``"support"``: columns ``tasks`` (distinct task rows) and
        ``documents`` (distinct documents), sorted by ``tasks`` descending then name.
        ``role=None``: columns ``lead``, ``support`` and ``total`` (distinct task rows
        where the agency is lead or support or both), sorted by ``lead``, ``total``.
        ``by`` is the agency column to group on: ``"name"`` (canonical name, default),
        ``"agency_id"`` (qualified by jurisdiction) or ``"type_id"``."""
        if by not in ("name", "agency_id", "type_id"):
            raise ValueError(f"by must be 'name', 'agency_id' or 'type_id', not {by!r}")
        ta = self.task_agencies.dropna(subset=[by])
        if role is None:
            parts = {}
            for r in ("lead", "support"):
                sub = ta[ta["role"] == r].drop_duplicates([by, "doc_id", "row"])
                parts[r] = sub.groupby(by, observed=True).size()
            total = ta.drop_duplicates([by, "doc_id", "row"]).groupby(by, observed=True).size()
            out = pd.DataFrame({"lead": parts["lead"], "support": parts["support"], "total": total})
            out = out.fillna(0).astype("int64").rename_axis(by).reset_index()
            return out.sort_values(["lead", "total", by], ascending=[False, False, True], kind="stable").reset_index(
                drop=True
            )
        if role not in ("lead", "support"):
            raise ValueError(f"role must be 'lead', 'support' or None, not {role!r}")
        sub = ta[ta["role"] == role]
        distinct = sub.drop_duplicates([by, "doc_id", "row"])
        out = pd.DataFrame(
            {
                "tasks": distinct.groupby(by, observed=True).size(),
                "documents": sub.groupby(by, observed=True)["doc_id"].nunique(),
            }
        )
        out = out.fillna(0).astype("int64").rename_axis(by).reset_index()
        return out.sort_values(["tasks", by], ascending=[False, True], kind="stable").reset_index(drop=True)

    def dated_tasks(self) -> pd.DataFrame:
        """Task rows (not group headings) that have a due date, joined with their
        document (:meth:`tasks_with_documents`). The due date is ``deadline_end`` of a
        deadline of a kind in :data:`DUE_KINDS`; a ``continuous`` or ``per_plan``
        deadline with a year (``Thường xuyên trong năm 2024``) spans that year and has
        no due date, nor has a ``periodic`` one (see :meth:`ongoing_tasks`)."""
        t = self.tasks_with_documents()
        due = t["deadline_kind"].astype(object).isin(DUE_KINDS)
        return t[~t["is_group"] & due & t["deadline_end"].notna()].reset_index(drop=True)

    def ongoing_tasks(self) -> pd.DataFrame:
        """Task rows whose deadline is work through a period or a repetition rather than
        a due date: kinds ``continuous`` and ``per_plan`` (``deadline_start`` /
        ``deadline_end`` the span when a year is written) and every task with a
        ``deadline_recurrence`` but no due date (``Báo cáo theo quý``, ``Năm 2021 và
        các năm tiếp theo``). Joined with their document; sorted by ``doc_id``, ``row``."""
        t = self.tasks_with_documents()
        kind = t["deadline_kind"].astype(object)
        due = kind.isin(DUE_KINDS) & t["deadline_end"].notna()
        keep = ~t["is_group"] & ~due & (kind.isin(ONGOING_KINDS) | t["deadline_recurrence"].notna())
        return t[keep].reset_index(drop=True)

    def due_by_period(self, freq: str = "M", by_document: bool = True) -> pd.DataFrame:
        """Count of tasks falling due per calendar period of their due date
        (:meth:`dated_tasks`; tasks without one — continuous, per_plan, periodic,
        on_event, … — are not counted).

        ``freq``: ``"M"`` (month) or ``"Q"`` (quarter). The index is a ``PeriodIndex``
        covering every period from the first to the last due date (empty periods give 0).
        With ``by_document`` there is one column per ``doc_id`` plus ``total``; without,
        only ``total``."""
        if freq not in ("M", "Q"):
            raise ValueError("freq must be 'M' or 'Q'")
        t = self.dated_tasks()
        name = "month" if freq == "M" else "quarter"
        if t.empty:
            return pd.DataFrame({"total": pd.Series(dtype="int64")}, index=pd.PeriodIndex([], freq=freq, name=name))
        period = t["deadline_end"].dt.to_period(freq).rename(name)
        counts = t.groupby([period, t["doc_id"]]).size().unstack("doc_id", fill_value=0)
        full = pd.period_range(period.min(), period.max(), freq=freq, name=name)
        counts = counts.reindex(full, fill_value=0).astype("int64")
        counts.columns = [str(c) for c in counts.columns]
        counts.columns.name = None
        counts["total"] = counts.sum(axis=1)
        return counts if by_document else counts[["total"]]

    def due_by_month(self, by_document: bool = True) -> pd.DataFrame:
        """:meth:`due_by_period` by month."""
        return self.due_by_period("M", by_document)

    def due_by_quarter(self, by_document: bool = True) -> pd.DataFrame:
        """:meth:`due_by_period` by quarter."""
        return self.due_by_period("Q", by_document)

    def due_between(self, start: DateLike, end: DateLike) -> pd.DataFrame:
        """Dated task rows with ``start <= deadline_end <= end`` (both inclusive)."""
        t = self.dated_tasks()
        s, e = _timestamp(start), _timestamp(end)
        return (
            t[(t["deadline_end"] >= s) & (t["deadline_end"] <= e)]
            .sort_values(["deadline_end", "doc_id", "row"], kind="stable")
            .reset_index(drop=True)
        )

    def overdue(self, on: DateLike | None = None) -> pd.DataFrame:
        """Task rows whose due date (``deadline_end``) is strictly before ``on`` (default:
        today, as in the report): on that
        day they are overdue unless done (the documents do not record completion). A task
        due on ``on`` itself is not overdue. Group headings and tasks without a due date
        are never overdue. Sorted by due date, then ``doc_id``, ``row``; column
        ``days_overdue`` = days between the due date and ``on``."""
        ts = _timestamp(on if on is not None else pd.Timestamp.today())
        t = self.dated_tasks()
        t = t[t["deadline_end"] < ts].copy()
        t["days_overdue"] = (ts - t["deadline_end"]).dt.days.astype("int64")
        return t.sort_values(["deadline_end", "doc_id", "row"], kind="stable").reset_index(drop=True)

    def warnings(self) -> pd.DataFrame:
        """One row per document warning: ``doc_id``, ``doc_title``, ``code`` (one of the
        fixed vocabulary, see the data dictionary), ``message``, and where it points:
        ``row``, ``table``, ``page``, ``line`` (nullable integers). Documents without
        warnings give no rows."""
        columns = ["doc_id", "doc_title", "code", "message", "row", "table", "page", "line"]
        rows = []
        for doc_id, title, warnings in zip(
            self.documents["doc_id"], self.documents["title"], self.documents["warnings"]
        ):
            for w in warnings:
                rows.append(
                    {
                        "doc_id": doc_id,
                        "doc_title": title,
                        "code": w["code"],
                        "message": w["message"],
                        "row": w["row"],
                        "table": w["table"],
                        "page": w["page"],
                        "line": w["line"],
                    }
                )
        out = pd.DataFrame(rows, columns=columns)
        for name in ("row", "table", "page", "line"):
            out[name] = out[name].astype("Int32")
        return out


def load(output_dir: PathLike) -> Dataset:
    """Load the tables of a ``plan-extract`` output folder (either layout; see the module
    docstring for the column types). Raises ``FileNotFoundError`` when the folder holds
    no ``documents`` table."""
    out = Path(output_dir)
    if not out.is_dir():
        raise FileNotFoundError(f"no such output folder: {out}")
    if not table_paths(out, "documents"):
        raise FileNotFoundError(
            f"{out} holds no documents table (documents.parquet or documents/): is it a plan-extract output folder?"
        )
    frames, layout = {}, {}
    for name in S.TABLES:
        layout[name] = (
            "hive" if (out / name).is_dir() else ("file" if (out / f"{name}.parquet").is_file() else "missing")
        )
        frames[name] = _to_pandas(name, _read_arrow(out, name))
    return Dataset(output_dir=out, layout=layout, **frames)
