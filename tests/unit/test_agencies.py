"""Agency mentions: splitting, canonical names, registry matching (SPEC section 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_extract.model import AgencyMention, Jurisdiction
from plan_extract.normalize.agencies import (
    AgencyMatcher,
    AgencyRegistry,
    expand_abbreviations,
    split_mentions,
)

GOLD = Path(__file__).resolve().parents[1] / "gold"

XUAN_LOC = Jurisdiction(
    level="huyen", province="Đồng Nai", province_code="75", district="Xuân Lộc", district_code="741"
)
HIEP_HOA = Jurisdiction(
    level="huyen", province="Bắc Giang", province_code="24", district="Hiệp Hòa", district_code="223"
)
TAM_DUONG = Jurisdiction(
    level="huyen", province="Lai Châu", province_code="12", district="Tam Đường", district_code="106"
)
VINH_BAO = Jurisdiction(
    level="huyen", province="Hải Phòng", province_code="31", district="Vĩnh Bảo", district_code="316"
)
HA_TINH = Jurisdiction(level="tinh", province="Hà Tĩnh", province_code="42")

S, C, E = "specific", "collective", "external"
VP = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"
UB_XA = "Ủy ban nhân dân các xã, thị trấn"
UB_CAP_XA = "Ủy ban nhân dân cấp xã"
CQ_DV = "Các cơ quan, đơn vị thuộc Ủy ban nhân dân huyện"
LQ = "Các cơ quan, đơn vị liên quan"
VH = "Phòng Văn hóa và Thông tin"
VP_SO = "Văn phòng Sở Nội vụ"
PB = "Các phòng, ban, đơn vị thuộc Sở Nội vụ"


@pytest.fixture(scope="module")
def registry() -> AgencyRegistry:
    return AgencyRegistry.load()


def matcher(registry, jur, issuer=None) -> AgencyMatcher:
    return AgencyMatcher(registry, jur, issuer)


def names_kinds(ms: list[AgencyMention]) -> list[tuple[str, str]]:
    return [(m.name, m.kind) for m in ms]


# --------------------------------------------------------------------------- SPEC table

SPEC_HUYEN = [
    ("Văn phòng HĐND-UBND huyện", [(VP, S)]),
    ("- Phòng Văn hóa - Thông tin - Văn phòng HĐND và UBND huyện", [(VH, S), (VP, S)]),
    ("Phòng Văn Hoá và Thông tin", [(VH, S)]),
    (
        "Văn phòng HĐND và UBND huyện; Phòng Tài nguyên và Môi trường; Phòng Kinh tế và Hạ tầng",
        [(VP, S), ("Phòng Tài nguyên và Môi trường", S), ("Phòng Kinh tế và Hạ tầng", S)],
    ),
    ("Các cơ quan, đơn vị và UBND các xã, thị trấn", [(CQ_DV, C), (UB_XA, C)]),
    ("UBND cấp huyện, cấp xã", [("Ủy ban nhân dân huyện", S), (UB_CAP_XA, C)]),
    ("Các cơ quan, đơn vị liên quan quan", [(LQ, C)]),
    ("Doanh nghiệp cung ứng dịch vụ.", [("Doanh nghiệp cung ứng dịch vụ", E)]),
    ("Văn phòng UBND tỉnh", [("Văn phòng Ủy ban nhân dân tỉnh", S)]),
]


@pytest.mark.parametrize("cell,expected", SPEC_HUYEN)
def test_spec_examples_in_a_huyen_plan(registry, cell, expected):
    ms = matcher(registry, HIEP_HOA).mentions(cell)
    assert names_kinds(ms) == expected
    assert all(m.matched for m in ms)


def test_spec_van_phong_in_a_so_plan(registry):
    [m] = matcher(registry, HA_TINH, "GIÁM ĐỐC SỞ NỘI VỤ").mentions("Văn phòng")
    assert (m.name, m.kind, m.level, m.matched) == (VP_SO, S, "tinh", True)
    assert m.type_id == "van-phong-so"
    assert m.id == "tinh:42:so-noi-vu:van-phong-so"


def test_spec_van_phong_ubnd_tinh_is_never_the_huyen_office(registry):
    [m] = matcher(registry, XUAN_LOC).mentions("Văn phòng UBND tỉnh")
    assert (m.name, m.kind, m.level) == ("Văn phòng Ủy ban nhân dân tỉnh", S, "tinh")
    assert m.type_id == "van-phong-ubnd-tinh"
    assert m.id == "tinh:75:van-phong-ubnd-tinh"
    [h] = matcher(registry, XUAN_LOC).mentions("Văn phòng UBND huyện")
    assert (h.level, h.type_id) == ("huyen", "van-phong-hdnd-ubnd")


def test_level_is_a_hard_filter_not_a_penalty(registry, tmp_path):
    # a registry whose only string-close entry is the huyện office: a tỉnh mention must
    # stay unmatched, however close the string
    only = tmp_path / "only.json"
    only.write_text(
        json.dumps(
            [
                {
                    "type_id": "vp-huyen",
                    "name": "Văn phòng Ủy ban nhân dân {level}",
                    "kind": "specific",
                    "levels": ["huyen"],
                    "aliases": ["Văn phòng UBND"],
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    reg = AgencyRegistry([t for t in AgencyRegistry.load([only]).types.values() if t.type_id == "vp-huyen"])
    m = AgencyMatcher(reg, XUAN_LOC)
    [tinh] = m.mentions("Văn phòng UBND tỉnh")
    assert not tinh.matched and tinh.id is None and tinh.level == "tinh"
    [huyen] = m.mentions("Văn phòng UBND huyện")
    assert huyen.matched and huyen.level == "huyen" and huyen.score == 100


def test_id_is_qualified_by_jurisdiction(registry):
    [a] = matcher(registry, XUAN_LOC).mentions("Phòng Tư pháp")
    [b] = matcher(registry, HIEP_HOA).mentions("Phòng Tư pháp")
    assert a.type_id == b.type_id == "phong-tu-phap"
    assert a.id == "huyen:741:phong-tu-phap"
    assert b.id == "huyen:223:phong-tu-phap"
    assert a.id != b.id
    assert a.level == b.level == "huyen"


def test_name_without_level_takes_the_issuer_level(registry):
    m = matcher(registry, TAM_DUONG)
    [vp] = m.mentions("Văn phòng HĐND-UBND")
    assert (vp.name, vp.level, vp.id) == (VP, "huyen", "huyen:106:van-phong-hdnd-ubnd")
    [ubnd_tinh] = m.mentions("UBND tỉnh Lai Châu")
    assert (ubnd_tinh.name, ubnd_tinh.level, ubnd_tinh.id) == ("Ủy ban nhân dân tỉnh", "tinh", "tinh:12:ubnd")


def test_another_unit_named_in_the_mention_gets_its_own_id(registry):
    m = matcher(registry, HIEP_HOA)
    [other] = m.mentions("UBND huyện Lạng Giang")
    assert other.name == "Ủy ban nhân dân huyện Lạng Giang"
    assert other.id == "huyen:217:ubnd"
    [own] = m.mentions("UBND huyện Hiệp Hoà")
    assert own.name == "Ủy ban nhân dân huyện" and own.id == "huyen:223:ubnd"


def test_cap_huyen_in_a_province_plan_is_collective(registry):
    m = matcher(registry, HA_TINH, "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH")
    [a] = m.mentions("UBND cấp huyện")
    assert (a.name, a.kind, a.level) == ("Ủy ban nhân dân cấp huyện", C, "huyen")
    assert a.id == "tinh:42:ubnd-cap-huyen"
    [vp] = m.mentions("Văn phòng")
    assert vp.name == "Văn phòng Ủy ban nhân dân tỉnh"


def test_centrally_run_city(registry):
    m = matcher(registry, VINH_BAO, "ỦY BAN NHÂN DÂN HUYỆN VĨNH BẢO")
    [a] = m.mentions("UBND thành phố")
    assert (a.name, a.level, a.id) == ("Ủy ban nhân dân thành phố", "tinh", "tinh:31:ubnd")
    [b] = m.mentions("UBND huyện")
    assert (b.name, b.level, b.id) == ("Ủy ban nhân dân huyện", "huyen", "huyen:316:ubnd")


def test_central_and_provincial_bodies_in_a_huyen_plan(registry):
    m = matcher(registry, XUAN_LOC)
    [bo] = m.mentions("Bộ Nội vụ")
    assert (bo.name, bo.level, bo.id) == ("Bộ Nội vụ", "trung-uong", "trung-uong:bo-noi-vu")
    [so] = m.mentions("Sở Nội vụ tỉnh Đồng Nai")
    assert (so.name, so.level, so.id) == ("Sở Nội vụ", "tinh", "tinh:75:so-noi-vu")
    [cuc] = m.mentions("Cục Thuế")
    assert (cuc.name, cuc.level) == ("Cục Thuế tỉnh", "tinh")


# --------------------------------------------------------------------------- canonical names


@pytest.mark.parametrize(
    "mention,name",
    [
        ("Phòng VH-TT", VH),
        ("Phòng Văn Hoá - Thông Tin", VH),
        ("PHÒNG TƯ PHÁP", "Phòng Tư pháp"),
        ("Phòng LĐ-TB&XH", "Phòng Lao động - Thương binh và Xã hội"),
        ("Phòng GD&ĐT", "Phòng Giáo dục và Đào tạo"),
        ("Phòng NN&PTNT", "Phòng Nông nghiệp và Phát triển nông thôn"),
        ("Phòng TN&MT", "Phòng Tài nguyên và Môi trường"),
        ("Uỷ ban nhân dân huyện", "Ủy ban nhân dân huyện"),
        ("UBMTTQ huyện", "Ủy ban Mặt trận Tổ quốc Việt Nam huyện"),
        ("Trung tâm VH-TT&TT", "Trung tâm Văn hóa - Thông tin và Thể thao huyện"),
        ("Đài Truyền thanh – Truyền hình huyện", "Đài Truyền thanh - Truyền hình huyện"),
        ("Phòng Tư pháp.", "Phòng Tư pháp"),
        ("Phòng Tu phap", "Phòng Tư pháp"),  # typed without marks: fuzzy/loose match
    ],
)
def test_canonical_names(registry, mention, name):
    [m] = matcher(registry, XUAN_LOC).mentions(mention)
    assert m.name == name and m.matched


def test_abbreviation_expansion():
    assert expand_abbreviations("Văn phòng HĐND-UBND") == "Văn phòng Hội đồng nhân dân - Ủy ban nhân dân"
    assert (
        expand_abbreviations("giải quyết TTHC, CNTT, CCHC")
        == "giải quyết thủ tục hành chính, công nghệ thông tin, cải cách hành chính"
    )
    assert expand_abbreviations("Phòng VH - TT") == "Phòng Văn hóa - Thông tin"
    assert expand_abbreviations("Ban Biên tập Cổng TTĐT") == "Ban Biên tập Cổng Thông tin điện tử"


def test_raw_keeps_the_doubled_word_name_drops_it(registry):
    m = matcher(registry, VINH_BAO)
    ms = m.mentions("- Các cơ quan, đơn vị thuộc UBND huyện - UBND các xã, thị trấn trấn")
    assert [x.raw for x in ms] == ["Các cơ quan, đơn vị thuộc UBND huyện", "UBND các xã, thị trấn trấn"]
    assert [x.name for x in ms] == [CQ_DV, UB_XA]
    [x] = matcher(registry, TAM_DUONG).mentions("Các cơ quan, đơn vị liên quan quan")
    assert x.raw == "Các cơ quan, đơn vị liên quan quan" and x.name == LQ


def test_unmatched_mentions_are_kept_with_a_guessed_kind(registry):
    m = matcher(registry, XUAN_LOC)
    [a] = m.mentions("Các hộ kinh doanh cá thể")
    assert (a.matched, a.kind, a.id, a.type_id) == (False, C, None, None)
    [b] = m.mentions("Công ty Điện lực Xuân Lộc")
    assert (b.matched, b.kind, b.id) == (False, E, None)
    [c] = m.mentions("Ban Chỉ đạo 89 huyện")
    assert (c.matched, c.kind, c.level) == (False, S, "huyen")
    assert c.name == "Ban Chỉ đạo 89 huyện"
    for x in (a, b, c):
        assert 0 <= x.score < 85


def test_scores_are_0_to_100(registry):
    m = matcher(registry, XUAN_LOC)
    for x in m.mentions("Phòng Tư pháp; Phòng Tư phap; Các hộ gia đình; Văn phòng"):
        assert 0 <= x.score <= 100


def test_no_jurisdiction_still_matches(registry):
    m = AgencyMatcher(registry, None)
    [a] = m.mentions("Phòng Tư pháp")
    assert a.matched and a.type_id == "phong-tu-phap" and a.id == "phong-tu-phap"
    [b] = m.mentions("Văn phòng UBND tỉnh")
    assert b.level == "tinh" and b.type_id == "van-phong-ubnd-tinh"


# --------------------------------------------------------------------------- splitting


@pytest.mark.parametrize(
    "cell,parts",
    [
        ("UBND các xã, thị trấn", ["UBND các xã, thị trấn"]),
        ("Văn phòng HĐND và UBND huyện", ["Văn phòng HĐND và UBND huyện"]),
        (
            "Phòng Văn hoá và Thông tin, Văn phòng HĐND và UBND huyện",
            ["Phòng Văn hoá và Thông tin", "Văn phòng HĐND và UBND huyện"],
        ),
        (
            "- Phòng Văn hóa - Thông tin - Văn phòng HĐND và UBND huyện",
            ["Phòng Văn hóa - Thông tin", "Văn phòng HĐND và UBND huyện"],
        ),
        (
            "- Văn phòng HĐND và UBND huyện - Phòng Tài chính - Kế hoạch - Phòng Văn hóa - Thông tin",
            ["Văn phòng HĐND và UBND huyện", "Phòng Tài chính - Kế hoạch", "Phòng Văn hóa - Thông tin"],
        ),
        ("Văn phòng HĐND - UBND huyện", ["Văn phòng HĐND - UBND huyện"]),
        ("Phòng Văn hóa - Thông tin", ["Phòng Văn hóa - Thông tin"]),
        ("UBND cấp huyện, cấp xã", ["UBND cấp huyện", "UBND cấp xã"]),
        ("UBND cấp huyện; cấp xã", ["UBND cấp huyện", "UBND cấp xã"]),
        ("UBND cấp tỉnh, cấp huyện, cấp xã", ["UBND cấp tỉnh", "UBND cấp huyện", "UBND cấp xã"]),
        ("Các cơ quan, đơn vị và UBND các xã, thị trấn", ["Các cơ quan, đơn vị", "UBND các xã, thị trấn"]),
        ("Các phòng, ban, đơn vị", ["Các phòng, ban, đơn vị"]),
        ("Các tổ chức, cá nhân được kiểm tra", ["Các tổ chức, cá nhân được kiểm tra"]),
        ("Phòng Tư pháp<br>Phòng Nội vụ", ["Phòng Tư pháp", "Phòng Nội vụ"]),
        ("<ul><li>Phòng Tư pháp</li><li>UBND các xã</li></ul>", ["Phòng Tư pháp", "UBND các xã"]),
        ("Phòng Tư pháp\nPhòng Nội vụ;", ["Phòng Tư pháp", "Phòng Nội vụ"]),
        ("- Phòng Tư pháp\n- Phòng Nội vụ.", ["Phòng Tư pháp", "Phòng Nội vụ"]),
        (
            "Sở Nội vụ, Sở Tư pháp và UBND các huyện, thị xã, thành phố",
            ["Sở Nội vụ", "Sở Tư pháp", "UBND các huyện, thị xã, thành phố"],
        ),
        ("Ủy ban MTTQ và các đoàn thể huyện", ["Ủy ban MTTQ", "các đoàn thể huyện"]),
        ("Phòng Kinh tế và Hạ tầng", ["Phòng Kinh tế và Hạ tầng"]),
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("", []),
        ("  ;  ", []),
    ],
)
def test_split_mentions(cell, parts):
    assert split_mentions(cell) == parts


@given(st.text(alphabet=st.sampled_from(list("UBND ,;-–.\nvàVănphòngxãthịtrấncấphuyệnCácơquanđơnvị<br>")), max_size=80))
@settings(max_examples=300, deadline=None)
def test_split_and_match_never_crash(registry, text):
    parts = split_mentions(text)
    for p in parts:
        assert p and p == p.strip() and not p.endswith((".", ";", ","))
    m = AgencyMatcher(registry, HIEP_HOA)
    for x in m.mentions(text):
        assert isinstance(x, AgencyMention) and 0 <= x.score <= 100
        assert x.kind in ("specific", "collective", "external")
        assert (x.id is None) == (not x.matched)


# --------------------------------------------------------------------------- registry


def test_extra_registry_file_adds_a_type(tmp_path, registry):
    extra = tmp_path / "mine.json"
    extra.write_text(
        json.dumps(
            [
                {
                    "type_id": "ban-chi-dao-89",
                    "name": "Ban Chỉ đạo 89 {level}",
                    "kind": "specific",
                    "levels": ["huyen"],
                    "aliases": ["Ban Chỉ đạo 89", "BCĐ 89"],
                },
                {"type_id": "phong-tu-phap", "aliases": ["Phòng Pháp chế"]},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    reg = AgencyRegistry.load(extra_files=[extra])
    assert "ban-chi-dao-89" in reg and "ban-chi-dao-89" not in registry
    assert len(reg) == len(registry) + 1
    m = AgencyMatcher(reg, XUAN_LOC)
    [a] = m.mentions("BCĐ 89 huyện")
    assert (a.name, a.type_id, a.id, a.matched) == (
        "Ban Chỉ đạo 89 huyện",
        "ban-chi-dao-89",
        "huyen:741:ban-chi-dao-89",
        True,
    )
    [b] = m.mentions("Phòng Pháp chế")  # an alias added to a packaged type
    assert (b.name, b.type_id) == ("Phòng Tư pháp", "phong-tu-phap")
    [c] = m.mentions("Phòng Tư pháp")  # packaged aliases kept
    assert c.matched


def test_bad_registry_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"name": "no id"}]', encoding="utf-8")
    with pytest.raises(ValueError, match="type_id"):
        AgencyRegistry.load([bad])
    bad.write_text('[{"type_id": "x", "name": "X", "levels": ["vung"]}]', encoding="utf-8")
    with pytest.raises(ValueError, match="levels"):
        AgencyRegistry.load([bad])
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read"):
        AgencyRegistry.load([bad])


def test_packaged_registry_shape(registry):
    required = {
        "van-phong-hdnd-ubnd",
        "phong-noi-vu",
        "phong-tu-phap",
        "phong-tai-chinh-ke-hoach",
        "phong-van-hoa-va-thong-tin",
        "phong-tai-nguyen-va-moi-truong",
        "phong-kinh-te-va-ha-tang",
        "phong-kinh-te",
        "phong-quan-ly-do-thi",
        "phong-nong-nghiep-va-ptnt",
        "phong-lao-dong-tbxh",
        "phong-giao-duc-va-dao-tao",
        "phong-y-te",
        "thanh-tra",
        "trung-tam-van-hoa-thong-tin-the-thao",
        "dai-truyen-thanh",
        "cong-an",
        "bao-hiem-xa-hoi",
        "chi-cuc-thue",
        "kho-bac",
        "chi-nhanh-van-phong-dang-ky-dat-dai",
        "ubnd",
        "so-noi-vu",
        "so-tu-phap",
        "so-tai-chinh",
        "so-ke-hoach-va-dau-tu",
        "so-thong-tin-va-truyen-thong",
        "van-phong-ubnd-tinh",
        "van-phong-so",
        "cac-co-quan-don-vi",
        "ubnd-cac-xa",
        "cac-phong-ban-don-vi",
        "cac-co-quan-don-vi-lien-quan",
        "doanh-nghiep-cung-ung-dich-vu",
        "buu-dien",
    }
    assert required <= set(registry.types)
    for t in registry.types.values():
        assert t.kind in ("specific", "collective", "external")
        assert set(t.levels) <= {"tinh", "huyen", "xa", "trung-uong"}


# --------------------------------------------------------------------------- the five samples
# Every distinct lead / support cell of tests/gold/*.json, with what an analyst expects.

SAMPLES: dict[str, tuple[Jurisdiction, str | None, dict[str, list[tuple[str, str]]]]] = {
    "xuan-loc-2022-cai-cach-hanh-chinh": (
        XUAN_LOC,
        None,
        {
            "Phòng Tư pháp": [("Phòng Tư pháp", S)],
            "Các cơ quan, đơn vị, UBND các xã, thị trấn": [(CQ_DV, C), (UB_XA, C)],
            "Văn phòng HĐND và UBND huyện": [(VP, S)],
            "Các cơ quan, đơn vị, UBND các xã, thị trấn trần": [(CQ_DV, C), (UB_XA, C)],
            "Văn phòng HĐND và UBND huyện; Phòng Tài nguyên và Môi trường; Phòng Kinh tế và Hạ tầng; "
            "Văn phòng đăng ký đất đai tỉnh Đồng Nai - chi nhánh Xuân Lộc": [
                (VP, S),
                ("Phòng Tài nguyên và Môi trường", S),
                ("Phòng Kinh tế và Hạ tầng", S),
                ("Chi nhánh Văn phòng Đăng ký đất đai huyện", S),
            ],
            "Phòng Nội vụ": [("Phòng Nội vụ", S)],
            "Phòng Tài chính - Kế hoạch": [("Phòng Tài chính - Kế hoạch", S)],
            "Các cơ quan, đơn vị, UBND các xã, thị trấn; Trường học": [(CQ_DV, C), (UB_XA, C), ("Các trường học", C)],
            "Phòng Văn hóa - Thông tin": [(VH, S)],
        },
    ),
    "hiep-hoa-2024-kiem-soat-tthc": (
        HIEP_HOA,
        None,
        {
            "Các cơ quan, đơn vị và UBND các xã, thị trấn": [(CQ_DV, C), (UB_XA, C)],
            "Văn phòng HĐND và UBND huyện": [(VP, S)],
            "Văn phòng UBND huyện": [(VP, S)],
            "Phòng Tư pháp": [("Phòng Tư pháp", S)],
            "Phòng Nội vụ": [("Phòng Nội vụ", S)],
            "Văn phòng UBND huyện; Phòng Văn Hoá và Thông tin": [(VP, S), (VH, S)],
            "Phòng Văn Hoá và Thông tin": [(VH, S)],
            "Phòng Văn hoá và Thông tin, Văn phòng HĐND và UBND huyện": [(VH, S), (VP, S)],
            "Phòng Tư pháp, UBND các xã, thị trấn": [("Phòng Tư pháp", S), (UB_XA, C)],
            "Các cơ quan, đơn vị liên quan": [(LQ, C)],
        },
    ),
    "tam-duong-2021-de-an-468": (
        TAM_DUONG,
        None,
        {
            "Văn phòng HĐND-UBND huyện": [(VP, S)],
            "Các phòng chuyên môn huyện; UBND cấp xã, thị trấn": [
                ("Các phòng chuyên môn thuộc Ủy ban nhân dân huyện", C),
                (UB_CAP_XA, C),
            ],
            "Các phòng chuyên môn huyện, UBND cấp xã": [
                ("Các phòng chuyên môn thuộc Ủy ban nhân dân huyện", C),
                (UB_CAP_XA, C),
            ],
            "UBND huyện, UBND xã, thị trấn": [("Ủy ban nhân dân huyện", S), (UB_XA, C)],
            "Các cơ quan, đơn vị liên quan.": [(LQ, C)],
            "UBND huyện, UBND xã, thị trấn UBND cấp xã": [("Ủy ban nhân dân huyện", S), (UB_XA, C), (UB_CAP_XA, C)],
            "Các cơ quan, đơn vị liên quan": [(LQ, C)],
            "Văn phòng HĐND và UBND huyện; UBND cấp xã, thị trấn": [(VP, S), (UB_CAP_XA, C)],
            "Doanh nghiệp cung ứng dịch vụ.": [("Doanh nghiệp cung ứng dịch vụ", E)],
            "Văn phòng HĐND-UBND huyện; UBND cấp xã": [(VP, S), (UB_CAP_XA, C)],
            "Bộ phận Một cửa các cấp và các cơ quan, đơn vị liên quan": [("Bộ phận Một cửa các cấp", C), (LQ, C)],
            "UBND cấp huyện, cấp xã;": [("Ủy ban nhân dân huyện", S), (UB_CAP_XA, C)],
            "Các cơ quan, đơn vị liên quan quan": [(LQ, C)],
            "UBND cấp xã; các cơ quan, đơn vị liên quan": [(UB_CAP_XA, C), (LQ, C)],
            "UBND cấp huyện; cấp xã": [("Ủy ban nhân dân huyện", S), (UB_CAP_XA, C)],
            "Văn phòng HĐND-UBND": [(VP, S)],
            "Các phòng chuyên môn UBND huyện; UBND cấp xã.": [
                ("Các phòng chuyên môn thuộc Ủy ban nhân dân huyện", C),
                (UB_CAP_XA, C),
            ],
            "UBND cấp huyện, cấp xã": [("Ủy ban nhân dân huyện", S), (UB_CAP_XA, C)],
            "Các cơ quan, đơn vị có liên quan": [(LQ, C)],
            "Các cơ quan liên quan": [("Các cơ quan liên quan", C)],
            "UBND cấp huyện, cấp xã, các cơ quan đơn vị cấp xã": [
                ("Ủy ban nhân dân huyện", S),
                (UB_CAP_XA, C),
                ("Các cơ quan, đơn vị cấp xã", C),
            ],
            "Đài Truyền thanh – Truyền hình huyện": [("Đài Truyền thanh - Truyền hình huyện", S)],
            "UBND cấp xã; các cơ quan có liên quan": [(UB_CAP_XA, C), ("Các cơ quan liên quan", C)],
            "Văn phòng HĐND - UBND huyện": [(VP, S)],
            "UBND cấp huyện, cấp xã; các cơ quan có liên quan.": [
                ("Ủy ban nhân dân huyện", S),
                (UB_CAP_XA, C),
                ("Các cơ quan liên quan", C),
            ],
        },
    ),
    "vinh-bao-2024-kiem-soat-tthc": (
        VINH_BAO,
        "ỦY BAN NHÂN DÂN HUYỆN VĨNH BẢO",
        {
            "- Các cơ quan, đơn vị thuộc UBND huyện - UBND các xã, thị trấn": [(CQ_DV, C), (UB_XA, C)],
            "Văn phòng HĐND và UBND huyện": [(VP, S)],
            "- Văn phòng HĐND và UBND huyện - Phòng Văn hóa - Thông tin": [(VP, S), (VH, S)],
            "- Phòng Văn hóa - Thông tin - Văn phòng HĐND và UBND huyện": [(VH, S), (VP, S)],
            "- Các cơ quan, đơn vị thuộc UBND huyện - UBND các xã, thị trấn trấn": [(CQ_DV, C), (UB_XA, C)],
            "- Văn phòng HĐND và UBND huyện - Phòng Tài chính - Kế hoạch - Phòng Văn hóa - Thông tin": [
                (VP, S),
                ("Phòng Tài chính - Kế hoạch", S),
                (VH, S),
            ],
            "- Văn phòng HĐND và UBND huyện - Phòng Nội vụ - Phòng Tư pháp": [
                (VP, S),
                ("Phòng Nội vụ", S),
                ("Phòng Tư pháp", S),
            ],
            "- Phòng Văn hóa - Thông tin - Trung tâm Văn hóa - Thông tin và Thể thao": [
                (VH, S),
                ("Trung tâm Văn hóa - Thông tin và Thể thao huyện", S),
            ],
            "Các cơ quan, đơn vị, địa phương liên quan": [("Các cơ quan, đơn vị, địa phương liên quan", C)],
        },
    ),
    "ha-tinh-so-noi-vu-2024-kiem-soat-tthc": (
        HA_TINH,
        "GIÁM ĐỐC SỞ NỘI VỤ",
        {
            "Văn phòng": [(VP_SO, S)],
            "Các phòng, ban, đơn vị": [(PB, C)],
            "Các phòng, ban, đơn vị được giao giải quyết TTHC": [
                ("Các phòng, ban, đơn vị được giao giải quyết thủ tục hành chính", C)
            ],
            "Các phòng, ban được giao chủ trì tham mưu": [("Các phòng, ban được giao chủ trì tham mưu", C)],
            "Các phòng, ban, đơn vị liên quan": [("Các phòng, ban, đơn vị liên quan", C)],
            "Các phòng, ban, đơn vị được giao chủ trì tham mưu": [
                ("Các phòng, ban, đơn vị được giao chủ trì tham mưu", C)
            ],
            "Sở Tư pháp; Văn phòng UBND tỉnh; Các phòng, ban, đơn vị thuộc và trực thuộc Sở, các đơn vị liên quan": [
                ("Sở Tư pháp", S),
                ("Văn phòng Ủy ban nhân dân tỉnh", S),
                ("Các phòng, ban, đơn vị thuộc và trực thuộc Sở", C),
                ("Các đơn vị liên quan", C),
            ],
            "Các phòng, ban, đơn vị thuộc và trực thuộc Sở": [("Các phòng, ban, đơn vị thuộc và trực thuộc Sở", C)],
            "Văn phòng, chuyên trách CNTT": [(VP_SO, S), ("Công chức chuyên trách công nghệ thông tin", S)],
            "Văn phòng Sở; Các phòng, ban, đơn vị được giao giải quyết TTHC": [
                (VP_SO, S),
                ("Các phòng, ban, đơn vị được giao giải quyết thủ tục hành chính", C),
            ],
            "Các phòng, ban, đơn vị có TTHC": [("Các phòng, ban, đơn vị có thủ tục hành chính", C)],
            "Các tổ chức, cá nhân được kiểm tra": [("Các tổ chức, cá nhân được kiểm tra", E)],
            "Văn phòng; Ban Biên tập Cổng TTĐT": [(VP_SO, S), ("Ban Biên tập Cổng Thông tin điện tử", S)],
            "Nhân viên Bưu điện tại Trung tâm PV HCC tỉnh; công chức, viên chức tại các phòng, ban, đơn vị": [
                ("Nhân viên Bưu điện tại Trung tâm Phục vụ hành chính công tỉnh", E),
                ("Công chức, viên chức tại các phòng, ban, đơn vị", C),
            ],
            "Văn phòng; chuyên trách CNTT": [(VP_SO, S), ("Công chức chuyên trách công nghệ thông tin", S)],
            "Văn phòng; các phòng, cá nhân liên quan": [(VP_SO, S), ("Các phòng, cá nhân liên quan", C)],
            "Văn phòng Sở": [(VP_SO, S)],
            "Các phòng, đơn vị thuộc Sở.": [("Các phòng, đơn vị thuộc Sở", C)],
            "Các phòng, ban, đơn v có TTHC": [("Các phòng, ban, đơn v có thủ tục hành chính", C)],
        },
    ),
}

SAMPLE_CASES = [(doc, cell) for doc, (_, _, cells) in SAMPLES.items() for cell in cells]


def test_every_gold_cell_has_an_expectation():
    for f in sorted(GOLD.glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        doc = data["doc_id"]
        cells = {t[k] for t in data["tasks"] for k in ("lead", "support") if t.get(k)}
        assert doc in SAMPLES, doc
        missing = cells - set(SAMPLES[doc][2])
        assert not missing, (doc, missing)
    assert len(SAMPLE_CASES) >= 70


@pytest.mark.parametrize("doc,cell", SAMPLE_CASES)
def test_sample_cells(registry, doc, cell):
    jur, issuer, cells = SAMPLES[doc]
    ms = matcher(registry, jur, issuer).mentions(cell)
    assert names_kinds(ms) == cells[cell]
    for m in ms:
        assert m.matched, m
        assert m.type_id and m.id and m.score >= 85
        assert m.raw and m.raw in cell or m.raw.startswith("UBND cấp")  # ellipsis borrows the head
        if m.kind == "specific":
            assert m.level in ("tinh", "huyen", "xa")
        # ids are scoped by the sample's own unit
        code = jur.district_code or jur.province_code
        assert m.id.split(":")[1] in (code, jur.province_code)
