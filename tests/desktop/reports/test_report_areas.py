"""The area of a citizen's address, as the unit catalog knows the communes and wards after 2025."""

from __future__ import annotations

from reports.areas import UNKNOWN_AREA, AreaResolver, CatalogArea

CATALOG = [
    CatalogArea("ubnd-tp-cao-lanh", "UBND Thành phố Cao Lãnh", "huyen", active=False),
    CatalogArea("ubnd-huyen-cao-lanh", "UBND huyện Cao Lãnh", "huyen", active=False),
    CatalogArea("ubnd-phuong-1", "UBND Phường 1", "xa", active=False, merged_into="ubnd-phuong-cao-lanh"),
    CatalogArea("ubnd-phuong-10", "UBND Phường 10", "xa"),
    CatalogArea("ubnd-phuong-cao-lanh", "UBND phường Cao Lãnh", "xa"),
    CatalogArea("so-y-te", "Sở Y tế", "so_nganh"),
    CatalogArea("ubnd-xa-a", "UBND xã A", "xa", active=False, merged_into="ubnd-xa-b"),
    CatalogArea("ubnd-xa-b", "UBND xã B", "xa", active=False, merged_into="ubnd-xa-a"),  # a typo's cycle
]


def test_the_commune_wins_over_the_district_and_a_merged_ward_counts_where_it_went() -> None:
    areas = AreaResolver(CATALOG)
    assert areas.code_of("Số 3, Phường 1, TP. Cao Lãnh") == "ubnd-phuong-cao-lanh"
    assert areas.code_of("so 3 phuong 10 thanh pho cao lanh") == "ubnd-phuong-10"  # not Phường 1
    assert areas.code_of("Ấp 4, H. Cao Lãnh") == "ubnd-huyen-cao-lanh"  # the district, spelt short
    assert areas.code_of("TP Cao Lãnh") == "ubnd-tp-cao-lanh"  # not the district of the same name
    assert areas.name_of("ubnd-phuong-cao-lanh") == "Phường Cao Lãnh"


def test_an_address_naming_no_area_and_a_department_are_not_areas() -> None:
    areas = AreaResolver(CATALOG)
    assert areas.code_of("") is None
    assert areas.code_of("Sở Y tế, Cao Lãnh") is None
    assert areas.name_of(None) == UNKNOWN_AREA


def test_a_cycle_of_merges_in_the_catalog_ends() -> None:
    assert AreaResolver(CATALOG).code_of("xã A") in {"ubnd-xa-a", "ubnd-xa-b"}
