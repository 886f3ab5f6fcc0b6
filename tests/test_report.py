"""plan-extract report: one self-contained HTML page, checked as text, as a parsed DOM
and rendered in headless Chromium (no console message at all; screenshot saved to
tests/artifacts/report.png)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from plan_extract import api
from plan_extract.report import build_report, report_main
from plan_extract.writers import schema as S
from test_api import HH, VP_HUYEN_NAME, XL, make_layouts

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
GOLD = Path(__file__).resolve().parent / "gold"
AS_OF = "2024-06-30"


class Page(HTMLParser):
    """The bits of the DOM the tests look at."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids: Counter = Counter()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.bars: list[dict] = []
        self.tags: Counter = Counter()
        self.svg_stack: list[str] = []
        self.svgs: list[str] = []
        self.scripts: list[dict] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        if "id" in a:
            self.ids[a["id"]] += 1
        if "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.srcs.append(a["src"])
        if tag == "script":
            self.scripts.append(a)
        if tag == "svg":
            cls = a.get("class", "")
            self.svg_stack.append(cls)
            self.svgs.append(cls)
        if tag == "rect" and "bar" in a.get("class", "").split():
            self.bars.append({**a, "chart": self.svg_stack[-1] if self.svg_stack else ""})

    def handle_endtag(self, tag):
        if tag == "svg" and self.svg_stack:
            self.svg_stack.pop()


@pytest.fixture(scope="module")
def out_dir(sample_output, tmp_path_factory):
    return make_layouts(sample_output, tmp_path_factory.mktemp("report-layouts"))["hive"]


@pytest.fixture(scope="module")
def report(out_dir, tmp_path_factory) -> Path:
    """The English report (the assertions below read English labels)."""
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert build_report(out_dir, path, as_of=AS_OF, lang="en") == path
    return path


