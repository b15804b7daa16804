"""Replaying the embedded panels: the monitor flags the level breaks the screening knows and the 2020
GDP contraction of Hubei (420000); a clean synthetic panel raises no alert."""

from __future__ import annotations

import pandas as pd
import pytest
from _monitor_data import CLEAN_TAGS, clean_panel, embedded, replay

from industrial_brain.lineage import Lineage
from industrial_brain.monitor import RULE_KINDS, RuleSet, evaluate, load_rules
from industrial_brain.quality import check_level_breaks, screen_panel

#: The shipped rules without the predictive one (a statsmodels fit per series; tested apart).
RULES = load_rules()
HISTORIC = RuleSet(code="historic", rules=tuple(r for r in RULES.rules if r.kind != "forecast"))


@pytest.fixture(scope="module")
def econ():
    obs = embedded("econ_energy")
    notes = screen_panel(obs, "econ_energy")
    lineage = Lineage.make("store.observations", datasets=(("econ_energy", "ab" * 32),))
    return obs, notes, evaluate(obs, HISTORIC, quality=notes, lineage=lineage)


@pytest.fixture(scope="module")
def three():
    return evaluate(embedded("gdp_three_sectors"), HISTORIC)


def _episodes(ev, rule, indicator=None):
    a = ev.alerts[ev.alerts["rule"] == rule]
    if indicator:
        a = a[a["indicator_code"] == indicator]
    return {
        (r, int(y)): (None if pd.isna(c) else int(c))
        for r, y, c in zip(a.region_code, a.year, a.cleared_year)
    }


def test_hubei_2020_contraction(econ, three):
    _, _, ev = econ
    for e, code in ((ev, "gdp_100m_cny"), (three, "grp_100m_cny")):
        eps = _episodes(e, "gdp_contraction", code)
        assert eps[("420000", 2020)] == 2021  # fired 2020, cleared 2021 (+15 %)
        row = e.alerts[
            (e.alerts.rule == "gdp_contraction")
            & (e.alerts.region_code == "420000")
            & (e.alerts.indicator_code == code)
        ].iloc[0]
        # 45 828.31 (2019) -> 43 443.46 (2020)
        assert row.measure == pytest.approx(43443.46 / 45828.31 - 1)
        assert row.evidence["fired"]["previous"] == pytest.approx(45828.31)
        assert row.severity == "critical" and "420000" in row.message_en
    # no other province's GDP fell by 1 % or more in 2020
    assert [r for (r, y) in _episodes(three, "gdp_contraction") if y == 2020] == ["420000"]


def test_evidence_carries_the_data_lineage(econ):
    _, _, ev = econ
    row = ev.alerts[ev.alerts.rule == "gdp_contraction"].iloc[0]
    assert row.evidence["data_lineage"]["datasets"] == [["econ_energy", "ab" * 32]]
    assert ev.lineage.datasets == (("econ_energy", "ab" * 32),)
    assert "97 value(s) noted as errors" in ev.notes[0]


def test_the_screenings_level_breaks(econ, three):
    obs, notes, ev = econ
    found = _episodes(ev, "level_break", "population_10k")
    # Guangdong, Zhejiang, Henan 2015 (definition change); Sichuan loses Chongqing in 1997
    assert {("440000", 2015), ("330000", 2015), ("410000", 2015), ("510000", 1997)} <= set(found)
    grp = _episodes(three, "level_break", "grp_100m_cny")
    assert {("120000", 2019), ("220000", 2019), ("210000", 2016), ("230000", 2019), ("150000", 2017)} <= set(
        grp
    )


def test_every_screening_break_is_inside_one_episode(three):
    obs = embedded("gdp_three_sectors")
    hits = check_level_breaks(obs, "gdp_three_sectors")
    a = three.alerts[three.alerts.rule == "level_break"]
    for r, c, y in zip(hits.region_code, hits.indicator_code, hits.year.astype(int)):
        s = a[(a.region_code == r) & (a.indicator_code == c)]
        inside = (s.year <= y) & (s.cleared_year.fillna(9999) > y)
        assert inside.sum() == 1, (r, c, y)
    starts = set(zip(a.region_code, a.indicator_code, a.year))
    assert starts <= set(zip(hits.region_code, hits.indicator_code, hits.year.astype(int)))


def test_replay_year_by_year_raises_no_storm():
    panel = embedded("gdp_three_sectors")
    alerts, changes = replay(panel, HISTORIC)
    # per subject the changes alternate open, closed, open … : never a second alert while one is open
    by_id = alerts.set_index("alert_id")["subject"]
    seq = changes.assign(subject=changes["alert_id"].map(by_id)).groupby("subject")["to_state"].agg(list)
    for subject, states in seq.items():
        assert all(s == ("open" if i % 2 == 0 else "closed") for i, s in enumerate(states)), subject
    hubei = alerts[(alerts.rule == "gdp_contraction") & (alerts.region_code == "420000")]
    assert hubei[["year", "state", "condition", "cleared_year"]].values.tolist() == [
        [2020, "closed", "cleared", 2021]
    ]
    assert (alerts.groupby("subject")["condition"].apply(lambda c: (c == "firing").sum()) <= 1).all()


def test_a_clean_synthetic_panel_raises_no_alert():
    panel = clean_panel()
    ev = evaluate(panel, RULES, tags=CLEAN_TAGS)
    assert set(ev.evaluated) == {r.code for r in RULES.rules}  # every shipped rule judged it
    assert {RULES.rule(c).kind for c in ev.evaluated} == set(RULE_KINDS)
    assert ev.alerts.empty, ev.alerts[["rule", "region_code", "indicator_code", "year"]]
