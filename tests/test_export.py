"""plan-extract export: the office workbook (read back with openpyxl and pandas, printed
by LibreOffice Calc headless, its task sheet read from the PDF with pdfplumber and a
page rendered with pdftoppm) and the iCalendar files (parsed with icalendar, expanded
by a second reader, recurring_ical_events), in Vietnamese and English, and bad input."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import icalendar
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import recurring_ical_events

from plan_extract import api
from plan_extract.cli import main
from plan_extract.export.common import sheet_names
from plan_extract.writers import schema as S
from test_api import HH, HT, TD, VP_HUYEN_NAME, XL, make_layouts

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
VI_SHEETS = ["Văn bản", "Nhiệm vụ", "Cơ quan"]
EN_SHEETS = ["Documents", "Tasks", "Agencies"]


@pytest.fixture(scope="module")
def out_dir(sample_output, tmp_path_factory):
    return make_layouts(sample_output, tmp_path_factory.mktemp("export-layouts"))["hive"]


@pytest.fixture(scope="module")
def ds(out_dir):
    return api.load(out_dir)


@pytest.fixture(scope="module")
def xlsx_vi(out_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "nhiem-vu.xlsx"
    assert main(["export", str(out_dir), "--xlsx", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def xlsx_en(out_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx-en") / "tasks.xlsx"
    assert main(["export", str(out_dir), "--xlsx", str(path), "--lang", "en"]) == 0
    return path


def _rewrite(src: Path, dst: Path, edit) -> Path:
    """A copy of an output folder (one file per table) with ``edit(name, df)`` applied."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in S.TABLES:
        folder = src / name
        table = pq.read_table(folder if folder.is_dir() else src / f"{name}.parquet")
        table = pa.Table.from_arrays([table.column(f.name).cast(f.type) for f in S.TABLES[name]], schema=S.TABLES[name])
        df = edit(name, table.to_pandas())
        pq.write_table(pa.Table.from_pandas(df, schema=S.TABLES[name], preserve_index=False), dst / f"{name}.parquet")
    return dst


# ------------------------------------------------------------------ workbook
def test_workbook_sheets_frozen_filtered_sized(xlsx_vi, ds):
    wb = openpyxl.load_workbook(xlsx_vi)
    n_lead = int((ds.workload(None)["lead"] > 0).sum())
    assert wb.sheetnames[:3] == VI_SHEETS and wb.sheetnames[-1] == "Cảnh báo"
    assert len(wb.sheetnames) == 4 + n_lead == 31
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.column_dimensions["A"].width > 10, ws.title
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    tasks = wb["Nhiệm vụ"]
    head = [c.value for c in tasks[1]]
    assert head[:10] == [
        "Văn bản",
        "Số, ký hiệu",
        "Ngày ban hành",
        "Dòng",
        "TT",
        "Nội dung nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời gian (như văn bản)",
        "Hạn hoàn thành",
    ]
    assert tasks.max_row == 1 + 189
    assert tasks.auto_filter.ref == "A1:Q190"


