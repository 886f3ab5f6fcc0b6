"""Rules that real documents needed, each on a small input written for the test: the
text conversions of web pages (one cell per line, grid tables, HTML tables in text,
hard-wrapped lines), text from PDF converters (the halves of a printed line), tables
with other column wordings and orders, group rows, dropped merges, the document a
decision issues, and agency cells wrapped over lines."""

from __future__ import annotations

from plan_extract.ir import SourceInfo, Table
from plan_extract.normalize.agencies import split_mentions
from plan_extract.options import Options
from plan_extract.parsers.tasktable import parse_task_table
from plan_extract.pipeline import build_document
from plan_extract.readers.text import read_text


def _ir(text: str, name: str = "d.md"):
    return read_text(text.encode("utf-8"), SourceInfo(path=name, format="md", sha256="", size=0))


def _doc(text: str, name: str = "d.md"):
    return build_document(_ir(text, name), "d", Options())


def _bar_table(rows: list[list[str]]) -> str:
    """A table as the crawler writes it: every cell on its own line(s) between lines
    holding only ``|``; an empty cell is a ``|`` line with nothing before the next."""
    out = []
    for row in rows:
        out.append("|")
        for k, cell in enumerate(row):
            if k:
                out.append("|")
            if cell:
                out.append(cell)
        out.append("|")
    return "\n".join(out)


def test_cell_per_line_table_with_group_rows_and_wrapped_cells():
    table = _bar_table(
        [
            ["**STT**", "**NHIỆM VỤ VÀ GIẢI PHÁP**", "**CHỦ TRÌ**", "**PHỐI HỢP**", "**THỜI GIAN**"],
            ["**I**", "**NHÓM GIẢI PHÁP VỀ CƠ CHẾ**"],
            [
                "1",
                "Rà soát, kịp thời cụ thể\nhoá các cơ chế, chính sách.",
                "Sở Tài chính",
                "Sở, ban, ngành có liên quan",
                "Thường xuyên",
            ],
            ["2", "Đề xuất giải pháp cải thiện\nmôi trường đầu tư.", "Sở Tài chính", "Sở Công Thương", "2026"],
        ]
    )
    tasks, warnings = parse_task_table(_ir(f"PHỤ LỤC\n\n{table}\n"))
    assert [(t.tt, t.content, t.lead, t.deadline, t.is_group, t.parent_row, t.level) for t in tasks] == [
        ("I", "NHÓM GIẢI PHÁP VỀ CƠ CHẾ", "", "", True, None, 1),
        ("1", "Rà soát, kịp thời cụ thể hoá các cơ chế, chính sách.", "Sở Tài chính", "Thường xuyên", False, 1, 2),
        ("2", "Đề xuất giải pháp cải thiện môi trường đầu tư.", "Sở Tài chính", "2026", False, 1, 2),
    ]
    assert not warnings


def test_empty_cells_between_rows_go_where_the_table_width_says():
    # three bars after a label-and-title row: the empty cell opens the next row (an empty TT)
    lines = [
        "|",
        "TT",
        "|",
        "Cơ quan chủ trì",
        "|",
        "Nội dung",
        "|",
        "Thời hạn",
        "|",
        "|",
        "A.",
        "|",
        "BỘ TÀI CHÍNH",
        "|",
        "|",
        "|",
        "Bộ Tài chính",
        "|",
        "Việc một",
        "|",
        "Quý I",
        "|",
        "|",
        "1",
        "|",
        "Bộ Tài chính",
        "|",
        "Việc hai",
        "|",
        "",
        "|",
    ]
    tasks, _ = parse_task_table(_ir("\n".join(lines) + "\n"))
    assert [(t.tt, t.content, t.lead, t.deadline, t.is_group, t.parent_row) for t in tasks] == [
        ("A", "BỘ TÀI CHÍNH", "", "", True, None),
        ("", "Việc một", "Bộ Tài chính", "Quý I", False, 1),
        ("1", "Việc hai", "Bộ Tài chính", "", False, 1),
    ]


def test_a_row_whose_merged_cells_the_conversion_dropped_takes_them_from_the_row_above():
    table = _bar_table(
        [
            ["TT", "Nội dung", "Chủ trì", "Sản phẩm", "Thời gian"],
            ["1", "Xây dựng hệ thống", "Sở Tài chính", "Kế hoạch", "Quý I"],
            ["Báo cáo", "Quý II"],  # TT, content and lead merged down from the row above
        ]
    )
    tasks, _ = parse_task_table(_ir(table + "\n"))
    assert [(t.tt, t.content, t.lead, t.product, t.deadline) for t in tasks] == [
        ("1", "Xây dựng hệ thống", "Sở Tài chính", "Kế hoạch", "Quý I"),
        ("1", "Xây dựng hệ thống", "Sở Tài chính", "Báo cáo", "Quý II"),
    ]


