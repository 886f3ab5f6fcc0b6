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
        assert (tmp_path / f"{name}.arrow.json").read_text("utf-8") == (SCHEMAS / f"{name}.arrow.json").read_text(
            "utf-8"
        ), f"schemas/{name}.arrow.json is stale: make schemas"


def _arrow_type(field) -> str:
    """The type as the schema files spell it (Parquet names list items "element"
    and map entries after the column; Arrow says "item" and nothing)."""
    return str(field.type).replace("<element:", "<item:").replace(f" ('{field.name}')", "")


def test_json_documents_validate(sample_output):
    schema = json.loads((SCHEMAS / "document.schema.json").read_text("utf-8"))
    docs = sorted((sample_output / "json").glob("*.json"))
    assert len(docs) == 5
    for path in docs:
        jsonschema.validate(json.loads(path.read_text("utf-8")), schema, format_checker=jsonschema.FormatChecker())


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
            assert [(f.name, _arrow_type(f)) for f in actual] == [
                (f["name"], f["type"]) for f in declared if f["name"] != "year"
            ], name


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


def _iso(value):
    return None if value is None or value is pd.NaT else value.isoformat()


def _plain(value):
    """A Parquet cell as plain Python: arrays as lists, categorical strings as str."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return [tuple(v) if isinstance(v, tuple) else v for v in value]
    return None if isinstance(value, float) and value != value else value


def test_every_parquet_cell_is_the_json_field_it_is_named_after(sample_output, output_docs):
    """The rows are built as tuples in schema order: a column written under another
    column's name would show here, cell by cell, against the JSON of the same run."""

    def table(name):
        df = pd.read_parquet(sample_output / name)
        for col in df.columns:
            if isinstance(df[col].dtype, pd.CategoricalDtype):
                df[col] = df[col].astype(object)
        df["year"] = df["year"].astype(object)
        return {tuple(r[k] for k in keys[name]): {c: _plain(v) for c, v in r.items()} for r in df.to_dict("records")}

    keys = {
        "documents": ("doc_id",),
        "sections": ("doc_id", "section"),
        "tasks": ("doc_id", "row"),
        "task_agencies": ("doc_id", "row", "role", "mention"),
        "references": ("doc_id", "ref"),
    }
    got = {name: table(name) for name in keys}
    expected = {name: {} for name in keys}
    for doc_id, d in output_docs.items():
        h, src, j = d["header"], d["source"], d["header"]["jurisdiction"] or {}
        year = int(h["issue_date"][:4]) if h["issue_date"] else None
        expected["documents"][(doc_id,)] = {
            "doc_id": doc_id,
            "source_path": src["path"],
            "format": src["format"],
            "sha256": src["sha256"],
            "encoding": src["encoding"],
            "size_bytes": src["size"],
            "pages": _plain(src["pages"]),
            **{
                k: h[k]
                for k in (
                    "number",
                    "symbol",
                    "number_raw",
                    "number_source",
                    "doc_type",
                    "place",
                    "issue_date_precision",
                    "issue_date_source",
                    "title",
                    "issuer",
                    "signer_name",
                    "signer_position",
                    "signer_authority",
                    "recipients",
                    "legal_bases",
                )
            },
            "issue_date_raw": h["issue_date"],
            "year": year,
            "jurisdiction_level": j.get("level"),
            **{
                k: j.get(k)
                for k in ("province", "province_code", "district", "district_code", "commune", "commune_code")
            },
            "n_sections": len(d["sections"]),
            "n_tasks": len(d["tasks"]),
            "n_groups": sum(t["is_group"] for t in d["tasks"]),
            "n_references": len(d["references"]),
            "n_footnotes": len(d["footnotes"]),
            "n_warnings": len(d["warnings"]),
            "warnings": d["warnings"],
        }
        for i, s in enumerate(d["sections"]):
            expected["sections"][(doc_id, i)] = {"doc_id": doc_id, "section": i, **s, "year": year}
        for t in d["tasks"]:
            n = t["deadline_norm"] or {}
            expected["tasks"][(doc_id, t["row"])] = {
                **{
                    k: t[k]
                    for k in (
                        "row",
                        "tt",
                        "content",
                        "lead",
                        "support",
                        "deadline",
                        "product",
                        "is_group",
                        "parent_row",
                        "level",
                    )
                },
                "doc_id": doc_id,
                "extra": [tuple(kv) for kv in t["extra"].items()],
                "deadline_kind": n.get("kind"),
                "deadline_recurrence": n.get("recurrence"),
                "lead_agencies": [a["name"] for a in t["lead_agencies"]],
                "support_agencies": [a["name"] for a in t["support_agencies"]],
                "page": t["provenance"].get("page"),
                "line": t["provenance"].get("line"),
                "year": year,
            }
            for role in ("lead", "support"):
                for k, a in enumerate(t[f"{role}_agencies"]):
                    expected["task_agencies"][(doc_id, t["row"], role, k)] = {
                        "doc_id": doc_id,
                        "row": t["row"],
                        "role": role,
                        "mention": k,
                        "raw": a["raw"],
                        "name": a["name"],
                        "agency_id": a["id"],
                        "type_id": a["type_id"],
                        "kind": a["kind"],
                        "level": a["level"],
                        "score": a["score"],
                        "matched": a["matched"],
                        "year": year,
                    }
        for i, r in enumerate(d["references"]):
            expected["references"][(doc_id, i)] = {"doc_id": doc_id, "ref": i, **r, "year": year}
    dates = {
        "documents": {"issue_date": "issue_date_raw"},
        "references": {"date": "date"},
        "tasks": {"deadline_start": None, "deadline_end": None},
    }
    for name in keys:
        assert got[name].keys() == expected[name].keys(), name
        for key, row in got[name].items():
            for col, json_col in dates.get(name, {}).items():  # dates: compared as ISO text
                value = _iso(row.pop(col))
                if json_col is not None and name != "documents":
                    assert value == expected[name][key].pop(json_col), (name, key, col)
                elif json_col is not None:  # documents.issue_date: the raw text, completed to a day
                    raw = expected[name][key]["issue_date_raw"]
                    assert value == (None if raw is None else (raw + "-01-01")[:10]), key
            assert row == expected[name][key], (name, key)
    tasks = {
        k: v
        for d in output_docs.values()
        for k, v in (((d["doc_id"], t["row"]), t["deadline_norm"]) for t in d["tasks"])
    }
    frame = pd.read_parquet(sample_output / "tasks")
    for r in frame.itertuples():
        n = tasks[(r.doc_id, r.row)] or {}
        assert (_iso(r.deadline_start), _iso(r.deadline_end)) == (n.get("start"), n.get("end"))