def test_workbook_task_rows(xlsx_vi, ds):
    ws = openpyxl.load_workbook(xlsx_vi)["Nhiệm vụ"]
    col = {c.value: i for i, c in enumerate(ws[1])}
    rows = {(r[col["Mã văn bản"]].value, r[col["Dòng"]].value): r for r in ws.iter_rows(min_row=2)}
    # Xuân Lộc row 6: "31/10/2022", a real date, the printed deadline beside it
    r = rows[(XL, 6)]
    assert r[col["Hạn hoàn thành"]].value == dt.datetime(2022, 10, 31)
    assert r[col["Hạn hoàn thành"]].number_format == "dd/mm/yyyy"
    assert r[col["Thời gian (như văn bản)"]].value == "31/10/2022"
    assert r[col["Số, ký hiệu"]].value == "15/KH-UBND"
    assert r[col["Ngày ban hành"]].value == dt.datetime(2022, 1, 26)
    assert r[col["Văn bản"]].value == "Kế hoạch số 15/KH-UBND ngày 26/01/2022"
    # Hà Tĩnh row 3: "Thường xuyên trong năm 2024" spans the year, it is not due on 31/12
    r = rows[(HT, 3)]
    assert r[col["Thời gian (như văn bản)"]].value == "Thường xuyên trong năm 2024"
    assert r[col["Hạn hoàn thành"]].value is None
    assert r[col["Loại thời hạn"]].value == "Thường xuyên"
    assert (r[col["Từ ngày"]].value, r[col["Đến ngày"]].value) == (dt.datetime(2024, 1, 1), dt.datetime(2024, 12, 31))
    # a number left blank: the document told apart by type, symbol and date
    assert r[col["Văn bản"]].value == "Quyết định …/QĐ-SNV (chưa ghi số) ngày 03/2024"
    assert r[col["Ngày ban hành"]].value == "03/2024"
    # recurring: Xuân Lộc's "Báo cáo theo quý"
    r = rows[(XL, 4)]
    assert r[col["Lặp lại"]].value == "Hằng quý" and r[col["Hạn hoàn thành"]].value is None
    # agencies by canonical name
    assert VP_HUYEN_NAME in rows[(HH, 13)][col["Cơ quan phối hợp"]].value
    # hierarchy: every row at the outline level and indentation of its level, group rows bold
    levels = ds.tasks.set_index(["doc_id", "row"])[["level", "is_group"]]
    for key, r in rows.items():
        cell = r[col["Nội dung nhiệm vụ"]]
        level, is_group = int(levels.loc[key, "level"]), bool(levels.loc[key, "is_group"])
        assert bool(cell.font.b) is is_group, key
        assert ws.row_dimensions[cell.row].outline_level == level - 1, key
        assert (cell.alignment.indent or 0) == level - 1, key
    assert int(levels.loc[(HH, 13), "level"]) == 3  # tt 3.1
    assert sum(1 for r in rows.values() if r[col["Nội dung nhiệm vụ"]].font.b) == int(ds.tasks["is_group"].sum())
    # a link back to the source file
    link = rows[(XL, 6)][col["Tệp gốc"]]
    target = link.hyperlink.target
    assert target.lower() == (Path(ds.documents.set_index("doc_id").loc[XL, "source_path"]).as_uri()).lower()
    assert link.value == f"{XL}.txt"


def test_workbook_reads_back_with_pandas_to_the_tasks(xlsx_vi, ds):
    sheet = pd.read_excel(xlsx_vi, sheet_name="Nhiệm vụ", dtype={"TT": str})
    t = ds.tasks
    assert len(sheet) == len(t) == 189
    assert list(zip(sheet["Mã văn bản"], sheet["Dòng"])) == list(zip(t["doc_id"], t["row"].astype(int)))
    assert sheet["Nội dung nhiệm vụ"].fillna("").tolist() == t["content"].fillna("").tolist()
    assert sheet["Thời gian (như văn bản)"].fillna("").tolist() == t["deadline"].fillna("").tolist()
    assert sheet["TT"].fillna("").tolist() == t["tt"].fillna("").tolist()
    due = ds.dated_tasks().set_index(["doc_id", "row"])["deadline_end"]
    got = sheet.dropna(subset=["Hạn hoàn thành"]).set_index(["Mã văn bản", "Dòng"])["Hạn hoàn thành"]
    assert len(got) == len(due) == 41
    assert {(d, int(r)): v for (d, r), v in got.items()} == {(d, int(r)): v for (d, r), v in due.items()}
    docs = pd.read_excel(xlsx_vi, sheet_name="Văn bản")
    assert docs["Mã văn bản"].tolist() == ds.documents["doc_id"].tolist()
    assert docs["Số nhiệm vụ"].tolist() == ds.documents["n_tasks"].tolist()
    warn = pd.read_excel(xlsx_vi, sheet_name="Cảnh báo")
    assert len(warn) == int(ds.documents["n_warnings"].sum()) == 6
    hh = warn[warn["Mã văn bản"] == HH]
    assert hh["Mã cảnh báo"].tolist() == ["deadline_before_issue"] * 3
    assert sorted(hh["Dòng"].astype(int)) == [2, 3, 45]
    td = warn[warn["Mã văn bản"] == TD].iloc[0]
    assert td["Dòng văn bản"] == 69 and "repeated section label II" in td["Nội dung cảnh báo"]


