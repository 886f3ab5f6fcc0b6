"""SPEC section 6 warnings on real cases from the samples, and on inputs written for
the test for the kinds the samples do not show."""
from __future__ import annotations

from plan_extract.ir import SourceInfo
from plan_extract.pipeline import Options, build_document
from plan_extract.readers.text import read_text


def codes(doc: dict) -> list[str]:
    return [w.split(":", 1)[0] for w in doc["warnings"]]


def test_hiep_hoa_2024_plan_sets_deadlines_in_2023(output_docs):
    doc = output_docs["hiep-hoa-2024-kiem-soat-tthc"]
    before = [w for w in doc["warnings"] if w.startswith("deadline_before_issue")]
    assert [w.split(" ")[2] for w in before] == ["2", "3", "45"]  # rows
    assert "Trước ngày 18/01/2023" in before[0] and "2024-01" in before[0]
    assert "Tháng 8/2023" in before[2]


def test_xuan_loc_appendix_cites_another_date(output_docs):
    doc = output_docs["xuan-loc-2022-cai-cach-hanh-chinh"]
    [w] = [w for w in doc["warnings"] if w.startswith("appendix_date")]
    assert "2022-01-27" in w and "2022-01-26" in w


def test_tam_duong_repeats_section_ii(output_docs):
    doc = output_docs["tam-duong-2021-de-an-468"]
    assert "repeated section label II (roman) at line 69" in doc["warnings"]
    # open-ended deadlines ("… và các năm tiếp theo") are not reported as past
    assert "deadline_before_issue" not in codes(doc)


def test_clean_documents_have_no_warnings(output_docs):
    assert output_docs["ha-tinh-so-noi-vu-2024-kiem-soat-tthc"]["warnings"] == []
    assert output_docs["vinh-bao-2024-kiem-soat-tthc"]["warnings"] == []


def test_warnings_are_in_documents_parquet(sample_output):
    import pandas as pd
    docs = pd.read_parquet(sample_output / "documents").set_index("doc_id")
    assert docs.loc["xuan-loc-2022-cai-cach-hanh-chinh", "n_warnings"] == 2
    assert any(w.startswith("appendix_date") for w in docs.loc["xuan-loc-2022-cai-cach-hanh-chinh", "warnings"])


def build(text: str):
    ir = read_text(text.encode("utf-8"), SourceInfo(path="w.txt", format="txt", sha256="", size=0))
    return build_document(ir, "w", Options())


def test_year_unlike_plan_year_missing_lead_and_unmapped_columns():
    doc = build("Số: 5/KH-UBND\nHiệp Hoà, ngày 10 tháng 01 năm 2024\n\nKẾ HOẠCH\nCông tác năm 2024\n\n"
                "I. NỘI DUNG\n\nNội dung.\n\n"
                "TT\tNội dung công việc\tCơ quan chủ trì\tThời gian hoàn thành\tGhi chú\n"
                "1\tViệc một\tPhòng Tư pháp\tQuý II/2025\t\n2\tViệc hai\t\tQuý I\tx\n")
    c = codes(doc.to_dict())
    assert "deadline_year" in c          # 2025 in a 2024 plan
    assert "missing_lead" in c           # row 2 has no lead agency
    assert any(w.startswith("columns_unmapped:") and "Ghi chú" in w for w in doc.warnings)
