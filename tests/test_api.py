"""plan_extract.load(): both output layouts, column types, joins and the analyst
questions, checked against the gold files (tests/gold, written by hand from the
documents) and values read off the sample documents."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

import plan_extract
from plan_extract import api
from plan_extract.writers import schema as S

GOLD = Path(__file__).resolve().parent / "gold"
HH = "hiep-hoa-2024-kiem-soat-tthc"
VB = "vinh-bao-2024-kiem-soat-tthc"
XL = "xuan-loc-2022-cai-cach-hanh-chinh"
TD = "tam-duong-2021-de-an-468"
HT = "ha-tinh-so-noi-vu-2024-kiem-soat-tthc"
# the district office (Văn phòng HĐND và UBND huyện) as the documents write it
VP_HUYEN = re.compile(r"Văn phòng (HĐND\s*(-|và)?\s*)?UBND huyện")
VP_HUYEN_NAME = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"


# ----------------------------------------------------------------- layouts
def _read_any(output: Path, name: str) -> pa.Table:
    """A table of a real run, whatever its layout, with the declared schema."""
    folder, single = output / name, output / f"{name}.parquet"
    table = pq.read_table(folder if folder.is_dir() else single)
    schema = S.TABLES[name]
    cols = [
        table.column(f.name).cast(f.type) if not table.column(f.name).type.equals(f.type) else table.column(f.name)
        for f in schema
    ]
    return pa.Table.from_arrays(cols, schema=schema)


def make_layouts(sample_output: Path, root: Path) -> dict[str, Path]:
    """The sample output rewritten in both layouts: ``file`` (OUT/<table>.parquet) and
    ``hive`` (OUT/<table>/year=YYYY/part-0.parquet, year not stored in the files)."""
    file_dir, hive_dir = root / "file", root / "hive"
    file_dir.mkdir(parents=True, exist_ok=True)
    hive_dir.mkdir(parents=True, exist_ok=True)
    for name in S.TABLES:
        table = _read_any(sample_output, name)
        pq.write_table(table, file_dir / f"{name}.parquet")
        pads.write_dataset(
            table,
            hive_dir / name,
            format="parquet",
            partitioning=["year"],
            partitioning_flavor="hive",
            basename_template="part-{i}.parquet",
        )
    for extra in ("manifest.json",):
        if (sample_output / extra).exists():
            for d in (file_dir, hive_dir):
                (d / extra).write_bytes((sample_output / extra).read_bytes())
    return {"file": file_dir, "hive": hive_dir}


@pytest.fixture(scope="session")
def layouts(sample_output, tmp_path_factory) -> dict[str, Path]:
    return make_layouts(sample_output, tmp_path_factory.mktemp("layouts"))


@pytest.fixture(scope="session")
def ds(layouts) -> api.Dataset:
    return api.load(layouts["hive"])


@pytest.fixture(scope="session")
def gold() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.json"))}


def _gold_end(task: dict):
    n = task["deadline_norm"]
    return n["end"] if n else None


def _gold_due(task: dict):
    """The gold due date: the end of a deadline of a kind that sets one (a
    ``Thường xuyên trong năm 2024`` spans the year and is not due on 31 December)."""
    n = task["deadline_norm"]
    return n["end"] if n and n["kind"] in api.DUE_KINDS else None


# ------------------------------------------------------------------ loading
def test_package_reexports_load():
    assert plan_extract.load is api.load


def test_hive_fixture_really_is_hive(layouts):
    parts = sorted((layouts["hive"] / "tasks").rglob("*.parquet"))
    assert {p.parent.name for p in parts} == {"year=2021", "year=2022", "year=2024"}
    assert "year" not in pq.read_schema(parts[0]).names


@pytest.mark.parametrize("layout", ["file", "hive"])
def test_load_reads_both_layouts_with_the_same_types(layouts, layout):
    ds = api.load(layouts[layout])
    assert set(ds.layout.values()) == {layout}
    assert {n: len(df) for n, df in ds.tables.items()}["tasks"] == 189
    assert len(ds.documents) == 5
    for name, df in ds.tables.items():
        assert list(df.columns) == S.TABLES[name].names, name
        assert df["year"].dtype == pd.Int32Dtype(), name
    t = ds.tasks
    assert t["row"].dtype == pd.Int32Dtype() and t["parent_row"].dtype == pd.Int32Dtype()
    assert t["parent_row"].isna().any()  # top-level rows: still an integer column
    assert t["deadline_end"].dtype == "datetime64[ms]" and t["deadline_start"].dtype == "datetime64[ms]"
    assert ds.documents["issue_date"].dtype == "datetime64[ms]"
    assert ds.references["date"].dtype == "datetime64[ms]"
    assert isinstance(t["deadline_kind"].dtype, pd.CategoricalDtype)
    assert list(t["deadline_kind"].cat.categories[:4]) == ["date", "by_date", "month", "months"]
    assert isinstance(ds.task_agencies["role"].dtype, pd.CategoricalDtype)
    assert t["is_group"].dtype == bool
    assert all(type(v) is list for v in t["lead_agencies"])
    assert all(type(v) is list for v in ds.documents["warnings"])
    assert all(type(v) is dict for v in t["extra"])
    # sorted by key: rows of one document in order
    hh = t[t["doc_id"] == HH]
    assert hh["row"].tolist() == list(range(1, 47))
    years = ds.documents.set_index("doc_id")["year"]
    assert years.to_dict() == {HT: 2024, HH: 2024, TD: 2021, VB: 2024, XL: 2022}
    assert ds.documents.set_index("doc_id").loc[XL, "issue_date"] == pd.Timestamp("2022-01-26")


def test_both_layouts_give_identical_frames(layouts):
    a, b = api.load(layouts["file"]), api.load(layouts["hive"])
    for name in S.TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)


def test_folder_wins_over_file_and_missing_table_is_empty(layouts, tmp_path):
    out = tmp_path / "mixed"
    out.mkdir()
    for name in S.TABLES:
        if name != "references":
            (out / f"{name}.parquet").write_bytes((layouts["file"] / f"{name}.parquet").read_bytes())
    # a stale single file AND the dataset folder: the folder is read
    for p in (layouts["hive"] / "tasks").rglob("*.parquet"):
        dest = out / "tasks" / p.relative_to(layouts["hive"] / "tasks")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(p.read_bytes())
    pq.write_table(S.TASKS.empty_table(), out / "tasks.parquet")
    (out / "tasks" / "year=2024" / ".part-9.parquet.tmp").write_bytes(b"half-written")
    ds = api.load(out)
    assert ds.layout["tasks"] == "hive" and ds.layout["references"] == "missing"
    assert len(ds.tasks) == 189
    assert len(ds.references) == 0 and list(ds.references.columns) == S.REFERENCES.names
    assert ds.references["date"].dtype == "datetime64[ms]"


@pytest.mark.parametrize("no_year", ["year=0", "year=__HIVE_DEFAULT_PARTITION__"])
def test_hive_null_partition_gives_a_null_year(layouts, tmp_path, no_year):
    """A document without an issue year lands in year=0 (older outputs: hive's null
    partition); either reads back as a null year."""
    out = tmp_path / "nullyear"
    src = next((layouts["hive"] / "documents" / "year=2021").glob("*.parquet"))
    for folder in ("year=2021", no_year):
        (out / "documents" / folder).mkdir(parents=True)
        (out / "documents" / folder / "part-0.parquet").write_bytes(src.read_bytes())
    docs = api.load(out).documents
    assert docs["year"].dtype == pd.Int32Dtype()
    assert docs["year"].dropna().tolist() == [2021] and int(docs["year"].isna().sum()) == 1


def test_load_rejects_a_folder_without_tables(tmp_path):
    with pytest.raises(FileNotFoundError):
        api.load(tmp_path)
    with pytest.raises(FileNotFoundError):
        api.load(tmp_path / "nope")


# ------------------------------------------------------------------ joins
def test_tasks_with_documents(ds):
    t = ds.tasks_with_documents()
    assert len(t) == len(ds.tasks)
    row = t[(t["doc_id"] == XL) & (t["row"] == 6)].iloc[0]
    assert row["doc_number"] == "15/KH-UBND" and row["doc_place"] == "Xuân Lộc"
    assert row["doc_issue_date"] == pd.Timestamp("2022-01-26")
    assert row["deadline"] == "31/10/2022"


def test_tasks_with_agencies(ds, gold):
    lead = ds.tasks_with_agencies("lead")
    assert set(lead["role"].astype(str)) == {"lead"}
    assert len(ds.tasks_with_agencies()) == len(ds.task_agencies)
    # Hiệp Hòa row 3: "Văn phòng UBND huyện", due "Trước ngày 10/02/2023"
    r = lead[(lead["doc_id"] == HH) & (lead["row"] == 3)]
    assert r["raw"].tolist() == ["Văn phòng UBND huyện"]
    assert r["name"].tolist() == [VP_HUYEN_NAME]
    assert r["deadline_end"].tolist() == [pd.Timestamp("2023-02-10")]
    assert r["content"].iloc[0] == gold[HH]["tasks"][2]["content"]
    # the lists in tasks agree with the mention rows
    for (doc, row), g in ds.task_agencies.groupby(["doc_id", "row"], observed=True):
        task = ds.tasks[(ds.tasks["doc_id"] == doc) & (ds.tasks["row"] == row)].iloc[0]
        assert g[g["role"] == "lead"].sort_values("mention")["name"].tolist() == task["lead_agencies"]


# -------------------------------------------------------------- questions
def test_workload_of_the_district_office_matches_the_lead_cells(ds, gold):
    """Tasks led by 'Văn phòng (HĐND và) UBND huyện' however each document writes it."""
    expected = {
        doc: sum(1 for t in g["tasks"] if not t["is_group"] and VP_HUYEN.search(t["lead"])) for doc, g in gold.items()
    }
    assert expected == {HT: 0, HH: 11, TD: 8, VB: 13, XL: 8}
    wl = ds.workload("lead")
    assert list(wl.columns) == ["name", "tasks", "documents"]
    top = wl.iloc[0]
    assert (top["name"], top["tasks"], top["documents"]) == (VP_HUYEN_NAME, 40, 4)
    lead = ds.task_agencies[(ds.task_agencies["role"] == "lead") & (ds.task_agencies["name"] == VP_HUYEN_NAME)]
    assert lead.drop_duplicates(["doc_id", "row"]).groupby("doc_id").size().to_dict() == {
        k: v for k, v in expected.items() if v
    }
    # Hà Tĩnh's "Văn phòng" is the office of the Sở Nội vụ (24 rows name it)
    ht = sum(1 for t in gold[HT]["tasks"] if not t["is_group"] and re.search(r"\bVăn phòng\b", t["lead"]))
    assert ht == 24
    assert wl.set_index("name").loc["Văn phòng Sở Nội vụ", "tasks"] == 24


def test_workload_both_roles_agrees_with_the_task_lists(ds):
    both = ds.workload(None)
    assert list(both.columns) == ["name", "lead", "support", "total"]
    lead_counts, support_counts, any_counts = Counter(), Counter(), Counter()
    for _, t in ds.tasks.iterrows():
        lead_counts.update(set(t["lead_agencies"]))
        support_counts.update(set(t["support_agencies"]))
        any_counts.update(set(t["lead_agencies"]) | set(t["support_agencies"]))
    b = both.set_index("name")
    assert b["lead"].to_dict() == {k: lead_counts.get(k, 0) for k in b.index}
    assert b["support"].to_dict() == {k: support_counts.get(k, 0) for k in b.index}
    assert b["total"].to_dict() == dict(any_counts)
    assert b.loc[VP_HUYEN_NAME, "lead"] == 40
    assert both["lead"].is_monotonic_decreasing
    by_id = ds.workload("lead", by="agency_id")
    assert by_id["tasks"].sum() == ds.workload("lead")["tasks"].sum()
    with pytest.raises(ValueError):
        ds.workload("chair")


def test_due_by_month_in_hiep_hoa(ds, gold):
    months = ds.due_by_month()
    assert months.index.name == "month" and str(months.index.freq) in ("<MonthEnd>", "M", "ME")
    hh = months[HH]
    got = {str(p): int(v) for p, v in hh.items() if v}
    # from the document: 18/01/2023, 10/02/2023, Tháng 8/2023, 05/2/2024, Tháng 7/2024,
    # "Tháng 3, 6, 9" (ends in September), and seven "Trước 10/12/2024"
    assert got == {"2023-01": 1, "2023-02": 1, "2023-08": 1, "2024-02": 1, "2024-07": 1, "2024-09": 1, "2024-12": 7}
    # every document against the gold deadlines
    for doc, g in gold.items():
        exp = Counter(_gold_due(t)[:7] for t in g["tasks"] if not t["is_group"] and _gold_due(t))
        assert {str(p): int(v) for p, v in months[doc].items() if v} == dict(exp), doc
    assert months["total"].sum() == 41
    # Hà Tĩnh's 26 "Thường xuyên trong năm 2024" rows and its "Theo lộ trình kế hoạch trong
    # năm 2024" end on 2024-12-31 but are not due then: only its 3 "Trong năm 2024" are
    assert months.loc[pd.Period("2024-12", "M"), HT] == 3
    assert months.index.min() == pd.Period("2022-10", "M") and months.index.max() == pd.Period("2025-12", "M")
    assert len(months) == 39  # every month in between, zeros included
    quarters = ds.due_by_quarter(by_document=False)
    assert list(quarters.columns) == ["total"]
    assert quarters.loc[pd.Period("2024Q4", "Q"), "total"] == 16


def test_ongoing_tasks_are_not_due(ds):
    ongoing = ds.ongoing_tasks()
    dated = set(zip(ds.dated_tasks()["doc_id"], ds.dated_tasks()["row"]))
    assert not dated & set(zip(ongoing["doc_id"], ongoing["row"]))
    kinds = Counter(ongoing["deadline_kind"].astype(str))
    # 65 "Thường xuyên", 8 "Theo …" plans, 17 periodic (13 "Báo cáo theo quý") and the two
    # "Năm 2021 và các năm tiếp theo" / "Quý 3 năm 2021 và các năm tiếp theo" (yearly, no end)
    assert kinds == {"continuous": 65, "per_plan": 8, "periodic": 17, "year": 2, "quarter": 1}
    ht3 = ongoing[(ongoing["doc_id"] == HT) & (ongoing["row"] == 3)].iloc[0]
    assert (ht3["deadline_start"], ht3["deadline_end"]) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert len(ds.overdue("2026-01-01")) == len(ds.dated_tasks())  # ongoing work is never overdue


def test_overdue_on_2024_06_30(ds, gold):
    on = dt.date(2024, 6, 30)
    expected = {
        (doc, t["row"])
        for doc, g in gold.items()
        for t in g["tasks"]
        if not t["is_group"] and _gold_end(t) and _gold_end(t) < on.isoformat()
    }
    ov = ds.overdue(on)
    assert set(zip(ov["doc_id"], ov["row"].astype(int))) == expected
    assert len(ov) == 16
    assert Counter(ov["doc_id"]) == {XL: 5, HH: 4, VB: 3, TD: 2, HT: 2}
    first = ov.iloc[0]
    assert (first["doc_id"], int(first["row"]), first["deadline"]) == (XL, 6, "31/10/2022")
    assert first["days_overdue"] == (on - dt.date(2022, 10, 31)).days
    assert ov["deadline_end"].is_monotonic_increasing
    # a task due on the day itself is not overdue; the day after it is
    assert len(ds.overdue("2024-02-29")) == len(ds.overdue("2024-02-28"))
    assert len(ds.overdue("2024-03-01")) == len(ds.overdue("2024-02-29")) + 3  # Vĩnh Bảo, "Trong tháng 02/2024"
    assert len(ds.overdue(pd.Timestamp("2020-01-01"))) == 0


def gold_deadlines_before_issue(gold) -> set[tuple[str, int]]:
    """Task rows whose gold due date is before the first day of the issue date."""
    out = set()
    for doc, g in gold.items():
        parts = g["header"]["issue_date"].split("-")
        floor = "-".join(parts + ["01"] * (3 - len(parts)))
        out |= {(doc, t["row"]) for t in g["tasks"] if _gold_end(t) and _gold_end(t) < floor}
    return out


def test_warnings(ds, gold):
    w = ds.warnings()
    assert list(w.columns) == ["doc_id", "doc_title", "code", "message", "row", "table", "page", "line"]
    assert str(w["row"].dtype) == "Int32"
    assert len(w) == int(ds.documents["n_warnings"].sum())
    before = w[w["code"] == "deadline_before_issue"]
    rows = {(d, int(r)) for d, r in zip(before["doc_id"], before["row"])}
    # Hiệp Hòa (issued January 2024) sets three deadlines in 2023: rows 2, 3 and 45
    assert rows == gold_deadlines_before_issue(gold) == {(HH, 2), (HH, 3), (HH, 45)}
    # Xuân Lộc's appendix says 27/01/2022 (sample line 357), its header 26/01/2022
    xl = w[(w["doc_id"] == XL) & (w["code"] == "appendix_date")]["message"].tolist()
    assert len(xl) == 1 and "2022-01-27" in xl[0] and "2022-01-26" in xl[0]
    # Tâm Dương numbers two sections "II." (sample lines 31 and 69)
    assert w[w["doc_id"] == TD]["code"].tolist().count("repeated_section_label") == 1
    assert any(x.startswith("repeated section label II ") for x in w[w["doc_id"] == TD]["message"])
    assert {HH, XL, TD} <= set(w["doc_id"])


# ------------------------------------------------- README.md snippets (analysts' section)
README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text("utf-8"), flags=re.S)


def _single_file_form(code: str) -> str:
    """The README's python with each ``# x = …  # single-file form`` alternative swapped in."""
    lines = code.splitlines()
    out: list[str] = []
    for line in lines:
        m = re.match(r"^(\s*)# (.*?)\s+# single-file form$", line)
        if m:
            out[-1] = m.group(1) + m.group(2)
        else:
            out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("layout", ["file", "hive"])