@pytest.fixture(scope="module")
def report_vi(out_dir, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report-vi") / "bao-cao.html"
    assert build_report(out_dir, path, as_of=AS_OF) == path
    return path


@pytest.fixture(scope="module")
def page(report) -> Page:
    return Page(report.read_text("utf-8"))


def gold_docs() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.json"))}


# -------------------------------------------------------------- the HTML
def test_page_is_self_contained(report, page):
    text = report.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert page.srcs == []  # no external script, image or frame
    # in-page anchors, and the agency pages in the folder beside the page
    agency = re.compile(r"report-agencies/[a-z0-9-]+\.html")
    assert all(h.startswith(("#", "data:")) or agency.fullmatch(h) for h in page.hrefs), [
        h for h in page.hrefs if not h.startswith(("#", "data:"))
    ]
    for h in page.hrefs:
        if agency.fullmatch(h):
            assert (report.parent / h).is_file(), h
    assert page.tags["link"] == 1  # only the empty data: favicon
    assert not re.search(r"@import|url\(", text)
    assert all("src" not in s for s in page.scripts)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text


def test_every_internal_link_has_a_target(page):
    dup = [k for k, v in page.ids.items() if v > 1]
    assert dup == []
    missing = sorted({h[1:] for h in page.hrefs if h.startswith("#") and h != "#"} - set(page.ids))
    assert missing == []


def test_each_document_and_task_row_has_an_anchor(page, out_dir):
    ds = api.load(out_dir)
    for doc_id in ds.documents["doc_id"]:
        anchor = "doc-" + doc_id
        assert anchor in page.ids and f"#{anchor}" in page.hrefs
        assert f"{anchor}-tasks" in page.ids and f"#{anchor}-tasks" in page.hrefs
    for doc_id, row in zip(ds.tasks["doc_id"], ds.tasks["row"]):
        assert f"doc-{doc_id}-row-{row}" in page.ids
    assert sum(1 for i in page.ids if re.fullmatch(r"doc-.+-row-\d+", i)) == 189
    # overdue rows link to their task rows
    assert "#doc-xuan-loc-2022-cai-cach-hanh-chinh-row-6" in page.hrefs
    assert "#doc-hiep-hoa-2024-kiem-soat-tthc-warnings" in page.hrefs


def test_workload_chart_bars(page):
    assert "chart workload" in page.svgs and "chart timeline" in page.svgs
    lead = [b for b in page.bars if b["chart"] == "chart workload" and "lead" in b["class"]]
    assert len(lead) == 25  # --top default; the full list is in the table
    values = [int(b["data-value"]) for b in lead]
    assert values == sorted(values, reverse=True) and all(v > 0 for v in values)
    assert values[0] == 40  # Văn phòng HĐND và UBND huyện: 11 + 8 + 13 + 8 rows (see test_api)
    assert all(float(b["width"]) > 0 for b in lead)
    widths = [float(b["width"]) for b in lead]
    assert widths[0] / widths[-1] == pytest.approx(values[0] / values[-1], rel=0.02)


def test_workload_names_are_in_the_page(report):
    text = report.read_text("utf-8")
    assert VP_HUYEN_NAME in text and "Văn phòng Sở Nội vụ" in text


def test_deadline_timeline_counts_match_the_gold_deadlines(page):
    gold = gold_docs()
    dated = [
        (doc, t["deadline_norm"]["end"])
        for doc, g in gold.items()
        for t in g["tasks"]
        if not t["is_group"]
        and t["deadline_norm"]
        and t["deadline_norm"]["end"]
        and t["deadline_norm"]["kind"] in api.DUE_KINDS
    ]
    timeline = [b for b in page.bars if b["chart"] == "chart timeline"]
    # two charts (month, quarter), each counting every task with a due date once; the 27
    # Hà Tĩnh rows "Thường xuyên trong năm 2024" / "Theo lộ trình kế hoạch trong năm 2024"
    # span the year and are not counted as due in December
    assert sum(int(b["data-value"]) for b in timeline) == 2 * len(dated) == 2 * 41
    assert all(float(b["height"]) > 0 for b in timeline)
    hh_month = Counter(end[:7] for doc, end in dated if doc == HH)
    # the month chart's Hiệp Hòa segments, read off their tooltips
    assert hh_month == {
        "2023-01": 1,
        "2023-02": 1,
        "2023-08": 1,
        "2024-02": 1,
        "2024-07": 1,
        "2024-09": 1,
        "2024-12": 7,
    }
    hh_bars = [b for b in timeline if b.get("data-series") == HH]
    assert sum(int(b["data-value"]) for b in hh_bars) == 2 * 13


def test_overdue_and_warnings_sections(report, out_dir):
    text = report.read_text("utf-8")
    overdue = text.split('<section id="overdue">', 1)[1].split("</section>", 1)[0]
    assert overdue.count("<tr>") == 1 + 16  # header + 16 tasks due before 2024-06-30
    assert "Xuân Lộc row 6" in overdue and "2022-10-31" in overdue
    warnings = text.split('<section id="warnings">', 1)[1].split("</section>", 1)[0]
    ds = api.load(out_dir)
    assert warnings.count("<li>") == int(ds.documents["n_warnings"].sum()) >= 5
    # Hiệp Hòa's three 2023 deadlines in a January 2024 plan (rows 2, 3, 45; see test_api)
    assert warnings.count("<code>deadline_before_issue</code>") == 3
    assert "row 45 (2) deadline &#x27;Tháng 8/2023&#x27;" in warnings
    assert "<code>appendix_date</code> the appendix cites 2022-01-27" in warnings
    for doc_id, n in zip(ds.documents["doc_id"], ds.documents["n_warnings"]):
        assert (f'id="doc-{doc_id}-warnings"' in warnings) == bool(n)
    assert f'id="doc-{XL}-warnings"' in warnings and f'id="doc-{HH}-warnings"' in warnings


def test_document_text_is_escaped(out_dir, tmp_path):
    """Markup in document content is shown as text, never injected."""
    evil = tmp_path / "evil"
    evil.mkdir()
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&'
    for name in S.TABLES:
        table = (
            pq.read_table(out_dir / name) if (out_dir / name).is_dir() else pq.read_table(out_dir / f"{name}.parquet")
        )
        table = pa.Table.from_arrays([table.column(f.name).cast(f.type) for f in S.TABLES[name]], schema=S.TABLES[name])
        df = table.to_pandas()
        if name == "documents":
            df["title"] = df["title"] + payload
            df["place"] = payload
            df["warnings"] = [
                list(w)
                + [{"code": "missing_lead", "message": payload, "row": None, "table": None, "page": None, "line": None}]
                for w in df["warnings"]
            ]
            df["doc_id"] = df["doc_id"].where(df["doc_id"] != HH, HH + payload)
        if name == "tasks":
            for col in ("content", "lead", "deadline", "tt"):
                df[col] = df[col] + payload
        if name == "task_agencies":
            df["name"] = df["name"] + payload
        if name != "documents":
            df["doc_id"] = df["doc_id"].where(df["doc_id"] != HH, HH + payload)
        pq.write_table(pa.Table.from_pandas(df, schema=S.TABLES[name], preserve_index=False), evil / f"{name}.parquet")
    path = build_report(evil, tmp_path / "evil.html", as_of=AS_OF, lang="en")
    text = path.read_text("utf-8")
    for page_path in (tmp_path / "evil-agencies").glob("*.html"):
        other = page_path.read_text("utf-8")
        assert "<script>alert" not in other and "<img" not in other
    assert "<script>alert" not in text and "<img" not in text and "onerror=alert(1)>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    p = Page(text)
    assert p.tags["script"] == 1 and p.tags["img"] == 0
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in p.ids), "ids are safe slugs"
    missing = sorted({h[1:] for h in p.hrefs if h.startswith("#")} - set(p.ids))
    assert missing == []


