"""The output folder of a real run: JSON Schema, Arrow schemas, sensible pandas
types, the manifest, and the schema files in schemas/ matching the code."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pyarrow.parquet as pq

from plan_extract.writers import schema as S

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def test_schema_files_match_the_code(tmp_path):
    S.write_schema_files(tmp_path)
    for name in S.TABLES:
        assert (tmp_path / f"{name}.arrow.json").read_text("utf-8") == \
            (SCHEMAS / f"{name}.arrow.json").read_text("utf-8"), f"schemas/{name}.arrow.json is stale: make schemas"


def _arrow_type(field) -> str:
    """The type as the schema files spell it (Parquet names list items "element"
    and map entries after the column; Arrow says "item" and nothing)."""
    return str(field.type).replace("<element:", "<item:").replace(f" ('{field.name}')", "")


def test_json_documents_validate(sample_output):
    schema = json.loads((SCHEMAS / "document.schema.json").read_text("utf-8"))
    docs = sorted((sample_output / "json").glob("*.json"))
    assert len(docs) == 5
    for path in docs:
        jsonschema.validate(json.loads(path.read_text("utf-8")), schema,
                            format_checker=jsonschema.FormatChecker())


def test_parquet_tables_follow_the_arrow_schemas(sample_output):
    for name in S.TABLES:
        declared = json.loads((SCHEMAS / f"{name}.arrow.json").read_text("utf-8"))["fields"]
        parts = sorted((sample_output / name).glob("year=*/*.parquet"))
        assert parts, name
        for part in parts:
            # hive partitioning: the year lives in the folder name, not in the file
            assert part.parent.name in {"year=2021", "year=2022", "year=2024"}
            actual = pq.read_schema(part)
            # Parquet names list items "element"; Arrow calls them "item"
            assert [(f.name, _arrow_type(f)) for f in actual] == \
                [(f["name"], f["type"]) for f in declared if f["name"] != "year"], name


def test_tasks_parquet_opens_in_pandas_with_sensible_types(sample_output):
    tasks = pd.read_parquet(sample_output / "tasks").sort_values(["doc_id", "row"]).reset_index(drop=True)
    assert len(tasks) == 189
    assert tasks["row"].dtype.name == "int32"
    assert tasks["is_group"].dtype == bool
    assert isinstance(tasks["deadline_kind"].dtype, pd.CategoricalDtype)
    assert str(tasks["deadline_end"].dropna().iloc[0].__class__.__name__) == "date"
    assert isinstance(tasks["lead_agencies"].iloc[1].tolist(), list)
    assert sorted(tasks["year"].astype(int).unique()) == [2021, 2022, 2024]
    docs = pd.read_parquet(sample_output / "documents")
    assert sorted(docs["doc_id"]) == sorted(p.stem for p in (sample_output / "json").glob("*.json"))
    assert set(docs["doc_type"].astype(str)) == {"Kế hoạch", "Quyết định"}


def test_manifest_lists_inputs_with_hashes_and_encodings(sample_output):
    m = json.loads((sample_output / "manifest.json").read_text("utf-8"))
    assert m["counts"]["extracted"] == 5 and m["counts"]["rejected"] == 0
    assert m["rejected"] == []
    for rec in m["inputs"]:
        assert len(rec["sha256"]) == 64 and rec["encoding"] == "utf-8" and rec["status"] == "extracted"
    assert m["tables"]["tasks"] == 189


def test_document_json_is_the_dataclass_tree_in_field_order(sample_output):
    """The JSON writer (orjson, dataclasses natively) gives exactly the bytes of the
    standard library's encoding of ``dataclasses.asdict``: field order, UTF-8 text,
    floats and nulls as json.dumps writes them."""
    import dataclasses

    from plan_extract.pipeline import extract_document
    from plan_extract.writers.json_out import document_json

    samples = Path(__file__).resolve().parents[1] / "samples"
    for path in sorted(samples.glob("*.txt")):
        doc = extract_document(path)
        expected = json.dumps(dataclasses.asdict(doc), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        assert document_json(doc) == expected
        assert (sample_output / "json" / f"{doc.doc_id}.json").read_bytes() == expected
