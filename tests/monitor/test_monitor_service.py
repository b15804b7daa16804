"""Monitoring on the store: alerts stored with evidence and lineage, replayed year by year, audited
state changes, no second alert while one is open, the ingest hook."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from industrial_brain.errors import InputError
from _service_data import CONTRACTION, GRP

from industrial_brain.monitor import load_rules
from industrial_brain.services import catalog, monitor
from industrial_brain.store import alerts as store_alerts


def test_store_round_trip(store):
    """What write_alerts stores reads back field for field (evidence and lineage as JSON text)."""
    row = {
        "alert_id": "a1", "subject": "r|330000|x", "rule": "r", "kind": "threshold",
        "region_code": "330000", "indicator_code": "x", "year": 2020, "severity": "warning",
        "state": "open", "condition": "firing", "last_year": 2021, "cleared_year": None, "value": 11.5,
        "measure": 11.5, "message_en": "too high", "message_zh": "过高",
        "evidence": json.dumps({"fired": {"value": 11.5}}), "opened_at": "2021-12-31 00:00:00",
        "updated_at": "2021-12-31 00:00:00", "datasets": "d1", "grade": "important",
        "lineage": json.dumps({"method": "m"}),
    }  # fmt: skip
    with store.transaction():
        store_alerts.write_alerts(store, pd.DataFrame([row]))
    back = store_alerts.alert_row(store, "a1")
    assert back == row
    assert store_alerts.alerts(store, grades=["general"]).empty
    assert len(store_alerts.alerts(store, grades=["general", "important"], severity="warning")) == 1
    with store.transaction():  # the same id replaces the row
        store_alerts.write_alerts(store, pd.DataFrame([row | {"state": "closed"}]))
    assert store_alerts.alerts(store)["state"].tolist() == ["closed"]


def test_replay_flags_hubei_2020_and_closes_it_in_2021(default_store):
    s = default_store
    monitor.run(s, rules=CONTRACTION, datasets=[GRP], through=2019, at="2020-01-31")
    assert monitor.alerts(s, rule="gdp_contraction", region_code="420000")[0].empty
    r20 = monitor.run(s, rules=CONTRACTION, datasets=[GRP], through=2020, at="2021-01-31")
    hubei = r20.opened[r20.opened["region_code"] == "420000"]
    assert len(hubei) == 1 and int(hubei["year"].iloc[0]) == 2020
    aid = hubei["alert_id"].iloc[0]
    a = monitor.alert(s, aid)
    assert a["state"] == "open" and a["condition"] == "firing" and a["grade"] == "general"
    assert round(a["measure"], 4) == -0.052  # 45,828 → 43,443 (10^8 CNY)
    assert a["evidence"]["fired"]["previous"] == pytest.approx(45828.0, abs=1)
    assert a["lineage"]["datasets"][0][0] == GRP
    # a second run over the same years: nothing new (no alert storm)
    again = monitor.run(s, rules=CONTRACTION, datasets=[GRP], through=2020, at="2021-02-28")
    assert again.opened.empty and again.changes.empty
    r21 = monitor.run(s, rules=CONTRACTION, datasets=[GRP], through=2021, at="2022-01-31")
    assert aid in set(r21.closed["alert_id"])
    a = monitor.alert(s, aid)
    assert (a["state"], a["condition"], a["cleared_year"]) == ("closed", "cleared", 2021)
    assert [(c["actor"], c["from_state"], c["to_state"]) for c in a["changes"]] == [
        ("system", None, "open"),
        ("system", "open", "closed"),
    ]


def test_no_second_alert_while_open_and_people_audited(default_store):
    s = default_store
    r = monitor.run(s, rules=CONTRACTION, datasets=[GRP], through=2020, at="2021-01-31")
    aid = r.opened.loc[r.opened["region_code"] == "420000", "alert_id"].iloc[0]
    a = monitor.acknowledge(s, aid, actor="li.ming", reason="asked the provincial bureau")
    assert a["state"] == "acknowledged"
    with pytest.raises(InputError, match="why"):
        monitor.close(s, aid, actor="li.ming", reason=" ")
    a = monitor.close(s, aid, actor="li.ming", reason="the pandemic year, known")
    assert a["state"] == "closed" and a["condition"] == "firing"
    # closed by a person while still firing: the subject stays quiet
    r2 = monitor.run(s, rules=CONTRACTION, datasets=[GRP], through=2020, at="2021-03-31")
    assert r2.opened.empty
    with pytest.raises(InputError, match="cannot be acknowledged"):
        monitor.acknowledge(s, aid, actor="li.ming", reason="again")
    changes = [(c["actor"], c["to_state"], c["reason"]) for c in monitor.alert(s, aid)["changes"]]
    assert changes[1:] == [
        ("li.ming", "acknowledged", "asked the provincial bureau"),
        ("li.ming", "closed", "the pandemic year, known"),
    ]
    audit = s.query("SELECT actor, action FROM audit WHERE object = ? ORDER BY rowid", [aid])
    assert audit.values.tolist() == [["li.ming", "alert_ack"], ["li.ming", "alert_close"]]


def test_default_rules_on_the_store_and_list_columns(default_store):
    s = default_store
    r = monitor.run(s, datasets=[GRP])
    assert r.sources == (GRP,) and len(r.opened) > 0
    f, withheld = monitor.alerts(s)
    assert list(f.columns[:7]) == [
        "alert_id",
        "rule",
        "region_code",
        "indicator_code",
        "year",
        "severity",
        "state",
    ]
    assert withheld == 0 and set(f["rule"]) <= {x.code for x in load_rules().rules}
    assert monitor.rules_frame()["code"].iloc[0] == "gdp_contraction"


def test_a_panel_ingest_evaluates_its_dataset(default_store, tmp_path):
    """The ingest service runs the shipped rules on the panel it stored (that dataset only)."""
    s = default_store
    values = [100, 104, 109, 113, 118, 121, 125, 117]  # SYNTHETIC: a 6.4 % fall in 2019
    rows = [f"330000,{y},gdp_100m_cny,{v}" for y, v in zip(range(2012, 2020), values)]
    csv = tmp_path / "synthetic_gdp.csv"
    csv.write_text("region,year,indicator,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    rep = catalog.ingest_file(s, csv, "panel", dataset_id="synthetic_gdp")
    assert rep.details["monitor"]["opened"] >= 1
    stored = store_alerts.alerts(s)
    assert set(stored["datasets"]) == {"synthetic_gdp"}  # the other datasets were not evaluated
    hit = stored[stored["rule"] == "gdp_contraction"]
    assert hit[["region_code", "year", "state"]].values.tolist() == [["330000", 2019, "open"]]
    assert round(float(hit["measure"].iloc[0]), 4) == round(117 / 125 - 1, 4)
    again = catalog.ingest_file(s, csv, "panel", dataset_id="synthetic_gdp")  # identical file: a no-op
    assert again.skipped and len(store_alerts.alerts(s)) == len(stored)


def test_the_same_subject_in_two_datasets_gets_one_alert_each(default_store, tmp_path):
    """Both sources fire gdp_contraction for 330000 in 2019: two alerts (two ids), and a full run
    after them opens neither again."""
    s = default_store
    for name, first in (("synthetic_a", 100), ("synthetic_b", 101)):
        values = [first, 104, 109, 113, 118, 121, 125, 117]  # SYNTHETIC: a 6.4 % fall in 2019
        rows = [f"330000,{y},gdp_100m_cny,{v}" for y, v in zip(range(2012, 2020), values)]
        csv = tmp_path / f"{name}.csv"
        csv.write_text("region,year,indicator,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
        catalog.ingest_file(s, csv, "panel", dataset_id=name)
    hit = store_alerts.alerts(s, rule="gdp_contraction")
    assert sorted(hit["datasets"]) == ["synthetic_a", "synthetic_b"] and hit["alert_id"].nunique() == 2
    again = monitor.run(s, datasets=["synthetic_a", "synthetic_b"])
    assert again.opened.empty and again.changes.empty


def test_the_coordination_degree_of_the_newest_macro_run(default_store):
    """D of a macro run (SYNTHETIC values) is evaluated beside the panels; its alerts are its own."""
    from industrial_brain.lineage import Lineage
    from industrial_brain.services.results import dataset_lineage, save_run

    s = default_store
    v = pd.DataFrame(
        {
            "region_code": ["110000"] * 3,
            "year": [2019, 2020, 2021],
            "measure": "D",
            "value": [0.62, 0.48, 0.47],
        }
    )
    save_run(
        s, "macro", Lineage.make("synthetic", {}, datasets=dataset_lineage(s, ["econ_energy_1990_2025"])), v
    )
    r = monitor.run(s)
    d = r.opened[r.opened["indicator_code"] == "D"]
    assert d[["rule", "region_code", "year"]].values.tolist() == [["coordination_disorder", "110000", 2020]]
    again = monitor.run(s)
    assert again.opened.empty and again.changes.empty