def test_workbook_agency_sheets(xlsx_vi, ds):
    wb = openpyxl.load_workbook(xlsx_vi)
    index = pd.read_excel(xlsx_vi, sheet_name="Cơ quan")
    led = ds.workload(None)
    assert index["Cơ quan"].tolist() == led["name"].tolist()
    listed = index.dropna(subset=["Trang tính"])
    assert len(listed) == int((led["lead"] > 0).sum())
    assert set(listed["Trang tính"]) == set(wb.sheetnames[3:-1])
    row = index[index["Cơ quan"] == VP_HUYEN_NAME].iloc[0]
    assert row["Trang tính"] == "VP HĐND và UBND huyện" and row["Chủ trì (nhiệm vụ)"] == 40
    # the same rows as the auto-filter on the lead column of the task sheet
    sheet = pd.read_excel(xlsx_vi, sheet_name="VP HĐND và UBND huyện")
    tasks = pd.read_excel(xlsx_vi, sheet_name="Nhiệm vụ")
    filtered = tasks[tasks["Cơ quan chủ trì"].fillna("").str.split("; ").map(lambda names: VP_HUYEN_NAME in names)]
    assert len(sheet) == len(filtered) == 40
    assert set(zip(sheet["Mã văn bản"], sheet["Dòng"])) == set(zip(filtered["Mã văn bản"], filtered["Dòng"]))
    due = sheet["Hạn hoàn thành"].dropna()
    assert due.is_monotonic_increasing and sheet["Hạn hoàn thành"].iloc[: len(due)].notna().all()
    # the index links to the sheet
    ws = wb["Cơ quan"]
    cell = next(r[1] for r in ws.iter_rows(min_row=2) if r[0].value == VP_HUYEN_NAME)
    assert cell.hyperlink.location == "'VP HĐND và UBND huyện'!A1"


def test_workbook_in_english(xlsx_en):
    wb = openpyxl.load_workbook(xlsx_en)
    assert wb.sheetnames[:3] == EN_SHEETS and wb.sheetnames[-1] == "Warnings"
    sheet = pd.read_excel(xlsx_en, sheet_name="Tasks")
    assert list(sheet.columns[:10]) == [
        "Document",
        "Number",
        "Issued",
        "Row",
        "TT",
        "Task",
        "Lead agencies",
        "Supporting agencies",
        "Deadline (as printed)",
        "Due date",
    ]
    r = sheet[(sheet["Document id"] == HT) & (sheet["Row"] == 3)].iloc[0]
    assert r["Deadline kind"] == "ongoing" and pd.isna(r["Due date"])
    assert r["Document"] == "Quyết định …/QĐ-SNV (no number) of 2024-03"
    ws = wb["Tasks"]
    assert ws["J1"].value == "Due date"
    due = next(c for c in ws["J"][1:] if c.value is not None)
    assert due.number_format == "yyyy-mm-dd"


def _pdf_of(xlsx: Path, tmp_path: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail(
            "LibreOffice (soffice) is needed to open the workbook: apt-get install libreoffice-calc-nogui "
            "(make sysdeps does it)"
        )
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = tmp_path / (xlsx.stem + ".pdf")
    assert proc.returncode == 0 and pdf.is_file(), proc.stdout + proc.stderr
    return pdf


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_workbook_opens_in_libreoffice_calc(lang, xlsx_vi, xlsx_en, tmp_path):
    import pdfplumber

    pdf = _pdf_of(xlsx_vi if lang == "vi" else xlsx_en, tmp_path)
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 10
        first = doc.pages[0]
        assert (round(first.width), round(first.height)) == (842, 595)  # A4 landscape
        text = "\n".join(p.extract_text() or "" for p in doc.pages)
    text = " ".join(text.split())
    heads = (
        ("Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thường xuyên")
        if lang == "vi"
        else ("Task", "Lead agencies", "Supporting agencies", "Due date", "ongoing")
    )
    for head in heads:
        assert head in text, head
    for words in (
        "Ban hành Kế hoạch kiểm soát TTHC và thực hiện cơ chế một cửa",
        "Văn phòng Sở Nội vụ",
        "Công tác chỉ đạo điều hành",
    ):
        assert words in text, words
    assert ("31/12/2024" if lang == "vi" else "2024-12-31") in text
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(pdf), str(png)], check=True, timeout=120)
    shot = next(tmp_path.glob("page*.png"))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / f"workbook-tasks-{lang}.png")


# ------------------------------------------------------------ hostile input
NASTY = "Phòng A/B\\C? [Tổ *đặc biệt*] có tên rất dài hơn ba mươi mốt ký tự"
FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")']


def _nasty(name, df):
    df = df.sort_values([c for c in ("doc_id", "row", "role", "mention") if c in df.columns]).reset_index(drop=True)
    if name == "tasks":
        for i, f in enumerate(FORMULAS):
            df.loc[i, "content"] = f
        df.loc[5, "deadline"] = "=TODAY()"
    if name == "task_agencies":
        lead = df["role"] == "lead"
        first = df[lead].index[:3]
        df.loc[first, "name"] = NASTY
        df.loc[df[lead].index[3:5], "name"] = NASTY.replace("Tổ", "Nhóm")  # same first 31 characters
        df.loc[df[lead].index[5:6], "name"] = "History"
    if name == "documents":
        df.loc[0, "title"] = "=cmd|' /C notepad'!A1"
    return df


