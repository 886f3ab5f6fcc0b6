"""The web-page reader (readers/html.py): tables with rowspan / colspan, lists, layout
tables, encodings, the document body among a portal's chrome, the four real pages of
the corpus, and hostile pages (broken markup, chrome only, huge, deeply nested,
scripts, entities, remote resources) in one batch with a good document."""

from __future__ import annotations

import http.server
import json
import shutil
import sys
import threading
from pathlib import Path

import pytest

from plan_extract.ir import Paragraph, Provenance, ReadError, Table
from plan_extract.readers import SUPPORTED_EXTENSIONS, read, sniff_format
from plan_extract.readers.html import decode_html, parse_html, tables_from_fragment
from test_hostile_text import GOOD, assert_good_extracted, assert_rejected, run_batch

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "docs"
PROV = Provenance("fragment.md", line=7)


def page(body: str, head: str = '<meta charset="utf-8">') -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def cells(table: Table) -> list[list[tuple]]:
    return [[(c.text, c.col_span, c.v_merged) for c in r.cells] for r in table.rows]


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


DOC_HEAD = (
    "<table><tr><td><p>ỦY BAN NHÂN DÂN</p><p>Số: 15/KH-UBND</p></td>"
    "<td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>Độc lập - Tự do - Hạnh phúc</p>"
    "<p>Hà Nội, ngày 26 tháng 01 năm 2024</p></td></tr></table><p>KẾ HOẠCH</p>"
)


# -- tables ------------------------------------------------------------------------------------------
def test_rowspan_and_colspan_give_every_covered_cell():
    (t,) = tables_from_fragment(
        "<table><tr><th>TT</th><th>Nội dung</th><th>Chủ trì</th><th>Phối hợp</th><th>Thời gian</th></tr>"
        "<tr><td>I</td><td colspan=4><b>Nhóm một</b></td></tr>"
        "<tr><td>1</td><td>Việc một</td><td rowspan=3>Sở Nội vụ</td><td rowspan='2'>Các xã</td><td>Quý I</td></tr>"
        "<tr><td>2</td><td>Việc hai<br>dòng hai</td><td>Quý II</td></tr>"
        "<tr><td>3</td><td>Việc ba</td><td>UBND huyện</td><td rowspan=5>Quý III</td></tr></table>",
        PROV,
    )
    assert cells(t) == [
        [
            ("TT", 1, False),
            ("Nội dung", 1, False),
            ("Chủ trì", 1, False),
            ("Phối hợp", 1, False),
            ("Thời gian", 1, False),
        ],
        [("I", 1, False), ("Nhóm một", 4, False)],
        [("1", 1, False), ("Việc một", 1, False), ("Sở Nội vụ", 1, False), ("Các xã", 1, False), ("Quý I", 1, False)],
        [
            ("2", 1, False),
            ("Việc hai\ndòng hai", 1, False),
            ("Sở Nội vụ", 1, True),
            ("Các xã", 1, True),
            ("Quý II", 1, False),
        ],
        [
            ("3", 1, False),
            ("Việc ba", 1, False),
            ("Sở Nội vụ", 1, True),
            ("UBND huyện", 1, False),
            ("Quý III", 1, False),
        ],  # a rowspan past the last row ends with the table
    ]
    assert t.rows[0].prov == PROV and not t.layout


def test_a_cell_spanning_rows_and_columns_and_covered_cells_at_the_row_end():
    (t,) = tables_from_fragment(
        "<table><tbody><tr><td>a</td><td rowspan=2 colspan=2>B</td><td rowspan=2>C</td></tr>"
        "<tr><td>d</td></tr><tr><td>e</td><td>f</td><td>g</td><td>h</td></tr></tbody></table>",
        PROV,
    )
    assert cells(t) == [
        [("a", 1, False), ("B", 2, False), ("C", 1, False)],
        [("d", 1, False), ("B", 2, True), ("C", 1, True)],
        [("e", 1, False), ("f", 1, False), ("g", 1, False), ("h", 1, False)],
    ]


def test_fragment_nested_table_lists_and_markup_in_cells():
    (t,) = tables_from_fragment(
        "text before <table><tr><td>TT</td><td>Nội dung</td><td>Đơn vị chủ trì</td><td>Thời hạn</td></tr>"
        "<tr><td>1</td><td><p>Đoạn một &amp; <i>nghiêng</i></p><ul><li>ý a</li><li>ý b</li></ul></td>"
        "<td><table><tr><td>Sở A</td><td>Sở B</td><td>Sở C</td></tr><tr><td colspan=3>Sở D</td></tr></table></td>"
        "<td>&nbsp;Tháng&nbsp;7/2024 </td></tr></table> text after",
        PROV,
    )
    assert t.rows[1].texts == ["1", "Đoạn một & nghiêng\n- ý a\n- ý b", "Sở A Sở B Sở C\nSở D", "Tháng 7/2024"]
    assert tables_from_fragment("no markup at all", PROV) == []
    assert tables_from_fragment("<p>only a paragraph</p>", PROV) == []


