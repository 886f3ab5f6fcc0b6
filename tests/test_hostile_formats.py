"""Hostile and broken inputs, Word and PDF cases: each case is made by the test itself
(zips and PDFs written byte by byte, see ``hostile_zip.py`` and ``hostile_pdf.py``),
runs in one batch with good documents, and has its expected outcome: extracted with
the right figures, or rejected with a one-line reason — quickly, within bounded
memory, and without anything of a local file leaking into the output."""

from __future__ import annotations

import io
import random
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from hostile_pdf import drawing_pdf, encrypted_pdf, text_pdf
from hostile_zip import MB, Member, deflate_repeated, member, members_of, write_zip
from plan_extract.ir import ReadError
from plan_extract.options import ReaderOptions
from plan_extract.readers import read
from plan_extract.readers.docx_package import parse_xml
from test_hostile_text import GOOD, assert_good_extracted, assert_rejected, run_batch

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

GOOD_ID = "hiep-hoa-2024-kiem-soat-tthc"
DOCUMENT = "word/document.xml"
GB3 = 3 * 1024 * MB


@pytest.fixture(scope="module")
def good_docx(tmp_path_factory) -> bytes:
    """The good sample as Word lays it out (header and closing tables, footnotes,
    numbering, the task table): 46 tasks."""
    from make_docx import build_docx

    return build_docx(GOOD_ID, tmp_path_factory.mktemp("docx")).read_bytes()


def _parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    return write_zip([member(name, data) for name, data in parts.items()])


def _edit(docx: bytes, name: str, change) -> bytes:
    parts = _parts(docx)
    parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    return _zip(parts)


def _with_doctype(xml: str, doctype: str) -> str:
    return re.sub(r"^(<\?xml[^>]*\?>)", lambda m: m.group(1) + doctype, xml, count=1)


def _nested_tables(levels: int):
    def change(xml: str) -> str:
        inner = "<w:p><w:r><w:t>ô sâu nhất</w:t></w:r></w:p>"
        for i in range(levels):
            inner = (
                f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc>"
                f"<w:tc><w:p><w:r><w:t>mức {i}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
            )
        return xml.replace("<w:body>", "<w:body>" + inner, 1)

    return change


def _absurd_numbers(docx: bytes) -> bytes:
    """A task row cell spanning two billion columns and a list counting from a
    quadrillion in Roman numerals (drawn naively: a gigabyte of Ms)."""

    def document(xml: str) -> str:
        end = xml.rfind("</w:tr>")
        cell = xml.rfind("<w:tcPr>", 0, end)
        xml = xml[:cell] + '<w:tcPr><w:gridSpan w:val="2000000000"/>' + xml[cell + len("<w:tcPr>") :]
        para = (
            '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="990"/></w:numPr></w:pPr>'
            "<w:r><w:t>Ghi chú cuối văn bản</w:t></w:r></w:p>"
        )
        last = xml.rfind("<w:sectPr")
        return xml[:last] + para + xml[last:]

    def numbering(xml: str) -> str:
        extra = (
            '<w:abstractNum w:abstractNumId="990"><w:lvl w:ilvl="0"><w:start w:val="1000000000000000"/>'
            '<w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
            '<w:num w:numId="990"><w:abstractNumId w:val="990"/></w:num>'
        )
        return xml.replace("</w:numbering>", extra + "</w:numbering>")

    parts = _parts(docx)
    parts[DOCUMENT] = document(parts[DOCUMENT].decode("utf-8")).encode("utf-8")
    parts["word/numbering.xml"] = numbering(parts["word/numbering.xml"].decode("utf-8")).encode("utf-8")
    return _zip(parts)


def _all_output_bytes(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())


