"""The screening finds every problem PROVENANCE.md lists in the embedded default data.

Each test names the PROVENANCE section it checks. Province codes: 110000 Beijing, 120000 Tianjin,
130000 Hebei, 150000 Inner Mongolia, 210000 Liaoning, 220000 Jilin, 230000 Heilongjiang,
320000 Jiangsu, 330000 Zhejiang, 340000 Anhui, 370000 Shandong, 410000 Henan, 440000 Guangdong,
460000 Hainan, 540000 Tibet, 630000 Qinghai, 640000 Ningxia.
"""

from __future__ import annotations

import pandas as pd
import pytest
from _quality_data import indicators, panel, provincial_io, provincial_io_flows

from industrial_brain.quality import KINDS, NOTE_COLUMNS, SEVERITIES, screen_io_flows, screen_panel


@pytest.fixture(scope="module")
def notes() -> dict[str, pd.DataFrame]:
    out = {}
    for name in ("econ_energy", "digital_innovation", "gdp_three_sectors", "carbon"):
        obs = panel(name)
        out[name] = screen_panel(obs, name, indicators(obs))
    return out


@pytest.fixture(scope="module")
def io_notes() -> pd.DataFrame:
    frames = [
        screen_io_flows(
            provincial_io_flows(a), dataset_id="cn_provincial_io_2017", region_code=str(a), year=2017
        )
        for a in provincial_io()["adcode"].unique()
    ]
    return pd.concat(frames, ignore_index=True)


def _cells(n: pd.DataFrame, kind: str, indicator: str | None = None, severity: str | None = None) -> set:
    sel = n[n["kind"] == kind]
    if indicator is not None:
        sel = sel[sel["indicator_code"] == indicator]
    if severity is not None:
        sel = sel[sel["severity"] == severity]
    return {(r, None if pd.isna(y) else int(y)) for r, y in zip(sel["region_code"], sel["year"])}


def test_notes_have_the_quality_note_schema(notes, io_notes):
    for n in [*notes.values(), io_notes]:
        assert list(n.columns) == list(NOTE_COLUMNS)
        assert set(n["kind"]) <= set(KINDS)
        assert set(n["severity"]) <= set(SEVERITIES)
        assert n["found_by"].str.startswith("screening:").all()
        assert n["detail"].str.len().gt(20).all()


# --- §1a / §5 #4: population definition breaks ------------------------------------------------------
def test_population_breaks(notes):
    found = _cells(notes["econ_energy"], "level_break", "population_10k", "warning")
    # Guangdong 8886 (2014) -> 11678 (2015); Zhejiang 2015 +23 %; Henan 2015 -12.6 %
    assert {("440000", 2015), ("330000", 2015), ("410000", 2015)} <= found
    # Sichuan loses Chongqing in 1997 (§5 #4: Sichuan includes Chongqing before 1997)
    assert ("510000", 1997) in found


# --- §5 #3: Beijing 2011–2017 (not 2013) secondary + tertiary > GDP ----------------------------------
def test_beijing_parts_exceed_gdp(notes):
    found = _cells(notes["econ_energy"], "identity", "gdp_100m_cny", "error")
    beijing = {y for r, y in found if r == "110000"}
    assert beijing == {2011, 2012, 2014, 2015, 2016, 2017}


# --- §5 #1: wrong GDP / secondary / tertiary values in econ_energy ---------------------------------------
@pytest.mark.parametrize("code", ["gdp_100m_cny", "secondary_va_100m_cny", "tertiary_va_100m_cny"])
def test_wrong_2021_2022_values_are_errors(notes, code):
    found = _cells(notes["econ_energy"], "outlier", code, "error")
    for region in ("320000", "130000", "370000", "460000"):  # Jiangsu, Hebei, Shandong, Hainan
        assert {(region, 2021), (region, 2022)} <= found, region
    # the years either side are right and are not flagged
    assert ("320000", 2020) not in found and ("320000", 2023) not in found


def test_anhui_2024_gdp(notes):
    n = notes["econ_energy"]
    # 625.5 between 47 051 and 52 989
    assert ("340000", 2024) in _cells(n, "outlier", "gdp_100m_cny", "error")
    assert ("340000", 2025) not in _cells(n, "outlier", "gdp_100m_cny")
    assert ("340000", 2024) in _cells(n, "identity", "gdp_100m_cny", "error")  # parts 74× the total


def test_jiangsu_2021_detail_names_the_values(notes):
    n = notes["econ_energy"]
    row = n[
        (n.kind == "outlier")
        & (n.indicator_code == "gdp_100m_cny")
        & (n.region_code == "320000")
        & (n.year == 2021)
    ].iloc[0]
    assert "21,372" in row.detail and "102,808" in row.detail and "128,222" in row.detail


# --- §1a: partial 2023–2025 -----------------------------------------------------------------------
def test_partial_years(notes):
    n = notes["econ_energy"]
    part = n[n.kind == "partial_year"]
    assert sorted(part["year"].astype(int)) == [2023, 2024, 2025]
    assert part["indicator_code"].isna().all() and part["region_code"].isna().all()
    assert "co2_apparent_mt" in part[part.year == 2023].iloc[0].detail
    for name in ("digital_innovation", "gdp_three_sectors", "carbon"):  # complete panels
        assert not (notes[name].kind == "partial_year").any()


