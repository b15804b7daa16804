"""Capital ingest (one-line errors, all or nothing, never general), the service's access rules and the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from industrial_brain.capital import synthetic_market
from industrial_brain.cli.main import app
from industrial_brain.errors import InputError, NotAuthenticated
from industrial_brain.services.access import PUBLIC, Principal
from industrial_brain.services.capital import (
    capital_eligibility,
    capital_indicators,
    capital_match,
    ingest_capital_file,
    load_synthetic_market,
)
from industrial_brain.store import Store
from industrial_brain.store import capital as store_capital


@pytest.fixture()
def market():
    return synthetic_market(60, 8, seed=4)


def test_bad_cell_refused_in_one_line_and_nothing_stored(tmp_path, market):
    f = market.needs.copy()
    f.loc[4, "instrument"] = "bond"
    p = tmp_path / "needs.csv"
    f.to_csv(p, index=False)
    with Store(tmp_path / "s.duckdb") as s:
        with pytest.raises(InputError) as e:
            ingest_capital_file(s, p, "financing_needs")
        msg = str(e.value)
        assert "\n" not in msg and "row 6" in msg and "column 'instrument'" in msg and "'bond'" in msg
        assert "debt | equity | grant" in msg
        assert store_capital.counts(s)["financing_needs"] == 0
        assert s.query("SELECT count(*) n FROM dataset WHERE kind = 'financing_needs'")["n"].iat[0] == 0


@pytest.mark.parametrize(
    "col,value,what",
    [
        ("uscc", "91320500MA1XXXXXX0", "invalid unified social credit code"),
        ("amount", "-5", "bad amount"),
        ("region_code", "990000", "unknown region"),
        ("risk_grade", "7", "bad risk_grade"),
    ],
)
def test_each_check_names_row_and_column(tmp_path, market, col, value, what):
    f = market.needs.astype(object).copy()
    f.loc[2, col] = value
    p = tmp_path / "needs.csv"
    f.to_csv(p, index=False)
    with Store(tmp_path / "s.duckdb") as s, pytest.raises(InputError, match=f"row 4, column '{col}': {what}"):
        ingest_capital_file(s, p, "financing_needs")


def test_sources_ticket_order_and_general_grade_refused(tmp_path, market):
    f = market.sources.copy()
    f.loc[0, "ticket_min"] = f.loc[0, "ticket_max"] + 1
    p = tmp_path / "src.csv"
    f.to_csv(p, index=False)
    with Store(tmp_path / "s.duckdb") as s:
        with pytest.raises(InputError, match="row 2, column 'ticket_min': ticket_min above ticket_max"):
            ingest_capital_file(s, p, "financing_sources")
        market.sources.to_csv(p, index=False)
        with pytest.raises(InputError, match="cannot be graded general"):
            ingest_capital_file(s, p, "financing_sources", grade="general")


def test_service_roles(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        load_synthetic_market(s, n_needs=150, n_sources=15, seed=2, provinces=("32",))
        r, grade = capital_match(s, Principal("ana", "analyst"))
        assert grade == "important" and len(r.matches) + len(r.unmatched) == 150
        with pytest.raises(NotAuthenticated):
            capital_match(s, PUBLIC)
        with pytest.raises(NotAuthenticated):
            capital_eligibility(s, PUBLIC)
        uscc = store_capital.needs(s)["uscc"].iat[0]
        own, _ = capital_match(s, Principal("e", "enterprise", uscc=uscc))
        assert set(own.matches["uscc"]) | set(own.unmatched["uscc"]) == {uscc}
        full, _ = capital_indicators(s, None, by="region_sector")
        pub, g = capital_indicators(s, PUBLIC, by="region_sector")
        assert g == "general" and not full.frame["suppressed"].any()
        small = pub.frame["firms"] < 3
        assert pub.frame.loc[small, "suppressed"].all()
        assert pub.frame.loc[pub.frame["suppressed"], "requested"].isna().all()


def test_cli_demo_match_eligibility_indicators(tmp_path):
    db = str(tmp_path / "c.duckdb")
    run = CliRunner()
    r = run.invoke(app, ["capital", "demo", "--needs", "200", "--sources", "20", "--seed", "3", "--db", db])
    assert r.exit_code == 0 and "SYNTHETIC" in r.output, r.output
    r = run.invoke(app, ["capital", "match", "--db", db, "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout[r.stdout.index("[") :])
    assert rows and {"need_id", "source_id", "score", "why"} <= set(rows[0])
    r = run.invoke(app, ["capital", "eligibility", "--db", db, "--on", "2025-01-01", "--format", "csv"])
    assert r.exit_code == 0 and "binding" in r.stdout
    r = run.invoke(app, ["capital", "indicators", "--by", "region", "--db", db, "--format", "csv"])
    assert r.exit_code == 0 and "debt_share_pct" in r.stdout
    r = run.invoke(
        app, ["capital", "ingest", str(tmp_path / "none.csv"), "--kind", "financing_needs", "--db", db]
    )
    assert isinstance(r.exception, InputError) and "file not found" in str(r.exception)
