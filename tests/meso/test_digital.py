"""Digital input coefficients (industry-level 数实融合): hand-solved case, the national 2017/2018/2020
tables (numbers asserted and cross-checked by an independent numpy computation from the CSV files),
the 31 provincial tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.meso.digital import DIGITAL_CORE_NBS42, digital_integration, digital_panel


def test_default_digital_sectors_match_the_sector_list(io_tables_dir):
    sec = pd.read_csv(io_tables_dir / "sectors_nbs_2017_42.csv", dtype={"code": str}).set_index("code")
    assert DIGITAL_CORE_NBS42 == ("20", "31")
    assert sec.loc["20", "name_zh"] == "通信设备、计算机和其他电子设备"
    assert sec.loc["31", "name_zh"] == "信息传输、软件和信息技术服务"


def test_hand_solved_three_sectors():
    # SYNTHETIC A; digital = {"2"}: direct = row 2 of A; total = row 2 of (L − I)
    A = pd.DataFrame(
        [[0.1, 0.2, 0.0], [0.05, 0.1, 0.1], [0.1, 0.0, 0.2]], index=list("123"), columns=list("123")
    )
    r = digital_integration(A, pd.Series([100.0, 50.0, 80.0], index=list("123")), digital=["2"])
    assert r.table["direct"].tolist() == pytest.approx([0.05, 0.1, 0.1])
    L = np.linalg.inv(np.eye(3) - A.to_numpy())
    assert r.table["total"].tolist() == pytest.approx((L - np.eye(3))[1].tolist())
    # digital share of intermediate inputs: column sums .25, .3, .3 → .05/.25, .1/.3, .1/.3
    assert r.table["share_intermediate"].tolist() == pytest.approx([0.2, 1 / 3, 1 / 3])
    # economy-wide (non-digital sectors, output-weighted): (100·.05 + 80·.1) / 180
    assert r.direct_economy == pytest.approx(13.0 / 180.0)
    assert list(r.digital_linkages.index) == ["2"]
    with pytest.raises(InputError):
        digital_integration(A, digital=["99"])


def _numpy_reference(io_tables_dir, year: int, basis: str):
    """Independent computation from the published CSV: A = (Z_dom [+ Z_imp]) / GO, L by np.linalg.inv."""
    df = pd.read_csv(io_tables_dir / f"cn_nbs_io_{year}_42sec_noncompetitive.csv")
    sec = [c for c in df.columns if str(c).isdigit()]
    dom, imp = df[df.Origin == "Domestic"], df[df.Origin == "Imports"]
    Z = dom[sec].to_numpy(float) + (imp[sec].to_numpy(float) if basis == "total" else 0.0)
    x = dom["GO"].to_numpy(float)
    A = Z / x[None, :]
    B = np.linalg.inv(np.eye(42) - A) - np.eye(42)
    return A[19] + A[30], B[19] + B[30], x


# direct / total digital input coefficients (domestic + imported inputs), computed here and cross-checked
EXPECTED = {
    2017: {
        "economy": (0.017733, 0.077051),
        "18": (0.021554, 0.132772),
        "28": (0.011042, 0.046488),
        "32": (0.034334, 0.076645),
    },
    2018: {"economy": (0.019636, 0.080656)},
    2020: {
        "economy": (0.021465, 0.087004),
        "18": (0.026212, 0.150185),
        "28": (0.013073, 0.056757),
        "32": (0.034697, 0.072515),
    },
}


@pytest.fixture(scope="module")
def national_digital(io_store):
    from industrial_brain.services.io import digital_national

    return digital_national(io_store), digital_national(io_store, basis="domestic")


@pytest.mark.parametrize("year", [2017, 2018, 2020])
def test_national_tables_against_numpy(national_digital, io_tables_dir, year):
    total_basis, domestic_basis = national_digital
    for basis, res in (("total", total_basis), ("domestic", domestic_basis)):
        r = res[f"cn_nbs_io_{year}_42"]
        d, t, x = _numpy_reference(io_tables_dir, year, basis)
        np.testing.assert_allclose(r.table["direct"].to_numpy(), d, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(r.table["total"].to_numpy(), t, rtol=1e-10, atol=1e-15)
        nd = np.ones(42, bool)
        nd[[19, 30]] = False
        assert r.direct_economy == pytest.approx((d[nd] * x[nd]).sum() / x[nd].sum(), rel=1e-12)
    r = total_basis[f"cn_nbs_io_{year}_42"]
    for key, (direct, total) in EXPECTED[year].items():
        if key == "economy":
            assert (round(r.direct_economy, 6), round(r.total_economy, 6)) == (direct, total)
        else:
            assert (round(r.table.loc[key, "direct"], 6), round(r.table.loc[key, "total"], 6)) == (
                direct,
                total,
            )


def test_integration_deepens_2017_to_2020(national_digital):
    res = national_digital[0]
    eco = [res[f"cn_nbs_io_{y}_42"].total_economy for y in (2017, 2018, 2020)]
    assert eco[0] < eco[1] < eco[2]
    dl = res["cn_nbs_io_2020_42"].digital_linkages
    # electronics (20) pulls strongly backward (power of dispersion > 1); software/IT (31) does not
    assert dl.loc["20", "backward"] > 1 > dl.loc["31", "backward"]
    panel = digital_panel(res)
    assert len(panel) == 3 * 42 and set(panel["key"]) == {f"cn_nbs_io_{y}_42" for y in (2017, 2018, 2020)}


def test_provincial_tables(io_store, io_tables_dir):
    from industrial_brain.services.io import digital_provinces

    f = digital_provinces(io_store)
    assert f.shape[0] == 31 * 42 and f["region_code"].nunique() == 31
    # Beijing, competitive table as published: independent numpy computation from the CSV
    raw = pd.read_csv(io_tables_dir / "cn_provincial_io_2017_42sec_31prov.csv")
    bj = raw[raw["adcode"] == 110000].set_index("row_code")
    sec = [f"sec{i:02d}" for i in range(1, 43)]
    A = bj.loc[sec, sec].to_numpy(float) / bj.loc[sec, "GO"].to_numpy(float)[None, :]
    B = np.linalg.inv(np.eye(42) - A) - np.eye(42)
    got = f[f["region_code"] == "110000"].set_index("sector")
    np.testing.assert_allclose(got["direct"].to_numpy(), A[19] + A[30], rtol=1e-10)
    np.testing.assert_allclose(got["total"].to_numpy(), B[19] + B[30], rtol=1e-10)
    assert round(got.loc["10", "direct"], 6) == 0.013219
