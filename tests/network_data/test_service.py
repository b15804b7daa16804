"""The chain analysis through the service on stored data: the hand-made 6-firm network's numbers
(tests/network/test_six_firms.py solves them by hand) come back from the store, the public's flows
are suppressed cell by cell, GB/T 4754 industries are mapped to IO sectors at ingest, and the
commands' CSV is the contract scripts rely on."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from industrial_brain.errors import AccessError, InputError, NotAuthenticated
from industrial_brain.reference.gbt4754 import gbt4754_divisions, gbt4754_to_io
from industrial_brain.reference.uscc import make_usccs
from industrial_brain.services import network as nw
from industrial_brain.services.access import PUBLIC, Principal
from industrial_brain.store.firms import firms as stored_firms

from foundation.helpers import run_cli  # tests/ is on sys.path (rootdir-relative packages)
from network_data.six import USCC, six_files, store_six

A, B, C, D, E, F = (USCC[k] for k in "ABCDEF")
LETTER = {v: k for k, v in USCC.items()}


@pytest.fixture
def six_store(default_store, tmp_path):
    store_six(default_store, tmp_path)
    return default_store


def test_leaders_spof_and_cascade_of_the_six_firms(six_store):
    """Output at risk C 14,600, A 9,490, D 6,387.5, B 2,372.5; (440000, 20) buys input 19 through C
    and D (13/19 and 1), (310000, 19) input 14 through A and B (6/7); A stopping with 3 days of stock
    loses 297.33 over 10 days (A 100, C 84, D 60, E 37.33, F 16)."""
    t = nw.leaders(six_store).table
    assert [LETTER[u] for u in t.index] == list("CADBEF")
    assert t["output_at_risk"].tolist() == pytest.approx([14600, 9490, 6387.5, 2372.5, 0, 0])
    s = nw.spof(six_store, min_input_share=0.1).table
    assert list(s.index) == [("440000", "20", "19"), ("310000", "19", "14")]
    assert [LETTER[u] for u in s["top1"]] == ["C", "A"]
    assert s["top1_share"].tolist() == pytest.approx([13 / 19, 6 / 7])
    r = nw.cascade(six_store, [A], days=10, inventory_days=3)
    assert r.total_output_lost == pytest.approx(297 + 1 / 3)
    lost = {LETTER[u]: v for u, v in r.firms["output_lost"].items()}
    assert lost == pytest.approx({"A": 100, "C": 84, "D": 60, "E": 37 + 1 / 3, "F": 16})
    assert r.regions["output_lost"].to_dict() == pytest.approx(
        {"110000": 100, "310000": 144, "440000": 53 + 1 / 3}
    )
    with pytest.raises(InputError, match="no transactions in that year"):
        nw.leaders(six_store, year=2019)


def test_gaps_targets_and_partners_of_the_six_firms(six_store):
    """Guangdong's electronics (20) has no local supplier of its inputs: every upstream link of the
    national structure is missing (补链), candidates for input 19 are C (output 7,300, sells only to
    the core: fit 1) then D; E's suppliers are C 3,650, D 1,825, B 365 (5/8, 5/16, 1/16)."""
    g = nw.gaps(six_store, "440000")
    up = g.links.loc["upstream"]
    assert (up["status"] == "missing").all() and set(up["action"]) == {"补链"}
    assert "19" in up.index and "14" in up.index
    cand = g.candidates.loc["19"]
    up19 = cand[cand["position"] == "upstream"]
    assert [LETTER[u] for u in up19["candidate"]] == ["C", "D"]
    assert up19["sector_fit"].tolist() == pytest.approx([1.0, 1.0])
    assert "national structure: cn_nbs_io_2017_42" in g.notes
    p = nw.partners(six_store, E).frame
    assert [LETTER[u] for u in p["partner"]] == ["C", "D", "B"]
    assert p["share"].tolist() == pytest.approx([0.625, 0.3125, 0.0625])
    with pytest.raises(AccessError):
        nw.partners(six_store, E, Principal("x", "enterprise", A))
    with pytest.raises(NotAuthenticated):
        nw.check_firm_level(six_store, PUBLIC)
    assert nw.check_firm_level(six_store, Principal("ana", "analyst")) == "important"


def test_public_flows_keep_only_safe_cells(default_store, tmp_path):
    """Three sellers × three buyers in one cell, equal amounts 100: safe (3 ≥ k, the rest of the
    cell 600 ≥ 10 % of the largest seller's 300): shown, 900. One more record of 10,000 by the first
    seller makes the cell dominated (900 − … : T − x1 − x2 = 300 < 1,030): suppressed."""
    u = make_usccs(["320000"] * 3 + ["330000"] * 3, range(201, 207)).tolist()
    firms = pd.DataFrame(
        {
            "uscc": u,
            "name": [f"SYNTHETIC {i}" for i in range(6)],
            "region_code": ["320000"] * 3 + ["330000"] * 3,
            "sector_code": ["20"] * 6,
            "size_class": "small",
        }
    )
    rows = [(f"r{3 * i + j}", u[i], u[3 + j], "2017-05-01", 100.0) for i in range(3) for j in range(3)]
    tx = pd.DataFrame(rows, columns=["record_id", "seller_uscc", "buyer_uscc", "date", "amount_cny"])
    firms.to_csv(tmp_path / "f.csv", index=False)
    tx.to_csv(tmp_path / "t.csv", index=False)
    nw.ingest_network_file(default_store, tmp_path / "f.csv", "firms")
    nw.ingest_network_file(default_store, tmp_path / "t.csv", "transactions")
    cell = nw.released_flows(default_store).frame.iloc[0]
    assert not cell["suppressed"] and cell["amount_cny"] == 900.0 and cell["sellers"] == 3
    pd.DataFrame([("big", u[0], u[3], "2017-06-01", 10_000.0)], columns=tx.columns).to_csv(
        tmp_path / "t2.csv", index=False
    )
    nw.ingest_network_file(default_store, tmp_path / "t2.csv", "transactions")
    r = nw.released_flows(default_store)
    assert r.suppressed == 1 and pd.isna(r.frame["amount_cny"].iloc[0])


