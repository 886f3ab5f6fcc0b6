"""SPEC section 2 rules on inputs written for the test."""

from __future__ import annotations

from plan_extract.ir import SourceInfo
from plan_extract.parsers.tasktable import parse_task_table
from plan_extract.parsers.tasktable.columns import classify_header_cell, is_numbering_row, match_header
from plan_extract.parsers.tasktable.hierarchy import label_style
from plan_extract.readers.text import read_text

HEADER = "TT\tNội dung công việc\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tSản phẩm"


def tasks_of(text: str):
    doc = read_text(text.encode("utf-8"), SourceInfo(path="t.txt", format="txt", sha256="", size=0))
    tasks, warnings = parse_task_table(doc)
    return tasks, warnings


def test_header_names_are_matched_by_meaning_and_with_typos():
    assert classify_header_cell("THỜI GIAN HOÀN HÀNH")[0] == "deadline"
    assert classify_header_cell("Thoi gian hoan thanh")[0] == "deadline"
    assert classify_header_cell("Sản phẩm dự kiến hoàn thành")[0] == "product"
    assert classify_header_cell("Stt")[0] == "tt"
    assert classify_header_cell("Cơ quan chủ tri")[0] == "lead"
    assert classify_header_cell("Ghi chú")[0] == "extra"  # a column of other meaning, kept in extra


def test_header_words_decide_the_field_whatever_the_wording():
    cases = {
        "Chủ trì thực hiện": "lead",
        "Sở, ngành chủ trì tham mưu": "lead",
        "Cơ quan chủ trì¹": "lead",
        "Phối hợp thực hiện": "support",
        "Cơ quan tham gia thẩm tra": "support",
        "Thời gian (Năm 2026)": "deadline",
        "Tiến độ trình": "deadline",
        "Thời điểm hoàn thành": "deadline",
        "Kết quả đầu ra": "product",
        "Kết quả dự kiến": "product",
        "Tên nhiệm vụ/dự án": "content",
        "Nhiệm vụ, giải pháp": "content",
        "Nhiệm vụ thực hiện": "content",
        "Theo dõi, kiểm tra, đôn đốc": "extra",
        "Nguồn kinh phí": "extra",
        "Thuộc nhóm nhiệm vụ, hành động": "extra",
    }
    assert {name: classify_header_cell(name)[0] for name in cases} == cases
    assert classify_header_cell("Người thực hiện") == ("lead", True)  # lead only without a chủ trì column
    cmap = match_header(
        [
            "TT",
            "Nội dung",
            "Chủ trì thực hiện",
            "Phối hợp thực hiện",
            "Theo dõi, kiểm tra, đôn đốc",
            "Thời gian (Năm 2026)",
            "Ghi chú",
        ]
    )
    assert cmap.fields == ["tt", "content", "lead", "support", None, "deadline", None]
    assert cmap.is_task_table
    # a table of units and dates names no task content: not a task table
    assert (
        not match_header(["STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra"])
        or not match_header(["STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra"]).is_task_table
    )
    cmap = match_header(["STT", "Nhiệm vụ", "Đơn vị thực hiện", "Thời hạn", "Kết quả"])
    assert cmap.fields == ["tt", "content", "lead", "deadline", "product"]
    # "Đơn vị thực hiện" is lead only when no chủ trì column exists
    cmap = match_header(["TT", "Nội dung", "Chủ trì", "Đơn vị thực hiện"])
    assert cmap.fields == ["tt", "content", "lead", None]


