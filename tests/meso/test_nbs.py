"""The embedded NBS tables load, balance within 1e-4 of output, and reproduce the published figures.

They are read by the production road: the CSV ingested into the store (``ingest.io.ingest_io``, as
``ibrain init`` does), read back (``store.readers.read_io_table``) and turned into an IOTable
(``services.io.iotable_from_stored``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.ingest.core import DatasetInfo
from industrial_brain.ingest.io import ingest_io
from industrial_brain.meso.imports import domestic_shares
from industrial_brain.meso.iotable import IOTable
from industrial_brain.services.io import iotable_from_stored
from industrial_brain.store import Store
from industrial_brain.store.readers import io_tables, read_io_table

NATIONAL = {
    "cn_nbs_io_2017_42sec_noncompetitive.csv": "cn_nbs_io_2017_42",
    "cn_nbs_io_2018_42sec_noncompetitive.csv": "cn_nbs_io_2018_42",
    "cn_nbs_io_2020_42sec_noncompetitive.csv": "cn_nbs_io_2020_42",
    "cn_nbs_io_2017_149sec.csv": "cn_nbs_io_2017_149",
    "cn_nbs_io_2018_153sec.csv": "cn_nbs_io_2018_153",
    "cn_nbs_io_2020_153sec.csv": "cn_nbs_io_2020_153",
}
PROVINCIAL = "cn_prov_io_2017_42"


@pytest.fixture(scope="module")
def stored_table(io_store):
    def load(table_id: str) -> IOTable:
        return iotable_from_stored(read_io_table(io_store, table_id))

    return load


def _within(b: pd.DataFrame, tol: float = 1e-4) -> None:
    x = b["x"].abs().to_numpy()
    for col in ("row", "column"):
        assert (b[col].abs().to_numpy() <= tol * np.maximum(x, 1.0)).all(), col


@pytest.mark.parametrize("name", NATIONAL)
def test_national_tables_load_and_balance(stored_table, name):
    t = stored_table(NATIONAL[name])
    _within(t.balance())
    n = 42 if "42sec" in name else int(name.split("_")[4][:3])
    assert t.Z.shape == (n, n)
    assert t.sector_names is not None and len(t.sector_names) == n
    if "noncompetitive" in name:
        assert t.Z_imp is not None and t.Z_imp.shape == (n, n)
        # domestic A: every column sum below 1 (PROVENANCE §5)
        assert (t.A.sum(axis=0) < 1).all()
    else:
        d = t.domestic()
        _within(d.balance())
        assert (d.Z.to_numpy() <= t.Z.to_numpy() + 1e-9).all()


def test_2020_domestic_output_multipliers_match_provenance(stored_table):
    t = stored_table("cn_nbs_io_2020_42")
    m = t.multipliers().table["output"]
    top = m.sort_values(ascending=False).round(2)
    assert list(top.index[:4]) == ["08", "07", "19", "18"]
    assert top.iloc[:4].tolist() == [3.11, 2.99, 2.89, 2.86]
    assert m.idxmin() == "33" and round(m.min(), 2) == 1.55
    # the Leontief inverse reproduces domestic output from domestic final demand (PROVENANCE §5)
    x = t.lu.solve(t.Y.sum(axis=1).to_numpy())
    np.testing.assert_allclose(x, t.x.to_numpy(), rtol=1e-12)
    assert "LU factors of (I − A)ᵀ (LeontiefLU)" in t.history


def test_nbs_layout_detection_and_codes_as_text(io_tables_dir, tmp_path):
    # ingested without a kind: the Origin column makes it non-competitive; codes are read as text
    # (leading zeros kept)
    with Store(tmp_path / "io.duckdb") as s:
        ingest_io(
            s,
            io_tables_dir / "cn_nbs_io_2020_42sec_noncompetitive.csv",
            DatasetInfo("nbs2020", "io"),
            year=2020,
            screen=False,
        )
        assert io_tables(s).set_index("table_id").loc["nbs2020", "kind"] == "noncompetitive"
        t = iotable_from_stored(read_io_table(s, "nbs2020"))
        assert t.Z.index[0] == "01"
        junk = tmp_path / "junk.csv"
        pd.DataFrame({"a": [1]}).to_csv(junk, index=False)
        with pytest.raises(InputError):
            ingest_io(s, junk, DatasetInfo("junk", "io"), year=2020)


def test_provincial_tables_load_balance_and_localise(io_store, stored_table):
    ids = [t for t in io_tables(io_store)["table_id"] if t.startswith(PROVINCIAL + "_")]
    assert len(ids) == 31
    for tid in ids:
        t = stored_table(tid)
        b = t.balance()
        # row identity incl. OF, IM, IF and ERR holds (max 0.29 in 10^4 CNY, PROVENANCE §2b)
        assert b["row"].abs().max() < 0.5
        d = t.domestic()
        assert d.multipliers().table["output"].max() < t.multipliers().table["output"].max() + 1e-9
    # Tibet has zero-output sectors: kept at zero coefficients, named
    tib = stored_table(PROVINCIAL + "_540000")
    assert any("zero gross output" in n for n in tib.notes)
    assert np.isfinite(tib.A.to_numpy()).all()
    with pytest.raises(InputError):
        stored_table(PROVINCIAL)  # several provinces, none chosen
    with pytest.raises(InputError):
        stored_table(PROVINCIAL + "_999999")


def test_import_share_assumption_by_hand():
    # product 1: intermediate use 150 + 500, local final use 300, imports 50 → s₁ = 1 − 50/950
    Z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=["1", "2"], columns=["1", "2"])
    Y = pd.DataFrame({"FU101": [300.0, 1700.0], "EX": [100.0, 0.0], "IM": [-50.0, 0.0]}, index=["1", "2"])
    t = IOTable(Z, Y, V=pd.DataFrame([[650.0, 1400.0]], columns=["1", "2"]))
    assert t.x.tolist() == [1000.0, 2000.0]
    s, clipped = domestic_shares(Z, [300.0, 1700.0], [50.0, 0.0])
    assert s[0] == pytest.approx(1 - 50 / 950) and s[1] == 1.0 and len(clipped) == 0
    d = t.domestic()
    np.testing.assert_allclose(d.Z.iloc[0].to_numpy(), np.array([150.0, 500.0]) * (1 - 50 / 950))
    np.testing.assert_allclose(d.Z_imp.iloc[0].sum(), 650 * 50 / 950)
    assert d.Y.loc["1", "EX"] == 100.0  # exports are produced at home
    np.testing.assert_allclose(d.Y.loc["1", "FU101"], 300 * (1 - 50 / 950))
    # the domestic row identity still holds, imports appear as a column leakage
    np.testing.assert_allclose(d.balance()["row"].to_numpy(), 0.0, atol=1e-9)
    np.testing.assert_allclose(d.balance()["column"].to_numpy(), 0.0, atol=1e-9)
    assert d.multipliers().table["output"].iloc[1] < t.multipliers().table["output"].iloc[1]


def test_balance_error_names_worst_rows():
    Z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=["a", "b"], columns=["a", "b"])
    Y = pd.DataFrame({"f": [350.0, 1700.0]}, index=["a", "b"])
    with pytest.raises(InputError, match=r"row identity.*b: residual"):
        IOTable(Z, Y, x=pd.Series([1000.0, 2100.0], index=["a", "b"]))
    with pytest.raises(InputError, match="column identity"):
        IOTable(Z, Y, V=pd.DataFrame([[650.0, 1000.0]], columns=["a", "b"]))


def test_iotable_caches_and_aggregates():
    Z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=["a", "b"], columns=["a", "b"])
    Y = pd.DataFrame({"f": [350.0, 1700.0]}, index=["a", "b"])
    V = pd.DataFrame([[650.0, 1400.0]], index=["VA"], columns=["a", "b"])
    t = IOTable(Z, Y, V, name="MB")
    assert t.A is t.A and t.lu is t.lu
    assert t.history.count("A = Z x̂⁻¹ (technical_coefficients)") == 1
    np.testing.assert_allclose(
        t.G.to_numpy().sum(1), t.linkages().table["forward_total"].to_numpy(), rtol=1e-12
    )
    assert (
        t.key_sectors().table["quadrant"].isin(["key", "backward_oriented", "forward_oriented", "weak"]).all()
    )
    agg = t.aggregate(pd.DataFrame([[1.0, 1.0]], index=["all"], columns=["a", "b"]))
    assert agg.x.iloc[0] == 3000.0 and agg.Z.iloc[0, 0] == 950.0
    assert "IOTable(MB: 2 sectors" in repr(t)
