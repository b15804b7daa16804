"""``ibrain mu evaluate|rules`` end to end, as a user runs it (the CLI contract). All firms are SYNTHETIC."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from industrial_brain.cli.main import main
from industrial_brain.micro.per_mu_rules import load_per_mu_rules

HEADER = (
    "uscc,year,county,sector,land_mu,tax_10k_cny,revenue_10k_cny,value_added_10k_cny,employees,energy_tce,"
    "electricity_kwh,water_t,cod_t,so2_t,rd_expenditure_10k_cny,invention_patents,net_profit_10k_cny"
)
ROWS = [
    "F1,2022,331082,C34,10,60,3000,600,40,200,1000000,6000,1.2,0.5,90,2,100",
    "F1,2023,331082,C34,10,150,3000,600,40,200,1000000,6000,1.2,0.5,90,2,100",
    "F2,2023,331082,C34,2,20,400,100,10,50,200000,1000,0.2,0.1,,0,10",
]


def run(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as e:
        return int(e.code or 0)
    return 0


@pytest.fixture(autouse=True)
def _no_default_store(tmp_path, monkeypatch):
    monkeypatch.setenv("IBRAIN_DB", str(tmp_path / "default-store.duckdb"))


def write(tmp_path, rows=ROWS):
    p = tmp_path / "firms.csv"
    p.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return p


def test_evaluate_writes_the_contract_columns(tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert run("mu", "evaluate", str(write(tmp_path)), "--rules", "linhai", "--out", str(out)) == 0
    s = pd.read_csv(out, dtype={"county": str})
    assert s.columns[:4].tolist() == ["uscc", "year", "score", "class"]
    assert len(s) == 3
    row = s[(s.uscc == "F1") & (s.year == 2023)].iloc[0]
    assert row["score"] == pytest.approx(100.0) and row["class"] == "A"
    assert row["prev_class"] == "B" and row["class_change"] == 1  # 2022: 亩均税收 16 of 40 points, 76 in all
    assert "linhai" in capsys.readouterr().out
    assert not (tmp_path / "default-store.duckdb").exists()


def test_evaluate_one_year_and_a_rule_file(tmp_path):
    out = tmp_path / "scores.csv"
    rules = tmp_path / "mine.yaml"
    rules.write_text(
        yaml.safe_dump(
            {**load_per_mu_rules("zhejiang_2018").model_dump(mode="json"), "code": "mine"}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    assert (
        run(
            "mu", "evaluate", str(write(tmp_path)), "--rules", str(rules), "--year", "2023", "--out", str(out)
        )
        == 0
    )
    s = pd.read_csv(out)
    assert s["year"].unique().tolist() == [2023] and s["uscc"].tolist() == ["F1", "F2"]
    assert s.loc[0, "score"] == pytest.approx(22.5 + 12 + 6 + 22.5 + 15 * 600 / 1.7 / 500 + 10)


def test_errors_are_one_line(tmp_path, capsys):
    bad = ROWS[:2] + ["F2,2023,331082,C34,2,-20,400,100,10,50,200000,1000,0.2,0.1,,0,10"]
    out = tmp_path / "scores.csv"
    assert run("mu", "evaluate", str(write(tmp_path, bad)), "--rules", "linhai", "--out", str(out)) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("row 4, column 'tax_10k_cny': impossible value (found '-20'; expected zero or more)")
    assert len(err.splitlines()) == 1
    assert run("mu", "evaluate", str(write(tmp_path)), "--rules", "nowhere", "--out", str(out)) == 2
    assert "unknown per-mu rule set" in capsys.readouterr().err
    missing = ROWS[:2] + ["F2,2023,331082,C34,5,20,400,100,10,50,200000,1000,,0.1,,0,10"]
    assert run("mu", "evaluate", str(write(tmp_path, missing)), "--rules", "linhai", "--out", str(out)) == 2
    assert "row 4, column 'cod_t': missing input" in capsys.readouterr().err
    assert (
        run("mu", "evaluate", str(write(tmp_path)), "--rules", "linhai", "--year", "2019", "--out", str(out))
        == 2
    )
    assert not out.exists()


def test_rules_lists_the_shipped_rules(capsys):
    assert run("mu", "rules", "--format", "csv") == 0
    listed = capsys.readouterr().out
    assert "linhai" in listed and "zhejiang_2018" in listed


def test_evaluate_reads_parquet(tmp_path):
    csv = write(tmp_path)
    frame = pd.read_csv(csv)  # county read as an integer: the reader keeps it as a code
    pq = tmp_path / "firms.parquet"
    frame.to_parquet(pq)
    out = tmp_path / "scores.csv"
    assert run("mu", "evaluate", str(pq), "--rules", "linhai", "--year", "2023", "--out", str(out)) == 0
    s = pd.read_csv(out, dtype={"county": str})
    assert s["county"].tolist() == ["331082", "331082"] and s["class"].tolist() == ["A", "C"]