def test_column_numbering_row_belongs_to_the_header():
    assert is_numbering_row(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    assert is_numbering_row(["1", "2", "3", "4"])
    assert not is_numbering_row(["1", "Việc một", "Phòng A", "", "", ""])
    tasks, _ = tasks_of(f"{HEADER}\n(1)\t(2)\t(3)\t(4)\t(5)\t(6)\n1\tViệc một\tPhòng A\tPhòng B\t31/12/2024\tBáo cáo\n")
    assert [t.tt for t in tasks] == ["1"]


def test_continuation_after_repeated_header_is_merged():
    text = (
        f"{HEADER}\n1\tViệc một bị cắt\tVăn phòng\tCác xã, thị\tQuý II\tBáo\n\n"
        f"{HEADER}\n\tở trang sau\tHĐND và UBND huyện\ttrấn\t\tcáo\n2\tViệc hai\tPhòng A\t\tThường xuyên\tX\n"
    )
    tasks, _ = tasks_of(text)
    assert len(tasks) == 2
    t = tasks[0]
    assert (t.content, t.lead, t.support, t.deadline, t.product) == (
        "Việc một bị cắt ở trang sau",
        "Văn phòng HĐND và UBND huyện",
        "Các xã, thị trấn",
        "Quý II",
        "Báo cáo",
    )
    assert tasks[1].tt == "2" and tasks[1].row == 2


def test_repeated_word_in_a_continuation_is_kept():
    tasks, _ = tasks_of(f"{HEADER}\n1\tViệc\tA\tUBND các xã, thị trấn\tX\tY\n\n{HEADER}\n\t\t\ttrấn\t\t\n")
    assert tasks[0].support == "UBND các xã, thị trấn trấn"


def test_pipe_block_without_header_continues_with_previous_column_map():
    text = (
        "| TT | Nội dung công việc | Đơn vị chủ trì | Đơn vị phối hợp | Sản phẩm | Thời gian thực hiện |\n"
        "|---|---|---|---|---|---|\n| I | Nhóm một | | | | |\n| 1 | Việc một | Văn phòng | Các phòng | KH | Tháng 3 năm 2024 |\n\n"
        "| II | Nhóm hai | | | | |\n|---|---|---|---|---|---|\n| 1 | Việc hai | Phòng B | Văn phòng | BC | Quý II |\n"
    )
    tasks, _ = tasks_of(text)
    assert [(t.tt, t.content, t.lead, t.product, t.deadline) for t in tasks] == [
        ("I", "Nhóm một", "", "", ""),
        ("1", "Việc một", "Văn phòng", "KH", "Tháng 3 năm 2024"),
        ("II", "Nhóm hai", "", "", ""),
        ("1", "Việc hai", "Phòng B", "BC", "Quý II"),
    ]
    assert [t.parent_row for t in tasks] == [None, 1, None, 3]
    assert [t.level for t in tasks] == [1, 2, 1, 2]


def test_merged_heading_row_opens_its_own_series():
    text = (
        f"{HEADER}\n1. Cải cách thể chế\t\t\t\t\t\n1\tViệc một\tPhòng Tư pháp\t\tThường xuyên\tBC\n"
        "2\tViệc hai\tPhòng Tư pháp\t\tThường xuyên\tBC\n2. Cải cách TTHC\t\t\t\t\t\n"
        "3\tViệc ba\tVăn phòng\t\t31/10/2022\tBC\n"
    )
    tasks, _ = tasks_of(text)
    assert [(t.tt, t.content, t.is_group, t.parent_row, t.level) for t in tasks] == [
        ("1", "Cải cách thể chế", True, None, 1),
        ("1", "Việc một", False, 1, 2),
        ("2", "Việc hai", False, 1, 2),
        ("2", "Cải cách TTHC", True, None, 1),
        ("3", "Việc ba", False, 4, 2),
    ]


def test_heading_label_and_title_in_the_content_cell():
    tasks, _ = tasks_of(f"{HEADER}\n\tI. Kinh tế số\t\t\t\t\n1\tViệc\tPhòng A\t\tQuý I\tBC\n")
    assert (tasks[0].tt, tasks[0].content, tasks[0].is_group) == ("I", "Kinh tế số", True)
    assert (tasks[1].parent_row, tasks[1].level) == (1, 2)


def test_unnumbered_row_is_a_child_of_the_nearest_group():
    text = (
        f"{HEADER}\nII\tNhóm\t\t\t\t\n1\tCông khai TTHC\t\t\t\t\n\tThực hiện công khai\tCác cơ quan\tVăn phòng\t"
        "Thường xuyên\tTTHC được công khai\n2\tViệc hai\tVăn phòng\t\tQuý II\tBC\n2.1\tViệc con\tVăn phòng\t\tQuý II\tBC\n"
        "\tDòng không số\tVăn phòng\t\tQuý II\tBC\n"
    )
    tasks, _ = tasks_of(text)
    got = [(t.tt, t.parent_row, t.level) for t in tasks]
    assert got == [("II", None, 1), ("1", 1, 2), ("", 2, 3), ("2", 1, 2), ("2.1", 4, 3), ("", 2, 3)]


def test_dotted_labels_lose_their_trailing_dot_and_nest_by_depth():
    text = (
        f"{HEADER}\nI\tNhóm\t\t\t\t\n1\tNhóm con\t\t\t\t\n1.1.\tViệc\tA\t\tQuý I\tX\n1.1.1\tViệc nhỏ\tA\t\tQuý I\tX\n"
        "1.2\tViệc\tA\t\tQuý I\tX\n"
    )
    tasks, _ = tasks_of(text)
    assert [(t.tt, t.level, t.parent_row) for t in tasks] == [
        ("I", 1, None),
        ("1", 2, 1),
        ("1.1", 3, 2),
        ("1.1.1", 4, 3),
        ("1.2", 3, 2),
    ]


def test_upper_case_letters_c_after_b_is_a_letter():
    assert label_style("C", open_upper="B") == "upper"
    assert label_style("C") == "roman"
    assert label_style("IV") == "roman"
    text = (
        f"{HEADER}\nA\tPhần A\t\t\t\t\nI\tMục\t\t\t\t\nB\tPhần B\t\t\t\t\nI\tMục\t\t\t\t\n"
        "C\tPhần C\t\t\t\t\n1\tViệc\tA\t\tQuý I\tX\n"
    )
    tasks, _ = tasks_of(text)
    assert [(t.tt, t.level) for t in tasks] == [("A", 1), ("I", 2), ("B", 1), ("I", 2), ("C", 1), ("1", 2)]


def test_partial_repeated_header_is_dropped_and_keeps_the_column_map():
    text = (
        f"{HEADER}\n1\tViệc một\tPhòng A\tPhòng B\tQuý I\tX\n\nTT\tNội dung\tChủ trì\n"
        "2\tViệc hai\tPhòng C\tPhòng D\tQuý II\tY\n"
    )
    tasks, _ = tasks_of(text)
    assert [(t.tt, t.lead, t.support, t.product) for t in tasks] == [
        ("1", "Phòng A", "Phòng B", "X"),
        ("2", "Phòng C", "Phòng D", "Y"),
    ]


def test_unknown_columns_go_to_extra_and_long_rows_are_aligned():
    text = "TT\tNội dung\tChủ trì\tGhi chú\n1\tViệc một\tPhòng A\tcần gấp\n2\tViệc hai\t\tPhòng B\tkhông\n"
    tasks, warnings = tasks_of(text)
    assert tasks[0].extra == {"Ghi chú": "cần gấp"}
    assert (tasks[1].content, tasks[1].lead, tasks[1].extra) == ("Việc hai", "Phòng B", {"Ghi chú": "không"})
    [w] = warnings
    assert (w.code, w.table, w.line) == ("columns_unmapped", 1, 1) and "Ghi chú" in w.message


def test_columns_are_found_by_name_not_position():
    text = "Sản phẩm\tThời hạn\tNội dung\tTT\tPhối hợp\tChủ trì\nBC\tQuý I\tViệc\t1\tPhòng B\tPhòng A\n"
    tasks, _ = tasks_of(text)
    t = tasks[0]
    assert (t.tt, t.content, t.lead, t.support, t.deadline, t.product) == (
        "1",
        "Việc",
        "Phòng A",
        "Phòng B",
        "Quý I",
        "BC",
    )


def test_is_group_when_all_agency_deadline_product_cells_are_empty():
    tasks, _ = tasks_of(f"{HEADER}\n1\tViệc một\tPhòng A\t\t\t\n2\tNhóm\t\t\t\t\n")
    assert [t.is_group for t in tasks] == [False, True]


def test_no_task_table():
    tasks, _ = tasks_of("Chỉ có một đoạn văn.\n\nVà một đoạn nữa.\n")
    assert tasks == []
