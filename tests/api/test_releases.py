"""Releases of enterprise aggregates through the API: the two attacks of issue 13 replayed as the public
role, and now failing; the release job (admin only), the public list, and the answer when no release
exists. All enterprises are SYNTHETIC."""

from __future__ import annotations

import shutil
import time
from itertools import combinations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from industrial_brain.api.main import close_app, create_app
from industrial_brain.store import Store
from industrial_brain.store.releases import audit_history

from .conftest import load_synthetic, make_uscc, token

GROUPINGS = ("sector", "region", "size_class")
TABLES = [[g] for g in GROUPINGS] + [list(p) for p in combinations(GROUPINGS, 2)]
NEW = make_uscc(30)  # the firm whose first assessment arrives between two releases


def _wait(client, job_id, headers):
    for _ in range(600):
        j = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if j["status"] in ("done", "failed"):
            return j
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def _read_all(client) -> tuple[dict[tuple, dict], set[str]]:
    """Every cell of every table as the public reads it: (table, cell values) → row; and the
    release ids the answers name."""
    out, ids = {}, set()
    for by in TABLES:
        q = "&".join(f"by={b}" for b in by)
        body = client.get(f"/api/v1/enterprises/aggregates?{q}").json()
        ids.add(body["release_id"])
        for r in body["data"]:
            out[(tuple(by), tuple(r[b] for b in by))] = r
    return out, ids


@pytest.fixture
def fresh(api_db, tmp_path):
    """A private copy of the API store (one release already made) and a client on it."""
    path = tmp_path / "releases.duckdb"
    shutil.copy(api_db, path)
    app = create_app(path)
    with TestClient(app) as c:
        yield c, path, {"admin": token(c, "root"), "analyst": token(c, "ana")}
    close_app(app)


def test_differencing_over_time_recovers_nothing(fresh):
    """Attack 1: read every table before and after a firm's first assessment; for each cell, Δ(n·mean)
    over a cell whose n grew by fewer than k would be the newcomer's score (error 3e-13 before)."""
    client, _, auth = fresh
    before, first = _read_all(client)
    assert len(first) == 1
    assert before[(("sector",), ("C39",))]["n"] == 5  # the cell the newcomer joins is published
    # the firm is assessed; the admin makes the next release (a job), as the running server would
    con = client.app.state.store.con.cursor()  # written through the server's own connection
    con.execute(
        "INSERT INTO enterprise (uscc, name, region_code, sector_code, size_class, dataset_id, "
        "sector_scheme) VALUES (?, 'SYNTHETIC newcomer', '330000', 'C39', 'large', "
        "'synthetic_enterprises', 'gbt4754')",
        [NEW],
    )
    con.execute(
        "INSERT INTO assessment_result (assessment_id, uscc, model_code, model_version, taken_on, "
        "total_score, level, dimension_scores, dataset_id) VALUES ('a30', ?, 'synthetic', '1', "
        "DATE '2024-09-30', 81.0, 'L4', '{}', 'synthetic_enterprises')",
        [NEW],
    )
    con.close()
    r = client.post("/api/v1/enterprises/releases", json={"period": "2024Q3"}, headers=auth["admin"])
    assert r.status_code == 202, r.text
    j = _wait(client, r.json()["job_id"], auth["admin"])
    assert j["status"] == "done", j
    assert j["result"]["n_enterprises"] == 12 and j["result"]["withheld"]  # the audit withheld cells
    after, second = _read_all(client)
    assert second == {j["result"]["release_id"]} != first
    # the attacker's formula: cells published in both releases whose n differs by fewer than k = 3
    k = 3
    leaks = []
    for key, a in after.items():
        b = before.get(key)
        if b is None or a["n"] is None or b["n"] is None:
            continue
        dn = a["n"] - b["n"]
        if 0 < abs(dn) < k:
            leaks.append((key, a["n"] * a["mean"] - b["n"] * b["mean"]))
    assert leaks == []
    # and no published cell moved at all without its n moving by k or more: every difference of
    # totals is over at least k firms or zero (the newcomer's cells were all withheld)
    for key, a in after.items():
        b = before.get(key)
        if b is not None and a["n"] is not None and b["n"] is not None and a["n"] == b["n"]:
            assert a["mean"] == pytest.approx(b["mean"])
    # the newcomer's score is not in the row space of everything published across both releases
    with _shared(client) as s:
        cells, members = audit_history(s, "synthetic")
    assert cells["release_id"].nunique() == 2
    M, col = _published_matrix(cells, members)
    e = np.zeros(M.shape[1])
    e[col["a30"]] = 1.0
    assert np.linalg.matrix_rank(np.vstack([M, e])) == np.linalg.matrix_rank(M) + 1
    # before the audit existed, the same two releases would have given it: both C39 cells published
    unaudited = M_with_all(cells, members)
    assert np.linalg.matrix_rank(np.vstack([unaudited, e])) == np.linalg.matrix_rank(unaudited)


