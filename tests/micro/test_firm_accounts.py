"""The firm annual-accounts ingest (``ibrain mu ingest``) and the stored evaluation (``ibrain mu
evaluate --db``): every bad cell refused with one line naming file, row, column and what was
expected; nothing stored on a refusal; the firms must be registered. All firms are SYNTHETIC."""

from __future__ import annotations

import pandas as pd
import pytest

from industrial_brain.cli.main import main
from industrial_brain.errors import InputError
from industrial_brain.reference.uscc import uscc_check_char
from industrial_brain.services.mu_board import evaluate_stored, ingest_accounts, stored_accounts
from industrial_brain.services.network import ingest_network_file
from industrial_brain.store.schema import DATA_TABLES


def code(i: int) -> str:
    first17 = f"91331082MA{i:07d}"
    return first17 + uscc_check_char(first17)


A, B, UNREGISTERED = code(1), code(2), code(3)
HEADER = (
    "uscc,year,land_mu,tax_10k_cny,revenue_10k_cny,value_added_10k_cny,employees,energy_tce,water_t,cod_t,"
    "rd_staff_share,firm_type,has_rd_institution,remark,electricity_kwh"
)
GOOD = [
    f"{A},2022,10,60,2400,480,40,200,6000,1.2,0.2,industrial_above,yes,first,500000",
    f"{A},2023,10,120,2400,480,40,200,6000,1.2,0.2,industrial_above,是,,500000",
    f"{B},2023,2,20,400,100,10,50,1000,0.2,,,no,,100000",
]


@pytest.fixture
def firms_store(default_store, tmp_path):
    p = tmp_path / "firms.csv"
    pd.DataFrame(
        {
            "uscc": [A, B],
            "name": ["SYNTHETIC a", "SYNTHETIC b"],
            "region_code": "331082",
            "sector_code": "16",
            "size_class": "small",
        }
    ).to_csv(p, index=False)
    ingest_network_file(default_store, p, "firms", dataset_id="synthetic_firms")
    return default_store


def write(tmp_path, rows, name="accounts.csv", header=HEADER):
    p = tmp_path / name
    p.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return p


def counts(store):
    return {t: store.con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in DATA_TABLES}


def test_a_good_file_is_stored_whole_and_twice_is_a_no_op(firms_store, tmp_path):
    p = write(tmp_path, GOOD)
    rep = ingest_accounts(firms_store, p)
    assert rep.rows == 3 and "remark" in rep.message  # columns outside the contract are named
    acc = stored_accounts(firms_store)
    assert acc["tax_10k_cny"].tolist() == [60.0, 120.0, 20.0]
    assert acc["has_rd_institution"].tolist() == [True, True, False]
    assert acc["county"].tolist() == ["331082"] * 3 and acc["name"].iloc[0] == "SYNTHETIC a"
    grade = firms_store.con.execute("SELECT grade FROM dataset WHERE dataset_id = 'accounts'").fetchone()[0]
    assert grade == "important"
    assert ingest_accounts(firms_store, p).skipped


BAD = [
    (
        f"{A},2023,10,-5,2400,480,40,200,6000,1.2,,,,",
        "row 2, column 'tax_10k_cny': negative value (found -5.0; expected zero or more 10k CNY (万元))",
    ),
    (
        f"{A},2023,0,5,2400,480,40,200,6000,1.2,,,,",
        "row 2, column 'land_mu': impossible value (found 0.0; expected land greater than 0 mu (亩))",
    ),
    (f"{A},2023,,5,2400,480,40,200,6000,1.2,,,,", "row 2, column 'land_mu': missing land_mu"),
    (
        f"{A},2023,10,abc,2400,480,40,200,6000,1.2,,,,",
        "row 2, column 'tax_10k_cny': not a number (found 'abc'; expected a number in 10k CNY (万元),",
    ),
    (
        f"{A},2023,10,3000,2400,480,40,200,6000,1.2,,,,",
        "row 2, column 'tax_10k_cny': tax_10k_cny above revenue_10k_cny (found 3000.0;",
    ),
    (
        f"{A},23,10,5,2400,480,40,200,6000,1.2,,,,",
        "row 2, column 'year': bad year (found '23'; expected a calendar year such as 2023)",
    ),
    (f"{A},2023,10,5,2400,480,40,200,6000,1.2,1.5,,,", "row 2, column 'rd_staff_share': share above 1"),
    (
        f"{A},2023,10,5,2400,480,40,200,6000,1.2,,factory,,",
        "row 2, column 'firm_type': unknown firm type (found 'factory'",
    ),
    (
        f"{A},2023,10,5,2400,480,40,200,6000,1.2,,,maybe,",
        "row 2, column 'has_rd_institution': not a yes/no value (found 'maybe'",
    ),
    (
        "91331082MA00000010,2023,10,5,2400,480,40,200,6000,1.2,,,,",
        "row 2, column 'uscc': invalid unified social credit code",
    ),
    (
        f"{UNREGISTERED},2023,10,5,2400,480,40,200,6000,1.2,,,,",
        "row 2, column 'uscc': firm not in the firm register",
    ),
]


