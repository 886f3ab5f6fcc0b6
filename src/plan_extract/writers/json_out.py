"""``json/<doc_id>.json``: the whole document, nested (what eval/score.py reads)."""
from __future__ import annotations

import json
from pathlib import Path

from ..model import DocumentResult
from .atomic import write_bytes


def document_json(doc: DocumentResult) -> bytes:
    # no indent: the C encoder is several times faster than the indenting one
    return json.dumps(doc.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_document(doc: DocumentResult, out_dir: Path) -> Path:
    target = out_dir / "json" / f"{doc.doc_id}.json"
    write_bytes(target, document_json(doc))
    return target
