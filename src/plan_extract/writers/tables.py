"""Flattening documents into the rows of the Parquet tables."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Iterable, Optional

import pyarrow as pa

from ..model import DocumentResult
from . import schema as S


@lru_cache(maxsize=4096)  # the same dates (deadlines, issue dates) recur across documents
def _date(value: Optional[str]) -> Optional[dt.date]:
    if not value:
        return None
    parts = value.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def document_rows(doc: DocumentResult) -> dict[str, list[dict]]:
    """All table rows of one document, by table name."""
    h, j = doc.header, doc.header.jurisdiction
    year = h.year
    out: dict[str, list[dict]] = {name: [] for name in S.TABLES}
    out["documents"].append({
        "doc_id": doc.doc_id, "source_path": doc.source.path, "format": doc.source.format,
        "sha256": doc.source.sha256, "encoding": doc.source.encoding, "size_bytes": doc.source.size,
        "pages": doc.source.pages, "number": h.number, "symbol": h.symbol, "number_raw": h.number_raw,
        "doc_type": h.doc_type, "place": h.place, "issue_date": _date(h.issue_date), "issue_date_raw": h.issue_date,
        "issue_date_precision": h.issue_date_precision, "year": year, "title": h.title, "issuer": h.issuer,
        "signer_name": h.signer_name, "signer_position": h.signer_position, "signer_authority": h.signer_authority,
        "recipients": h.recipients, "legal_bases": h.legal_bases,
        "jurisdiction_level": j.level if j else None, "province": j.province if j else None,
        "province_code": j.province_code if j else None, "district": j.district if j else None,
        "district_code": j.district_code if j else None, "commune": j.commune if j else None,
        "commune_code": j.commune_code if j else None,
        "n_sections": len(doc.sections), "n_tasks": len(doc.tasks),
        "n_groups": sum(t.is_group for t in doc.tasks), "n_references": len(doc.references),
        "n_footnotes": len(doc.footnotes), "n_warnings": len(doc.warnings), "warnings": doc.warnings,
    })
    for i, s in enumerate(doc.sections):
        out["sections"].append({"doc_id": doc.doc_id, "section": i, "label": s.label, "kind": s.kind,
                                "level": s.level, "title": s.title, "text": s.text, "parent": s.parent,
                                "page": s.page, "line": s.line, "year": year})
    for t in doc.tasks:
        n = t.deadline_norm
        out["tasks"].append({
            "doc_id": doc.doc_id, "row": t.row, "tt": t.tt, "content": t.content, "lead": t.lead,
            "support": t.support, "deadline": t.deadline, "product": t.product, "extra": list(t.extra.items()),
            "is_group": t.is_group, "parent_row": t.parent_row, "level": t.level,
            "deadline_kind": n.kind if n else None, "deadline_start": _date(n.start) if n else None,
            "deadline_end": _date(n.end) if n else None, "deadline_recurrence": n.recurrence if n else None,
            "lead_agencies": [a.name for a in t.lead_agencies],
            "support_agencies": [a.name for a in t.support_agencies],
            "page": t.provenance.get("page"), "line": t.provenance.get("line"), "year": year,
        })
        for role, mentions in (("lead", t.lead_agencies), ("support", t.support_agencies)):
            for k, a in enumerate(mentions):
                out["task_agencies"].append({
                    "doc_id": doc.doc_id, "row": t.row, "role": role, "mention": k, "raw": a.raw, "name": a.name,
                    "agency_id": a.id, "type_id": a.type_id, "kind": a.kind, "level": a.level,
                    "score": float(a.score), "matched": a.matched, "year": year})
    for i, r in enumerate(doc.references):
        out["references"].append({"doc_id": doc.doc_id, "ref": i, "doc_type": r.doc_type,
                                  "number_raw": r.number_raw, "date": _date(r.date), "issuer": r.issuer,
                                  "text": r.text, "cited_in": r.cited_in, "year": year})
    return out


def _plain_schema(schema: pa.Schema) -> pa.Schema:
    """The schema with dictionary columns as plain strings (encoded after building)."""
    return pa.schema([pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
                      for f in schema])


_PLAIN = {name: _plain_schema(schema) for name, schema in S.TABLES.items()}


def to_arrow(name: str, rows: Iterable[dict]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=_PLAIN[name]).cast(S.TABLES[name])
