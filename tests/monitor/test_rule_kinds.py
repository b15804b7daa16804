"""Each rule kind fires, clears, and does not repeat while open, on hand-made series.

Every case is replayed year by year through the state machine (evaluate the data up to each year,
reconcile with the alerts so far): the expected changes are the only ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _monitor_data import events, one_rule, replay, series

from industrial_brain.errors import InputError
from industrial_brain.monitor import evaluate


def _episodes(ev):
    return (
        ev.alerts[["region_code", "indicator_code", "year", "cleared_year"]]
        .astype(object)
        .where(ev.alerts[["region_code", "indicator_code", "year", "cleared_year"]].notna(), None)
        .values.tolist()
    )


def test_threshold_fires_holds_in_the_band_and_clears():
    rs = one_rule(kind="threshold", fire=10, clear=8)
    panel = series([5, 11, 9, 12, 7, 11])  # 2010..2015: 9 is in the band, 12 fires again while open
    ev = evaluate(panel, rs)
    assert _episodes(ev) == [["A", "x", 2011, 2014], ["A", "x", 2015, None]]
    assert ev.alerts["measure"].tolist() == [11.0, 11.0]
    _, ch = replay(panel, rs)
    assert events(ch) == [(2011, "open"), (2014, "closed"), (2015, "open")]


def test_threshold_below_and_clear_after():
    rs = one_rule(kind="threshold", direction="below", fire=0.5, clear=0.52, clear_after=2)
    panel = series([0.6, 0.49, 0.53, 0.51, 0.55, 0.56])  # one clear year (0.53) is not enough
    ev = evaluate(panel, rs)
    assert _episodes(ev) == [["A", "x", 2011, 2015]]
    _, ch = replay(panel, rs)
    assert events(ch) == [(2011, "open"), (2015, "closed")]


def test_yoy_change():
    rs = one_rule(kind="yoy_change", direction="below", fire=-0.01, clear=0.0)
    # 105 -> 100 is -4.8 %; -0.5 % holds; -1.5 % fires again while open; +3 % clears
    panel = series([100, 105, 100, 99.5, 98, 101])
    ev = evaluate(panel, rs)
    assert _episodes(ev) == [["A", "x", 2012, 2015]]
    fired = ev.alerts.loc[0, "evidence"]["fired"]
    assert fired["previous"] == 105 and fired["value"] == 100
    assert fired["measure"] == pytest.approx(100 / 105 - 1)
    _, ch = replay(panel, rs)
    assert events(ch) == [(2012, "open"), (2015, "closed")]


def test_yoy_absolute_change():
    rs = one_rule(kind="yoy_change", change="absolute", fire=2.0, clear=1.0)
    ev = evaluate(series([5.0, 5.5, 8.0, 9.5, 9.7]), rs)  # +2.5 fires, +1.5 holds, +0.2 clears
    assert _episodes(ev) == [["A", "x", 2012, 2014]]


def _peers(f_growth: dict[int, float]) -> pd.DataFrame:
    growth = {"A": 0.04, "B": 0.045, "C": 0.05, "D": 0.055, "E": 0.06, "F": 0.05}
    rows = []
    for r, g in growth.items():
        v = 100.0
        for y in range(2010, 2017):
            if y > 2010:
                v *= 1 + (f_growth.get(y, g) if r == "F" else g)
            rows.append((r, "gdp", y, v))
    return pd.DataFrame(rows, columns=["region_code", "indicator_code", "year", "value"])


def test_peer_zscore_hand_solved():
    rs = one_rule(kind="peer_zscore", of="yoy", direction="below", fire=-3.5, clear=-2.0)
    panel = _peers({2013: -0.10, 2014: -0.10})  # two bad years: one alert
    ev = evaluate(panel, rs)
    assert _episodes(ev) == [["F", "gdp", 2013, 2015]]
    fired = ev.alerts.loc[0, "evidence"]["fired"]
    # growth of the six in 2013: .04 .045 .05 .055 .06 -.10 -> median .0475, MAD .0075
    assert fired["peer_centre"] == pytest.approx(0.0475)
    assert fired["peer_scale"] == pytest.approx(1.4826 * 0.0075)
    assert fired["measure"] == pytest.approx((-0.10 - 0.0475) / (1.4826 * 0.0075))
    assert fired["n_peers"] == 6
    _, ch = replay(panel, rs)
    assert events(ch) == [(2013, "open"), (2015, "closed")]


def test_peer_zscore_within_groups():
    groups = {"north": ["A", "B", "C"], "south": ["D", "E", "F"]}
    rs = one_rule(
        kind="peer_zscore",
        of="yoy",
        direction="below",
        fire=-1.1,
        clear=-0.5,
        peers="groups",
        groups=groups,
        min_peers=3,
        robust=False,
    )
    ev = evaluate(_peers({2013: -0.10}), rs)
    # afterwards F grows .05 against .055 and .06: z = -1, inside the band, so the alert holds
    assert _episodes(ev) == [["F", "gdp", 2013, None]]
    fired = ev.alerts.loc[0, "evidence"]["fired"]
    # south in 2013: .055 .06 -.10: mean .005, sd .09097, z = -.105 / .09097 = -1.154
    g = np.array([0.055, 0.06, -0.10])
    assert fired["peer_centre"] == pytest.approx(g.mean()) and fired["peer_scale"] == pytest.approx(
        g.std(ddof=1)
    )
    assert fired["measure"] == pytest.approx(-1.1543, abs=1e-4) and fired["n_peers"] == 3


def test_peer_groups_from_the_evaluation():
    rs = one_rule(kind="peer_zscore", peers="groups", of="level", fire=3, clear=2, min_peers=3)
    with pytest.raises(InputError, match="peer groups needed"):
        evaluate(_peers({}), rs)
    ev = evaluate(_peers({}), rs, groups={r: "all" for r in "ABCDEF"})
    assert ev.evaluated == ("r",)


def _level_break_panel() -> pd.DataFrame:
    rows = [
        (r, "pop", y, 100 * 1.01 ** (y - 2010) * (1.3 if (r == "440000" and y >= 2015) else 1.0))
        for r in ["110000", "120000", "130000", "440000"]
        for y in range(2010, 2020)
    ]
    return pd.DataFrame(rows, columns=["region_code", "indicator_code", "year", "value"])


def test_trend_break_is_the_screenings_level_break():
    rs = one_rule(kind="trend_break", severity="info")
    panel = _level_break_panel()
    ev = evaluate(panel, rs)
    assert _episodes(ev) == [["440000", "pop", 2015, 2016]]
    fired = ev.alerts.loc[0, "evidence"]["fired"]
    assert "level break" in fired["screening"] and fired["value"] == pytest.approx(130 * 1.01**5)
    rs2 = one_rule(kind="trend_break", clear_after=3)
    assert _episodes(evaluate(panel, rs2)) == [["440000", "pop", 2015, 2018]]


def test_trend_break_replay_does_not_repeat():
    rs = one_rule(kind="trend_break")
    _, ch = replay(_level_break_panel(), rs)
    assert events(ch) == [(2015, "open"), (2016, "closed")]


def _ranks() -> pd.DataFrame:
    # A leads until 2012, falls to 4th in 2013 and stays there
    base = {"A": 50.0, "B": 40.0, "C": 30.0, "D": 20.0, "E": 10.0}
    rows = []
    for y in range(2010, 2018):
        for r, v in base.items():
            rows.append((r, "gdp", y, 15.0 if (r == "A" and y >= 2013) else v))
    return pd.DataFrame(rows, columns=["region_code", "indicator_code", "year", "value"])


def test_rank_drop_window():
    rs = one_rule(kind="rank_drop", fire=3, clear=1, window=3)
    ev = evaluate(_ranks(), rs)
    # rank 1 -> 4 in 2013: 3 places; still 3 below the best of the previous three years until 2016
    assert _episodes(ev) == [["A", "gdp", 2013, 2016]]
    fired = ev.alerts.loc[0, "evidence"]["fired"]
    assert (fired["rank"], fired["best_previous_rank"], fired["n_peers"]) == (4, 1, 5)
    _, ch = replay(_ranks(), rs)
    assert events(ch) == [(2013, "open"), (2016, "closed")]
    one_year = evaluate(_ranks(), one_rule(kind="rank_drop", fire=3, clear=1, window=1))
    assert _episodes(one_year) == [["A", "gdp", 2013, 2014]]


def test_coordination_downgrade_levels():
    rs = one_rule(kind="coordination_downgrade", window=2)
    panel = series([0.65, 0.66, 0.58, 0.59, 0.57, 0.61], indicator="D")
    ev = evaluate(panel, rs)
    # 0.58 is level 5 after level 6: fires 2012; 2013 still below the best of 2011-2012; 2014: best 5
    assert _episodes(ev) == [["A", "D", 2012, 2014]]
    fired = ev.alerts.loc[0, "evidence"]["fired"]
    assert fired["level"] == {"level": 5, "zh": "勉强协调", "en": "barely coordinated"}
    assert fired["best_previous_level"]["zh"] == "初级协调"
    _, ch = replay(panel, rs)
    assert events(ch) == [(2012, "open"), (2014, "closed")]


def _exposure() -> pd.DataFrame:
    return pd.concat(
        [
            series([0.02, 0.03, 0.06, 0.045, 0.03], indicator="oar.p1"),
            series([0.01, 0.01, 0.01, 0.01, 0.01], indicator="oar.p2"),
        ],
        ignore_index=True,
    )


def test_chain_exposure_max_over_products():
    rs = one_rule(
        kind="chain_exposure",
        scope={"tags": ["chain_exposure"]},
        combine="max",
        combined_code="oar_max",
        fire=0.05,
        clear=0.04,
    )
    tags = {"oar.p1": ["chain_exposure"], "oar.p2": ["chain_exposure"]}
    ev = evaluate(_exposure(), rs, tags=tags)
    assert _episodes(ev) == [["A", "oar_max", 2012, 2014]]
    assert ev.alerts.loc[0, "evidence"]["fired"]["top_indicator"] == "oar.p1"
    _, ch = replay(_exposure(), rs, tags=tags)
    assert events(ch) == [(2012, "open"), (2014, "closed")]
    # no tag given: nothing in scope, the rule is not evaluated
    assert evaluate(_exposure(), rs).evaluated == ()


def test_chain_exposure_each_and_sum():
    each = one_rule(kind="chain_exposure", fire=0.05, clear=0.04)
    assert _episodes(evaluate(_exposure(), each)) == [["A", "oar.p1", 2012, 2014]]
    total = one_rule(kind="chain_exposure", combine="sum", fire=0.05, clear=0.045)
    ev = evaluate(_exposure(), total)  # sums .03 .04 .07 .055 .04
    assert _episodes(ev) == [["A", "chain_exposure", 2012, 2014]]
    assert ev.alerts.loc[0, "measure"] == pytest.approx(0.07)


def test_chain_exposure_refuses_percentages():
    rs = one_rule(kind="chain_exposure", fire=0.05, clear=0.04)
    with pytest.raises(InputError, match="exposure share must lie in"):
        evaluate(series([2.0, 6.0], indicator="oar.p1"), rs)


def test_region_dedup_one_alert_for_the_region():
    rs = one_rule(kind="threshold", fire=10, clear=8, dedup="region")
    panel = pd.concat([series([5, 11, 12, 7], indicator="x"), series([5, 5, 13, 6], indicator="y")])
    ev = evaluate(panel, rs)
    assert ev.alerts[["subject", "indicator_code", "year", "cleared_year"]].values.tolist() == [
        ["r|A|*", "x", 2011, 2013]
    ]
    per = evaluate(panel, one_rule(kind="threshold", fire=10, clear=8))
    assert len(per.alerts) == 2


def test_scope_regions_and_indicators():
    rs = one_rule(kind="threshold", fire=10, clear=8, scope={"regions": ["B"], "indicators": ["x"]})
    panel = pd.concat(
        [
            series([11, 11], region="A"),
            series([11, 11], region="B"),
            series([11, 11], region="B", indicator="y"),
        ]
    )
    assert evaluate(panel, rs).alerts[["region_code", "indicator_code"]].values.tolist() == [["B", "x"]]


def test_missing_years_hold_the_state():
    rs = one_rule(kind="threshold", fire=10, clear=8)
    ev = evaluate(series([5, 11, np.nan, np.nan, 7]), rs)
    assert _episodes(ev) == [["A", "x", 2011, 2014]]


def test_quality_errors_are_left_out():
    rs = one_rule(kind="threshold", fire=10, clear=8)
    notes = pd.DataFrame(
        {"region_code": ["A"], "indicator_code": ["x"], "year": [2011], "severity": ["error"]}
    )
    ev = evaluate(series([5, 110, 5]), rs, quality=notes)
    assert ev.alerts.empty and "1 value(s) noted as errors" in ev.notes[0]


def test_bad_panels_name_the_column():
    rs = one_rule(kind="threshold", fire=10, clear=8)
    with pytest.raises(InputError, match="column 'value'"):
        evaluate(series([1, 2]).drop(columns="value"), rs)
    dup = pd.concat([series([1, 2]), series([1])])
    with pytest.raises(InputError, match="duplicate observation"):
        evaluate(dup, rs)
    bad = series([1, 2]).astype({"value": object})
    bad.loc[1, "value"] = "n/a"
    with pytest.raises(InputError, match="value is not a number"):
        evaluate(bad, rs)