def test_report_command(out_dir, tmp_path, capsys):
    html = tmp_path / "r.html"
    assert report_main([str(out_dir), "-o", str(html), "--as-of", AS_OF, "--top", "5", "--lang", "en"]) == 0
    p = Page(html.read_text("utf-8"))
    assert len([b for b in p.bars if b["chart"] == "chart workload" and "lead" in b["class"]]) == 5
    assert report_main([str(tmp_path / "empty")]) == 2
    assert "no such output folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        report_main([str(out_dir), "--as-of", "30/06/2024"])


def test_report_of_documents_without_tasks(out_dir, tmp_path):
    out = tmp_path / "docs-only"
    out.mkdir()
    if (out_dir / "documents").is_dir():
        shutil.copytree(out_dir / "documents", out / "documents")
    else:
        shutil.copy(out_dir / "documents.parquet", out / "documents.parquet")
    text = build_report(out, tmp_path / "r.html", as_of=AS_OF, lang="en").read_text("utf-8")
    for message in ("No agency is named as lead.", "No task has a due date.", "Nothing is overdue."):
        assert message in text
    text = build_report(out, tmp_path / "r-vi.html", as_of=AS_OF).read_text("utf-8")
    for message in (
        "Không có cơ quan nào được giao chủ trì.",
        "Không có nhiệm vụ nào có hạn hoàn thành.",
        "Không có nhiệm vụ quá hạn.",
    ):
        assert message in text
    assert Page(text).bars == []


# ------------------------------------------------------------ in Chromium
def _chromium() -> str:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome", "chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    pytest.fail(
        "Chromium is needed to test the HTML report and was not found: install Debian's `chromium` "
        "package (apt-get install chromium; `make sysdeps` does it) or set CHROMIUM=/path/to/chrome"
    )


def _run_chromium(url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"chrome-profile-{len(list(tmp_path.iterdir()))}"
    cmd = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *extra,
        url,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, errors="replace")