@pytest.mark.parametrize("line, message", BAD, ids=[m.split(": ")[1][:30] for _, m in BAD])
def test_a_bad_cell_is_refused_with_its_line_and_nothing_is_stored(firms_store, tmp_path, line, message):
    p = write(tmp_path, [line])
    before = counts(firms_store)
    with pytest.raises(InputError) as e:
        ingest_accounts(firms_store, p)
    assert str(e.value).startswith(f"{p}: {message}"), str(e.value)
    assert counts(firms_store) == before


def test_the_line_counts_blank_lines_and_many_faults_are_counted(firms_store, tmp_path):
    p = write(tmp_path, [GOOD[0], "", f"{B},2023,2,-1,400,,,,,,,,,", f"{B},2022,2,-1,400,,,,,,,,,"])
    with pytest.raises(InputError, match=r"row 4, column 'tax_10k_cny': negative value \(2 rows like it\)"):
        ingest_accounts(firms_store, p)


def test_a_firm_year_twice_in_the_file_or_already_stored_is_refused(firms_store, tmp_path):
    with pytest.raises(
        InputError, match=r"row 3, column 'uscc': the firm appears twice for one year \(also on row 2\)"
    ):
        ingest_accounts(firms_store, write(tmp_path, [GOOD[1], GOOD[1]]))
    ingest_accounts(firms_store, write(tmp_path, GOOD[:1], name="first.csv"))
    with pytest.raises(InputError, match="already stored by dataset 'first'"):
        ingest_accounts(firms_store, write(tmp_path, GOOD[:2], name="second.csv"))


def test_missing_column_and_general_grade_are_refused(firms_store, tmp_path):
    with pytest.raises(InputError, match="row 1, column 'land_mu': missing column"):
        ingest_accounts(firms_store, write(tmp_path, [f"{A},2023"], header="uscc,year"))
    with pytest.raises(InputError, match="enterprise data cannot be graded general"):
        ingest_accounts(firms_store, write(tmp_path, GOOD), grade="general")


def test_stored_evaluation_is_a_run_with_its_scores(firms_store, tmp_path):
    ingest_accounts(firms_store, write(tmp_path, GOOD))
    ev = evaluate_stored(firms_store, "linhai", year=2023)
    s = ev.result.scores.set_index("uscc")
    # A: 32 + 8 + 16 + 12 + 4 + 8 = 80 (tests/api/test_mu.py); employees, energy, COD and water given
    assert (
        s.loc[A, "score"] == pytest.approx(80.0)
        and s.loc[A, "class"] == "B"
        and s.loc[A, "prev_class"] == "C"
    )
    run = firms_store.con.execute(
        "SELECT kind, method, datasets FROM analysis_run WHERE run_id = ?", [ev.run_id]
    ).fetchall()
    assert run == [("per_mu", "linhai", "accounts")]
    stored = firms_store.con.execute(
        "SELECT uscc, class FROM per_mu_score WHERE run_id = ? ORDER BY uscc", [ev.run_id]
    ).fetchall()
    assert stored == [(A, "B"), (B, s.loc[B, "class"])]


def test_cli_ingest_then_evaluate_the_store(firms_store, tmp_path, capsys):
    db = firms_store.path
    firms_store.close()
    p = write(tmp_path, GOOD)
    out = tmp_path / "scores.csv"
    for args in (
        ["mu", "ingest", str(p), "--db", str(db)],
        ["mu", "evaluate", "--db", str(db), "--rules", "linhai", "--year", "2023", "--out", str(out)],
    ):
        try:
            main(args)
        except SystemExit as e:
            assert not e.code, capsys.readouterr()
    text = capsys.readouterr().out
    assert "stored 3 firm-years of 2 firms" in text and "stored run" in text
    scores = pd.read_csv(out, dtype={"uscc": str})
    assert list(scores.columns[:4]) == ["uscc", "year", "score", "class"]
    assert scores.set_index("uscc").loc[A, "class"] == "B"
