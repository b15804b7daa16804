"""Scenario YAML: validation errors name the file and YAML path; events on a table; Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from industrial_brain.errors import InputError
from industrial_brain.meso.resilience import (
    ARIOModel,
    load_scenario,
    monte_carlo,
    parse_scenario,
    scenario_events,
    scenario_sampler,
    shipped_scenarios,
)

from ._synthetic import synthetic_mrio

GOOD = {
    "name": "t",
    "days": 120,
    "events": [
        {
            "name": "cut",
            "kind": "capacity",
            "regions": ["r0"],
            "sectors": ["s1", {"contains": "s2"}],
            "impact": 0.4,
            "start": 2,
            "duration": 10,
            "recovery": {"shape": "convex", "tau": 20},
        }
    ],
    "monte_carlo": {
        "runs": 10,
        "seed": 3,
        "vary": [{"event": "cut", "field": "impact", "dist": "uniform", "low": 0.1, "high": 0.5}],
    },
}


def _write(tmp_path, data, name="sc.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "patch, path, words",
    [
        (
            {"events": [{"name": "a", "kind": "capacity", "sectors": ["s1"], "impact": 1.5}]},
            "events[0]",
            "share",
        ),
        (
            {"events": [{"name": "a", "kind": "flood", "sectors": ["s1"], "impact": 0.5}]},
            "events[0].kind",
            "capacity",
        ),
        (
            {"events": [{"name": "a", "sectors": ["s1"], "impact": 0.5, "start": 0}]},
            "events[0].start",
            "greater",
        ),
        (
            {
                "events": [
                    {
                        "name": "a",
                        "kind": "capital",
                        "sectors": ["s1"],
                        "impact": 0.5,
                        "rebuild": {"sectors": {"s2": 0.5}},
                    }
                ]
            },
            "events[0].rebuild.sectors",
            "sum to 1",
        ),
        (
            {"events": [{"name": "a", "sectors": ["s1"], "impact": 0.5, "colour": "red"}]},
            "events[0].colour",
            "xtra",
        ),
        ({"events": []}, "events", "at least 1"),
        ({"params": {"alpha_maxx": 1.2}}, "params", "alpha_maxx"),
        (
            {"monte_carlo": {"vary": [{"event": "nope", "field": "impact", "low": 0, "high": 1}]}},
            "(top level)",
            "nope",
        ),
        (
            {"monte_carlo": {"vary": [{"event": "cut", "field": "impact", "dist": "normal", "mean": 0.2}]}},
            "monte_carlo.vary[0]",
            "sd",
        ),
    ],
)
def test_validation_errors_name_file_and_path(tmp_path, patch, path, words):
    data = {**GOOD, **patch}
    p = _write(tmp_path, data, "bad_scenario.yaml")
    with pytest.raises(InputError) as e:
        load_scenario(p)
    msg = str(e.value)
    assert msg.startswith(f"bad_scenario.yaml: {path}"), msg
    assert words in msg


def test_yaml_syntax_and_missing_file(tmp_path):
    p = tmp_path / "broken.yaml"
    p.write_text("name: x\nevents: [\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.yaml: not valid YAML at line"):
        load_scenario(p)
    with pytest.raises(InputError, match="not found"):
        load_scenario(tmp_path / "none.yaml")
    with pytest.raises(InputError, match="mapping"):
        parse_scenario([1, 2], source="list.yaml")


def test_events_on_a_table_and_name_matching():
    Z, Y, x = synthetic_mrio(3, 4, seed=2)
    m = ARIOModel(Z, Y, x)
    sc = parse_scenario(GOOD)
    (ev,) = scenario_events(sc, m.index)
    hit = [m.index[i] for i in np.flatnonzero(ev.impact)]
    assert hit == [("r0", "s1"), ("r0", "s2")]
    assert ev.impact[np.flatnonzero(ev.impact)].tolist() == [0.4, 0.4]
    assert (ev.start, ev.duration, ev.recovery_tau, ev.recovery_shape) == (2, 10, 20, "convex")
    names = {"s1": ("电子元器件", "Electronic components")}
    sc2 = parse_scenario({**GOOD, "events": [{**GOOD["events"][0], "sectors": ["Electronic components"]}]})
    (ev2,) = scenario_events(sc2, m.index, sector_names=names)
    assert [m.index[i] for i in np.flatnonzero(ev2.impact)] == [("r0", "s1")]
    sc3 = parse_scenario({**GOOD, "events": [{**GOOD["events"][0], "sectors": ["chips"]}]})
    with pytest.raises(InputError, match="no sector matches 'chips'"):
        scenario_events(sc3, m.index)


def test_capital_share_uses_capital_stock():
    Z, Y, x = synthetic_mrio(3, 4, seed=2)
    m = ARIOModel(Z, Y, x)
    sc = parse_scenario(
        {
            "name": "k",
            "events": [
                {
                    "name": "d",
                    "kind": "capital",
                    "regions": ["r1"],
                    "sectors": "all",
                    "impact": 0.1,
                    "unit": "share",
                    "rebuild": {"sectors": {"s3": 1.0}, "tau": 30},
                }
            ],
        }
    )
    (ev,) = scenario_events(sc, m.index, capital=m.K)
    np.testing.assert_allclose(ev.impact[4:8], 0.1 * m.K[4:8])
    assert ev.rebuild and ev.rebuilding_sectors == {3: 1.0} and ev.rebuild_tau == 30
    r = m.run([ev], 60)
    assert r.rebuild_demand.sum() > 0


def test_monte_carlo_reproducible_and_ordered():
    Z, Y, x = synthetic_mrio(3, 4, seed=2)
    m = ARIOModel(Z, Y, x)
    sc = parse_scenario(GOOD)
    a = monte_carlo(m, scenario_sampler(sc, m.index), runs=10, days=120, seed=3)
    b = monte_carlo(m, scenario_sampler(sc, m.index), runs=10, days=120, seed=3)
    c = monte_carlo(m, scenario_sampler(sc, m.index), runs=10, days=120, seed=4)
    np.testing.assert_array_equal(a.total_loss, b.total_loss)
    assert not np.array_equal(a.total_loss, c.total_loss)
    assert a.draws["cut.impact"].between(0.1, 0.5).all()
    s = a.stats()
    assert s["p05"] <= s["mean"] <= s["p95"]
    # a deeper cut loses more: losses increase with the drawn share
    order = np.argsort(a.draws["cut.impact"].to_numpy())
    assert np.all(np.diff(a.total_loss[order]) > 0)
    f = a.to_frame()
    assert f["p_below"].between(0, 1).all()
    assert f.loc[("r0", "s1"), "p_below"] == pytest.approx((a.draws["cut.impact"] > 0.1).mean())
    assert "Monte Carlo" in a.summary()


def test_shipped_scenarios_parse():
    names = shipped_scenarios()
    assert {"chips_capacity_2020", "flood_equipment_mrio"} <= set(names)
    for n in names:
        sc = load_scenario(n)
        assert sc.events and sc.table