def test_layout_tables_are_read_left_column_first():
    doc = read(Path("x.html"), page(DOC_HEAD + "<p>Trích yếu</p><p>I. MỤC ĐÍCH</p>"))
    assert texts(doc)[:6] == [
        "ỦY BAN NHÂN DÂN",
        "Số: 15/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 26 tháng 01 năm 2024",
        "KẾ HOẠCH",
    ]
    assert doc.tables() == []


# -- lists, paragraphs, footnotes --------------------------------------------------------------------
def test_list_labels_as_the_page_shows_them():
    doc = read(
        Path("x.htm"),
        page(
            DOC_HEAD
            + (
                "<ol type=I><li>Mục một</li><li>Mục hai</li></ol><ol start=3><li>Ba</li><li value=7>Bảy</li>"
                "<li>Tám</li></ol><ol type=a><li>chữ a</li><li>chữ b</li></ol><ul><li>gạch</li></ul>"
                "<ul style='list-style-type:none'><li>không dấu</li></ul>"
                "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]>"
                "<span style='mso-list:Ignore'>1.1.<span style='font:7.0pt'>&nbsp;&nbsp; </span></span><![endif]>"
                "Nhãn của Word</p>"
            )
        ),
    )
    assert texts(doc)[6:] == [
        "I. Mục một",
        "II. Mục hai",
        "3. Ba",
        "7. Bảy",
        "8. Tám",
        "a. chữ a",
        "b. chữ b",
        "- gạch",
        "không dấu",
        "1.1. Nhãn của Word",
    ]


def test_br_lines_tabs_entities_and_footnotes():
    doc = read(
        Path("x.htm"),
        page(
            DOC_HEAD
            + (
                "<p align=center><b>Về việc thứ nhất<br>\n   và thứ hai</b></p>"
                "<p>Số: 7/KH-X<span style='mso-tab-count:3'>&nbsp;&nbsp; </span>Hà Nội</p>"
                "<p>Căn cứ &quot;Luật&quot; &#7889; &eacute;&nbsp;&nbsp;x<a href='#_ftn1' name='_ftnref1'><sup>[1]</sup></a>"
                " tiếp</p><p>Đoạn sau</p>"
                "<div><p><a href='#_ftnref1' name='_ftn1'>[1]</a> Lời chú thích.</p></div>"
            )
        ),
    )
    t = texts(doc)
    assert t[6:] == [
        "Về việc thứ nhất",
        "và thứ hai",
        "Số: 7/KH-X",
        "Hà Nội",
        'Căn cứ "Luật" ố é x¹ tiếp',
        "¹ Lời chú thích.",
        "Đoạn sau",
    ]
    gaps = [b.gap_before for b in doc.blocks if isinstance(b, Paragraph)][6:8]
    assert gaps == [True, False]  # a <br> continues the same block


# -- encodings ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, encoding",
    [
        ('<meta charset="windows-1258"><p>Kê\u0301 hoa\u0323ch</p>'.encode("cp1258"), "windows-1258"),
        (
            '<meta http-equiv=Content-Type content="text/html; charset=windows-1258"><p>Kê\u0301 hoa\u0323ch</p>'.encode(
                "cp1258"
            ),
            "windows-1258",
        ),
        ("<html><p>Kế hoạch</p></html>".encode("utf-8-sig"), "utf-8-sig"),
        ("<html><p>Kế hoạch</p></html>".encode("utf-16"), "utf-16"),
        (
            '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><p>Kế hoạch</p></html>'.encode(),
            "utf-8",
        ),
        ('<meta charset="iso-8859-1"><p>K&#7871; ho&#7841;ch</p>'.encode("ascii"), "windows-1252"),
        ('<meta charset="windows-1252"><p>Kế hoạch</p>'.encode(), "utf-8"),  # declared wrongly: UTF-8 bytes
        ("<p>Kê\u0301 hoa\u0323ch</p>".encode("cp1258"), "windows-1258"),  # nothing declared: detected
    ],
)
def test_encodings_as_declared_and_nfc(data, encoding):
    text, enc = decode_html(data)
    assert enc == encoding
    root = parse_html(text)
    assert "".join(root.itertext()).strip() == "Kế hoạch"  # NFC, whatever the bytes held


