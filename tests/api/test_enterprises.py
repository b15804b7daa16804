"""Role tests: the public role and another enterprise can never read an enterprise's rows —
by direct id, by filters, by exports, or through small-cell aggregates. Reads are audited."""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from industrial_brain.api.main import close_app, create_app
from industrial_brain.services.releases import make_release
from industrial_brain.store import Store

from .conftest import ENT_A, ENT_B, SYNTHETIC, make_uscc, token

ALL_USCC = {make_uscc(i) for i, *_ in SYNTHETIC}


def _audit_count(client, action: str) -> int:
    return (
        client.app.state.store.con.cursor()
        .execute("SELECT count(*) FROM audit WHERE action = ?", [action])
        .fetchall()[0][0]
    )


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_admin_and_analyst_list_every_enterprise(client, auth, role):
    r = client.get("/api/v1/enterprises", headers=auth[role])
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == len(SYNTHETIC) and {e["uscc"] for e in body["data"]} == ALL_USCC
    c39 = client.get("/api/v1/enterprises?sector=C39", headers=auth[role]).json()
    assert c39["count"] == 5 and all(e["sector_code"] == "C39" for e in c39["data"])
    assert c39["data"][0]["total_score"] is not None and c39["data"][0]["level"] == "L3"
    paged = client.get("/api/v1/enterprises?limit=4&offset=8", headers=auth[role]).json()
    assert paged["count"] == len(SYNTHETIC) and len(paged["data"]) == 3
    # search by name (case-insensitive) or by a piece of the USCC; literal text, not a pattern
    found = client.get("/api/v1/enterprises?search=synthetic%20FIRM%2021", headers=auth[role]).json()
    assert found["count"] == 1 and found["data"][0]["name"] == "SYNTHETIC firm 21"
    assert client.get(f"/api/v1/enterprises?search={ENT_A.lower()}", headers=auth[role]).json()["count"] == 1
    assert client.get("/api/v1/enterprises?search=firm%201%25", headers=auth[role]).json()["count"] == 0
    both = client.get("/api/v1/enterprises?search=firm%201&sector=C13", headers=auth[role]).json()
    assert both["count"] == 4 and all(e["sector_code"] == "C13" for e in both["data"])


def test_public_gets_401_everywhere_on_enterprise_rows(client):
    for url in [
        "/api/v1/enterprises",
        "/api/v1/enterprises?format=csv",
        "/api/v1/enterprises?sector=C39",
        f"/api/v1/enterprises/{ENT_A}",
        f"/api/v1/enterprises/{ENT_A}/assessments",
        f"/api/v1/enterprises/{ENT_A}/assessments?format=csv",
    ]:
        r = client.get(url)
        assert r.status_code == 401, url
        assert ENT_A not in r.text and "SYNTHETIC firm" not in r.text


def test_enterprise_sees_only_itself_whatever_the_filter(client, auth):
    h = auth["ent_a"]
    me = client.get("/api/v1/enterprises", headers=h).json()
    assert me["count"] == 1 and me["data"][0]["uscc"] == ENT_A
    # filters for another enterprise's sector/region give nothing, never the other rows
    for q in ["sector=C26", "region=440000", "size_class=small", "sector=C39&limit=100", "search=SYNTHETIC"]:
        rows = client.get(f"/api/v1/enterprises?{q}", headers=h).json()["data"]
        assert {e["uscc"] for e in rows} <= {ENT_A}, q
    text = client.get("/api/v1/enterprises?format=csv&limit=10000", headers=h).text
    exported = {row["uscc"] for row in csv.DictReader(io.StringIO(text))}
    assert exported == {ENT_A}


def test_enterprise_cannot_read_another_by_direct_id(client, auth):
    for url in [
        f"/api/v1/enterprises/{ENT_B}",
        f"/api/v1/enterprises/{ENT_B}/assessments",
        f"/api/v1/enterprises/{ENT_B}/assessments?format=csv",
    ]:
        r = client.get(url, headers=auth["ent_a"])
        assert (
            r.status_code == 403
            and "SYNTHETIC firm 20" not in r.text
            and "70" not in r.text.split("detail")[0]
        )
    own = client.get(f"/api/v1/enterprises/{ENT_A}", headers=auth["ent_a"])
    assert own.status_code == 200 and own.json()["uscc"] == ENT_A
    a = client.get(f"/api/v1/enterprises/{ENT_A}/assessments", headers=auth["ent_a"]).json()
    assert a["count"] == 1 and a["data"][0]["total_score"] == 50.0
    before = _audit_count(client, "read_denied")
    client.get(f"/api/v1/enterprises/{ENT_B}", headers=auth["ent_a"])
    assert _audit_count(client, "read_denied") == before + 1