def test_grid_table_and_html_table_in_text():
    grid = (
        "+----+----------+----------+\n| TT | Nội dung | Chủ trì  |\n+====+==========+==========+\n"
        "| 1  | Việc một | Phòng A  |\n|    | tiếp     |          |\n+----+----------+----------+\n"
    )
    tasks, _ = parse_task_table(_ir(grid))
    assert [(t.tt, t.content, t.lead) for t in tasks] == [("1", "Việc một tiếp", "Phòng A")]
    html = (
        "<table>\n<tr><th>TT</th><th>Nội dung</th><th>Chủ trì</th><th>Thời hạn</th></tr>\n"
        '<tr><td>1</td><td>Việc một</td><td rowspan="2">Phòng A</td><td>Quý I</td></tr>\n'
        "<tr><td>2</td><td>Việc hai</td><td>Quý II</td></tr>\n</table>\n"
    )
    tasks, _ = parse_task_table(_ir(html))
    assert [(t.tt, t.content, t.lead, t.deadline) for t in tasks] == [
        ("1", "Việc một", "Phòng A", "Quý I"),
        ("2", "Việc hai", "Phòng A", "Quý II"),
    ]


def test_each_table_has_its_own_column_map_and_other_tables_are_warned_about():
    text = (
        "| TT | Nội dung | Cơ quan chủ trì | Thời gian |\n|---|---|---|---|\n| 1 | Việc một | Phòng A | Quý I |\n\n"
        "Bảng danh bạ\n\n| Họ và tên | Điện thoại | Email |\n|---|---|---|\n| Nguyễn Văn A | 0123 | a@b |\n\n"
        "B. Phần hai\n\n| STT | Thời hạn | Nhiệm vụ | Đơn vị chủ trì |\n|---|---|---|---|\n| 1 | Quý II | Việc hai | Phòng B |\n"
    )
    tasks, warnings = parse_task_table(_ir(text))
    assert [(t.tt, t.content, t.lead, t.deadline, t.level) for t in tasks] == [
        ("1", "Việc một", "Phòng A", "Quý I", 1),
        ("1", "Việc hai", "Phòng B", "Quý II", 1),
    ]
    assert [w.code for w in warnings] == ["table_skipped"]
    assert "3 columns" in warnings[0].message


def test_group_rows_with_their_own_numbering_are_parents_of_their_tasks():
    text = (
        "| TT | Nội dung | Chủ trì | Thời hạn |\n|---|---|---|---|\n"
        "| **1** | **Cải cách thể chế** | | |\n| 1 | Việc một | Phòng A | Quý I |\n| 2 | Việc hai | Phòng B | Quý II |\n"
        "| **2** | **Cải cách thủ tục** | | |\n| 1 | Việc ba | Phòng C | Quý III |\n"
    )
    tasks, _ = parse_task_table(_ir(text))
    assert [(t.tt, t.is_group, t.parent_row, t.level) for t in tasks] == [
        ("1", True, None, 1),
        ("1", False, 1, 2),
        ("2", False, 1, 2),
        ("2", True, None, 1),
        ("1", False, 4, 2),
    ]


def test_hard_wrapped_conversion_joins_its_lines_into_paragraphs():
    body = "\n".join(
        f"{k}. Nội dung thứ {k} của kế hoạch được trình bày trên nhiều dòng bởi công cụ\n"
        f"chuyển đổi trang web, dòng bị cắt ở khoảng tám mươi ký tự như trong nguồn\n"
        f"thật.\n"
        for k in range(1, 15)
    )
    doc = _doc(
        "Số: 5/KH-UBND\n\nHà Nội, ngày 02 tháng 3 năm 2025\n\n**KẾ HOẠCH**\n\nCông tác năm 2025\n\n"
        f"**I. MỤC\nĐÍCH, YÊU CẦU**\n\n{body}"
    )
    titles = [(s.label, s.title) for s in doc.sections]
    assert titles[0] == ("I", "MỤC ĐÍCH, YÊU CẦU")
    assert titles[1][1].startswith("Nội dung thứ 1 của kế hoạch") and titles[1][1].endswith("như trong nguồn thật.")
    assert len(titles) == 15


