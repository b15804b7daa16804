"""Governed sharing between departments over the REST API (issue 20, items 2–4).

Departments ``econ`` (holder) and ``stats``; ``econ`` publishes the SYNTHETIC enterprise assessments
(enterprise-level, important) and the SYNTHETIC important panel. Acceptance: a department without a
grant reads neither through any endpoint, export, job or cached answer; a revoked or expired grant
stops access at once; an aggregates-only grant never answers a row; every request, decision and use
is audited; DP answers carry their noise scale and the budget is refused when spent.
"""

from __future__ import annotations

import datetime as _dt
import shutil
import time

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from industrial_brain.api.main import close_app, create_app
from industrial_brain.errors import AccessError
from industrial_brain.lineage import Lineage
from industrial_brain.services import access, sharing
from industrial_brain.services.access import Principal
from industrial_brain.services.accounts import add_user
from industrial_brain.services.results import dataset_lineage, save_run
from industrial_brain.store import Store

from .conftest import ENT_A, PASSWORD, token

P = "/api/v1"
PANEL, FIRMS = "synthetic_important_panel", "synthetic_enterprises"
PP, PF = "dataset-synthetic-important-panel", "dataset-synthetic-enterprises"


@pytest.fixture(scope="module")
def shared(api_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("share") / "share.duckdb"
    shutil.copy(api_db, path)
    with Store(path) as s:
        sharing.add_department(s, "econ", "经信厅", "Economy and IT")
        sharing.add_department(s, "stats", "统计局", "Statistics bureau")
        add_user(s, "stew_e", PASSWORD, "steward", department="econ")
        add_user(s, "stew_s", PASSWORD, "steward", department="stats")
        add_user(s, "ana_e", PASSWORD, "analyst", department="econ")
        add_user(s, "ana_s", PASSWORD, "analyst", department="stats")
        lineage = Lineage.make("synthetic", {"k": 1}, datasets=dataset_lineage(s, [PANEL]))
        run_id = save_run(
            s, "synthetic_share", lineage,
            pd.DataFrame({"region_code": ["110000"], "year": [2020], "measure": ["D"], "value": [0.5]}),
        )  # fmt: skip
    app = create_app(path)
    with TestClient(app) as c:
        h = {u: token(c, u) for u in ("stew_e", "stew_s", "ana_e", "ana_s", "ana", "root")} | {"public": {}}
        # before publishing: a stats analyst reads the panel and the cache keeps the answer
        assert c.get(f"{P}/panel?dataset={PANEL}", headers=h["ana_s"]).status_code == 200
        for obj in (FIRMS, PANEL):
            r = c.post(
                f"{P}/data/products",
                json={
                    "kind": "dataset",
                    "object_id": obj,
                    "title_zh": "合成",
                    "title_en": f"SYNTHETIC {obj}",
                },
                headers=h["stew_e"],
            )
            assert r.status_code == 201, r.text
        yield c, h, run_id
    close_app(app)


def _audit(c, action: str) -> list[tuple]:
    return (
        c.app.state.store.con.cursor()
        .execute("SELECT actor, object, detail FROM audit WHERE action = ? ORDER BY rowid", [action])
        .fetchall()
    )


def test_catalogue_and_product_page(shared):
    c, h, _ = shared
    r = c.get(f"{P}/data/products?q=synthetic", headers=h["ana_s"]).json()
    assert {p["product_id"] for p in r["data"]} == {PP, PF}
    p = next(p for p in r["data"] if p["product_id"] == PF)
    assert p["grade"] == "important" and p["rights"] == {
        "holder": "econ",
        "processor": None,
        "operator": "econ",
    }
    assert p["dcat"]["dct:publisher"] == "econ" and p["lineage"]["data_kind"] == "enterprise"
    assert p["measures"] == {"total_score": [0.0, 100.0]}
    assert (
        c.get(f"{P}/data/products", headers=h["public"]).json()["count"] == 0
    )  # important: not for the public
    page = c.get(f"{P}/data/products/{PF}", headers=h["ana_s"]).json()
    assert page["access"] == {} and page["my_grants"] == []
    assert c.get(f"{P}/data/products/{PF}", headers=h["ana_e"]).json()["access"] == {
        "rows": "holder", "aggregates": "holder", "query": "holder",
    }  # fmt: skip


def test_no_grant_no_read_through_any_path(shared):
    c, h, run_id = shared
    ana_s, ana = h["ana_s"], h["ana"]
    # the holder reads (and fills the answer cache); others are refused, cached answer or not
    assert c.get(f"{P}/panel?dataset={PANEL}", headers=h["ana_e"]).status_code == 200
    for who in (ana_s, ana):
        for url in (
            f"/panel?dataset={PANEL}",
            f"/panel?dataset={PANEL}&format=csv",  # export
            f"/quality-notes?dataset={PANEL}",
            f"/runs/{run_id}",
            f"/runs/{run_id}/values",
            f"/enterprises/{ENT_A}",
            f"/data/products/{PP}/rows",
            f"/data/products/{PP}/rows?format=csv",
            f"/data/products/{PF}/aggregates?by=sector",
            f"/data/products/{PF}/verify?key={ENT_A}&measure=total_score&at_least=10",
        ):
            r = c.get(P + url, headers=who)
            assert r.status_code == 403, (url, r.status_code, r.text[:200])
        assert PANEL not in {d["dataset_id"] for d in c.get(f"{P}/catalog", headers=who).json()["data"]}
        assert run_id not in {r["run_id"] for r in c.get(f"{P}/runs", headers=who).json()["data"]}
        firms = c.get(f"{P}/enterprises", headers=who).json()
        assert ENT_A not in {f["uscc"] for f in firms["data"]}
    assert c.get(f"{P}/enterprises/{ENT_A}", headers=h["ana_e"]).status_code == 200
    assert c.get(f"{P}/enterprises/{ENT_A}", headers=h["root"]).status_code == 200
    msg = c.get(f"{P}/panel?dataset={PANEL}", headers=ana_s).json()
    assert "held by department econ" in msg["detail"] and msg["detail_zh"]


def test_job_result_on_held_data_is_refused(shared):
    c, h, _ = shared

    def work(store, progress):
        lineage = Lineage.make("synthetic", {}, datasets=dataset_lineage(store, [PANEL]))
        return {"run_id": save_run(store, "synthetic_job", lineage, pd.DataFrame(
            {"region_code": ["110000"], "year": [2020], "measure": ["D"], "value": [1.0]}))}  # fmt: skip

    s = c.app.state.store.cursor()
    job = c.app.state.jobs.submit(s, Principal("ana", "analyst"), "synthetic_job", {}, work)
    s.close()
    for _ in range(200):
        r = c.get(f"{P}/jobs/{job}", headers=h["ana"])
        if r.status_code != 200 or r.json()["status"] in ("done", "failed"):
            break
        time.sleep(0.02)
    assert r.status_code == 403, r.text  # the run of the job rests on a dataset held by econ


def test_rows_grant_scope_revocation_and_audit(shared):
    c, h, _ = shared
    body = {"purpose": "energy study", "form": "rows", "days": 30, "scope": {"regions": ["110000"]}}
    g = c.post(f"{P}/data/products/{PP}/requests", json=body, headers=h["ana_s"])
    assert g.status_code == 201, g.text
    gid = g.json()["grant_id"]
    assert g.json()["state"] == "pending" and g.json()["grantee"] == "stats"
    inbox = c.get(f"{P}/data/inbox", headers=h["stew_e"]).json()
    assert gid in {r["grant_id"] for r in inbox["data"]}
    assert c.get(f"{P}/data/inbox", headers=h["stew_s"]).json()["count"] == 0  # not stats' products
    assert c.get(f"{P}/data/inbox", headers=h["ana_s"]).status_code == 403
    # pending: still refused; the wrong steward may not decide
    assert c.get(f"{P}/data/products/{PP}/rows", headers=h["ana_s"]).status_code == 403
    dec = {"approve": True, "reason": "public-interest study"}
    assert c.post(f"{P}/data/requests/{gid}/decision", json=dec, headers=h["stew_s"]).status_code == 403
    r = c.post(f"{P}/data/requests/{gid}/decision", json=dec, headers=h["stew_e"])
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["expires_at"]
    rows = c.get(f"{P}/data/products/{PP}/rows", headers=h["ana_s"]).json()
    assert rows["count"] == 1 and rows["data"][0]["region_code"] == "110000"  # the scope, not the dataset
    assert rows["data"][0]["synthetic_secret"] == 1.0
    csv = c.get(f"{P}/data/products/{PP}/rows?format=csv", headers=h["ana_s"])
    assert csv.status_code == 200 and "110000" in csv.text and "120000" not in csv.text
    # the old raw paths stay closed to the grantee: it reads through the product (audited)
    assert c.get(f"{P}/panel?dataset={PANEL}", headers=h["ana_s"]).status_code == 403
    rep = c.get(f"{P}/data/usage", headers=h["stew_e"]).json()
    mine = next(x for x in rep["grants"] if x["grant_id"] == gid)
    assert mine["uses"] == 2 and mine["rows_returned"] == 2
    assert {u["actor"] for u in rep["uses"] if u["grant_id"] == gid} == {"api:ana_s"}
    assert c.get(f"{P}/data/usage", headers=h["stew_s"]).json()["count"] == 0
    # revocation: at once
    r = c.post(f"{P}/data/grants/{gid}/revoke", json={"reason": "study over"}, headers=h["stew_e"])
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    assert c.get(f"{P}/data/products/{PP}/rows", headers=h["ana_s"]).status_code == 403
    # audited: request, decision, uses, revocation
    assert any(gid in o for _, o, _ in _audit(c, "data_request"))
    assert [(a, o) for a, o, _ in _audit(c, "data_approve") if gid in o] == [("api:stew_e", f"grant:{gid}")]
    assert [a for a, o, _ in _audit(c, "data_revoke") if gid in o] == ["api:stew_e"]
    uses = [d for a, o, d in _audit(c, "data_use") if a == "api:ana_s" and f"grant={gid}" in d]
    assert len(uses) == 2 and all("rows=1" in d for d in uses)


def test_expiry_stops_access_at_once(shared):
    c, h, _ = shared
    body = {"purpose": "check", "form": "query", "days": 2}
    gid = c.post(f"{P}/data/products/{PF}/requests", json=body, headers=h["ana_s"]).json()["grant_id"]
    c.post(f"{P}/data/requests/{gid}/decision", json={"approve": True, "reason": "ok"}, headers=h["stew_e"])
    url = f"{P}/data/products/{PF}/verify?key={ENT_A}&measure=total_score&at_least=10"
    r = c.get(url, headers=h["ana_s"])
    assert r.status_code == 200 and r.json()["answer"] is True  # a score of 50 (SYNTHETIC)
    assert c.get(url.replace("at_least=10", "at_least=90"), headers=h["ana_s"]).json()["answer"] is False
    who = Principal("ana_s", "analyst", department="stats")
    with c.app.state.store.cursor() as s:
        g = access.check_product(s, who, PF, "query").grant
        assert g.grant_id == gid
        access.check_product(s, who, PF, "query", now=g.expires_at - _dt.timedelta(seconds=1))
        with pytest.raises(AccessError, match="expired"):
            access.check_product(s, who, PF, "query", now=g.expires_at)
    # a query grant opens no rows and no aggregates
    assert c.get(f"{P}/data/products/{PF}/rows", headers=h["ana_s"]).status_code == 403
    assert c.get(f"{P}/data/products/{PF}/aggregates?by=sector", headers=h["ana_s"]).status_code == 403
    c.post(f"{P}/data/grants/{gid}/revoke", json={"reason": "checked"}, headers=h["stew_e"])
    assert c.get(url, headers=h["ana_s"]).status_code == 403


def test_aggregates_only_grant_is_private_and_budgeted(shared):
    c, h, _ = shared
    body = {"purpose": "sector shares", "form": "aggregates", "days": 30, "epsilon": 1.0}
    gid = c.post(f"{P}/data/products/{PF}/requests", json=body, headers=h["ana_s"]).json()["grant_id"]
    c.post(f"{P}/data/requests/{gid}/decision", json={"approve": True, "reason": "ok"}, headers=h["stew_e"])
    for url in (f"/data/products/{PF}/rows", f"/data/products/{PF}/rows?format=csv",
                f"/data/products/{PF}/verify?key={ENT_A}&measure=total_score&at_least=1"):  # fmt: skip
        assert c.get(P + url, headers=h["ana_s"]).status_code == 403, url
    url = f"{P}/data/products/{PF}/aggregates?by=sector&statistic=sum&measure=total_score&epsilon=0.6"
    a = c.get(url, headers=h["ana_s"])
    assert a.status_code == 200, a.text
    a = a.json()
    assert a["mechanism"] == "laplace (OpenDP)" and a["noise_scale"] == {"sum": 100.0 / 0.6}
    assert {cell["key"] for cell in a["cells"]} == {"C13", "C26", "C39"}
    assert all(set(cell) == {"key", "value"} for cell in a["cells"])  # no row, no firm, no exact figure
    again = c.get(url, headers=h["ana_s"]).json()  # a repeat: the stored release, nothing spent
    assert again["repeat"] is True and again["cells"] == a["cells"]
    r = c.get(url.replace("epsilon=0.6", "epsilon=0.5"), headers=h["ana_s"])
    assert r.status_code == 403 and "privacy budget spent" in r.json()["detail"]  # 0.4 left of 1.0
    by_size = c.get(
        url.replace("by=sector", "by=size_class").replace("0.6", "0.4"), headers=h["ana_s"]
    ).json()
    assert [cell["key"] for cell in by_size["cells"]] == ["large", "medium", "small", "micro"]
    # the holder gets exact figures
    exact = c.get(url, headers=h["ana_e"]).json()
    assert exact["mechanism"] == "none"
    assert {x["key"]: x["value"] for x in exact["cells"]}["C26"] == 70.0 + 71.0
    uses = [d for a_, o, d in _audit(c, "data_use") if f"grant={gid}" in d]
    assert len(uses) == 3 and sum("epsilon=0.6" in d for d in uses) == 1  # the refusal is no use


def test_bad_requests_are_4xx(shared):
    c, h, _ = shared
    bad = [
        ({"purpose": "x", "form": "rows", "days": 0}, 422),
        ({"purpose": "x", "form": "aggregates", "days": 3}, 400),  # enterprise aggregates need ε
        ({"purpose": "x", "form": "rows", "days": 3, "scope": {"years": [2022, 2010]}}, 400),
    ]
    for body, status in bad:
        assert c.post(f"{P}/data/products/{PF}/requests", json=body, headers=h["ana_s"]).status_code == status
    own = {"purpose": "x", "form": "rows", "days": 3}
    assert c.post(f"{P}/data/products/{PF}/requests", json=own, headers=h["ana_e"]).status_code == 400
    assert (
        c.post(f"{P}/data/products/{PF}/requests", json=own, headers=h["ana"]).status_code == 403
    )  # no dept
    assert c.post(f"{P}/data/products/nope/requests", json=own, headers=h["ana_s"]).status_code == 400
    pub = {"kind": "dataset", "object_id": PANEL, "title_zh": "x", "title_en": "x", "product_id": "p2"}
    assert c.post(f"{P}/data/products", json=pub, headers=h["ana_e"]).status_code == 403
    assert c.post(f"{P}/data/products", json=pub | {"holder": "econ"}, headers=h["stew_s"]).status_code == 403
