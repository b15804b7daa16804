"""Chain (services.io) and macro (services.macro) endpoints: trees, chokepoints, graph, macro jobs and
maps."""

from __future__ import annotations

import time

import numpy as np
import pytest

from industrial_brain.services import io as io_service
from industrial_brain.store import Store


def test_chain_tree_and_chokepoints_match_the_service(client, api_db):
    caps = client.get("/api/v1/capabilities").json()
    assert caps["io"] is True
    up = client.get("/api/v1/chain/cn_nbs_io_2020_42/tree?sector=17&depth=2").json()
    with Store(api_db, read_only=True) as s:
        g = io_service.chain(s, "cn_nbs_io_2020_42", rule="important")
        ref = g.tree("17", depth=2, direction="upstream")
        hubs = g.structural_hubs(5)
        cp = io_service.import_chokepoints(s, "cn_nbs_io_2020_42").table.head(5)
    assert [r["sector"] for r in up["data"]] == [str(x) for x in ref["sector"]]
    assert np.allclose([r["path_weight"] for r in up["data"]], ref["path_weight"])
    # a depth-2 path weight is the product of the two link coefficients
    d2 = next(r for r in up["data"] if r["depth"] == 2)
    parent = next(r for r in up["data"] if r["sector"] == d2["parent"])
    assert np.isclose(d2["path_weight"], d2["weight"] * parent["weight"])
    ch = client.get("/api/v1/chain/cn_nbs_io_2020_42/chokepoints?top=5").json()
    assert [r["sector"] for r in ch["data"]] == [str(x) for x in cp.index] == ["03", "04", "20", "12", "21"]
    assert np.allclose([r["score"] for r in ch["data"]], cp["score"])
    assert ch["count"] == 5 and ch["unit"] and ch["score"] == "import_share * output_at_risk_share"
    assert ch["data"][2]["import_share"] == pytest.approx(cp.loc["20", "import_share"], rel=1e-12)
    csv = client.get("/api/v1/chain/cn_nbs_io_2020_153/chokepoints?top=3&format=csv").text.splitlines()
    assert csv[0].startswith("sector,rank,name") and [r.split(",")[0] for r in csv[1:]] == [
        "007",
        "094",
        "008",
    ]
    users = client.get("/api/v1/chain/cn_nbs_io_2020_153/chokepoints/094?top=3&lang=zh").json()
    assert [r["user"] for r in users["data"]] == ["094", "090", "091"] and users["data"][1][
        "name"
    ] == "计算机"
    hb = client.get("/api/v1/chain/cn_nbs_io_2020_42/hubs?top=5").json()
    assert [r["sector"] for r in hb["data"]] == [str(x) for x in hubs.index]
    graph = client.get("/api/v1/chain/cn_nbs_io_2020_42/graph").json()
    assert len(graph["nodes"]) == 42 and graph["links"]
    down = client.get("/api/v1/chain/cn_nbs_io_2020_42/tree?sector=17&direction=downstream&format=csv").text
    assert down.splitlines()[0] == "depth,sector,parent,weight,path_weight,name"


def test_chain_errors(client):
    r = client.get("/api/v1/chain/cn_nbs_io_2020_42/tree?sector=99")
    assert r.status_code == 400 and "unknown sector" in r.json()["detail"]
    assert client.get("/api/v1/chain/nope/chokepoints").status_code == 400
    assert client.get("/api/v1/chain/cn_nbs_io_2020_42/chokepoints/99").status_code == 400


def test_macro_job_runs_and_the_map_reads_it(client, auth):
    assert client.get("/api/v1/capabilities").json()["macro"] is True
    assert client.post("/api/v1/macro/jobs", json={"permutations": 19}).status_code == 401
    jobs = "/api/v1/macro/jobs"
    assert client.post(jobs, json={"permutations": 19}, headers=auth["ent_a"]).status_code == 403
    assert client.post(jobs, json={"permutations": -1}, headers=auth["analyst"]).status_code == 422
    r = client.post("/api/v1/macro/jobs", json={"permutations": 19, "seed": 7}, headers=auth["analyst"])
    assert r.status_code == 202 and r.json()["status"] in ("queued", "running", "done")
    job_id = r.json()["job_id"]
    for _ in range(300):
        j = client.get(f"/api/v1/jobs/{job_id}", headers=auth["analyst"]).json()
        if j["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert j["status"] == "done", j
    run_id = j["result"]["run_id"]
    ana = auth["analyst"]
    m = client.get("/api/v1/macro/map?measure=D", headers=ana).json()  # the owner's newest run is its own
    assert m["run_id"] == run_id and m["count"] % 31 == 0 and m["count"] > 0
    assert all(0.0 <= r["value"] <= 1.0 for r in m["data"])
    lvl = client.get(f"/api/v1/macro/map?measure=level&run_id={run_id}", headers=ana).json()["data"]
    assert all(r["value"] in range(10) and r["label"] for r in lvl)
    # the job's run belongs to the analyst: the public and another account never see it on the map
    assert client.get(f"/api/v1/macro/map?measure=D&run_id={run_id}").status_code == 401
    assert (
        client.get(f"/api/v1/macro/map?measure=D&run_id={run_id}", headers=auth["ent_a"]).status_code == 403
    )
    public = client.get("/api/v1/macro/map?measure=D")
    assert public.status_code != 200 or public.json()["run_id"] != run_id
    zh = client.get("/api/v1/macro/map?measure=D&lang=zh", headers=ana).json()
    assert zh["name"].startswith("耦合协调度")
    assert client.get("/api/v1/macro/map?measure=obstacle.x").status_code == 400
    # the digital index of the run against the published rankings (CAICT 2019, CCID 2020, Tencent 2018)
    rc = client.get(f"/api/v1/macro/rank-checks?run_id={run_id}", headers=ana).json()
    assert [r["reference"] for r in rc["data"]] == [
        "caict_competitiveness",
        "ccid_dedi",
        "tencent_digital_china",
    ]
    assert abs(rc["data"][0]["spearman"] - 0.85) < 0.005 and rc["data"][0]["n"] == 15
    assert client.get(f"/api/v1/macro/rank-checks?run_id={run_id}").status_code == 401
    assert client.get("/api/v1/macro/rank-checks?role=gdp", headers=ana).status_code == 422
    # the map shows what the run stored: the reloaded run's D, province by province
    from industrial_brain.services.runs import load_run

    D = load_run(client.app.state.store.cursor(), run_id).D
    assert all(abs(r["value"] - D.loc[r["region_code"], r["year"]]) < 1e-13 for r in m["data"])
    unknown = client.get("/api/v1/macro/map?measure=D&run_id=macro-none")
    assert unknown.status_code == 400 and "unknown macro run" in unknown.json()["detail"]
    audit = (
        client.app.state.store.con.cursor()
        .execute("SELECT count(*) FROM audit WHERE action = 'job_submit' AND actor = 'api:ana'")
        .fetchall()[0][0]
    )
    assert audit >= 1
    ms = client.get("/api/v1/macro/measures").json()["data"]
    assert {"D", "level", "lisa.cluster"} <= {x["measure"] for x in ms}