# --- §1c / §5 #6: 2013 three-sector sums fail in all 31 rows, other years hold ------------------------
def test_three_sector_sum_2013(notes):
    n = notes["gdp_three_sectors"]
    ident = n[n.kind == "identity"]
    assert set(ident["year"].astype(int)) == {2013}
    assert ident["region_code"].nunique() == 31
    assert set(ident["severity"]) == {"warning"}  # 0.1–1.5 %: mixed vintages, not a wrong value


# --- §5 #2: GDP vintage breaks in the three-sector file ------------------------------------------------
def test_gdp_vintage_breaks(notes):
    found = _cells(notes["gdp_three_sectors"], "level_break", "grp_100m_cny", "warning")
    # Tianjin 2019 ×0.75, Jilin 2019 ×0.78, Liaoning 2016 ×0.78, Heilongjiang 2019 ×0.83,
    # Inner Mongolia 2017 ×0.89
    assert {("120000", 2019), ("220000", 2019), ("210000", 2016), ("230000", 2019), ("150000", 2017)} <= found


# --- §1b / §5 #5: telecom price-base breaks, common to every province ----------------------------------
def test_telecom_common_breaks(notes):
    n = notes["digital_innovation"]
    common = n[(n.kind == "level_break") & (n.indicator_code == "telecom_volume") & n.region_code.isna()]
    years = set(common["year"].astype(int))
    assert {2016, 2021} <= years
    d2016 = common[common.year == 2016].iloc[0].detail
    assert "×0.68" in d2016  # median ratio 0.68 across provinces (§5 #5)
    # no province-level break is reported for the common one (it is removed by the year median)
    regional = n[(n.kind == "level_break") & (n.indicator_code == "telecom_volume") & n.region_code.notna()]
    assert not (regional.year == 2016).any()


# --- §1b: duplicated column and implausible scale -------------------------------------------------------
def test_openness_equals_industrialization(notes):
    n = notes["digital_innovation"]
    dup = n[n.kind == "duplicate_column"]
    assert set(dup["indicator_code"]) == {"openness_level", "industrialization_level"}
    assert set(dup["severity"]) == {"error"}


def test_scale_columns(notes):
    n = notes["digital_innovation"]
    assert set(n[n.kind == "scale"]["indicator_code"]) == {"industrial_structure", "population_density"}
    for name in ("econ_energy", "gdp_three_sectors", "carbon"):
        assert not (notes[name].kind == "scale").any()


# --- §5 #13: Ningxia 2013 total profit negative (a loss: info, not an error) ------------------------
def test_ningxia_negative_profit(notes):
    n = notes["digital_innovation"]
    neg = n[n.kind == "negative"]
    assert list(zip(neg.indicator_code, neg.region_code, neg.year.astype(int), neg.severity)) == [
        ("total_profit_100m_cny", "640000", 2013, "info")
    ]


# --- beyond PROVENANCE: carried-forward values (reported to the lead) ---------------------------------
def test_carried_forward_investment_columns(notes):
    n = notes["digital_innovation"]
    rep = n[(n.kind == "repeated_value") & (n.indicator_code == "fixed_asset_investment")]
    assert rep["region_code"].nunique() >= 25  # 2016 value repeated 2017–2022 in most provinces
    assert (rep["year"] == 2017).sum() >= 25


# --- §5 #9 and #10: provincial IO tables -----------------------------------------------------------------
def test_zero_output_sectors(io_notes):
    z = io_notes[io_notes.kind == "io_undefined_coefficient"]
    assert len(z) == 22  # "22 sector cells have zero (or ~1e-9) output"
    # PROVENANCE says "across 13 provinces, 8 of them in Tibet"; the staged file has 12 provinces and
    # 9 cells in Tibet (sec02, 03, 11, 16, 18, 20, 21, 22, 23) — the count of cells agrees.
    assert z["region_code"].nunique() == 12
    assert set(z[z.region_code == "540000"]["indicator_code"]) == {
        "sec02",
        "sec03",
        "sec11",
        "sec16",
        "sec18",
        "sec20",
        "sec21",
        "sec22",
        "sec23",
    }
    assert ("360000", "sec03") in set(zip(z.region_code, z.indicator_code))  # Jiangxi 5.1e-9
    assert set(z["severity"]) == {"warning"}


def test_hainan_sector_18_negative_value_added(io_notes):
    v = io_notes[io_notes.kind == "io_negative_value_added"]
    assert list(zip(v.region_code, v.indicator_code)) == [("460000", "sec18")]
    assert "-39,148" in v.iloc[0].detail and "1.067" in v.iloc[0].detail


def test_negative_value_added_components(io_notes):
    neg = io_notes[io_notes.kind == "negative"]
    counts = neg["indicator_code"].str.split(":").str[0].value_counts().to_dict()
    assert counts == {"VA004": 96, "VA002": 22, "VA003": 1}
    # depreciation cannot be negative (Qinghai sector 11): warning; subsidies and losses: info
    strict = neg[neg.severity == "warning"]
    assert list(zip(strict.region_code, strict.indicator_code)) == [("630000", "VA003:sec11")]
    assert set(neg[neg.severity != "warning"]["severity"]) == {"info"}