def _console(stderr: str) -> list[str]:
    """Every console message (errors, warnings, CSP violations, uncaught exceptions)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_console_check_catches_errors(tmp_path):
    """The harness itself: a page that throws is reported."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><script>nope();</script></body></html>", "utf-8")
    proc = _run_chromium(bad.as_uri(), tmp_path, "--dump-dom")
    assert any("Uncaught ReferenceError" in line for line in _console(proc.stderr)), proc.stderr[-2000:]


def test_report_renders_in_chromium_without_console_messages(report, tmp_path):
    proc = _run_chromium(report.as_uri(), tmp_path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _console(proc.stderr) == []
    dom = Page(proc.stdout)
    assert 'data-ready="yes"' in proc.stdout, "the page script did not run to its end"
    assert "chart workload" in dom.svgs and "chart timeline" in dom.svgs
    assert len([b for b in dom.bars if float(b.get("width", 0)) > 0 and float(b.get("height", 0)) > 0]) > 40

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    if shot.exists():
        shot.unlink()
    proc = _run_chromium(
        report.as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", "--hide-scrollbars"
    )
    assert proc.returncode == 0 and shot.is_file(), proc.stderr[-2000:]
    assert _console(proc.stderr) == []
    head = shot.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert (width, height) == (1280, 2000)
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one


def test_a_document_without_number_place_or_date(tmp_path):
    """A plan with no number, no place and date line: the report renders (no crash on the
    missing number) and prints no literal "nan"; overdue() defaults to today."""
    import datetime as dt

    from plan_extract.cli import main

    src = tmp_path / "in"
    src.mkdir()
    (src / "bare.txt").write_text(
        "KẾ HOẠCH\nThử nghiệm không số\n\nI. NỘI DUNG\n\nNội dung.\n\n"
        "TT\tNội dung công việc\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tSản phẩm\n"
        "1\tViệc một\tPhòng Tư pháp\t\tTháng 3/2020\tBáo cáo\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(out), "-q", "-w", "1"]) == 0
    ds = api.load(out)
    assert ds.documents["number_raw"].isna().all() and ds.documents["place"].isna().all()
    html = build_report(out, tmp_path / "r.html", as_of="2024-01-01").read_text("utf-8")
    assert not re.search(r">\s*nan\s*<|\bnan\b —|— nan\b", html)
    assert ds.overdue()["row"].tolist() == [1] == ds.overdue(dt.date.today())["row"].tolist()


# ------------------------------------------------------- Vietnamese, agencies
def test_report_in_vietnamese(report_vi):
    text = report_vi.read_text("utf-8")
    assert '<html lang="vi">' in text and "<title>Báo cáo nhiệm vụ theo kế hoạch</title>" in text
    for label in (
        "Khối lượng của cơ quan chủ trì",
        "Nhiệm vụ đến hạn theo thời gian",
        "Việc thường xuyên và định kỳ",
        "Quá hạn ngày 30/06/2024",
        "Bảng nhiệm vụ của từng văn bản",
        "Trang của từng cơ quan",
    ):
        assert label in text, label
    for english in ("Workload per lead agency", "Deadline timeline", "Task rows per document", "overdue on"):
        assert english not in text, english
    overdue = text.split('<section id="overdue">', 1)[1].split("</section>", 1)[0]
    assert "Xuân Lộc dòng 6" in overdue and "31/10/2022" in overdue
    # documents without a number told apart by type, symbol and date
    assert "Kế hoạch …/KH-UBND (chưa ghi số) ngày 01/2024" in text
    assert "Quyết định …/QĐ-SNV (chưa ghi số) ngày 03/2024" in text
    assert "Kế hoạch số 15/KH-UBND ngày 26/01/2022" in text
    assert "Kế hoạch /KH-UBND<" not in text


def test_ongoing_work_is_shown_as_such(report_vi, report):
    vi = report_vi.read_text("utf-8")
    ongoing = vi.split('<section id="ongoing">', 1)[1].split("</section>", 1)[0]
    # Hà Tĩnh's 25 "Thường xuyên (trong) năm 2024": one line, spanning the year
    assert re.search(
        r"<td>Thường xuyên</td><td>01/01/2024 – 31/12/2024</td><td></td><td class=\"num\">25</td>", ongoing
    )
    assert re.search(r"<td>Định kỳ</td><td>không ghi năm</td><td>Hằng quý</td><td class=\"num\">13</td>", ongoing)
    # and not in the due-date chart: December 2024 holds 15 tasks, not 41
    p = Page(report.read_text("utf-8"))
    dec = [b for b in p.bars if b["chart"] == "chart timeline" and "2024-12 ·" in b.get("title", "")]
    assert dec == [] or sum(int(b["data-value"]) for b in dec) == 15


def _agency_page(report: Path, slug: str) -> str:
    return (report.parent / f"{report.stem}-agencies" / f"{slug}.html").read_text("utf-8")


def test_agency_pages(report_vi, report, out_dir):
    ds = api.load(out_dir)
    folder = report_vi.parent / "bao-cao-agencies"
    assert len(list(folder.glob("*.html"))) == ds.task_agencies["name"].nunique() == 41
    page = _agency_page(report_vi, "van-phong-hoi-dong-nhan-dan-va-uy-ban-nhan-dan-huyen")
    assert f"<h1>{VP_HUYEN_NAME}</h1>" in page
    assert "<b>40</b><span>nhiệm vụ chủ trì</span>" in page
    assert "@page{size:A4 landscape" in page and "@media print" in page
    overdue = page.split('<section id="overdue">', 1)[1].split("</section>", 1)[0]
    # Xuân Lộc rows 4, 5, 7 (31/10/2022) and the others this office leads or supports
    ov = ds.overdue(AS_OF)
    mine = ds.task_agencies[ds.task_agencies["name"] == VP_HUYEN_NAME][["doc_id", "row"]].drop_duplicates()
    n = len(ov.merge(mine, on=["doc_id", "row"]))
    assert overdue.count("<tr>") == 1 + n == 11
    assert "<b>10</b><span>quá hạn ngày 30/06/2024</span>" in page
    due_next = page.split('<section id="due-next">', 1)[1].split("</section>", 1)[0]
    assert "Đến hạn từ 30/06/2024 đến 31/07/2024" in due_next
    # Hiệp Hòa's "Tháng 7/2024" (row 24) falls due in July
    assert "Tháng 7/2024" in due_next and due_next.count("<tr>") == 2
    ongoing = page.split('<section id="ongoing">', 1)[1].split("</section>", 1)[0]
    assert "Thường xuyên" in ongoing and "Hằng quý" in ongoing
    en = _agency_page(report, "van-phong-hoi-dong-nhan-dan-va-uy-ban-nhan-dan-huyen")
    assert "Due from 2024-06-30 to 2024-07-31" in en and "<span>tasks led</span>" in en


def test_agency_page_prints_on_a4_landscape(report_vi, tmp_path):
    import pdfplumber

    src = report_vi.parent / "bao-cao-agencies" / "van-phong-so-noi-vu.html"
    pdf = tmp_path / "agency.pdf"
    proc = _run_chromium(src.as_uri(), tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert pdf.is_file(), proc.stderr[-2000:]
    with pdfplumber.open(pdf) as doc:
        assert all((round(p.width), round(p.height)) == (842, 595) for p in doc.pages)
        first = doc.pages[0]
        text = first.extract_text()
        assert "Văn phòng Sở Nội vụ" in text and "Quá hạn ngày 30/06/2024" in text
        # the tables fit the page: no word drawn past its right edge
        assert max(w["x1"] for p in doc.pages for w in p.extract_words()) <= first.width
