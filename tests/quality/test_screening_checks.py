"""Hand-made examples for each check, with the arithmetic written out, and input validation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.quality import (
    NOTE_COLUMNS,
    check_common_breaks,
    check_duplicate_columns,
    check_identities,
    check_level_breaks,
    check_negative,
    check_outliers,
    check_partial_years,
    check_repeated_values,
    check_scale,
    empty_notes,
    io_matrices_from_flows,
    screen_io,
    screen_panel,
)

COLS = ["region_code", "indicator_code", "year", "value"]


def long(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLS)


def grid(code: str, regions: list[str], years: range, f) -> list[tuple]:
    return [(r, code, y, f(r, y)) for r in regions for y in years]


REGIONS = ["110000", "120000", "130000", "140000", "150000", "210000"]


# --- identities --------------------------------------------------------------------------------------
def test_identity_parts_exceed_total():
    # 2015: 60 + 50 = 110 > 100 (gap +10, +10 %); 2016: 55 + 40 = 95 <= 100 holds
    obs = long(
        [
            ("110000", "gdp", 2015, 100.0),
            ("110000", "sec", 2015, 60.0),
            ("110000", "ter", 2015, 50.0),
            ("110000", "gdp", 2016, 100.0),
            ("110000", "sec", 2016, 55.0),
            ("110000", "ter", 2016, 40.0),
        ]
    )
    n = check_identities(obs, "d", [{"total": "gdp", "parts": ["sec", "ter"], "relation": "parts<=total"}])
    assert n[["indicator_code", "region_code", "year", "kind", "severity"]].values.tolist() == [
        ["gdp", "110000", 2015, "identity", "error"]
    ]
    assert "+10.00%" in n.iloc[0].detail


def test_identity_sum_severity_by_size():
    # 2013: 10 + 40 + 50.5 = 100.5 vs 100: +0.5 % -> warning; 2014: 10 + 40 + 60 = 110 vs 100: +10 % -> error;
    # 2015: 10 + 40 + 50.000001 = 100.000001: 1e-8 relative, inside rtol 1e-4 -> nothing
    rows = []
    for y, ter in ((2013, 50.5), (2014, 60.0), (2015, 50.000001)):
        rows += [("A", "grp", y, 100.0), ("A", "p", y, 10.0), ("A", "s", y, 40.0), ("A", "t", y, ter)]
    n = check_identities(
        long(rows), "d", [{"total": "grp", "parts": ["p", "s", "t"], "relation": "sum==total"}]
    )
    assert n[["year", "severity"]].values.tolist() == [[2013, "warning"], [2014, "error"]]


def test_identity_skips_incomplete_and_absent():
    obs = long([("A", "gdp", 2015, 100.0), ("A", "sec", 2015, 200.0)])  # 'ter' missing in 2015
    assert check_identities(obs, "d", [{"total": "gdp", "parts": ["sec", "ter"]}]).empty
    assert check_identities(obs, "d", [{"total": "x", "parts": ["y"]}]).empty
    with pytest.raises(InputError, match="not in the data"):
        check_identities(obs, "d", [{"total": "x", "parts": ["y"]}], skip_missing=False)


@pytest.mark.parametrize(
    "rule, match",
    [
        ({"parts": ["a"]}, "without a total"),
        ({"total": "t", "parts": "a"}, "non-empty list"),
        ({"total": "t", "parts": ["a"], "relation": "=="}, "unknown identity relation"),
        ({"total": "t", "parts": ["a"], "rtol": -1}, "tolerance"),
        ({"total": "t", "parts": ["a"], "severity": "fatal"}, "unknown severity"),
        ("gdp>=sec", "must be a mapping"),
    ],
)
def test_identity_rule_validation(rule, match):
    with pytest.raises(InputError, match=match):
        check_identities(long([("A", "t", 2015, 1.0)]), "d", [rule])


# --- outliers ----------------------------------------------------------------------------------------
def test_outlier_single_year():
    # six regions growing 5 % a year; region 140000 reports 1.0 in 2016 instead of 100·1.05^6 = 134.0
    obs = long(
        grid(
            "gdp", REGIONS, range(2010, 2020), lambda r, y: 100 * 1.05 ** (y - 2010) * (1 + int(r[:2]) / 100)
        )
    )
    obs.loc[(obs.region_code == "140000") & (obs.year == 2016), "value"] = 1.0
    n = check_outliers(obs, "d")
    assert n[["region_code", "year", "kind", "severity"]].values.tolist() == [
        ["140000", 2016, "outlier", "error"]
    ]
    # deviation: ln(1/(100·1.05^6·1.14)) = -5.03 -> "×0.00655"
    assert "×0.00654" in n.iloc[0].detail or "×0.00655" in n.iloc[0].detail


def test_outlier_two_year_dip_and_no_level_break():
    # region 320000 reports one fifth of its level in 2021 and 2022, then returns (Jiangsu-like)
    def f(r, y):
        return 1000 * 1.08 ** (y - 2015) * (0.2 if (r == "320000" and y in (2021, 2022)) else 1.0)

    obs = long(grid("gdp", REGIONS + ["320000"], range(2015, 2026), f))
    n = screen_panel(obs, "d", identities=[])
    assert n[["region_code", "year", "kind"]].values.tolist() == [
        ["320000", 2021, "outlier"],
        ["320000", 2022, "outlier"],
    ]


def test_a_step_is_a_level_break_not_an_outlier():
    # population-like: 1 % a year; region 440000 steps up by 31 % in 2015 and stays (Guangdong-like)
    def f(r, y):
        step = 1.31 if (r == "440000" and y >= 2015) else 1
        return 1000 * (1 + int(r[:2]) / 100) * 1.01 ** (y - 2010) * step

    obs = long(grid("pop", REGIONS + ["440000"], range(2010, 2020), f))
    assert check_outliers(obs, "d").empty
    n = check_level_breaks(obs, "d")
    assert n[["region_code", "year", "severity"]].values.tolist() == [["440000", 2015, "warning"]]
    # ln(1.31·1.01) - ln(1.01) = 0.270 above the median growth
    assert "+0.270" in n.iloc[0].detail


def test_level_break_floor_and_noise_gate():
    # a 9 % step (ln 1.09 = 0.086 < min_jump 0.10) is not flagged even in a perfectly smooth series
    def f(r, y):
        return 100 * 1.02 ** (y - 2010) * (1.09 if (r == "110000" and y >= 2015) else 1)

    assert check_level_breaks(long(grid("x", REGIONS, range(2010, 2020), f)), "d").empty
    # in a volatile indicator (robust scale > max_noise) even a doubling is not judged
    rng = np.random.default_rng(3)
    noise = {(r, y): math.exp(rng.normal(0, 0.3)) for r in REGIONS for y in range(2010, 2020)}

    def g(r, y):
        return 100 * noise[r, y] * (2 if (r == "110000" and y >= 2015) else 1)

    obs = long(grid("hydro", REGIONS, range(2010, 2020), g))
    assert check_level_breaks(obs, "d").empty
    assert not check_level_breaks(obs, "d", max_noise=1.0, k=1.0).empty


def test_common_break_hand_example():
    # growth 10 % a year (+0.2 pp per region); from 2016 every region is at 0.68 of its level
    def f(r, y):
        return 100 * (1.1 + 0.002 * int(r[:2])) ** (y - 2013) * (0.68 if y >= 2016 else 1)

    obs = long(grid("tel", REGIONS, range(2013, 2021), f))
    n = check_common_breaks(obs, "d")
    assert n[["indicator_code", "region_code", "year", "kind"]].values.tolist() == [
        ["tel", None, 2016, "level_break"]
    ]
    assert check_level_breaks(obs, "d").empty  # the year median takes it out of the regional check


def test_common_recession_is_not_a_break():
    # every region loses 12 % in 2020 after growing 6 % a year: ln 0.88 - ln 1.06 = -0.19 > -ln 1.2? no:
    # the shift against the years around is ln(0.88/1.06) = -0.186, but 2021 recovers only to trend,
    # and a 12 % national fall is a recession, so use -8 % to stay clear of min_shift = 0.182
    def f(r, y):
        return 100 * (1 + int(r[:2]) / 100) * 1.06 ** (y - 2010) * (0.92 / 1.06 if y >= 2020 else 1)

    n = screen_panel(long(grid("gdp", REGIONS, range(2010, 2024), f)), "d", identities=[])
    assert n.empty


# --- duplicate columns, scale, negative, partial years, repeated values ----------------------------
def test_duplicate_columns_ignore_constants():
    rows = grid("a", REGIONS, range(2015, 2017), lambda r, y: int(r[:2]) + y / 1000)
    rows += [(r, "b", y, v) for r, _, y, v in rows]
    rows += grid("z1", REGIONS, range(2015, 2017), lambda r, y: 0.0)  # two constant columns prove nothing
    rows += grid("z2", REGIONS, range(2015, 2017), lambda r, y: 0.0)
    n = check_duplicate_columns(long(rows), "d")
    assert sorted(n["indicator_code"]) == ["a", "b"]
    assert "identical to b in all 12 rows" in n[n.indicator_code == "a"].iloc[0].detail


def test_duplicate_needs_same_missing_pattern():
    rows = grid("a", REGIONS, range(2015, 2017), lambda r, y: int(r[:2]) + y / 1000)
    rows += [(r, "b", y, v) for r, _, y, v in rows if not (r == "110000" and y == 2015)]
    assert check_duplicate_columns(long(rows), "d").empty


def test_scale_floor_and_percent():
    rows = grid("density", REGIONS, range(2015, 2017), lambda r, y: 1e-5 * int(r[:2]))
    rows += grid("share", REGIONS, range(2015, 2017), lambda r, y: 0.5)
    rows += grid("ratio", REGIONS, range(2015, 2017), lambda r, y: 0.002)  # median 0.002 >= 1e-3: fine
    meta = pd.DataFrame({"code": ["share"], "unit": ["%"]})
    n = check_scale(long(rows), "d", meta)
    assert n[["indicator_code", "severity"]].values.tolist() == [["density", "error"], ["share", "warning"]]


def test_negative_severity_by_kind_of_quantity():
    def series(code, bad):
        return [(f"{i:02d}0000", code, 2015, bad if i == 11 else 10.0 + i) for i in range(11, 31)]

    rows = (
        series("total_profit_100m_cny", -1.0)
        + series("population_10k", -5.0)
        + series("investment_100m_cny", -2.0)
        + series("mystery", -3.0)
        + series("gdp_growth", -0.5)
    )
    rows += [(f"{i:02d}0000", "net_exports", 2015, (-1) ** i * 5.0) for i in range(11, 31)]  # often negative
    meta = pd.DataFrame(
        {
            "code": ["population_10k", "investment_100m_cny", "declared"],
            "unit": ["10^4 persons", "10^8 CNY", None],
            "min_value": [None, None, 0.0],
        }
    )
    rows += series("declared", -0.1)
    n = check_negative(long(rows), "d", meta)
    got = dict(zip(n.indicator_code, n.severity))
    assert got == {
        "total_profit_100m_cny": "info",
        "population_10k": "error",
        "investment_100m_cny": "warning",
        "mystery": "warning",
        "declared": "error",
    }


def test_partial_years_only_at_the_trailing_edge():
    rows = grid("gdp", REGIONS, range(2000, 2011), lambda r, y: 1.0)
    rows += grid("co2", REGIONS, range(2003, 2009), lambda r, y: 1.0)  # starts late: not partial
    rows = [x for x in rows if not (x[1] == "gdp" and x[2] == 2005 and x[0] != "110000")]  # interior gap
    n = check_partial_years(long(rows), "d")
    # 2009 and 2010 lack co2 (0 of 6 regions, usually 6)
    assert n["year"].tolist() == [2009, 2010]
    assert "co2 0/6 regions (usually 6)" in n.iloc[0].detail


def test_repeated_values():
    obs = long(
        [("A", "x", y, v) for y, v in zip(range(2013, 2023), [5, 6, 7, 7, 7, 7, 8, 0, 0, 0])]
    )  # zeros are not judged
    n = check_repeated_values(obs, "d")
    assert n[["year", "kind", "severity"]].values.tolist() == [[2016, "repeated_value", "warning"]]
    assert "2016–2018" in n.iloc[0].detail
    assert check_repeated_values(obs, "d", min_run=5).empty


# --- frame contract and validation ----------------------------------------------------------------
def test_empty_and_schema():
    e = empty_notes()
    assert list(e.columns) == list(NOTE_COLUMNS) and len(e) == 0
    assert str(e["year"].dtype) == "Int64"
    n = screen_panel(long([("A", "x", 2015, 1.0)]), "d")
    assert list(n.columns) == list(NOTE_COLUMNS) and n.empty


@pytest.mark.parametrize(
    "obs, match",
    [
        (pd.DataFrame({"region_code": ["A"], "year": [2015], "value": [1.0]}), "missing column"),
        (long([("A", "x", 2015, 1.0), ("A", "x", 2015, 2.0)]), "duplicate observation"),
        (long([("A", "x", "2015a", 1.0)]), "year is not an integer"),
        (long([("A", "x", 2015.5, 1.0)]), "year is not an integer"),
        (long([("A", "x", 2015, "abc")]), "value is not a number"),
        ("not a frame", "expected a DataFrame"),
    ],
)
def test_bad_obs(obs, match):
    with pytest.raises(InputError, match=match):
        screen_panel(obs, "d")


def test_bad_parameters():
    obs = long([("A", "x", 2015, 1.0)])
    with pytest.raises(InputError, match="dataset_id"):
        screen_panel(obs, "")
    with pytest.raises(InputError, match="finite number"):
        check_level_breaks(obs, "d", k=-1)
    with pytest.raises(InputError, match="max_run"):
        check_outliers(obs, "d", max_run=9)
    with pytest.raises(InputError, match="coherence"):
        check_common_breaks(obs, "d", coherence=2.0)
    with pytest.raises(InputError, match="code"):
        screen_panel(obs, "d", pd.DataFrame({"unit": ["%"]}))


def test_values_as_strings_and_int_codes_are_accepted():
    obs = pd.DataFrame(
        {
            "region_code": [110000, 110000, 110000],
            "indicator_code": ["x", "x", "x"],
            "year": ["2015", "2016", "2017"],
            "value": ["1.5", None, "1.5"],
        }
    )
    assert screen_panel(obs, "d").empty
    # a blank in the last year is a partial year, named with the string code
    obs.loc[2, "value"] = None
    n = screen_panel(obs, "d")
    assert n[["year", "kind"]].values.tolist() == [[2016, "partial_year"], [2017, "partial_year"]]


# --- input–output --------------------------------------------------------------------------------
def test_io_hand_example():
    # s1: inputs 30 + 40 = 70 for output 60 -> v1 = -10, column sum of A = 70/60 = 1.167
    # s2: output 0 -> column of A undefined; s3: normal
    Z = pd.DataFrame(
        [[30.0, 0.0, 5.0], [40.0, 0.0, 5.0], [0.0, 0.0, 10.0]],
        index=["s1", "s2", "s3"],
        columns=["s1", "s2", "s3"],
    )
    x = pd.Series([60.0, 0.0, 50.0], index=Z.columns)
    V = pd.DataFrame(
        {"s1": [-12.0, 2.0, -10.0], "s2": [0.0, 0.0, 0.0], "s3": [20.0, 10.0, 30.0]},
        index=["VA003", "VA004", "TVA"],
    )
    n = screen_io(Z, x, V, dataset_id="io", region_code="460000", year=2017)
    assert n[["indicator_code", "kind", "severity"]].values.tolist() == [
        ["s1", "io_negative_value_added", "warning"],
        ["s2", "io_undefined_coefficient", "warning"],
        ["VA003:s1", "negative", "warning"],
    ]
    assert "1.167" in n.iloc[0].detail
    assert set(n["region_code"]) == {"460000"} and set(n["year"]) == {2017}


def test_io_near_zero_output_and_arrays():
    Z = np.array([[1.0, 0.0], [2.0, 0.0]])
    n = screen_io(Z, np.array([10.0, 5e-10]), dataset_id="io")
    assert n["indicator_code"].tolist() == ["1"] and n.iloc[0].kind == "io_undefined_coefficient"
    assert screen_io(Z, np.array([10.0, 1e-3]), dataset_id="io").empty  # 1e-3 > zero_tol: defined
    with pytest.raises(InputError, match="square"):
        screen_io(np.ones((2, 3)), np.ones(3), dataset_id="io")
    with pytest.raises(InputError, match="one entry per sector"):
        screen_io(np.ones((2, 2)), np.ones(3), dataset_id="io")


def test_io_adapter_from_long_flows():
    flows = pd.DataFrame(
        {
            "row_code": ["s1", "s1", "s2", "s2", "VA001", "VA001", "TVA", "TVA", "s1", "s2", "s1", "s2"],
            "col_code": ["s1", "s2", "s1", "s2", "s1", "s2", "s1", "s2", "FU101", "FU101", "GO", "GO"],
            "value": [10, 20, 30, 40, 60, 40, 60, 40, 70, 60, 100, 100],
        }
    )
    m = io_matrices_from_flows(flows)
    assert list(m.Z.index) == ["s1", "s2"] and m.Z.values.tolist() == [[10, 20], [30, 40]]
    assert m.x.tolist() == [100, 100] and list(m.V.index) == ["VA001", "TVA"]
    # without GO the column identity gives x = colsum(Z) + TVA = (40 + 60, 60 + 40)
    m2 = io_matrices_from_flows(flows[flows.col_code != "GO"])
    assert m2.x.tolist() == [100, 100]
    with pytest.raises(InputError, match="missing column"):
        io_matrices_from_flows(flows.drop(columns="value"))
    with pytest.raises(InputError, match="gross output"):
        io_matrices_from_flows(flows[(flows.col_code != "GO") & (flows.row_code != "TVA")])
