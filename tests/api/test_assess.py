"""Self-assessment endpoints (services.assess): template, submission by the enterprise itself only,
profile access by role, audit of submissions."""

from __future__ import annotations

from .conftest import ENT_A, ENT_B


def _answers(client, pick=-1):
    t = client.get("/api/v1/assess/template").json()
    ans = {}
    for q in t["questions"]:
        if q["sector_variant"]:
            continue
        if q["type"] == "numeric":
            ans[q["code"]] = q["max"] if pick == -1 else q["min"]
        else:
            ans[q["code"]] = q["options"][pick]["code"]
    return t, ans


def test_template_is_public_and_bilingual(client):
    en = client.get("/api/v1/assess/template").json()
    zh = client.get("/api/v1/assess/template?lang=zh").json()
    assert en["count"] == zh["count"] > 20
    q0, z0 = en["questions"][0], zh["questions"][0]
    assert q0["code"] == z0["code"] and q0["text"] != z0["text"]
    assert all(("options" in q) != (q["type"] == "numeric") for q in en["questions"])


def test_enterprise_submits_for_itself_and_reads_its_profile(client, auth):
    _, best = _answers(client, -1)
    r = client.post(
        "/api/v1/assess/submissions", json={"answers": best, "taken_on": "2025-06-30"}, headers=auth["ent_a"]
    )
    assert r.status_code == 201, r.text
    res = r.json()
    assert res["uscc"] == ENT_A and res["level"] == "L5" and res["total_score"] > 90
    _, worst = _answers(client, 0)
    low = client.post(
        "/api/v1/assess/submissions", json={"answers": worst, "taken_on": "2025-07-31"}, headers=auth["ent_a"]
    ).json()
    assert low["total_score"] < res["total_score"] and low["level"] == "L1"
    p = client.get(f"/api/v1/assess/profile/{ENT_A}", headers=auth["ent_a"]).json()
    assert p["latest"]["level"] == "L1" and p["next_level"] == "L2" and len(p["dimensions"]) >= 5
    assert p["roadmap"] and len(p["trajectory"]) >= 2
    # the analyst may read it too; the list shows the new latest score
    assert client.get(f"/api/v1/assess/profile/{ENT_A}", headers=auth["analyst"]).status_code == 200
    audit = (
        client.app.state.store.con.cursor()
        .execute("SELECT count(*) FROM audit WHERE action = 'assessment_submit' AND actor = 'api:ent_a'")
        .fetchall()[0][0]
    )
    assert audit == 2


def test_nobody_acts_for_another_enterprise(client, auth):
    _, ans = _answers(client)
    r = client.post("/api/v1/assess/submissions", json={"uscc": ENT_B, "answers": ans}, headers=auth["ent_a"])
    assert r.status_code == 403
    assert client.get(f"/api/v1/assess/profile/{ENT_B}", headers=auth["ent_a"]).status_code == 403
    assert client.get(f"/api/v1/assess/profile/{ENT_A}").status_code == 401
    assert client.post("/api/v1/assess/submissions", json={"answers": ans}).status_code == 401
    n = (
        client.app.state.store.con.cursor()
        .execute("SELECT count(*) FROM assessment_result WHERE uscc = ?", [ENT_B])
        .fetchall()[0][0]
    )
    assert n == 1  # only the synthetic fixture's own result


def test_bad_answers_are_400_and_store_nothing(client, auth):
    _, ans = _answers(client)
    first = next(iter(ans))
    bad = dict(ans, **{first: "Z"})
    before = (
        client.app.state.store.con.cursor().execute("SELECT count(*) FROM assessment_result").fetchall()[0][0]
    )
    r = client.post("/api/v1/assess/submissions", json={"answers": bad}, headers=auth["ent_b"])
    assert r.status_code == 400 and first in r.json()["detail"] and "\n" not in r.json()["detail"]
    after = (
        client.app.state.store.con.cursor().execute("SELECT count(*) FROM assessment_result").fetchall()[0][0]
    )
    assert after == before
    r = client.post("/api/v1/assess/submissions", json={"answers": ans}, headers=auth["analyst"])
    assert r.status_code == 400 and "which enterprise" in r.json()["detail"]


def _register(client, i: int, sector: str) -> tuple[str, dict[str, str]]:
    """A SYNTHETIC enterprise of ``sector`` with its own account; answers (uscc, auth headers)."""
    from industrial_brain.services.accounts import add_user

    from .conftest import PASSWORD, make_uscc, token

    u = make_uscc(i)
    client.app.state.store.con.cursor().execute(
        "INSERT INTO enterprise (uscc, name, region_code, sector_code, size_class, dataset_id, "
        "sector_scheme) VALUES (?, ?, '330000', ?, 'medium', 'synthetic_enterprises', 'demo')",
        [u, f"SYNTHETIC firm {i}", sector],
    )
    add_user(client.app.state.store, f"ent_{i}", PASSWORD, "enterprise", u)
    return u, token(client, f"ent_{i}")


def test_the_template_of_a_sector_holds_exactly_what_its_enterprises_answer(client):
    """Variant questions (DX01 for Electronics, PX01/PX02 for process industries) are listed for
    the sectors that answer them and required there: an enterprise that answers every question of
    its sector's template is scored."""
    every = {q["code"] for q in client.get("/api/v1/assess/template").json()["questions"]}
    codes = {}
    for sector in ("Electronics", "Petrochemicals", "Textiles", "C39"):
        t = client.get(f"/api/v1/assess/template?sector={sector}").json()
        codes[sector] = {q["code"] for q in t["questions"]}
        assert t["sector"] == sector and t["count"] == len(t["questions"])
    base = codes["Textiles"]
    assert codes["C39"] == base and not any(c.startswith(("DX", "PX")) for c in base)
    assert codes["Electronics"] - base == {"DX01"}
    assert codes["Petrochemicals"] - base == {"PX01", "PX02"}
    assert every == base | {"DX01", "PX01", "PX02"}
    variants = {v["code"]: v["sectors"] for v in client.get("/api/v1/assess/template").json()["variants"]}
    assert (
        "Electronics" in variants[client.get("/api/v1/assess/template?sector=Electronics").json()["variant"]]
    )
    for i, sector in ((40, "Electronics"), (41, "Petrochemicals")):
        uscc, headers = _register(client, i, sector)
        t = client.get(f"/api/v1/assess/template?sector={sector}").json()
        ans = {
            q["code"]: q["max"] if q["type"] == "numeric" else q["options"][-1]["code"]
            for q in t["questions"]
        }
        r = client.post("/api/v1/assess/submissions", json={"answers": ans}, headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["uscc"] == uscc and r.json()["level"] == "L5"
        missing = {k: v for k, v in ans.items() if k not in ("DX01", "PX01")}
        r = client.post("/api/v1/assess/submissions", json={"answers": missing}, headers=headers)
        assert r.status_code == 400 and ("DX01" in r.json()["detail"] or "PX01" in r.json()["detail"])
        # the same line in Chinese for the dashboard: place, question, problem
        zh = r.json()["detail_zh"]
        assert zh.startswith("在线提交：第 2 行，“") and "缺少必答题所在的列（应为 名为“" in zh
