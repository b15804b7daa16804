"""``/api/v1/macro/structure/...`` on the default data: the figures the service gives, CSV, labels."""

from __future__ import annotations

import csv
import io

P = "/api/v1/macro/structure"


def test_similarity_pairs_and_matrix(client):
    r = client.get(f"{P}/similarity")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 43 and round(body["mean"], 4) == 0.7019
    top = body["data"][0]
    assert (top["region_i"], top["name_i"], top["region_j"], top["name_j"]) == (
        "410000",
        "Henan",
        "430000",
        "Hunan",
    )
    assert round(top["S"], 4) == 0.9827
    m = body["matrix"]
    assert len(m["regions"]) == 31 and len(m["S"]) == 31 and m["S"][0][0] == 1.0
    zh = client.get(f"{P}/similarity?basis=three_sectors&year=2010&pairs=all&lang=zh").json()
    assert zh["count"] == 465 and zh["params"]["year"] == 2010 and "北京" in zh["matrix"]["names"]


def test_trend_specialisation_digital(client):
    t = client.get(f"{P}/similarity/trend").json()["data"]
    assert [row["year"] for row in t] == list(range(2010, 2023))
    trend = client.get(f"{P}/similarity/trend").json()
    t = trend["data"]
    assert round(t[0]["mean_S"], 4) == 0.9642 and t[-1]["near_duplicates"] == 423 and "FI" in t[0]
    statuses = [c["status"] for c in trend["changes"]]
    assert statuses.count("entered") == 19 and statuses.count("left") == 9
    assert any("vintage breaks" in n for n in trend["notes"])
    s = client.get(f"{P}/specialisation").json()
    assert round(s["FI"], 4) == 0.2063 and s["data"][0]["name"] == "Tibet"
    text = client.get(f"{P}/digital-by-industry?format=csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    cn = [r for r in rows if r["table_id"] == "cn_nbs_io_2020_42"]
    assert [round(float(r["share_intermediate"]), 4) for r in cn] == [0.0052, 0.0222, 0.0674]
    assert client.get(f"{P}/similarity?basis=three_sectors&year=1999").status_code == 400
    assert client.get(f"{P}/similarity?threshold=2").status_code == 422
