"""The innovation service on the embedded panels, the ``ibrain innovation`` commands and the API."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from industrial_brain.api.main import close_app, create_app
from industrial_brain.cli.main import main
from industrial_brain.innovation import dea
from industrial_brain.errors import InputError
from industrial_brain.services.innovation import innovation_chain, innovation_efficiency, innovation_malmquist
from industrial_brain.store import Store

PANEL = (
    Path(__file__).resolve().parents[2]
    / "src/industrial_brain/data/panels/digital_innovation_panel_2013_2022__clean.csv"
)


@pytest.fixture(scope="module")
def db(default_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("innovation") / "i.duckdb"
    shutil.copy(default_db, path)
    return path


@pytest.fixture(scope="module")
def store(db):
    with Store(db) as s:
        yield s


def test_efficiency_2022_matches_dea_on_the_raw_file(store):
    r = innovation_efficiency(store, years=2022)
    f = r.to_frame().set_index("region_code")
    # independently: the CSV as shipped, CCR input-oriented, R&D personnel and expenditure → patents
    raw = pd.read_csv(PANEL, dtype={"adcode": str})
    raw = raw[raw["year"] == 2022].set_index("adcode")
    ref = dea(raw[["rd_personnel", "internal_rd_expenditure_10k_cny"]], raw[["valid_invention_patents"]])
    np.testing.assert_allclose(f["efficiency"].reindex(ref.efficiency.index), ref.efficiency, atol=1e-9)
    assert len(f) == 31
    assert set(f.index[f["efficiency"] > 1 - 1e-9]) == {"110000", "540000"}  # Beijing, Tibet
    assert f["efficiency"].idxmin() == "640000" and round(f.loc["640000", "efficiency"], 4) == 0.1611
    assert "110000" in f.loc["440000", "peers"]  # Guangdong is measured against Beijing


def test_gdp_errors_are_replaced_and_said(store):
    r = innovation_efficiency(store, years=2022, stage="economy")
    assert any("gdp_100m_cny" in n and "320000 2022" in n for n in r.notes)
    assert r.lineage.datasets and {d for d, _ in r.lineage.datasets} >= {"digital_innovation_2013_2022"}


def test_malmquist_2013_2022_identity_and_mean(store):
    m = innovation_malmquist(store, pair=(2013, 2022))
    f = m.frame
    assert len(f) == 31
    np.testing.assert_allclose(f["MI"], f["EC"] * f["TC"], rtol=1e-12)
    geo = np.exp(np.log(f[["MI", "EC", "TC"]]).mean())
    assert round(geo["MI"], 3) == 2.527 and round(geo["EC"], 3) == 1.466 and round(geo["TC"], 3) == 1.724
    # one year (or a window outside the data) has no pair to compare: one clear line, not a crash
    with pytest.raises(InputError, match="compares two years"):
        innovation_malmquist(store, years="2022")
    with pytest.raises(InputError, match="no R&D data in 1990–1995"):
        innovation_malmquist(store, years="1990:1995")
    consecutive = innovation_malmquist(store, years="2020:2022")
    assert sorted(set(zip(consecutive.frame.period_from, consecutive.frame.period_to))) == [
        (2020, 2021),
        (2021, 2022),
    ]


def test_chain_ratios_and_two_stage_product(store):
    c = innovation_chain(store, years=2022)
    f = c.frame.set_index("region_code")
    bj = f.loc["110000"]
    assert bj["rd_intensity_pct"] == pytest.approx(
        bj["internal_rd_expenditure_10k_cny"] / 1e4 / bj["gdp_100m_cny"] * 100
    )
    np.testing.assert_allclose(f["overall"], f["stage1"] * f["stage2"], rtol=1e-7)
    assert (f["stage1"] <= f["stage1_independent"] + 1e-7).all()
    assert "名称" in c.to_frame(lang="zh").columns


def test_cli_efficiency_csv_and_one_line_errors(db, tmp_path, capsys):
    db = shutil.copy(db, tmp_path / "cli.duckdb")  # the module's store holds the other file open
    main(["innovation", "efficiency", "--db", str(db), "--year", "2022", "--format", "csv"])
    out = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"region_code": str})
    assert len(out) == 31 and out.iloc[0]["region_code"] in {"110000", "540000"}
    main(["innovation", "malmquist", "--db", str(db), "--from", "2013", "--to", "2022", "--format", "csv"])
    assert "MI" in capsys.readouterr().out.splitlines()[0]
    with pytest.raises(SystemExit) as exc:
        main(["innovation", "efficiency", "--db", str(db), "--model", "sbm"])
    assert exc.value.code != 0
    err = capsys.readouterr().err
    assert "model" in err and "Traceback" not in err


def test_api_public_reads(db, tmp_path):
    path = tmp_path / "api.duckdb"
    shutil.copy(db, path)
    app = create_app(path)
    with TestClient(app) as client:
        r = client.get("/api/v1/innovation/efficiency?years=2022&model=bcc")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["count"] == 31 and body["lineage"]["method"] == "services.innovation_efficiency"
        r = client.get("/api/v1/innovation/malmquist?from=2013&to=2022&format=csv")
        assert r.status_code == 200 and r.text.splitlines()[0].startswith("region_code")
        assert client.get("/api/v1/innovation/efficiency?model=sbm").status_code == 422
    close_app(app)
