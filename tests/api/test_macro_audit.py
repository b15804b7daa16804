"""GET /macro/index/{system}/audit: the stored audit of an index of a macro run, as the service renders it."""

from __future__ import annotations

import time

import numpy as np

from industrial_brain.services.index_audit import audit_tables, run_audit
from industrial_brain.services.runs import load_run


def _job_run(client, headers) -> str:
    r = client.post("/api/v1/macro/jobs", json={"permutations": 0, "seed": 3}, headers=headers)
    job_id = r.json()["job_id"]
    for _ in range(600):
        j = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if j["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert j["status"] == "done", j
    return j["result"]["run_id"]


def test_audit_route_renders_the_stored_audit(client, auth):
    ana = auth["analyst"]
    run_id = _job_run(client, ana)
    url = f"/api/v1/macro/index/digital/audit?run_id={run_id}"
    body = client.get(url, headers=ana).json()
    run = load_run(client.app.state.store.cursor(), run_id)
    role, audit = run_audit(run.audits, "digital")
    ref = audit_tables(audit, None, "en", run.regions["name_en"].to_dict())
    assert body["role"] == "digital" and body["system"] == "digital_economy" and body["year"] == run.years[-1]
    assert body["count"] == len(audit.system.indicators) == len(body["data"])
    assert np.allclose([r["w:entropy"] for r in body["data"]], ref["indicators"]["w:entropy"])
    assert body["draws"] == 200 and body["seed"] == 3 and body["aggregation"] == "arithmetic"
    # contributions of each province sum to its score; the rank intervals are the stored ones
    first = body["contributions"][0]
    mine = [r["contribution"] for r in body["contributions"] if r["region_code"] == first["region_code"]]
    assert abs(sum(mine) - first["score"]) < 1e-12
    assert [r["region_code"] for r in body["rank_intervals"]] == list(ref["rank_intervals"]["region_code"])
    assert {"pca", "alpha", "correlations", "flags", "dimension_weights"} <= set(body)
    index_row = next(r for r in body["pca"] if r["block"] == "index")
    assert abs(index_row["pc1_share"] - audit.pca(run.years[-1]).loc["index", "pc1_share"]) < 1e-14
    # by system code, another year, in Chinese
    zh = client.get(
        f"/api/v1/macro/index/new_quality_productive_forces/audit?run_id={run_id}&year=2019&lang=zh",
        headers=ana,
    ).json()
    assert zh["role"] == "nqpf" and zh["year"] == 2019 and "名称" in zh["data"][0]
    bad = client.get(f"/api/v1/macro/index/gdp/audit?run_id={run_id}", headers=ana)
    assert bad.status_code == 400 and "role or system code" in bad.json()["detail"]
    assert (
        client.get(f"/api/v1/macro/index/digital/audit?run_id={run_id}&year=1990", headers=ana).status_code
        == 400
    )
    assert client.get(url).status_code == 401  # the job's run is the analyst's
