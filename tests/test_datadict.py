"""The data dictionary: every column described, docs/DATA_DICTIONARY.md generated (not
edited), allowed values in step with the code, and the Frictionless datapackage.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from plan_extract import api, datadict
from plan_extract.normalize.deadlines import KINDS, RECURRENCES
from plan_extract.writers import schema as S
from test_api import make_layouts

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "DATA_DICTIONARY.md"


@pytest.fixture(scope="module")
def layouts(sample_output, tmp_path_factory):
    return make_layouts(sample_output, tmp_path_factory.mktemp("dd-layouts"))


def test_every_schema_column_is_described():
    assert datadict.missing_descriptions() == []
    info = api.column_info()["tables"]
    assert list(info) == list(S.TABLES)


def test_committed_data_dictionary_is_generated():
    assert DOC.read_text("utf-8") == datadict.markdown(), (
        "docs/DATA_DICTIONARY.md is stale: python -m plan_extract.datadict > docs/DATA_DICTIONARY.md"
    )


def test_markdown_has_a_row_per_column():
    md = datadict.markdown()
    for name, schema in S.TABLES.items():
        section = md.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        assert [r.split("`")[1] for r in rows] == schema.names, name
    assert "| `deadline_end` | `date32[day]` | date | `datetime64[ms]` |" in md
    assert "| `lead_agencies` | `list<string>` | array | `object (list)` |" in md


def test_closed_value_lists_match_the_code():
    cols = {t: v["columns"] for t, v in api.column_info()["tables"].items()}
    doc_schema = json.loads((ROOT / "schemas" / "document.schema.json").read_text("utf-8"))
    task_props = doc_schema["properties"]["tasks"]["items"]["properties"]
    assert set(cols["tasks"]["deadline_kind"]["values"]) == set(KINDS)
    assert set(cols["tasks"]["deadline_recurrence"]["values"]) == set(RECURRENCES) - {None}
    assert set(cols["documents"]["format"]["values"]) == set(
        doc_schema["properties"]["source"]["properties"]["format"]["enum"]
    )
    assert set(cols["sections"]["kind"]["values"]) == set(
        doc_schema["properties"]["sections"]["items"]["properties"]["kind"]["enum"]
    )
    assert set(cols["task_agencies"]["kind"]["values"]) == set(
        doc_schema["$defs"]["mention"]["properties"]["kind"]["enum"]
    )
    assert set(cols["tasks"]["deadline_recurrence"]["values"]) == set(
        task_props["deadline_norm"]["oneOf"][1]["properties"]["recurrence"]["enum"]
    ) - {None}


def test_sample_values_are_within_the_closed_lists(layouts):
    ds = api.load(layouts["hive"])
    for table, spec in api.column_info()["tables"].items():
        df = getattr(ds, table)
        for col, info in spec["columns"].items():
            if info.get("closed"):
                seen = set(df[col].dropna().astype(str))
                assert seen <= set(info["values"]), (table, col, seen - set(info["values"]))
    # the loader puts the allowed values first, so unused kinds still count (as zero)
    counts = ds.tasks["deadline_kind"].value_counts()
    assert set(counts.index) >= set(KINDS)


@pytest.mark.parametrize("layout", ["file", "hive"])
def test_datapackage_describes_the_folder(layouts, layout):
    out = layouts[layout]
    pkg = datadict.datapackage(out)
    assert pkg["profile"] == "data-package"
    res = {r["name"]: r for r in pkg["resources"]}
    assert list(res) == list(S.TABLES) + ["manifest"]
    for name, schema in S.TABLES.items():
        r = res[name]
        assert r["format"] == "parquet" and r["profile"] == "tabular-data-resource"
        paths = r["path"] if isinstance(r["path"], list) else [r["path"]]
        assert paths and all((out / p).is_file() for p in paths)
        if layout == "hive":
            assert isinstance(r["path"], list) and all(p.startswith(f"{name}/year=") for p in paths)
            assert r["partitioning"]["fields"] == ["year"]
            assert sorted(paths) == sorted(p.relative_to(out).as_posix() for p in (out / name).rglob("*.parquet"))
        else:
            assert r["path"] == f"{name}.parquet"
        fields = r["schema"]["fields"]
        # a hive dataset keeps the year in its folder names, not among the files' columns
        assert [f["name"] for f in fields] == [n for n in schema.names if not (layout == "hive" and n == "year")]
        assert all(f["description"] for f in fields)
        assert r["schema"]["primaryKey"] == api.TABLE_KEYS[name]
    tf = {f["name"]: f for f in res["tasks"]["schema"]["fields"]}
    assert tf["deadline_end"]["type"] == "date"
    assert tf["row"]["type"] == "integer" and tf["row"]["constraints"]["required"] is True
    assert tf["is_group"]["type"] == "boolean"
    assert tf["lead_agencies"]["type"] == "array" and tf["lead_agencies"]["arrayItem"] == {"type": "string"}
    assert tf["extra"]["type"] == "object"
    assert set(tf["deadline_kind"]["constraints"]["enum"]) == set(KINDS)
    assert {f["name"]: f for f in res["task_agencies"]["schema"]["fields"]}["score"]["type"] == "number"
    fks = res["task_agencies"]["schema"]["foreignKeys"]
    assert {"fields": ["doc_id", "row"], "reference": {"resource": "tasks", "fields": ["doc_id", "row"]}} in fks


def test_write_datapackage_is_atomic(layouts, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    for p in layouts["file"].iterdir():
        (out / p.name).write_bytes(p.read_bytes())
    path = datadict.write_datapackage(out)
    assert path == out / "datapackage.json"
    first = json.loads(path.read_text("utf-8"))
    assert first == datadict.datapackage(out)
    assert "Nơi nhận" in path.read_text("utf-8")  # UTF-8 text, not \\u escapes

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    (out / "references.parquet").unlink()  # the new descriptor would differ
    with pytest.raises(OSError):
        datadict.write_datapackage(out)
    assert json.loads(path.read_text("utf-8")) == first  # previous file intact
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no temp left
