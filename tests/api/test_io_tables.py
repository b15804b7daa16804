"""Input–output endpoints against the meso engine and a hand check with numpy."""

from __future__ import annotations

import numpy as np

from industrial_brain.store import Store
from industrial_brain.store.readers import read_io_table


def test_list_and_summary(client, api_db):
    tabs = client.get("/api/v1/io-tables").json()
    ids = {t["table_id"] for t in tabs["data"]}
    assert {"cn_nbs_io_2020_42", "cn_nbs_io_2018_153", "cn_prov_io_2017_42_330000"} <= ids and tabs[
        "count"
    ] == 37
    s = client.get("/api/v1/io-tables/cn_nbs_io_2020_42").json()
    assert s["count"] == 42 and s["unit"]
    with Store(api_db, read_only=True) as st:
        t = read_io_table(st, "cn_nbs_io_2020_42")
    got = {r["sector"]: r for r in s["data"]}
    assert np.isclose(sum(r["gross_output"] for r in s["data"]), t.x.sum())
    assert np.isclose(got["01"]["value_added"], t.V["01"].sum())
    zh = client.get("/api/v1/io-tables/cn_nbs_io_2020_42?lang=zh").json()["data"][0]["name"]
    assert zh.startswith("农")


def test_output_multiplier_is_the_column_sum_of_the_leontief_inverse(client, api_db):
    m = client.get("/api/v1/io-tables/cn_nbs_io_2020_42/multipliers").json()["data"]
    with Store(api_db, read_only=True) as st:
        t = read_io_table(st, "cn_nbs_io_2020_42")
    x = t.x.to_numpy()
    A = t.Z.to_numpy() / np.where(x > 0, x, 1.0)  # a_ij = z_ij / x_j
    L = np.linalg.inv(np.eye(len(x)) - A)  # L = (I − A)⁻¹
    assert np.allclose([r["output"] for r in m], L.sum(axis=0), rtol=1e-9)


def test_key_sectors_competitive_and_provincial_tables(client):
    for tid in ("cn_nbs_io_2018_153", "cn_prov_io_2017_42_330000"):
        ks = client.get(f"/api/v1/io-tables/{tid}/key-sectors").json()["data"]
        # Rasmussen–Hirschman indices average 1 over sectors by construction
        assert np.isclose(np.mean([r["backward"] for r in ks]), 1.0)
        assert {r["quadrant"] for r in ks} <= {"key", "backward_oriented", "forward_oriented", "weak"}
        assert any(r["quadrant"] == "key" for r in ks)
    # domestic flows (default) take imported inputs out, so output multipliers fall below the total-flow ones
    dom = client.get("/api/v1/io-tables/cn_nbs_io_2018_153/multipliers").json()["data"]
    tot = client.get("/api/v1/io-tables/cn_nbs_io_2018_153/multipliers?basis=total").json()["data"]
    assert all(d["output"] <= t["output"] + 1e-12 for d, t in zip(dom, tot))
    assert sum(d["output"] for d in dom) < sum(t["output"] for t in tot)
    csv = client.get("/api/v1/io-tables/cn_nbs_io_2020_42/key-sectors?format=csv&forward=leontief").text
    assert csv.splitlines()[0].startswith("sector,name,backward,forward")


def test_links_are_the_largest_coefficients(client, api_db):
    r = client.get("/api/v1/io-tables/cn_nbs_io_2020_42/links?sector=17&top=3").json()
    with Store(api_db, read_only=True) as st:
        t = read_io_table(st, "cn_nbs_io_2020_42")
    a = (t.Z["17"] / t.x["17"]).drop("17").sort_values(ascending=False)
    assert [u["sector"] for u in r["upstream"]] == list(a.index[:3])
    assert np.isclose(r["upstream"][0]["coefficient"], a.iloc[0])
    b = (t.Z.loc["17"] / t.x["17"]).drop("17").sort_values(ascending=False)
    assert [d["sector"] for d in r["downstream"]] == list(b.index[:3])


def test_links_go_two_tiers_up_and_down_with_the_self_input(client, api_db):
    r = client.get("/api/v1/io-tables/cn_nbs_io_2020_42/links?sector=17&top=3&tiers=2&fan=2").json()
    with Store(api_db, read_only=True) as st:
        t = read_io_table(st, "cn_nbs_io_2020_42")
    a = t.Z / t.x  # a_ij = z_ij / x_j
    b = t.Z.div(t.x, axis=0)  # b_ij = z_ij / x_i
    assert np.isclose(r["self_input"], t.Z.loc["17", "17"] / t.x["17"])
    up1, up2 = r["upstream_tiers"]
    assert [u["sector"] for u in up1] == [u["sector"] for u in r["upstream"]]
    first = {u["sector"]: u["coefficient"] for u in up1}
    assert up2 and all(e["via"] in first for e in up2)
    for e in up2:  # the supplier's supplier: its coefficient in the column of the tier-1 sector
        assert np.isclose(e["coefficient"], a.loc[e["sector"], e["via"]])
        assert np.isclose(e["path"], first[e["via"]] * e["coefficient"])
    shown = [u["sector"] for u in up1 + up2]
    assert len(shown) == len(set(shown)) and "17" not in shown
    # per tier-1 sector, its two largest suppliers not shown before
    via = up1[0]["sector"]
    col = a[via].drop([u["sector"] for u in up1] + ["17"]).sort_values(ascending=False)
    assert [e["sector"] for e in up2 if e["via"] == via] == list(col.index[:2])
    down2 = r["downstream_tiers"][1]
    assert all(np.isclose(e["coefficient"], b.loc[e["via"], e["sector"]]) for e in down2)
    assert [len(x) for x in r["upstream_tiers"]] == [3, len(up2)] and len(up2) <= 3


def test_io_errors(client):
    r = client.get("/api/v1/io-tables/nope/multipliers")
    assert r.status_code == 400 and "unknown IO table" in r.json()["detail"]
    r = client.get("/api/v1/io-tables/cn_nbs_io_2020_42/links?sector=99")
    assert r.status_code == 400 and "unknown sector" in r.json()["detail"]
