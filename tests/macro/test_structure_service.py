"""Homogeneous and uneven development on the embedded data: the service against the published CSV
files recomputed with plain numpy, the figures the docs quote, and ``ibrain macro similarity |
specialisation | digital-by-industry`` as a user runs them."""

from __future__ import annotations

import io
import shutil
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.services import structure
from industrial_brain.store import Store

from foundation.helpers import run_cli  # tests/ is on sys.path (rootdir-relative packages)

DATA = files("industrial_brain") / "data"


@pytest.fixture(scope="module")
def db(default_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("structure") / "s.duckdb"
    shutil.copy(default_db, path)
    return path


@pytest.fixture(scope="module")
def store(db):
    with Store(db) as s:
        yield s


def _raw_outputs() -> pd.DataFrame:
    """Provinces × manufacturing sectors gross output, straight from the provincial CSV."""
    raw = pd.read_csv(
        io.StringIO((DATA / "io_tables" / "cn_provincial_io_2017_42sec_31prov.csv").read_text())
    )
    raw = raw[raw["row_code"].isin([f"sec{c:02d}" for c in range(6, 24)])]
    return raw.pivot(index="adcode", columns="row_code", values="GO").rename(index=str)


def test_manufacturing_similarity_matches_the_csv(store):
    res = structure.similarity(store)
    X = _raw_outputs().to_numpy()
    s = X / X.sum(axis=1, keepdims=True)
    u = s / np.linalg.norm(s, axis=1, keepdims=True)
    assert np.allclose(res.S.loc[_raw_outputs().index, _raw_outputs().index].to_numpy(), u @ u.T, atol=1e-12)
    top = res.near_duplicates.head(3)
    assert top[["region_i", "region_j"]].to_numpy().tolist() == [
        ["410000", "430000"],  # Henan–Hunan
        ["150000", "630000"],  # Inner Mongolia–Qinghai
        ["140000", "620000"],  # Shanxi–Gansu
    ]
    assert top["S"].round(4).tolist() == [0.9827, 0.9727, 0.9693]
    assert len(res.near_duplicates) == 43 and round(res.mean, 4) == 0.7019
    assert dict(res.lineage.datasets).keys() == {"cn_prov_io_2017_42"}


def test_three_sector_trend(store):
    res = structure.similarity_over_time(store)
    t = res.trend
    assert list(t.index) == list(range(2010, 2023)) and (t["pairs"] == 465).all()
    assert any("vintage breaks" in n for n in res.notes)  # the provenance note of the GRP file
    assert any("level breaks" in n for n in res.notes)  # the screening's warnings on the sector series
    assert t["mean_S"].round(4)[[2010, 2020, 2022]].tolist() == [0.9642, 0.9763, 0.9692]
    assert t["near_duplicates"][[2010, 2020, 2022]].tolist() == [413, 442, 423]
    # recomputed from the CSV for 2010
    raw = pd.read_csv(io.StringIO((DATA / "panels" / "gdp_three_sectors_2010_2022__clean.csv").read_text()))
    y = raw[raw["year"] == 2010][["primary_va_100m_cny", "secondary_va_100m_cny", "tertiary_va_100m_cny"]]
    u = y.to_numpy() / np.linalg.norm(y.to_numpy(), axis=1, keepdims=True)
    S = u @ u.T
    assert t.loc[2010, "mean_S"] == pytest.approx(S[np.triu_indices(len(S), 1)].mean(), abs=1e-12)
    over = structure.specialisation_over_time(store)
    assert over["FI"].round(4).tolist()[0] == 0.0663 and over["most_specialised"].eq("110000").all()


def test_specialisation_of_manufacturing(store):
    k, fi = structure.specialisation(store)
    assert k.K.idxmax() == "540000" and round(float(k.K.max()), 4) == 1.2230  # Tibet
    assert k.K.idxmin() == "340000"  # Anhui, closest to the rest of the country
    assert round(fi.FI, 4) == 0.2063
    f = structure.specialisation_frame(store, k, fi, "zh")
    assert f.columns[:2].tolist() == ["region_code", "name"] and f.iloc[0]["name"] == "西藏"


def test_digital_by_industry_nation_and_provinces(store):
    d = structure.digital_by_industry(store)
    cn = d[d["table_id"] == "cn_nbs_io_2020_42"].set_index("group")
    assert cn["share_intermediate"].round(4).tolist() == [0.0052, 0.0222, 0.0674]
    # the ordering of the three industries is CAICT's (primary < secondary < tertiary)
    assert (
        cn["share_intermediate"].is_monotonic_increasing and cn["caict_penetration"].is_monotonic_increasing
    )
    gd = d[d["region_code"] == "440000"].set_index("group")
    assert gd.loc["secondary", "share_intermediate"] > gd.loc["tertiary", "share_intermediate"]
    assert len(d) == 31 * 3 + 2 * 3
    # the digital input is the Z cells of rows 20 and 31: recompute Beijing's secondary industry
    raw = pd.read_csv(
        io.StringIO((DATA / "io_tables" / "cn_provincial_io_2017_42sec_31prov.csv").read_text())
    )
    bj = raw[raw["adcode"] == 110000].set_index("row_code")
    cols = [f"sec{c:02d}" for c in range(2, 28) if c not in (20, 23)]
    digital = bj.loc[["sec20", "sec31"], cols].to_numpy().sum()
    inter = bj.loc[[f"sec{c:02d}" for c in range(1, 43)], cols].to_numpy().sum()
    row = d[(d["region_code"] == "110000") & (d["group"] == "secondary")].iloc[0]
    assert row["share_intermediate"] == pytest.approx(digital / inter, rel=1e-6)


def test_value_added_basis_says_what_was_corrected(store):
    r = structure.similarity(store, measure="value_added")
    assert "1 negative cell(s) set to 0 (a structure is made of non-negative shares)" in r.notes
    assert len(r.near_duplicates) == 47 and r.near_duplicates.iloc[0][["region_i", "region_j"]].tolist() == [
        "520000",
        "530000",
    ]


def test_parameter_errors(store):
    with pytest.raises(InputError, match="parameter 'basis'"):
        structure.similarity(store, basis="nope")
    with pytest.raises(InputError, match="parameter 'year'"):
        structure.similarity(store, basis="three_sectors", year=1999)


def test_cli(db, capsys):
    code, out, _ = run_cli(capsys, "macro", "similarity", "--db", str(db), "--format", "csv")
    assert code == 0
    f = pd.read_csv(io.StringIO(out), dtype={"region_i": str, "region_j": str})
    assert len(f) == 43 and f.iloc[0][["name_i", "name_j"]].tolist() == ["Henan", "Hunan"]
    code, out, _ = run_cli(capsys, "macro", "specialisation", "--db", str(db), "--lang", "zh")
    assert code == 0 and "西藏" in out and "地区分工指数 FI: 0.2063" in out
    code, out, _ = run_cli(
        capsys, "macro", "digital-by-industry", "--db", str(db), "--region", "CN", "--format", "csv"
    )
    f = pd.read_csv(io.StringIO(out))
    assert code == 0 and len(f) == 6 and set(f["region_code"]) == {"CN"}
    code, out, _ = run_cli(capsys, "macro", "similarity", "--db", str(db), "--over-time", "--format", "csv")
    assert code == 0 and pd.read_csv(io.StringIO(out))["year"].tolist() == list(range(2010, 2023))
    code, _, err = run_cli(capsys, "macro", "similarity", "--db", str(db), "--sectors", "nope")
    assert code != 0 and "option '--sectors'" in err and len(err.strip().splitlines()) == 1


def test_report_section_has_the_heatmap_and_the_figures(store):
    from industrial_brain.report.sections_macro import SECTIONS_MACRO, section_macro_structure

    assert section_macro_structure in SECTIONS_MACRO
    sec = section_macro_structure(store, "zh")
    body = "".join(sec.parts)
    assert body.count("data:image/png;base64") == 1
    assert "465 对中有 43 对" in body and "0.2063" in body
    assert "河南" in body and "第三产业" in body  # names and industries in the report's language
