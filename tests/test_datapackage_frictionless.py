"""``OUT/datapackage.json`` is a valid Frictionless Data Package (checked with the
frictionless library), and every resource's fields are the columns its files hold."""

from __future__ import annotations

import json

import pyarrow.parquet as pq


def test_frictionless_accepts_the_datapackage(sample_output):
    import frictionless

    descriptor = json.loads((sample_output / "datapackage.json").read_text("utf-8"))
    report = frictionless.Package.validate_descriptor(descriptor)
    assert report.valid, report.flatten(["type", "message"])
    package = frictionless.Package(descriptor, basepath=str(sample_output))
    assert [r.name for r in package.resources] == [
        "documents",
        "sections",
        "tasks",
        "task_agencies",
        "references",
        "manifest",
    ]


def test_fields_are_the_columns_of_the_files(sample_output):
    """In a hive dataset ``year`` lives in the folder names: the resource does not
    declare it as a column of the files."""
    descriptor = json.loads((sample_output / "datapackage.json").read_text("utf-8"))
    for res in descriptor["resources"]:
        if res["format"] != "parquet":
            continue
        paths = res["path"] if isinstance(res["path"], list) else [res["path"]]
        names = [f["name"] for f in res["schema"]["fields"]]
        for p in paths:
            assert pq.read_schema(sample_output / p).names == names, (res["name"], p)
        assert ("year" in names) == ("partitioning" not in res)
        warnings = [f for f in res["schema"]["fields"] if f["name"] == "warnings"]
        if warnings:
            assert warnings[0]["type"] == "array" and "example" not in warnings[0]
