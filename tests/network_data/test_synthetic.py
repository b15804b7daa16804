"""The SYNTHETIC network drawn from the embedded 31-province MRIO: firms in proportion to output with
heavy-tailed sizes, and, aggregated back through the DuckDB flows, the MRIO's interregional
coefficients within the documented sampling error (meso.firm_network_synthesis.flow_sampling_sd)."""

from __future__ import annotations

import numpy as np
import pytest

from industrial_brain.meso.firm_network_synthesis import flow_sampling_sd
from industrial_brain.reference.uscc import is_valid_uscc
from industrial_brain.services import network as nw
from industrial_brain.services.io import mrio
from industrial_brain.store import Store, portable

N_RECORDS = 1_000_000


@pytest.fixture(scope="module")
def drawn(default_db, tmp_path_factory):
    with Store(default_db, read_only=True) as store:
        table = mrio(store).table
        net = nw.synthetic_network(store, n_firms=20_000, seed=3)
    paths = nw.write_synthetic_parquet(net, tmp_path_factory.mktemp("syn"), n_records=N_RECORDS, seed=4)
    tables = portable.connect("duckdb", firm_path=paths["firm"], transaction_path=paths["transaction"])
    flows = portable.collect(tables, portable.region_sector_flows(tables))
    return table, net, flows


def test_firms_follow_output_with_heavy_tailed_sizes(drawn):
    table, net, _ = drawn
    firms = net.firms
    assert firms["name"].str.startswith("合成企业").all() and "SYNTHETIC" in net.summary()
    assert all(is_valid_uscc(u) for u in firms["uscc"].sample(500, random_state=1))
    assert firms["uscc"].is_unique and 20_000 <= len(firms) <= 21_500
    counts = firms.groupby(["region_code", "sector_code"]).size()
    x = table.x.reindex(counts.index)
    assert np.corrcoef(counts, x)[0, 1] > 0.99
    revenue = np.sort(firms["revenue_cny"].to_numpy())[::-1]
    top = np.cumsum(revenue) / revenue.sum()
    assert top[len(revenue) // 100] > 0.1 and top[len(revenue) // 10] > 0.4  # top 1 %, top 10 % of firms
    assert np.isclose(revenue.sum(), table.x.sum() * 1e4, rtol=1e-9)


def test_aggregated_back_it_reproduces_the_interregional_coefficients(drawn):
    table, net, flows = drawn
    assert flows["records"].sum() == N_RECORDS
    T = flows.set_index(["seller_region", "seller_sector", "buyer_region", "buyer_sector"])["amount_cny"]
    cells = net.cells
    nodes = net.nodes
    seller, buyer = nodes[cells["seller_cell"]], nodes[cells["buyer_cell"]]
    key = [(r, i, s, j) for (r, i), (s, j) in zip(seller, buyer)]
    got = T.reindex(key, fill_value=0.0).to_numpy()
    x_buyer = table.x.to_numpy()[cells["buyer_cell"]] * 1e4
    a_true = (
        table.Z.to_numpy()[cells["seller_cell"], cells["buyer_cell"]]
        / table.x.to_numpy()[cells["buyer_cell"]]
    )
    a_hat = got / x_buyer
    sd = flow_sampling_sd(cells["p"], N_RECORDS, net.amount_cny, net.sigma) / x_buyer
    expected_records = cells["p"].to_numpy() * N_RECORDS
    inter = np.asarray(seller.get_level_values(0) != buyer.get_level_values(0))
    m = inter & (expected_records >= 30)  # 1,227 interregional cells, 29 % of interregional flows
    assert m.sum() > 1000
    z = (a_hat[m] - a_true[m]) / sd[m]
    assert abs(z.mean()) < 0.1 and 0.85 < z.std() < 1.15 and np.mean(np.abs(z) > 4) < 0.005
    # the documented rule of thumb: relative error ≈ e^{σ²/2} / √(expected records)
    rel = np.abs(a_hat[m] / a_true[m] - 1)
    assert np.median(rel * np.sqrt(expected_records[m])) < np.exp(net.sigma**2 / 2)


def test_the_draw_is_seeded(default_db):
    with Store(default_db, read_only=True) as store:
        a = nw.synthetic_network(store, n_firms=500, seed=1)
        b = nw.synthetic_network(store, n_firms=500, seed=1)
    assert a.firms.equals(b.firms)
    assert a.transactions(1000, seed=2).equals(b.transactions(1000, seed=2))
    assert not a.transactions(1000, seed=2).equals(a.transactions(1000, seed=3))