def test_layout_text_from_a_pdf_splits_the_halves_of_a_printed_line():
    lines = [
        "   SỞ CÔNG THƯƠNG                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "    ĐOÀN KIỂM TRA                         Độc lập - Tự do - Hạnh Phúc",
        "  THEO QUYẾT ĐỊNH",
        "   SỐ 1050/QĐ-SCT                      Lào Cai, ngày 10 tháng 3 năm 2026",
        "",
        "     Số: 1105/KH-ĐKT",
        "",
        "                               KẾ HOẠCH",
        "Kiểm tra việc chấp hành quy định",
        "",
    ]
    lines += [f"      {k}. Mục {k}" for k in range(1, 20)]
    lines += [
        "Nơi nhận:                                         T/M. ĐOÀN KIỂM TRA",
        "- Giám đốc Sở;                                     TRƯỞNG ĐOÀN",
        "",
        "",
        "                                                     Hoàng Văn Thuân",
    ]
    h = _doc("\n".join(lines) + "\n", "d.txt").header
    assert (h.number_raw, h.place, h.issue_date) == ("1105/KH-ĐKT", "Lào Cai", "2026-03-10")
    assert h.signer_authority == "T/M. ĐOÀN KIỂM TRA"


def test_the_plan_a_decision_issues_has_its_own_sections():
    text = (
        "Số: 12/QĐ-UBND\n\nHà Nội, ngày 02 tháng 3 năm 2025\n\nQUYẾT ĐỊNH\n\nBan hành Kế hoạch công tác\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n\nĐiều 2. Quyết định có hiệu lực.\n\n"
        "Nơi nhận:\n- Như Điều 2;\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An\n\n"
        "KẾ HOẠCH\n\nCông tác năm 2025\n(Ban hành kèm theo Quyết định số 12/QĐ-UBND)\n\n"
        "I. MỤC ĐÍCH\n\n1. Mục đích\n\nII. NHIỆM VỤ\n"
    )
    doc = _doc(text, "d.txt")
    assert [(s.label, s.level, s.parent) for s in doc.sections] == [
        ("Điều 1", 1, None),
        ("Điều 2", 1, None),
        ("I", 1, None),
        ("1", 2, 2),
        ("II", 1, None),
    ]


def test_a_line_break_that_only_wraps_a_name_does_not_split_an_agency_cell():
    assert split_mentions("Bộ Khoa học và\nCông nghệ") == ["Bộ Khoa học và Công nghệ"]
    assert split_mentions("Lãnh đạo\nSở Giáo dục và Đào tạo") == ["Lãnh đạo Sở Giáo dục và Đào tạo"]
    assert split_mentions("UBND các xã,\nthị trấn") == ["UBND các xã, thị trấn"]
    assert split_mentions("Sở Tài chính\nSở Nội vụ") == ["Sở Tài chính", "Sở Nội vụ"]
    assert split_mentions("- Văn phòng\n- Phòng Tư pháp") == ["Văn phòng", "Phòng Tư pháp"]
    assert split_mentions("Ủy ban\nKinh tế và Tài chính") == ["Ủy ban Kinh tế và Tài chính"]
    assert split_mentions("UBND Thành phố Hồ Chí\nMinh") == ["UBND Thành phố Hồ Chí Minh"]
    # people, a name a line (a "Người thực hiện" column)
    assert split_mentions("Đỗ Mạnh Cường\nVũ Việt Linh") == ["Đỗ Mạnh Cường", "Vũ Việt Linh"]


def test_tables_without_blank_lines_are_cut_where_the_next_one_starts():
    rows = [["STT", "Nội dung", "Chủ trì"]] + [[str(k), f"Việc {k}", "Phòng A"] for k in range(1, 8)]
    first = _bar_table(rows)
    second = _bar_table([["TT", "Nội dung", "Chủ trì", "Thời hạn"], ["1", "Việc tám", "Phòng B", "Quý I"]])
    # no blank line anywhere: the appendix title runs on after the last row's bar
    text = first + "\n**PHỤ LỤC II**\nDANH MỤC\n" + second
    ir = _ir(text)
    assert [len(b.rows) for b in ir.blocks if isinstance(b, Table)] == [8, 2]
    tasks, _ = parse_task_table(ir)
    assert [t.content for t in tasks][-2:] == ["Việc 7", "Việc tám"]


