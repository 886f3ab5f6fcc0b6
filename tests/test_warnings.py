"""SPEC section 6 warnings on real cases from the samples, and on inputs written for
the test for the kinds the samples do not show."""

from __future__ import annotations

from plan_extract.ir import SourceInfo
from plan_extract.pipeline import Options, build_document
from plan_extract.readers.text import read_text


def codes(doc: dict) -> list[str]:
    return [w["code"] for w in doc["warnings"]]


def test_every_warning_is_a_record_of_a_known_code(output_docs):
    from plan_extract.model import WARNING_CODES

    for doc in output_docs.values():
        for w in doc["warnings"]:
            assert list(w) == ["code", "message", "row", "table", "page", "line"]
            assert w["code"] in WARNING_CODES and w["message"] and not w["message"].startswith(w["code"])


def test_hiep_hoa_2024_plan_sets_deadlines_in_2023(output_docs):
    doc = output_docs["hiep-hoa-2024-kiem-soat-tthc"]
    before = [w for w in doc["warnings"] if w["code"] == "deadline_before_issue"]
    assert [w["row"] for w in before] == [2, 3, 45]
    assert all(w["line"] is not None and w["table"] is None for w in before)
    assert "Trước ngày 18/01/2023" in before[0]["message"] and "2024-01" in before[0]["message"]
    assert "Tháng 8/2023" in before[2]["message"]


def test_xuan_loc_appendix_cites_another_date(output_docs):
    doc = output_docs["xuan-loc-2022-cai-cach-hanh-chinh"]
    [w] = [w for w in doc["warnings"] if w["code"] == "appendix_date"]
    assert "2022-01-27" in w["message"] and "2022-01-26" in w["message"]
    assert w["line"] == 357 and w["row"] is None


def test_tam_duong_repeats_section_ii(output_docs):
    doc = output_docs["tam-duong-2021-de-an-468"]
    [w] = [w for w in doc["warnings"] if w["code"] == "repeated_section_label"]
    assert (w["message"], w["line"]) == ("repeated section label II (roman) at line 69", 69)
    # open-ended deadlines ("… và các năm tiếp theo") are not reported as past
    assert "deadline_before_issue" not in codes(doc)


def test_clean_documents_have_no_warnings(output_docs):
    assert output_docs["ha-tinh-so-noi-vu-2024-kiem-soat-tthc"]["warnings"] == []
    assert output_docs["vinh-bao-2024-kiem-soat-tthc"]["warnings"] == []


def test_warnings_are_in_documents_parquet(sample_output):
    import pandas as pd

    docs = pd.read_parquet(sample_output / "documents").set_index("doc_id")
    assert docs.loc["xuan-loc-2022-cai-cach-hanh-chinh", "n_warnings"] == 2
    assert [w["code"] for w in docs.loc["xuan-loc-2022-cai-cach-hanh-chinh", "warnings"]].count("appendix_date") == 1


def build(text: str):
    ir = read_text(text.encode("utf-8"), SourceInfo(path="w.txt", format="txt", sha256="", size=0))
    return build_document(ir, "w", Options())


def test_year_unlike_plan_year_missing_lead_and_unmapped_columns():
    doc = build(
        "Số: 5/KH-UBND\nHiệp Hoà, ngày 10 tháng 01 năm 2024\n\nKẾ HOẠCH\nCông tác năm 2024\n\n"
        "I. NỘI DUNG\n\nNội dung.\n\n"
        "TT\tNội dung công việc\tCơ quan chủ trì\tThời gian hoàn thành\tGhi chú\n"
        "1\tViệc một\tPhòng Tư pháp\tQuý II/2025\t\n2\tViệc hai\t\tQuý I\tx\n"
    )
    c = codes(doc.to_dict())
    assert "deadline_year" in c  # 2025 in a 2024 plan
    assert "missing_lead" in c  # row 2 has no lead agency
    assert any(w.code == "columns_unmapped" and "Ghi chú" in w.message for w in doc.warnings)


def test_the_vocabulary_is_listed_once_and_everywhere():
    import json
    from pathlib import Path

    import pytest

    from plan_extract.model import WARNING_CODES, warning

    root = Path(__file__).resolve().parent.parent
    for code in (
        "deadline_before_issue",
        "deadline_year",
        "missing_lead",
        "appendix_date",
        "no_task_table",
        "columns_unmapped",
        "repeated_section_label",
        "table_skipped",
        "not_vietnamese",
        "repeated_rows",
    ):
        assert code in WARNING_CODES
    schema = json.loads((root / "schemas" / "document.schema.json").read_text("utf-8"))
    assert schema["properties"]["warnings"]["items"]["properties"]["code"]["enum"] == list(WARNING_CODES)
    dictionary = (root / "docs" / "DATA_DICTIONARY.md").read_text("utf-8")
    assert all(f"| `{code}` | {meaning}" in dictionary for code, meaning in WARNING_CODES.items())
    with pytest.raises(ValueError):
        warning("no_such_code", "x")
