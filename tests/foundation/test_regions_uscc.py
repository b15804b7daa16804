"""Province spellings → GB/T 2260 codes; GB 32100 check characters."""

import pytest

from industrial_brain.errors import InputError
from industrial_brain.reference.regions import region_code, region_codes
from industrial_brain.reference.uscc import (
    is_valid_uscc,
    organisation_code_check,
    uscc_check_char,
    uscc_problem,
)


@pytest.mark.parametrize(
    "spelling, code",
    [
        ("北京", "110000"),
        ("北京市", "110000"),
        ("Beijing", "110000"),
        ("beijing", "110000"),
        (" Beijing ", "110000"),
        ("内蒙古自治区", "150000"),
        ("内蒙古", "150000"),
        ("Inner Mongolia", "150000"),
        ("Nei Mongol", "150000"),
        ("新疆维吾尔自治区", "650000"),
        ("新疆", "650000"),
        ("Xinjiang", "650000"),
        ("Xinjiang Uygur Autonomous Region", "650000"),
        ("广西壮族自治区", "450000"),
        ("广西", "450000"),
        ("Guangxi", "450000"),
        ("宁夏回族自治区", "640000"),
        ("西藏自治区", "540000"),
        ("西藏", "540000"),
        ("Tibet", "540000"),
        ("Xizang", "540000"),
        ("Shaanxi", "610000"),
        ("陕西省", "610000"),
        ("Shanxi", "140000"),
        ("山西", "140000"),
        ("Hebei Province", "130000"),
        ("重庆市", "500000"),
        ("Heilongjiang", "230000"),
        ("黑龙江省", "230000"),
        ("香港特别行政区", "810000"),
        ("Hong Kong", "810000"),
        ("Macau", "820000"),
        ("澳门", "820000"),
        ("台湾", "710000"),
        ("110000", "110000"),
        (110000, "110000"),
        ("11", "110000"),
        (650000.0, "650000"),
    ],
)
def test_every_province_form(spelling, code):
    assert region_code(spelling) == code


def test_all_31_short_and_full_names_map_uniquely():
    from industrial_brain.reference.regions import province_table

    t = province_table()
    for col in ("name_zh", "name_zh_short", "name_en", "code"):
        assert [region_code(v) for v in t[col]] == list(t["code"])


@pytest.mark.parametrize("bad", ["National", "Eastern Region", "Atlantis", "", None, "1100"])
def test_unknown_region(bad):
    assert region_code(bad) is None


def test_region_codes_error_names_row_and_column():
    with pytest.raises(InputError) as e:
        region_codes(["北京", "Hebei", "Atlantis"], file="f.csv", column="省份")
    assert str(e.value).startswith("f.csv: row 4, column '省份': unknown region (found 'Atlantis'")


# GB 32100: weights 3^(i-1) mod 31; check = 31 - (Σ mod 31), 31 → 0.
# Hand-check for "91350100M000100Y4": values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4 with weights
# 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 → Σ = 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640;
# 1640 mod 31 = 28; 31 − 28 = 3.
def test_check_char_hand_solved():
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91110000802100433B", "91110108551385082Q", "91440300708461136T"]
)
def test_valid_codes(code):
    assert is_valid_uscc(code), uscc_problem(code)


@pytest.mark.parametrize(
    "code, why",
    [
        ("91350100M000100Y44", "check character"),
        ("91110000802100433C", "check character"),
        ("9135010OM000100Y43", "not allowed"),
        ("91350100M000100Y4", "17 characters"),
        ("91350100M000100Y433", "19 characters"),
        ("9135010IM000100Y43", "not allowed"),
        ("91ABCDEFM000100Y43", "6-digit"),
        (12345, "not a text"),
    ],
)
def test_invalid_codes(code, why):
    assert not is_valid_uscc(code)
    assert why in uscc_problem(code)


def test_lower_case_is_accepted_as_upper():
    assert is_valid_uscc("91350100m000100y43")


def test_embedded_organisation_code_check():
    # GB 11714: body 80210043 (check digit 3 in the USCC above) → weights 3,7,9,10,5,8,4,2
    # over 8,0,2,1,0,0,4,3:
    # 24+0+18+10+0+0+16+6 = 74; 74 mod 11 = 8; 11 − 8 = 3.
    assert organisation_code_check("80210043") == "3"