def test_formulas_stay_text_and_bad_sheet_names_are_fixed(out_dir, tmp_path, capsys):
    src = _rewrite(out_dir, tmp_path / "nasty", _nasty)
    path = tmp_path / "nasty.xlsx"
    assert main(["export", str(src), "--xlsx", str(path)]) == 0
    err = capsys.readouterr().err
    wb = openpyxl.load_workbook(path)
    ws = wb["Nhiệm vụ"]
    content = [c.value for c in ws["F"][1:6]]
    assert content == FORMULAS
    assert all(c.data_type == "s" for c in ws["F"][1:6])
    assert ws["I7"].value == "=TODAY()" and ws["I7"].data_type == "s"
    assert wb["Văn bản"]["G2"].data_type == "s"
    # no formula anywhere in the file
    with __import__("zipfile").ZipFile(path) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    names = wb.sheetnames
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    index = pd.read_excel(path, sheet_name="Cơ quan")
    sheet_of = dict(zip(index["Cơ quan"], index["Trang tính"]))
    a, b = sheet_of[NASTY], sheet_of[NASTY.replace("Tổ", "Nhóm")]
    assert a != b and a in names and b in names
    assert a.startswith("Phòng A-B-C- -Tổ -đặc biệt-") or a.startswith("Phòng A-B-C")
    assert sheet_of["History"] != "History" and sheet_of["History"] in names
    assert f"“{NASTY}”" in err and f"“{a}”" in err  # the renamed sheets are listed
    assert len(pd.read_excel(path, sheet_name=a)) == 3


def test_sheet_names_unit():
    got = sheet_names(["a/b", "A-B", "x" * 40, "x" * 40 + "y", "'quoted'", "", "Văn bản"], taken=["Văn bản"])
    assert got["a/b"] == "a-b" and got["A-B"] == "A-B (2)"
    assert got["x" * 40] == "x" * 30 + "…" and got["x" * 40 + "y"] == "x" * 27 + " (2)"
    assert got["'quoted'"] == "quoted" and got[""] == "-" and got["Văn bản"] == "Văn bản (2)"
    assert all(len(v) <= 31 for v in got.values())


def test_output_without_tasks_is_refused(out_dir, tmp_path, capsys):
    empty = _rewrite(out_dir, tmp_path / "no-tasks", lambda name, df: df.iloc[0:0] if name != "documents" else df)
    xlsx, ics = tmp_path / "empty.xlsx", tmp_path / "ics"
    assert main(["export", str(empty), "--xlsx", str(xlsx)]) == 1
    assert "không có nhiệm vụ nào" in capsys.readouterr().err
    assert not xlsx.exists()
    assert main(["export", str(empty), "--ics", str(ics), "--lang", "en"]) == 1
    assert "holds no tasks" in capsys.readouterr().err
    assert not ics.exists() or not any(ics.iterdir())
    assert main(["export", str(tmp_path / "nowhere"), "--xlsx", str(xlsx)]) == 2
    assert main(["export", str(out_dir)]) == 2
    assert "--xlsx" in capsys.readouterr().err


# ------------------------------------------------------------------ calendar
@pytest.fixture(scope="module")
def ics_dir(out_dir, tmp_path_factory):
    return tmp_path_factory.mktemp("ics") / "lich"