class _shared:
    """The server's own connection as a store view (the file is held by the app)."""

    def __init__(self, client):
        self.view = client.app.state.store.cursor("test")

    def __enter__(self):
        return self.view

    def __exit__(self, *exc):
        self.view.close()


def _published_matrix(cells, members, *, only_published: bool = True):
    keep = cells if not only_published else cells[cells["published"]]
    rows = {(r, k): i for i, (r, k) in enumerate(zip(keep["release_id"], keep["key"]))}
    col = {c: j for j, c in enumerate(sorted(members["contributor"].unique()))}
    M = np.zeros((len(rows), len(col)))
    for r, k, c in members[["release_id", "key", "contributor"]].itertuples(index=False):
        if (r, k) in rows:
            M[rows[(r, k)], col[c]] = 1.0
    return M, col


def M_with_all(cells, members):
    """Every cell of both releases as if published (no suppression of any kind)."""
    return _published_matrix(cells, members, only_published=False)[0]


def test_no_small_cell_carries_quartiles(client):
    """Attack 2: for n = 3, v2 = median, v1 = 2·q1 − v2, v3 = 2·q3 − v2. No published cell of any
    table with n < n_min carries a quartile or a share, so the inversion has no input."""
    seen = 0
    for by in TABLES:
        q = "&".join(f"by={b}" for b in by)
        body = client.get(f"/api/v1/enterprises/aggregates?{q}").json()
        n_min = body["n_min"]
        assert n_min == 10
        for r in body["data"]:
            if r["n"] is not None and r["n"] < n_min:
                seen += 1
                assert r["q1"] is None and r["median"] is None and r["q3"] is None, r
                assert all(v is None for c, v in r.items() if c.startswith("share_")), r
    assert seen >= 6  # C39 (5 firms) and its margins in every table are such cells


def test_release_job_is_admin_only_and_releases_are_listed(fresh):
    client, _, auth = fresh
    assert client.post("/api/v1/enterprises/releases", json={}).status_code == 401
    assert client.post("/api/v1/enterprises/releases", json={}, headers=auth["analyst"]).status_code == 403
    bad = client.post("/api/v1/enterprises/releases", json={"k": 2}, headers=auth["admin"])
    assert bad.status_code == 422
    listed = client.get("/api/v1/enterprises/releases").json()
    assert listed["count"] == 1 and listed["data"][0]["model_code"] == "synthetic"
    assert listed["data"][0]["period"] == "2024" and listed["data"][0]["n_enterprises"] == 11
    r = client.post("/api/v1/enterprises/releases", json={"period": "2024Q4"}, headers=auth["admin"])
    assert _wait(client, r.json()["job_id"], auth["admin"])["status"] == "done"
    listed = client.get("/api/v1/enterprises/releases").json()
    assert listed["count"] == 2 and listed["data"][0]["period"] == "2024Q4"  # newest first
    # the same population again: nothing changed, so nothing is withheld and the tables are equal
    agg = client.get("/api/v1/enterprises/aggregates?by=sector").json()
    assert agg["release_id"] == listed["data"][0]["release_id"] and agg["period"] == "2024Q4"
    assert {r["sector"]: r["n"] for r in agg["data"]} == {"C13": None, "C26": None, "C39": 5, "ALL": 11}


def test_public_reads_are_served_from_the_answer_cache(client):
    url = "/api/v1/enterprises/aggregates?by=region"
    first = client.get(url)
    assert first.status_code == 200
    assert client.app.state.cache.get(f"general|{url.split('?')[0]}?by=region") is not None
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_no_release_answers_how_to_make_one(default_db, tmp_path):
    path = tmp_path / "norelease.duckdb"
    shutil.copy(default_db, path)
    with Store(path) as s:
        load_synthetic(s)
    app = create_app(path)
    with TestClient(app) as c:
        r = c.get("/api/v1/enterprises/aggregates?by=sector")
        assert r.status_code == 400 and "ibrain assess release" in r.json()["detail"]
        assert c.get("/api/v1/enterprises/releases").json() == {"data": [], "count": 0}
    close_app(app)
