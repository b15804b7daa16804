"""The enterprise board API (/mu): roles never leak a firm's accounts, scores or class; the profile's
numbers on a hand case; the public roll-ups are suppressed.

Hand case (Linhai rule, branch ``ge3mu``; points = weight × value ÷ benchmark, cap 1.5 × weight):
ENT_A in 2023 has 10 mu, tax 120, revenue 2,400, value added 480 (万元), 40 employees, 200 tce,
6,000 t of water and 1.2 t of COD:

=====================  ======================  ======
亩均税收                 12 万元/亩 ÷ 15 × 40     32
亩均销售收入             240 ÷ 300 × 10           8
单位能耗工业增加值       2.4 ÷ 3 × 20              16
单位COD工业增加值        400 ÷ 500 × 15            12
单位用水工业增加值       0.08 ÷ 0.1 × 5            4
全员劳动生产率           12 ÷ 15 × 10              8
=====================  ======================  ======

Total 80: class B (A from 100). In 2022 tax was 60 (6 万元/亩: 16 points, total 64, class C), so the
class rose by one. Class A needs 20 more points: tax alone, 20 ÷ (40 ÷ (15 × 10)) = 75 万元 more
(195); value added alone raises four indicators by 20/600 + 15/600 + 5/600 + 10/600 = 1/12 point
per 万元, so 240 万元 more (720), no indicator reaching its cap. Among the five firms of county
331082 × sector 16 (scores 106.67, 96, 85.33, 80, 74.67) ENT_A ranks 4th.
"""

from __future__ import annotations

import csv
import io
import shutil

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from industrial_brain.api.main import close_app, create_app
from industrial_brain.store import Store

from .conftest import ENT_A, ENT_B, token
from .mu_data import COUNTY_B, OTHER_B, OTHERS_A, load_mu

P = "/api/v1/mu"


