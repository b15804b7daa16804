"""``/api/v1/monitor``: the alerts of a replay of the GRP panel through 2020 (Hubei's contraction),
filtered, read with evidence, acknowledged and closed with a reason; the caller's subscriptions."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from fastapi.testclient import TestClient

from industrial_brain.api.main import close_app, create_app
from industrial_brain.services import monitor
from industrial_brain.store import Store

from .conftest import token

P = "/api/v1/monitor"


@pytest.fixture(scope="module")
def api(api_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("monitor_api") / "m.duckdb"
    shutil.copy(api_db, path)
    with Store(path) as s:
        monitor.run(s, datasets=["gdp_three_sectors_2010_2022"], through=2020)  # the shipped rules
    app = create_app(path)
    with TestClient(app) as c:
        yield c, {u: token(c, u) for u in ("root", "ana", "ent_a")}
    close_app(app)


def test_list_filter_read_ack_close(api):
    c, h = api
    body = c.get(f"{P}/alerts?severity=critical&region=420000").json()
    assert body["count"] == 1 and body["withheld"] == 0
    (a,) = body["data"]
    assert (a["rule"], a["indicator_code"], a["year"], a["state"]) == (
        "gdp_contraction",
        "grp_100m_cny",
        2020,
        "open",
    )
    warnings = c.get(f"{P}/alerts?severity=warning&region=420000").json()["data"]
    assert {w["severity"] for w in warnings} == {"warning"} and "gdp_contraction" not in {
        w["rule"] for w in warnings
    }
    assert c.get(f"{P}/alerts?severity=bad").status_code == 422
    text = c.get(f"{P}/alerts?rule=gdp_contraction&format=csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:7] == [
        "alert_id",
        "rule",
        "region_code",
        "indicator_code",
        "year",
        "severity",
        "state",
    ]
    one = c.get(f"{P}/alerts/{a['alert_id']}?lang=zh").json()
    assert round(one["evidence"]["fired"]["measure"], 4) == -0.052
    assert one["lineage"]["datasets"][0][0] == "gdp_three_sectors_2010_2022"
    aid = a["alert_id"]
    assert c.post(f"{P}/alerts/{aid}/ack", json={"reason": "x"}, headers=h["ent_a"]).status_code == 403
    r = c.post(f"{P}/alerts/{aid}/ack", json={"reason": "asked the bureau"}, headers=h["ana"])
    assert r.status_code == 200 and r.json()["state"] == "acknowledged"
    r = c.post(f"{P}/alerts/{aid}/close", json={"reason": "pandemic year"}, headers=h["root"])
    assert r.json()["state"] == "closed"
    assert [(x["actor"], x["to_state"], x["reason"]) for x in r.json()["changes"]][1:] == [
        ("api:ana", "acknowledged", "asked the bureau"),
        ("api:root", "closed", "pandemic year"),
    ]
    assert c.get(f"{P}/alerts?region=420000&state=closed").json()["count"] == 1  # never a stale answer


def test_subscriptions_are_the_callers(api):
    c, h = api
    r = c.post(f"{P}/subscriptions", json={"channel": "webhook", "target": "ftp://x"}, headers=h["ent_a"])
    assert r.status_code == 400 and "http" in r.json()["detail"]
    body = {"channel": "webhook", "target": "https://hooks.example.org/a", "regions": ["420000"]}
    r = c.post(f"{P}/subscriptions", json=body, headers=h["ent_a"])
    assert r.status_code == 201
    sid = r.json()["data"][0]["subscription_id"]
    assert [s["subscription_id"] for s in c.get(f"{P}/subscriptions", headers=h["ent_a"]).json()["data"]] == [
        sid
    ]
    assert c.get(f"{P}/subscriptions", headers=h["ana"]).json()["count"] == 0
    assert c.post(f"{P}/subscriptions/{sid}/stop", headers=h["ana"]).status_code == 400  # not ana's
    assert c.post(f"{P}/subscriptions/{sid}/stop", headers=h["ent_a"]).status_code == 200
    assert c.get(f"{P}/subscriptions", headers=h["ent_a"]).json()["count"] == 0
