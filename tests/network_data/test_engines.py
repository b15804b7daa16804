"""One code path, two engines: the flows of the same transactions on DuckDB (the store's tables and
Parquet files) and on local Spark are the same rows with the same values (1e-9 relative). One Spark
session for the module, stopped at its end; the data are small so the module stays within a minute
or two on two shared cores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.services import network as nw
from industrial_brain.store import Store, portable

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark():
    session = portable.spark_session("local[2]")
    yield session
    portable.stop_spark()


@pytest.fixture(scope="module")
def synthetic(default_db, tmp_path_factory):
    """A SYNTHETIC network (about 400 firms, 20,000 records over 2017) stored and written as Parquet."""
    root = tmp_path_factory.mktemp("net")
    db = root / "net.duckdb"
    db.write_bytes(default_db.read_bytes())
    with Store(db) as store:
        net = nw.synthetic_network(store, n_firms=400, seed=7)
        paths = nw.write_synthetic_parquet(net, root / "files", n_records=20_000, seed=8, chunk=7_000)
        nw.ingest_network_file(store, paths["firm"], "firms")
        for i, part in enumerate(sorted(paths["transaction"].glob("*.parquet"))):
            nw.ingest_network_file(store, part, "transactions", dataset_id=f"tx{i}")
        duck = nw.flows(store, firm_counts=True).frame
    return db, paths, duck


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    key = list(portable.FLOW_KEY)
    assert len(a) == len(b) > 1000
    pd.testing.assert_frame_equal(a[key], b[key], check_dtype=False)
    np.testing.assert_allclose(a["amount_cny"], b["amount_cny"], rtol=1e-9, atol=0)
    for c in ("records", "sellers", "buyers"):
        np.testing.assert_array_equal(a[c].to_numpy(), b[c].to_numpy())


def test_spark_and_duckdb_give_the_same_flows(spark, synthetic):
    db, paths, duck = synthetic
    with Store(db) as store:
        sp = nw.flows(store, engine="spark", firm_counts=True)
    assert sp.engine == "spark"
    _same(duck, sp.frame)
    assert duck["records"].sum() == 20_000


def test_the_same_expression_on_parquet_files(spark, synthetic):
    _, paths, duck = synthetic
    for engine in ("duckdb", "spark"):
        tables = portable.connect(engine, firm_path=paths["firm"], transaction_path=paths["transaction"])
        frame = portable.collect(tables, portable.region_sector_flows(tables, year=2017, firm_counts=True))
        _same(duck, frame)
    tables = portable.connect("spark", firm_path=paths["firm"], transaction_path=paths["transaction"])
    assert portable.collect(tables, portable.region_sector_flows(tables, year=2018)).empty


def test_spark_and_duckdb_give_the_same_firm_graph_leaders_and_cascade(spark, synthetic):
    """The weighted edges (the leaders' and the cascade's inputs) are the same rows on both engines,
    so the leaders and the cascade of the largest firm stopping are the same to 1e-9."""
    db, _, _ = synthetic
    with Store(db) as store:
        duck = nw.firm_edges(store)
        sp = nw.firm_edges(store, engine="spark")
        assert len(duck) == len(sp) > 5000
        pd.testing.assert_frame_equal(
            duck[list(portable.EDGE_KEY)], sp[list(portable.EDGE_KEY)], check_dtype=False
        )
        np.testing.assert_allclose(duck["amount_cny"], sp["amount_cny"], rtol=1e-9, atol=0)
        np.testing.assert_array_equal(duck["records"].to_numpy(), sp["records"].to_numpy())
        assert duck["records"].sum() == 20_000
        ld, ls = nw.leaders(store), nw.leaders(store, engine="spark")
        assert list(ld.table.index) == list(ls.table.index)
        np.testing.assert_allclose(ld.table["output_at_risk"], ls.table["output_at_risk"], rtol=1e-9)
        np.testing.assert_allclose(ld.table["pagerank_supplier"], ls.table["pagerank_supplier"], rtol=1e-9)
        first = [ld.table.index[0]]
        cd = nw.cascade(store, first, days=10, inventory_days=3)
        cs = nw.cascade(store, first, days=10, inventory_days=3, engine="spark")
    assert cd.total_output_lost > 0
    assert cs.total_output_lost == pytest.approx(cd.total_output_lost, rel=1e-9)
    np.testing.assert_allclose(cd.daily["output_lost"], cs.daily["output_lost"], rtol=1e-9)
