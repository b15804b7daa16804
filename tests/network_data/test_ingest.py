"""Firm and transaction ingest: every bad record kind refused with its one line, nothing stored lost,
grades and roles; the flows' contract and their suppression for the public role."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from industrial_brain.errors import AccessError, InputError
from industrial_brain.reference.uscc import make_usccs
from industrial_brain.services import network as nw
from industrial_brain.services.access import PUBLIC, Principal
from industrial_brain.services.io import load_table

from foundation.helpers import run_cli  # tests/ is on sys.path (rootdir-relative packages)

#: Six firms: A, B in Jiangsu (one at county level), C, D in Zhejiang, E, F in Beijing.
USCC = list(make_usccs(["320506", "320000", "330000", "330000", "110000", "110000"], range(1, 7)))
A, B, C, D, E, F = USCC
FIRMS = pd.DataFrame(
    {
        "uscc": USCC,
        "name": [f"firm {k}" for k in "ABCDEF"],
        "region_code": ["320506", "江苏", "330000", "Zhejiang", "110000", "110000"],
        "sector_code": ["20", "20", "19", "20", "20", "19"],
        "size_class": ["large", "中型", "small", "micro", "small", "small"],
        "founding_year": ["2001", "", "1999", "2010", "2015", "2016"],
    }
)
GOOD = [
    ("t1", A, C, "2017-01-05", "100.5"),
    ("t2", B, C, "2017-02-01", "200"),
    ("t3", A, D, "2017-03-01", "50"),
    ("t4", C, A, "2017-03-02", "10"),
    ("t5", E, F, "2017-12-31", "7.25"),
]
COLUMNS = ["record_id", "seller_uscc", "buyer_uscc", "date", "amount_cny"]


def _write(tmp_path, rows, name="tx.csv", columns=COLUMNS):
    path = tmp_path / name
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


@pytest.fixture
def net_store(default_store, tmp_path):
    path = tmp_path / "firms.csv"
    FIRMS.to_csv(path, index=False)
    report = nw.ingest_network_file(default_store, path, "firms")
    assert report.rows == 6
    return default_store


def test_firms_are_registered_with_their_county_and_province_codes(net_store):
    f = nw.firms_of(net_store, None, region="320000").set_index("name")
    assert f.loc["firm A", "region_code"] == "320506" and f.loc["firm B", "region_code"] == "320000"
    assert f.loc["firm B", "size_class"] == "medium" and math.isnan(f.loc["firm B", "founding_year"])
    assert nw.firms_of(net_store, None, region="320506")["name"].tolist() == ["firm A"]
    assert list(nw.firms_of(net_store, None, region="330000", sector="19")["name"]) == ["firm C"]


@pytest.mark.parametrize(
    "column, value, message",
    [
        (
            "uscc",
            USCC[0][:17] + ("0" if USCC[0][17] != "0" else "1"),
            "row 2, column 'uscc': invalid unified",
        ),
        ("region_code", "990101", "row 2, column 'region_code': unknown region"),
        ("region_code", "Atlantis", "row 2, column 'region_code': unknown region"),
        ("sector_code", "99", "row 2, column 'sector_code': unknown sector"),
        ("size_class", "huge", "row 2, column 'size_class': unknown size class"),
        ("founding_year", "19x9", "row 2, column 'founding_year'"),
    ],
)
def test_a_bad_firm_is_refused_at_its_row(default_store, tmp_path, column, value, message):
    bad = FIRMS.copy()
    bad.loc[0, column] = value
    path = tmp_path / "firms.csv"
    bad.to_csv(path, index=False)
    before = default_store.table_counts()
    with pytest.raises(InputError, match=message):
        nw.ingest_network_file(default_store, path, "firms")
    assert default_store.table_counts() == before


def test_firm_level_data_cannot_be_graded_general(default_store, tmp_path):
    path = tmp_path / "firms.csv"
    FIRMS.to_csv(path, index=False)
    with pytest.raises(InputError, match="cannot be graded general"):
        nw.ingest_network_file(default_store, path, "firms", grade="general")


BAD = {
    "self-trade": ([("t9", A, A, "2017-05-01", "5")], "row 7, column 'buyer_uscc': self-trade"),
    "unknown firm": (
        [("t9", A, str(make_usccs(["440000"], [99])[0]), "2017-05-01", "5")],
        "row 7, column 'buyer_uscc': unknown firm",
    ),
    "bad USCC": (
        [("t9", "91320000ABCDEFGHIJ", C, "2017-05-01", "5")],
        "row 7, column 'seller_uscc': invalid unified social credit code",
    ),
    "negative amount": (
        [("t9", A, C, "2017-05-01", "-5")],
        "row 7, column 'amount_cny': amount is zero or negative",
    ),
    "zero amount": (
        [("t9", A, C, "2017-05-01", "0")],
        "row 7, column 'amount_cny': amount is zero or negative",
    ),
    "NaN amount": ([("t9", A, C, "2017-05-01", "NaN")], "row 7, column 'amount_cny': amount is NaN"),
    "text amount": (
        [("t9", A, C, "2017-05-01", "12 yuan")],
        "row 7, column 'amount_cny': amount is not a number",
    ),
    "blank amount": ([("t9", A, C, "2017-05-01", "")], "row 7, column 'amount_cny': missing amount_cny"),
    "bad date": ([("t9", A, C, "2017/05/01", "5")], "row 7, column 'date': not a date"),
    "outside period": (
        [("t9", A, C, "2018-01-01", "5")],
        "row 7, column 'date': date outside the declared period",
    ),
    "duplicate record id": (
        [("t2", A, D, "2017-05-01", "5")],
        r"row 7, column 'record_id': duplicate record_id \(also on row 3\)",
    ),
    "swapped duplicate": (
        [("t9", C, A, "2017-01-05", "100.5")],
        "row 7, column 'seller_uscc': seller and buyer swapped duplicate of row 2",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_every_bad_record_kind_is_refused_with_its_line(net_store, tmp_path, case):
    rows, message = BAD[case]
    path = _write(tmp_path, GOOD + rows)
    before = net_store.table_counts()
    with pytest.raises(InputError, match=message) as err:
        nw.ingest_network_file(
            net_store, path, "transactions", period_start="2017-01-01", period_end="2017-12-31"
        )
    text = str(err.value)
    assert "\n" not in text and text.startswith(str(path)) and "expected" in text
    assert net_store.table_counts() == before  # all or nothing


def test_a_clean_file_is_stored_whole_and_later_files_are_checked_against_it(net_store, tmp_path):
    report = nw.ingest_network_file(net_store, _write(tmp_path, GOOD), "transactions")
    assert report.rows == 5 and net_store.table_counts()["transaction"] == 5
    again = _write(tmp_path, [("t1", B, D, "2017-06-01", "1")], name="more.csv")
    with pytest.raises(InputError, match="row 2, column 'record_id': record_id already stored"):
        nw.ingest_network_file(net_store, again, "transactions")
    mirror = _write(tmp_path, [("m1", C, B, "2017-02-01", "200")], name="mirror.csv")
    with pytest.raises(InputError, match="swapped duplicate of a stored record"):
        nw.ingest_network_file(net_store, mirror, "transactions")
    assert net_store.table_counts()["transaction"] == 5
    # the same id with --replace replaces the dataset (its own record ids are no clash)
    report = nw.ingest_network_file(
        net_store, _write(tmp_path, GOOD[:3], name="tx2.csv"), "transactions", dataset_id="tx", replace=True
    )
    assert report.rows == 3 and net_store.table_counts()["transaction"] == 3


def test_parquet_with_typed_columns_and_a_nan_amount(net_store, tmp_path):
    frame = pd.DataFrame(GOOD, columns=COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    frame["amount_cny"] = frame["amount_cny"].astype(float)
    frame["product_code"] = ["p1", None, "p3", "p4", "p5"]
    frame.to_parquet(tmp_path / "tx.parquet")
    assert nw.ingest_network_file(net_store, tmp_path / "tx.parquet", "transactions").rows == 5
    frame["record_id"] = frame["record_id"] + "b"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    amounts = pa.array([1.0, 2.0, 3.0, float("nan"), 5.0], from_pandas=False)  # a stored NaN, not a null
    pq.write_table(table.set_column(4, "amount_cny", amounts), tmp_path / "tx_nan.parquet")
    with pytest.raises(InputError, match="row 5, column 'amount_cny': amount is NaN"):
        nw.ingest_network_file(net_store, tmp_path / "tx_nan.parquet", "transactions")


def test_flows_by_hand_and_suppressed_for_the_public(net_store, tmp_path):
    nw.ingest_network_file(net_store, _write(tmp_path, GOOD), "transactions")
    f = nw.flows(net_store, firm_counts=True).frame.set_index(
        ["seller_region", "seller_sector", "buyer_region", "buyer_sector"]
    )
    # A (Jiangsu, 20) and B (Jiangsu, 20) sell to C (Zhejiang, 19): 100.5 + 200 in 2 records
    js_zj = f.loc[("320000", "20", "330000", "19")]
    assert js_zj["amount_cny"] == 300.5 and js_zj["records"] == 2 and js_zj["sellers"] == 2
    assert f.loc[("320000", "20", "330000", "20"), "amount_cny"] == 50.0
    assert f.loc[("110000", "20", "110000", "19"), "amount_cny"] == 7.25
    assert len(f) == 4 and f["records"].sum() == 5
    county = nw.flows(net_store, region_level="county").frame
    assert set(county["seller_region"]) == {"320506", "320000", "330000", "110000"}
    # the public and an enterprise account see no cell of fewer than 3 sellers or buyers: all withheld here
    for who in (PUBLIC, Principal("firm", "enterprise", uscc=A)):
        pub = nw.flows(net_store, who=who)
        assert pub.suppressed == 4 and pub.frame["amount_cny"].isna().all()
    assert nw.flows(net_store, who=Principal("ana", "analyst")).suppressed == 0


def test_firm_rows_are_never_read_by_the_public_or_another_enterprise(net_store):
    with pytest.raises(AccessError):
        nw.firms_of(net_store, PUBLIC, region="320000")
    own = nw.firms_of(net_store, Principal("a", "enterprise", uscc=A), region="320000")
    assert own["uscc"].tolist() == [A]


def test_cli_contract(net_store, tmp_path, capsys):
    db = net_store.path
    net_store.close()
    code, out, err = run_cli(
        capsys,
        "network",
        "ingest",
        str(_write(tmp_path, GOOD)),
        "--kind",
        "transactions",
        "--db",
        db,
        "--period-start",
        "2017-01-01",
        "--period-end",
        "2017-12-31",
    )
    assert code == 0 and "stored 5 transactions" in out
    code, out, err = run_cli(capsys, "network", "aggregate", "--db", db, "--format", "csv", "--year", "2017")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0] == (
        "year,seller_region,seller_sector,buyer_region,buyer_sector,amount_cny,records"
    )
    assert "2017,320000,20,330000,19,300.5,2" in lines  # A and B sell to C
    bad = _write(tmp_path, [("x1", A, A, "2017-05-01", "5")], name="bad.csv")
    code, out, err = run_cli(capsys, "network", "ingest", str(bad), "--kind", "transactions", "--db", db)
    assert code == 2 and err.strip().count("\n") == 0 and "self-trade" in err
    code, out, err = run_cli(capsys, "network", "aggregate", "--db", db, "--engine", "flink")
    assert code == 2 and "option '--engine'" in err


def test_flows_against_the_io_table_of_their_year(net_store, tmp_path):
    rows = [(f"n{i}", s, b, d.replace("2017", "2020"), a) for i, (_, s, b, d, a) in enumerate(GOOD)]
    nw.ingest_network_file(net_store, _write(tmp_path, GOOD + rows), "transactions")
    flows = nw.flows(net_store)
    national = nw.compare_with_io(net_store, flows, year=2020, top=3)  # the national 42-sector table
    assert national.reconciled.shape == (42, 42) and 0 < national.coverage_amount < 1e-9
    Z = load_table(net_store, "cn_nbs_io_2020_42").Z * 1e4  # RAS to the table's margins, in CNY
    np.testing.assert_allclose(national.reconciled.sum(axis=1), Z.sum(axis=1), rtol=1e-8)
    np.testing.assert_allclose(national.reconciled.sum(axis=0), Z.sum(axis=0), rtol=1e-8)
    assert national.balancing.converged
    regional = nw.compare_with_io(net_store, flows, year=2017)  # the 31-province MRIO
    assert regional.reconciled.shape == (1302, 1302)
    assert regional.discrepancies["seller"].iat[0].count(":") == 1
    with pytest.raises(InputError, match="no flows in that year"):
        nw.compare_with_io(net_store, flows, year=2018)