def test_readme_duckdb_queries(layouts, layout, tmp_path, monkeypatch):
    import shutil

    import duckdb

    shutil.copytree(layouts[layout], tmp_path / "output")
    monkeypatch.chdir(tmp_path)
    ds = api.load("output")
    blocks = _blocks("sql")
    con = duckdb.connect()
    views = [b for b in blocks if b.startswith(f"-- layout: {layout}\n")]
    assert len(views) == 1
    con.execute(views[0])
    queries = {b.split("\n", 1)[0].split(":")[0].removeprefix("-- "): b for b in blocks if b.startswith("-- Q")}
    assert sorted(queries) == ["Q1", "Q2", "Q3", "Q4"]

    q1 = con.sql(queries["Q1"]).df()
    assert list(q1.columns) == ["agency", "tasks_led", "tasks_supported", "documents"]
    both = ds.workload(None).set_index("name")
    assert dict(zip(q1["agency"], q1["tasks_led"])) == both["lead"].to_dict()
    assert dict(zip(q1["agency"], q1["tasks_supported"])) == both["support"].to_dict()
    assert q1.iloc[0]["agency"] == VP_HUYEN_NAME and q1.iloc[0]["tasks_led"] == 40

    q2 = con.sql(queries["Q2"]).df()
    months = ds.due_by_month()["total"]
    assert dict(zip(q2["month"], q2["tasks"])) == {str(p): int(v) for p, v in months.items() if v}
    assert q2.set_index("month").loc["2024-12", "tasks"] == 15

    q3 = con.sql(queries["Q3"]).df()
    ov = ds.overdue("2024-06-30")
    assert list(zip(q3["doc_id"], q3["row"])) == list(zip(ov["doc_id"], ov["row"].astype(int)))
    assert q3["days_overdue"].tolist() == ov["days_overdue"].tolist()
    assert len(q3) == 16

    q4 = con.sql(queries["Q4"]).df()
    w = ds.warnings()
    assert list(zip(q4["doc_id"], q4["code"], q4["message"])) == list(zip(w["doc_id"], w["code"], w["message"]))

    single = [b for b in blocks if b.startswith("-- single file\n")]
    assert len(single) == 1
    if layout == "file":
        assert len(con.sql(single[0]).fetchall()) == 16


@pytest.mark.parametrize("layout", ["file", "hive"])
def test_readme_python_snippets(layouts, layout, tmp_path, monkeypatch):
    import shutil

    shutil.copytree(layouts[layout], tmp_path / "output")
    monkeypatch.chdir(tmp_path)
    blocks = _blocks("python")
    assert len(blocks) == 3
    ns: dict = {}
    for code in blocks:
        exec(compile(code if layout == "hive" else _single_file_form(code), str(README), "exec"), ns)
    assert len(ns["tasks"]) == 189
    led = ns["led"]
    assert led.row(0) == (VP_HUYEN_NAME, 40)
    assert ns["ds"].overdue("2024-06-30").shape[0] == 16