def test_the_gbt4754_mapping_covers_every_division_and_sector():
    t = gbt4754_divisions()
    assert list(t.index) == [f"{d:02d}" for d in range(1, 98)]
    assert sorted(set(t["io_sector"])) == [f"{s:02d}" for s in range(1, 43)]
    assert (
        t.loc["39", "io_sector"] == "20"
        and t.loc["38", "io_sector"] == "19"
        and t.loc["43", "io_sector"] == "23"
    )
    assert gbt4754_to_io(["C39", "3911", "391", "39", "m73", "M74"]).tolist() == [
        "20",
        "20",
        "20",
        "20",
        "35",
        "36",
    ]
    with pytest.raises(
        InputError, match=r"row 3, column 'sector_code': unknown GB/T 4754 industry \(found 'D39'"
    ):
        gbt4754_to_io(["C39", "D39"])
    with pytest.raises(InputError, match="found '98'"):
        gbt4754_to_io(["98"])


def test_firms_in_gbt4754_are_stored_with_their_io_sector(default_store, tmp_path):
    fp, _ = six_files(tmp_path)
    f = pd.read_csv(fp, dtype=str)
    f["sector_code"] = ["C31", "3240", "C38", "382", "C39", "C3911"]
    f["sector_scheme"] = "gbt4754"
    f.to_csv(tmp_path / "g.csv", index=False)
    nw.ingest_network_file(default_store, tmp_path / "g.csv", "firms")
    stored = stored_firms(default_store).set_index("uscc").loc[list(USCC.values())]
    assert stored["sector_code"].tolist() == ["14", "14", "19", "19", "20", "20"]
    assert set(stored["sector_scheme"]) == {"nbs2017_42"}
    f.loc[3, "sector_code"] = "C99"
    f.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InputError, match=r"bad.csv: row 5, column 'sector_code': unknown GB/T 4754"):
        nw.ingest_network_file(default_store, tmp_path / "bad.csv", "firms", dataset_id="bad", replace=True)


def test_cli_csv_contract(six_store, capsys):
    """The commands print raw values under fixed English headers (scripts rely on them)."""
    db = str(six_store.path)
    six_store.close()
    code, out, err = run_cli(capsys, "network", "leaders", "--db", db, "--format", "csv")
    assert code == 0, err
    f = pd.read_csv(io.StringIO(out), dtype={"uscc": str, "region_code": str, "sector_code": str})
    assert list(f.columns) == [
        "uscc",
        "name",
        "region_code",
        "sector_code",
        "output",
        "sales",
        "customers",
        "pagerank_supplier",
        "pagerank_buyer",
        "output_at_risk",
        "output_at_risk_share",
        "rank",
    ]
    assert f["uscc"].iloc[0] == C and f["output_at_risk"].iloc[0] == 14600.0 and len(f) == 6
    code, out, err = run_cli(
        capsys,
        "network",
        "cascade",
        "--firm",
        A,
        "--days",
        "10",
        "--inventory-days",
        "3",
        "--db",
        db,
        "--format",
        "csv",
    )
    assert code == 0, err
    f = pd.read_csv(io.StringIO(out))
    assert list(f.columns)[:6] == ["uscc", "name", "region_code", "sector_code", "output_lost", "loss_share"]
    assert f["output_lost"].sum() == pytest.approx(297 + 1 / 3)
    for cmd, cols in (
        (
            ["spof", "--min-input-share", "0.1"],
            ["region_code", "sector_code", "input_sector", "input_purchases"],
        ),
        (["gaps", "--region", "440000"], ["position", "sector_code", "coefficient", "need", "local_supply"]),
        (
            ["targets", "--region", "440000"],
            ["sector_code", "rank", "position", "candidate", "candidate_name"],
        ),
        (["match", "--region", "440000"], ["buyer", "input_sector", "supplier", "supplier_region", "amount"]),
    ):
        code, out, err = run_cli(capsys, "network", *cmd, "--db", db, "--format", "csv")
        assert code == 0, (cmd, err)
        assert out.splitlines()[0].split(",")[: len(cols)] == cols, cmd
    code, out, err = run_cli(capsys, "network", "leaders", "--db", db)
    assert code == 0 and "Chain leaders" in out and "14,600" in out


def test_the_demo_network_is_synthetic_and_never_mixed_with_real_firms(default_store, tmp_path):
    assert nw.store_demo_network(default_store, n_firms=300, n_records=3000, seed=3)
    f = stored_firms(default_store)
    assert len(f) > 250 and f["name"].str.startswith("合成企业").all()
    flows = nw.flows(default_store)
    assert flows.frame["records"].sum() == 3000
    assert not nw.store_demo_network(default_store, n_firms=300, n_records=3000, seed=3)  # once only
    g = nw.gaps(default_store, "440000")
    assert g.links.loc[("core", "20"), "local_firms"] > 0