@pytest.fixture(scope="module")
def mu(api_db, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mu")
    path = tmp / "mu.duckdb"
    shutil.copy(api_db, path)
    with Store(path) as s:
        load_mu(s, tmp)
    app = create_app(path)
    with TestClient(app) as c:
        headers = {r: token(c, u) for r, u in {"admin": "root", "analyst": "ana", "ent_a": "ent_a"}.items()}
        yield c, headers | {"public": {}}
    close_app(app)


def test_public_reads_no_firm_rows(mu):
    c, h = mu
    assert c.get(f"{P}/firms").status_code == 401
    assert c.get(f"{P}/firms?format=csv&class=B").status_code == 401
    r = c.get(f"{P}/firms/{ENT_A}/profile")
    assert r.status_code == 401 and r.json()["detail_zh"]


def test_enterprise_sees_only_its_own_firm_whatever_the_filters(mu):
    c, h = mu
    body = c.get(f"{P}/firms?limit=100", headers=h["ent_a"]).json()
    assert [r["uscc"] for r in body["data"]] == [ENT_A] and body["count"] == 1
    for q in (f"search={OTHERS_A[0]}", "class=A", f"region={COUNTY_B}", "sector=20", "sort=-score"):
        rows = c.get(f"{P}/firms?{q}", headers=h["ent_a"]).json()["data"]
        assert {r["uscc"] for r in rows} <= {ENT_A}, q
    text = c.get(f"{P}/firms?format=csv&limit=10000", headers=h["ent_a"]).text
    assert {r["uscc"] for r in csv.DictReader(io.StringIO(text))} == {ENT_A}
    for other in (OTHERS_A[0], ENT_B, OTHER_B):
        r = c.get(f"{P}/firms/{other}/profile", headers=h["ent_a"])
        assert r.status_code == 403 and "its own" in r.json()["detail"], other
    # a class-A firm's class is not learned by filtering on it
    assert c.get(f"{P}/firms?class=A&search={OTHERS_A[3]}", headers=h["ent_a"]).json()["count"] == 0


def test_analyst_lists_filters_sorts_and_exports(mu):
    c, h = mu
    body = c.get(f"{P}/firms?region=331082&sort=-score", headers=h["analyst"]).json()
    assert [r["uscc"] for r in body["data"]] == [OTHERS_A[3], OTHERS_A[2], OTHERS_A[1], ENT_A, OTHERS_A[0]]
    assert [r["class"] for r in body["data"]] == ["A", "B", "B", "B", "B"]
    assert body["rules"] == "linhai" and body["year"] == 2023
    # class A in Zhejiang: OTHERS_A[3] (106.67) and OTHER_B (108); ENT_B (108) is core, withheld
    assert c.get(f"{P}/firms?class=A&region=330000", headers=h["analyst"]).json()["count"] == 2
    page = c.get(f"{P}/firms?region=331082&sort=-score&limit=2&offset=1", headers=h["analyst"]).json()
    assert [r["uscc"] for r in page["data"]] == [OTHERS_A[2], OTHERS_A[1]] and page["count"] == 5
    # ENT_B is core (its accounts are a core dataset): withheld from the analyst, counted
    full = c.get(f"{P}/firms?limit=10000", headers=h["analyst"]).json()
    assert ENT_B not in {r["uscc"] for r in full["data"]} and full["withheld"] == 1
    assert c.get(f"{P}/firms/{ENT_B}/profile", headers=h["analyst"]).status_code == 403
    text = c.get(f"{P}/firms?format=csv&region=331082", headers=h["analyst"]).text
    assert len(list(csv.DictReader(io.StringIO(text)))) == 5


def test_profile_numbers_of_the_hand_case(mu):
    c, h = mu
    p = c.get(f"{P}/firms/{ENT_A}/profile", headers=h["ent_a"]).json()
    m = p["per_mu"]
    assert m["score"] == pytest.approx(80.0) and m["class"] == "B" and m["branch"] == "ge3mu"
    assert m["prev_class"] == "C" and m["class_change"] == 1.0
    assert (m["rank"], m["group_size"]) == (4, 5)
    points = {i["indicator"]: i["score"] for i in m["indicators"]}
    assert points == pytest.approx(
        {
            "tax_per_mu": 32,
            "revenue_per_mu": 8,
            "va_per_energy": 16,
            "va_per_cod": 12,
            "va_per_water": 4,
            "labour_productivity": 8,
        }
    )
    lift = {r["column"]: r for r in m["lift"]}
    assert lift["tax_10k_cny"]["needed"] == pytest.approx(195.0)
    assert lift["value_added_10k_cny"]["needed"] == pytest.approx(720.0)
    assert {r["target_class"] for r in m["lift"]} == {"A"}
    prices = {r["factor"]: r["adjustment"] for r in m["prices"]}
    assert prices["land_use_tax"] == -0.5 and prices["electricity"] == 0.0
    assert [a["tax_10k_cny"] for a in p["accounts"]] == [60.0, 120.0]
    assert p["sme"]["tier"] == "none" and p["sme"]["checks"]
    assert p["maturity"]["level"]  # the enterprise's latest assessment
    assert c.get(f"{P}/firms/{ENT_A}/profile?year=2019", headers=h["analyst"]).status_code == 400


def test_public_rollups_are_suppressed(mu):
    c, h = mu
    body = c.get(f"{P}/rollups?by=county").json()
    cells = {(r["county"], r["year"]): r for r in body["data"]}
    small = cells[(COUNTY_B, 2023)]
    assert small["n_firms"] == 2 and small["suppressed"] and small["share_A"] is None
    assert small["tax_per_mu"] is None and small["mean_score"] is None
    # county 331082 has five firms, but with only one other cell its neighbour is suppressed too
    assert cells[("331082", 2023)]["suppressed"]
    text = c.get(f"{P}/rollups?by=county&format=csv").text
    assert ENT_A not in text and "SYNTHETIC mu firm" not in text
    sec = c.get(f"{P}/rollups?by=sector&year=2023", headers=h["analyst"]).json()["data"]
    assert {r["sector"] for r in sec} == {"16", "20"} and all(r["suppressed"] for r in sec)


@pytest.mark.parametrize("role", ["admin", "ent_a", "public"])
def test_mu_routes_no_server_errors(mu, role):
    """Schemathesis over the /mu operations only (with board data), as test_schemathesis.py does for all."""
    c, h = mu
    schema = schemathesis.openapi.from_asgi("/openapi.json", c.app)
    failures, ran = [], 0
    for result in schema.get_all_operations():
        op = result.ok()
        if not op.label.split(" ", 1)[1].startswith("/api/v1/mu/"):
            continue
        ran += 1

        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy())
        def check(case):
            case.call_and_validate(headers=h[role], checks=[not_a_server_error])

        try:
            check()
        except Exception as exc:
            failures.append(f"{op.label}: {type(exc).__name__}: {str(exc)[:400]}")
    assert ran == 3
    assert not failures, "\n".join(failures)