def test_sniffing_and_extensions():
    for ext in (".html", ".htm", ".xhtml", ".odt", ".rtf"):
        assert ext in SUPPORTED_EXTENSIONS
    assert sniff_format(Path("a.txt"), b"<!DOCTYPE html><html>") == "html"
    assert sniff_format(Path("a.txt"), b"<b>KE HOACH</b>") == "txt"  # a fragment in text stays text
    assert sniff_format(Path("a.bin"), b"{\\rtf1\\ansi hello}") == "rtf"
    assert sniff_format(Path("a.zip"), b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.text") == "odt"
    assert sniff_format(Path("a.XHTML"), b"<x/>") == "html"


# -- the body among the chrome ---------------------------------------------------------------------------
CHROME = (
    "<nav><a href='/'>Trang chủ</a> <a href='/tai-ve'>Tải về</a> <a href='/luu-tru'>Lưu trữ</a></nav>"
    "<div class='cookie'>Chúng tôi dùng cookie. <button>Đồng ý</button></div>"
)


@pytest.mark.parametrize(
    "name, body",
    [
        ("error", "<h1>404</h1><p>Không tìm thấy trang bạn yêu cầu.</p>"),
        (
            "login",
            "<form><h2>Đăng nhập</h2><label>Tên đăng nhập</label><input name=u>"
            "<label>Mật khẩu</label><input type=password><button>Đăng nhập</button></form>",
        ),
        (
            "search",
            "<h2>Kết quả tìm kiếm</h2><ul><li><a href='/1'>Kế hoạch 15/KH-UBND về cải cách hành chính</a></li>"
            "<li><a href='/2'>Quyết định 302/QĐ-UBND ban hành kế hoạch</a></li></ul>",
        ),
        (
            "script-only",
            "<script>document.write('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Số: 1/KH-X')</script>"
            "<div style='display:none'>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><p>Trang trống</p>",
        ),
    ],
)
def test_pages_without_a_document_are_rejected(name, body):
    with pytest.raises(ReadError, match=r"^not a plan document: the web page holds no document"):
        read(Path(f"{name}.html"), page(CHROME + body))


# -- the corpus ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus():
    from make_pdf import extracted

    names = (
        "ubtvqh-2025-105-chuong-trinh-lap-phap",
        "ubtvqh-2026-119-chuong-trinh-lap-phap",
        "luong-minh-mttq-2025-16-kh",
        "luong-minh-mttq-2025-kh-mau",
    )
    return {n: (read(CORPUS / f"{n}.htm"), extracted(CORPUS / f"{n}.htm")) for n in names}


def test_portal_pages_of_the_national_database(corpus):
    for name, rows, last in (
        ("ubtvqh-2025-105-chuong-trinh-lap-phap", 43, "Tháng 6/2026"),  # the gold's last deadline
        ("ubtvqh-2026-119-chuong-trinh-lap-phap", 9, "Phiên họp tháng 9/2026"),
    ):
        ir, doc = corpus[name]
        assert ir.source.encoding == "utf-8"
        assert ir.source.element.endswith("div.min-h-screen.whitespace-normal")
        (table,) = ir.tables()
        assert len(table.rows) == rows
        assert table.rows[0].texts[0] == "STT" and table.rows[0].texts[-1] == "Tiến độ trình UBTVQH"
        assert len(table.rows[-1].cells) == 6 and table.rows[-1].texts[-1] == last
        texts_ = [p.text for p in ir.paragraphs()]
        assert texts_[0] == "ỦY BAN THƯỜNG VỤ QUỐC HỘI"  # the left column first
        number = next(t for t in texts_[1:3] if t.startswith("Nghị quyết số: 1"))
        assert number.endswith("/UBTVQH15") and texts_.index(number) < texts_.index(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        )
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts_[:6]
        assert not any(w in " ".join(texts_) for w in ("Tải về", "Mục lục", "Còn hiệu lực", "Trang chủ", "Lược đồ"))
        h = doc["header"]
        assert h["doc_type"] == "Nghị quyết" and h["signer_name"] == "Trần Thanh Mẫn"
        assert h["signer_authority"] == "TM. ỦY BAN THƯỜNG VỤ QUỐC HỘI" and h["signer_position"] == "CHỦ TỊCH"
        assert [s["label"] for s in doc["sections"] if s["kind"] == "article"] == ["Điều 1", "Điều 2", "Điều 3"]
    ir, _ = corpus["ubtvqh-2025-105-chuong-trinh-lap-phap"]
    (table,) = ir.tables()
    assert [(c.text[:60], c.col_span) for c in table.rows[1].cells] == [
        ("I", 1),
        ("Trình Quốc hội xem xét, thông qua tại Kỳ họp thứ nhất, Quốc ", 5),
    ]
    assert corpus["ubtvqh-2025-105-chuong-trinh-lap-phap"][1]["header"]["title"] == "CHƯƠNG TRÌNH LẬP PHÁP NĂM 2026"
    assert (
        corpus["ubtvqh-2026-119-chuong-trinh-lap-phap"][1]["header"]["title"]
        == "Điều chỉnh Chương trình lập pháp năm 2026"
    )


def test_word_web_page_exports(corpus):
    ir, doc = corpus["luong-minh-mttq-2025-16-kh"]
    assert (ir.source.encoding, ir.source.element) == ("windows-1252", "html > body > div.WordSection1")
    h = doc["header"]
    assert (h["number_raw"], h["doc_type"], h["place"], h["issue_date"]) == (
        "16/KH-MTTQ-BTT",
        "Kế hoạch",
        "Lương Minh",
        "2025-11-18",
    )
    assert h["title"] == (
        "Thực hiện công tác bầu cử đại biểu Quốc hội khóa XVI và bầu cử đại biểu Hội đồng "
        "nhân dân các cấp nhiệm kỳ 2026-2031"
    )
    assert (h["signer_name"], h["signer_position"], h["signer_authority"]) == (
        "Lan Thị Vân",
        "CHỦ TỊCH",
        "TM. BAN THƯỜNG TRỰC",
    )
    assert [s["label"] for s in doc["sections"][:4]] == ["I", "II", "1", "1.1"]
    assert ir.tables() == []  # header and signature tables are layout; the tasks are written inline
    ir, doc = corpus["luong-minh-mttq-2025-kh-mau"]
    assert doc["header"]["issue_date"] == "2025-11-25" and doc["header"]["doc_type"] == "Kế hoạch"
    assert [len(t.rows) for t in ir.tables()] == [1, 5, 5]  # the forms' tables
    assert ir.tables()[1].rows[0].texts == ["Stt", "Họ và tên (3)", "Chức vụ công tác", "Tín nhiệm", "Không tín nhiệm"]


# -- hostile pages ---------------------------------------------------------------------------------------------
class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY x 'FETCHED-REMOTE'>")

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_catalogue_of_hostile_web_pages(tmp_path, listener):
    from make_html import build_html

    good = build_html("hiep-hoa-2024-kiem-soat-tthc", "portal")
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(GOOD, d / "good.txt")
    (d / "page.html").write_bytes(good)
    secret = tmp_path / "secret.txt"
    marker = "XXE-HTML-MARKER-19ab"
    secret.write_text(marker, encoding="utf-8")
    text = good.decode("utf-8")
    main = '<div class="toan-van doc">'
    (d / "broken.html").write_bytes(  # tags never closed, stray end tags, a cut-off end
        text.replace("</p>", "", 40).replace("</td>", "</span></td>", 30).encode()[: len(good) * 9 // 10]
    )
    (d / "error.html").write_bytes(page("<h1>Lỗi 500</h1><p>Hệ thống đang bảo trì, vui lòng quay lại sau.</p>"))
    (d / "login.htm").write_bytes(
        page(CHROME + "<form><input name=user><input type=password><button>Đăng nhập</button></form>")
    )
    (d / "search.htm").write_bytes(
        page(
            CHROME
            + "".join(
                f"<div class=kq><a href='/vb/{i}'>Kế hoạch số {i}/KH-UBND ngày 01/02/2024</a></div>" for i in range(200)
            )
        )
    )
    (d / "empty.html").write_bytes(b"<html><body>   </body></html>")
    (d / "not-html.html").write_bytes(bytes(range(256)) * 100)
    scripted = text.replace(
        main,
        main + "<script>alert('SCRIPT-RAN')</script><p onclick=\"steal('ONCLICK-X')\" "
        "onmouseover='x()'>Đoạn có sự kiện <a href=\"javascript:alert('JS-URL')\">liên kết</a>"
        "</p><iframe src='javascript:1'>IFRAME-TEXT</iframe>"
        "<noscript>NOSCRIPT-TEXT</noscript><style>p{color:red}/*STYLE-TEXT*/</style>",
    )
    (d / "scripts.html").write_bytes(scripted.encode())
    remote = text.replace(
        "<head>", f'<head><link rel="stylesheet" href="{listener}/css"><base href="{listener}/">', 1
    ).replace(
        main,
        main + f'<img src="{listener}/img.png"><iframe src="{listener}/frame"></iframe>'
        f'<object data="{listener}/obj"></object><video src="{listener}/v"></video>'
        f'<p style="background:url({listener}/bg)">Ảnh nền</p>',
    )
    remote = remote.replace(
        "<!DOCTYPE html>",
        f'<!DOCTYPE html SYSTEM "{listener}/x.dtd" '
        f'[<!ENTITY xxe SYSTEM "{secret.as_uri()}"><!ENTITY rem SYSTEM "{listener}/e">'
        '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>',
        1,
    )
    remote = remote.replace("Đoạn có", "").replace(main, main + "<p>Thực thể: &xxe; &rem; &lol2;</p>", 1)
    (d / "entities.xhtml").write_bytes(('<?xml version="1.0" encoding="utf-8"?>\n' + remote).encode())
    (d / "deep.html").write_bytes(good.replace(main.encode(), b"<div>" * 5000 + main.encode(), 1))
    filler = "".join(
        f"<div class='tin'><a href='/t/{i}'>Tin tức số {i}</a> <span>ngày 01/01/2024</span></div>\n"
        for i in range(120000)
    )
    (d / "huge.html").write_bytes(text.replace("<footer>", f"<div class=tin-khac>{filler}</div><footer>").encode())
    assert (d / "huge.html").stat().st_size > 8_000_000

    out = tmp_path / "out"
    r = run_batch(d, out)
    assert_good_extracted(r)
    for name in ("page.html", "broken.html", "scripts.html", "entities.xhtml", "huge.html"):
        assert r[name]["status"] == "extracted" and r[name]["format"] == "html", r[name]
        assert r[name]["element"] == "div#main > div.van-ban > div.toan-van.doc", r[name]
    for name in ("page.html", "scripts.html", "entities.xhtml", "huge.html"):
        assert r[name]["tasks"] == 46, r[name]
    assert r["broken.html"]["tasks"] > 0
    assert r["huge.html"]["seconds"] < 30
    for name in ("error.html", "login.htm", "search.htm"):
        assert_rejected(r[name], "not a plan document: the web page holds no document")
    assert_rejected(r["empty.html"], "not a plan document: the web page holds no document")
    assert r["not-html.html"]["status"] == "rejected"
    assert_rejected(r["deep.html"], "rejected web page: elements nested more than 256 levels deep")
    everything = b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())
    for leak in (
        marker,
        "FETCHED-REMOTE",
        "SCRIPT-RAN",
        "ONCLICK-X",
        "JS-URL",
        "javascript",
        "IFRAME-TEXT",
        "NOSCRIPT-TEXT",
        "STYLE-TEXT",
        "lollol",
        "Tin tức số",
    ):
        assert leak.encode() not in everything, leak
    assert _Recorder.hits == []  # nothing was fetched: no stylesheet, image, frame, DTD or entity
    doc = json.loads((out / "json" / "entities.json").read_text("utf-8"))
    assert not any("lol" in s["text"] for s in doc["sections"])


# -- .odt and .rtf through LibreOffice -----------------------------------------------------------------------
def test_odt_and_rtf_are_converted_like_doc(tmp_path, monkeypatch):
    from plan_extract.readers import soffice

    monkeypatch.setattr(soffice, "soffice_binary", lambda: None)
    for ext, name in ((".odt", "OpenDocument text (.odt)"), (".rtf", "rich text (.rtf)")):
        with pytest.raises(ReadError, match=rf"^{name.replace('(', '[(]').replace(')', '[)]')} needs LibreOffice"):
            read(
                Path(f"x{ext}"),
                b"{\\rtf1 x}" if ext == ".rtf" else b"PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.text",
            )
    monkeypatch.undo()
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    from make_docx import build_docx
    from make_pdf import extracted

    docx = build_docx("hiep-hoa-2024-kiem-soat-tthc", tmp_path)
    import subprocess

    for fmt in ("odt", "rtf"):
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(tmp_path / fmt),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        converted = tmp_path / fmt / f"hiep-hoa-2024-kiem-soat-tthc.{fmt}"
        doc = extracted(converted)
        assert doc["source"]["format"] == fmt
        assert len(doc["tasks"]) == 46
        assert doc["header"]["number_raw"] == extracted(docx)["header"]["number_raw"]
        assert f"converted from .{fmt} with LibreOffice" in [w["message"] for w in doc["warnings"]]
