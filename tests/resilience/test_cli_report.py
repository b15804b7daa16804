"""``ibrain stress run`` end to end (pymrio's test MRIO, then the shipped scenarios on the default store)
and the demo-report sections."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from industrial_brain.cli.stress import app as stress_app

pytest.importorskip("pymrio")

SCENARIO = {
    "name": "cli_test",
    "table": "pymrio_test",
    "days": 90,
    "events": [
        {
            "name": "cut",
            "kind": "capacity",
            "regions": ["reg1"],
            "sectors": ["manufactoring"],
            "impact": 0.3,
            "start": 2,
            "duration": 20,
        }
    ],
    "monte_carlo": {
        "runs": 4,
        "seed": 1,
        "vary": [{"event": "cut", "field": "duration", "dist": "uniform", "low": 5, "high": 30}],
    },
}


@pytest.fixture
def scenario_file(tmp_path):
    p = tmp_path / "cli_test.yaml"
    p.write_text(yaml.safe_dump(SCENARIO), encoding="utf-8")
    return p


def _check_outputs(out, days=90, runs=4):
    traj = pd.read_parquet(out / "trajectories.parquet")
    assert len(traj) == days * 48
    assert {"production", "capacity", "final_demand_unmet", "inventories"} <= set(traj)
    assert (out / "recovery.png").stat().st_size > 10_000
    assert "ARIO" in (out / "summary.txt").read_text(encoding="utf-8")
    assert len(pd.read_csv(out / "summary.csv")) == 48
    mc = pd.read_parquet(out / "montecarlo_runs.parquet")
    assert len(mc) == runs and "total_loss" in mc


def test_stress_app_run(scenario_file, tmp_path, store):
    out = tmp_path / "out"
    args = ["run", str(scenario_file), "--out", str(out), "--db", str(store.path)]
    res = CliRunner().invoke(stress_app, args)
    assert res.exit_code == 0, res.output
    _check_outputs(out)
    runs = store.query("SELECT kind, method FROM analysis_run")
    assert list(runs.kind) == ["stress"]


def test_stress_app_bad_scenario_is_one_line(tmp_path, store):
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump({**SCENARIO, "days": 0}), encoding="utf-8")
    res = CliRunner().invoke(stress_app, ["run", str(p), "--db", str(store.path)])
    assert res.exit_code != 0
    assert "bad.yaml: days" in str(res.exception)


def test_main_stress_run(scenario_file, tmp_path, store, capsys):
    """Through the full ``ibrain`` app (needs ``app.add_typer(stress_app, name="stress")`` in cli/main.py)."""
    from industrial_brain.cli.main import main

    out = tmp_path / "out2"
    main(
        [
            "stress",
            "run",
            str(scenario_file),
            "--days",
            "60",
            "--runs",
            "3",
            "--out",
            str(out),
            "--db",
            str(store.path),
        ]
    )
    _check_outputs(out, days=60, runs=3)
    assert "total production loss" in capsys.readouterr().out


def test_report_sections(default_store, monkeypatch):
    from industrial_brain.report import sections_stress as ss

    monkeypatch.setattr(ss, "DEMO_RUNS", {"chips_capacity_2020": 3, "flood_equipment_mrio": 0})
    for fn in (ss.section_stress_chips, ss.section_stress_flood):
        sec = fn(default_store, "en")
        html = sec.body
        assert "<table" in html and "<img" in html, fn.__name__
    zh = ss.section_stress_chips(default_store, "zh").body
    assert "电子元器件" in zh or "094" in zh
    assert "总产出损失（亿元）" in zh


def test_flood_section_names_the_provinces_and_shows_losses_in_100m_cny(default_store, monkeypatch):
    """The table of the provinces outside Henan that lose most has its province column, and its
    money columns are the run's losses (table unit 10^4 CNY) divided by 10^4."""
    from html.parser import HTMLParser

    from industrial_brain.report import sections_stress as ss

    class Tables(HTMLParser):  # the report's tables as lists of rows of cell text
        def __init__(self):
            super().__init__()
            self.tables, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                self.cell = ""

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                self.tables[-1][-1].append(self.cell.strip())
                self.cell = None

    monkeypatch.setattr(ss, "DEMO_RUNS", {"chips_capacity_2020": 0, "flood_equipment_mrio": 0})
    parser = Tables()
    parser.feed(ss.section_stress_flood(default_store, "en").body)
    head, *rows = next(t for t in parser.tables if t[0][0] == "province")
    names = [r[0] for r in rows]
    assert "Henan" not in names and len(rows) == 10
    _, res, _, tm = ss._run(default_store, "flood_equipment_mrio")
    assert tm.unit.startswith("10^4 CNY")
    loss = res.to_frame()["loss"].groupby(level=0).sum()
    by_name = {tm.region_names[str(r)][1]: v / 1e4 for r, v in loss.items()}
    col = head.index("net loss (100 million CNY)")
    for r in rows:
        assert float(r[col].replace(",", "")) == pytest.approx(by_name[r[0]], abs=0.006)


def test_stress_list_checks_the_scenarios_against_a_store(store, default_store):
    """``stress list --db``: every shipped scenario, and whether that store's tables can run it."""
    store.close()  # ``list`` opens the store read-only, as a second process would
    res = CliRunner().invoke(stress_app, ["list", "--db", str(store.path)])
    assert res.exit_code == 0, res.output
    rows = [line.split("\t") for line in res.output.strip().splitlines()]
    assert {r[0] for r in rows} == {"chips_capacity_2020", "flood_equipment_mrio"}
    by_name = {r[0]: r for r in rows}
    assert by_name["chips_capacity_2020"][1] == "cn_nbs_io_2020_153"
    assert "not in the store" in by_name["chips_capacity_2020"][3]
    assert "provincial IO tables" in by_name["flood_equipment_mrio"][3]
    default_store.close()
    res = CliRunner().invoke(stress_app, ["list", "--db", str(default_store.path)])
    assert res.exit_code == 0, res.output
    assert [line.split("\t")[3] for line in res.output.strip().splitlines()] == ["ok", "ok"]


def test_run_errors_name_the_parameter(store):
    from industrial_brain.errors import InputError
    from industrial_brain.services.stress import run_scenario, scenario_from

    sc = scenario_from(text=yaml.safe_dump({k: v for k, v in SCENARIO.items() if k != "table"}))
    with pytest.raises(InputError, match="column 'table': no table to run on") as err:
        run_scenario(store, sc)
    assert "--table" not in str(err.value)
    with pytest.raises(InputError, match="column 'days'"):
        run_scenario(store, sc, table="pymrio_test", days=0)
