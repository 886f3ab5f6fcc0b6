"""Flattening documents into the rows of the Parquet tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import pyarrow as pa

from ..model import DocumentResult
from . import schema as S


@lru_cache(maxsize=4096)  # the same dates (deadlines, issue dates) recur across documents
def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    parts = value.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def document_rows(doc: DocumentResult) -> dict[str, list[tuple]]:
    """All table rows of one document, by table name. A row is a tuple of the table's
    column values in schema order (:mod:`.schema`): tuples are built and transposed into
    columns several times faster than dicts."""
    h, j = doc.header, doc.header.jurisdiction
    doc_id, year = doc.doc_id, h.year
    src = doc.source
    out: dict[str, list[tuple]] = {name: [] for name in S.TABLES}
    out["documents"].append(
        (
            doc_id,
            src.path,
            src.format,
            src.sha256,
            src.encoding,
            src.size,
            src.pages,
            h.number,
            h.symbol,
            h.number_raw,
            h.number_source,
            h.doc_type,
            h.place,
            _date(h.issue_date),
            h.issue_date,
            h.issue_date_precision,
            h.issue_date_source,
            year,
            h.title,
            h.issuer,
            h.signer_name,
            h.signer_position,
            h.signer_authority,
            h.recipients,
            h.legal_bases,
            j.level if j else None,
            j.province if j else None,
            j.province_code if j else None,
            j.district if j else None,
            j.district_code if j else None,
            j.commune if j else None,
            j.commune_code if j else None,
            len(doc.sections),
            len(doc.tasks),
            sum(t.is_group for t in doc.tasks),
            len(doc.references),
            len(doc.footnotes),
            len(doc.warnings),
            [
                {"code": w.code, "message": w.message, "row": w.row, "table": w.table, "page": w.page, "line": w.line}
                for w in doc.warnings
            ],
        )
    )
    sections = out["sections"]
    for i, s in enumerate(doc.sections):
        sections.append((doc_id, i, s.label, s.kind, s.level, s.title, s.text, s.parent, s.page, s.line, year))
    tasks, agencies = out["tasks"], out["task_agencies"]
    for t in doc.tasks:
        n = t.deadline_norm
        tasks.append(
            (
                doc_id,
                t.row,
                t.tt,
                t.content,
                t.lead,
                t.support,
                t.deadline,
                t.product,
                list(t.extra.items()),
                t.is_group,
                t.parent_row,
                t.level,
                n.kind if n else None,
                _date(n.start) if n else None,
                _date(n.end) if n else None,
                n.recurrence if n else None,
                [a.name for a in t.lead_agencies],
                [a.name for a in t.support_agencies],
                t.provenance.get("page"),
                t.provenance.get("line"),
                year,
            )
        )
        for role, mentions in (("lead", t.lead_agencies), ("support", t.support_agencies)):
            for k, a in enumerate(mentions):
                agencies.append(
                    (
                        doc_id,
                        t.row,
                        role,
                        k,
                        a.raw,
                        a.name,
                        a.id,
                        a.type_id,
                        a.kind,
                        a.level,
                        float(a.score),
                        a.matched,
                        year,
                    )
                )
    references = out["references"]
    for i, r in enumerate(doc.references):
        references.append((doc_id, i, r.doc_type, r.number_raw, _date(r.date), r.issuer, r.text, r.cited_in, year))
    return out


def to_arrow(name: str, rows: Sequence[tuple]) -> pa.Table:
    """The rows (tuples from :func:`document_rows`) as an Arrow table of the table's
    schema, built column by column."""
    schema = S.TABLES[name]
    if not rows:
        return schema.empty_table()
    columns = zip(*rows, strict=True)  # strict: a row of another length is a bug, not data to cut
    return pa.Table.from_arrays(
        [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)], schema=schema
    )
