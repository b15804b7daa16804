"""The indicator library, series with national and group lines, watchlists, region boards (services).

Hand numbers from the embedded panel file itself (econ_energy_panel_1990_2025__clean.csv): Hubei's
GDP fell from 45,828.31 (2019) to 43,443.46 (2020) × 10^8 CNY, −5.20 %; the 31 provinces summed to
1,019,130.63 in 2020 and seven of them were larger than Hubei (rank 8).
"""

from __future__ import annotations

import shutil
from importlib.resources import files

import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.services import board, catalog, indicators
from industrial_brain.services.accounts import add_user
from industrial_brain.services.macro import run_macro
from industrial_brain.store import Store

CSV = files("industrial_brain").joinpath("data/panels/econ_energy_panel_1990_2025__clean.csv")


@pytest.fixture(scope="module")
def lib_store(default_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("lib") / "lib.duckdb"
    shutil.copy(default_db, path)
    s = Store(path)
    run = run_macro(s)
    add_user(s, "ana", "a-long-enough-password-1", "analyst")
    yield s, run.run_id
    s.close()


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(CSV)


def test_search_finds_names_in_either_language_and_engine_outputs(lib_store):
    s, _ = lib_store
    zh = indicators.library(s, search="耦合协调", lang="zh")
    assert set(zh["code"]) == {"D", "level"}
    assert zh.set_index("code").loc["D", "name"] == "耦合协调度 D"
    en = indicators.library(s, search="raw coal")
    assert en["code"].tolist() == ["raw_coal_output_10k_t"]
    assert en["unit_label"].iloc[0] == "10^4 t"
    assert indicators.library(s, search="raw coal", lang="zh")["unit_label"].iloc[0] == "万吨"
    gini = indicators.library(s, tag="gini")
    assert set(gini["code"]) == {"dagum.D.G_jj", "dagum.D.G_jh", "dagum.D.share_*"}
    assert set(indicators.library(s, source="io")["kind"]) <= {"io", "panel"}
    assert len(indicators.library(s, dimension="coordination")) == 4  # C, T, D, level


def test_stored_rows_carry_provenance_coverage_quality_and_flags(lib_store):
    s, _ = lib_store
    lib = indicators.library(s).set_index(["code", "dataset_id"])
    gdp = lib.loc[("gdp_100m_cny", "econ_energy_1990_2025")]
    assert (gdp["year_min"], gdp["year_max"], gdp["regions"]) == (1990, 2025, 31)
    assert gdp["unit"] == "10^8 CNY" and "NBS" in gdp["department"] and "headline" in gdp["tags"]
    assert gdp["licence"].startswith("no licence stated")
    notes = catalog.quality_notes(s, "econ_energy_1990_2025")
    mine = notes[notes["indicator_code"] == "gdp_100m_cny"]
    assert gdp["quality_notes"] == len(mine) and gdp["quality_errors"] == (mine["severity"] == "error").sum()
    # the screening found the openness column a copy of the industrialisation column
    assert "duplicated" in lib.loc[("openness_level", "digital_innovation_2013_2022"), "flags"]
    assert "undocumented" in lib.loc[("fixed_asset_investment", "digital_innovation_2013_2022"), "flags"]
    assert lib.loc[("population_10k", "econ_energy_1990_2025"), "flags"].count("undocumented") == 0


def test_one_indicator_gathers_its_sources_and_notes_and_families_resolve(lib_store):
    s, _ = lib_store
    d = indicators.indicator(s, "gdp_100m_cny")
    assert [x["dataset_id"] for x in d["sources"]] == ["econ_energy_1990_2025"]
    assert d["quality"] and d["quality"][0]["severity"] == "error"  # errors first
    ob = indicators.indicator(s, "obstacle.digital.x1")
    assert ob["family"] == "obstacle.*" and ob["kind"] == "macro"
    with pytest.raises(InputError, match="unknown indicator"):
        indicators.indicator(s, "no_such_code")


def test_series_has_hand_checked_national_and_group_lines(lib_store, raw):
    s, _ = lib_store
    sr = indicators.series(s, "gdp_100m_cny", region="420000")
    assert sr["national_method"] == "sum" and sr["group"] == "Central"
    d = sr["data"].set_index("year")
    assert d.loc[2020, "value"] == 43443.46 and d.loc[2019, "value"] == 45828.31
    assert round(d.loc[2020, "value"] / d.loc[2019, "value"] - 1, 4) == -0.052
    y20 = raw[raw["year"] == 2020]
    assert d.loc[2020, "national"] == pytest.approx(1019130.63) == pytest.approx(y20["gdp_100m_cny"].sum())
    assert d.loc[2020, "national_n"] == 31 and d.loc[2020, "rank"] == 8 and d.loc[2020, "n"] == 31
    central = y20[y20["region4_en"] == "Central"]["gdp_100m_cny"]
    assert d.loc[2020, "group"] == pytest.approx(central.sum()) and d.loc[2020, "group_n"] == 6
    # a per-capita value: the national line is the mean
    pc = indicators.series(s, "gdp_per_capita_cny", region="420000")
    assert pc["national_method"] == "mean"


def test_series_of_a_macro_output_and_refusals(lib_store):
    s, run_id = lib_store
    sr = indicators.series(s, "D", region="330000", macro_run=run_id)
    d = sr["data"].set_index("year")
    from industrial_brain.services.macro import map_values

    mv = map_values(s, run_id, "D")
    y = int(d.index.max())
    year = mv[mv["year"] == y]
    assert d.loc[y, "value"] == pytest.approx(float(year.loc[year.region_code == "330000", "value"].iloc[0]))
    assert d.loc[y, "national"] == pytest.approx(year["value"].mean())
    assert d.loc[y, "rank"] == int((year["value"] > d.loc[y, "value"]).sum()) + 1
    with pytest.raises(InputError, match="not a region × year series"):
        indicators.series(s, "io.chokepoint_score")
    with pytest.raises(InputError, match="unknown region"):
        indicators.series(s, "gdp_100m_cny", region="999999")


def test_watchlist_adds_once_and_removes(lib_store):
    s, _ = lib_store
    assert indicators.watch(s, "ana", "gdp_100m_cny", "420000") is True
    assert indicators.watch(s, "ana", "gdp_100m_cny", "420000") is False  # idempotent
    assert indicators.watch(s, "ana", "D") is True
    w = indicators.watchlist(s, "ana", lang="zh")
    assert w[["code", "region_code"]].values.tolist() == [["gdp_100m_cny", "420000"], ["D", ""]]
    assert w["name"].tolist() == ["地区生产总值", "耦合协调度 D"]
    with pytest.raises(InputError, match="unknown indicator"):
        indicators.watch(s, "ana", "nope")
    assert indicators.unwatch(s, "ana", "gdp_100m_cny") == 1
    assert indicators.unwatch(s, "ana", "gdp_100m_cny") == 0
    assert indicators.watchlist(s, "ana")["code"].tolist() == ["D"]


def test_region_board_of_hubei_2020(lib_store):
    s, run_id = lib_store
    b = board.region_board(s, "420000", year=2020, macro_run=run_id)
    gdp = next(k for k in b["kpis"] if k["code"] == "gdp_100m_cny")
    assert (gdp["year"], gdp["value"], gdp["previous"]) == (2020, 43443.46, 45828.31)
    assert round(gdp["change"], 4) == -0.052 and gdp["rank"] == 8 and gdp["rank_previous"] == 7
    assert gdp["rank_change"] == -1
    assert gdp["national_mean"] == pytest.approx(1019130.63 / 31)
    hist = pd.DataFrame(b["coordination"]["history"]).set_index("year")
    assert b["coordination"]["year"] == 2020 and len(b["coordination"]["obstacles"]) == 3
    assert all(0 < o["O"] < 1 for o in b["coordination"]["obstacles"])
    assert hist["level_code"].tolist() == [int(min(v * 10, 9)) for v in hist["D"]]
    sec = b["sectors"]
    assert sec["table_id"] == "cn_prov_io_2017_42_420000" and len(sec["location_quotients"]) == 42
    lq = sec["location_quotients"]
    assert lq == sorted(lq, key=lambda r: -r["LQ"])
    assert b["enterprises"] is None and b["notes"]  # no release in this store


def test_location_quotient_by_hand(lib_store):
    """LQ_ij = (e_ij / e_i) / (E_j / E) on the provincial outputs, for one cell."""
    s, _ = lib_store
    from industrial_brain.services.structure import provincial_structure

    X = provincial_structure(s, sectors="all", measure="output")
    b = board.region_board(s, "330000")
    top = b["sectors"]["location_quotients"][0]
    e = X.loc["330000"]
    want = (e[top["sector"]] / e.sum()) / (X[top["sector"]].sum() / X.to_numpy().sum())
    assert top["LQ"] == pytest.approx(want) and top["LQ"] > 1


def test_compare_two_provinces(lib_store, raw):
    s, _ = lib_store
    c = board.compare(s, ["330000", "320000"], "gdp_100m_cny")
    d = c["data"].set_index("year")
    y20 = raw[raw["year"] == 2020].set_index("adcode")["gdp_100m_cny"]
    assert d.loc[2020, "330000"] == y20[330000] and d.loc[2020, "320000"] == y20[320000]
    assert d.loc[2020, "national_mean"] == pytest.approx(y20.mean())
    assert [r["code"] for r in c["regions"]] == ["330000", "320000"]
    with pytest.raises(InputError, match="2 to 10"):
        board.compare(s, ["330000"], "gdp_100m_cny")
