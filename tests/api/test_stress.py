"""Stress scenarios as background jobs: roles, validation before queueing, progress, curves, stored run."""

from __future__ import annotations

import time

import pytest


def _wait(client, job_id, headers):
    for _ in range(400):
        j = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if j["status"] in ("done", "failed"):
            return j
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_scenarios_are_listed_with_their_yaml(client):
    sc = client.get("/api/v1/stress/scenarios").json()["data"]
    chips = next(s for s in sc if s["name"] == "chips_capacity_2020")
    assert chips["table"] == "cn_nbs_io_2020_153" and "impact: 0.30" in chips["yaml"]
    assert chips["title"].startswith("Chip capacity shock")
    zh = client.get("/api/v1/stress/scenarios?lang=zh").json()["data"]
    chips_zh = next(s for s in zh if s["name"] == "chips_capacity_2020")
    assert chips_zh["title"].startswith("芯片产能冲击") and "生产能力下降 30%" in chips_zh["description"]
    assert all(s["description"] != e["description"] for s, e in zip(zh, sc))  # every shipped one in Chinese


def test_stress_job_runs_with_progress_and_recovery_curves(client, auth):
    assert client.post("/api/v1/stress/jobs", json={"scenario": "chips_capacity_2020"}).status_code == 401
    assert (
        client.post(
            "/api/v1/stress/jobs", json={"scenario": "chips_capacity_2020"}, headers=auth["ent_a"]
        ).status_code
        == 403
    )
    r = client.post(
        "/api/v1/stress/jobs",
        json={"scenario": "chips_capacity_2020", "days": 150, "runs": 5, "seed": 1},
        headers=auth["analyst"],
    )
    assert r.status_code == 202
    j = _wait(client, r.json()["job_id"], auth["analyst"])
    assert j["status"] == "done" and j["progress"] == 1.0, j
    res = j["result"]
    assert res["days"] == 150 and len(res["total_ratio"]) == 150
    # sector 094 (electronic components) loses 30 % of capacity: its output ratio bottoms out at 0.70
    chips = next(c for c in res["sectors"] if c["sector"] == "094")
    assert abs(chips["min_production_ratio"] - 0.70) < 1e-6 and abs(min(chips["ratio"]) - 0.70) < 1e-6
    assert min(res["total_ratio"]) < 1.0 and res["total_production_loss"] > 0
    assert set(res["monte_carlo"]) >= {"mean", "p05", "p50", "p95"}
    # the 2020 table is in 10^4 CNY (万元): the loss in 亿元 is the table-unit loss / 10^4
    assert res["unit"] == "10^4 CNY"
    loss = res["total_production_loss"]
    assert res["total_production_loss_100m_cny"] == pytest.approx(loss / 1e4, rel=1e-12)
    assert res["monte_carlo_100m_cny"]["p95"] == pytest.approx(res["monte_carlo"]["p95"] / 1e4, rel=1e-12)
    run = client.get(f"/api/v1/runs/{res['run_id']}", headers=auth["analyst"]).json()
    assert run["kind"] == "stress" and run["owner"] == "ana"
    listed = client.get("/api/v1/runs?kind=stress", headers=auth["analyst"]).json()["data"]
    assert res["run_id"] in {x["run_id"] for x in listed}
    # the job's result is the analyst's (finding 7): not listed nor readable by the public or another
    # account (the whole table of refusals: tests/api/test_access_walk.py)
    for who in ("public", "ent_b"):
        listed = client.get("/api/v1/runs?kind=stress", headers=auth[who]).json()["data"]
        assert res["run_id"] not in {x["run_id"] for x in listed}
        assert client.get(f"/api/v1/runs/{res['run_id']}", headers=auth[who]).status_code in (401, 403)


def test_edited_scenario_and_bad_input(client, auth):
    sc = next(
        s for s in client.get("/api/v1/stress/scenarios").json()["data"] if s["name"] == "chips_capacity_2020"
    )
    edited = sc["yaml"].replace("impact: 0.30", "impact: 0.50")
    r = client.post("/api/v1/stress/jobs", json={"yaml": edited, "days": 120}, headers=auth["analyst"])
    j = _wait(client, r.json()["job_id"], auth["analyst"])
    chips = next(c for c in j["result"]["sectors"] if c["sector"] == "094")
    assert abs(chips["min_production_ratio"] - 0.50) < 1e-6
    for body, fragment in [
        ({"yaml": "name: [x"}, "not valid YAML"),
        ({"scenario": "nope"}, "unknown scenario"),
        ({}, "no scenario"),
    ]:
        r = client.post("/api/v1/stress/jobs", json=body, headers=auth["analyst"])
        assert r.status_code == 400 and fragment in r.json()["detail"], r.text
    assert (
        client.post(
            "/api/v1/stress/jobs",
            json={"scenario": "chips_capacity_2020", "runs": 10000},
            headers=auth["analyst"],
        ).status_code
        == 422
    )