def test_unknown_enterprise_is_400_for_analysts(client, auth):
    r = client.get("/api/v1/enterprises/91330100MA9999999X", headers=auth["analyst"])
    assert r.status_code == 400 and "not registered" in r.json()["detail"]


def test_small_cells_are_suppressed_in_aggregates(client, auth):
    for who in ("public", "ent_a", "analyst"):
        agg = client.get("/api/v1/enterprises/aggregates?by=sector", headers=auth[who]).json()
        rows = {r["sector"]: r for r in agg["data"]}
        assert agg["k"] == 3
        # C26 has 2 firms: primary suppression, every statistic hidden
        assert rows["C26"]["suppressed"] and rows["C26"]["suppression"] == "primary"
        assert rows["C26"]["n"] is None and rows["C26"]["mean"] is None and rows["C26"]["median"] is None
        # C13 (4 firms, the smallest other cell) is suppressed too, or C26 = ALL − C39 − C13
        assert rows["C13"]["suppression"] == "complementary" and rows["C13"]["mean"] is None
        # C39: 5 firms scoring 50, 55, 60, 65, 70 → mean 60
        assert rows["C39"]["n"] == 5 and rows["C39"]["mean"] == pytest.approx(60.0)
        assert rows["ALL"]["n"] == len(SYNTHETIC)
        # quartiles only from n_min = 10 firms: none for C39 (5), ALL (11) has them, rounded to 0.1
        assert agg["n_min"] == 10 and rows["C39"]["median"] is None and rows["C39"]["q1"] is None
        assert (rows["ALL"]["q1"], rows["ALL"]["median"], rows["ALL"]["q3"]) == (40.0, 55.0, 67.5)
        assert agg["release_id"].startswith("synthetic-") and agg["made_at"].endswith("Z")
        csv_text = client.get("/api/v1/enterprises/aggregates?by=sector&format=csv", headers=auth[who]).text
        assert "70.5" not in csv_text


def test_two_way_aggregates_leave_no_recoverable_cell(client):
    agg = client.get("/api/v1/enterprises/aggregates?by=sector&by=region").json()
    published = [r for r in agg["data"] if not r["suppressed"]]
    # no published cell (margins included) rests on fewer than k = 3 enterprises
    assert all(r["n"] >= 3 for r in published)
    # every suppressed inner cell shares its row and column with another suppressed entry
    sup = [r for r in agg["data"] if r["suppressed"]]
    for r in sup:
        if r["sector"] == "ALL" or r["region"] == "ALL":
            continue
        same_row = [s for s in sup if s["sector"] == r["sector"] and s is not r]
        same_col = [s for s in sup if s["region"] == r["region"] and s is not r]
        assert same_row and same_col


def test_enterprise_reads_are_audited(client, auth):
    before = _audit_count(client, "read")
    client.get("/api/v1/enterprises", headers=auth["analyst"])
    client.get(f"/api/v1/enterprises/{ENT_A}", headers=auth["ent_a"])
    assert _audit_count(client, "read") == before + 2
    actors = [
        r[0]
        for r in client.app.state.store.con.cursor()
        .execute("SELECT actor FROM audit WHERE action = 'read' ORDER BY \"at\" DESC LIMIT 2")
        .fetchall()
    ]
    assert set(actors) == {"api:ana", "api:ent_a"}


def test_aggregates_reject_bad_groupings(client):
    assert client.get("/api/v1/enterprises/aggregates?by=uscc").status_code == 422
    assert client.get("/api/v1/enterprises/aggregates?by=sector&by=region&by=size_class").status_code == 422


@pytest.fixture
def two_models(api_db, tmp_path):
    """The API store plus a second model's assessment of ENT_A, taken after its 'synthetic' one, and a
    release of the second model's aggregates."""
    path = tmp_path / "two-models.duckdb"
    shutil.copy(api_db, path)
    with Store(path) as s:
        s.con.execute(
            "INSERT INTO assessment_result (assessment_id, uscc, model_code, model_version, "
            "taken_on, total_score, level, dimension_scores, dataset_id) VALUES ('b0', ?, 'other', "
            "'1', DATE '2025-01-01', 99.0, 'L5', '{}', 'synthetic_enterprises')",
            [ENT_A],
        )
        make_release(s, model_code="other", made_by="tests")  # its aggregates come from its own release
    app = create_app(path)
    with TestClient(app) as c:
        yield c, {"analyst": token(c, "ana")}
    close_app(app)


