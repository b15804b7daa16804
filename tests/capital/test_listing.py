"""Listing standards at each threshold's edge (just above, at, just below) for each board and version."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.capital import (
    BOARDS,
    MEASURES,
    eligibility_of_measures,
    listing_measures,
    load_rules,
    version_in_force,
)
from industrial_brain.errors import InputError

CASES = [
    (b, v.version, s["id"], k)
    for b in BOARDS
    for v in load_rules(b)
    for s in v.standards
    for k in range(len(s["alternatives"]))
]


def _firm(alt, bump=None, delta=0.0):
    """Measures meeting every condition of ``alt`` just above its threshold; ``bump`` moved by ``delta``."""
    # measures of the standard's other alternatives fail clearly, so only ``alt`` decides
    row = {m: -1e6 for m in MEASURES} | {"neeq_innovation_tier_months": 12.0}
    for q, c in enumerate(alt):
        t = c["threshold"]
        eps = 1e-6 * max(abs(t), 1.0)
        v = t + eps
        if q == bump:
            v = t + delta
        row[c["measure"]] = v
    return row


def _status(board, version, std, row):
    M = pd.DataFrame([row], index=pd.Index(["F"], name="uscc"))
    f = eligibility_of_measures(M, boards=(board,)).frame
    return f[(f["version"] == version) & (f["standard"] == std)].iloc[0]


@pytest.mark.parametrize("board,version,std,k", CASES)
def test_just_above_every_threshold_meets(board, version, std, k):
    v = next(v for v in load_rules(board) if v.version == version)
    alt = next(s for s in v.standards if s["id"] == std)["alternatives"][k]
    r = _status(board, version, std, _firm(alt))
    assert r["status"] == "met"
    assert r["margin"] > 0


@pytest.mark.parametrize("board,version,std,k", CASES)
def test_just_below_each_threshold_fails_with_its_margin(board, version, std, k):
    v = next(v for v in load_rules(board) if v.version == version)
    alt = next(s for s in v.standards if s["id"] == std)["alternatives"][k]
    for q, c in enumerate(alt):
        t = c["threshold"]
        eps = 1e-6 * max(abs(t), 1.0)
        r = _status(board, version, std, _firm(alt, q, -eps))
        assert r["status"] == "not met", (c, r.to_dict())
        if t > 0 or len(next(s for s in v.standards if s["id"] == std)["alternatives"]) == 1:
            # (a failed "> 0" ties with the other alternative's failed "> 0": either may be named)
            assert r["binding"] == c["measure"]
            assert r["margin"] == pytest.approx(-eps, abs=1e-12)
        at = _status(board, version, std, _firm(alt, q, 0.0))
        # "不低于" (>=) holds at the threshold; "为正" (> 0) does not
        assert at["status"] == ("met" if c["op"] == ">=" else "not met")


def test_thresholds_are_the_published_ones():
    # 科创板 2.1.2 (1)–(5); 创业板 2.1.2 2020 and 2024; 北交所 2.1.3 (1)–(4); amounts in 亿元
    star = {s["id"]: s for s in load_rules("star")[-1].standards}
    assert [c["threshold"] for c in star["2"]["alternatives"][0]] == [15, 2, 15]
    assert [c["threshold"] for c in star["3"]["alternatives"][0]] == [20, 3, 1]
    assert [s["alternatives"][0][0]["threshold"] for s in star.values()] == [10, 15, 20, 30, 40]
    old, new = load_rules("chinext")
    assert [c["threshold"] for c in old.standards[0]["alternatives"][0]] == [0, 0.5]
    assert [c["threshold"] for c in new.standards[0]["alternatives"][0]] == [0, 1, 0.6]
    assert [c["threshold"] for c in new.standards[1]["alternatives"][0]] == [15, 0, 4]
    assert str(new.effective) == "2024-04-30"
    bse = {s["id"]: s for s in load_rules("bse")[0].standards}
    assert [c["threshold"] for c in bse["1"]["alternatives"][1]] == [2, 0.25, 8]
    assert [c["threshold"] for c in bse["2"]["alternatives"][0]] == [4, 1, 30, 0]
    assert [c["threshold"] for c in bse["4"]["alternatives"][0]] == [15, 0.5]


def test_bse_precondition_twelve_months_on_the_neeq():
    alt = load_rules("bse")[0].standards[3]["alternatives"][0]
    row = _firm(alt)
    assert _status("bse", "2021", "4", row)["status"] == "met"
    row["neeq_innovation_tier_months"] = 11
    r = _status("bse", "2021", "4", row)
    assert r["status"] == "not met" and r["precondition"] == "not met"
    row["neeq_innovation_tier_months"] = np.nan
    assert _status("bse", "2021", "4", row)["status"] == "unknown"


def test_version_in_force_by_effective_date():
    assert version_in_force(load_rules("chinext"), "2024-04-29").version == "2020"
    assert version_in_force(load_rules("chinext"), "2024-04-30").version == "2024"
    with pytest.raises(InputError, match="no listing rules in force"):
        version_in_force(load_rules("bse"), "2020-01-01")


def test_measures_from_accounts_by_hand():
    acc = pd.DataFrame(
        {
            "uscc": ["A"] * 3,
            "year": [2022, 2023, 2024],
            "revenue": [1e8, 2e8, 3e8],
            "net_profit": [1e7, 2e7, 5e7],
            "net_profit_deducted": [1e7, 3e7, 4e7],  # lower of the two: 2e7 (2023), 4e7 (2024)
            "rd_expense": [2e7, 3e7, 4e7],
            "operating_cash_flow": [1e7, 2e7, 3e7],
            "expected_market_value": [np.nan, np.nan, 1.6e9],
        }
    )
    m = listing_measures(acc).loc["A"]
    assert m["net_profit_sum_2y"] == pytest.approx(0.6)
    assert m["net_profit_min_2y"] == pytest.approx(0.2)
    assert m["rd_share_3y"] == pytest.approx(9 / 6 * 10)  # 0.9 / 6 亿元 = 15 %
    assert m["revenue_growth_t"] == pytest.approx(50.0)
    assert m["operating_cash_flow_sum_3y"] == pytest.approx(0.6)
    assert m["market_value"] == pytest.approx(16.0)
    f = eligibility_of_measures(listing_measures(acc), boards=("star",), on="2025-01-01").frame
    # STAR 2: MV 16 >= 15, revenue 3 >= 2, R&D share 15 >= 15 → met at the edge of the R&D share
    s2 = f[(f["standard"] == "2") & f["in_force"]].iloc[0]
    assert (
        s2["status"] == "met"
        and s2["binding"] == "rd_share_3y"
        and s2["margin"] == pytest.approx(0, abs=1e-9)
    )
