"""The embedded default data as loaded by `ibrain init`, and the CLI as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from industrial_brain.services.defaults import init_store
from industrial_brain.store.readers import catalog, read_io_table, read_panel

from .helpers import snapshot


def test_init_loads_every_default_dataset(default_store):
    cat = catalog(default_store).set_index("dataset_id")
    expected = {
        "econ_energy_1990_2025": 14293,
        "digital_innovation_2013_2022": 11470,
        "gdp_three_sectors_2010_2022": 1612,
        "carbon_emissions_2010_2022": 390,
    }
    for ds, rows in expected.items():
        assert cat.loc[ds, "rows"] == rows
    assert cat.loc["digital_innovation_2013_2022", "missing_share"] == 0.0  # PROVENANCE: no missing cell
    assert cat.loc["econ_energy_1990_2025", "years"] == "1990–2025"
    assert default_store.query("SELECT count(*) n FROM io_table")["n"].iat[0] == 6 + 31
    assert default_store.query("SELECT count(*) n FROM region WHERE level = 'province'")["n"].iat[0] == 34


def test_init_is_idempotent(default_store):
    before = snapshot(default_store)
    reports = init_store(default_store)
    assert all(r.skipped for r in reports)
    assert snapshot(default_store) == before


def test_composites_are_external_references_not_indicators(default_store):
    codes = set(default_store.query("SELECT code FROM indicator")["code"])
    assert "digital_economy" not in codes and "new_productivity_level" not in codes
    ext = default_store.query("SELECT name, count(*) n FROM external_reference GROUP BY name ORDER BY name")
    assert ext.to_dict("list") == {"name": ["digital_economy", "new_productivity_level"], "n": [310, 310]}


def test_national_tables_balance_and_totals_match_provenance(default_store):
    # PROVENANCE §2a: total output 2017 225.8, 2018 249.5, 2020 269.9 trillion CNY (10^4 CNY units)
    totals = (("cn_nbs_io_2017_42", 225.8), ("cn_nbs_io_2018_42", 249.5), ("cn_nbs_io_2020_42", 269.9))
    for tid, trn in totals:
        t = read_io_table(default_store, tid)
        assert round(t.x.sum() / 1e8, 1) == trn
        # column identity: domestic + imported intermediate inputs + value added = output
        inputs = t.Z.sum(axis=0) + t.Z_imports.sum(axis=0) + t.V.sum(axis=0)
        np.testing.assert_allclose(inputs, t.x, atol=1e-4)
        # row identity of the domestic block
        np.testing.assert_allclose(t.Z.sum(axis=1) + t.Y.sum(axis=1), t.x, atol=1e-4)


def test_provincial_tables_use_nbs_2017_codes(default_store):
    t = read_io_table(default_store, "cn_prov_io_2017_42_110000")
    assert list(t.Z.index[:3]) == ["01", "02", "03"]
    assert t.sectors.loc["01", "name_zh"] == "农林牧渔产品和服务"
    assert list(t.trade.columns) == ["OF", "IM", "IF", "ERR"]
    # summed provincial value added vs summed 2017 GRP: PROVENANCE §5 reports 0.01 %; against the
    # gdp_three_sectors vintage we measure 0.012 %
    provincial = default_store.query(
        "SELECT table_id FROM io_table WHERE table_id LIKE 'cn_prov_io_2017_42_%'"
    )
    va = sum(read_io_table(default_store, tid).V.to_numpy().sum() for tid in provincial["table_id"])
    grp = read_panel(default_store, ["grp_100m_cny"], years="2017:2017")["grp_100m_cny"].sum()
    assert abs(va / 1e4 / grp - 1) < 1.5e-4


def test_panel_reader_filters(default_store):
    p = read_panel(default_store, ["gdp_100m_cny"], ["上海", "Inner Mongolia"], "2015:2016")
    assert p.index.tolist() == [("150000", 2015), ("150000", 2016), ("310000", 2015), ("310000", 2016)]
    assert p.loc[("310000", 2015), "gdp_100m_cny"] == pytest.approx(27821.63)
    # Beijing 2011–2017: secondary + tertiary VA exceed GDP (PROVENANCE §5 #3) → left out by default,
    # kept on request
    p = read_panel(default_store, ["gdp_100m_cny"], ["北京"], "2015:2016")
    assert p.empty and len(p.attrs["excluded"]) == 2
    assert "secondary_va_100m_cny" in p.attrs["excluded"]["detail"].iat[0]
    raw = read_panel(default_store, ["gdp_100m_cny"], ["北京"], "2015:2016", clean=False)
    assert raw.loc[("110000", 2015), "gdp_100m_cny"] == pytest.approx(22968.6)


def _cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "industrial_brain.cli.main", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_cli_show_catalog_and_exports(default_db, tmp_path):
    import shutil

    db = tmp_path / "c.duckdb"
    shutil.copy(default_db, db)
    r = _cli(
        "show",
        "panel",
        "--db",
        str(db),
        "--indicator",
        "grp_100m_cny",
        "--region",
        "北京",
        "--years",
        "2015:2016",
        "--format",
        "csv",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1].startswith("110000,Beijing,2015,23014.59")
    for suffix in ("csv", "xlsx", "parquet"):
        out = tmp_path / f"p.{suffix}"
        r = _cli(
            "show",
            "panel",
            "--db",
            str(db),
            "--indicator",
            "grp_100m_cny",
            "--years",
            "2020:2022",
            "--out",
            str(out),
        )
        assert r.returncode == 0, r.stderr
        back = {"csv": pd.read_csv, "xlsx": pd.read_excel, "parquet": pd.read_parquet}[suffix](out)
        assert len(back) == 93 and {"region_code", "name", "year", "grp_100m_cny"} <= set(back.columns)
    r = _cli("catalog", "--db", str(db), "--format", "json")
    assert r.returncode == 0 and '"dataset_id": "econ_energy_1990_2025"' in r.stdout
    r = _cli("catalog", "--db", str(db), "--lang", "zh")
    assert "数据集" in r.stdout


def test_cli_user_error_is_one_line_and_debug_shows_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("region,year,indicator,value\nAtlantis,2015,x,1\n", encoding="utf-8")
    db = tmp_path / "e.duckdb"
    r = _cli("ingest", str(bad), "--kind", "panel", "--db", str(db))
    assert r.returncode == 2
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "bad.csv: row 2, column 'indicator': unknown indicator" in lines[0]
    assert "Traceback" not in r.stderr
    r = _cli("ingest", str(bad), "--kind", "panel", "--db", str(db), "--debug")
    assert r.returncode != 0 and "Traceback" in r.stderr
    r = _cli("ingest", str(bad), "--kind", "nonsense", "--db", str(db))
    assert r.returncode == 2 and "unknown kind" in r.stderr


def test_cli_ingest_and_idempotent_reingest(tmp_path):
    db = tmp_path / "i.duckdb"
    ind = tmp_path / "ind.csv"
    ind.write_text("code,unit,direction\nsyn_x,%,+\n", encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("地区,年份,syn_x\n北京,2020,1.5\n", encoding="utf-8")
    assert _cli("ingest", str(ind), "--kind", "indicators", "--db", str(db)).returncode == 0
    r = _cli("ingest", str(data), "--kind", "panel", "--db", str(db))
    assert r.returncode == 0 and "stored 1 observations" in r.stdout
    r = _cli("ingest", str(data), "--kind", "panel", "--db", str(db))
    assert r.returncode == 0 and "nothing to do" in r.stdout
