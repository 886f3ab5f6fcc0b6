"""Options, not the environment: each stage's settings are an object with named
defaults (plan_extract.options) that the caller passes down."""

from __future__ import annotations

import ast
from pathlib import Path

from plan_extract.ir import DocumentIR, SourceInfo
from plan_extract.options import MAX_PDF_PAGES, Options, PdfOptions, ReaderOptions, TableOptions
from plan_extract.parsers.tasktable import read_task_tables
from plan_extract.parsers.tasktable.columns import MATCH_THRESHOLD
from plan_extract.pipeline import build_document
from plan_extract.readers import READERS, read, sniff_format
from plan_extract.readers.text import read_text
from plan_extract.vocabulary import HEADER_SCAN_ROWS

SRC = Path(__file__).resolve().parents[2] / "src" / "plan_extract"


def blocks_of(text: str):
    return read_text(text.encode("utf-8"), SourceInfo(path="t.txt", format="txt", sha256="", size=0)).blocks


def test_the_defaults_are_the_named_constants():
    assert TableOptions() == TableOptions(match_threshold=MATCH_THRESHOLD, header_scan_rows=HEADER_SCAN_ROWS)
    assert (MATCH_THRESHOLD, HEADER_SCAN_ROWS) == (84, 6)
    assert ReaderOptions().max_pdf_pages == MAX_PDF_PAGES == 500
    pdf = PdfOptions(overlay_min_turn=1.0)
    assert Options(reader=ReaderOptions(pdf=pdf)).pdf is pdf and Options().pdf == PdfOptions()


def test_the_match_threshold_decides_a_misspelt_header():
    text = "TT\tNội dung\tCo quan chu tr\tThời hạn\n1\tViệc một\tPhòng A\t31/12/2024\n"
    tasks, _, _ = read_task_tables(blocks_of(text))
    assert (tasks[0].lead, tasks[0].extra) == ("Phòng A", {})  # "chủ trì" with a letter missing
    strict = TableOptions(match_threshold=99)
    tasks, _, _ = read_task_tables(blocks_of(text), strict)
    assert (tasks[0].lead, tasks[0].extra) == ("", {"Co quan chu tr": "Phòng A"})


def test_the_header_is_looked_for_among_the_first_rows_only():
    text = "a\tb\tc\td\n" * 3 + "TT\tNội dung\tCơ quan chủ trì\tThời hạn\n1\tViệc một\tPhòng A\t31/12/2024\n"
    tasks, _, _ = read_task_tables(blocks_of(text))
    assert [(t.tt, t.lead) for t in tasks] == [("1", "Phòng A")]
    tasks, warnings, _ = read_task_tables(blocks_of(text), TableOptions(header_scan_rows=3))
    assert tasks == [] and [w.code for w in warnings] == ["table_skipped"]


def test_the_pipeline_passes_the_table_options():
    text = "KẾ HOẠCH\nThử\n\nTT\tNội dung\tCo quan chu tr\tThời hạn\n1\tViệc một\tPhòng A\t31/12/2024\n"
    ir = read_text(text.encode("utf-8"), SourceInfo(path="t.txt", format="txt", sha256="", size=0))
    assert build_document(ir, "t", Options()).tasks[0].lead == "Phòng A"
    ir = read_text(text.encode("utf-8"), SourceInfo(path="t.txt", format="txt", sha256="", size=0))
    doc = build_document(ir, "t", Options(table=TableOptions(match_threshold=99)))
    assert doc.tasks[0].lead == "" and doc.tasks[0].extra == {"Co quan chu tr": "Phòng A"}


def test_no_option_is_passed_through_the_environment():
    """``os.environ`` appears only where a subprocess gets its environment."""
    uses = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("environ", "getenv", "putenv")
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                uses.append(str(path.relative_to(SRC)))
    assert uses == ["readers/soffice.py"]  # env={**os.environ, "HOME": tmp} for LibreOffice


def test_readers_come_from_the_registry_with_the_options(monkeypatch, tmp_path):
    assert set(READERS) == {"txt", "md", "docx", "pdf", "doc", "html", "odt", "rtf"}
    assert {
        sniff_format(Path(f"x.{e}"), b"x") for e in ("txt", "md", "docx", "pdf", "doc", "html", "odt", "rtf")
    } == set(READERS)
    seen = []

    def fake(path, data, info, options):
        seen.append((path.name, data, info.format, options.max_pdf_pages))
        return DocumentIR(info, [])

    monkeypatch.setitem(READERS, "txt", fake)
    (tmp_path / "x.txt").write_bytes(b"plain")
    assert read(tmp_path / "x.txt", options=ReaderOptions(max_pdf_pages=7)).source.format == "txt"
    read(tmp_path / "x.txt")
    assert seen == [("x.txt", b"plain", "txt", 7), ("x.txt", b"plain", "txt", MAX_PDF_PAGES)]