def test_garbled_and_repeated_rows_are_warned_about():
    text = (
        "Số: 5/KH-UBND\n\nHà Nội, ngày 02 tháng 3 năm 2025\n\nKẾ HOẠCH\n\nCông tác năm 2025\n\nI. NỘI DUNG\n\n"
        "TT\tNội dung\tChủ trì\tThời hạn\n"
        "1\tXây dựng kế hoạch kiểm tra việc thực hiện các nhiệm vụ được giao\tPhòng A\tQuý I\n"
        "2\thệ t2thr0iốể3nn0g,h xqzt ưwkrr ofjd tpqr lkjh mnbv thư0ng\tPhòng B\tQuý II\n"
        "3\tXây dựng kế hoạch kiểm tra việc thực hiện các nhiệm vụ được giao\tPhòng A\tQuý I\n"
        "3\tXây dựng kế hoạch kiểm tra việc thực hiện các nhiệm vụ được giao\tPhòng A\tQuý I\n"
    )
    doc = _doc(text, "d.txt")
    found = [(w.code, w.row) for w in doc.warnings if w.code in ("not_vietnamese", "repeated_rows")]
    assert found == [("not_vietnamese", 2), ("repeated_rows", 4)]


def test_a_row_cut_by_a_page_break_without_a_repeated_header_is_rejoined():
    text = (
        "| TT | Nội dung | Chủ trì | Thời hạn |\n|---|---|---|---|\n"
        "| 1. | Hoàn thành các nhiệm vụ, gồm: (1) Định danh; (2) Xác thực | Bộ Công an | 2025 |\n"
        "| | (3) Sàn giao dịch; (4) Thanh toán | | |\n"
        "| 2. | Xây dựng quy chế phối hợp và định kỳ tổ chức đánh giá, | Bộ Nội vụ | 2026 |\n"
        "| | công bố kết quả. | | |\n"
        "| | Hướng dẫn thực hiện | Bộ Tư pháp | 2026 |\n"
    )
    tasks, _ = parse_task_table(_ir(text))
    assert [(t.tt, t.content, t.lead) for t in tasks] == [
        (
            "1",
            "Hoàn thành các nhiệm vụ, gồm: (1) Định danh; (2) Xác thực (3) Sàn giao dịch; (4) Thanh toán",
            "Bộ Công an",
        ),
        ("2", "Xây dựng quy chế phối hợp và định kỳ tổ chức đánh giá, công bố kết quả.", "Bộ Nội vụ"),
        ("", "Hướng dẫn thực hiện", "Bộ Tư pháp"),
    ]


def test_number_and_date_fields_a_narrow_cell_wrapped_are_rejoined():
    from plan_extract.ir import Paragraph, Provenance
    from plan_extract.parsers.layout import join_cut_fields

    prov = Provenance("x.pdf", page=1)
    paras = [
        Paragraph("Số: /KH-", prov),
        Paragraph("SCT", prov, gap_before=False),
        Paragraph("Lào Cai, ngày tháng năm", prov),
        Paragraph("2026", prov, gap_before=False),
        Paragraph("Kế hoạch năm", prov),
        Paragraph("2026", prov, gap_before=False),
    ]
    assert [p.text for p in join_cut_fields(paras)] == [
        "Số: /KH-SCT",
        "Lào Cai, ngày tháng năm 2026",
        "Kế hoạch năm",
        "2026",
    ]


def test_the_summary_line_names_the_documents_to_review(tmp_path, capsys):
    from plan_extract.cli import main

    src = tmp_path / "in"
    src.mkdir()
    (src / "prose.txt").write_text(
        "Số: 5/KH-UBND\n\nHà Nội, ngày 02 tháng 3 năm 2025\n\nKẾ HOẠCH\n\nCông tác\n\nI. MỤC ĐÍCH\n\nNội dung.\n",
        encoding="utf-8",
    )
    assert main(["extract", str(src), "-o", str(tmp_path / "out")]) == 0
    assert "to review: 1 without task rows" in capsys.readouterr().err


def test_documents_without_an_issue_year_do_not_break_plain_pandas(tmp_path):
    import pandas as pd

    import plan_extract
    from plan_extract.cli import main

    src = tmp_path / "in"
    src.mkdir()
    (src / "no-year.txt").write_text(
        "Số: 5/KH-UBND\n\nKẾ HOẠCH\n\nCông tác\n\nI. MỤC ĐÍCH\n\nNội dung.\n", encoding="utf-8"
    )
    (src / "dated.txt").write_text(
        "Số: 6/KH-UBND\n\nHà Nội, ngày 02 tháng 3 năm 2025\n\nKẾ HOẠCH\n\nCông tác\n\nI. MỤC ĐÍCH\n\nNội dung.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(out), "-q"]) == 0
    plain = pd.read_parquet(out / "documents").set_index("doc_id")["year"]
    assert (int(plain["no-year"]), int(plain["dated"])) == (0, 2025)
    loaded = plan_extract.load(out).documents.set_index("doc_id")["year"]
    assert pd.isna(loaded["no-year"]) and loaded["dated"] == 2025
