"""``json/<doc_id>.json``: the whole document, nested (what eval/score.py reads)."""
from __future__ import annotations

import json
from pathlib import Path

from ..model import DocumentResult
from .atomic import write_bytes


def _fields(obj):
    return obj.__dict__  # dataclasses: fields in declaration order


def document_json(doc: DocumentResult) -> bytes:
    # no indent, and dataclasses handed to the C encoder as their __dict__: several
    # times faster than building plain dicts first and indenting; a document is a tree,
    # so the encoder need not track the containers it is inside (check_circular)
    return json.dumps(doc, default=_fields, ensure_ascii=False, separators=(",", ":"),
                      check_circular=False).encode("utf-8")


def write_document(doc: DocumentResult, out_dir: Path) -> Path:
    target = out_dir / "json" / f"{doc.doc_id}.json"
    write_bytes(target, document_json(doc))
    return target
