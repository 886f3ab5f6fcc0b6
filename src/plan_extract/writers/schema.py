"""Arrow schemas of the Parquet tables (SPEC section 5). ``schemas/*.json`` in the
repository are generated from here (``python -m plan_extract.writers.schema``) and a
test checks they have not drifted."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa

STR = pa.string()
CAT = pa.dictionary(pa.int32(), pa.string())
I32 = pa.int32()
LIST = pa.list_(pa.string())
#: a document warning (model.DocWarning): code, message and where it points
WARNING = pa.struct([("code", STR), ("message", STR), ("row", I32), ("table", I32), ("page", I32), ("line", I32)])
DATE = pa.date32()

DOCUMENTS = pa.schema(
    [
        ("doc_id", STR),
        ("source_path", STR),
        ("format", CAT),
        ("sha256", STR),
        ("encoding", CAT),
        ("size_bytes", pa.int64()),
        ("pages", I32),
        ("number", STR),
        ("symbol", STR),
        ("number_raw", STR),
        ("number_source", CAT),
        ("doc_type", CAT),
        ("place", STR),
        ("issue_date", DATE),
        ("issue_date_raw", STR),
        ("issue_date_precision", CAT),
        ("issue_date_source", CAT),
        ("year", I32),
        ("title", STR),
        ("issuer", STR),
        ("signer_name", STR),
        ("signer_position", STR),
        ("signer_authority", STR),
        ("recipients", LIST),
        ("legal_bases", LIST),
        ("jurisdiction_level", CAT),
        ("province", STR),
        ("province_code", STR),
        ("district", STR),
        ("district_code", STR),
        ("commune", STR),
        ("commune_code", STR),
        ("n_sections", I32),
        ("n_tasks", I32),
        ("n_groups", I32),
        ("n_references", I32),
        ("n_footnotes", I32),
        ("n_warnings", I32),
        ("warnings", pa.list_(WARNING)),
    ]
)

SECTIONS = pa.schema(
    [
        ("doc_id", STR),
        ("section", I32),
        ("label", STR),
        ("kind", CAT),
        ("level", I32),
        ("title", STR),
        ("text", STR),
        ("parent", I32),
        ("page", I32),
        ("line", I32),
        ("year", I32),
    ]
)

TASKS = pa.schema(
    [
        ("doc_id", STR),
        ("row", I32),
        ("tt", STR),
        ("content", STR),
        ("lead", STR),
        ("support", STR),
        ("deadline", STR),
        ("product", STR),
        ("extra", pa.map_(STR, STR)),
        ("is_group", pa.bool_()),
        ("parent_row", I32),
        ("level", I32),
        ("deadline_kind", CAT),
        ("deadline_start", DATE),
        ("deadline_end", DATE),
        ("deadline_recurrence", CAT),
        ("lead_agencies", LIST),
        ("support_agencies", LIST),
        ("page", I32),
        ("line", I32),
        ("year", I32),
    ]
)

TASK_AGENCIES = pa.schema(
    [
        ("doc_id", STR),
        ("row", I32),
        ("role", CAT),
        ("mention", I32),
        ("raw", STR),
        ("name", STR),
        ("agency_id", STR),
        ("type_id", CAT),
        ("kind", CAT),
        ("level", CAT),
        ("score", pa.float32()),
        ("matched", pa.bool_()),
        ("year", I32),
    ]
)

REFERENCES = pa.schema(
    [
        ("doc_id", STR),
        ("ref", I32),
        ("doc_type", CAT),
        ("number_raw", STR),
        ("date", DATE),
        ("issuer", STR),
        ("text", STR),
        ("cited_in", STR),
        ("year", I32),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "sections": SECTIONS,
    "tasks": TASKS,
    "task_agencies": TASK_AGENCIES,
    "references": REFERENCES,
}

DESCRIPTIONS: dict[str, dict[str, str]] = {}


def schema_to_json(schema: pa.Schema) -> list[dict[str, str]]:
    return [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema]


def write_schema_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in TABLES.items():
        (folder / f"{name}.arrow.json").write_text(
            json.dumps({"table": name, "fields": schema_to_json(schema)}, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    write_schema_files(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas"))