def test_catalogue_of_hostile_word_files(tmp_path, good_docx):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(GOOD, d / "good.txt")
    (d / "plan.docx").write_bytes(good_docx)
    secret = tmp_path / "secret.txt"
    marker = "XXE-MARKER-7f3a9c0e51"
    secret.write_text(f"{marker}\n", encoding="utf-8")
    entity = f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'

    rnd = random.Random(3)
    (d / "not-a-zip.docx").write_bytes(bytes(rnd.randrange(256) for _ in range(20000)))
    (d / "truncated.docx").write_bytes(good_docx[: len(good_docx) // 2])
    parts = _parts(good_docx)
    del parts[DOCUMENT]
    (d / "no-document.docx").write_bytes(_zip(parts))

    # zip bombs: gigabytes of spaces before the real document.xml, a few MB packed
    xml = _parts(good_docx)[DOCUMENT]
    members = members_of(good_docx)
    raw, crc = deflate_repeated(b" ", GB3, xml)
    (d / "zip-bomb.docx").write_bytes(
        write_zip([Member(DOCUMENT, raw, crc, GB3 + len(xml)) if m.name == DOCUMENT else m for m in members])
    )
    (d / "lying-sizes.docx").write_bytes(
        write_zip(  # declares the real size and CRC, inflates to 3 GB
            [Member(DOCUMENT, raw, m.crc, m.size) if m.name == DOCUMENT else m for m in members]
        )
    )
    raw, crc = deflate_repeated(b" ", 64 * MB, xml)
    (d / "ratio-bomb.docx").write_bytes(
        write_zip([Member(DOCUMENT, raw, crc, 64 * MB + len(xml)) if m.name == DOCUMENT else m for m in members])
    )

    # XML entities: an external one reading a local file, in the body and in the
    # footnotes (parsed by our own code), and the billion laughs in the styles
    (d / "xxe-document.docx").write_bytes(
        _edit(good_docx, DOCUMENT, lambda s: _with_doctype(s, entity).replace("<w:t>", "<w:t>&x;", 5))
    )
    (d / "xxe-footnotes.docx").write_bytes(
        _edit(
            good_docx,
            "word/footnotes.xml",
            lambda s: _with_doctype(s, entity.replace("w:document", "w:footnotes")).replace(
                '<w:t xml:space="preserve">', '<w:t xml:space="preserve">&x;'
            ),
        )
    )
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    (d / "billion-laughs.docx").write_bytes(
        _edit(
            good_docx,
            "word/styles.xml",
            lambda s: _with_doctype(s, f'<!DOCTYPE w:styles [<!ENTITY l0 "ha">{laughs}]>').replace(
                "<w:docDefaults>", "<w:docDefaults>&l9;", 1
            ),
        )
    )

    (d / "nested-200.docx").write_bytes(_edit(good_docx, DOCUMENT, _nested_tables(200)))
    (d / "nested-80.docx").write_bytes(_edit(good_docx, DOCUMENT, _nested_tables(80)))
    (d / "absurd-numbers.docx").write_bytes(_absurd_numbers(good_docx))

    out = tmp_path / "out"
    r = run_batch(d, out)
    assert_good_extracted(r)
    for name in ("plan.docx", "nested-80.docx", "absurd-numbers.docx"):
        assert r[name]["status"] == "extracted" and r[name]["tasks"] == 46, r[name]
    assert_rejected(r["not-a-zip.docx"], "not a .docx: not a zip archive", "unsupported")
    assert_rejected(r["truncated.docx"], "damaged .docx: truncated zip", "damaged")
    assert_rejected(r["no-document.docx"], "not a Word document: the zip has no word/document.xml", "unsupported")
    assert_rejected(r["zip-bomb.docx"], "rejected .docx: word/document.xml would inflate to 3.0 GB", "too_large")
    assert_rejected(
        r["lying-sizes.docx"],
        "damaged .docx: word/document.xml does not inflate to what its header declares",
        "damaged",
    )
    assert_rejected(r["ratio-bomb.docx"], "rejected .docx: word/document.xml would inflate ", "unsafe")
    assert re.search(r"inflate \d{3} times, [\d.]+ KB to 64\.1 MB \(zip bomb\?\)$", r["ratio-bomb.docx"]["reason"])
    for name, part in (
        ("xxe-document.docx", DOCUMENT),
        ("xxe-footnotes.docx", "word/footnotes.xml"),
        ("billion-laughs.docx", "word/styles.xml"),
    ):
        assert_rejected(r[name], f"rejected .docx: {part} declares a DTD", "unsafe")
    assert_rejected(r["nested-200.docx"], "rejected .docx: XML nested more than 256 levels deep", "unsafe")
    for name in ("zip-bomb.docx", "lying-sizes.docx", "ratio-bomb.docx", "billion-laughs.docx"):
        assert r[name]["seconds"] < 2, r[name]  # decided before inflating anything big
    assert marker.encode() not in _all_output_bytes(out)
    texts = [p.text for p in read(d / "nested-80.docx").paragraphs()]
    assert texts[0] == "ô sâu nhất"  # every level read, innermost first, none dropped
    assert sum(t.startswith("mức ") for t in texts) == 80
    texts = [p.text for p in read(d / "absurd-numbers.docx").paragraphs()]
    assert texts[-1] == "1000000000000000. Ghi chú cuối văn bản"  # too large for Roman: digits


def test_parsers_never_resolve_entities(tmp_path):
    """Beyond rejecting DTDs: our parser and python-docx's leave entities unresolved
    and load nothing, so a part that slipped through could still not leak a file."""
    from docx.oxml.parser import parse_xml as docx_parse_xml

    secret = tmp_path / "secret.txt"
    secret.write_text("LEAKED-5d1e", encoding="utf-8")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document SYSTEM "{secret.as_uri()}" '
        f'[<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>a&x;b</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    parsed = docx_parse_xml(xml)
    assert "LEAKED" not in "".join(parsed.itertext())
    with pytest.raises(ReadError, match=r"^rejected \.docx: word/document\.xml declares a DTD"):
        parse_xml(xml, "word/document.xml")


def test_catalogue_of_hostile_pdfs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(GOOD, d / "good.txt")
    rnd = random.Random(4)
    (d / "random-after-header.pdf").write_bytes(b"%PDF-1.7\n" + bytes(rnd.randrange(256) for _ in range(50000)))
    lines = [f"Line {i} of a plan written in plain ASCII, long enough to count as text" for i in range(3)]
    locked = encrypted_pdf(lines, user_password="secret")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(locked), password="secret") as pdf:  # a real encrypted PDF
        assert pdf.pages[0].extract_text() == lines[0]
    (d / "encrypted.pdf").write_bytes(locked)
    (d / "drawing-only.pdf").write_bytes(drawing_pdf())
    many = text_pdf([f"Trang {i}" for i in range(1, 3001)])
    (d / "three-thousand-pages.pdf").write_bytes(many)
    # the page tree claims one page and holds 3000
    (d / "lying-page-count.pdf").write_bytes(many.replace(b"/Count 3000", b"/Count 1   "))

    r = run_batch(d, tmp_path / "out")
    assert_good_extracted(r)
    assert_rejected(r["random-after-header.pdf"], "damaged PDF: ", "damaged")
    assert_rejected(r["encrypted.pdf"], "encrypted PDF: a password is needed to open it", "encrypted")
    assert_rejected(r["drawing-only.pdf"], "PDF has no text layer (1 page(s) of images?)", "no_text")
    assert_rejected(
        r["three-thousand-pages.pdf"], "PDF too long: 3000 pages (limit 500 pages, --max-pages)", "too_large"
    )
    assert_rejected(r["lying-page-count.pdf"], "PDF too long: more than 500 pages (limit 500 pages")
    assert r["three-thousand-pages.pdf"]["seconds"] < 1
    assert r["lying-page-count.pdf"]["seconds"] < 3


def test_page_limit_is_configurable_and_the_time_limit_stops_long_pdfs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(GOOD, d / "good.txt")
    path = d / "twenty-thousand-pages.pdf"
    path.write_bytes(text_pdf([f"Trang {i}" for i in range(1, 20001)]))
    # no page limit: the time limit applies (the option reaches the pool's workers)
    r = run_batch(d, tmp_path / "out", "--timeout", "3", "--max-pages", "0")
    assert_good_extracted(r)
    rec = r["twenty-thousand-pages.pdf"]
    assert_rejected(rec, "time limit: took longer than 3 s", "timeout")
    # the alarm stops the file (not swallowed as a page warning, which would let the
    # remaining pages run on for a minute or more); the margin allows for a loaded machine
    assert rec["seconds"] < 15
    with pytest.raises(ReadError, match=r"^PDF too long: 20000 pages \(limit 19999 pages, --max-pages\)"):
        read(path, options=ReaderOptions(max_pdf_pages=19999))
