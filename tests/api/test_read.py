"""Catalog, quality notes, regions, GeoJSON, indicators, panels: content, filters, paging, CSV, ETag,
grades."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from industrial_brain.store import Store
from industrial_brain.store.readers import read_panel


def test_catalog_lists_general_datasets_for_the_public_and_more_for_analysts(client, auth):
    pub = client.get("/api/v1/catalog").json()
    ids = {d["dataset_id"] for d in pub["data"]}
    assert "econ_energy_1990_2025" in ids and "cn_nbs_io_2020_42" in ids
    assert {"synthetic_enterprises", "synthetic_important_panel"}.isdisjoint(ids)
    assert all(d["grade"] == "general" for d in pub["data"]) and pub["count"] == len(pub["data"])
    ana = {d["dataset_id"] for d in client.get("/api/v1/catalog", headers=auth["analyst"]).json()["data"]}
    assert {"synthetic_enterprises", "synthetic_important_panel"} <= ana
    text = client.get("/api/v1/catalog?format=csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["dataset_id"] for r in rows} == ids


def test_etag_gives_304_and_changes_with_the_query(client):
    r = client.get("/api/v1/regions")
    etag = r.headers["etag"]
    assert r.status_code == 200 and etag.startswith('"')
    again = client.get("/api/v1/regions", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get("/api/v1/panel?indicator=gdp_100m_cny&years=2020")
    assert other.headers["etag"] != etag


def test_regions_and_neighbours(client):
    regs = client.get("/api/v1/regions").json()["data"]
    prov = [r for r in regs if r["level"] == "province"]
    assert len(prov) >= 31
    zj = client.get("/api/v1/regions/330000").json()
    assert zj["name_en"] == "Zhejiang" and zj["name_zh"] == "浙江省"
    nb = {r["code"] for r in client.get("/api/v1/regions/330000/neighbours").json()["data"]}
    # Zhejiang borders Shanghai, Jiangsu, Anhui, Jiangxi and Fujian (a map shows it)
    assert {"310000", "320000", "340000", "360000", "350000"} <= nb and "330000" not in nb


def test_geojson_has_the_31_mainland_provinces(client):
    r = client.get("/api/v1/geo/provinces")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    g = r.json()
    assert g["type"] == "FeatureCollection"
    assert sum(f["properties"]["mainland_31"] for f in g["features"]) == 31


def test_indicators_and_panel_match_the_reader(client, api_db):
    inds = client.get("/api/v1/indicators").json()["data"]
    gdp = next(i for i in inds if i["code"] == "gdp_100m_cny")
    assert gdp["unit"] == "10^8 CNY" and gdp["year_min"] <= 2000 and gdp["regions"] == 31
    assert "synthetic_secret" not in {i["code"] for i in inds}
    params = {"indicator": "gdp_100m_cny", "years": "2020", "limit": 100}
    r = client.get("/api/v1/panel", params=params).json()
    assert r["count"] == 31 and r["indicators"] == ["gdp_100m_cny"]
    with Store(api_db, read_only=True) as s:
        p = read_panel(s, ["gdp_100m_cny"], years=(2020, 2020), datasets=["econ_energy_1990_2025"])
    got = {row["region_code"]: row["gdp_100m_cny"] for row in r["data"]}
    assert np.allclose([got[c] for c, _ in p.index], p["gdp_100m_cny"].to_numpy())
    assert got["440000"] > got["640000"]  # Guangdong's GDP exceeds Ningxia's


def test_panel_filters_paging_and_csv(client):
    base = {"indicator": "gdp_100m_cny", "years": "2015:2020"}
    full = client.get("/api/v1/panel", params={**base, "region": ["330000", "Jiangsu"]}).json()
    assert full["count"] == 12 and {d["region_code"] for d in full["data"]} == {"320000", "330000"}
    p1 = client.get("/api/v1/panel", params={**base, "limit": 5, "offset": 0}).json()
    p2 = client.get("/api/v1/panel", params={**base, "limit": 5, "offset": 5}).json()
    assert p1["count"] == p2["count"] == 31 * 6 - p1["excluded"] and len(p1["data"]) == 5
    assert p1["data"][-1] != p2["data"][0]
    text = client.get("/api/v1/panel", params={**base, "format": "csv", "limit": 3}).text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["region_code", "year", "gdp_100m_cny"] and len(rows) == 4


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"indicator": "no_such_indicator"}, "unknown indicator"),
        ({"indicator": "gdp_100m_cny", "years": "2020:2010"}, "bad year range"),
        ({"indicator": "gdp_100m_cny", "region": "Atlantis"}, "unknown region"),
        ({"dataset": "no_such_dataset"}, "unknown dataset"),
    ],
)
def test_panel_user_errors_are_400_with_one_line(client, params, fragment):
    r = client.get("/api/v1/panel", params=params)
    assert r.status_code == 400 and fragment in r.json()["detail"] and "\n" not in r.json()["detail"]


def test_grade_enforcement_on_panels(client, auth):
    q = {"dataset": "synthetic_important_panel", "indicator": "synthetic_secret"}
    assert client.get("/api/v1/panel", params=q).status_code == 401
    assert client.get("/api/v1/panel", params=q, headers=auth["ent_a"]).status_code == 403
    r = client.get("/api/v1/panel", params=q, headers=auth["analyst"])
    assert r.status_code == 200 and r.json()["count"] == 2
    # without naming the dataset, the public gets nothing from it either
    r = client.get("/api/v1/panel", params={"indicator": "synthetic_secret"})
    assert r.status_code == 200 and r.json()["count"] == 0


def test_quality_notes(client):
    r = client.get("/api/v1/quality-notes", params={"severity": "error", "limit": 5}).json()
    assert r["count"] >= 1 and all(n["severity"] == "error" for n in r["data"]) and len(r["data"]) <= 5
    one = client.get("/api/v1/quality-notes", params={"dataset": "carbon_emissions_2010_2022"}).json()
    assert {n["dataset_id"] for n in one["data"]} == {"carbon_emissions_2010_2022"}
    secret = client.get("/api/v1/quality-notes", params={"dataset": "synthetic_important_panel"})
    assert secret.status_code == 401


def test_capabilities_and_openapi(client):
    caps = client.get("/api/v1/capabilities").json()
    assert set(caps) == {"macro", "io", "stress", "assess"}
    spec = client.get("/openapi.json").json()
    assert "/api/v1/panel" in spec["paths"] and "/api/v1/enterprises" in spec["paths"]
    assert client.get("/docs").status_code == 200
    json.dumps(spec)


def test_security_headers(client):
    page = client.get("/")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    # the second /regions answer comes from the cache
    for r in (page, client.get("/api/v1/regions"), client.get("/api/v1/regions")):
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