def test_latest_is_per_enterprise_and_model(two_models):
    client, auth = two_models
    h = auth["analyst"]
    # the list: one row per enterprise and model, each model with its own latest assessment
    rows = [e for e in client.get("/api/v1/enterprises", headers=h).json()["data"] if e["uscc"] == ENT_A]
    assert {(e["model_code"], e["total_score"]) for e in rows} == {("synthetic", 50.0), ("other", 99.0)}
    only = client.get("/api/v1/enterprises?model=synthetic", headers=h).json()
    assert only["count"] == len(SYNTHETIC)
    assert [e["total_score"] for e in only["data"] if e["uscc"] == ENT_A] == [50.0]
    # the record lists the latest assessment under each model
    rec = client.get(f"/api/v1/enterprises/{ENT_A}", headers=h).json()
    assert {(a["model_code"], a["total_score"]) for a in rec["latest"]} == {
        ("synthetic", 50.0),
        ("other", 99.0),
    }
    one = client.get(f"/api/v1/enterprises/{ENT_A}?model=other", headers=h).json()
    assert [a["total_score"] for a in one["latest"]] == [99.0]
    # aggregates are over one model, each enterprise counted once: the newer 'other' score of ENT_A
    # does not replace its 'synthetic' one (C39 is still 50, 55, 60, 65, 70)
    agg = client.get("/api/v1/enterprises/aggregates?by=sector").json()
    rows = {r["sector"]: r for r in agg["data"]}
    assert agg["model"] == "synthetic" and rows["ALL"]["n"] == len(SYNTHETIC)
    assert rows["C39"]["n"] == 5 and rows["C39"]["mean"] == pytest.approx(60.0)
    other = client.get("/api/v1/enterprises/aggregates?by=sector&model=other").json()
    assert other["model"] == "other" and all(r["n"] is None for r in other["data"])  # one firm: suppressed


def test_record_keeps_flat_fields_of_the_default_model(two_models):
    """The record's flat fields are the latest assessment under the aggregates' default model
    (the model with the most assessed enterprises), beside the per-model ``latest`` list."""
    client, auth = two_models
    h = auth["analyst"]
    rec = client.get(f"/api/v1/enterprises/{ENT_A}", headers=h).json()
    assert client.get("/api/v1/enterprises/aggregates").json()["model"] == "synthetic"
    flat = {k: rec[k] for k in ("model_code", "total_score", "level", "taken_on", "assessment_id")}
    synthetic = next(a for a in rec["latest"] if a["model_code"] == "synthetic")
    assert flat == {k: synthetic[k] for k in flat} and rec["total_score"] == 50.0
    assert rec["model_version"] == synthetic["model_version"] and len(rec["taken_on"]) == 10
    one = client.get(f"/api/v1/enterprises/{ENT_A}?model=other", headers=h).json()
    assert (one["model_code"], one["total_score"], one["level"], one["taken_on"]) == (
        "other",
        99.0,
        "L5",
        "2025-01-01",
    )
    none = client.get(f"/api/v1/enterprises/{ENT_A}?model=absent", headers=h).json()
    assert none["latest"] == [] and none["total_score"] is None and none["model_code"] is None


def test_sector_names_in_the_readers_language(client, auth):
    """Sectors of the published reference are labelled (Electronics → 电子) in lists and aggregates;
    a code with no registered name is shown as itself."""
    from industrial_brain.services.enterprises import with_sector_names
    from industrial_brain.store.reference import insert_sectors

    store = client.app.state.store
    insert_sectors(
        store,
        pd.DataFrame(
            {
                "code": ["C39"],
                "scheme": ["gbt4754"],
                "name_zh": ["计算机、通信和其他电子设备制造业"],
                "name_en": ["Computer, communication and other electronic equipment"],
                "dataset_id": ["synthetic_enterprises"],
            }
        ),
        skip_existing=True,
    )
    rows = client.get("/api/v1/enterprises?sector=C39&lang=zh", headers=auth["analyst"]).json()["data"]
    assert {r["sector_name"] for r in rows} == {"计算机、通信和其他电子设备制造业"}
    en = client.get("/api/v1/enterprises?sector=C13", headers=auth["analyst"]).json()["data"]
    assert {r["sector_name"] for r in en} == {"C13"}
    f = with_sector_names(pd.DataFrame({"sector": ["C39", "C26", None]}), store, "en")
    assert list(f.columns) == ["sector", "sector_name"]
    assert f["sector_name"].tolist()[:2] == ["Computer, communication and other electronic equipment", "C26"]
