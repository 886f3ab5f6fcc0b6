"""SPEC section 1: the same document gives the same result whatever its format. Each
sample is extracted as converted text, as the Word file an office would send, and as
the PDF LibreOffice prints from it; the three must give the same task rows (and the
same header). Text is compared as words, as the contract compares it: cell line
breaks that only the Word file records, or that a PDF cannot show, are not content."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from goldcompare import HEADER_FIELDS, words

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

ROOT = Path(__file__).resolve().parents[1]
DOC_IDS = sorted(p.stem for p in (ROOT / "tests" / "gold").glob("*.json"))
ROW_FIELDS = ("tt", "content", "lead", "support", "deadline", "product")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    from make_pdf import extracted, fixture_set

    files = fixture_set(tmp_path_factory.getbasetemp() / "format-fixtures")
    out = {"txt": {d: extracted(ROOT / "samples" / f"{d}.txt") for d in DOC_IDS}}
    for fmt in ("docx", "pdf"):
        out[fmt] = {d: extracted(p) for d, p in files[fmt].items()}
    return out


def task_rows(doc: dict) -> list[tuple]:
    return [tuple(words(t[f]) for f in ROW_FIELDS) + (t["is_group"], t["level"], t["parent_row"]) for t in doc["tasks"]]


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_three_formats_give_the_same_task_rows(results, doc_id):
    txt = task_rows(results["txt"][doc_id])
    assert task_rows(results["docx"][doc_id]) == txt
    assert task_rows(results["pdf"][doc_id]) == txt


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_three_formats_give_the_same_header(results, doc_id):
    def header(doc):
        h = doc["header"]
        return {f: words(h.get(f)) for f in HEADER_FIELDS + ("number_raw", "issue_date_precision")} | {
            "recipients": [words(r) for r in h.get("recipients") or []]
        }

    txt = header(results["txt"][doc_id])
    assert header(results["docx"][doc_id]) == txt
    assert header(results["pdf"][doc_id]) == txt


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_word_and_pdf_agree_on_sections(results, doc_id):
    def sections(doc):
        return [(s["label"], s["kind"], s["level"], words(s["title"]), s["parent"]) for s in doc["sections"]]

    assert sections(results["pdf"][doc_id]) == sections(results["docx"][doc_id])


# -- web pages: a portal's page around the document, and Word's "save as web page" ------------------
HTML_KINDS = ("portal", "word")


@pytest.fixture(scope="module")
def html_results(tmp_path_factory):
    from make_docx import build_docx
    from make_html import build_all
    from make_pdf import extracted

    base = tmp_path_factory.getbasetemp() / "html-fixtures"
    files = build_all(base)
    out = {kind: {d: extracted(p) for d, p in files[kind].items()} for kind in HTML_KINDS}
    out["txt"] = {d: extracted(ROOT / "samples" / f"{d}.txt") for d in DOC_IDS}
    out["docx"] = {d: extracted(build_docx(d, base / "docx")) for d in DOC_IDS}
    return out


@pytest.mark.parametrize("kind", HTML_KINDS)
@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_web_pages_give_the_same_task_rows_header_and_sections(html_results, kind, doc_id):
    def header(doc):
        h = doc["header"]
        return {f: words(h.get(f)) for f in HEADER_FIELDS + ("number_raw", "issue_date_precision")} | {
            "recipients": [words(r) for r in h.get("recipients") or []],
            "legal_bases": [words(r) for r in h.get("legal_bases") or []],
        }

    def sections(doc):
        return [
            (s["label"], s["kind"], s["level"], words(s["title"]), words(s["text"]), s["parent"])
            for s in doc["sections"]
        ]

    page = html_results[kind][doc_id]
    assert task_rows(page) == task_rows(html_results["txt"][doc_id])
    assert header(page) == header(html_results["txt"][doc_id])
    assert sections(page) == sections(html_results["docx"][doc_id])
    assert [(f["mark"], words(f["text"])) for f in page["footnotes"]] == [
        (f["mark"], words(f["text"])) for f in html_results["docx"][doc_id]["footnotes"]
    ]
    assert page["source"]["format"] == "html"
    if kind == "word":
        assert page["source"]["encoding"] == "windows-1258"
        assert page["source"]["element"] == "html > body > div.WordSection1, html > body > div.WordSection2"
    else:
        assert page["source"]["encoding"] == "utf-8"
        assert page["source"]["element"] == "div#main > div.van-ban > div.toan-van.doc"
    text = json.dumps(page, ensure_ascii=False)
    for chrome in (
        "Tải về",
        "Lưu trữ",
        "Ghi chú",
        "SCRIPT",
        "HIDDEN",
        "888/KH-AN",
        "cookie",
        "Trang chủ",
        "Văn bản liên quan",
        "onclick",
        "javascript",
        "Bản quyền",
    ):
        assert chrome not in text, chrome
