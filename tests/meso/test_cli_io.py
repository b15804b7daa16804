"""``ibrain io`` and ``ibrain chain`` end to end through ``industrial_brain.cli.main.main`` (as a user runs
them).

Needs the two sub-apps wired in cli/main.py:
``app.add_typer(io_app, name="io")`` and ``app.add_typer(chain_app, name="chain")``.
"""

from __future__ import annotations

import io
import json
import shutil

import networkx as nx
import pandas as pd
import pytest


from foundation.helpers import run_cli  # tests/ is on sys.path (rootdir-relative packages)


@pytest.fixture(scope="module")
def db(default_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_io") / "io.duckdb"
    shutil.copy(default_db, path)
    return str(path)


def csv(text: str) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO(text),
        dtype={"sector": str, "region": str, "parent": str, "region_code": str, "origin": str, "demand": str},
    )


def test_io_summary_and_multipliers(capsys, db):
    code, out, _ = run_cli(capsys, "io", "summary", "--db", db, "--format", "csv")
    assert code == 0
    f = csv(out).set_index("sector")
    # PROVENANCE §5: apparel 3.11
    assert len(f) == 42 and f.loc["08", "output"] == pytest.approx(3.112, abs=1e-3)
    assert f["backward"].mean() == pytest.approx(1.0)
    code, out, _ = run_cli(
        capsys, "io", "multipliers", "--db", db, "--table", "cn_nbs_io_2017_42", "--format", "csv"
    )
    assert code == 0 and {"output", "value_added", "income"} <= set(csv(out).columns)


def test_io_key_sectors_zh_and_out(capsys, db, tmp_path):
    out_file = tmp_path / "ks.csv"
    code, out, _ = run_cli(capsys, "io", "key-sectors", "--db", db, "--out", str(out_file), "--lang", "zh")
    assert code == 0 and "ks.csv" in out
    f = pd.read_csv(out_file, dtype={"sector": str})
    assert len(f) == 42 and "quadrant" in f.columns
    code, out, _ = run_cli(capsys, "io", "key-sectors", "--db", db, "--lang", "zh")
    assert code == 0 and "关键部门" in out


def test_io_digital(capsys, db):
    code, out, _ = run_cli(capsys, "io", "digital", "--db", db, "--format", "csv")
    assert code == 0
    f = csv(out)
    assert set(f["table"]) == {"cn_nbs_io_2017_42", "cn_nbs_io_2018_42", "cn_nbs_io_2020_42"}
    row = f[(f["table"] == "cn_nbs_io_2020_42") & (f["sector"] == "18")].iloc[0]
    assert round(row["direct"], 6) == 0.026212 and round(row["total"], 6) == 0.150185
    code, out, _ = run_cli(capsys, "io", "digital", "--table", "provinces", "--db", db, "--format", "json")
    assert code == 0 and len(json.loads(out)) == 31 * 42
    code, out, _ = run_cli(capsys, "io", "digital", "--spillover", "--db", db, "--format", "csv")
    assert code == 0 and len(csv(out)) == 31 * 31


def test_io_mrio(capsys, db):
    code, out, _ = run_cli(capsys, "io", "mrio", "--db", db, "--format", "csv")
    assert code == 0
    f = csv(out)
    assert len(f) == 31 and f["x"].sum() / 1e8 == pytest.approx(246.3, abs=0.05)
    code, out, _ = run_cli(capsys, "io", "mrio", "--db", db, "--save")
    assert code == 0 and "stored" in out
    code, out, _ = run_cli(capsys, "io", "summary", "--table", "cn_mrio_2017", "--db", db, "--format", "csv")
    assert code == 0 and len(csv(out)) == 1302


def test_chain_tree_and_chokepoints(capsys, db, tmp_path):
    code, out, _ = run_cli(
        capsys, "chain", "tree", "--sector", "31", "--depth", "3", "--db", db, "--format", "csv"
    )
    assert code == 0
    f = csv(out)
    assert f["depth"].max() <= 3 and f["sector"].iloc[0] == "34" and f["parent"].iloc[0] == "31"
    # chokepoints: import share × output at risk (oil & gas, metal ores, electronics first)
    code, out, _ = run_cli(capsys, "chain", "chokepoints", "--db", db, "--format", "csv", "--top", "5")
    f = csv(out)
    assert code == 0 and f.columns[0] == "sector" and f["sector"].tolist()[:3] == ["03", "04", "20"]
    assert f["rank"].tolist() == [1, 2, 3, 4, 5] and f["score"].is_monotonic_decreasing
    code, out, _ = run_cli(
        capsys,
        "chain",
        "chokepoints",
        "--db",
        db,
        "--table",
        "cn_nbs_io_2020_153",
        "--format",
        "csv",
        "--top",
        "5",
    )
    f = csv(out)
    assert (
        code == 0
        and f["sector"].iloc[1] == "094"
        and f["import_share"].iloc[1] == pytest.approx(0.378, abs=5e-4)
    )
    code, out, _ = run_cli(
        capsys,
        "chain",
        "chokepoints",
        "--db",
        db,
        "--table",
        "cn_nbs_io_2020_153",
        "--sector",
        "094",
        "--format",
        "csv",
    )
    assert code == 0 and [r.split(",")[0] for r in out.splitlines()[1:4]] == ["094", "090", "091"]
    # the centrality ranking formerly shown by chain chokepoints: structural hubs
    code, out, _ = run_cli(capsys, "chain", "hubs", "--db", db, "--format", "csv", "--top", "5")
    assert code == 0 and csv(out)["sector"].iloc[0] == "12"
    gml = tmp_path / "chain.graphml"
    code, out, _ = run_cli(capsys, "chain", "chokepoints", "--db", db, "--out", str(gml))
    assert code == 0 and nx.read_graphml(gml).number_of_edges() == 102


def test_user_errors_are_one_line(capsys, db):
    code, _, err = run_cli(capsys, "chain", "tree", "--sector", "99", "--db", db)
    assert code == 2 and "unknown sector" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(capsys, "io", "summary", "--table", "no_such_table", "--db", db)
    assert code == 2 and "unknown IO table" in err
    code, _, err = run_cli(capsys, "io", "summary", "--basis", "gross", "--db", db)
    assert code == 2 and "unknown basis" in err


def test_service_errors_name_the_parameter(db):
    """Service errors speak of the data ('basis', 'table_id'), not of a CLI flag."""
    from industrial_brain.errors import InputError
    from industrial_brain.services.io import load_table
    from industrial_brain.store import Store

    with Store(db, read_only=True) as s:
        with pytest.raises(InputError, match="column 'basis': unknown basis") as err:
            load_table(s, "cn_nbs_io_2020_42", basis="gross")
        assert "--basis" not in str(err.value)
        with pytest.raises(InputError, match="column 'table_id': unknown IO table"):
            load_table(s, "no_such_table")
