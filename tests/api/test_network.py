"""The network routes by role: firm-level results for admin and analysts, an enterprise's own
partners only, suppressed flows for everyone else; no route or export gives the public or another
enterprise a firm's transactions."""

from __future__ import annotations


import pytest


from .conftest import ENT_A, ENT_B
from .network_data import API_USCC

P = "/api/v1/network"
A, B, C, D, E, F = (API_USCC[k] for k in "ABCDEF")
#: Every network route, JSON and CSV (the firm-level ones with valid parameters).
URLS = [
    "/flows",
    "/flows?format=csv",
    "/leaders",
    "/leaders?format=csv",
    "/spof?min_input_share=0.1",
    f"/cascade?firm={A}&days=10&inventory_days=3",
    f"/cascade?firm={A}&days=10&inventory_days=3&format=csv&level=region",
    "/gaps?region=440000",
    "/targets?region=440000",
    "/targets?region=440000&format=csv",
    "/match?region=440000",
    *[f"/firms/{u}/partners{q}" for u in (A, C, E) for q in ("", "?format=csv")],
]
#: Amounts of the eight transactions as they print in JSON and CSV.
AMOUNTS = ("1460", "365", "730", "3650", "1825", "1095")


@pytest.fixture(scope="module")
def net(network_api):
    _, c, headers = network_api
    return c, headers


def test_admin_reads_the_hand_made_numbers(net):
    """Leaders: C's output at risk 14,600 (3650/5840 · 14600 + 1095/1460 · 7300), then A 9,490;
    the cascade of A stopping, 3 days of stock, 10 days: 297.33 lost, 100 by A itself."""
    c, h = net
    lead = c.get(f"{P}/leaders", headers=h["admin"]).json()
    assert [r["uscc"] for r in lead["data"][:2]] == [C, A]
    assert [r["output_at_risk"] for r in lead["data"][:4]] == pytest.approx([14600, 9490, 6387.5, 2372.5])
    assert lead["data"][0]["name"] == "SYNTHETIC firm C"
    cas = c.get(f"{P}/cascade?firm={A}&days=10&inventory_days=3", headers=h["admin"]).json()
    assert cas["totals"]["total_output_lost"] == pytest.approx(297 + 1 / 3)
    assert cas["totals"]["direct_output_lost"] == pytest.approx(100)
    spof = c.get(f"{P}/spof?min_input_share=0.1", headers=h["admin"]).json()
    assert [(r["region_code"], r["sector_code"], r["input_sector"], r["through"]) for r in spof["data"]] == [
        ("440000", "20", "19", 2),
        ("310000", "19", "14", 2),
    ]
    zh = c.get(f"{P}/leaders?lang=zh", headers=h["analyst"]).json()
    assert "风险产出" in zh["data"][0]


def test_an_enterprise_reads_its_own_partners_only(net):
    c, h = net
    own = c.get(f"{P}/firms/{ENT_A}/partners", headers=h["ent_a"]).json()
    # A sells to C 1,460 (80 % of C's purchases … here 2/3 of A's sales) and to D 730
    assert [(r["side"], r["partner"], r["amount_cny"]) for r in own["data"]] == [
        ("customer", C, 1460.0),
        ("customer", D, 730.0),
    ]
    assert [r["share"] for r in own["data"]] == pytest.approx([2 / 3, 1 / 3])
    for url in (f"/firms/{ENT_B}/partners", f"/firms/{C}/partners", "/leaders", f"/cascade?firm={ENT_A}"):
        r = c.get(P + url, headers=h["ent_a"])
        assert r.status_code == 403, url
        assert r.json()["detail_zh"]
    # admin and analysts read any firm with important rows (a core firm: the access walk)
    assert c.get(f"{P}/firms/{C}/partners", headers=h["analyst"]).status_code == 200
    assert c.get(f"{P}/firms/{ENT_B}/partners", headers=h["admin"]).status_code == 200


@pytest.mark.parametrize("role", ["public", "ent_b"])
def test_the_public_and_another_enterprise_never_read_a_firms_transactions(net, role):
    """Through every network route and export, neither ENT_A's USCC with an amount nor any amount of
    the eight transactions reaches the public or ent_b (whose own partners are B, C, D: the rows
    of ENT_A's trade with C and D are not among them)."""
    c, h = net
    for url in URLS:
        r = c.get(P + url, headers=h[role])
        if role == "ent_b" and url.startswith(f"/firms/{ENT_B}/"):
            assert r.status_code == 200
            assert ENT_A not in r.text  # A never trades with E
            continue
        if url.startswith("/flows"):
            assert r.status_code == 200, url
            body = r.text
            assert ENT_A not in body and not any(f"{a}.0" in body or f",{a}," in body for a in AMOUNTS)
            if "csv" not in url:
                assert all(row["suppressed"] and row["amount_cny"] is None for row in r.json()["data"])
            continue
        assert r.status_code == (401 if role == "public" else 403), (url, r.status_code)
        assert ENT_A not in r.text or "login" in r.text or "role" in r.text
        assert r.json()["detail_zh"]


def test_full_flows_for_the_analyst(net):
    c, h = net
    full = c.get(f"{P}/flows", headers=h["analyst"]).json()
    cells = {(r["seller_region"], r["buyer_region"]): r["amount_cny"] for r in full["data"]}
    assert cells == {("110000", "310000"): 2555.0, ("110000", "440000"): 365.0, ("310000", "440000"): 6935.0}
    assert full["suppressed"] == 0


def test_bad_parameters_answer_one_line_in_both_languages(net):
    c, h = net
    r = c.get(f"{P}/cascade?firm=91000000000000000X", headers=h["admin"])
    assert r.status_code == 400 and "unknown shocked firm" in r.json()["detail"]
    assert "未登记的受冲击企业" in r.json()["detail_zh"]
    r = c.get(f"{P}/gaps?region=650000", headers=h["admin"])
    assert r.status_code == 400 and r.json()["detail_zh"]