def _events(path: Path) -> list:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_calendar_per_agency(out_dir, ds, ics_dir, capsys):
    assert main(["export", str(out_dir), "--ics", str(ics_dir)]) == 0
    err = capsys.readouterr().err
    files = sorted(ics_dir.glob("*.ics"))
    assert len(files) == 15
    # tasks without a date are left out and counted: 65 ongoing, 8 per plan, 5 on event,
    # 4 periodic without a period, 3 empty cells, 1 other
    assert "bỏ qua 86 nhiệm vụ không có ngày hạn: Thường xuyên 65" in err
    assert "lịch: 57 nhiệm vụ có hạn trong 15 tệp" in err
    vp = _events(ics_dir / "van-phong-hoi-dong-nhan-dan-va-uy-ban-nhan-dan-huyen.ics")
    xa = _events(ics_dir / "uy-ban-nhan-dan-cac-xa-thi-tran.ics")
    cal = icalendar.Calendar.from_ical((ics_dir / "van-phong-so-noi-vu.ics").read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "Hạn nhiệm vụ — Văn phòng Sở Nội vụ"
    by_uid = {str(e["UID"]): e for e in vp}
    assert len(by_uid) == len(vp)
    # Hiệp Hòa row 13: "05/2/2024"
    ev = next(e for e in xa if str(e["UID"]).startswith(f"{HH}-row-13-"))
    assert ev["DTSTART"].dt == dt.date(2024, 2, 5) and ev["DTEND"].dt == dt.date(2024, 2, 6)
    desc = str(ev["DESCRIPTION"])
    assert "Đăng ký danh sách TTHC" in desc and "Thời gian ghi trong văn bản: 05/2/2024" in desc
    assert "Văn bản: Kế hoạch …/KH-UBND (chưa ghi số) ngày 01/2024" in desc
    assert str(ev["SUMMARY"]).startswith("Hạn: ")
    # continuous work is in no calendar
    all_uids = {str(e["UID"]) for f in files for e in _events(f)}
    assert not any(u.startswith(f"{HT}-row-3-") for u in all_uids)
    kinds = ds.tasks.set_index(["doc_id", "row"])["deadline_kind"]
    for u in all_uids:
        doc, row = re.match(r"(.+)-row-(\d+)-", u).groups()
        assert kinds[(doc, int(row))] not in ("continuous", "on_event", "missing", "other")


def test_calendar_recurrences_expand_in_a_second_reader(ics_dir):
    path = ics_dir / "phong-noi-vu.ics"
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    evs = list(cal.walk("VEVENT"))
    assert len(evs) == 7  # Xuân Lộc's "Báo cáo theo quý" led by Phòng Nội vụ
    rule = evs[0]["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["INTERVAL"] == [3] and rule["BYMONTHDAY"] == [-1]
    occ = recurring_ical_events.of(cal).between(dt.date(2022, 1, 1), dt.date(2024, 1, 1))
    days = sorted({o["DTSTART"].dt for o in occ})
    assert days == [dt.date(2022, 3, 31), dt.date(2022, 6, 30), dt.date(2022, 9, 30), dt.date(2022, 12, 31)]
    assert len(occ) == 7 * 4
    assert "Hằng quý" in str(evs[0]["DESCRIPTION"])
    # "Năm 2021 và các năm tiếp theo": the end of every year from 2021, open-ended
    vp = icalendar.Calendar.from_ical(
        (ics_dir / "van-phong-hoi-dong-nhan-dan-va-uy-ban-nhan-dan-huyen.ics").read_bytes()
    )
    yearly = [e for e in vp.walk("VEVENT") if e.get("RRULE") and e["RRULE"]["FREQ"] == ["YEARLY"]]
    assert yearly and all("UNTIL" not in e["RRULE"] for e in yearly)
    q3 = next(e for e in yearly if "Quý 3 năm 2021" in str(e["DESCRIPTION"]))
    assert q3["DTSTART"].dt == dt.date(2021, 9, 30)
    occ = recurring_ical_events.of(vp).between(dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert dt.date(2023, 9, 30) in {o["DTSTART"].dt for o in occ}
    # every file expands
    for f in ics_dir.glob("*.ics"):
        c = icalendar.Calendar.from_ical(f.read_bytes())
        assert len(recurring_ical_events.of(c).between(dt.date(2020, 1, 1), dt.date(2027, 1, 1))) >= len(
            list(c.walk("VEVENT"))
        )


def test_calendar_for_one_agency_in_english(out_dir, tmp_path, capsys):
    d = tmp_path / "one"
    assert main(["export", str(out_dir), "--ics", str(d), "--agency", "văn phòng sở nội vụ", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert [p.name for p in d.glob("*.ics")] == ["van-phong-so-noi-vu.ics"]
    evs = _events(d / "van-phong-so-noi-vu.ics")
    assert len(evs) == 6
    assert all(str(e["SUMMARY"]).startswith("Due: ") for e in evs)
    assert all("Document: Quyết định …/QĐ-SNV (no number) of 2024-03" in str(e["DESCRIPTION"]) for e in evs)
    assert "calendar: 6 tasks with a due date in 1 files" in err and "left out" in err
    assert main(["export", str(out_dir), "--ics", str(d), "--agency", "Văn phòng Sở Nội"]) == 2
    assert "có phải: “Văn phòng Sở Nội vụ”" in capsys.readouterr().err
