"""Jurisdiction of the issuing body against the gazetteer (SPEC section 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_extract.model import Jurisdiction
from plan_extract.normalize.jurisdiction import (
    Gazetteer,
    fold_tone_placement,
    is_after_reform,
    resolve_jurisdiction,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def body(doc: str) -> str:
    p = SAMPLES / f"{doc}.txt"
    return p.read_text(encoding="utf-8-sig") if p.exists() else ""


@pytest.mark.parametrize(
    "doc,place,issuer,date,expected",
    [
        (
            "xuan-loc-2022-cai-cach-hanh-chinh",
            "Xuân Lộc",
            None,
            "2022-01-26",
            Jurisdiction("huyen", "Đồng Nai", "75", "Xuân Lộc", "741"),
        ),
        (
            "hiep-hoa-2024-kiem-soat-tthc",
            "Hiệp Hoà",
            None,
            "2024-01",
            Jurisdiction("huyen", "Bắc Giang", "24", "Hiệp Hòa", "223"),
        ),
        (
            "tam-duong-2021-de-an-468",
            "Tam Đường",
            None,
            "2021-08",
            Jurisdiction("huyen", "Lai Châu", "12", "Tam Đường", "106"),
        ),
        (
            "vinh-bao-2024-kiem-soat-tthc",
            "Vĩnh Bảo",
            "ỦY BAN NHÂN DÂN HUYỆN VĨNH BẢO",
            "2024-02",
            Jurisdiction("huyen", "Hải Phòng", "31", "Vĩnh Bảo", "316"),
        ),
        (
            "ha-tinh-so-noi-vu-2024-kiem-soat-tthc",
            "Hà Tĩnh",
            "GIÁM ĐỐC SỞ NỘI VỤ",
            "2024-03",
            Jurisdiction("tinh", "Hà Tĩnh", "42"),
        ),
    ],
)
def test_the_five_samples(doc, place, issuer, date, expected):
    assert resolve_jurisdiction(place, issuer, body(doc), date) == expected


def test_samples_without_issuer_or_place():
    # Vĩnh Bảo from the place alone; Hà Tĩnh Sở plan without its issuer line: the text
    # names tỉnh Hà Tĩnh, never thành phố Hà Tĩnh
    assert resolve_jurisdiction("Vĩnh Bảo", None, body("vinh-bao-2024-kiem-soat-tthc"), "2024-02") == Jurisdiction(
        "huyen", "Hải Phòng", "31", "Vĩnh Bảo", "316"
    )
    assert resolve_jurisdiction(
        "Hà Tĩnh", None, body("ha-tinh-so-noi-vu-2024-kiem-soat-tthc"), "2024-03"
    ) == Jurisdiction("tinh", "Hà Tĩnh", "42")
    # no place line: the issuer names the unit
    assert resolve_jurisdiction(None, "ỦY BAN NHÂN DÂN HUYỆN VĨNH BẢO", "", "2024-02") == Jurisdiction(
        "huyen", "Hải Phòng", "31", "Vĩnh Bảo", "316"
    )
    # no place, no issuer: the unit the body names as issuing
    assert resolve_jurisdiction(None, None, body("tam-duong-2021-de-an-468"), "2021-08") == Jurisdiction(
        "huyen", "Lai Châu", "12", "Tam Đường", "106"
    )


def test_ha_tinh_province_versus_city():
    j = resolve_jurisdiction("Hà Tĩnh", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ TĨNH", "", "2023-05-02")
    assert j == Jurisdiction("huyen", "Hà Tĩnh", "42", "Hà Tĩnh", "436")
    j = resolve_jurisdiction("Hà Tĩnh", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "", "2023-05-02")
    assert j == Jurisdiction("tinh", "Hà Tĩnh", "42")
    # a Sở is province level
    assert resolve_jurisdiction("Hà Tĩnh", "SỞ TƯ PHÁP", "", "2023").level == "tinh"
    # the text alone decides: thành phố Hà Tĩnh named again and again
    text = "Ủy ban nhân dân thành phố Hà Tĩnh ban hành ... trên địa bàn thành phố Hà Tĩnh"
    assert resolve_jurisdiction("Hà Tĩnh", None, text, "2023").district_code == "436"


def test_ambiguous_district_is_disambiguated_by_the_province_in_the_text():
    text = "Căn cứ Kế hoạch của UBND tỉnh Tiền Giang ... trên địa bàn huyện Châu Thành"
    assert resolve_jurisdiction("Châu Thành", None, text, "2023-04-01") == Jurisdiction(
        "huyen", "Tiền Giang", "82", "Châu Thành", "821"
    )
    text = "Thực hiện Kế hoạch của UBND tỉnh Bến Tre; UBND huyện Châu Thành ban hành"
    assert resolve_jurisdiction("Châu Thành", None, text, "2023").district_code == "831"
    # no province named: level and name known, codes null
    j = resolve_jurisdiction("Châu Thành", "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH", "", "2023")
    assert j.level == "huyen" and j.district == "Châu Thành"
    assert j.province is None and j.province_code is None and j.district_code is None


def test_same_name_unit_types_in_one_province():
    # Kỳ Anh is a huyện and a thị xã of Hà Tĩnh
    assert resolve_jurisdiction("Kỳ Anh", "ỦY BAN NHÂN DÂN THỊ XÃ KỲ ANH", "", "2022").district_code == "449"
    assert resolve_jurisdiction("Kỳ Anh", "ỦY BAN NHÂN DÂN HUYỆN KỲ ANH", "", "2022").district_code == "447"


def test_after_the_2025_reform_there_are_no_districts():
    j = resolve_jurisdiction("Hà Tĩnh", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "", "2025-08-15")
    assert j == Jurisdiction("tinh", "Hà Tĩnh", "42")
    text = "Căn cứ Kế hoạch của UBND tỉnh Đồng Nai; UBND xã Xuân Lộc ban hành"
    j = resolve_jurisdiction("Xuân Lộc", "ỦY BAN NHÂN DÂN XÃ XUÂN LỘC", text, "2026-01-10")
    assert j == Jurisdiction("xa", "Đồng Nai", "75", None, None, "Xuân Lộc", "26425")
    # a huyện issuer in a 2026 plan cannot be a huyện
    j = resolve_jurisdiction("Xuân Lộc", "ỦY BAN NHÂN DÂN HUYỆN XUÂN LỘC", text, "2026")
    assert j is None or (j.level != "huyen" and j.district is None and j.district_code is None)
    # Vĩnh Bảo is now a commune of Hải Phòng
    j = resolve_jurisdiction("Vĩnh Bảo", None, "thành phố Hải Phòng", "2025-07")
    assert (j.level, j.province_code, j.district, j.commune_code) == ("xa", "31", None, "11824")
    # the same place line before the reform is the district
    j = resolve_jurisdiction("Vĩnh Bảo", None, "thành phố Hải Phòng", "2025-06")
    assert (j.level, j.district_code) == ("huyen", "316")


def test_commune_before_the_reform():
    j = resolve_jurisdiction("Xuân Trường", "ỦY BAN NHÂN DÂN XÃ XUÂN TRƯỜNG", "huyện Xuân Lộc, tỉnh Đồng Nai", "2023")
    assert (j.level, j.province_code, j.district_code, j.commune) == ("xa", "75", "741", "Xuân Trường")
    assert j.commune_code


def test_unresolved_is_none_or_null_fields():
    assert resolve_jurisdiction(None, None, "", None) is None
    assert resolve_jurisdiction("Nơi Không Có", None, "không có địa danh", "2024") is None
    j = resolve_jurisdiction("Nơi Không Có", "GIÁM ĐỐC SỞ NỘI VỤ", "", "2024")
    assert j == Jurisdiction(level="tinh")


def test_tone_placement_and_case_are_folded():
    assert fold_tone_placement("Hiệp Hoà, Thuỷ, Uỷ ban, quý, khoẻ, hoàng") == "Hiệp Hòa, Thủy, Ủy ban, quý, khỏe, hoàng"
    assert resolve_jurisdiction("HIỆP HOÀ", None, "", "2024").district_code == "223"
    assert resolve_jurisdiction("Thành phố Hải Phòng", None, "", "2024") == Jurisdiction("tinh", "Hải Phòng", "31")


def test_is_after_reform():
    assert not is_after_reform(None)
    assert not is_after_reform("2025")
    assert not is_after_reform("2025-06-30")
    assert is_after_reform("2025-07")
    assert is_after_reform("2025-07-01")
    assert is_after_reform("2026")


def test_gazetteer_is_complete():
    g = Gazetteer.get()
    assert len(g.legacy.provinces) == 63
    assert len(g.current.provinces) == 34
    assert len(g.legacy.districts) > 690
    assert not g.current.districts
    assert len(g.current.communes) > 3300
    assert g.unit("tinh", "01").name == "Hà Nội"
    assert "vietnamadminunits" in g.meta["source"]


def test_a_city_run_by_the_centre_is_a_province_whatever_the_issuer_says():
    from plan_extract.normalize.jurisdiction import resolve_jurisdiction

    j = resolve_jurisdiction(None, "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "", "2014-06-28")
    assert (j.level, j.province, j.district) == ("tinh", "Hồ Chí Minh", None)
    j = resolve_jurisdiction(None, "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "", "2025-11-24")
    assert (j.level, j.province) == ("tinh", "Hà Nội")
    # a city of a province stays a district-level unit
    j = resolve_jurisdiction("Thái Nguyên", "ỦY BAN NHÂN DÂN THÀNH PHỐ THÁI NGUYÊN", "", "2024-01-10")
    assert (j.level, j.district) == ("huyen", "Thái Nguyên")
